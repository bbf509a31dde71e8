/*
 * The pipeline for inputs: ledger -> unpack -> documents (ingest_doc.c)
 * -> settle, then batches and their commits, and --reprocess.  An input
 * is atomic (its ledger row, kept bytes and reports), each report within
 * it too; a rejected input keeps its ledger row and bytes but none of its
 * reports, even those stored before a later entry failed (they stream
 * into one savepoint).  Settled inputs are committed in batches
 * (INGEST_BATCH_MS), so a run killed at any moment leaves each input
 * finished or absent, and the next run redoes what is absent.  E-mail
 * messages are taken apart into inputs by ingest_mail.c.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "hash.h"
#include "ingest.h"
#include "ingest_int.h"
#include "limits.h"
#include "mail.h"
#include "unpack.h"
#include "xalloc.h"

void
ingest_init(struct ingest *ing, struct store *st)
{
	memset(ing, 0, sizeof(*ing));
	ing->store = st;
	ing->max_xml_bytes = MAX_XML_BYTES;
	ing->max_mail_reports = MAX_MAIL_REPORTS;
	diag_init(&ing->stats.warnings);
	ing->committed = ing->stats;
	store_batch(st, 1);
}

void
ingest_say(struct ingest *ing, const char *source, enum outcome oc,
    const char *reason, int level)
{
	if (ing->report != NULL)
		ing->report(ing->report_arg, source, oc, reason, level);
}

/* a system error left the input unprocessed (its ledger row pending) */
int
ingest_fail(struct ingest *ing, const char *source, const char *why)
{
	ing->stats.failed++;
	ingest_say(ing, source, OUTCOME_PENDING, why, 2);
	return -1;
}

static int64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* an input is about to be offered: it may open a batch */
void
ingest_batch_join(struct ingest *ing, const char *source)
{
	size_t n = strnlen(source, sizeof(ing->batch_first) - 1);

	if (ing->batch_ms != 0)
		return;
	ing->batch_ms = now_ms();
	ing->batch_no++;
	memcpy(ing->batch_first, source, n);	/* truncated: a message */
	ing->batch_first[n] = '\0';
}

/*
 * The batch was lost (its commit failed, or an error made SQLite roll it
 * back): every input and message since the last commit counts as failed,
 * whatever it seemed to be, and is said once.
 */
static void
batch_lost(struct ingest *ing, const char *why)
{
	struct ingest_stats c = ing->committed;
	size_t inputs = ing->stats.inputs - c.inputs;
	size_t mails = ing->stats.mails - c.mails;
	char msg[DIAG_ERROR_LEN + 256];

	snprintf(msg, sizeof(msg), "not committed, nor the %zu input(s) "
	    "after it: %s; the next run ingests them again",
	    inputs > 0 ? inputs - 1 : 0, why);
	c.inputs += inputs;
	c.failed += inputs;
	c.mails += mails;
	c.mail_failed += mails;
	ing->stats = ing->committed = c;
	ing->batch_ms = 0;
	ingest_say(ing, ing->batch_first, OUTCOME_PENDING, msg, 2);
}

int
ingest_commit(struct ingest *ing)
{
	if (store_commit(ing->store) == -1 || store_take_lost(ing->store)) {
		batch_lost(ing, store_errmsg(ing->store));
		return -1;
	}
	/* writes outside an open batch do not move it (a lost one's) */
	if (ing->batch_ms != 0)
		ing->durable = ing->batch_no;
	ing->committed = ing->stats;
	ing->batch_ms = 0;
	return 0;
}

uint64_t
ingest_batch_no(const struct ingest *ing)
{
	return ing->batch_no;
}

uint64_t
ingest_durable(const struct ingest *ing)
{
	return ing->durable;
}

/* after an input or message: ingest_int.h */
int
ingest_batch_after(struct ingest *ing, int rc)
{
	if (store_take_lost(ing->store)) {
		batch_lost(ing, store_errmsg(ing->store));
		return -1;
	}
	if (ing->batch_ms != 0 && now_ms() - ing->batch_ms >= INGEST_BATCH_MS)
		return ingest_commit(ing) == -1 ? -1 : rc;
	return rc;
}

/*
 * The input's outcome, counted in the run's totals.  A rejected input
 * counts no report (store_input_finish() takes its reports back), and its
 * reason says when reports that could be read were withheld with it.
 */
static enum outcome
settle(struct ingest *ing, struct input_result *res)
{
	size_t read = res->stored + res->duplicates + res->conflicts;
	size_t n = strlen(res->reason);

	if (res->rejected > 0) {
		ing->stats.rejected++;
		if (read > 0)
			snprintf(res->reason + n, sizeof(res->reason) - n,
			    "; none of its reports is stored (%zu could be "
			    "read)", read);
		res->stored = res->conflicts = res->records = 0;
		return OUTCOME_REJECTED;
	}
	ing->stats.reports += res->stored;
	ing->stats.records += res->new_records;
	ing->stats.messages += res->messages;
	ing->stats.report_duplicates += res->duplicates;
	ing->stats.conflicts += res->conflicts;
	if (res->stored + res->conflicts > 0) {
		ing->stats.stored++;
		return OUTCOME_STORED;
	}
	ing->stats.duplicates++;
	return OUTCOME_DUPLICATE;
}

/*
 * Unpacks, parses and stores an input whose ledger row is input_id; *ocp
 * (may be NULL) gets its outcome.
 */
/*
 * The state of one input (its document buffers are 64 KB) is kept from
 * one input to the next, not allocated for each: run_take() hands out the
 * spare one, reset, or a new one; run_give() keeps it as the spare.  The
 * spare lives as long as the process (a reachable static, one pipeline
 * thread).
 */
static struct input_run *spare_run;

static struct input_run *
run_take(void)
{
	struct input_run *run = spare_run;

	spare_run = NULL;
	if (run == NULL)
		return xcalloc(1, sizeof(*run));
	/* ingest_doc() resets each document's state */
	memset(run, 0, offsetof(struct input_run, doc));
	return run;
}

static void
run_give(struct input_run *run)
{
	if (spare_run == NULL)
		spare_run = run;
	else
		free(run);
}

static int
process_input(struct ingest *ing, int64_t input_id, int fd,
    const char *source, enum outcome *ocp)
{
	struct input_run *run = run_take();
	struct input_result *res = &run->res;
	struct diag d;
	enum outcome oc;
	int n, rc = -1;

	run->ing = ing;
	run->input_id = input_id;
	diag_init(&d);
	if (lseek(fd, 0, SEEK_SET) == -1) {
		ingest_fail(ing, source, strerror(errno));
		goto out;
	}
	if (store_input_reports(ing->store) == -1) {
		ingest_fail(ing, source, store_errmsg(ing->store));
		goto out;
	}
	n = unpack_fd(fd, ing->max_xml_bytes, ingest_doc, run, &d);
	if (res->system_error) {
		ingest_fail(ing, source, res->reason);
		goto out;
	}
	diag_merge(&res->warnings, &d);
	/* unpack reports errors after some documents in d, not by -1 */
	if (n == -1 || d.failed || (n == 0 && res->rejected == 0))
		input_reject(res, "", d.error[0] != '\0' ? d.error :
		    "no report found in the input");
	oc = settle(ing, res);
	diag_merge(&ing->stats.warnings, &res->warnings);
	if (store_input_finish(ing->store, input_id, oc,
	    oc == OUTCOME_REJECTED ? res->reason : NULL,
	    res->stored + res->conflicts, res->records, &res->warnings) == -1) {
		ingest_fail(ing, source, store_errmsg(ing->store));
		goto out;
	}
	ingest_say(ing, source, oc, oc == OUTCOME_REJECTED ? res->reason : NULL,
	    oc == OUTCOME_REJECTED);
	if (ocp != NULL)
		*ocp = oc;
	rc = 0;
out:
	run_give(run);
	return rc;
}

/* SHA-256 of the whole file */
int
ingest_hash_fd(int fd, uint8_t sha[HASH_LEN])
{
	struct hash h;
	uint8_t chunk[65536];
	ssize_t got;

	hash_init(&h);
	if (lseek(fd, 0, SEEK_SET) == -1)
		return -1;
	while ((got = read(fd, chunk, sizeof(chunk))) != 0) {
		if (got == -1 && errno == EINTR)
			continue;
		if (got == -1)
			return -1;
		hash_add(&h, chunk, (size_t)got);
	}
	hash_final(&h, sha);
	return 0;
}

/*
 * The part of ingest_input inside the input's transaction: recognise the
 * input or add it, then process it (store_input_finish commits).
 */
static int
input_known_or_new(struct ingest *ing, int fd, const char *source,
    const uint8_t sha[HASH_LEN], struct input_done *done)
{
	struct input_info info;
	int64_t id;
	int known;

	if ((known = store_input_lookup(ing->store, sha, &info)) == -1)
		return ingest_fail(ing, source, store_errmsg(ing->store));
	if (known && info.outcome != OUTCOME_PENDING) {
		if (store_input_seen(ing->store, info.id) == -1 ||
		    store_input_commit(ing->store) == -1)
			return ingest_fail(ing, source, store_errmsg(ing->store));
		ing->stats.duplicates++;
		ingest_say(ing, source, OUTCOME_DUPLICATE,
		    info.outcome == OUTCOME_REJECTED ? "already ingested "
		    "(rejected earlier; see --reprocess)" : "already ingested",
		    0);
		done->id = info.id;
		done->outcome = OUTCOME_DUPLICATE;
		done->earlier = info.outcome;
		done->known = 1;
		return 0;
	}
	if (known) {
		/* a database from before input transactions: redo it */
		id = info.id;
		if (store_input_clear(ing->store, id) == -1)
			return ingest_fail(ing, source, store_errmsg(ing->store));
	} else if ((id = store_input_add(ing->store, sha, source, fd)) == -1)
		return ingest_fail(ing, source, store_errmsg(ing->store));
	done->id = id;
	return process_input(ing, id, fd, source, &done->outcome);
}

static int
input_offer(struct ingest *ing, int fd, const char *source,
    struct input_done *done)
{
	struct stat sb;
	uint8_t sha[HASH_LEN];
	int rc;

	memset(done, 0, sizeof(*done));
	done->outcome = OUTCOME_REJECTED;
	ing->stats.inputs++;
	if (fstat(fd, &sb) == -1)
		return ingest_fail(ing, source, strerror(errno));
	if (!S_ISREG(sb.st_mode))
		return ingest_fail(ing, source, "not a regular file");
	if ((uintmax_t)sb.st_size > MAX_INPUT_BYTES) {
		ing->stats.rejected++;
		ingest_say(ing, source, OUTCOME_REJECTED, "input is larger than "
		    "the " LIMIT_STR(MAX_INPUT_MIB) " MiB limit (MAX_INPUT_BYTES);"
		    " not stored", 1);
		return 0;
	}
	if (ingest_hash_fd(fd, sha) == -1)
		return ingest_fail(ing, source, strerror(errno));
	if (store_input_begin(ing->store) == -1)
		return ingest_fail(ing, source, store_errmsg(ing->store));
	rc = input_known_or_new(ing, fd, source, sha, done);
	if (rc == -1)
		store_input_abort(ing->store);
	return rc;
}

/* offers one input (a file, or a part of a message) in the batch */
int
ingest_input(struct ingest *ing, int fd, const char *source,
    struct input_done *done)
{
	ingest_batch_join(ing, source);
	return ingest_batch_after(ing, input_offer(ing, fd, source, done));
}

int
ingest_fd(struct ingest *ing, int fd, const char *source)
{
	struct input_done done;
	uint8_t head[MAIL_PEEK_BYTES];
	ssize_t n;

	/* an e-mail message takes the mail path */
	if ((n = pread(fd, head, sizeof(head), 0)) > 0 &&
	    mail_sniff(head, (size_t)n)) {
		enum outcome oc;

		return ingest_message(ing, fd, source, &oc);
	}
	return ingest_input(ing, fd, source, &done);
}

int
ingest_file(struct ingest *ing, const char *path)
{
	int fd, rc;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	if (fd == -1) {
		ing->stats.inputs++;
		return ingest_fail(ing, path, strerror(errno));
	}
	rc = ingest_fd(ing, fd, path);
	close(fd);
	return rc;
}

static int
reprocess_input(struct ingest *ing, int64_t input_id, const char *source,
    int fd)
{
	uint8_t head[MAIL_PEEK_BYTES];
	enum outcome oc;
	ssize_t n;
	int kept = 0;

	ing->stats.inputs++;
	/*
	 * A message kept whole because something in it was not read (or
	 * by a version that could not read mail): read it again, even if
	 * the mail ledger has settled it.  Kept again, it stays rejected.
	 */
	if ((n = pread(fd, head, sizeof(head), 0)) > 0 &&
	    mail_sniff(head, (size_t)n)) {
		if (store_input_clear(ing->store, input_id) == -1)
			return ingest_fail(ing, source, store_errmsg(ing->store));
		if (ingest_message_redo(ing, fd, source, 1, &oc, &kept) == -1)
			return -1;
		if (kept)
			return 0;
		return store_input_finish(ing->store, input_id,
		    OUTCOME_NOT_REPORT, "an e-mail message: ingested as "
		    "a message (see v_messages)", 0, 0, NULL) == -1 ?
		    ingest_fail(ing, source, store_errmsg(ing->store)) : 0;
	}
	if (store_input_begin(ing->store) == -1)
		return ingest_fail(ing, source, store_errmsg(ing->store));
	if (store_input_clear(ing->store, input_id) == -1) {
		store_input_abort(ing->store);
		return ingest_fail(ing, source, store_errmsg(ing->store));
	}
	if (process_input(ing, input_id, fd, source, NULL) == -1) {
		store_input_abort(ing->store);
		return -1;
	}
	return 0;
}

static int
reprocess_one(void *arg, int64_t input_id, const char *source, int fd)
{
	struct ingest *ing = arg;

	ingest_batch_join(ing, source);
	return ingest_batch_after(ing, reprocess_input(ing, input_id, source,
	    fd));
}

int
ingest_reprocess(struct ingest *ing, int all)
{
	return store_foreach_input(ing->store, all, reprocess_one, ing);
}

int
ingest_temporary(const struct ingest *ing)
{
	return store_temporary(ing->store);
}

/*
 * The pipeline for one input: ledger -> unpack -> (UTF-8 repair) -> parse
 * -> align -> store.  An input is atomic (its ledger row, kept bytes and
 * reports), each report within it too; a rejected input keeps its ledger
 * row and bytes but none of its reports, even those stored before a later
 * entry failed (they stream into one savepoint).  Settled inputs are
 * committed in batches (INGEST_BATCH_MS), so a run killed at any moment
 * leaves each input finished or absent, and the next run redoes what is
 * absent.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "align.h"
#include "hash.h"
#include "ingest.h"
#include "limits.h"
#include "mail.h"
#include "mailscan.h"
#include "parse.h"
#include "storeq.h"
#include "unpack.h"
#include "utf8.h"
#include "xalloc.h"

/* raw bytes pulled from a document stream per read */
#define RAW_CHUNK	16384
/* bytes looked at to find the XML declaration's encoding */
#define DECL_PEEK	512
/*
 * Records of a report stored on the parser's own thread before the rest
 * goes through the store thread: small reports, the vast majority, never
 * pay for a thread.
 */
#define DIRECT_RECORDS	1000

/*
 * What happened to the documents of one input.  Nothing is added to the
 * run's totals until the input is settled: a rejected input stores none
 * of its reports.
 */
struct input_result {
	size_t		 stored;
	size_t		 duplicates;
	size_t		 conflicts;
	size_t		 rejected;
	size_t		 records;	/* of stored and conflicting reports */
	size_t		 new_records;	/* of stored reports */
	uint64_t	 messages;	/* in those records */
	int		 system_error;	/* the store failed: stop */
	char		 reason[DIAG_ERROR_LEN + 256]; /* first rejection */
	struct diag	 warnings;	/* of the whole input */
};

/*
 * State of one document on its way from the unpacker to the store.
 * Everything before raw is reset for each document (on_doc).
 */
struct doc {
	struct ingest	*ing;
	int64_t		 input_id;
	const char	*where;
	struct stream	*in;
	struct hash	 hash;		/* of the XML bytes as received */
	int		 decided;	/* utf8 repair mode chosen */
	int		 repair;	/* Windows-1252 repair on */
	int		 eof;
	int		 began;		/* the store has the report open */
	int		 store_failed;
	const struct policy *policy;	/* the report's, for the store thread */
	size_t		 n_direct;	/* records stored on this thread */
	struct storeq	*q;		/* the store thread, once started */
	struct utf8fix	 fix;
	struct diag	 d;
	struct diag	 dq;		/* warnings counted by the store thread */
	size_t		 raw_len;
	size_t		 out_len, out_off;
	uint8_t		 raw[RAW_CHUNK];
	uint8_t		 out[3 * (RAW_CHUNK + 4)];
};

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

/*
 * Whether the document is meant to be UTF-8, so that stray Windows-1252
 * bytes may be repaired: no UTF-16/32 signature and no declared encoding
 * other than UTF-8.  libxml2 decodes every other declared charset itself.
 */
static int
meant_as_utf8(const uint8_t *p, size_t n)
{
	const char *s = (const char *)p, *e, *q, *end;
	char quote;

	if (n >= 2 && (p[0] == 0 || p[1] == 0 || (p[0] == 0xfe &&
	    p[1] == 0xff) || (p[0] == 0xff && p[1] == 0xfe)))
		return 0;
	if (n >= 3 && p[0] == 0xef && p[1] == 0xbb && p[2] == 0xbf)
		s += 3, n -= 3;
	while (n > 0 && (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n'))
		s++, n--;
	if (n < 5 || memcmp(s, "<?xml", 5) != 0)
		return 1;
	if ((e = memchr(s, '>', n)) == NULL)
		return 1;
	for (q = s; q + 8 < e && memcmp(q, "encoding", 8) != 0; q++)
		;
	if (q + 8 >= e)
		return 1;
	for (q += 8; q < e && *q != '"' && *q != '\''; q++)
		;
	if (q >= e)
		return 1;
	quote = *q++;
	if ((end = memchr(q, quote, (size_t)(e - q))) == NULL)
		return 1;
	n = (size_t)(end - q);
	return (n == 5 && strncasecmp(q, "utf-8", 5) == 0) ||
	    (n == 4 && strncasecmp(q, "utf8", 4) == 0);
}

/* fills doc->raw from the stream: 0 at the end, -1 on error */
static ssize_t
doc_fill(struct doc *doc, size_t want)
{
	ssize_t got;

	doc->raw_len = 0;
	while (doc->raw_len < want) {
		got = stream_read(doc->in, doc->raw + doc->raw_len,
		    sizeof(doc->raw) - doc->raw_len);
		if (got < 0)
			return -1;
		if (got == 0)
			break;
		doc->raw_len += (size_t)got;
	}
	hash_add(&doc->hash, doc->raw, doc->raw_len);
	return (ssize_t)doc->raw_len;
}

/* the parser's read callback: raw bytes, repaired when needed */
static int
doc_read(void *ctx, char *buf, int len)
{
	struct doc *doc = ctx;
	ssize_t got;
	size_t n;

	while (doc->out_off == doc->out_len) {
		if (doc->eof)
			return 0;
		got = doc_fill(doc, doc->decided ? 1 : DECL_PEEK);
		if (got < 0)
			return -1;
		if (!doc->decided) {
			doc->decided = 1;
			doc->repair = meant_as_utf8(doc->raw, doc->raw_len);
		}
		if (got == 0)
			doc->eof = 1;
		doc->out_off = 0;
		if (doc->repair) {
			doc->out_len = utf8fix_run(&doc->fix, doc->raw,
			    doc->raw_len, doc->out, doc->eof);
		} else {
			memcpy(doc->out, doc->raw, doc->raw_len);
			doc->out_len = doc->raw_len;
		}
	}
	n = doc->out_len - doc->out_off;
	if (n > (size_t)len)
		n = (size_t)len;
	memcpy(buf, doc->out + doc->out_off, n);
	doc->out_off += n;
	return (int)n;
}

static int
on_begin(void *arg, const struct report *rep)
{
	struct doc *doc = arg;

	if (store_report_begin(doc->ing->store, doc->input_id, doc->where,
	    rep) == -1) {
		doc->store_failed = 1;
		return -1;
	}
	doc->began = 1;
	return 0;
}

/* aligns and stores one record; d is the calling thread's own */
static int
store_one(struct doc *doc, const struct policy *pol, struct record *rec,
    struct diag *d)
{
	align_record(pol, rec);
	if (rec->receiver_pass != -1 && rec->receiver_pass != rec->dmarc_pass)
		diag_warn(d, DIAG_ALIGN_DISAGREES);
	return store_record(doc->ing->store, rec);
}

/*
 * The store thread's handler.  The policy it aligns against is complete
 * before the first record and never changes after (parse.h), so reading
 * it here while the parser goes on is safe.
 */
static int
store_queued(void *arg, struct record *rec)
{
	struct doc *doc = arg;

	return store_one(doc, doc->policy, rec, &doc->dq);
}

static int
on_record(void *arg, const struct report *rep, struct record *rec)
{
	struct doc *doc = arg;

	if (doc->q == NULL && doc->n_direct < DIRECT_RECORDS) {
		doc->n_direct++;
		if (store_one(doc, &rep->policy, rec, &doc->d) == 0)
			return 0;
		doc->store_failed = 1;
		return -1;
	}
	if (doc->q == NULL) {
		doc->policy = &rep->policy;
		doc->q = storeq_new(store_queued, doc);
	}
	if (storeq_push(doc->q, rec) == -1) {
		doc->store_failed = 1;
		return -1;
	}
	return 0;
}

/* waits for the store thread to finish the report's records and ends it */
static void
doc_drain(struct doc *doc)
{
	if (doc->q == NULL)
		return;
	if (storeq_sync(doc->q) == -1)
		doc->store_failed = 1;
	storeq_free(doc->q);
	doc->q = NULL;
	diag_merge(&doc->d, &doc->dq);
}

static void
note_reject(struct input_result *res, const char *where, const char *why)
{
	res->rejected++;
	if (res->reason[0] != '\0')
		return;
	if (where[0] != '\0')
		snprintf(res->reason, sizeof(res->reason), "%s: %s", where,
		    why);
	else
		snprintf(res->reason, sizeof(res->reason), "%s", why);
}

/* settles one parsed document in the store */
static void
doc_settle(struct doc *doc, struct input_result *res, struct report *rep)
{
	uint8_t sha[HASH_LEN];
	int st;

	hash_final(&doc->hash, sha);
	if (doc->fix.n_fixed > 0)
		diag_warn(&doc->d, DIAG_CP1252);
	st = store_report_end(doc->ing->store, rep, sha, &doc->d);
	switch (st) {
	case REPORT_STORED:
		res->stored++;
		res->records += rep->n_records;
		res->new_records += rep->n_records;
		res->messages += (uint64_t)rep->messages;
		break;
	case REPORT_DUPLICATE:
		res->duplicates++;
		break;
	case REPORT_CONFLICT:
		res->conflicts++;
		res->records += rep->n_records;
		break;
	default:
		res->system_error = 1;
		note_reject(res, doc->where, store_errmsg(doc->ing->store));
		break;
	}
}

static const struct parse_handler handler = { on_begin, on_record };

/* one input being processed: shared by the unpack callback */
struct input_run {
	struct ingest		*ing;
	int64_t			 input_id;
	struct input_result	 res;
	struct doc		 doc;	/* reused for each document */
};

/* unpack callback: one report document */
static int
on_doc(void *arg, struct stream *in, const char *where)
{
	struct input_run *run = arg;
	struct input_result *res = &run->res;
	struct doc *doc = &run->doc;
	struct report rep;
	const char *why;
	int rc;

	memset(doc, 0, offsetof(struct doc, raw));
	doc->ing = run->ing;
	doc->input_id = run->input_id;
	doc->where = where;
	doc->in = in;
	hash_init(&doc->hash);
	utf8fix_init(&doc->fix);
	diag_init(&doc->d);
	diag_init(&doc->dq);
	report_init(&rep);
	rc = parse_report(doc_read, doc, &handler, doc, &rep, &doc->d);
	doc_drain(doc);
	if (rc == 0 && doc->store_failed) {
		/* the store thread failed after the last record was queued */
		store_report_abort(doc->ing->store);
		res->system_error = 1;
		note_reject(res, where, store_errmsg(doc->ing->store));
	} else if (rc == 0) {
		if (!doc->began && on_begin(doc, &rep) == -1)
			res->system_error = 1;
		else
			doc_settle(doc, res, &rep);
	} else {
		store_report_abort(doc->ing->store);
		if (doc->store_failed) {
			res->system_error = 1;
			why = store_errmsg(doc->ing->store);
		} else if (stream_error(in)[0] != '\0')
			why = stream_error(in);
		else
			why = doc->d.error;
		note_reject(res, where, why);
	}
	diag_merge(&res->warnings, &doc->d);
	report_release(&rep);
	return res->system_error ? -1 : 0;
}

static void
say(struct ingest *ing, const char *source, enum outcome oc,
    const char *reason, int level)
{
	if (ing->report != NULL)
		ing->report(ing->report_arg, source, oc, reason, level);
}

/* a system error left the input unprocessed (its ledger row pending) */
static int
fail(struct ingest *ing, const char *source, const char *why)
{
	ing->stats.failed++;
	say(ing, source, OUTCOME_PENDING, why, 2);
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
static void
batch_join(struct ingest *ing, const char *source)
{
	size_t n = strnlen(source, sizeof(ing->batch_first) - 1);

	if (ing->batch_ms != 0)
		return;
	ing->batch_ms = now_ms();
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
	say(ing, ing->batch_first, OUTCOME_PENDING, msg, 2);
}

int
ingest_commit(struct ingest *ing)
{
	if (store_commit(ing->store) == -1 || store_take_lost(ing->store)) {
		batch_lost(ing, store_errmsg(ing->store));
		return -1;
	}
	ing->committed = ing->stats;
	ing->batch_ms = 0;
	return 0;
}

/*
 * After an input (rc: how it went): notices a lost batch, and commits
 * when the batch is due.  Returns rc, or -1 when the batch was lost.
 */
static int
batch_after(struct ingest *ing, int rc)
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
static int
process_input(struct ingest *ing, int64_t input_id, int fd,
    const char *source, enum outcome *ocp)
{
	struct input_run *run = xcalloc(1, sizeof(*run));
	struct input_result *res = &run->res;
	struct diag d;
	enum outcome oc;
	int n, rc = -1;

	run->ing = ing;
	run->input_id = input_id;
	diag_init(&d);
	if (lseek(fd, 0, SEEK_SET) == -1) {
		fail(ing, source, strerror(errno));
		goto out;
	}
	if (store_input_reports(ing->store) == -1) {
		fail(ing, source, store_errmsg(ing->store));
		goto out;
	}
	n = unpack_fd(fd, ing->max_xml_bytes, on_doc, run, &d);
	if (res->system_error) {
		fail(ing, source, res->reason);
		goto out;
	}
	diag_merge(&res->warnings, &d);
	/* unpack reports errors after some documents in d, not by -1 */
	if (n == -1 || d.failed || (n == 0 && res->rejected == 0))
		note_reject(res, "", d.error[0] != '\0' ? d.error :
		    "no report found in the input");
	oc = settle(ing, res);
	diag_merge(&ing->stats.warnings, &res->warnings);
	if (store_input_finish(ing->store, input_id, oc,
	    oc == OUTCOME_REJECTED ? res->reason : NULL,
	    res->stored + res->conflicts, res->records, &res->warnings) == -1) {
		fail(ing, source, store_errmsg(ing->store));
		goto out;
	}
	say(ing, source, oc, oc == OUTCOME_REJECTED ? res->reason : NULL,
	    oc == OUTCOME_REJECTED);
	if (ocp != NULL)
		*ocp = oc;
	rc = 0;
out:
	free(run);
	return rc;
}

/* SHA-256 of the whole file */
static int
hash_fd(int fd, uint8_t sha[HASH_LEN])
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

/* how one offer of an input ended */
struct input_done {
	int64_t		 id;		/* ledger row; 0: none (too large) */
	enum outcome	 outcome;	/* of this offer */
	enum outcome	 earlier;	/* known input: its recorded outcome */
	int		 known;		/* it was settled before this offer */
};

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
		return fail(ing, source, store_errmsg(ing->store));
	if (known && info.outcome != OUTCOME_PENDING) {
		if (store_input_seen(ing->store, info.id) == -1 ||
		    store_input_commit(ing->store) == -1)
			return fail(ing, source, store_errmsg(ing->store));
		ing->stats.duplicates++;
		say(ing, source, OUTCOME_DUPLICATE,
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
			return fail(ing, source, store_errmsg(ing->store));
	} else if ((id = store_input_add(ing->store, sha, source, fd)) == -1)
		return fail(ing, source, store_errmsg(ing->store));
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
		return fail(ing, source, strerror(errno));
	if (!S_ISREG(sb.st_mode))
		return fail(ing, source, "not a regular file");
	if ((uintmax_t)sb.st_size > MAX_INPUT_BYTES) {
		ing->stats.rejected++;
		say(ing, source, OUTCOME_REJECTED, "input is larger than the "
		    LIMIT_STR(MAX_INPUT_MIB) " MiB limit (MAX_INPUT_BYTES); not stored", 1);
		return 0;
	}
	if (hash_fd(fd, sha) == -1)
		return fail(ing, source, strerror(errno));
	if (store_input_begin(ing->store) == -1)
		return fail(ing, source, store_errmsg(ing->store));
	rc = input_known_or_new(ing, fd, source, sha, done);
	if (rc == -1)
		store_input_abort(ing->store);
	return rc;
}

/* offers one input (a file, or a part of a message) in the batch */
static int
ingest_input(struct ingest *ing, int fd, const char *source,
    struct input_done *done)
{
	batch_join(ing, source);
	return batch_after(ing, input_offer(ing, fd, source, done));
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
		return fail(ing, path, strerror(errno));
	}
	rc = ingest_fd(ing, fd, path);
	close(fd);
	return rc;
}

static int message_ingest(struct ingest *, int, const char *, int,
    enum outcome *, int *);

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
			return fail(ing, source, store_errmsg(ing->store));
		if (message_ingest(ing, fd, source, 1, &oc, &kept) == -1)
			return -1;
		if (kept)
			return 0;
		return store_input_finish(ing->store, input_id,
		    OUTCOME_NOT_REPORT, "an e-mail message: ingested as "
		    "a message (see v_messages)", 0, 0, NULL) == -1 ?
		    fail(ing, source, store_errmsg(ing->store)) : 0;
	}
	if (store_input_begin(ing->store) == -1)
		return fail(ing, source, store_errmsg(ing->store));
	if (store_input_clear(ing->store, input_id) == -1) {
		store_input_abort(ing->store);
		return fail(ing, source, store_errmsg(ing->store));
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

	batch_join(ing, source);
	return batch_after(ing, reprocess_input(ing, input_id, source, fd));
}

int
ingest_reprocess(struct ingest *ing, int all)
{
	return store_foreach_input(ing->store, all, reprocess_one, ing);
}

/*
 * E-mail messages.  The message's ledger row is written (pending) before
 * its first part and settled after its last; each report part goes
 * through ingest_input like a file and is linked to the message.  A run
 * killed in between leaves the message pending: the next run redoes it,
 * its settled parts are then known inputs and count as they counted.
 */

/* what the parts of one message came to */
struct message_run {
	struct ingest	*ing;
	int64_t		 id;		/* message row; 0: not yet added */
	const char	*source;
	int		 fd;		/* the message's bytes */
	const uint8_t	*sha;		/* their SHA-256 */
	size_t		 stored, duplicates, rejected;
	int		 unread;	/* a report part was not read whole */
	int		 kept;		/* the whole message is kept as an
					   input for --reprocess */
	char		 reason[DIAG_ERROR_LEN + 256]; /* first rejection */
	int		 system_error;
};

static void
message_reject(struct message_run *mr, const char *where, const char *why)
{
	mr->rejected++;
	if (mr->reason[0] == '\0')
		snprintf(mr->reason, sizeof(mr->reason), "%s: %s", where, why);
}

/* mail_walk callback: one report part becomes one input */
static int
on_part(void *arg, const struct mail_part *p)
{
	struct message_run *mr = arg;
	struct ingest *ing = mr->ing;
	struct input_done done;
	char source[1024];
	int linked = 0;

	snprintf(source, sizeof(source), "%s %s", mr->source, p->where);
	if (ingest_input(ing, p->fd, source, &done) == -1)
		goto fail;
	if (done.id == 0) {
		mr->unread = 1;
		message_reject(mr, p->where, "larger than MAX_INPUT_BYTES");
		return 0;
	}
	if (done.known && (linked = store_message_linked(ing->store, mr->id,
	    done.id)) == -1)
		goto fail;
	if (store_message_link(ing->store, mr->id, done.id, p->where) == -1)
		goto fail;
	if (done.known)
		done.outcome = done.earlier == OUTCOME_REJECTED ?
		    OUTCOME_REJECTED : linked ? done.earlier :
		    OUTCOME_DUPLICATE;
	if (done.outcome == OUTCOME_REJECTED)
		message_reject(mr, p->where, "report rejected (see "
		    "v_ingest)");
	else if (done.outcome == OUTCOME_STORED)
		mr->stored++;
	else
		mr->duplicates++;
	return 0;
fail:
	mr->system_error = 1;
	return -1;
}

/* counts and reports a settled message */
static void
message_said(struct ingest *ing, const char *source, enum outcome oc,
    const char *reason, int level)
{
	switch (oc) {
	case OUTCOME_STORED:
		ing->stats.mail_stored++;
		break;
	case OUTCOME_REJECTED:
		ing->stats.mail_rejected++;
		break;
	case OUTCOME_NOT_REPORT:
		ing->stats.mail_not_report++;
		break;
	default:
		ing->stats.mail_duplicates++;
		break;
	}
	say(ing, source, oc, reason, level);
}

static int
message_fail(struct ingest *ing, const char *source, const char *why)
{
	ing->stats.mail_failed++;
	say(ing, source, OUTCOME_PENDING, why, 2);
	return -1;
}

/*
 * The outcome of a walked message, with its reason; *unread when some
 * part of it was not read (a limit), so that the whole message must be
 * kept for --reprocess.
 */
static enum outcome
message_outcome(const struct message_run *mr, const struct mail_result *r,
    const char **reason, int *unread)
{
	*reason = NULL;
	*unread = 1;
	if (r->n_skipped > 0) {
		*reason = "more report parts than MAX_MAIL_REPORTS; the "
		    "rest were not read";
		return OUTCOME_REJECTED;
	}
	if (r->too_deep || r->too_many) {
		*reason = r->too_deep ? "MIME nesting deeper than "
		    "MAX_MIME_DEPTH (" LIMIT_STR(MAX_MIME_DEPTH) "); the deeper parts were not read" :
		    "more MIME parts than MAX_MIME_PARTS (" LIMIT_STR(MAX_MIME_PARTS) "); the rest "
		    "were not read";
		return OUTCOME_REJECTED;
	}
	*unread = mr->unread;
	if (mr->rejected > 0) {
		*reason = mr->reason;
		return OUTCOME_REJECTED;
	}
	if (mr->stored > 0)
		return OUTCOME_STORED;
	if (r->n_candidates > 0)
		return OUTCOME_DUPLICATE;
	*reason = r->what;
	return OUTCOME_NOT_REPORT;
}

/*
 * Keeps the whole message as an input of its own (rejected, with why),
 * linked to the message, so that --reprocess reads it again once the
 * limit that stopped it allows.  0, or -1 on a database error.
 */
static int
message_keep(struct message_run *mr, const char *why)
{
	struct store *st = mr->ing->store;
	struct input_info info;
	int64_t id;
	int known;

	if (store_input_begin(st) == -1)
		return -1;
	if ((known = store_input_lookup(st, mr->sha, &info)) == -1 ||
	    (id = known ? info.id : store_input_add(st, mr->sha, mr->source,
	    mr->fd)) == -1) {
		store_input_abort(st);
		return -1;
	}
	if (store_input_finish(st, id, OUTCOME_REJECTED, why, 0, 0,
	    NULL) == -1 || store_message_link(st, mr->id, id,
	    "whole message") == -1)
		return -1;
	/* an input in the ledger like any other: the summary counts it */
	mr->ing->stats.inputs++;
	mr->ing->stats.rejected++;
	mr->kept = 1;
	return 0;
}

/* settles the message as rejected for why, its bytes kept */
static int
message_settle_kept(struct message_run *mr, const char *why,
    size_t n_reports, enum outcome *oc)
{
	struct ingest *ing = mr->ing;
	char said[DIAG_ERROR_LEN + 512];

	if (message_keep(mr, why) == -1 || store_message_finish(ing->store,
	    mr->id, OUTCOME_REJECTED, why, n_reports) == -1)
		return message_fail(ing, mr->source,
		    store_errmsg(ing->store));
	*oc = OUTCOME_REJECTED;
	snprintf(said, sizeof(said), "%s; the message is kept for "
	    "--reprocess", why);
	message_said(ing, mr->source, *oc, said, 1);
	return 0;
}

/* walks a parsed message whose ledger row is mr->id */
static int
message_process(struct message_run *mr, struct mail *m, enum outcome *oc)
{
	struct ingest *ing = mr->ing;
	struct mail_result res;
	const char *reason;
	char err[512];
	int unread;

	if (mail_walk(m, ing->max_mail_reports, on_part, mr, &res, err,
	    sizeof(err)) == -1)
		return message_fail(ing, mr->source, mr->system_error ?
		    "a report part could not be stored; the message is left "
		    "for the next run" : err);
	*oc = message_outcome(mr, &res, &reason, &unread);
	if (unread)
		return message_settle_kept(mr, reason, res.n_candidates, oc);
	if (store_message_finish(ing->store, mr->id, *oc, reason,
	    res.n_candidates) == -1)
		return message_fail(ing, mr->source,
		    store_errmsg(ing->store));
	message_said(ing, mr->source, *oc, reason, 0);
	return 0;
}

/*
 * A message too large to be read (over MAX_MESSAGE_BYTES): recorded in
 * the mail ledger as rejected, its bytes neither read nor kept.
 */
static int
message_oversized(struct ingest *ing, const uint8_t sha[HASH_LEN],
    uint64_t size, const char *source, enum outcome *oc)
{
	static const char why[] = "message is larger than the " LIMIT_STR(MAX_MESSAGE_MIB) " MiB "
	    "limit (MAX_MESSAGE_BYTES); not read";
	struct message_info info;
	int64_t id;
	int known;

	ing->stats.mail_unread++;
	if ((known = store_message_lookup(ing->store, sha, &info)) == -1)
		return message_fail(ing, source, store_errmsg(ing->store));
	if (known) {
		if (store_message_seen(ing->store, info.id) == -1)
			return message_fail(ing, source,
			    store_errmsg(ing->store));
	} else if ((id = store_message_add(ing->store, sha, source,
	    (int64_t)size, NULL)) == -1 || store_message_finish(ing->store,
	    id, OUTCOME_REJECTED, why, 0) == -1)
		return message_fail(ing, source, store_errmsg(ing->store));
	*oc = OUTCOME_REJECTED;
	message_said(ing, source, *oc, why, 1);
	return 0;
}

/* a message settled in an earlier run: what its caller should do now */
static int
message_again(struct ingest *ing, const struct message_info *info,
    const char *source, enum outcome *oc)
{
	if (store_message_seen(ing->store, info->id) == -1)
		return message_fail(ing, source, store_errmsg(ing->store));
	*oc = info->outcome == OUTCOME_STORED ? OUTCOME_DUPLICATE :
	    info->outcome;
	ing->stats.mail_duplicates++;
	say(ing, source, OUTCOME_DUPLICATE, "message already ingested", 0);
	return 0;
}

/* adds the message's ledger row with its headers */
static int
message_add(struct message_run *mr, struct mail *m, int64_t size)
{
	const struct mail_meta *meta = m != NULL ? mail_meta(m) : NULL;
	struct message_head head;

	if (meta != NULL) {
		head.message_id = meta->message_id;
		head.from = meta->from;
		head.subject = meta->subject;
		head.date = meta->date;
		head.has_date = meta->has_date;
	}
	mr->id = store_message_add(mr->ing->store, mr->sha, mr->source, size,
	    meta != NULL ? &head : NULL);
	return mr->id == -1 ? -1 : 0;
}

/*
 * One message: scanned, then refused whole (kept) or parsed and walked.
 * redo reads a message the mail ledger has settled again (--reprocess);
 * *kept says whether the whole message was kept as an input.
 */
static int
message_offer(struct ingest *ing, int fd, const char *source, int redo,
    enum outcome *oc, int *kept)
{
	struct message_run mr;
	struct message_info info;
	struct mail_scan scan;
	struct stat sb;
	struct mail *m = NULL;
	uint8_t sha[HASH_LEN];
	const char *why;
	char err[512];
	int known, rc = -1;

	*oc = OUTCOME_PENDING;
	ing->stats.mails++;
	mail_init();
	if (fstat(fd, &sb) == -1 || !S_ISREG(sb.st_mode))
		return message_fail(ing, source, "not a regular file");
	if ((uintmax_t)sb.st_size > MAX_MESSAGE_BYTES)
		return hash_fd(fd, sha) == -1 ? message_fail(ing, source,
		    strerror(errno)) : message_oversized(ing, sha,
		    (uint64_t)sb.st_size, source, oc);
	if (mail_scan(fd, sha, &scan) == -1)
		return message_fail(ing, source, strerror(errno));
	if ((known = store_message_lookup(ing->store, sha, &info)) == -1)
		return message_fail(ing, source, store_errmsg(ing->store));
	if (known && info.outcome != OUTCOME_PENDING && !redo)
		return message_again(ing, &info, source, oc);
	memset(&mr, 0, sizeof(mr));
	mr.ing = ing;
	mr.source = source;
	mr.fd = fd;
	mr.sha = sha;
	mr.id = known ? info.id : 0;	/* known: killed on it, or redo */
	why = mail_scan_refusal(&scan, err, sizeof(err));
	if (why == NULL && (m = mail_open(fd, scan.lead, err,
	    sizeof(err))) == NULL)
		why = err;
	if (mr.id == 0 && message_add(&mr, m, sb.st_size) == -1) {
		message_fail(ing, source, store_errmsg(ing->store));
		goto out;
	}
	if (why != NULL)
		rc = message_settle_kept(&mr, why, 0, oc);
	else
		rc = message_process(&mr, m, oc);
	*kept = mr.kept;
out:
	mail_free(m);
	return rc;
}

/* a message not read at all, recorded as rejected with why */
static int
message_refuse(struct ingest *ing, const uint8_t sha[HASH_LEN],
    const char *source, int64_t size, const char *why, enum outcome *oc)
{
	int64_t id = store_message_add(ing->store, sha, source, size, NULL);

	if (id == -1 || store_message_finish(ing->store, id,
	    OUTCOME_REJECTED, why, 0) == -1)
		return message_fail(ing, source, store_errmsg(ing->store));
	*oc = OUTCOME_REJECTED;
	message_said(ing, source, *oc, why, 1);
	return 0;
}

int
ingest_message_unread(struct ingest *ing, const char *source, int64_t size,
    const char *why, enum outcome *oc)
{
	struct message_info info;
	struct hash h;
	uint8_t sha[HASH_LEN];
	int known, rc;

	hash_init(&h);
	hash_add(&h, source, strlen(source));
	hash_final(&h, sha);
	(void)ingest_commit(ing);
	batch_join(ing, source);
	ing->stats.mails++;
	if ((known = store_message_lookup(ing->store, sha, &info)) == -1)
		rc = message_fail(ing, source, store_errmsg(ing->store));
	else if (known)
		rc = message_again(ing, &info, source, oc);
	else
		rc = message_refuse(ing, sha, source, size < 0 ? 0 : size,
		    why, oc);
	if (ingest_commit(ing) == -1) {
		*oc = OUTCOME_PENDING;
		return -1;
	}
	return rc;
}

int
ingest_temporary(const struct ingest *ing)
{
	return store_temporary(ing->store);
}

/* ingest_message, with message_offer's redo and kept */
static int
message_ingest(struct ingest *ing, int fd, const char *source, int redo,
    enum outcome *oc, int *kept)
{
	int rc;

	/*
	 * The caller marks the message processed when this returns 0, so
	 * its reports are committed first.  Committing the batch before it
	 * keeps a failure here from taking earlier inputs along; if that
	 * commit fails, batch_lost() has said so and the message goes on.
	 */
	*kept = 0;
	(void)ingest_commit(ing);
	batch_join(ing, source);
	rc = message_offer(ing, fd, source, redo, oc, kept);
	if (ingest_commit(ing) == -1) {
		*oc = OUTCOME_PENDING;
		return -1;
	}
	return rc;
}

int
ingest_message(struct ingest *ing, int fd, const char *source,
    enum outcome *oc)
{
	int kept;

	return message_ingest(ing, fd, source, 0, oc, &kept);
}

int
ingest_message_oversized(struct ingest *ing, const uint8_t sha[HASH_LEN],
    uint64_t size, const char *source)
{
	enum outcome oc;
	int rc;

	ing->stats.mails++;
	(void)ingest_commit(ing);
	batch_join(ing, source);
	rc = message_oversized(ing, sha, size, source, &oc);
	return ingest_commit(ing) == -1 ? -1 : rc;
}

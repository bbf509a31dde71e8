/*
 * E-mail messages.  The message's ledger row is written (pending) before
 * its first part and settled after its last; each report part goes
 * through ingest_input like a file and is linked to the message.  A run
 * killed in between leaves the message pending: the next run redoes it,
 * its settled parts are then known inputs and count as they counted.
 * A message joins the batch as inputs do; a source marks it only once
 * that batch is committed (ingest_durable(), mailsource.h).
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "hash.h"
#include "ingest_int.h"
#include "limits.h"
#include "mail.h"
#include "mailscan.h"

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
	ingest_say(ing, source, oc, reason, level);
}

static int
message_fail(struct ingest *ing, const char *source, const char *why)
{
	ing->stats.mail_failed++;
	ingest_say(ing, source, OUTCOME_PENDING, why, 2);
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
		    "MAX_MIME_DEPTH (" LIMIT_STR(MAX_MIME_DEPTH) "); the deeper "
		    "parts were not read" : "more MIME parts than MAX_MIME_PARTS "
		    "(" LIMIT_STR(MAX_MIME_PARTS) "); the rest were not read";
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

	mail_keep_bodies(m, ing->keep_failure_bodies);
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
	static const char why[] = "message is larger than the "
	    LIMIT_STR(MAX_MESSAGE_MIB) " MiB limit (MAX_MESSAGE_BYTES); not "
	    "read";
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
	ingest_say(ing, source, OUTCOME_DUPLICATE, "message already ingested", 0);
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
		return ingest_hash_fd(fd, sha) == -1 ? message_fail(ing, source,
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
	ingest_batch_join(ing, source);
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
ingest_message_redo(struct ingest *ing, int fd, const char *source, int redo,
    enum outcome *oc, int *kept)
{
	int rc;

	/*
	 * The message joins the batch like an input: the caller marks it
	 * processed only once ingest_durable() passes the batch it ended
	 * in (mailsource.h).  Its last ledger writes may follow a commit
	 * made after its last part, so it joins the batch again at its end.
	 */
	*kept = 0;
	ingest_batch_join(ing, source);
	rc = message_offer(ing, fd, source, redo, oc, kept);
	ingest_batch_join(ing, source);
	if (ingest_batch_after(ing, rc) == -1) {
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

	return ingest_message_redo(ing, fd, source, 0, oc, &kept);
}

int
ingest_message_oversized(struct ingest *ing, const uint8_t sha[HASH_LEN],
    uint64_t size, const char *source)
{
	enum outcome oc;
	int rc;

	ing->stats.mails++;
	(void)ingest_commit(ing);
	ingest_batch_join(ing, source);
	rc = message_oversized(ing, sha, size, source, &oc);
	return ingest_commit(ing) == -1 ? -1 : rc;
}

void
ingest_message_uncopied(struct ingest *ing, const char *source)
{
	ing->stats.mails++;
	ing->stats.mail_rejected++;
	ingest_say(ing, source, OUTCOME_REJECTED, "message is larger than "
	    "the " LIMIT_STR(MAX_MESSAGE_MIB) " MiB limit (MAX_MESSAGE_BYTES); "
	    "not read", 1);
}

/*
 * The last stage of dmarc-ingest: opens the database for writing,
 * prepares each statement once, on its first use (they are only ever
 * bound, never built from data) and owns the transactions.  Work comes in units (an input, a
 * ledger update), each a savepoint in an IMMEDIATE transaction; each
 * report of an input is a savepoint inside the input's, decided at its
 * end: released (new or conflicting) or rolled back (a duplicate, or a
 * failure).  A settled unit commits at once, or with store_batch() waits
 * for store_commit() with later units.  What is written lives in
 * store_input.c, store_rua.c, store_tls.c and store_mail.c.
 */
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sqlite3.h>

#include "buf.h"
#include "db.h"
#include "escape.h"
#include "store_int.h"
#include "xalloc.h"

static const char *const sql[ST__COUNT] = {
	[ST_BEGIN] = "BEGIN IMMEDIATE",
	[ST_COMMIT] = "COMMIT",
	[ST_ROLLBACK] = "ROLLBACK",
	[ST_SAVEPOINT] = "SAVEPOINT report",
	[ST_RELEASE] = "RELEASE report",
	[ST_ROLLBACK_TO] = "ROLLBACK TO report",
	[ST_UNIT_SAVEPOINT] = "SAVEPOINT unit",
	[ST_UNIT_RELEASE] = "RELEASE unit",
	[ST_UNIT_ROLLBACK_TO] = "ROLLBACK TO unit",
	[ST_REPORTS_SAVEPOINT] = "SAVEPOINT reports",
	[ST_REPORTS_RELEASE] = "RELEASE reports",
	[ST_REPORTS_ROLLBACK_TO] = "ROLLBACK TO reports",
	[ST_INPUT_LOOKUP] = "SELECT id, outcome FROM input WHERE sha256 = ?",
	[ST_INPUT_ADD] = "INSERT INTO input (sha256, source, container, "
	    "stored_deflated, first_seen, last_seen, source_raw, size) "
	    "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
	[ST_INPUT_SIZE] = "UPDATE input SET size = ? WHERE id = ?",
	[ST_CHUNK_ADD] = "INSERT INTO input_chunk (input_id, seq, data) "
	    "VALUES (?, ?, ?)",
	[ST_INPUT_SEEN] = "UPDATE input SET last_seen = ?, "
	    "seen_count = seen_count + 1 WHERE id = ?",
	[ST_INPUT_FINISH] = "UPDATE input SET outcome = ?, reason = ?, "
	    "n_reports = ?, n_records = ? WHERE id = ?",
	[ST_INPUT_RESET] = "UPDATE input SET outcome = 'pending', "
	    "reason = NULL, n_reports = 0, n_records = 0 WHERE id = ?",
	[ST_INPUT_IDS] = "SELECT id FROM input WHERE ? OR outcome = 'rejected' "
	    "OR EXISTS (SELECT 1 FROM report r WHERE r.input_id = input.id "
	    "AND r.content_sha256 IS NULL) ORDER BY id",
	[ST_INPUT_GET] = "SELECT source, stored_deflated FROM input "
	    "WHERE id = ?",
	[ST_CHUNKS] = "SELECT data FROM input_chunk WHERE input_id = ? "
	    "ORDER BY seq",
	[ST_WARN_CLEAR] = "DELETE FROM warning WHERE input_id = ? "
	    "AND report_id IS NULL",
	[ST_WARN_CLEAR_ALL] = "DELETE FROM warning WHERE input_id = ?",
	[ST_WARN_ADD] = "INSERT INTO warning (input_id, report_id, code, "
	    "count) VALUES (?, ?, ?, ?)",
	[ST_REPORT_ADD] = "INSERT INTO report (input_id, location, format, "
	    "xmlns, version, org_name, email, extra_contact_info, report_id, "
	    "generator, begin_utc, end_utc, policy_domain, "
	    "policy_adkim, policy_adkim_raw, policy_aspf, policy_aspf_raw, "
	    "policy_p, policy_p_raw, policy_sp, policy_sp_raw, "
	    "policy_np, policy_np_raw, policy_pct, policy_fo, "
	    "policy_testing, policy_testing_raw, "
	    "policy_discovery, policy_discovery_raw, n_records, messages, "
	    "org_key, email_key, stored_at, policy_domain_unicode) VALUES "
	    "(?, ?, ?, ?, ?, ?, ?, ?, "
	    "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
	    "?, ?, lower(coalesce(?, '')), lower(coalesce(?, '')), ?, ?)",
	[ST_REPORT_MATCH] = "SELECT o.id, o.status, o.doc_sha256, "
	    "o.content_sha256 "
	    "FROM report AS n JOIN report AS o ON o.org_key = n.org_key "
	    "AND o.email_key = n.email_key AND o.report_id IS n.report_id "
	    "AND o.policy_domain IS n.policy_domain "
	    "WHERE n.id = ? AND o.id <> n.id ORDER BY o.id",
	[ST_REPORT_FINISH] = "UPDATE report SET n_records = ?, messages = ?, "
	    "format = ?, doc_sha256 = ?, content_sha256 = ?, status = ?, "
	    "conflict_of = ? WHERE id = ?",
	[ST_REPORT_PROMOTE] = "UPDATE report SET status = 'stored', "
	    "conflict_of = NULL WHERE id = ?",
	[ST_REPORTS_CLEAR] = "DELETE FROM report WHERE input_id = ?",
	[ST_ERROR_ADD] = "INSERT INTO report_error (report_id, seq, text) "
	    "VALUES (?, ?, ?)",
	[ST_RECORD_ADD] = "INSERT INTO record (report_id, seq, source_ip, "
	    "source_ip_raw, ip_family, count, disposition, disposition_raw, "
	    "eval_dkim, eval_dkim_raw, eval_spf, eval_spf_raw, envelope_to, "
	    "envelope_from, header_from, dkim_aligned, spf_aligned, "
	    "dmarc_pass, receiver_pass, header_from_unicode) VALUES (?, ?, "
	    "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
	[ST_REASON_ADD] = "INSERT INTO record_reason (record_id, seq, type, "
	    "type_raw, comment) VALUES (?, ?, ?, ?, ?)",
	[ST_DKIM_ADD] = "INSERT INTO record_dkim (record_id, seq, domain, "
	    "selector, result, result_raw, human_result, domain_unicode) "
	    "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
	[ST_SPF_ADD] = "INSERT INTO record_spf (record_id, seq, domain, "
	    "scope, scope_raw, result, result_raw, human_result, "
	    "domain_unicode) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
	[ST_MSG_LOOKUP] = "SELECT id, outcome FROM message WHERE sha256 = ?",
	[ST_MSG_ADD] = "INSERT INTO message (sha256, message_id, from_addr, "
	    "subject, date_utc, source, size, first_seen, last_seen, "
	    "source_raw) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
	[ST_MSG_SEEN] = "UPDATE message SET last_seen = ?, "
	    "seen_count = seen_count + 1 WHERE id = ?",
	[ST_MSG_LINK] = "INSERT OR IGNORE INTO message_input (message_id, "
	    "input_id, location) VALUES (?, ?, ?)",
	[ST_MSG_LINKED] = "SELECT 1 FROM message_input WHERE message_id = ? "
	    "AND input_id = ?",
	[ST_MSG_FINISH] = "UPDATE message SET outcome = ?, reason = ?, "
	    "n_reports = ? WHERE id = ?",
};

static const char *const outcomes[] = {
	[OUTCOME_PENDING] = "pending",
	[OUTCOME_STORED] = "stored",
	[OUTCOME_DUPLICATE] = "duplicate",
	[OUTCOME_REJECTED] = "rejected",
	[OUTCOME_NOT_REPORT] = "not_report",
};

const char *
outcome_name(enum outcome o)
{
	if ((size_t)o >= sizeof(outcomes) / sizeof(outcomes[0]))
		return "unknown";
	return outcomes[o];
}

int
store_seterr(struct store *s, const char *what)
{
	snprintf(s->err, sizeof(s->err), "%s: %s", what,
	    sqlite3_errmsg(s->db));
	s->errcode = sqlite3_errcode(s->db);
	return -1;
}

/*
 * The statement which, prepared on its first use: a run prepares only
 * the statements it needs (one --mail message needs under half of them).
 * NULL when it cannot be prepared, with s->err set.
 */
sqlite3_stmt *
store_stmt(struct store *s, enum st which)
{
	if (s->st[which] == NULL && sqlite3_prepare_v3(s->db, sql[which], -1,
	    SQLITE_PREPARE_PERSISTENT, &s->st[which], NULL) != SQLITE_OK) {
		store_seterr(s, "cannot prepare statement");
		s->st[which] = NULL;
	}
	return s->st[which];
}

int
store_prepare_all(struct store *s, const char *const *text, size_t n,
    sqlite3_stmt **st)
{
	for (size_t i = 0; i < n; i++)
		if (sqlite3_prepare_v3(s->db, text[i], -1,
		    SQLITE_PREPARE_PERSISTENT, &st[i], NULL) != SQLITE_OK) {
			store_seterr(s, "cannot prepare statement");
			store_finalize_all(st, i);
			return -1;
		}
	return 0;
}

void
store_finalize_all(sqlite3_stmt **st, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		sqlite3_finalize(st[i]);
		st[i] = NULL;
	}
}

void
binder_use(struct binder *b, sqlite3_stmt *st)
{
	b->st = st;
	b->i = 0;
	b->rc = SQLITE_OK;
}

sqlite3_stmt *
binder_start(struct binder *b, struct store *s, enum st which)
{
	b->st = store_stmt(s, which);
	b->i = 0;
	b->rc = b->st != NULL ? SQLITE_OK : SQLITE_ERROR;
	return b->st;
}

void
binder_text(struct binder *b, const char *v)
{
	/* a NULL pointer binds SQL NULL */
	if (b->rc == SQLITE_OK)
		b->rc = sqlite3_bind_text(b->st, ++b->i, v, -1, SQLITE_STATIC);
}

void
binder_int(struct binder *b, int64_t v)
{
	if (b->rc == SQLITE_OK)
		b->rc = sqlite3_bind_int64(b->st, ++b->i, v);
}

void
binder_null(struct binder *b)
{
	if (b->rc == SQLITE_OK)
		b->rc = sqlite3_bind_null(b->st, ++b->i);
}

int
binder_visible(struct binder *b, const char *v)
{
	struct buf e;
	int changed;

	if (v == NULL) {
		binder_null(b);
		return 0;
	}
	/* a byte becomes at most "\xNN" */
	buf_init(&e, 4 * strlen(v) + 1);
	if (escape_term(&e, v) == -1)
		abort();	/* the ceiling above always holds it */
	changed = strcmp(buf_cstr(&e), v) != 0;
	if (b->rc == SQLITE_OK)
		b->rc = sqlite3_bind_text(b->st, ++b->i, buf_cstr(&e), -1,
		    SQLITE_TRANSIENT);
	buf_release(&e);
	return changed;
}

/* the normalised word and the raw text, in that order */
void
binder_word(struct binder *b, const struct word *w)
{
	binder_text(b, w->norm);
	binder_text(b, w->raw);
}

/*
 * Steps a bound statement that returns no rows and resets it.  Returns 0,
 * or -1 with the error text in s->err.
 */
int
binder_run(struct store *s, struct binder *b, const char *what)
{
	int rc = 0;

	if (b->rc != SQLITE_OK) {
		snprintf(s->err, sizeof(s->err), "%s: %s", what,
		    sqlite3_errstr(b->rc));
		rc = -1;
	} else if (sqlite3_step(b->st) != SQLITE_DONE)
		rc = store_seterr(s, what);
	sqlite3_reset(b->st);
	return rc;
}

int
store_run(struct store *s, enum st which, const char *what)
{
	struct binder b;

	binder_start(&b, s, which);
	return binder_run(s, &b, what);
}

int
store_run_id(struct store *s, enum st which, int64_t id, const char *what)
{
	struct binder b;

	binder_start(&b, s, which);
	binder_int(&b, id);
	return binder_run(s, &b, what);
}

/*
 * Rolls the whole transaction back, waiting settled units included (they
 * are then lost: store_take_lost() tells).
 */
static void
rollback(struct store *s)
{
	/* SQLITE_FULL and IOERR may already have rolled back on their own */
	if (!sqlite3_get_autocommit(s->db)) {
		/* prepared at store_open(): rolling back cannot fail here */
		sqlite3_step(s->st[ST_ROLLBACK]);
		sqlite3_reset(s->st[ST_ROLLBACK]);
	}
	if (s->settled)
		s->lost = 1;
	s->settled = 0;
	s->report = 0;
	s->in_tx = s->in_unit = s->in_input = s->in_reports = 0;
}

int
store_commit(struct store *s)
{
	assert(!s->in_unit);
	if (!s->in_tx)
		return 0;
	if (store_run(s, ST_COMMIT, "cannot commit") == -1) {
		rollback(s);
		return -1;
	}
	s->in_tx = 0;
	s->settled = 0;
	return 0;
}

void
store_batch(struct store *s, int on)
{
	s->batching = on;
}

int
store_take_lost(struct store *s)
{
	int lost = s->lost;

	s->lost = 0;
	return lost;
}

/*
 * Starts a unit of work: a savepoint in the transaction, which it opens
 * unless a batch holds it open; nothing when it runs inside an input's
 * unit.  Returns 0 or -1.
 */
int
store_unit_begin(struct store *s, const char *what)
{
	if (s->in_input)
		return 0;
	assert(!s->in_unit);
	if (s->in_tx && sqlite3_get_autocommit(s->db))
		rollback(s);	/* SQLite ended it after an error */
	if (!s->in_tx) {
		if (store_run(s, ST_BEGIN, what) == -1)
			return -1;
		s->in_tx = 1;
	}
	if (store_run(s, ST_UNIT_SAVEPOINT, what) == -1) {
		rollback(s);
		return -1;
	}
	s->in_unit = 1;
	return 0;
}

/*
 * Settles the unit begun with store_unit_begin(): commits it, or leaves it
 * waiting in the transaction when batching.  Returns 0, or -1 after
 * rolling back.
 */
int
store_unit_commit(struct store *s, const char *what)
{
	if (s->in_input)
		return 0;
	if (store_run(s, ST_UNIT_RELEASE, what) == -1) {
		rollback(s);
		return -1;
	}
	s->in_unit = 0;
	s->settled = 1;
	return s->batching ? 0 : store_commit(s);
}

/*
 * Takes the open unit back, and only it: units settled before it stay
 * waiting unless SQLite has already rolled the transaction back.
 */
void
store_unit_abort(struct store *s)
{
	const char *what = "cannot undo";

	s->report = 0;
	s->in_input = s->in_reports = 0;
	if (!s->in_unit)
		return;
	s->in_unit = 0;
	if (sqlite3_get_autocommit(s->db) ||
	    store_run(s, ST_UNIT_ROLLBACK_TO, what) == -1 ||
	    store_run(s, ST_UNIT_RELEASE, what) == -1) {
		rollback(s);
		return;
	}
	if (!s->settled)
		rollback(s);	/* nothing else in it: end it */
}

int
store_input_begin(struct store *s)
{
	assert(!s->in_input && s->report == 0);
	if (store_unit_begin(s, "cannot begin input") == -1)
		return -1;
	s->in_input = 1;
	return 0;
}

int
store_input_commit(struct store *s)
{
	if (!s->in_input)
		return 0;
	s->in_input = 0;
	return store_unit_commit(s, "cannot commit input");
}

int
store_input_reports(struct store *s)
{
	assert(s->in_input && !s->in_reports && s->report == 0);
	if (store_run(s, ST_REPORTS_SAVEPOINT, "cannot begin reports") == -1) {
		store_unit_abort(s);
		return -1;
	}
	s->in_reports = 1;
	return 0;
}

void
store_input_abort(struct store *s)
{
	store_unit_abort(s);
}

struct store *
store_open(const char *path, char *err, size_t errlen)
{
	struct store *s;

	s = xcalloc(1, sizeof(*s));
	if ((s->db = db_open(path, DB_READWRITE, err, errlen)) == NULL)
		goto fail;
	/* SQLite falls back to reading a file it may not write */
	if (sqlite3_db_readonly(s->db, "main") == 1) {
		snprintf(err, errlen, "cannot write the database: attempt "
		    "to write a readonly database (file permissions or a "
		    "read-only file system)");
		goto fail;
	}
	/* the others on first use (store_stmt()) */
	if (store_stmt(s, ST_ROLLBACK) == NULL) {
		snprintf(err, errlen, "%s", s->err);
		goto fail;
	}
	return s;
fail:
	store_close(s);
	return NULL;
}

void
store_close(struct store *s)
{
	if (s == NULL)
		return;
	if (s->db != NULL) {
		rollback(s);
		store_tls_close(s);
		store_ruf_close(s);
		store_finalize_all(s->st, ST__COUNT);
		sqlite3_exec(s->db, "PRAGMA optimize", NULL, NULL, NULL);
		sqlite3_close(s->db);
	}
	store_keep_free(s->keep);
	free(s);
}

const char *
store_errmsg(const struct store *s)
{
	return s->err[0] != '\0' ? s->err : "no error";
}

int
store_temporary(const struct store *s)
{
	return s->errcode == SQLITE_BUSY || s->errcode == SQLITE_LOCKED ||
	    s->errcode == SQLITE_FULL;
}

int
store_outcome_parse(const char *t, enum outcome *o)
{
	for (size_t i = 0; t != NULL &&
	    i < sizeof(outcomes) / sizeof(outcomes[0]); i++) {
		if (strcmp(t, outcomes[i]) == 0) {
			*o = (enum outcome)i;
			return 0;
		}
	}
	return -1;
}

int
store_find_sha(struct store *s, enum st which, const uint8_t sha[HASH_LEN],
    const char *noun, int64_t *id, enum outcome *o)
{
	char hex[HASH_HEX_LEN];
	struct binder b;
	sqlite3_stmt *st;
	int rc = -1, step;

	hash_hex(sha, hex);
	st = binder_start(&b, s, which);
	binder_text(&b, hex);
	if (b.rc != SQLITE_OK || ((step = sqlite3_step(st)) != SQLITE_ROW &&
	    step != SQLITE_DONE)) {
		snprintf(s->err, sizeof(s->err), "cannot look up %s: %s", noun,
		    sqlite3_errmsg(s->db));
		goto out;
	}
	if (step == SQLITE_DONE) {
		rc = 0;
		goto out;
	}
	*id = sqlite3_column_int64(st, 0);
	if (store_outcome_parse((const char *)sqlite3_column_text(st, 1),
	    o) == -1) {
		snprintf(s->err, sizeof(s->err), "%s %lld has an unknown "
		    "outcome", noun, (long long)*id);
		goto out;
	}
	rc = 1;
out:
	sqlite3_reset(st);
	return rc;
}

int
store_update_one(struct store *s, struct binder *b, int64_t id,
    const char *what, const char *noun)
{
	binder_int(b, id);
	if (binder_run(s, b, what) == -1)
		return -1;
	if (sqlite3_changes(s->db) == 0) {
		snprintf(s->err, sizeof(s->err), "%s: no %s %lld", what, noun,
		    (long long)id);
		return -1;
	}
	return 0;
}

int
store_seen(struct store *s, enum st which, int64_t id, const char *noun)
{
	char what[64];
	struct binder b;

	snprintf(what, sizeof(what), "cannot update %s", noun);
	binder_start(&b, s, which);
	binder_int(&b, (int64_t)time(NULL));
	return store_update_one(s, &b, id, what, noun);
}

/* inserts the non-zero warning counts; report_id 0 means the input's */
int
store_warnings_add(struct store *s, int64_t input_id, int64_t report_id,
    const struct diag *d)
{
	struct binder b;

	for (int i = 0; d != NULL && i < DIAG__COUNT; i++) {
		if (d->count[i] == 0)
			continue;
		binder_start(&b, s, ST_WARN_ADD);
		binder_int(&b, input_id);
		if (report_id != 0)
			binder_int(&b, report_id);
		else
			binder_null(&b);
		binder_text(&b, diag_name((enum diag_code)i));
		binder_int(&b, d->count[i] > INT64_MAX ? INT64_MAX :
		    (int64_t)d->count[i]);
		if (binder_run(s, &b, "cannot store warnings") == -1)
			return -1;
	}
	return 0;
}


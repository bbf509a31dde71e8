/*
 * The last stage of dmarc-ingest: writes the ledger, the original bytes of
 * each input and the parsed reports to SQLite.  Every statement is
 * prepared once in store_open and only ever bound, never built from data.
 * Work comes in units (an input, a ledger update), each a savepoint in an
 * IMMEDIATE transaction; each report of an input is a savepoint inside
 * the input's, decided at its end: released (new or conflicting) or
 * rolled back (a duplicate, or a failure).  A settled unit commits at
 * once, or with store_batch() waits for store_commit() with later units.
 * Original bytes move through a fixed 1 MiB buffer in both directions, so
 * memory stays bounded whatever the input's size.
 */
#include <sys/types.h>

#include <assert.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>
#include <zlib.h>

#include "db.h"
#include "store.h"
#include "xalloc.h"

/* bytes per input_chunk row and per read or write of original bytes */
#define STORE_CHUNK	((size_t)1 << 20)

enum st {
	ST_BEGIN,
	ST_COMMIT,
	ST_ROLLBACK,
	ST_SAVEPOINT,
	ST_RELEASE,
	ST_ROLLBACK_TO,
	ST_UNIT_SAVEPOINT,
	ST_UNIT_RELEASE,
	ST_UNIT_ROLLBACK_TO,
	ST_INPUT_LOOKUP,
	ST_INPUT_ADD,
	ST_INPUT_SIZE,
	ST_CHUNK_ADD,
	ST_INPUT_SEEN,
	ST_INPUT_FINISH,
	ST_INPUT_RESET,
	ST_INPUT_IDS,
	ST_INPUT_GET,
	ST_CHUNKS,
	ST_WARN_CLEAR,
	ST_WARN_CLEAR_ALL,
	ST_WARN_ADD,
	ST_REPORT_ADD,
	ST_REPORT_MATCH,
	ST_REPORT_FINISH,
	ST_REPORTS_CLEAR,
	ST_ERROR_ADD,
	ST_RECORD_ADD,
	ST_REASON_ADD,
	ST_DKIM_ADD,
	ST_SPF_ADD,
	ST_MSG_LOOKUP,
	ST_MSG_ADD,
	ST_MSG_SEEN,
	ST_MSG_LINK,
	ST_MSG_LINKED,
	ST_MSG_FINISH,
	ST__COUNT
};

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
	[ST_INPUT_LOOKUP] = "SELECT id, outcome FROM input WHERE sha256 = ?",
	[ST_INPUT_ADD] = "INSERT INTO input (sha256, source, container, "
	    "stored_deflated, first_seen, last_seen) VALUES (?, ?, ?, ?, ?, ?)",
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
	    "ORDER BY id",
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
	    "org_key, email_key, stored_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, "
	    "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
	    "?, ?, lower(coalesce(?, '')), lower(coalesce(?, '')), ?)",
	[ST_REPORT_MATCH] = "SELECT o.id, o.status, o.doc_sha256 "
	    "FROM report AS n JOIN report AS o ON o.org_key = n.org_key "
	    "AND o.email_key = n.email_key AND o.report_id IS n.report_id "
	    "AND o.policy_domain IS n.policy_domain "
	    "WHERE n.id = ? AND o.id <> n.id ORDER BY o.id",
	[ST_REPORT_FINISH] = "UPDATE report SET n_records = ?, messages = ?, "
	    "format = ?, doc_sha256 = ?, status = ?, conflict_of = ? "
	    "WHERE id = ?",
	[ST_REPORTS_CLEAR] = "DELETE FROM report WHERE input_id = ?",
	[ST_ERROR_ADD] = "INSERT INTO report_error (report_id, seq, text) "
	    "VALUES (?, ?, ?)",
	[ST_RECORD_ADD] = "INSERT INTO record (report_id, seq, source_ip, "
	    "source_ip_raw, ip_family, count, disposition, disposition_raw, "
	    "eval_dkim, eval_dkim_raw, eval_spf, eval_spf_raw, envelope_to, "
	    "envelope_from, header_from, dkim_aligned, spf_aligned, "
	    "dmarc_pass, receiver_pass) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, "
	    "?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
	[ST_REASON_ADD] = "INSERT INTO record_reason (record_id, seq, type, "
	    "type_raw, comment) VALUES (?, ?, ?, ?, ?)",
	[ST_DKIM_ADD] = "INSERT INTO record_dkim (record_id, seq, domain, "
	    "selector, result, result_raw, human_result) "
	    "VALUES (?, ?, ?, ?, ?, ?, ?)",
	[ST_SPF_ADD] = "INSERT INTO record_spf (record_id, seq, domain, "
	    "scope, scope_raw, result, result_raw, human_result) "
	    "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
	[ST_MSG_LOOKUP] = "SELECT id, outcome FROM message WHERE sha256 = ?",
	[ST_MSG_ADD] = "INSERT INTO message (sha256, message_id, from_addr, "
	    "subject, date_utc, source, size, first_seen, last_seen) "
	    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
	[ST_MSG_SEEN] = "UPDATE message SET last_seen = ?, "
	    "seen_count = seen_count + 1 WHERE id = ?",
	[ST_MSG_LINK] = "INSERT OR IGNORE INTO message_input (message_id, "
	    "input_id, location) VALUES (?, ?, ?)",
	[ST_MSG_LINKED] = "SELECT 1 FROM message_input WHERE message_id = ? "
	    "AND input_id = ?",
	[ST_MSG_FINISH] = "UPDATE message SET outcome = ?, reason = ?, "
	    "n_reports = ? WHERE id = ?",
};

struct store {
	sqlite3		*db;
	sqlite3_stmt	*st[ST__COUNT];
	int64_t		 report;	/* row id of the open report, 0: none */
	int		 in_tx;		/* the IMMEDIATE transaction is open */
	int		 in_unit;	/* a unit's savepoint is open in it */
	int		 in_input;	/* that unit is store_input_begin()'s:
					   reports are savepoints in it */
	int		 batching;	/* store_batch(): settled units wait in
					   the transaction for store_commit() */
	int		 settled;	/* settled units are waiting */
	int		 lost;		/* a rollback took waiting units too */
	int64_t		 input;		/* its input's row id */
	int64_t		 seq;		/* next record seq in the report */
	char		 err[512];	/* last error, as it happened */
};

/* binds parameters left to right, keeping the first failure */
struct binder {
	sqlite3_stmt	*st;
	int		 i;		/* last parameter bound */
	int		 rc;		/* first failing sqlite3_bind_* code */
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

static int
seterr(struct store *s, const char *what)
{
	snprintf(s->err, sizeof(s->err), "%s: %s", what,
	    sqlite3_errmsg(s->db));
	return -1;
}

static sqlite3_stmt *
bind_start(struct binder *b, struct store *s, enum st which)
{
	b->st = s->st[which];
	b->i = 0;
	b->rc = SQLITE_OK;
	return b->st;
}

static void
bind_text(struct binder *b, const char *v)
{
	/* a NULL pointer binds SQL NULL */
	if (b->rc == SQLITE_OK)
		b->rc = sqlite3_bind_text(b->st, ++b->i, v, -1, SQLITE_STATIC);
}

static void
bind_int(struct binder *b, int64_t v)
{
	if (b->rc == SQLITE_OK)
		b->rc = sqlite3_bind_int64(b->st, ++b->i, v);
}

static void
bind_null(struct binder *b)
{
	if (b->rc == SQLITE_OK)
		b->rc = sqlite3_bind_null(b->st, ++b->i);
}

/* the normalised word and the raw text, in that order */
static void
bind_word(struct binder *b, const struct word *w)
{
	bind_text(b, w->norm);
	bind_text(b, w->raw);
}

/*
 * Steps a bound statement that returns no rows and resets it.  Returns 0,
 * or -1 with the error text in s->err.
 */
static int
bind_run(struct store *s, struct binder *b, const char *what)
{
	int rc = 0;

	if (b->rc != SQLITE_OK) {
		snprintf(s->err, sizeof(s->err), "%s: %s", what,
		    sqlite3_errstr(b->rc));
		rc = -1;
	} else if (sqlite3_step(b->st) != SQLITE_DONE)
		rc = seterr(s, what);
	sqlite3_reset(b->st);
	return rc;
}

static int
run(struct store *s, enum st which, const char *what)
{
	struct binder b;

	bind_start(&b, s, which);
	return bind_run(s, &b, what);
}

static int
run_id(struct store *s, enum st which, int64_t id, const char *what)
{
	struct binder b;

	bind_start(&b, s, which);
	bind_int(&b, id);
	return bind_run(s, &b, what);
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
		sqlite3_step(s->st[ST_ROLLBACK]);
		sqlite3_reset(s->st[ST_ROLLBACK]);
	}
	if (s->settled)
		s->lost = 1;
	s->settled = 0;
	s->report = 0;
	s->in_tx = s->in_unit = s->in_input = 0;
}

int
store_commit(struct store *s)
{
	assert(!s->in_unit);
	if (!s->in_tx)
		return 0;
	if (run(s, ST_COMMIT, "cannot commit") == -1) {
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
static int
unit_begin(struct store *s, const char *what)
{
	if (s->in_input)
		return 0;
	assert(!s->in_unit);
	if (s->in_tx && sqlite3_get_autocommit(s->db))
		rollback(s);	/* SQLite ended it after an error */
	if (!s->in_tx) {
		if (run(s, ST_BEGIN, what) == -1)
			return -1;
		s->in_tx = 1;
	}
	if (run(s, ST_UNIT_SAVEPOINT, what) == -1) {
		rollback(s);
		return -1;
	}
	s->in_unit = 1;
	return 0;
}

/*
 * Settles the unit begun with unit_begin(): commits it, or leaves it
 * waiting in the transaction when batching.  Returns 0, or -1 after
 * rolling back.
 */
static int
unit_commit(struct store *s, const char *what)
{
	if (s->in_input)
		return 0;
	if (run(s, ST_UNIT_RELEASE, what) == -1) {
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
static void
unit_abort(struct store *s)
{
	const char *what = "cannot undo";

	s->report = 0;
	s->in_input = 0;
	if (!s->in_unit)
		return;
	s->in_unit = 0;
	if (sqlite3_get_autocommit(s->db) ||
	    run(s, ST_UNIT_ROLLBACK_TO, what) == -1 ||
	    run(s, ST_UNIT_RELEASE, what) == -1) {
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
	if (unit_begin(s, "cannot begin input") == -1)
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
	return unit_commit(s, "cannot commit input");
}

void
store_input_abort(struct store *s)
{
	unit_abort(s);
}

/* runs two constant statements, for savepoint handling */
static int
run2(struct store *s, int a, int b, const char *what)
{
	return run(s, a, what) == -1 || run(s, b, what) == -1 ? -1 : 0;
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
	for (size_t i = 0; i < ST__COUNT; i++) {
		if (sqlite3_prepare_v3(s->db, sql[i], -1,
		    SQLITE_PREPARE_PERSISTENT, &s->st[i], NULL) != SQLITE_OK) {
			snprintf(err, errlen, "cannot prepare statement: %s",
			    sqlite3_errmsg(s->db));
			goto fail;
		}
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
		for (size_t i = 0; i < ST__COUNT; i++)
			sqlite3_finalize(s->st[i]);
		sqlite3_exec(s->db, "PRAGMA optimize", NULL, NULL, NULL);
		sqlite3_close(s->db);
	}
	free(s);
}

const char *
store_errmsg(const struct store *s)
{
	return s->err[0] != '\0' ? s->err : "no error";
}

static int
outcome_parse(const char *t, enum outcome *o)
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
store_input_lookup(struct store *s, const uint8_t sha[HASH_LEN],
    struct input_info *info)
{
	char hex[HASH_HEX_LEN];
	struct binder b;
	sqlite3_stmt *st;
	int rc = -1, step;

	hash_hex(sha, hex);
	st = bind_start(&b, s, ST_INPUT_LOOKUP);
	bind_text(&b, hex);
	if (b.rc != SQLITE_OK || (step = sqlite3_step(st)) == SQLITE_ERROR ||
	    (step != SQLITE_ROW && step != SQLITE_DONE)) {
		seterr(s, "cannot look up input");
		goto out;
	}
	if (step == SQLITE_DONE) {
		rc = 0;
		goto out;
	}
	info->id = sqlite3_column_int64(st, 0);
	if (outcome_parse((const char *)sqlite3_column_text(st, 1),
	    &info->outcome) == -1) {
		snprintf(s->err, sizeof(s->err), "input %lld has an unknown "
		    "outcome", (long long)info->id);
		goto out;
	}
	rc = 1;
out:
	sqlite3_reset(st);
	return rc;
}

/* reads until buf is full or end of file; bytes read or -1 */
static ssize_t
read_full(int fd, uint8_t *buf, size_t len)
{
	size_t got = 0;
	ssize_t n;

	while (got < len) {
		n = read(fd, buf + got, len - got);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			return -1;
		if (n == 0)
			break;
		got += (size_t)n;
	}
	return (ssize_t)got;
}

static int
write_full(int fd, const uint8_t *buf, size_t len)
{
	ssize_t n;

	while (len > 0) {
		n = write(fd, buf, len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			return -1;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/* the state of one input being written to input_chunk */
struct packer {
	struct store	*s;
	int64_t		 input;		/* ledger row id */
	int64_t		 seq;		/* next chunk */
	int		 deflating;	/* z is in use */
	z_stream	 z;
	uint8_t		*out;		/* STORE_CHUNK bytes of gzip output */
};

static int
chunk_add(struct packer *pk, const uint8_t *p, size_t n)
{
	struct binder b;

	bind_start(&b, pk->s, ST_CHUNK_ADD);
	bind_int(&b, pk->input);
	bind_int(&b, pk->seq++);
	if (b.rc == SQLITE_OK)
		b.rc = sqlite3_bind_blob(b.st, ++b.i, p, (int)n,
		    SQLITE_STATIC);
	return bind_run(pk->s, &b, "cannot store input");
}

/* compresses p[0..n) into chunks; finish ends the gzip stream */
static int
chunk_deflate(struct packer *pk, const uint8_t *p, size_t n, int finish)
{
	z_stream *z = &pk->z;
	int zr;

	z->next_in = (Bytef *)(uintptr_t)p;	/* zlib does not write it */
	z->avail_in = (uInt)n;
	do {
		if (z->avail_out == 0) {
			if (chunk_add(pk, pk->out, STORE_CHUNK) == -1)
				return -1;
			z->next_out = pk->out;
			z->avail_out = (uInt)STORE_CHUNK;
		}
		zr = deflate(z, finish ? Z_FINISH : Z_NO_FLUSH);
		if (zr != Z_OK && zr != Z_STREAM_END && zr != Z_BUF_ERROR) {
			snprintf(pk->s->err, sizeof(pk->s->err), "cannot "
			    "compress input: zlib error %d", zr);
			return -1;
		}
	} while (z->avail_in > 0 || (finish && zr != Z_STREAM_END));
	if (finish && z->avail_out < STORE_CHUNK)
		return chunk_add(pk, pk->out, STORE_CHUNK - z->avail_out);
	return 0;
}

/* gzip and zip are kept as received; anything else is compressed */
static const char *
container_of(const uint8_t *p, ssize_t n)
{
	if (n >= 2 && p[0] == 0x1f && p[1] == 0x8b)
		return "gzip";
	if (n >= 2 && p[0] == 'P' && p[1] == 'K')
		return "zip";
	return NULL;
}

/* writes the ledger row and the chunks; the transaction is open */
static int64_t
input_write(struct packer *pk, const char *hex, const char *source,
    int fd, uint8_t *in, ssize_t n)
{
	struct store *s = pk->s;
	const char *container = container_of(in, n);
	struct binder b;
	int64_t size = 0;
	int eof;

	bind_start(&b, s, ST_INPUT_ADD);
	bind_text(&b, hex);
	bind_text(&b, source != NULL ? source : "-");
	bind_text(&b, container);
	bind_int(&b, container == NULL);
	bind_int(&b, (int64_t)time(NULL));
	bind_int(&b, (int64_t)time(NULL));
	if (bind_run(s, &b, "cannot add input") == -1)
		return -1;
	pk->input = sqlite3_last_insert_rowid(s->db);
	if (container == NULL) {
		/* level 1: XML still shrinks ~10x, at a third of the cost */
		if (deflateInit2(&pk->z, Z_BEST_SPEED, Z_DEFLATED,
		    15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
			snprintf(s->err, sizeof(s->err), "cannot compress "
			    "input: %s", pk->z.msg ? pk->z.msg : "zlib error");
			return -1;
		}
		pk->deflating = 1;
		pk->out = xmalloc(STORE_CHUNK);
		pk->z.next_out = pk->out;
		pk->z.avail_out = (uInt)STORE_CHUNK;
	}
	for (;;) {
		size += n;
		eof = (size_t)n < STORE_CHUNK;
		if (pk->deflating) {
			if (chunk_deflate(pk, in, (size_t)n, eof) == -1)
				return -1;
		} else if (n > 0 && chunk_add(pk, in, (size_t)n) == -1)
			return -1;
		if (eof)
			break;
		if ((n = read_full(fd, in, STORE_CHUNK)) == -1) {
			snprintf(s->err, sizeof(s->err), "cannot read input: "
			    "%s", strerror(errno));
			return -1;
		}
	}
	bind_start(&b, s, ST_INPUT_SIZE);
	bind_int(&b, size);
	bind_int(&b, pk->input);
	if (bind_run(s, &b, "cannot add input") == -1)
		return -1;
	return pk->input;
}

int64_t
store_input_add(struct store *s, const uint8_t sha[HASH_LEN],
    const char *source, int fd)
{
	char hex[HASH_HEX_LEN];
	struct packer pk;
	uint8_t *in;
	ssize_t n;
	int64_t id = -1;

	assert(s->report == 0);
	memset(&pk, 0, sizeof(pk));
	pk.s = s;
	in = xmalloc(STORE_CHUNK);
	hash_hex(sha, hex);
	if ((lseek(fd, 0, SEEK_SET) == -1 && errno != ESPIPE) ||
	    (n = read_full(fd, in, STORE_CHUNK)) == -1) {
		snprintf(s->err, sizeof(s->err), "cannot read input: %s",
		    strerror(errno));
		goto out;
	}
	if (unit_begin(s, "cannot add input") == -1)
		goto out;
	if (input_write(&pk, hex, source, fd, in, n) == -1) {
		unit_abort(s);
		goto out;
	}
	if (unit_commit(s, "cannot add input") == -1)
		goto out;
	id = pk.input;
out:
	if (pk.deflating)
		deflateEnd(&pk.z);
	sqlite3_clear_bindings(s->st[ST_CHUNK_ADD]);
	free(pk.out);
	free(in);
	return id;
}

/* an UPDATE of one row (noun: "input", "message") that must find it */
static int
update_one(struct store *s, struct binder *b, int64_t id, const char *what,
    const char *noun)
{
	bind_int(b, id);
	if (bind_run(s, b, what) == -1)
		return -1;
	if (sqlite3_changes(s->db) == 0) {
		snprintf(s->err, sizeof(s->err), "%s: no %s %lld", what, noun,
		    (long long)id);
		return -1;
	}
	return 0;
}

static int
input_update(struct store *s, struct binder *b, int64_t id,
    const char *what)
{
	return update_one(s, b, id, what, "input");
}

int
store_input_seen(struct store *s, int64_t input_id)
{
	struct binder b;

	bind_start(&b, s, ST_INPUT_SEEN);
	bind_int(&b, (int64_t)time(NULL));
	return input_update(s, &b, input_id, "cannot update input");
}

/* inserts the non-zero warning counts; report_id 0 means the input's */
static int
warnings_add(struct store *s, int64_t input_id, int64_t report_id,
    const struct diag *d)
{
	struct binder b;

	for (int i = 0; d != NULL && i < DIAG__COUNT; i++) {
		if (d->count[i] == 0)
			continue;
		bind_start(&b, s, ST_WARN_ADD);
		bind_int(&b, input_id);
		if (report_id != 0)
			bind_int(&b, report_id);
		else
			bind_null(&b);
		bind_text(&b, diag_name((enum diag_code)i));
		bind_int(&b, d->count[i] > INT64_MAX ? INT64_MAX :
		    (int64_t)d->count[i]);
		if (bind_run(s, &b, "cannot store warnings") == -1)
			return -1;
	}
	return 0;
}

int
store_input_finish(struct store *s, int64_t input_id, enum outcome o,
    const char *reason, size_t n_reports, size_t n_records,
    const struct diag *d)
{
	const char *what = "cannot finish input";
	struct binder b;

	assert(s->report == 0);
	if (!s->in_input && unit_begin(s, what) == -1)
		return -1;
	s->in_input = 0;	/* so that unit_commit() settles it */
	bind_start(&b, s, ST_INPUT_FINISH);
	bind_text(&b, outcome_name(o));
	bind_text(&b, reason);
	bind_int(&b, (int64_t)n_reports);
	bind_int(&b, (int64_t)n_records);
	if (input_update(s, &b, input_id, what) == -1 ||
	    run_id(s, ST_WARN_CLEAR, input_id, what) == -1 ||
	    warnings_add(s, input_id, 0, d) == -1) {
		unit_abort(s);
		return -1;
	}
	return unit_commit(s, what);
}

static void
bind_policy(struct binder *b, const struct policy *p)
{
	bind_text(b, p->domain);
	bind_word(b, &p->adkim);
	bind_word(b, &p->aspf);
	bind_word(b, &p->p);
	bind_word(b, &p->sp);
	bind_word(b, &p->np);
	if (p->pct >= 0 && p->pct <= 100)
		bind_int(b, p->pct);
	else
		bind_null(b);
	bind_text(b, p->fo);
	bind_word(b, &p->testing);
	bind_word(b, &p->discovery_method);
}

int
store_report_begin(struct store *s, int64_t input_id, const char *where,
    const struct report *r)
{
	const char *what = "cannot store report";
	struct binder b;

	assert(s->report == 0);
	if ((s->in_input ? run(s, ST_SAVEPOINT, what) :
	    unit_begin(s, what)) == -1) {
		unit_abort(s);
		return -1;
	}
	bind_start(&b, s, ST_REPORT_ADD);
	bind_int(&b, input_id);
	bind_text(&b, where);
	bind_text(&b, r->format == FORMAT_RFC9990 ? "rfc9990" : "rfc7489");
	bind_text(&b, r->xmlns);
	bind_text(&b, r->version);
	bind_text(&b, r->org_name);
	bind_text(&b, r->email);
	bind_text(&b, r->extra_contact_info);
	bind_text(&b, r->report_id);
	bind_text(&b, r->generator);
	bind_int(&b, r->begin);
	bind_int(&b, r->end);
	bind_policy(&b, &r->policy);
	bind_int(&b, (int64_t)r->n_records);
	bind_int(&b, r->messages);
	bind_text(&b, r->org_name);
	bind_text(&b, r->email);
	bind_int(&b, (int64_t)time(NULL));
	if (bind_run(s, &b, what) == -1) {
		unit_abort(s);
		return -1;
	}
	s->report = sqlite3_last_insert_rowid(s->db);
	s->input = input_id;
	s->seq = 0;
	return 0;
}

static int
record_children(struct store *s, int64_t id, const struct record *rec)
{
	const char *what = "cannot store record";
	struct binder b;

	for (size_t i = 0; i < rec->n_reasons; i++) {
		bind_start(&b, s, ST_REASON_ADD);
		bind_int(&b, id);
		bind_int(&b, (int64_t)i);
		bind_word(&b, &rec->reasons[i].type);
		bind_text(&b, rec->reasons[i].comment);
		if (bind_run(s, &b, what) == -1)
			return -1;
	}
	for (size_t i = 0; i < rec->n_dkim; i++) {
		bind_start(&b, s, ST_DKIM_ADD);
		bind_int(&b, id);
		bind_int(&b, (int64_t)i);
		bind_text(&b, rec->dkim[i].domain);
		bind_text(&b, rec->dkim[i].selector);
		bind_word(&b, &rec->dkim[i].result);
		bind_text(&b, rec->dkim[i].human_result);
		if (bind_run(s, &b, what) == -1)
			return -1;
	}
	for (size_t i = 0; i < rec->n_spf; i++) {
		bind_start(&b, s, ST_SPF_ADD);
		bind_int(&b, id);
		bind_int(&b, (int64_t)i);
		bind_text(&b, rec->spf[i].domain);
		bind_word(&b, &rec->spf[i].scope);
		bind_word(&b, &rec->spf[i].result);
		bind_text(&b, rec->spf[i].human_result);
		if (bind_run(s, &b, what) == -1)
			return -1;
	}
	return 0;
}

int
store_record(struct store *s, const struct record *rec)
{
	struct binder b;

	if (s->report == 0) {
		snprintf(s->err, sizeof(s->err), "cannot store record: "
		    "no report is open");
		return -1;
	}
	bind_start(&b, s, ST_RECORD_ADD);
	bind_int(&b, s->report);
	bind_int(&b, s->seq);
	bind_text(&b, rec->source_ip[0] != '\0' ? rec->source_ip : NULL);
	bind_text(&b, rec->source_ip_raw);
	if (rec->ip_family == 4 || rec->ip_family == 6)
		bind_int(&b, rec->ip_family);
	else
		bind_null(&b);
	bind_int(&b, rec->count);
	bind_word(&b, &rec->disposition);
	bind_word(&b, &rec->eval_dkim);
	bind_word(&b, &rec->eval_spf);
	bind_text(&b, rec->envelope_to);
	bind_text(&b, rec->envelope_from);
	bind_text(&b, rec->header_from);
	bind_int(&b, rec->dkim_aligned != 0);
	bind_int(&b, rec->spf_aligned != 0);
	bind_int(&b, rec->dmarc_pass != 0);
	if (rec->receiver_pass == 0 || rec->receiver_pass == 1)
		bind_int(&b, rec->receiver_pass);
	else
		bind_null(&b);
	if (bind_run(s, &b, "cannot store record") == -1 ||
	    record_children(s, sqlite3_last_insert_rowid(s->db), rec) == -1) {
		unit_abort(s);
		return -1;
	}
	s->seq++;
	return 0;
}

/*
 * Compares the open report with the stored ones of the same key: 1 when
 * one has the same document (a duplicate), else 0 with *orig set to the
 * first stored one (0 when none).  -1 on error.
 */
static int
report_match(struct store *s, const char *hex, int64_t *orig)
{
	sqlite3_stmt *st = s->st[ST_REPORT_MATCH];
	const char *status, *sha;
	int rc = -1, step;

	*orig = 0;
	if (sqlite3_bind_int64(st, 1, s->report) != SQLITE_OK) {
		seterr(s, "cannot compare report");
		goto out;
	}
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		status = (const char *)sqlite3_column_text(st, 1);
		sha = (const char *)sqlite3_column_text(st, 2);
		if (sha != NULL && strcmp(sha, hex) == 0) {
			rc = 1;
			goto out;
		}
		if (*orig == 0 && status != NULL &&
		    strcmp(status, "stored") == 0)
			*orig = sqlite3_column_int64(st, 0);
	}
	if (step != SQLITE_DONE) {
		seterr(s, "cannot compare report");
		goto out;
	}
	rc = 0;
out:
	sqlite3_reset(st);
	return rc;
}

static int
report_errors(struct store *s, const struct report *r)
{
	struct binder b;

	for (size_t i = 0; i < r->n_errors; i++) {
		bind_start(&b, s, ST_ERROR_ADD);
		bind_int(&b, s->report);
		bind_int(&b, (int64_t)i);
		bind_text(&b, r->errors[i] != NULL ? r->errors[i] : "");
		if (bind_run(s, &b, "cannot store report errors") == -1)
			return -1;
	}
	return 0;
}

/*
 * Takes the open report back: to its savepoint inside an input's unit
 * (the input goes on), or its whole unit.  Returns 0, or -1 after taking
 * the input's unit back too.
 */
static int
report_undo(struct store *s)
{
	if (!s->in_input) {
		unit_abort(s);
		return 0;
	}
	s->report = 0;
	if (run2(s, ST_ROLLBACK_TO, ST_RELEASE, "cannot undo report") == -1) {
		unit_abort(s);
		return -1;
	}
	return 0;
}

int
store_report_end(struct store *s, const struct report *r,
    const uint8_t doc_sha[HASH_LEN], const struct diag *d)
{
	char hex[HASH_HEX_LEN];
	struct binder b;
	int64_t orig;
	int m;

	if (s->report == 0) {
		snprintf(s->err, sizeof(s->err), "cannot store report: "
		    "no report is open");
		return -1;
	}
	hash_hex(doc_sha, hex);
	if ((m = report_match(s, hex, &orig)) == -1)
		goto fail;
	if (m == 1) {
		if (report_undo(s) == -1)
			goto fail;
		return REPORT_DUPLICATE;
	}
	bind_start(&b, s, ST_REPORT_FINISH);
	bind_int(&b, (int64_t)r->n_records);
	bind_int(&b, r->messages);
	/* a record may reveal RFC 9990 after the report row was written */
	bind_text(&b, r->format == FORMAT_RFC9990 ? "rfc9990" : "rfc7489");
	bind_text(&b, hex);
	bind_text(&b, orig != 0 ? "conflict" : "stored");
	if (orig != 0)
		bind_int(&b, orig);
	else
		bind_null(&b);
	bind_int(&b, s->report);
	if (bind_run(s, &b, "cannot store report") == -1 ||
	    report_errors(s, r) == -1 ||
	    warnings_add(s, s->input, s->report, d) == -1 ||
	    (s->in_input ? run(s, ST_RELEASE, "cannot store report") :
	    unit_commit(s, "cannot store report")) == -1)
		goto fail;
	s->report = 0;
	return orig != 0 ? REPORT_CONFLICT : REPORT_STORED;
fail:
	unit_abort(s);
	return -1;
}

void
store_report_abort(struct store *s)
{
	if (s->report != 0 && s->in_input && report_undo(s) == 0)
		return;
	if (!s->in_input)
		unit_abort(s);
}

/* inflates one chunk of a stored gzip stream into fd */
static int
chunk_inflate(struct store *s, z_stream *z, const uint8_t *p, size_t n,
    uint8_t *out, int fd, int *done)
{
	int zr;

	z->next_in = (Bytef *)(uintptr_t)p;	/* zlib does not write it */
	z->avail_in = (uInt)n;
	while (!*done && z->avail_in > 0) {
		z->next_out = out;
		z->avail_out = (uInt)STORE_CHUNK;
		zr = inflate(z, Z_NO_FLUSH);
		if (zr != Z_OK && zr != Z_STREAM_END) {
			snprintf(s->err, sizeof(s->err), "stored input is "
			    "corrupt: %s", z->msg ? z->msg : "zlib error");
			return -1;
		}
		if (write_full(fd, out, STORE_CHUNK - z->avail_out) == -1) {
			snprintf(s->err, sizeof(s->err), "cannot write "
			    "temporary file: %s", strerror(errno));
			return -1;
		}
		*done = zr == Z_STREAM_END;
	}
	return 0;
}

/*
 * Writes the original bytes of input id into fd.  Chunks are read and
 * written one at a time; the statement is reset before returning.
 */
static int
input_restore(struct store *s, int64_t id, int deflated, int fd)
{
	sqlite3_stmt *st = s->st[ST_CHUNKS];
	uint8_t *out = NULL;
	const uint8_t *p;
	z_stream z;
	int rc = -1, step, zinit = 0, done = 0;
	size_t n;

	if (deflated) {
		memset(&z, 0, sizeof(z));
		if (inflateInit2(&z, 15 + 16) != Z_OK) {
			snprintf(s->err, sizeof(s->err), "cannot inflate "
			    "stored input: zlib error");
			goto out;
		}
		zinit = 1;
		out = xmalloc(STORE_CHUNK);
	}
	if (sqlite3_bind_int64(st, 1, id) != SQLITE_OK) {
		seterr(s, "cannot read stored input");
		goto out;
	}
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		p = sqlite3_column_blob(st, 0);
		n = (size_t)sqlite3_column_bytes(st, 0);
		if (deflated) {
			if (chunk_inflate(s, &z, p, n, out, fd, &done) == -1)
				goto out;
		} else if (write_full(fd, p, n) == -1) {
			snprintf(s->err, sizeof(s->err), "cannot write "
			    "temporary file: %s", strerror(errno));
			goto out;
		}
	}
	if (step != SQLITE_DONE) {
		seterr(s, "cannot read stored input");
		goto out;
	}
	if (deflated && !done) {
		snprintf(s->err, sizeof(s->err), "stored input %lld is "
		    "truncated", (long long)id);
		goto out;
	}
	rc = 0;
out:
	sqlite3_reset(st);
	if (zinit)
		inflateEnd(&z);
	free(out);
	return rc;
}

/* an unlinked temporary file in $TMPDIR, or -1 */
static int
tempfd(struct store *s)
{
	const char *dir = getenv("TMPDIR");
	char path[4096];
	int fd;

	if (dir == NULL || *dir == '\0')
		dir = "/tmp";
	if ((size_t)snprintf(path, sizeof(path), "%s/dmarc-input.XXXXXX",
	    dir) >= sizeof(path)) {
		snprintf(s->err, sizeof(s->err), "cannot create temporary "
		    "file: TMPDIR too long");
		return -1;
	}
	if ((fd = mkstemp(path)) == -1) {
		snprintf(s->err, sizeof(s->err), "cannot create temporary "
		    "file: %s", strerror(errno));
		return -1;
	}
	unlink(path);
	return fd;
}

/* 0 go on, 1 fn asked to stop, -1 error */
static int
input_visit(struct store *s, int64_t id, store_input_fn fn, void *arg)
{
	sqlite3_stmt *st = s->st[ST_INPUT_GET];
	char *source = NULL;
	int rc = -1, fd = -1, deflated, step;

	if (sqlite3_bind_int64(st, 1, id) != SQLITE_OK ||
	    ((step = sqlite3_step(st)) != SQLITE_ROW && step != SQLITE_DONE)) {
		seterr(s, "cannot read stored input");
		goto out;
	}
	if (step == SQLITE_DONE) {
		rc = 0;		/* gone since the ids were collected */
		goto out;
	}
	source = xstrdup((const char *)sqlite3_column_text(st, 0));
	deflated = sqlite3_column_int(st, 1);
	sqlite3_reset(st);
	if ((fd = tempfd(s)) == -1 || input_restore(s, id, deflated, fd) == -1)
		goto out;
	if (lseek(fd, 0, SEEK_SET) == -1) {
		snprintf(s->err, sizeof(s->err), "cannot rewind temporary "
		    "file: %s", strerror(errno));
		goto out;
	}
	rc = fn(arg, id, source, fd) == -1 ? 1 : 0;
out:
	sqlite3_reset(st);
	if (fd != -1)
		close(fd);
	free(source);
	return rc;
}

/* ids of the inputs to visit, in ledger order (caller frees) */
static int64_t *
input_ids(struct store *s, int all, size_t *n)
{
	sqlite3_stmt *st = s->st[ST_INPUT_IDS];
	int64_t *ids = NULL;
	size_t cap = 0;
	int step;

	*n = 0;
	if (sqlite3_bind_int(st, 1, all != 0) != SQLITE_OK) {
		seterr(s, "cannot list inputs");
		return NULL;
	}
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		if (*n == cap) {
			cap = cap == 0 ? 64 : cap * 2;
			ids = xreallocarray(ids, cap, sizeof(*ids));
		}
		ids[(*n)++] = sqlite3_column_int64(st, 0);
	}
	if (step != SQLITE_DONE) {
		seterr(s, "cannot list inputs");
		free(ids);
		ids = NULL;
		*n = 0;
	}
	sqlite3_reset(st);
	if (step == SQLITE_DONE && ids == NULL)
		ids = xmalloc(sizeof(*ids));	/* empty, but not an error */
	return ids;
}

int
store_foreach_input(struct store *s, int all, store_input_fn fn, void *arg)
{
	int64_t *ids;
	size_t n;
	int rc = -1, r = 0;

	assert(s->report == 0);
	if ((ids = input_ids(s, all, &n)) == NULL)
		return -1;
	for (size_t i = 0; i < n && r == 0; i++)
		if ((r = input_visit(s, ids[i], fn, arg)) == -1)
			goto out;
	rc = 0;
out:
	free(ids);
	return rc;
}

int
store_input_clear(struct store *s, int64_t input_id)
{
	const char *what = "cannot clear input";

	assert(s->report == 0);
	if (unit_begin(s, what) == -1)
		return -1;
	if (run_id(s, ST_REPORTS_CLEAR, input_id, what) == -1 ||
	    run_id(s, ST_WARN_CLEAR_ALL, input_id, what) == -1 ||
	    run_id(s, ST_INPUT_RESET, input_id, what) == -1) {
		unit_abort(s);
		return -1;
	}
	return unit_commit(s, what);
}

/*
 * The mail ledger.  Each call is one statement: its own transaction,
 * durable when it returns, unless a batch holds the transaction open;
 * then it joins the batch and is committed with it.
 */

int
store_message_lookup(struct store *s, const uint8_t sha[HASH_LEN],
    struct message_info *info)
{
	char hex[HASH_HEX_LEN];
	struct binder b;
	sqlite3_stmt *st;
	int rc = -1, step;

	assert(s->report == 0);
	hash_hex(sha, hex);
	st = bind_start(&b, s, ST_MSG_LOOKUP);
	bind_text(&b, hex);
	if (b.rc != SQLITE_OK || ((step = sqlite3_step(st)) != SQLITE_ROW &&
	    step != SQLITE_DONE)) {
		seterr(s, "cannot look up message");
		goto out;
	}
	if (step == SQLITE_DONE) {
		rc = 0;
		goto out;
	}
	info->id = sqlite3_column_int64(st, 0);
	if (outcome_parse((const char *)sqlite3_column_text(st, 1),
	    &info->outcome) == -1) {
		snprintf(s->err, sizeof(s->err), "message %lld has an "
		    "unknown outcome", (long long)info->id);
		goto out;
	}
	rc = 1;
out:
	sqlite3_reset(st);
	return rc;
}

int64_t
store_message_add(struct store *s, const uint8_t sha[HASH_LEN],
    const char *source, int64_t size, const struct message_head *h)
{
	char hex[HASH_HEX_LEN];
	struct binder b;

	assert(s->report == 0);
	hash_hex(sha, hex);
	bind_start(&b, s, ST_MSG_ADD);
	bind_text(&b, hex);
	bind_text(&b, h != NULL ? h->message_id : NULL);
	bind_text(&b, h != NULL ? h->from : NULL);
	bind_text(&b, h != NULL ? h->subject : NULL);
	if (h != NULL && h->has_date)
		bind_int(&b, h->date);
	else
		bind_null(&b);
	bind_text(&b, source != NULL ? source : "-");
	bind_int(&b, size);
	bind_int(&b, (int64_t)time(NULL));
	bind_int(&b, (int64_t)time(NULL));
	if (bind_run(s, &b, "cannot add message") == -1)
		return -1;
	return sqlite3_last_insert_rowid(s->db);
}

static int
message_update(struct store *s, struct binder *b, int64_t id,
    const char *what)
{
	return update_one(s, b, id, what, "message");
}

int
store_message_seen(struct store *s, int64_t message_id)
{
	struct binder b;

	bind_start(&b, s, ST_MSG_SEEN);
	bind_int(&b, (int64_t)time(NULL));
	return message_update(s, &b, message_id, "cannot update message");
}

int
store_message_link(struct store *s, int64_t message_id, int64_t input_id,
    const char *location)
{
	struct binder b;

	bind_start(&b, s, ST_MSG_LINK);
	bind_int(&b, message_id);
	bind_int(&b, input_id);
	bind_text(&b, location);
	return bind_run(s, &b, "cannot link input to message");
}

int
store_message_linked(struct store *s, int64_t message_id, int64_t input_id)
{
	struct binder b;
	sqlite3_stmt *st;
	int step;

	st = bind_start(&b, s, ST_MSG_LINKED);
	bind_int(&b, message_id);
	bind_int(&b, input_id);
	if (b.rc != SQLITE_OK || ((step = sqlite3_step(st)) != SQLITE_ROW &&
	    step != SQLITE_DONE)) {
		seterr(s, "cannot look up message link");
		sqlite3_reset(st);
		return -1;
	}
	sqlite3_reset(st);
	return step == SQLITE_ROW;
}

int
store_message_finish(struct store *s, int64_t message_id, enum outcome o,
    const char *reason, size_t n_reports)
{
	struct binder b;

	assert(s->report == 0);
	bind_start(&b, s, ST_MSG_FINISH);
	bind_text(&b, outcome_name(o));
	bind_text(&b, reason);
	bind_int(&b, (int64_t)n_reports);
	return message_update(s, &b, message_id, "cannot finish message");
}

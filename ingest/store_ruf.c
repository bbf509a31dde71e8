/*
 * DMARC failure reports in the store, beside store_rua.c and
 * store_tls.c: one parsed report (ruf.h) written into the ruf_* tables
 * of schema/009_ruf.sql inside its input's unit, after the decision on
 * its key (reported domain, source IP, arrival date, original
 * Message-ID): the same key and the same meaning is a duplicate and
 * writes nothing, the same key with other content is stored as a
 * conflict, anything else is stored.  The meaning is a digest of the ARF
 * fields in order and of the original's headers; the original body is
 * left out of it (kept or not, it is the same report).  Statements are
 * prepared on first use (store_prepare_all) and live in struct store.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sqlite3.h>

#include "ruf.h"
#include "store_int.h"
#include "xalloc.h"

enum rst {
	RST_MATCH,
	RST_REPORT_ADD,
	RST_PROMOTE,
	RST_FIELD_ADD,
	RST_CLEAR,
	RST__COUNT
};

struct store_ruf {
	sqlite3_stmt	*st[RST__COUNT];
};

static const char *const rsql[RST__COUNT] = {
	[RST_MATCH] = "SELECT id, status, content_sha256 FROM ruf_report "
	    "WHERE match_key = ? ORDER BY id",
	[RST_REPORT_ADD] = "INSERT INTO ruf_report (input_id, location, "
	    "feedback_type, user_agent, version, arrival_utc, arrival_raw, "
	    "source_ip, source_ip_raw, reported_domain, original_mail_from, "
	    "original_rcpt_to, auth_failure, authentication_results, "
	    "identity_alignment, delivery_result, dkim_domain, dkim_selector, "
	    "spf_dns, orig_message_id, orig_from, orig_subject, "
	    "orig_date_utc, orig_headers, n_orig_headers, orig_body, "
	    "doc_sha256, content_sha256, status, conflict_of, match_key, "
	    "stored_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
	    "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
	[RST_PROMOTE] = "UPDATE ruf_report SET status = 'stored', "
	    "conflict_of = NULL WHERE id = ?",
	[RST_FIELD_ADD] = "INSERT INTO ruf_field (report_id, seq, name, "
	    "value) VALUES (?, ?, ?, ?)",
	[RST_CLEAR] = "DELETE FROM ruf_report WHERE input_id = ?",
};

static struct store_ruf *
ruf_stmts(struct store *s)
{
	struct store_ruf *t;

	if (s->ruf != NULL)
		return s->ruf;
	t = xcalloc(1, sizeof(*t));
	if (store_prepare_all(s, rsql, RST__COUNT, t->st) == -1) {
		free(t);
		return NULL;
	}
	return s->ruf = t;
}

void
store_ruf_close(struct store *s)
{
	if (s->ruf == NULL)
		return;
	store_finalize_all(s->ruf->st, RST__COUNT);
	free(s->ruf);
	s->ruf = NULL;
}

/* text with its length before it, NULL distinct from "" */
static void
put(struct hash *h, const char *v)
{
	uint8_t b[9] = { 'n' };
	size_t n = v != NULL ? strlen(v) : 0;

	if (v != NULL)
		b[0] = 't';
	for (int i = 0; i < 8; i++)
		b[1 + i] = (uint8_t)((uint64_t)n >> (8 * i));
	hash_add(h, b, sizeof(b));
	if (v != NULL)
		hash_add(h, v, n);
}

static void
content_digest(const struct ruf *r, char hex[HASH_HEX_LEN])
{
	uint8_t out[HASH_LEN];
	struct hash h;

	hash_init(&h);
	put(&h, "ruf");
	for (size_t i = 0; i < r->n_fields; i++) {
		put(&h, r->fields[i].name);
		put(&h, r->fields[i].value);
	}
	put(&h, r->orig_headers);
	hash_final(&h, out);
	hash_hex(out, hex);
}

static void
key_digest(const struct ruf *r, char hex[HASH_HEX_LEN])
{
	uint8_t out[HASH_LEN];
	struct hash h;

	hash_init(&h);
	put(&h, r->reported_domain);
	put(&h, r->source_ip != NULL ? r->source_ip : r->source_ip_raw);
	put(&h, r->arrival_raw);
	put(&h, r->orig_message_id);
	hash_final(&h, out);
	hash_hex(out, hex);
}

static void
rbind(struct binder *b, struct store *s, enum rst which)
{
	binder_use(b, s->ruf->st[which]);
}

/*
 * Compares with the reports of the same key: 1 when one has the same
 * content (*promote: that one, when it is a conflict whose original is
 * gone), else 0 with *orig the stored report of the key (0: none).
 */
static int
ruf_match(struct store *s, const char *key, const char *chex,
    int64_t *orig, int64_t *promote)
{
	struct binder b;
	const char *status, *content;
	int64_t match = 0;
	int step, rc = -1, match_conflict = 0;

	*orig = *promote = 0;
	rbind(&b, s, RST_MATCH);
	binder_text(&b, key);
	if (b.rc != SQLITE_OK) {
		store_seterr(s, "cannot compare failure report");
		goto out;
	}
	while ((step = sqlite3_step(b.st)) == SQLITE_ROW) {
		status = (const char *)sqlite3_column_text(b.st, 1);
		content = (const char *)sqlite3_column_text(b.st, 2);
		if (match == 0 && content != NULL &&
		    strcmp(content, chex) == 0) {
			match = sqlite3_column_int64(b.st, 0);
			match_conflict = status == NULL ||
			    strcmp(status, "stored") != 0;
		}
		if (*orig == 0 && status != NULL &&
		    strcmp(status, "stored") == 0)
			*orig = sqlite3_column_int64(b.st, 0);
	}
	if (step != SQLITE_DONE) {
		store_seterr(s, "cannot compare failure report");
		goto out;
	}
	if (match != 0 && match_conflict && *orig == 0)
		*promote = match;
	rc = match != 0;
out:
	sqlite3_reset(b.st);
	return rc;
}

static void
bind_time(struct binder *b, int has, int64_t t)
{
	if (has)
		binder_int(b, t);
	else
		binder_null(b);
}

static int
fields_add(struct store *s, int64_t report, const struct ruf *r)
{
	struct binder b;

	for (size_t i = 0; i < r->n_fields; i++) {
		rbind(&b, s, RST_FIELD_ADD);
		binder_int(&b, report);
		binder_int(&b, (int64_t)i);
		binder_text(&b, r->fields[i].name);
		binder_text(&b, r->fields[i].value);
		if (binder_run(s, &b, "cannot store failure report") == -1)
			return -1;
	}
	return 0;
}

static int
report_add(struct store *s, int64_t input_id, const char *where,
    const struct ruf *r, const char *const hexes[3], int64_t orig)
{
	const char *v[] = { r->feedback_type, r->user_agent, r->version };
	const char *w[] = { r->source_ip, r->source_ip_raw,
		r->reported_domain, r->original_mail_from,
		r->original_rcpt_to, r->auth_failure,
		r->authentication_results, r->identity_alignment,
		r->delivery_result, r->dkim_domain, r->dkim_selector,
		r->spf_dns, r->orig_message_id, r->orig_from,
		r->orig_subject };
	struct binder b;

	rbind(&b, s, RST_REPORT_ADD);
	binder_int(&b, input_id);
	binder_text(&b, where);
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		binder_text(&b, v[i]);
	bind_time(&b, r->has_arrival, r->arrival);
	binder_text(&b, r->arrival_raw);
	for (size_t i = 0; i < sizeof(w) / sizeof(w[0]); i++)
		binder_text(&b, w[i]);
	bind_time(&b, r->has_orig_date, r->orig_date);
	binder_text(&b, r->orig_headers);
	binder_int(&b, (int64_t)r->n_orig_headers);
	binder_text(&b, r->orig_body);
	binder_text(&b, hexes[0]);
	binder_text(&b, hexes[1]);
	binder_text(&b, orig != 0 ? "conflict" : "stored");
	if (orig != 0)
		binder_int(&b, orig);
	else
		binder_null(&b);
	binder_text(&b, hexes[2]);
	binder_int(&b, (int64_t)time(NULL));
	if (binder_run(s, &b, "cannot store failure report") == -1)
		return -1;
	return fields_add(s, sqlite3_last_insert_rowid(s->db), r);
}

int
store_ruf_report(struct store *s, int64_t input_id, const char *where,
    const struct ruf *r, const uint8_t doc_sha[HASH_LEN])
{
	const char *what = "cannot store failure report";
	char hex[HASH_HEX_LEN], chex[HASH_HEX_LEN], key[HASH_HEX_LEN];
	const char *hexes[3] = { hex, chex, key };
	int64_t orig, promote;
	int m, in_input = s->in_input;

	if (ruf_stmts(s) == NULL)
		return -1;
	hash_hex(doc_sha, hex);
	content_digest(r, chex);
	key_digest(r, key);
	if ((in_input ? store_run(s, ST_SAVEPOINT, what) :
	    store_unit_begin(s, what)) == -1)
		goto fail;
	if ((m = ruf_match(s, key, chex, &orig, &promote)) == -1)
		goto fail;
	if (m == 1) {
		if (promote != 0) {
			struct binder b;

			rbind(&b, s, RST_PROMOTE);
			binder_int(&b, promote);
			if (binder_run(s, &b, what) == -1)
				goto fail;
		}
	} else if (report_add(s, input_id, where, r, hexes, orig) == -1)
		goto fail;
	if ((in_input ? store_run(s, ST_RELEASE, what) :
	    store_unit_commit(s, what)) == -1)
		goto fail;
	return m == 1 ? REPORT_DUPLICATE : orig != 0 ? REPORT_CONFLICT :
	    REPORT_STORED;
fail:
	/* the input's unit goes with it: a database error stops the run */
	store_unit_abort(s);
	return -1;
}

int
store_ruf_clear(struct store *s, int64_t input_id)
{
	struct binder b;

	if (ruf_stmts(s) == NULL)
		return -1;
	rbind(&b, s, RST_CLEAR);
	binder_int(&b, input_id);
	return binder_run(s, &b, "cannot clear failure reports");
}

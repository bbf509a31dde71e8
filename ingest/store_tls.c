/*
 * SMTP TLS reports (RFC 8460) in the store, beside the DMARC reports of
 * store_rua.c: one parsed report (tlsrpt.h) written whole into the
 * tls_* tables of schema/008_tls.sql inside its input's unit, after the
 * decision on its key (organization, report-id): the same key and the
 * same meaning is a duplicate and writes nothing, the same key with
 * other content is stored as a conflict, anything else is stored.  The
 * meaning is a canonical digest of the parsed report, blind to white
 * space, member order and the order of policies and failure details.
 * Its statements are prepared on first use and live in struct store.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sqlite3.h>

#include "store_int.h"
#include "tlsrpt.h"
#include "xalloc.h"

enum tst {
	TST_MATCH,
	TST_REPORT_ADD,
	TST_PROMOTE,
	TST_POLICY_ADD,
	TST_LINE_ADD,
	TST_FAILURE_ADD,
	TST_CLEAR,
	TST__COUNT
};

struct store_tls {
	sqlite3_stmt	*st[TST__COUNT];
};

static const char *const tsql[TST__COUNT] = {
	[TST_MATCH] = "SELECT id, status, content_sha256 FROM tls_report "
	    "WHERE org_key = lower(?) AND report_id = ? ORDER BY id",
	[TST_REPORT_ADD] = "INSERT INTO tls_report (input_id, location, "
	    "org_name, contact_info, report_id, begin_utc, end_utc, "
	    "n_policies, successful, failed, doc_sha256, content_sha256, "
	    "status, conflict_of, org_key, stored_at) VALUES (?, ?, ?, ?, ?, "
	    "?, ?, ?, ?, ?, ?, ?, ?, ?, lower(?), ?)",
	[TST_PROMOTE] = "UPDATE tls_report SET status = 'stored', "
	    "conflict_of = NULL WHERE id = ?",
	[TST_POLICY_ADD] = "INSERT INTO tls_policy (report_id, seq, "
	    "policy_type, policy_type_raw, policy_domain, successful, failed) "
	    "VALUES (?, ?, ?, ?, ?, ?, ?)",
	[TST_LINE_ADD] = "INSERT INTO tls_policy_line (policy_id, kind, seq, "
	    "text) VALUES (?, ?, ?, ?)",
	[TST_FAILURE_ADD] = "INSERT INTO tls_failure (policy_id, seq, "
	    "result_type, result_type_raw, sending_mta_ip, "
	    "receiving_mx_hostname, receiving_mx_helo, receiving_ip, "
	    "failed_sessions, additional_information, failure_reason_code) "
	    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
	[TST_CLEAR] = "DELETE FROM tls_report WHERE input_id = ?",
};

/* the TLS statements, prepared on first use; NULL with s->err set */
static struct store_tls *
tls_stmts(struct store *s)
{
	struct store_tls *t;

	if (s->tls != NULL)
		return s->tls;
	t = xcalloc(1, sizeof(*t));
	if (store_prepare_all(s, tsql, TST__COUNT, t->st) == -1) {
		free(t);
		return NULL;
	}
	return s->tls = t;
}

void
store_tls_close(struct store *s)
{
	if (s->tls == NULL)
		return;
	store_finalize_all(s->tls->st, TST__COUNT);
	free(s->tls);
	s->tls = NULL;
}

/* canonical digest */

static void
put_len(struct hash *h, uint8_t tag, uint64_t n)
{
	uint8_t b[9];

	b[0] = tag;
	for (int i = 0; i < 8; i++)
		b[1 + i] = (uint8_t)(n >> (8 * i));
	hash_add(h, b, sizeof(b));
}

/* text as received ('t'), NULL distinct from "" */
static void
put_text(struct hash *h, const char *v)
{
	if (v == NULL) {
		put_len(h, 'n', 0);
		return;
	}
	put_len(h, 't', strlen(v));
	hash_add(h, v, strlen(v));
}

static void
put_int(struct hash *h, int64_t v)
{
	put_len(h, 'i', (uint64_t)v);
}

static int
cmp_digest(const void *a, const void *b)
{
	return memcmp(a, b, HASH_LEN);
}

/* n digests as a multiset: sorted, then hashed in (sorts d in place) */
static void
put_set(struct hash *h, uint8_t (*d)[HASH_LEN], size_t n)
{
	qsort(d, n, HASH_LEN, cmp_digest);
	put_len(h, 's', n);
	for (size_t i = 0; i < n; i++)
		hash_add(h, d[i], HASH_LEN);
}

static void
failure_digest(const struct tlsrpt_failure *f, uint8_t out[HASH_LEN])
{
	struct hash h;

	hash_init(&h);
	/* the parser lower-cases host names; the word is taken as sent */
	put_text(&h, f->result_raw);
	put_text(&h, f->sending_mta_ip);
	put_text(&h, f->receiving_mx_hostname);
	put_text(&h, f->receiving_mx_helo);
	put_text(&h, f->receiving_ip);
	put_int(&h, f->failed_sessions);
	put_text(&h, f->additional_information);
	put_text(&h, f->failure_reason_code);
	hash_final(&h, out);
}

static void
policy_digest(const struct tlsrpt_policy *p, uint8_t out[HASH_LEN])
{
	uint8_t (*d)[HASH_LEN];
	struct hash h;

	hash_init(&h);
	put_text(&h, p->type_raw);
	put_text(&h, p->domain);
	/* the policy text is read in order; the mx patterns are a set */
	put_len(&h, 'l', p->n_policy_strings);
	for (size_t i = 0; i < p->n_policy_strings; i++)
		put_text(&h, p->policy_strings[i]);
	d = xreallocarray(NULL, p->n_mx_hosts + p->n_failures + 1,
	    HASH_LEN);
	for (size_t i = 0; i < p->n_mx_hosts; i++) {
		struct hash e;

		hash_init(&e);
		put_text(&e, p->mx_hosts[i]);
		hash_final(&e, d[i]);
	}
	put_set(&h, d, p->n_mx_hosts);
	put_int(&h, p->successful);
	put_int(&h, p->failed);
	for (size_t i = 0; i < p->n_failures; i++)
		failure_digest(&p->failures[i], d[i]);
	put_set(&h, d, p->n_failures);
	free(d);
	hash_final(&h, out);
}

void
store_tls_digest(const struct tlsrpt *r, uint8_t out[HASH_LEN])
{
	uint8_t (*d)[HASH_LEN];
	struct hash h;

	hash_init(&h);
	put_text(&h, "tlsrpt");
	put_text(&h, r->org_name);
	put_text(&h, r->contact_info);
	put_text(&h, r->report_id);
	put_int(&h, r->begin);
	put_int(&h, r->end);
	d = xreallocarray(NULL, r->n_policies + 1, HASH_LEN);
	for (size_t i = 0; i < r->n_policies; i++)
		policy_digest(&r->policies[i], d[i]);
	put_set(&h, d, r->n_policies);
	free(d);
	hash_final(&h, out);
}

/* writing */

/* starts binding TLS statement which */
static void
tbind(struct binder *b, struct store *s, enum tst which)
{
	binder_use(b, s->tls->st[which]);
}

/*
 * Compares with the reports of the same key: 1 when one has the same
 * content (*promote: that one, when it is a conflict whose original is
 * gone), else 0 with *orig the stored report of the key (0: none).
 */
static int
tls_match(struct store *s, const struct tlsrpt *r, const char *chex,
    int64_t *orig, int64_t *promote)
{
	struct binder b;
	sqlite3_stmt *st;
	const char *status, *content;
	int64_t match = 0;
	int step, rc = -1, match_conflict = 0;

	*orig = *promote = 0;
	tbind(&b, s, TST_MATCH);
	st = b.st;
	binder_text(&b, r->org_name);
	binder_text(&b, r->report_id);
	if (b.rc != SQLITE_OK) {
		store_seterr(s, "cannot compare TLS report");
		goto out;
	}
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		status = (const char *)sqlite3_column_text(st, 1);
		content = (const char *)sqlite3_column_text(st, 2);
		if (match == 0 && content != NULL &&
		    strcmp(content, chex) == 0) {
			match = sqlite3_column_int64(st, 0);
			match_conflict = status == NULL ||
			    strcmp(status, "stored") != 0;
		}
		if (*orig == 0 && status != NULL &&
		    strcmp(status, "stored") == 0)
			*orig = sqlite3_column_int64(st, 0);
	}
	if (step != SQLITE_DONE) {
		store_seterr(s, "cannot compare TLS report");
		goto out;
	}
	if (match != 0 && match_conflict && *orig == 0)
		*promote = match;
	rc = match != 0;
out:
	sqlite3_reset(st);
	return rc;
}

static int
lines_add(struct store *s, int64_t policy, const char *kind, char **v,
    size_t n)
{
	struct binder b;

	for (size_t i = 0; i < n; i++) {
		tbind(&b, s, TST_LINE_ADD);
		binder_int(&b, policy);
		binder_text(&b, kind);
		binder_int(&b, (int64_t)i);
		binder_text(&b, v[i] != NULL ? v[i] : "");
		if (binder_run(s, &b, "cannot store TLS policy") == -1)
			return -1;
	}
	return 0;
}

static int
failures_add(struct store *s, int64_t policy, const struct tlsrpt_policy *p)
{
	struct binder b;

	for (size_t i = 0; i < p->n_failures; i++) {
		const struct tlsrpt_failure *f = &p->failures[i];

		tbind(&b, s, TST_FAILURE_ADD);
		binder_int(&b, policy);
		binder_int(&b, (int64_t)i);
		binder_text(&b, f->result);
		binder_text(&b, f->result_raw);
		binder_text(&b, f->sending_mta_ip);
		binder_text(&b, f->receiving_mx_hostname);
		binder_text(&b, f->receiving_mx_helo);
		binder_text(&b, f->receiving_ip);
		binder_int(&b, f->failed_sessions);
		binder_text(&b, f->additional_information);
		binder_text(&b, f->failure_reason_code);
		if (binder_run(s, &b, "cannot store TLS failure") == -1)
			return -1;
	}
	return 0;
}

static int
policies_add(struct store *s, int64_t report, const struct tlsrpt *r)
{
	struct binder b;
	int64_t id;

	for (size_t i = 0; i < r->n_policies; i++) {
		const struct tlsrpt_policy *p = &r->policies[i];

		tbind(&b, s, TST_POLICY_ADD);
		binder_int(&b, report);
		binder_int(&b, (int64_t)i);
		binder_text(&b, p->type);
		binder_text(&b, p->type_raw);
		binder_text(&b, p->domain);
		binder_int(&b, p->successful);
		binder_int(&b, p->failed);
		if (binder_run(s, &b, "cannot store TLS policy") == -1)
			return -1;
		id = sqlite3_last_insert_rowid(s->db);
		if (lines_add(s, id, "policy-string", p->policy_strings,
		    p->n_policy_strings) == -1 ||
		    lines_add(s, id, "mx-host", p->mx_hosts,
		    p->n_mx_hosts) == -1 ||
		    failures_add(s, id, p) == -1)
			return -1;
	}
	return 0;
}

/* the report row and everything under it */
static int
report_add(struct store *s, int64_t input_id, const char *where,
    const struct tlsrpt *r, const char *hex, const char *chex, int64_t orig)
{
	struct binder b;
	int64_t ok = 0, failed = 0;

	for (size_t i = 0; i < r->n_policies; i++) {
		/* each at most MAX_RECORD_COUNT (2^40): no overflow */
		ok += r->policies[i].successful;
		failed += r->policies[i].failed;
	}
	tbind(&b, s, TST_REPORT_ADD);
	binder_int(&b, input_id);
	binder_text(&b, where);
	binder_text(&b, r->org_name);
	binder_text(&b, r->contact_info);
	binder_text(&b, r->report_id);
	binder_int(&b, r->begin);
	binder_int(&b, r->end);
	binder_int(&b, (int64_t)r->n_policies);
	binder_int(&b, ok);
	binder_int(&b, failed);
	binder_text(&b, hex);
	binder_text(&b, chex);
	binder_text(&b, orig != 0 ? "conflict" : "stored");
	if (orig != 0)
		binder_int(&b, orig);
	else
		binder_null(&b);
	binder_text(&b, r->org_name);
	binder_int(&b, (int64_t)time(NULL));
	if (binder_run(s, &b, "cannot store TLS report") == -1)
		return -1;
	return policies_add(s, sqlite3_last_insert_rowid(s->db), r);
}

int
store_tls_report(struct store *s, int64_t input_id, const char *where,
    const struct tlsrpt *r, const uint8_t doc_sha[HASH_LEN])
{
	const char *what = "cannot store TLS report";
	char hex[HASH_HEX_LEN], chex[HASH_HEX_LEN];
	uint8_t canon[HASH_LEN];
	int64_t orig, promote;
	int m, in_input = s->in_input;

	if (tls_stmts(s) == NULL)
		return -1;
	hash_hex(doc_sha, hex);
	store_tls_digest(r, canon);
	hash_hex(canon, chex);
	if ((in_input ? store_run(s, ST_SAVEPOINT, what) :
	    store_unit_begin(s, what)) == -1)
		goto fail;
	if ((m = tls_match(s, r, chex, &orig, &promote)) == -1)
		goto fail;
	if (m == 1) {
		if (promote != 0) {
			struct binder b;

			tbind(&b, s, TST_PROMOTE);
			binder_int(&b, promote);
			if (binder_run(s, &b, what) == -1)
				goto fail;
		}
	} else if (report_add(s, input_id, where, r, hex, chex, orig) == -1)
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
store_tls_clear(struct store *s, int64_t input_id)
{
	struct binder b;

	if (tls_stmts(s) == NULL)
		return -1;
	tbind(&b, s, TST_CLEAR);
	binder_int(&b, input_id);
	return binder_run(s, &b, "cannot clear TLS reports");
}

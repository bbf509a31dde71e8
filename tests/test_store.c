/*
 * Tests for ingest/store.c against a real database file: reports built by
 * hand from the model (no parser), checked through the views users query;
 * duplicate and conflict decisions; the ingest ledger; the original bytes
 * round trip; SQL metacharacters; and a full disk.
 */
#include <sys/stat.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "align.h"
#include "db.h"
#include "hash.h"
#include "store.h"
#include "testutil.h"
#include "xalloc.h"

Suite	*store_suite(void);

struct fixture {
	char		*dir;
	char		*path;		/* the database */
	struct store	*s;
};

static void
fx_open(struct fixture *fx)
{
	char err[256] = "";
	size_t n;

	fx->dir = tu_tmpdir();
	n = strlen(fx->dir) + 16;
	fx->path = xmalloc(n);
	snprintf(fx->path, n, "%s/dmarc.db", fx->dir);
	fx->s = store_open(fx->path, err, sizeof(err));
	ck_assert_msg(fx->s != NULL, "store_open: %s", err);
}

static void
fx_close(struct fixture *fx)
{
	store_close(fx->s);
	tu_rmtree(fx->dir);
	free(fx->dir);
	free(fx->path);
}

static int64_t
q_int(struct fixture *fx, const char *sql)
{
	return tu_query_int(fx->path, sql);
}

/* the text of a query, "(null)" for SQL NULL or no row */
static char *
q_text(struct fixture *fx, const char *sql)
{
	char *t = tu_query_text(fx->path, sql);

	return t != NULL ? t : xstrdup("(null)");
}

#define ck_query_str(fx, sql, want) do {				\
	char *got_ = q_text((fx), (sql));				\
	ck_assert_msg(strcmp(got_, (want)) == 0, "%s: got '%s', want '%s'", \
	    (sql), got_, (want));					\
	free(got_);							\
} while (0)

static void
sha_of(const void *p, size_t n, uint8_t out[HASH_LEN])
{
	struct hash h;

	hash_init(&h);
	hash_add(&h, p, n);
	hash_final(&h, out);
}

/* a file holding p[0..n), open for reading; the ledger row is added */
static int64_t
add_input(struct fixture *fx, const char *name, const void *p, size_t n)
{
	uint8_t sha[HASH_LEN];
	char path[512];
	int64_t id;
	int fd;

	snprintf(path, sizeof(path), "%s/%s", fx->dir, name);
	ck_assert_int_eq(tu_write(path, p, n), 0);
	fd = open(path, O_RDONLY);
	ck_assert_int_ne(fd, -1);
	sha_of(p, n, sha);
	/* the store must read from offset 0 whatever the position */
	lseek(fd, (off_t)(n / 2), SEEK_SET);
	id = store_input_add(fx->s, sha, name, fd);
	close(fd);
	return id;
}

static void
setw(struct word *w, const char *raw, const char *norm)
{
	word_release(w);
	w->raw = raw != NULL ? xstrdup(raw) : NULL;
	w->norm = norm;
}

static char *
dup_or_null(const char *s)
{
	return s != NULL ? xstrdup(s) : NULL;
}

static void
make_report(struct report *r, const char *org, const char *email,
    const char *rid, const char *domain)
{
	report_init(r);
	r->format = FORMAT_RFC7489;
	r->version = xstrdup("1.0");
	r->org_name = dup_or_null(org);
	r->email = dup_or_null(email);
	r->report_id = dup_or_null(rid);
	r->begin = 1700000000;
	r->end = 1700086399;
	r->policy.domain = dup_or_null(domain);
	setw(&r->policy.adkim, "r", "r");
	setw(&r->policy.aspf, "R", "r");
	setw(&r->policy.p, "Quarantine", "quarantine");
	setw(&r->policy.sp, "reject", "reject");
	r->policy.pct = 50;
	r->policy.fo = xstrdup("0:1");
}

static void
make_record(struct record *rec, const char *ip, int64_t count,
    const char *header_from)
{
	record_init(rec);
	rec->source_ip_raw = xstrdup(ip);
	snprintf(rec->source_ip, sizeof(rec->source_ip), "%s", ip);
	rec->ip_family = strchr(ip, ':') != NULL ? 6 : 4;
	rec->count = count;
	setw(&rec->disposition, "none", "none");
	setw(&rec->eval_dkim, "pass", "pass");
	setw(&rec->eval_spf, "Fail", "fail");
	rec->header_from = xstrdup(header_from);
	rec->envelope_from = xstrdup("bounce.example.net");
	rec->dkim = xcalloc(1, sizeof(*rec->dkim));
	rec->n_dkim = 1;
	rec->dkim[0].domain = xstrdup(header_from);
	rec->dkim[0].selector = xstrdup("s1");
	setw(&rec->dkim[0].result, "pass", "pass");
	rec->spf = xcalloc(2, sizeof(*rec->spf));
	rec->n_spf = 2;
	rec->spf[0].domain = xstrdup("bounce.example.net");
	setw(&rec->spf[0].scope, "mfrom", "mfrom");
	setw(&rec->spf[0].result, "softfail", "softfail");
	rec->spf[1].domain = xstrdup("mx.example.net");
	setw(&rec->spf[1].scope, "helo", "helo");
	setw(&rec->spf[1].result, "hardfail", "fail");
	rec->reasons = xcalloc(1, sizeof(*rec->reasons));
	rec->n_reasons = 1;
	setw(&rec->reasons[0].type, "forwarded", "forwarded");
	rec->reasons[0].comment = xstrdup("via list");
}

/*
 * Stores a report of n records (counts 1, 2, ...) with doc hash made from
 * tag; returns store_report_end's result.
 */
static int
put_report(struct fixture *fx, int64_t input, struct report *r, int n,
    const char *tag)
{
	uint8_t doc[HASH_LEN];
	struct record rec;
	struct diag d;
	char ip[32];

	diag_init(&d);
	ck_assert_int_eq(store_report_begin(fx->s, input, NULL, r), 0);
	for (int i = 0; i < n; i++) {
		snprintf(ip, sizeof(ip), "192.0.2.%d", i + 1);
		make_record(&rec, ip, i + 1, "example.com");
		align_record(&r->policy, &rec);
		ck_assert_int_eq(store_record(fx->s, &rec), 0);
		r->n_records++;
		r->messages += rec.count;
		record_release(&rec);
	}
	diag_warn(&d, DIAG_ENUM_CASE);
	diag_warn(&d, DIAG_ENUM_CASE);
	diag_warn(&d, DIAG_ENUM_ALIAS);
	sha_of(tag, strlen(tag), doc);
	return store_report_end(fx->s, r, doc, &d);
}

static const char xml[] = "<?xml version=\"1.0\"?>\n<feedback>...</feedback>\n";

START_TEST(test_store_report_visible_in_views)
{
	struct fixture fx;
	struct report r;
	int64_t in;

	fx_open(&fx);
	in = add_input(&fx, "a.xml", xml, sizeof(xml) - 1);
	ck_assert_int_gt(in, 0);
	make_report(&r, "Example Org", "dmarc@example.org", "rid-1",
	    "example.com");
	r.errors = xcalloc(2, sizeof(*r.errors));
	r.errors[0] = xstrdup("first");
	r.errors[1] = xstrdup("second");
	r.n_errors = 2;
	ck_assert_int_eq(put_report(&fx, in, &r, 3, "doc"), REPORT_STORED);
	report_release(&r);

	ck_assert_int_eq(q_int(&fx, "SELECT count(*) FROM v_reports"), 1);
	ck_query_str(&fx, "SELECT org_name || '|' || org_email || '|' || "
	    "report_id || '|' || policy_domain || '|' || format || '|' || "
	    "policy_p || '|' || policy_sp || '|' || coalesce(policy_np, '-') "
	    "|| '|' || policy_pct || '|' || coalesce(policy_testing, '-') || "
	    "'|' || rows || '|' || messages || '|' || errors FROM v_reports",
	    "Example Org|dmarc@example.org|rid-1|example.com|rfc7489|"
	    "quarantine|reject|-|50|-|3|6|2");
	ck_assert_int_eq(q_int(&fx, "SELECT begin_utc FROM v_reports"),
	    1700000000);
	ck_assert_int_eq(q_int(&fx, "SELECT end_utc FROM v_reports"),
	    1700086399);
	ck_query_str(&fx, "SELECT policy_p_raw || policy_aspf_raw || "
	    "org_key || email_key FROM report",
	    "QuarantineRexample orgdmarc@example.org");
	ck_query_str(&fx, "SELECT group_concat(text, ',') FROM "
	    "(SELECT text FROM report_error ORDER BY seq)", "first,second");

	ck_assert_int_eq(q_int(&fx, "SELECT count(*) FROM v_records"), 3);
	ck_assert_int_eq(q_int(&fx, "SELECT sum(messages) FROM v_records"), 6);
	ck_query_str(&fx, "SELECT org_name || '|' || report_id || '|' || "
	    "policy_domain || '|' || source_ip || '|' || messages || '|' || "
	    "disposition || '|' || eval_dkim || '|' || eval_spf || '|' || "
	    "header_from || '|' || envelope_from || '|' || dkim_aligned || "
	    "spf_aligned || dmarc_pass || receiver_pass || '|' || begin_utc "
	    "FROM v_records WHERE source_ip = '192.0.2.2'",
	    "Example Org|rid-1|example.com|192.0.2.2|2|none|pass|fail|"
	    "example.com|bounce.example.net|1011|1700000000");
	ck_query_str(&fx, "SELECT eval_spf_raw FROM record WHERE seq = 0",
	    "Fail");
	ck_assert_int_eq(q_int(&fx, "SELECT count(*) FROM record_dkim"), 3);
	ck_assert_int_eq(q_int(&fx, "SELECT count(*) FROM record_spf"), 6);
	ck_query_str(&fx, "SELECT result || '/' || result_raw || '/' || scope "
	    "FROM record_spf WHERE seq = 1 LIMIT 1", "fail/hardfail/helo");
	ck_query_str(&fx, "SELECT type || ':' || comment FROM record_reason "
	    "LIMIT 1", "forwarded:via list");
	ck_query_str(&fx, "SELECT group_concat(code || '=' || count, ',') FROM "
	    "(SELECT code, count FROM warning WHERE report_id IS NOT NULL "
	    "ORDER BY code)", "enum-alias=1,enum-case=2");
	ck_query_str(&fx, "SELECT org_name || ':' || report_id || ':' || code "
	    "|| '=' || count FROM v_warnings WHERE code = 'enum-case'",
	    "Example Org:rid-1:enum-case=2");
	fx_close(&fx);
}
END_TEST

START_TEST(test_store_duplicate_not_stored_twice)
{
	struct fixture fx;
	struct report r;
	int64_t in;

	fx_open(&fx);
	in = add_input(&fx, "a.xml", xml, sizeof(xml) - 1);
	make_report(&r, "Org", "a@b.c", "rid", "example.com");
	ck_assert_int_eq(put_report(&fx, in, &r, 2, "doc"), REPORT_STORED);
	report_release(&r);
	make_report(&r, "Org", "a@b.c", "rid", "example.com");
	ck_assert_int_eq(put_report(&fx, in, &r, 2, "doc"), REPORT_DUPLICATE);
	report_release(&r);
	ck_assert_int_eq(q_int(&fx, "SELECT count(*) FROM report"), 1);
	ck_assert_int_eq(q_int(&fx, "SELECT count(*) FROM record"), 2);
	ck_assert_int_eq(q_int(&fx, "SELECT count(*) FROM record_dkim"), 2);
	ck_assert_int_eq(q_int(&fx, "SELECT count(*) FROM warning"), 2);
	fx_close(&fx);
}
END_TEST

START_TEST(test_store_conflict_flagged)
{
	struct fixture fx;
	struct report r;
	int64_t in, first;

	fx_open(&fx);
	in = add_input(&fx, "a.xml", xml, sizeof(xml) - 1);
	make_report(&r, "Example Org", "Dmarc@Example.org", "rid",
	    "example.com");
	ck_assert_int_eq(put_report(&fx, in, &r, 2, "doc-1"), REPORT_STORED);
	report_release(&r);
	first = q_int(&fx, "SELECT id FROM report");
	/* the key ignores the case of org_name and email */
	make_report(&r, "EXAMPLE ORG", "dmarc@example.org", "rid",
	    "example.com");
	ck_assert_int_eq(put_report(&fx, in, &r, 5, "doc-2"), REPORT_CONFLICT);
	report_release(&r);
	/* the conflicting copy again is a duplicate of it */
	make_report(&r, "EXAMPLE ORG", "dmarc@example.org", "rid",
	    "example.com");
	ck_assert_int_eq(put_report(&fx, in, &r, 5, "doc-2"),
	    REPORT_DUPLICATE);
	report_release(&r);

	ck_assert_int_eq(q_int(&fx, "SELECT count(*) FROM report"), 2);
	ck_assert_int_eq(q_int(&fx, "SELECT count(*) FROM v_reports"), 1);
	ck_assert_int_eq(q_int(&fx, "SELECT rows FROM v_reports"), 2);
	ck_assert_int_eq(q_int(&fx, "SELECT count(*) FROM v_records"), 2);
	ck_assert_int_eq(q_int(&fx, "SELECT count(*) FROM v_conflicts"), 1);
	ck_assert_int_eq(q_int(&fx, "SELECT conflict_of FROM v_conflicts"),
	    first);
	ck_assert_int_eq(q_int(&fx, "SELECT rows FROM v_conflicts"), 5);
	ck_assert_int_eq(q_int(&fx, "SELECT count(*) FROM report WHERE "
	    "status = 'conflict' AND conflict_of = (SELECT min(id) FROM "
	    "report)"), 1);
	fx_close(&fx);
}
END_TEST

START_TEST(test_store_same_id_two_orgs)
{
	struct fixture fx;
	struct report r;
	int64_t in;

	fx_open(&fx);
	in = add_input(&fx, "a.xml", xml, sizeof(xml) - 1);
	make_report(&r, "Org A", "a@a.example", "12345", "example.com");
	ck_assert_int_eq(put_report(&fx, in, &r, 1, "a"), REPORT_STORED);
	report_release(&r);
	make_report(&r, "Org B", "b@b.example", "12345", "example.com");
	ck_assert_int_eq(put_report(&fx, in, &r, 1, "b"), REPORT_STORED);
	report_release(&r);
	/* same org and id for another policy domain is another report */
	make_report(&r, "Org B", "b@b.example", "12345", "example.net");
	ck_assert_int_eq(put_report(&fx, in, &r, 1, "c"), REPORT_STORED);
	report_release(&r);
	/* and so is one with another reporting address */
	make_report(&r, "Org B", "dmarc@b.example", "12345", "example.net");
	ck_assert_int_eq(put_report(&fx, in, &r, 1, "e"), REPORT_STORED);
	report_release(&r);
	/* absent key fields still compare: NULL report_id twice */
	make_report(&r, NULL, NULL, NULL, NULL);
	ck_assert_int_eq(put_report(&fx, in, &r, 1, "d"), REPORT_STORED);
	report_release(&r);
	make_report(&r, NULL, NULL, NULL, NULL);
	ck_assert_int_eq(put_report(&fx, in, &r, 1, "d"), REPORT_DUPLICATE);
	report_release(&r);
	ck_assert_int_eq(q_int(&fx, "SELECT count(*) FROM v_reports"), 5);
	fx_close(&fx);
}
END_TEST

START_TEST(test_store_abort_rolls_back)
{
	struct fixture fx;
	struct report r;
	struct record rec;
	int64_t in;

	fx_open(&fx);
	in = add_input(&fx, "a.xml", xml, sizeof(xml) - 1);
	make_report(&r, "Org", "a@b.c", "rid", "example.com");
	ck_assert_int_eq(store_report_begin(fx.s, in, "entry.xml", &r), 0);
	make_record(&rec, "2001:db8::1", 7, "example.com");
	ck_assert_int_eq(store_record(fx.s, &rec), 0);
	store_report_abort(fx.s);
	store_report_abort(fx.s);
	ck_assert_int_eq(store_record(fx.s, &rec), -1);
	ck_assert_ptr_nonnull(strstr(store_errmsg(fx.s), "no report"));
	record_release(&rec);
	ck_assert_int_eq(q_int(&fx, "SELECT count(*) FROM report"), 0);
	ck_assert_int_eq(q_int(&fx, "SELECT count(*) FROM record"), 0);
	/* the store goes on normally afterwards */
	ck_assert_int_eq(put_report(&fx, in, &r, 1, "doc"), REPORT_STORED);
	report_release(&r);
	ck_assert_int_eq(q_int(&fx, "SELECT count(*) FROM v_reports"), 1);
	fx_close(&fx);
}
END_TEST

START_TEST(test_store_input_ledger)
{
	struct fixture fx;
	struct input_info info;
	uint8_t sha[HASH_LEN], other[HASH_LEN];
	struct diag d;
	int64_t in;

	fx_open(&fx);
	sha_of(xml, sizeof(xml) - 1, sha);
	sha_of("other", 5, other);
	ck_assert_int_eq(store_input_lookup(fx.s, sha, &info), 0);
	in = add_input(&fx, "a.xml", xml, sizeof(xml) - 1);
	ck_assert_int_gt(in, 0);
	/* added but never finished (a run killed mid-way): pending */
	ck_assert_int_eq(store_input_lookup(fx.s, sha, &info), 1);
	ck_assert_int_eq(info.id, in);
	ck_assert_int_eq(info.outcome, OUTCOME_PENDING);
	ck_assert_int_eq(store_input_lookup(fx.s, other, &info), 0);
	ck_assert_int_eq(store_input_seen(fx.s, in), 0);
	ck_assert_int_eq(store_input_seen(fx.s, in + 100), -1);

	diag_init(&d);
	diag_warn(&d, DIAG_GZIP_TRAILING);
	ck_assert_int_eq(store_input_finish(fx.s, in, OUTCOME_REJECTED,
	    "xml: bad", 0, 0, &d), 0);
	ck_assert_int_eq(store_input_lookup(fx.s, sha, &info), 1);
	ck_assert_int_eq(info.outcome, OUTCOME_REJECTED);
	diag_warn(&d, DIAG_GZIP_TRAILING);
	ck_assert_int_eq(store_input_finish(fx.s, in, OUTCOME_STORED, NULL,
	    2, 30, &d), 0);
	ck_assert_int_eq(store_input_lookup(fx.s, sha, &info), 1);
	ck_assert_int_eq(info.outcome, OUTCOME_STORED);
	ck_assert_int_eq(store_input_finish(fx.s, in + 100, OUTCOME_STORED,
	    NULL, 0, 0, NULL), -1);

	ck_query_str(&fx, "SELECT source || '|' || size || '|' || seen_count "
	    "|| '|' || outcome || '|' || coalesce(reason, '-') || '|' || "
	    "n_reports || '|' || n_records || '|' || warnings || '|' || "
	    "container FROM v_ingest", "a.xml|47|2|stored|-|2|30|2|plain");
	ck_assert_int_eq(q_int(&fx, "SELECT count(*) FROM warning"), 1);
	ck_assert_int_ge(q_int(&fx, "SELECT last_seen - first_seen FROM "
	    "input"), 0);
	ck_assert_str_eq(outcome_name(OUTCOME_NOT_REPORT), "not_report");
	ck_assert_str_eq(outcome_name(OUTCOME_DUPLICATE), "duplicate");
	fx_close(&fx);
}
END_TEST

struct visit {
	int		 n;
	int64_t		 ids[8];
	uint8_t		*bytes[8];
	size_t		 len[8];
	char		*source[8];
	int		 stop_after;	/* 0: never */
};

static int
visit_fn(void *arg, int64_t id, const char *source, int fd)
{
	struct visit *v = arg;
	size_t cap = 1 << 16, len = 0;
	uint8_t *p = xmalloc(cap);
	ssize_t n;

	ck_assert_int_lt(v->n, 8);
	while ((n = read(fd, p + len, cap - len)) > 0) {
		len += (size_t)n;
		if (len == cap)
			p = xreallocarray(p, cap *= 2, 1);
	}
	ck_assert_int_eq(n, 0);
	v->ids[v->n] = id;
	v->bytes[v->n] = p;
	v->len[v->n] = len;
	v->source[v->n] = xstrdup(source);
	v->n++;
	return v->stop_after != 0 && v->n >= v->stop_after ? -1 : 0;
}

static void
visit_free(struct visit *v)
{
	for (int i = 0; i < v->n; i++) {
		free(v->bytes[i]);
		free(v->source[i]);
	}
	memset(v, 0, sizeof(*v));
}

START_TEST(test_store_bytes_roundtrip_plain_gzip)
{
	struct fixture fx;
	struct visit v;
	uint8_t *gz;
	size_t gzlen;
	int64_t a, b;

	fx_open(&fx);
	memset(&v, 0, sizeof(v));
	gz = tu_gzip(xml, sizeof(xml) - 1, &gzlen);
	a = add_input(&fx, "a.xml", xml, sizeof(xml) - 1);
	b = add_input(&fx, "b.xml.gz", gz, gzlen);
	ck_assert_int_gt(a, 0);
	ck_assert_int_gt(b, a);
	ck_query_str(&fx, "SELECT group_concat(coalesce(container, '-') || "
	    "stored_deflated, ',') FROM (SELECT * FROM input ORDER BY id)",
	    "-1,gzip0");
	/* the gzip input is kept byte for byte */
	ck_assert_int_eq(q_int(&fx, "SELECT length(data) FROM input_chunk "
	    "WHERE input_id = 2"), (int64_t)gzlen);

	ck_assert_int_eq(store_foreach_input(fx.s, 1, visit_fn, &v), 0);
	ck_assert_int_eq(v.n, 2);
	ck_assert_int_eq(v.ids[0], a);
	ck_assert_str_eq(v.source[0], "a.xml");
	ck_assert_uint_eq(v.len[0], sizeof(xml) - 1);
	ck_assert(memcmp(v.bytes[0], xml, sizeof(xml) - 1) == 0);
	ck_assert_int_eq(v.ids[1], b);
	ck_assert_uint_eq(v.len[1], gzlen);
	ck_assert(memcmp(v.bytes[1], gz, gzlen) == 0);
	visit_free(&v);

	/* only rejected inputs unless all */
	ck_assert_int_eq(store_foreach_input(fx.s, 0, visit_fn, &v), 0);
	ck_assert_int_eq(v.n, 0);
	ck_assert_int_eq(store_input_finish(fx.s, b, OUTCOME_REJECTED,
	    "bad", 0, 0, NULL), 0);
	ck_assert_int_eq(store_foreach_input(fx.s, 0, visit_fn, &v), 0);
	ck_assert_int_eq(v.n, 1);
	ck_assert_int_eq(v.ids[0], b);
	visit_free(&v);

	/* a zip is kept as received too; an empty input round-trips */
	ck_assert_int_gt(add_input(&fx, "c.zip", "PK\3\4zipdata", 11), b);
	ck_assert_int_gt(add_input(&fx, "empty", "", 0), b);
	ck_query_str(&fx, "SELECT group_concat(coalesce(container, '-') || "
	    "stored_deflated || size, ',') FROM (SELECT * FROM input "
	    "WHERE id > 2 ORDER BY id)", "zip011,-10");
	ck_assert_int_eq(store_foreach_input(fx.s, 1, visit_fn, &v), 0);
	ck_assert_int_eq(v.n, 4);
	ck_assert_uint_eq(v.len[2], 11);
	ck_assert(memcmp(v.bytes[2], "PK\3\4zipdata", 11) == 0);
	ck_assert_uint_eq(v.len[3], 0);
	visit_free(&v);

	/* fn returning -1 stops the walk without an error */
	v.stop_after = 1;
	ck_assert_int_eq(store_foreach_input(fx.s, 1, visit_fn, &v), 0);
	ck_assert_int_eq(v.n, 1);
	visit_free(&v);
	free(gz);
	fx_close(&fx);
}
END_TEST

/* n bytes of a deterministic pseudo-random sequence (incompressible) */
static uint8_t *
noise(size_t n, uint32_t seed)
{
	uint8_t *p = xmalloc(n);

	for (size_t i = 0; i < n; i++) {
		seed = seed * 1103515245u + 12345u;
		p[i] = (uint8_t)(seed >> 16);
	}
	return p;
}

START_TEST(test_store_bytes_roundtrip_large)
{
	const size_t n = 3 * 1024 * 1024 + 17;
	struct fixture fx;
	struct visit v;
	uint8_t *plain, *gz;
	int64_t a, b;

	fx_open(&fx);
	memset(&v, 0, sizeof(v));
	plain = noise(n, 1);
	plain[0] = '<';
	gz = noise(n, 2);
	gz[0] = 0x1f;
	gz[1] = 0x8b;
	a = add_input(&fx, "big.xml", plain, n);
	b = add_input(&fx, "big.gz", gz, n);
	ck_assert_int_gt(a, 0);
	ck_assert_int_gt(b, 0);
	/* random data does not shrink: several compressed chunks */
	ck_assert_int_ge(q_int(&fx, "SELECT count(*) FROM input_chunk WHERE "
	    "input_id = 1"), 4);
	ck_assert_int_eq(q_int(&fx, "SELECT count(*) FROM input_chunk WHERE "
	    "input_id = 2"), 4);
	ck_assert_int_eq(q_int(&fx, "SELECT max(length(data)) FROM "
	    "input_chunk"), 1024 * 1024);
	ck_assert_int_eq(q_int(&fx, "SELECT sum(size) FROM input"),
	    (int64_t)(2 * n));
	ck_assert_int_eq(store_foreach_input(fx.s, 1, visit_fn, &v), 0);
	ck_assert_int_eq(v.n, 2);
	ck_assert_uint_eq(v.len[0], n);
	ck_assert(memcmp(v.bytes[0], plain, n) == 0);
	ck_assert_uint_eq(v.len[1], n);
	ck_assert(memcmp(v.bytes[1], gz, n) == 0);
	visit_free(&v);
	free(plain);
	free(gz);
	fx_close(&fx);
}
END_TEST

/*
 * The store keeps its read buffer and deflate state from one input to
 * the next: plain inputs in a row, a multi-chunk one between small ones,
 * each come back byte for byte, none carrying bytes of the one before.
 */
START_TEST(test_store_plain_inputs_in_a_row_each_kept_whole)
{
	const size_t n = 2 * 1024 * 1024 + 5;
	struct fixture fx;
	struct visit v;
	uint8_t *big;

	fx_open(&fx);
	memset(&v, 0, sizeof(v));
	big = noise(n, 3);
	big[0] = '<';
	ck_assert_int_gt(add_input(&fx, "1.xml", xml, sizeof(xml) - 1), 0);
	ck_assert_int_gt(add_input(&fx, "2.xml", big, n), 0);
	ck_assert_int_gt(add_input(&fx, "3.xml", "<a/>", 4), 0);
	ck_assert_int_gt(add_input(&fx, "4.xml", "", 0), 0);
	ck_assert_int_gt(add_input(&fx, "5.xml", big + 1, 1000), 0);
	ck_query_str(&fx, "SELECT group_concat(stored_deflated, '') FROM "
	    "(SELECT * FROM input ORDER BY id)", "11111");
	ck_assert_int_eq(store_foreach_input(fx.s, 1, visit_fn, &v), 0);
	ck_assert_int_eq(v.n, 5);
	ck_assert_uint_eq(v.len[0], sizeof(xml) - 1);
	ck_assert(memcmp(v.bytes[0], xml, sizeof(xml) - 1) == 0);
	ck_assert_uint_eq(v.len[1], n);
	ck_assert(memcmp(v.bytes[1], big, n) == 0);
	ck_assert_uint_eq(v.len[2], 4);
	ck_assert(memcmp(v.bytes[2], "<a/>", 4) == 0);
	ck_assert_uint_eq(v.len[3], 0);
	ck_assert_uint_eq(v.len[4], 1000);
	ck_assert(memcmp(v.bytes[4], big + 1, 1000) == 0);
	visit_free(&v);
	free(big);
	fx_close(&fx);
}
END_TEST

START_TEST(test_store_sql_metachars_verbatim)
{
	static const char evil[] = "Robert'); DROP TABLE report;-- \"%_\\ "
	    "\xc3\xa9\xe2\x82\xac";
	struct fixture fx;
	struct report r;
	int64_t in;
	char *got;

	fx_open(&fx);
	in = add_input(&fx, "x'; DELETE FROM input;--", xml, sizeof(xml) - 1);
	make_report(&r, evil, "a'b@c.d", "id' OR '1'='1", "example.com");
	ck_assert_int_eq(put_report(&fx, in, &r, 1, "doc"), REPORT_STORED);
	report_release(&r);
	got = q_text(&fx, "SELECT org_name FROM v_reports");
	ck_assert_str_eq(got, evil);
	free(got);
	ck_query_str(&fx, "SELECT report_id FROM v_reports", "id' OR '1'='1");
	ck_query_str(&fx, "SELECT org_email FROM v_reports", "a'b@c.d");
	ck_query_str(&fx, "SELECT source FROM input",
	    "x'; DELETE FROM input;--");
	ck_assert_int_eq(q_int(&fx, "SELECT count(*) FROM input"), 1);
	fx_close(&fx);
}
END_TEST

START_TEST(test_store_input_clear)
{
	struct fixture fx;
	struct input_info info;
	struct report r;
	uint8_t sha[HASH_LEN];
	struct diag d;
	int64_t in;

	fx_open(&fx);
	in = add_input(&fx, "a.xml", xml, sizeof(xml) - 1);
	make_report(&r, "Org", "a@b.c", "rid", "example.com");
	ck_assert_int_eq(put_report(&fx, in, &r, 3, "doc"), REPORT_STORED);
	report_release(&r);
	diag_init(&d);
	diag_warn(&d, DIAG_CP1252);
	ck_assert_int_eq(store_input_finish(fx.s, in, OUTCOME_STORED, NULL, 1,
	    3, &d), 0);
	ck_assert_int_eq(store_input_clear(fx.s, in), 0);
	ck_assert_int_eq(q_int(&fx, "SELECT count(*) FROM report"), 0);
	ck_assert_int_eq(q_int(&fx, "SELECT count(*) FROM record"), 0);
	ck_assert_int_eq(q_int(&fx, "SELECT count(*) FROM record_spf"), 0);
	ck_assert_int_eq(q_int(&fx, "SELECT count(*) FROM warning"), 0);
	ck_assert_int_eq(q_int(&fx, "SELECT count(*) FROM input_chunk"), 1);
	sha_of(xml, sizeof(xml) - 1, sha);
	ck_assert_int_eq(store_input_lookup(fx.s, sha, &info), 1);
	ck_assert_int_eq(info.outcome, OUTCOME_PENDING);
	/* the same report can be stored again after the clear */
	make_report(&r, "Org", "a@b.c", "rid", "example.com");
	ck_assert_int_eq(put_report(&fx, in, &r, 3, "doc"), REPORT_STORED);
	report_release(&r);
	fx_close(&fx);
}
END_TEST

/* every connection opened after this is limited to a few pages: the
   schema takes 57 (version 10), six are left */
static int
tiny_db(sqlite3 *db, char **errmsg, const struct sqlite3_api_routines *api)
{
	(void)errmsg;
	(void)api;
	/* the schema's pages and room for a few small inputs (each new
	   migration's tables take more: 9 and 10 took 6 each) */
	return sqlite3_exec(db, "PRAGMA max_page_count = 63", NULL, NULL,
	    NULL);
}

START_TEST(test_store_disk_full)
{
	const size_t n = 1024 * 1024;
	struct fixture fx;
	struct input_info info;
	struct report r;
	struct record rec;
	uint8_t sha[HASH_LEN], *big;
	int64_t in, small;
	int rc = 0, i;

	sqlite3_auto_extension((void (*)(void))tiny_db);
	fx_open(&fx);
	in = add_input(&fx, "a.xml", xml, sizeof(xml) - 1);
	ck_assert_int_gt(in, 0);

	/* an input too big for the space left */
	big = noise(n, 3);
	ck_assert_int_eq(add_input(&fx, "big.xml", big, n), -1);
	ck_assert_ptr_nonnull(strstr(store_errmsg(fx.s), "full"));
	sha_of(big, n, sha);
	ck_assert_int_eq(store_input_lookup(fx.s, sha, &info), 0);
	free(big);

	/* a report too big: some store call fails, nothing is left */
	make_report(&r, "Org", "a@b.c", "rid", "example.com");
	ck_assert_int_eq(store_report_begin(fx.s, in, NULL, &r), 0);
	for (i = 0; i < 100000 && rc == 0; i++) {
		make_record(&rec, "198.51.100.7", 1, "example.com");
		rc = store_record(fx.s, &rec);
		record_release(&rec);
	}
	ck_assert_int_eq(rc, -1);
	ck_assert_ptr_nonnull(strstr(store_errmsg(fx.s), "full"));
	store_report_abort(fx.s);
	report_release(&r);
	ck_assert_int_eq(q_int(&fx, "SELECT count(*) FROM record"), 0);
	ck_assert_int_eq(q_int(&fx, "SELECT count(*) FROM report"), 0);

	/* still consistent and usable for what fits */
	small = add_input(&fx, "b.xml", "<x/>", 4);
	ck_assert_int_gt(small, in);
	make_report(&r, "Org", "a@b.c", "rid", "example.com");
	ck_assert_int_eq(put_report(&fx, small, &r, 2, "doc"), REPORT_STORED);
	report_release(&r);
	ck_query_str(&fx, "PRAGMA integrity_check", "ok");
	ck_assert_int_eq(q_int(&fx, "SELECT count(*) FROM v_records"), 2);
	fx_close(&fx);
	sqlite3_reset_auto_extension();
}
END_TEST

/* with store_batch, settled units wait, invisible, for store_commit */
START_TEST(test_store_batch_commits_only_at_store_commit)
{
	struct fixture fx;

	fx_open(&fx);
	store_batch(fx.s, 1);
	ck_assert_int_gt(add_input(&fx, "a.xml", xml, sizeof(xml) - 1), 0);
	ck_assert_int_gt(add_input(&fx, "b.xml", "<x/>", 4), 0);
	ck_assert_int_eq(q_int(&fx, "SELECT count(*) FROM input"), 0);
	ck_assert_int_eq(store_commit(fx.s), 0);
	ck_assert_int_eq(q_int(&fx, "SELECT count(*) FROM input"), 2);
	/* nothing waiting: a commit is harmless */
	ck_assert_int_eq(store_commit(fx.s), 0);
	ck_assert_int_eq(store_take_lost(fx.s), 0);
	fx_close(&fx);
}
END_TEST

/* an input taken back in a batch takes back only itself */
START_TEST(test_store_batch_abort_keeps_earlier_inputs)
{
	struct fixture fx;
	struct report r;
	int64_t a, b;

	fx_open(&fx);
	store_batch(fx.s, 1);
	a = add_input(&fx, "a.xml", xml, sizeof(xml) - 1);
	make_report(&r, "Org", "a@b.c", "rid-a", "example.com");
	ck_assert_int_eq(put_report(&fx, a, &r, 2, "doc-a"), REPORT_STORED);
	report_release(&r);
	ck_assert_int_eq(store_input_begin(fx.s), 0);
	b = add_input(&fx, "b.xml", "<x/>", 4);
	ck_assert_int_gt(b, a);
	make_report(&r, "Org", "a@b.c", "rid-b", "example.com");
	ck_assert_int_eq(put_report(&fx, b, &r, 3, "doc-b"), REPORT_STORED);
	report_release(&r);
	store_input_abort(fx.s);
	ck_assert_int_eq(store_commit(fx.s), 0);
	ck_assert_int_eq(store_take_lost(fx.s), 0);
	ck_assert_int_eq(q_int(&fx, "SELECT count(*) FROM input"), 1);
	ck_query_str(&fx, "SELECT group_concat(report_id) FROM v_reports",
	    "rid-a");
	ck_assert_int_eq(q_int(&fx, "SELECT count(*) FROM v_records"), 2);
	fx_close(&fx);
}
END_TEST

/*
 * A full disk in a batch loses the waiting units whole (SQLite rolls the
 * transaction back), says so once, and the store goes on.
 */
START_TEST(test_store_batch_lost_whole_on_disk_full)
{
	const size_t n = 16 * 1024;
	struct fixture fx;
	uint8_t *big;
	int fits = 0;

	sqlite3_auto_extension((void (*)(void))tiny_db);
	fx_open(&fx);
	store_batch(fx.s, 1);
	/* units that fit one by one, until the batch is too big */
	big = noise(n, 5);
	for (int i = 0; i < 8; i++) {
		char name[32];

		big[0] = (uint8_t)i;	/* another input each time */
		snprintf(name, sizeof(name), "n%d.xml", i);
		if (add_input(&fx, name, big, n) == -1)
			break;
		fits++;
	}
	free(big);
	ck_assert_int_gt(fits, 0);
	ck_assert_ptr_nonnull(strstr(store_errmsg(fx.s), "full"));
	/* SQLite has rolled the whole transaction back: said once */
	ck_assert_int_eq(store_take_lost(fx.s), 1);
	ck_assert_int_eq(store_take_lost(fx.s), 0);
	ck_assert_int_eq(store_commit(fx.s), 0);
	ck_assert_int_eq(q_int(&fx, "SELECT count(*) FROM input"), 0);
	/* a new batch */
	ck_assert_int_gt(add_input(&fx, "b.xml", "<x/>", 4), 0);
	ck_assert_int_eq(store_commit(fx.s), 0);
	ck_assert_int_eq(store_take_lost(fx.s), 0);
	ck_query_str(&fx, "SELECT source FROM input", "b.xml");
	ck_query_str(&fx, "PRAGMA integrity_check", "ok");
	fx_close(&fx);
	sqlite3_reset_auto_extension();
}
END_TEST

Suite *
store_suite(void)
{
	Suite *s = suite_create("store");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_store_report_visible_in_views);
	tcase_add_test(tc, test_store_duplicate_not_stored_twice);
	tcase_add_test(tc, test_store_conflict_flagged);
	tcase_add_test(tc, test_store_same_id_two_orgs);
	tcase_add_test(tc, test_store_abort_rolls_back);
	tcase_add_test(tc, test_store_input_ledger);
	tcase_add_test(tc, test_store_bytes_roundtrip_plain_gzip);
	tcase_add_test(tc, test_store_bytes_roundtrip_large);
	tcase_add_test(tc, test_store_plain_inputs_in_a_row_each_kept_whole);
	tcase_add_test(tc, test_store_sql_metachars_verbatim);
	tcase_add_test(tc, test_store_input_clear);
	tcase_add_test(tc, test_store_disk_full);
	tcase_add_test(tc, test_store_batch_commits_only_at_store_commit);
	tcase_add_test(tc, test_store_batch_abort_keeps_earlier_inputs);
	tcase_add_test(tc, test_store_batch_lost_whole_on_disk_full);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	return s;
}

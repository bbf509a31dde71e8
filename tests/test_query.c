/*
 * report/query.c on a database built by dmarc-ingest from our fixture
 * reports (tests/data/report/): per-domain totals, proportional
 * attribution of a report that straddles two days, a zero-length range,
 * failure causes, the --domain filter, rejected inputs, and display
 * rounding by largest remainder.
 *
 * The fixtures (2026-11-16 = D1, 2026-11-17 = D2), all example.com
 * unless said:
 *   a-day1      Receiver One, D1 whole day, 183 messages:
 *               192.0.2.1 100 aligned pass; 192.0.2.2 40 DKIM pass for
 *               esp.example.net (dkim-other); 198.51.100.3 10 no DKIM, SPF
 *               fail (no-dkim); 198.51.100.4 5 DKIM+SPF fail, quarantined
 *               (both-failed); 203.0.113.5 20 mailing_list (override);
 *               203.0.113.6 8 SPF pass for other.example.net (spf-other)
 *   b-straddle  Receiver Two, D1 12:00 .. D2 12:00, 40 messages:
 *               192.0.2.1 30 pass; 198.51.100.3 10 no DKIM, rejected
 *   d-zero      Receiver One, begin = end = D2 02:00: 192.0.2.1 3 pass
 *   c-hostile   example.net, D2, hostile org name: 192.0.2.9 7 pass
 *   z-broken    not XML: one rejected input (first_seen = ingest time)
 *
 * The "lists" case adds two reports by SQL (lists_build below) whose
 * record ids interleave and run against seq, with several DKIM, SPF and
 * reason rows per record: query.c reads those lists alongside the record
 * pass and must hand each row to its own record's source.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <check.h>

#include "db.h"
#include "query.h"
#include "testutil.h"

Suite *query_suite(void);

#define D1	1794787200LL
#define DAY	86400LL

static char *tmp;
static char dbpath[600];

static void
build(void)
{
	tmp = tu_tmpdir();
	snprintf(dbpath, sizeof(dbpath), "%s/t.db", tmp);
	/* exit 1: z-broken is rejected on purpose */
	tu_fixture_db(dbpath, "tests/data/report", 1);
}

static void
unbuild(void)
{
	tu_rmtree(tmp);
	free(tmp);
}

static void
run(int64_t since, int64_t until, const char *const *doms, size_t n,
    struct model *m)
{
	struct window w = { since, until };
	struct query_opts o;
	struct rdb *db;
	char err[512];

	db = rdb_open(dbpath, RDB_READ, err, sizeof(err));
	ck_assert_msg(db != NULL, "%s", err);
	memset(&o, 0, sizeof(o));
	o.domains = doms;
	o.n_domains = n;
	o.sources = 1;
	model_init(m, &w, MODEL_SOURCES);
	ck_assert_msg(query_run(db, &o, m, err, sizeof(err)) == 0, "%s", err);
	rdb_close(db);
}

#define near(a, b)	ck_assert_msg((a) > (b) - 1e-6 && (a) < (b) + 1e-6, \
	"%s = %f, expected %f", #a, (double)(a), (double)(b))

/*
 * The statement API (rdb.h) the query files are written against:
 * numbered parameters, every column type, NULL in and out, a reset that
 * clears bindings, and errors that say why.
 */
START_TEST(test_query_statements_bind_step_and_read_every_type)
{
	struct rdb_stmt *st;
	struct rdb *db;
	char err[512];
	size_t len;
	const char *b;

	db = rdb_open(dbpath, RDB_READ, err, sizeof(err));
	ck_assert_msg(db != NULL, "%s", err);
	ck_assert_int_eq(rdb_prepare(db, "SELECT ?1 + 1, ?2 * 2, ?3 || 'x',"
	    " ?4, CAST(?3 AS BLOB)", &st, err, sizeof(err)), 0);
	ck_assert_int_eq(rdb_bind_int64(st, 1, 41), 0);
	ck_assert_int_eq(rdb_bind_double(st, 2, 1.25), 0);
	ck_assert_int_eq(rdb_bind_text(st, 3, "ab"), 0);
	ck_assert_int_eq(rdb_bind_null(st, 4), 0);
	ck_assert_int_eq(rdb_step(st), 1);
	ck_assert_int_eq(rdb_col_int64(st, 0), 42);
	near(rdb_col_double(st, 1), 2.5);
	ck_assert_str_eq(rdb_col_text(st, 2), "abx");
	ck_assert_int_eq(rdb_col_is_null(st, 3), 1);
	ck_assert_ptr_null(rdb_col_text(st, 3));
	ck_assert_int_eq(rdb_col_is_null(st, 0), 0);
	b = rdb_col_blob(st, 4, &len);
	ck_assert_uint_eq(len, 2);
	ck_assert_int_eq(memcmp(b, "ab", 2), 0);
	ck_assert_int_eq(rdb_step(st), 0);
	rdb_reset(st);
	ck_assert_int_eq(rdb_step(st), 1);	/* bindings cleared: NULLs */
	ck_assert_int_eq(rdb_col_is_null(st, 0), 1);
	b = rdb_col_blob(st, 4, &len);
	ck_assert_ptr_null(b);
	ck_assert_uint_eq(len, 0);
	rdb_finalize(st);
	rdb_finalize(NULL);

	/* errors: bad SQL names the cause; a read-only handle refuses writes */
	ck_assert_int_eq(rdb_prepare(db, "SELEKT 1", &st, err, sizeof(err)),
	    -1);
	ck_assert_ptr_null(st);
	ck_assert_ptr_nonnull(strstr(err, "SELEKT"));
	ck_assert_int_eq(rdb_exec(db, "DELETE FROM input", err,
	    sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "readonly"));
	ck_assert_int_eq(rdb_exec(db, "SELECT 1", err, sizeof(err)), 0);
	ck_assert_ptr_nonnull(rdb_errmsg(db));
	rdb_close(db);
}
END_TEST

/*
 * The database seam (report/rdb.h): outside the SQLite backend's files
 * no file of report/ names sqlite3, so a second backend is new files.
 */
START_TEST(test_query_only_the_backend_names_sqlite)
{
	static const char *const backend[] = { "rdb_sqlite.c",
	    "rdb_stmt_sqlite.c",
	    "rdb_sqlite.h" };
	char path[1024];
	struct dirent *e;
	size_t seen = 0;
	DIR *d = opendir(TEST_SOURCE_DIR "/report");

	ck_assert_ptr_nonnull(d);
	while ((e = readdir(d)) != NULL) {
		size_t n = strlen(e->d_name), len, i;
		int ours = 0;
		uint8_t *text;

		if (n < 3 || (strcmp(e->d_name + n - 2, ".c") != 0 &&
		    strcmp(e->d_name + n - 2, ".h") != 0))
			continue;
		for (i = 0; i < sizeof(backend) / sizeof(backend[0]); i++)
			ours |= strcmp(e->d_name, backend[i]) == 0;
		snprintf(path, sizeof(path), "%s/report/%s", TEST_SOURCE_DIR,
		    e->d_name);
		ck_assert_ptr_nonnull(text = tu_slurp(path, &len));
		for (i = 0; !ours && i + 7 <= len; i++)
			ck_assert_msg(memcmp(text + i, "sqlite3", 7) != 0,
			    "%s names sqlite3 outside the backend", e->d_name);
		free(text);
		seen++;
	}
	closedir(d);
	/* the walk did read the folder */
	ck_assert_uint_gt(seen, 50);
}
END_TEST

START_TEST(test_query_day_totals_attribute_half_of_a_straddling_report)
{
	struct model m;
	struct msum *d;

	run(D1, D1 + DAY, NULL, 0, &m);
	ck_assert_int_eq(m.n_domains, 1);	/* example.net is on D2 */
	d = model_domain(&m, "example.com");
	ck_assert_ptr_nonnull(d);
	/* a-day1 183 whole + b-straddle 40 * 1/2 = 203 */
	near(d->t.messages, 203);
	/* 100 + 30/2 */
	near(d->t.dmarc_pass, 115);
	near(d->t.dkim_aligned, 115);
	near(d->t.spf_aligned, 115);
	/* none: 100+40+10+20+8 + 15 = 193; quarantine 5; reject 10/2 */
	near(d->t.disp[MDISP_NONE], 193);
	near(d->t.disp[MDISP_QUARANTINE], 5);
	near(d->t.disp[MDISP_REJECT], 5);
	near(d->t.fail[MFAIL_OVERRIDE], 20);
	near(d->t.fail[MFAIL_DKIM_OTHER], 40);
	near(d->t.fail[MFAIL_SPF_OTHER], 8);
	/* 10 (a) + 10/2 (b) */
	near(d->t.fail[MFAIL_NO_DKIM], 15);
	near(d->t.fail[MFAIL_BOTH_FAILED], 5);
	ck_assert_int_eq(d->reports, 2);
	ck_assert_int_eq(d->days_covered, 1);
	ck_assert_int_eq(d->reporters.n, 2);
	model_release(&m);
}
END_TEST

START_TEST(test_query_two_days_add_up_and_zero_range_counts_whole)
{
	struct model m;
	struct msum *d;

	run(D1, D1 + 2 * DAY, NULL, 0, &m);
	ck_assert_int_eq(m.n_domains, 2);
	d = model_domain(&m, "example.com");
	/* 183 + 40 + 3 */
	near(d->t.messages, 226);
	near(d->t.dmarc_pass, 133);
	near(d->t.disp[MDISP_REJECT], 10);
	near(d->t.fail[MFAIL_NO_DKIM], 20);
	ck_assert_int_eq(d->reports, 3);
	ck_assert_int_eq(d->days_covered, 2);
	/* per day: D1 183 + 20 = 203; D2 20 + 3 = 23 */
	near(d->day_messages[0], 203);
	near(d->day_messages[1], 23);
	/* D2 alone: b's other half and d-zero */
	model_release(&m);
	run(D1 + DAY, D1 + 2 * DAY, NULL, 0, &m);
	d = model_domain(&m, "example.com");
	near(d->t.messages, 23);
	near(d->t.dmarc_pass, 18);
	model_release(&m);
}
END_TEST

/* every sum of a and b the same, to the bit */
static void
tally_same(const struct mtally *a, const struct mtally *b)
{
	int i;

	ck_assert(a->messages == b->messages);
	ck_assert(a->dmarc_pass == b->dmarc_pass);
	ck_assert(a->dkim_aligned == b->dkim_aligned);
	ck_assert(a->spf_aligned == b->spf_aligned);
	ck_assert(a->both_aligned == b->both_aligned);
	for (i = 0; i < MDISP__COUNT; i++)
		ck_assert(a->disp[i] == b->disp[i]);
	for (i = 0; i < MFAIL__COUNT; i++)
		ck_assert(a->fail[i] == b->fail[i]);
	ck_assert_uint_eq(a->rows, b->rows);
}

/*
 * A sub-window summed in the pass over a longer window (the digest's days
 * and history weeks) gives each domain the tally a query of that window
 * alone gives: the straddling report's share, the zero-length report,
 * a domain with no record in the sub-window at zero.
 */
START_TEST(test_query_sub_window_tallies_equal_their_own_query)
{
	struct window w = { D1, D1 + 2 * DAY };
	struct query_sub subs[3];
	struct query_opts o;
	struct model m, own;
	struct rdb *db;
	char err[512];
	size_t i, k;

	memset(subs, 0, sizeof(subs));
	subs[0].win.since = D1;
	subs[0].win.until = D1 + DAY;
	subs[1].win.since = D1 + DAY;
	subs[1].win.until = D1 + 2 * DAY;
	/* D1 18:00 .. D2 03:00: a quarter of b-straddle, all of d-zero */
	subs[2].win.since = D1 + 18 * 3600;
	subs[2].win.until = D1 + DAY + 3 * 3600;
	db = rdb_open(dbpath, RDB_READ, err, sizeof(err));
	ck_assert_msg(db != NULL, "%s", err);
	memset(&o, 0, sizeof(o));
	o.subs = subs;
	o.n_subs = 3;
	model_init(&m, &w, MODEL_SUMMARY);
	ck_assert_msg(query_run(db, &o, &m, err, sizeof(err)) == 0, "%s", err);
	rdb_close(db);
	ck_assert_uint_eq(m.n_domains, 2);
	for (i = 0; i < 3; i++) {
		run(subs[i].win.since, subs[i].win.until, NULL, 0, &own);
		for (k = 0; k < m.n_domains; k++) {
			const struct msum *d = model_domain(&own,
			    m.domains[k].domain);
			struct mtally zero;

			memset(&zero, 0, sizeof(zero));
			tally_same(&subs[i].t[k], d != NULL ? &d->t : &zero);
		}
		model_release(&own);
	}
	/* not vacuous: D1 has none of example.net, the quarter is there */
	k = model_domain(&m, "example.net") - m.domains;
	ck_assert_uint_eq(subs[0].t[k].rows, 0);
	k = model_domain(&m, "example.com") - m.domains;
	/* a-day1 (ends D1 23:59:59) 6 h less a second of 183, b-straddle
	   9 h of 24 of 40, d-zero 3 */
	near(subs[2].t[k].messages, 183.0 * 21599 / 86399 + 15 + 3);
	for (i = 0; i < 3; i++)
		free(subs[i].t);
	model_release(&m);
}
END_TEST

START_TEST(test_query_sources_keyed_by_domain_and_address)
{
	struct model m;
	struct msource *s = NULL;
	size_t i;

	run(D1, D1 + DAY, NULL, 0, &m);
	/* six addresses sent for example.com on D1 */
	ck_assert_int_eq(m.n_sources, 6);
	query_sort_sources(&m, QUERY_BY_FAILING);
	/* failing: .2 40, 203.0.113.5 20, .3 15, .6 8, .4 5, .1 0 */
	ck_assert_str_eq(m.sources[0].ip, "192.0.2.2");
	ck_assert_str_eq(m.sources[1].ip, "203.0.113.5");
	ck_assert_str_eq(m.sources[2].ip, "198.51.100.3");
	ck_assert_str_eq(m.sources[3].ip, "203.0.113.6");
	ck_assert_str_eq(m.sources[4].ip, "198.51.100.4");
	ck_assert_str_eq(m.sources[5].ip, "192.0.2.1");
	for (i = 0; i < m.n_sources; i++)
		if (strcmp(m.sources[i].ip, "198.51.100.3") == 0)
			s = &m.sources[i];
	ck_assert_ptr_nonnull(s);
	/* 10 from Receiver One, 5 (half) from Receiver Two */
	ck_assert_int_eq(s->reporters.n, 2);
	near(s->t.messages, 15);
	near(s->t.disp[MDISP_REJECT], 5);
	ck_assert_str_eq(s->envelope_from.v[0].name, "spoof.example.org");
	ck_assert_int_eq(s->dkim.n, 0);
	ck_assert_str_eq(s->spf.v[0].result, "fail");
	model_release(&m);
}
END_TEST

START_TEST(test_query_domain_filter_and_empty_window)
{
	struct model m;
	const char *only[] = { "example.net" };

	run(D1, D1 + 2 * DAY, only, 1, &m);
	ck_assert_int_eq(m.n_domains, 1);
	ck_assert_str_eq(m.domains[0].domain, "example.net");
	near(m.domains[0].t.messages, 7);
	ck_assert_int_eq(m.n_sources, 1);
	model_release(&m);
	run(D1 - 10 * DAY, D1 - 9 * DAY, NULL, 0, &m);
	ck_assert_int_eq(m.n_domains, 0);
	ck_assert_int_eq(m.n_sources, 0);
	model_release(&m);
}
END_TEST

START_TEST(test_query_rejected_inputs_counted_by_first_seen)
{
	struct model m;
	int64_t today = (int64_t)time(NULL) / DAY * DAY;

	run(today - DAY, today + DAY, NULL, 0, &m);
	ck_assert_int_eq(m.rejected_inputs, 1);
	ck_assert_int_eq(m.n_rejects, 1);
	ck_assert_ptr_nonnull(strstr(m.rejects[0].source, "z-broken.xml"));
	model_release(&m);
}
END_TEST

START_TEST(test_query_round_parts_keeps_the_total)
{
	double v[3] = { 1.5, 1.5, 1.0 };
	double w[2] = { 0.4, 0.4 };
	int64_t r[3];

	/* total 4: floors 1,1,1 and one unit to the first .5 */
	model_round_parts(v, 3, r);
	ck_assert_int_eq(r[0] + r[1] + r[2], 4);
	ck_assert_int_eq(r[0], 2);
	ck_assert_int_eq(r[1], 1);
	/* 0.8 rounds to 1: one part gets it */
	model_round_parts(w, 2, r);
	ck_assert_int_eq(r[0] + r[1], 1);
	ck_assert(model_pct(1, 0) == 0);
}
END_TEST

/*
 * lists.db, on D1 + 5 days, domain t.example, both reports whole-day:
 *   report 1001 (R1): seq 0 = id 2013, 192.0.2.50, 10, pass (DKIM
 *     aligned): DKIM t.example/s1 pass, esp.example.net/s2 fail; SPF
 *     t.example mfrom pass
 *   report 1001: seq 1 = id 2011, .50, 4, fail, quarantine: no DKIM;
 *     SPF t.example helo fail, bounce.t.example mfrom softfail; reasons
 *     forwarded, local_policy "acl" (override)
 *   report 1002 (R2): seq 0 = id 2010, 192.0.2.51, 7, fail: DKIM
 *     esp.example.net/s2 pass (dkim-other); SPF esp.example.net pass
 *   report 1002: seq 1 = id 2012, .50, 2, fail, reject: DKIM t.example/s1
 *     fail twice; no SPF; reason sampled_out (both-failed)
 */
static const char lists_sql[] =
    "INSERT INTO report (id, input_id, format, org_name, email, report_id,"
    " begin_utc, end_utc, policy_domain, n_records, messages, org_key,"
    " email_key, stored_at) SELECT 1000 + n, (SELECT min(id) FROM input),"
    " 'rfc7489', 'R' || n, 'r@r' || n, 'lists-' || n, 1795219200,"
    " 1795305599, 't.example', 2, 0, 'r' || n, 'r@r' || n, 0"
    " FROM (SELECT 1 AS n UNION ALL SELECT 2);"
    "INSERT INTO record (id, report_id, seq, source_ip, ip_family, count,"
    " disposition, dkim_aligned, spf_aligned, dmarc_pass) VALUES"
    " (2010, 1002, 0, '192.0.2.51', 4, 7, 'none', 0, 0, 0),"
    " (2011, 1001, 1, '192.0.2.50', 4, 4, 'quarantine', 0, 0, 0),"
    " (2012, 1002, 1, '192.0.2.50', 4, 2, 'reject', 0, 0, 0),"
    " (2013, 1001, 0, '192.0.2.50', 4, 10, 'none', 1, 0, 1);"
    "INSERT INTO record_dkim (record_id, seq, domain, selector, result)"
    " VALUES (2013, 0, 't.example', 's1', 'pass'),"
    " (2013, 1, 'esp.example.net', 's2', 'fail'),"
    " (2010, 0, 'esp.example.net', 's2', 'pass'),"
    " (2012, 0, 't.example', 's1', 'fail'),"
    " (2012, 1, 't.example', 's1', 'fail');"
    "INSERT INTO record_spf (record_id, seq, domain, scope, result) VALUES"
    " (2013, 0, 't.example', 'mfrom', 'pass'),"
    " (2011, 0, 't.example', 'helo', 'fail'),"
    " (2011, 1, 'bounce.t.example', 'mfrom', 'softfail'),"
    " (2010, 0, 'esp.example.net', 'mfrom', 'pass');"
    "INSERT INTO record_reason (record_id, seq, type, comment) VALUES"
    " (2011, 0, 'forwarded', NULL), (2011, 1, 'local_policy', 'acl'),"
    " (2012, 0, 'sampled_out', NULL);";

#define LISTS_DAY	(D1 + 5 * DAY)

static void
lists_build(void)
{
	char cmd[2048];
	sqlite3 *db;

	tmp = tu_tmpdir();
	snprintf(dbpath, sizeof(dbpath), "%s/lists.db", tmp);
	snprintf(cmd, sizeof(cmd), "'%s' --db '%s' '%s/report/d-zero.xml' "
	    ">/dev/null 2>&1", TEST_INGEST_BIN, dbpath, TEST_DATA);
	ck_assert_int_eq(tu_run(cmd, NULL), 0);
	ck_assert_int_eq(sqlite3_open(dbpath, &db), SQLITE_OK);
	ck_assert_msg(sqlite3_exec(db, lists_sql, NULL, NULL, NULL) ==
	    SQLITE_OK, "%s", sqlite3_errmsg(db));
	sqlite3_close(db);
}

static int
str_same(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

/* the entry of vs with these fields (NULL matches NULL only) */
static const struct mvalue *
value_of(const struct mvalues *vs, const char *name, const char *detail,
    const char *result)
{
	size_t i;

	for (i = 0; i < vs->n; i++)
		if (!vs->v[i].other &&
		    str_same(vs->v[i].name, name) &&
		    str_same(vs->v[i].detail, detail) &&
		    str_same(vs->v[i].result, result))
			return &vs->v[i];
	return NULL;
}

static const struct msource *
source_of(const struct model *m, const char *ip)
{
	size_t i;

	for (i = 0; i < m->n_sources; i++)
		if (m->sources[i].ip != NULL &&
		    strcmp(m->sources[i].ip, ip) == 0)
			return &m->sources[i];
	return NULL;
}

/* messages of one list entry; -1 if absent */
static double
value_messages(const struct mvalues *vs, const char *name,
    const char *detail, const char *result, unsigned long rows)
{
	const struct mvalue *v = value_of(vs, name, detail, result);

	if (v == NULL)
		return -1;
	ck_assert_uint_eq(v->rows, rows);
	return v->messages;
}

START_TEST(test_query_lists_follow_their_records)
{
	struct model m;
	const struct msource *s;
	struct msum *d;

	run(LISTS_DAY, LISTS_DAY + DAY, NULL, 0, &m);
	ck_assert_int_eq(m.n_sources, 2);
	s = source_of(&m, "192.0.2.50");
	ck_assert_ptr_nonnull(s);
	near(s->t.messages, 16);
	ck_assert_uint_eq(s->dkim.n, 3);
	near(value_messages(&s->dkim, "t.example", "s1", "pass", 1), 10);
	near(value_messages(&s->dkim, "esp.example.net", "s2", "fail", 1),
	    10);
	near(value_messages(&s->dkim, "t.example", "s1", "fail", 2), 4);
	ck_assert_uint_eq(s->spf.n, 3);
	near(value_messages(&s->spf, "t.example", "mfrom", "pass", 1), 10);
	near(value_messages(&s->spf, "t.example", "helo", "fail", 1), 4);
	near(value_messages(&s->spf, "bounce.t.example", "mfrom",
	    "softfail", 1), 4);
	ck_assert_uint_eq(s->reasons.n, 3);
	near(value_messages(&s->reasons, "forwarded", NULL, NULL, 1), 4);
	near(value_messages(&s->reasons, "local_policy", "acl", NULL, 1), 4);
	near(value_messages(&s->reasons, "sampled_out", NULL, NULL, 1), 2);
	near(value_messages(&s->reporters, "R1", NULL, NULL, 2), 14);
	near(value_messages(&s->reporters, "R2", NULL, NULL, 1), 2);
	near(s->t.fail[MFAIL_OVERRIDE], 4);
	near(s->t.fail[MFAIL_BOTH_FAILED], 2);
	s = source_of(&m, "192.0.2.51");
	ck_assert_ptr_nonnull(s);
	ck_assert_uint_eq(s->dkim.n, 1);
	near(value_messages(&s->dkim, "esp.example.net", "s2", "pass", 1), 7);
	ck_assert_uint_eq(s->spf.n, 1);
	ck_assert_uint_eq(s->reasons.n, 0);
	near(s->t.fail[MFAIL_DKIM_OTHER], 7);
	d = model_domain(&m, "t.example");
	ck_assert_ptr_nonnull(d);
	near(d->t.messages, 23);
	near(d->t.dmarc_pass, 10);
	near(d->t.fail[MFAIL_OVERRIDE], 4);
	near(d->t.fail[MFAIL_DKIM_OTHER], 7);
	near(d->t.fail[MFAIL_BOTH_FAILED], 2);
	near(d->t.disp[MDISP_QUARANTINE], 4);
	near(d->t.disp[MDISP_REJECT], 2);
	ck_assert_uint_eq(d->t.rows, 4);
	near(value_messages(&d->reasons, "forwarded", NULL, NULL, 1), 4);
	near(value_messages(&d->reasons, "sampled_out", NULL, NULL, 1), 2);
	model_release(&m);
}
END_TEST

START_TEST(test_query_failing_only_keeps_lists_of_failing_records)
{
	struct model m;
	struct window w = { LISTS_DAY, LISTS_DAY + DAY };
	struct query_opts o;
	const struct msource *s;
	struct rdb *db;
	char err[512];

	db = rdb_open(dbpath, RDB_READ, err, sizeof(err));
	ck_assert_msg(db != NULL, "%s", err);
	memset(&o, 0, sizeof(o));
	o.sources = 1;
	o.failing_only = 1;
	model_init(&m, &w, MODEL_FAILURES);
	ck_assert_msg(query_run(db, &o, &m, err, sizeof(err)) == 0, "%s",
	    err);
	rdb_close(db);
	s = source_of(&m, "192.0.2.50");
	ck_assert_ptr_nonnull(s);
	/* 2011 (4) and 2012 (2); the passing 2013 is left out */
	near(s->t.messages, 6);
	ck_assert_uint_eq(s->dkim.n, 1);
	near(value_messages(&s->dkim, "t.example", "s1", "fail", 2), 4);
	ck_assert_uint_eq(s->spf.n, 2);
	ck_assert(value_of(&s->spf, "t.example", "mfrom", "pass") == NULL);
	near(value_messages(&s->reporters, "R1", NULL, NULL, 1), 4);
	/* domain totals still count every record */
	near(m.domains[0].t.messages, 23);
	model_release(&m);
}
END_TEST

Suite *
query_suite(void)
{
	Suite *s = suite_create("query");
	TCase *tc = tcase_create("query");

	tcase_add_unchecked_fixture(tc, build, unbuild);
	tcase_add_test(tc,
	    test_query_day_totals_attribute_half_of_a_straddling_report);
	tcase_add_test(tc,
	    test_query_two_days_add_up_and_zero_range_counts_whole);
	tcase_add_test(tc, test_query_sources_keyed_by_domain_and_address);
	tcase_add_test(tc, test_query_only_the_backend_names_sqlite);
	tcase_add_test(tc,
	    test_query_statements_bind_step_and_read_every_type);
	tcase_add_test(tc, test_query_domain_filter_and_empty_window);
	tcase_add_test(tc, test_query_rejected_inputs_counted_by_first_seen);
	tcase_add_test(tc, test_query_round_parts_keeps_the_total);
	tcase_add_test(tc,
	    test_query_sub_window_tallies_equal_their_own_query);
	suite_add_tcase(s, tc);
	tc = tcase_create("lists");
	tcase_add_unchecked_fixture(tc, lists_build, unbuild);
	tcase_add_test(tc, test_query_lists_follow_their_records);
	tcase_add_test(tc,
	    test_query_failing_only_keeps_lists_of_failing_records);
	suite_add_tcase(s, tc);
	return s;
}

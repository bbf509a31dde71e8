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
 */
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
	char cmd[2048];

	tmp = tu_tmpdir();
	snprintf(dbpath, sizeof(dbpath), "%s/t.db", tmp);
	snprintf(cmd, sizeof(cmd), "'%s' --db '%s' '%s/report' >/dev/null "
	    "2>&1", TEST_INGEST_BIN, dbpath, TEST_DATA);
	/* exit 1: z-broken is rejected on purpose */
	ck_assert_int_eq(tu_run(cmd, NULL), 1);
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
	sqlite3 *db;
	char err[512];

	db = db_open(dbpath, DB_READONLY, err, sizeof(err));
	ck_assert_msg(db != NULL, "%s", err);
	memset(&o, 0, sizeof(o));
	o.domains = doms;
	o.n_domains = n;
	o.sources = 1;
	model_init(m, &w, MODEL_SOURCES);
	ck_assert_msg(query_run(db, &o, m, err, sizeof(err)) == 0, "%s", err);
	sqlite3_close(db);
}

#define near(a, b)	ck_assert_msg((a) > (b) - 1e-6 && (a) < (b) + 1e-6, \
	"%s = %f, expected %f", #a, (double)(a), (double)(b))

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
	tcase_add_test(tc, test_query_domain_filter_and_empty_window);
	tcase_add_test(tc, test_query_rejected_inputs_counted_by_first_seen);
	tcase_add_test(tc, test_query_round_parts_keeps_the_total);
	suite_add_tcase(s, tc);
	return s;
}

/*
 * report/failures.c: only failing messages, grouped by source, each
 * counted under its cause, on the fixture database (test_query.c).
 */
#include "reportfix.h"
#include "sources.h"

Suite *failures_suite(void);

static struct msource *
find(struct model *m, const char *ip)
{
	size_t i;

	for (i = 0; i < m->n_sources; i++)
		if (strcmp(m->sources[i].ip, ip) == 0)
			return &m->sources[i];
	ck_abort_msg("source %s not listed", ip);
	abort();
}

START_TEST(test_failures_each_source_under_its_cause)
{
	struct window w = { RF_D1, RF_D1 + 2 * RF_DAY };
	struct query_opts qo;
	struct model m;
	struct msource *s;
	struct rdb *db = rf_open();
	char err[512];

	memset(&qo, 0, sizeof(qo));
	model_init(&m, &w, MODEL_FAILURES);
	ck_assert(failures_build(db, NULL, &qo, QUERY_BY_FAILING, 0, &m,
	    err, sizeof(err)) == 0);
	/* 192.0.2.1 and 192.0.2.9 never fail: not listed */
	ck_assert_int_eq(m.n_sources, 5);
	for (size_t i = 0; i < m.n_sources; i++)
		ck_assert_str_ne(m.sources[i].ip, "192.0.2.1");
	ck_assert_str_eq(m.sources[0].ip, "192.0.2.2");
	rf_near(m.sources[0].t.fail[MFAIL_DKIM_OTHER], 40);
	s = find(&m, "198.51.100.3");
	/* 10 (a-day1) + 10 (b-straddle, both days in the window) */
	rf_near(s->t.messages, 20);
	rf_near(s->t.fail[MFAIL_NO_DKIM], 20);
	rf_near(s->t.disp[MDISP_REJECT], 10);
	rf_near(find(&m, "198.51.100.4")->t.fail[MFAIL_BOTH_FAILED], 5);
	rf_near(find(&m, "203.0.113.5")->t.fail[MFAIL_OVERRIDE], 20);
	rf_near(find(&m, "203.0.113.6")->t.fail[MFAIL_SPF_OTHER], 8);
	/* failing-only tallies: no passing message counted */
	rf_near(s->t.dmarc_pass, 0);
	ck_assert_str_eq(mfail_code(MFAIL_DKIM_OTHER), "dkim-other-domain");
	model_release(&m);
	rdb_close(db);
}
END_TEST

Suite *
failures_suite(void)
{
	Suite *s = suite_create("failures");
	TCase *tc = tcase_create("failures");

	tcase_add_unchecked_fixture(tc, rf_build, rf_unbuild);
	tcase_add_test(tc, test_failures_each_source_under_its_cause);
	suite_add_tcase(s, tc);
	return s;
}

/*
 * report/sources.c: the sources mode over the fixture database (see
 * test_query.c): ordering by failing volume, by messages and by address,
 * --limit, value lists per source, and no DNS when none is asked for.
 */
#include "reportfix.h"
#include "sources.h"

Suite *sources_suite(void);

static void
build_sources(enum query_order o, size_t limit, struct model *m)
{
	struct window w = { RF_D1, RF_D1 + RF_DAY };
	struct query_opts qo;
	sqlite3 *db = rf_open();
	char err[512];

	memset(&qo, 0, sizeof(qo));
	model_init(m, &w, MODEL_SOURCES);
	ck_assert_msg(sources_build(db, NULL, &qo, o, limit, m, err,
	    sizeof(err)) == 0, "%s", err);
	sqlite3_close(db);
}

START_TEST(test_sources_sorted_by_messages_and_limited)
{
	struct model m;

	/* D1 messages: .1 115 (100 + 30/2), .2 40, 203.0.113.5 20,
	   .3 15, .6 8, .4 5 */
	build_sources(QUERY_BY_MESSAGES, 3, &m);
	ck_assert_int_eq(m.n_sources, 3);
	ck_assert_int_eq(m.sources_dropped, 3);
	ck_assert_str_eq(m.sources[0].ip, "192.0.2.1");
	rf_near(m.sources[0].t.messages, 115);
	rf_near(m.sources[0].t.dkim_aligned, 115);
	ck_assert_str_eq(m.sources[1].ip, "192.0.2.2");
	ck_assert_str_eq(m.sources[2].ip, "203.0.113.5");
	/* no resolver: nothing was asked */
	ck_assert_ptr_null(m.sources[0].ptr_status);
	ck_assert_str_eq(msource_ptr_label(&m.sources[0]),
	    "(not looked up)");
	model_release(&m);
}
END_TEST

START_TEST(test_sources_lists_carry_dkim_spf_and_reasons)
{
	struct model m;
	struct msource *s;

	build_sources(QUERY_BY_IP, 0, &m);
	ck_assert_int_eq(m.n_sources, 6);
	/* by address text: 192.0.2.1, 192.0.2.2, 198.51.100.3, .4,
	   203.0.113.5, .6 */
	s = &m.sources[4];
	ck_assert_str_eq(s->ip, "203.0.113.5");
	ck_assert_int_eq(s->dkim.n, 1);
	ck_assert_str_eq(s->dkim.v[0].name, "list.example.net");
	ck_assert_str_eq(s->dkim.v[0].detail, "l1");
	ck_assert_str_eq(s->dkim.v[0].result, "pass");
	ck_assert_str_eq(s->reasons.v[0].name, "mailing_list");
	ck_assert_str_eq(s->reasons.v[0].detail, "list.example.net");
	ck_assert_str_eq(s->spf.v[0].detail, "mfrom");
	s = &m.sources[3];
	ck_assert_str_eq(s->ip, "198.51.100.4");
	rf_near(s->t.disp[MDISP_QUARANTINE], 5);
	ck_assert_str_eq(s->spf.v[0].result, "softfail");
	model_release(&m);
}
END_TEST

START_TEST(test_sources_value_list_overflow_goes_to_other)
{
	struct mvalues vs;
	char name[16];
	int i;

	model_values_init(&vs, 3);
	for (i = 0; i < 5; i++) {
		snprintf(name, sizeof(name), "d%d", i);
		model_values_add(&vs, name, NULL, NULL, 1.0 + i, 1);
	}
	model_values_add(&vs, "d0", NULL, NULL, 10, 1);
	model_values_sort(&vs);
	/* three kept + (other) holding d3 and d4: 4 + 5 */
	ck_assert_int_eq(vs.n, 4);
	ck_assert_str_eq(vs.v[0].name, "d0");
	rf_near(vs.v[0].messages, 11);
	ck_assert_int_eq(vs.v[3].other, 1);
	rf_near(vs.v[3].messages, 9);
	model_values_release(&vs);
}
END_TEST

Suite *
sources_suite(void)
{
	Suite *s = suite_create("sources");
	TCase *tc = tcase_create("sources");

	tcase_add_unchecked_fixture(tc, rf_build, rf_unbuild);
	tcase_add_test(tc, test_sources_sorted_by_messages_and_limited);
	tcase_add_test(tc, test_sources_lists_carry_dkim_spf_and_reasons);
	tcase_add_test(tc, test_sources_value_list_overflow_goes_to_other);
	suite_add_tcase(s, tc);
	return s;
}

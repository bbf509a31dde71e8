/*
 * report/summary.c: the policy receivers saw beside the live one, with
 * mismatches written out, and summary_build without DNS on the fixture
 * database (test_query.c).
 */
#include "reportfix.h"
#include "summary.h"
#include "xalloc.h"

Suite *summary_suite(void);

START_TEST(test_summary_mismatch_between_seen_and_live_policy)
{
	struct msum d;
	struct mpolicy p;

	memset(&d, 0, sizeof(d));
	memset(&p, 0, sizeof(p));
	p.p = xstrdup("none");
	p.pct = -1;
	p.reports = 3;
	d.policies = &p;
	d.n_policies = 1;
	d.live_p = xstrdup("quarantine");
	d.live_pct = -1;
	summary_mismatches(&d);
	/* p differs, and sp (absent on both sides: as p); absent
	   adkim/aspf = r, t = n, pct = 100 agree */
	ck_assert_int_eq(d.n_mismatch, 2);
	ck_assert_str_eq(d.mismatch[0], "receivers saw p=none in 3 "
	    "reports; the live record says p=quarantine");
	ck_assert_str_eq(d.mismatch[1], "receivers saw sp=none in 3 "
	    "reports; the live record says sp=quarantine");
	free(d.live_p);
	d.live_p = xstrdup("none");
	d.live_adkim = xstrdup("s");
	summary_mismatches(&d);
	ck_assert_int_eq(d.n_mismatch, 1);
	ck_assert_ptr_nonnull(strstr(d.mismatch[0], "adkim=r"));
	free(d.mismatch[0]);
	free(d.mismatch);
	free(d.live_p);
	free(d.live_adkim);
	free(p.p);
}
END_TEST

START_TEST(test_summary_without_dns_has_no_live_policy)
{
	struct window w = { RF_D1, RF_D1 + 2 * RF_DAY };
	struct query_opts qo;
	struct model m;
	struct msum *d;
	struct rdb *db = rf_open();
	char err[512];

	memset(&qo, 0, sizeof(qo));
	model_init(&m, &w, MODEL_SUMMARY);
	ck_assert(summary_build(db, NULL, &qo, &m, err, sizeof(err)) == 0);
	d = model_domain(&m, "example.net");
	ck_assert_ptr_nonnull(d);
	ck_assert_ptr_null(d->live_status);
	ck_assert_int_eq(d->n_policies, 1);
	ck_assert_str_eq(d->policies[0].p, "reject");
	rf_near(d->t.messages, 7);
	/* example.com: the three reports all said p=none sp=none */
	d = model_domain(&m, "example.com");
	ck_assert_int_eq(d->n_policies, 1);
	ck_assert_int_eq(d->policies[0].reports, 3);
	rf_near(d->policies[0].messages, 226);
	model_release(&m);
	rdb_close(db);
}
END_TEST

Suite *
summary_suite(void)
{
	Suite *s = suite_create("summary");
	TCase *tc = tcase_create("summary");

	tcase_add_unchecked_fixture(tc, rf_build, rf_unbuild);
	tcase_add_test(tc, test_summary_mismatch_between_seen_and_live_policy);
	tcase_add_test(tc, test_summary_without_dns_has_no_live_policy);
	suite_add_tcase(s, tc);
	return s;
}

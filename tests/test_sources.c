/*
 * report/sources.c: the sources mode over the fixture database (see
 * test_query.c): ordering by failing volume, by messages and by address,
 * --limit, value lists per source, and no DNS when none is asked for.
 * The sending service of each source (sources_classify) over
 * tests/data/services/ (2024-03-02, shop.example): 198.51.100.7 signs
 * DKIM d=sendgrid.net and passes SPF for bounces.sendgrid.net (SendGrid),
 * 203.0.113.8 passes nothing, 192.0.2.10 is shop.example's own: both
 * unknown; a --services file is read before the built-in table.
 */
#include "classify.h"
#include "reportfix.h"
#include "sources.h"

Suite *sources_suite(void);

static void
build_sources(enum query_order o, size_t limit, struct model *m)
{
	struct window w = { RF_D1, RF_D1 + RF_DAY };
	struct query_opts qo;
	struct rdb *db = rf_open();
	char err[512];

	memset(&qo, 0, sizeof(qo));
	model_init(m, &w, MODEL_SOURCES);
	ck_assert_msg(sources_build(db, NULL, &qo, o, limit, m, err,
	    sizeof(err)) == 0, "%s", err);
	rdb_close(db);
}

/* tests/data/services/ ingested into a fresh directory */
static char *svc_tmp;
static char svc_db[600];

static void
svc_build(void)
{
	svc_tmp = tu_tmpdir();
	snprintf(svc_db, sizeof(svc_db), "%s/s.db", svc_tmp);
	tu_fixture_db(svc_db, "tests/data/services", 0);
}

static void
svc_unbuild(void)
{
	tu_rmtree(svc_tmp);
	free(svc_tmp);
}

/* the services sources by address, classified with c (may be NULL) */
static void
svc_sources(const struct classify *c, struct model *m)
{
	struct window w = { 1709337600LL, 1709337600LL + RF_DAY };
	struct query_opts qo;
	char err[512];
	struct rdb *db = rdb_open(svc_db, RDB_READ, err, sizeof(err));

	ck_assert_msg(db != NULL, "%s", err);
	memset(&qo, 0, sizeof(qo));
	model_init(m, &w, MODEL_SOURCES);
	ck_assert_msg(sources_build(db, NULL, &qo, QUERY_BY_IP, 0, m, err,
	    sizeof(err)) == 0, "%s", err);
	rdb_close(db);
	sources_classify(m, c);
	/* by address: 192.0.2.10, 198.51.100.7, 203.0.113.8 */
	ck_assert_int_eq(m->n_sources, 3);
	ck_assert_str_eq(m->sources[1].ip, "198.51.100.7");
	ck_assert_str_eq(m->sources[2].ip, "203.0.113.8");
}

/* dmarc-report MODE over the services db; its stdout, caller frees */
static char *
svc_cli(const char *mode, const char *args)
{
	char cmd[2048], *out = NULL;

	snprintf(cmd, sizeof(cmd), "'%s' %s --db '%s' --no-dns "
	    "--since 2024-03-02 --until 2024-03-02 --sort ip %s 2>&1",
	    TEST_REPORT_BIN, mode, svc_db, args);
	ck_assert_int_eq(tu_run(cmd, &out), 0);
	ck_assert_ptr_nonnull(out);
	return out;
}

START_TEST(test_sources_classify_names_sendgrid_only)
{
	struct classify cl;
	struct model m;
	char err[512];

	classify_init(&cl);
	ck_assert_int_eq(classify_builtin(&cl, err, sizeof(err)), 0);
	svc_sources(&cl, &m);
	ck_assert_str_eq(m.sources[1].service, "SendGrid");
	ck_assert_ptr_null(m.sources[0].service);
	ck_assert_ptr_null(m.sources[2].service);
	model_release(&m);
	/* no table: nothing is named */
	svc_sources(NULL, &m);
	ck_assert_ptr_null(m.sources[1].service);
	model_release(&m);
	classify_release(&cl);
}
END_TEST

START_TEST(test_sources_cli_shows_service_in_each_format)
{
	char *out;

	out = svc_cli("sources", "");
	ck_assert_ptr_nonnull(strstr(out, "198.51.100.7  (not looked up)  "
	    "for shop.example\n  service          SendGrid\n"));
	ck_assert_ptr_nonnull(strstr(out, "203.0.113.8  (not looked up)  "
	    "for shop.example\n  service          unknown\n"));
	free(out);
	out = svc_cli("sources", "--format json");
	ck_assert_ptr_nonnull(strstr(out, "\"ip\":\"198.51.100.7\","
	    "\"ptr\":null,\"ptr_status\":\"not-looked-up\","
	    "\"service\":\"SendGrid\","));
	ck_assert_ptr_nonnull(strstr(out, "\"ip\":\"203.0.113.8\","
	    "\"ptr\":null,\"ptr_status\":\"not-looked-up\","
	    "\"service\":null,"));
	free(out);
	out = svc_cli("sources", "--format csv");
	ck_assert_ptr_nonnull(strstr(out, ",reporters,service\r\n"));
	ck_assert_ptr_nonnull(strstr(out, "Alpha Mail (40),SendGrid\r\n"
	    "shop.example,203.0.113.8,"));
	ck_assert_ptr_nonnull(strstr(out, "Alpha Mail (25),\r\n"));
	free(out);
}
END_TEST

START_TEST(test_sources_services_file_read_first)
{
	char path[700], args[800], cmd[2048], *out;
	static const char user[] = "# ours\n"
	    "dkim sendgrid.net  Newsletter ESP\n"
	    "ptr  .nothing.example  Never Matched\n";

	snprintf(path, sizeof(path), "%s/services.txt", svc_tmp);
	ck_assert_int_eq(tu_write(path, user, sizeof(user) - 1), 0);
	snprintf(args, sizeof(args), "--services '%s'", path);
	out = svc_cli("sources", args);
	ck_assert_ptr_nonnull(strstr(out, "\n  service          "
	    "Newsletter ESP\n"));
	ck_assert_ptr_null(strstr(out, "SendGrid"));
	free(out);
	/* the failures mode (same renderers) names it too */
	snprintf(args, sizeof(args), "--services '%s' --format csv", path);
	out = svc_cli("failures", args);
	ck_assert_ptr_nonnull(strstr(out, ",Newsletter ESP\r\n"));
	free(out);
	/* a bad file is an error naming file and line, exit 2 */
	ck_assert_int_eq(tu_write(path, "dkim\n", 5), 0);
	snprintf(cmd, sizeof(cmd), "'%s' sources --db '%s' --no-dns "
	    "--services '%s' 2>&1", TEST_REPORT_BIN, svc_db, path);
	ck_assert_int_eq(tu_run(cmd, &out), 2);
	ck_assert_ptr_nonnull(strstr(out, "services.txt:1: error:"));
	free(out);
}
END_TEST

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

/*
 * tests/data/visible/: an org name with U+202E, U+2028, U+2029, U+200B
 * and the C1 control U+0085: CSV shows each as the text format does.
 */
START_TEST(test_sources_csv_escapes_controls_like_text)
{
	static const char shown[] = "Evil\\xe2\\x80\\xaeliaM \\xe2\\x80\\xa8"
	    "Fake\\xe2\\x80\\xa9Line\\xe2\\x80\\x8bZW\\xc2\\x85NEL (4)";
	char *dir = tu_tmpdir(), cmd[4096], *text = NULL, *csv = NULL;

	snprintf(cmd, sizeof(cmd), "'%s' --db '%s/v.db' '%s/visible' "
	    ">/dev/null 2>&1", TEST_INGEST_BIN, dir, TEST_DATA);
	ck_assert_int_eq(tu_run(cmd, NULL), 0);
	snprintf(cmd, sizeof(cmd), "'%s' sources --db '%s/v.db' --no-dns "
	    "--since 2026-11-16 --until 2026-11-16", TEST_REPORT_BIN, dir);
	ck_assert_int_eq(tu_run(cmd, &text), 0);
	snprintf(cmd + strlen(cmd), sizeof(cmd) - strlen(cmd), " --format csv");
	ck_assert_int_eq(tu_run(cmd, &csv), 0);
	ck_assert_msg(strstr(text, shown) != NULL, "%s", text);
	ck_assert_msg(strstr(csv, shown) != NULL, "%s", csv);
	/* none of those code points' lead bytes is left raw */
	ck_assert_ptr_null(strstr(csv, "\xe2\x80"));
	ck_assert_ptr_null(strstr(csv, "\xc2\x85"));
	free(text);
	free(csv);
	tu_rmtree(dir);
	free(dir);
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
	tc = tcase_create("services");
	tcase_add_unchecked_fixture(tc, svc_build, svc_unbuild);
	tcase_add_test(tc, test_sources_classify_names_sendgrid_only);
	tcase_add_test(tc, test_sources_cli_shows_service_in_each_format);
	tcase_add_test(tc, test_sources_services_file_read_first);
	tcase_add_test(tc, test_sources_csv_escapes_controls_like_text);
	suite_add_tcase(s, tc);
	return s;
}

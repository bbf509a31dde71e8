/*
 * dmarc-report as a user runs it, on the fixture database (test_query.c):
 * exit statuses, the default window from --now / DMARC_REPORT_NOW, the
 * empty-window line, -o written atomically, the JSON structure of
 * dmarc-report(1) checked by parsing with SQLite's JSON functions, and
 * the policy and readiness modes dispatched.
 */
#include <dirent.h>

#include "reportfix.h"

Suite *reportcli_suite(void);

/* 2026-11-18 10:00 UTC: the default window is 11-11 .. 11-17 */
#define NOW	"1794996000"

static int
report(const char *args, char **out)
{
	char cmd[4096];

	snprintf(cmd, sizeof(cmd), "NO_COLOR= DMARC_REPORT_NOW=" NOW
	    " '%s' --db '%s' --no-dns %s 2>'%s/err'", TEST_REPORT_BIN,
	    rf_db, args, rf_tmp);
	return tu_run(cmd, out);
}

static char *
err_text(void)
{
	char path[700];
	size_t n;

	snprintf(path, sizeof(path), "%s/err", rf_tmp);
	return (char *)tu_slurp(path, &n);
}

START_TEST(test_reportcli_default_window_is_last_seven_days)
{
	char *out = NULL;

	ck_assert_int_eq(report("", &out), 0);
	ck_assert_ptr_nonnull(strstr(out,
	    "summary: 2026-11-11 .. 2026-11-17 (7 days, UTC)"));
	/* 226 example.com messages, 7 example.net */
	ck_assert_ptr_nonnull(strstr(out, "messages                226\n"));
	ck_assert_ptr_nonnull(strstr(out, "messages                  7\n"));
	free(out);
}
END_TEST

START_TEST(test_reportcli_empty_window_says_so_and_exits_0)
{
	char *out = NULL;

	ck_assert_int_eq(report("--week 2026-W40", &out), 0);
	ck_assert_ptr_nonnull(strstr(out, "no reports in the window\n"));
	free(out);
}
END_TEST

START_TEST(test_reportcli_usage_errors_exit_2)
{
	char *e;

	ck_assert_int_eq(report("--bogus", NULL), 2);
	ck_assert_int_eq(report("frobnicate", NULL), 2);
	ck_assert_int_eq(report("--week 2026-W99", NULL), 2);
	e = err_text();
	ck_assert_ptr_nonnull(strstr(e, "dmarc-report: error: --week"));
	free(e);
	ck_assert_int_eq(report("--format xml", NULL), 2);
	ck_assert_int_eq(report("--last 7d --since 2026-01-01", NULL), 2);
	ck_assert_int_eq(report("policy", NULL), 2);
}
END_TEST

START_TEST(test_reportcli_missing_database_exits_2)
{
	char cmd[2048];

	snprintf(cmd, sizeof(cmd), "'%s' --db '%s/none.db' 2>/dev/null",
	    TEST_REPORT_BIN, rf_tmp);
	ck_assert_int_eq(tu_run(cmd, NULL), 2);
}
END_TEST

START_TEST(test_reportcli_output_file_written_whole_without_leftovers)
{
	char args[1024], path[700], *out = NULL;
	uint8_t *data;
	struct dirent *de;
	DIR *d;
	size_t n;

	snprintf(path, sizeof(path), "%s/out.csv", rf_tmp);
	snprintf(args, sizeof(args), "sources --format csv -o '%s'", path);
	ck_assert_int_eq(report(args, &out), 0);
	ck_assert_str_eq(out, "");
	ck_assert_ptr_nonnull(data = tu_slurp(path, &n));
	ck_assert_ptr_nonnull(strstr((char *)data, "domain,ip,ptr,"));
	free(data);
	free(out);
	/* a directory that does not exist: error, exit 2 */
	snprintf(args, sizeof(args), "-o '%s/no/such/dir/x'", rf_tmp);
	ck_assert_int_eq(report(args, NULL), 2);
	ck_assert_ptr_nonnull(d = opendir(rf_tmp));
	while ((de = readdir(d)) != NULL)
		ck_assert_ptr_null(strstr(de->d_name, ".tmp."));
	closedir(d);
}
END_TEST

/* json_type of each path in the document must equal the expected type */
static void
check_types(const char *json, const char *const (*pt)[2], size_t n)
{
	sqlite3 *mem;
	sqlite3_stmt *st;
	size_t i;

	ck_assert_int_eq(sqlite3_open(":memory:", &mem), SQLITE_OK);
	ck_assert_int_eq(sqlite3_prepare_v2(mem, "SELECT json_valid(?1), "
	    "json_type(?1, ?2)", -1, &st, NULL), SQLITE_OK);
	for (i = 0; i < n; i++) {
		sqlite3_bind_text(st, 1, json, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, pt[i][0], -1, SQLITE_STATIC);
		ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
		ck_assert_int_eq(sqlite3_column_int(st, 0), 1);
		ck_assert_msg(sqlite3_column_text(st, 1) != NULL &&
		    strcmp((const char *)sqlite3_column_text(st, 1),
		    pt[i][1]) == 0, "%s: %s, expected %s", pt[i][0],
		    sqlite3_column_text(st, 1), pt[i][1]);
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	sqlite3_close(mem);
}

START_TEST(test_reportcli_json_summary_has_the_documented_structure)
{
	static const char *const pt[][2] = {
		{ "$.format", "text" }, { "$.version", "integer" },
		{ "$.mode", "text" }, { "$.window.since", "integer" },
		{ "$.window.first_day", "text" }, { "$.dns", "false" },
		{ "$.domains", "array" },
		{ "$.domains[0].domain", "text" },
		{ "$.domains[0].reports", "integer" },
		{ "$.domains[0].days_covered", "integer" },
		{ "$.domains[0].messages", "integer" },
		{ "$.domains[0].messages_exact", "real" },
		{ "$.domains[0].dmarc.pass", "integer" },
		{ "$.domains[0].dmarc.fail_pct", "real" },
		{ "$.domains[0].dkim_aligned.pct", "real" },
		{ "$.domains[0].spf_aligned.messages", "integer" },
		{ "$.domains[0].dispositions.quarantine", "integer" },
		{ "$.domains[0].failures.no-dkim-signature", "integer" },
		{ "$.domains[0].reasons[0].value", "text" },
		{ "$.domains[0].reporters[0].org", "text" },
		{ "$.domains[0].reporters[0].reports", "integer" },
		{ "$.domains[0].days[0].date", "text" },
		{ "$.domains[0].published_policies[0].p", "text" },
		{ "$.domains[0].published_policies[0].pct", "null" },
		{ "$.domains[0].live_policy", "object" },
		{ "$.domains[0].live_policy.status", "text" },
		{ "$.domains[0].mismatches", "array" },
		{ "$.rejected_inputs.count", "integer" },
		{ "$.rejected_inputs.recent", "array" },
	};
	char *out = NULL;

	ck_assert_int_eq(report("--since 2026-11-16 --until 2026-11-17 "
	    "--format json", &out), 0);
	check_types(out, pt, sizeof(pt) / sizeof(pt[0]));
	ck_assert_ptr_null(strstr(out, "\"sources\""));
	/* the 12:00-12:00 report split over the two days: 203 + 23 */
	ck_assert_ptr_nonnull(strstr(out, "\"days\":[{\"date\":\"2026-11-16\","
	    "\"messages\":203},{\"date\":\"2026-11-17\",\"messages\":23}]"));
	free(out);
}
END_TEST

START_TEST(test_reportcli_json_sources_and_failures_structure)
{
	static const char *const pt[][2] = {
		{ "$.mode", "text" }, { "$.sources", "array" },
		{ "$.sources[0].domain", "text" },
		{ "$.sources[0].ip", "text" },
		{ "$.sources[0].ptr", "null" },
		{ "$.sources[0].ptr_status", "text" },
		{ "$.sources[0].messages", "integer" },
		{ "$.sources[0].failures.dkim-other-domain", "integer" },
		{ "$.sources[0].header_from[0].value", "text" },
		{ "$.sources[0].envelope_from[0].messages", "integer" },
		{ "$.sources[0].dkim[0].selector", "text" },
		{ "$.sources[0].spf[0].scope", "text" },
		{ "$.sources[0].reasons", "array" },
		{ "$.sources[0].reporters[0].other", "false" },
		{ "$.sources_dropped", "integer" },
	};
	char *out = NULL;

	ck_assert_int_eq(report("failures --since 2026-11-16 --until "
	    "2026-11-17 --format json", &out), 0);
	check_types(out, pt, sizeof(pt) / sizeof(pt[0]));
	ck_assert_ptr_nonnull(strstr(out, "\"mode\":\"failures\""));
	ck_assert_ptr_nonnull(strstr(out, "\"ptr_status\":\"not-looked-up\""));
	free(out);
	ck_assert_int_eq(report("sources --week 2026-W47 --format json "
	    "--domain EXAMPLE.NET.", &out), 0);
	ck_assert_ptr_nonnull(strstr(out, "\"sources\":[{\"domain\":"
	    "\"example.net\",\"ip\":\"192.0.2.9\""));
	free(out);
}
END_TEST

START_TEST(test_reportcli_policy_and_readiness_modes_dispatch)
{
	char *out = NULL;

	char *e;

	/* offline and never looked up: unknown, not "no record": exit 2 */
	ck_assert_int_eq(report("policy example.com", &out), 2);
	ck_assert_ptr_nonnull(strstr(out, "status       not-looked-up\n"));
	free(out);
	e = err_text();
	ck_assert_ptr_nonnull(strstr(e, "dmarc-report: error: no stored "
	    "lookup of example.com: run without --no-dns\n"));
	free(e);
	out = NULL;
	ck_assert_int_eq(report("policy 'bad domain'", &out), 2);
	free(out);
	out = NULL;
	ck_assert_int_ne(report("readiness --since 2026-11-16 --until "
	    "2026-11-17", &out), 2);
	ck_assert_ptr_nonnull(strstr(out, "example.com"));
	free(out);
}
END_TEST

/*
 * The live policy beside the seen one: with --no-dns, summary shows the
 * latest stored lookup; the fixture reports all said p=none sp=none, the
 * stored record says p=quarantine (sp absent: as p, so sp differs too).
 */
START_TEST(test_reportcli_summary_calls_out_live_policy_mismatch)
{
	sqlite3 *db;
	char *out = NULL;

	ck_assert_int_eq(sqlite3_open(rf_db, &db), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(db, "INSERT INTO dmarc_lookup (domain, "
	    "looked_up_at, status, record_domain, org_domain, raw_record, "
	    "valid, p) VALUES ('example.com', 1794990000, 'found', "
	    "'example.com', 'example.com', 'v=DMARC1; p=quarantine; "
	    "rua=mailto:d@example.com', 1, 'quarantine')", NULL, NULL, NULL),
	    SQLITE_OK);
	sqlite3_close(db);
	ck_assert_int_eq(report("--since 2026-11-16 --until 2026-11-17 "
	    "--domain example.com --format json", &out), 0);
	ck_assert_ptr_nonnull(strstr(out, "\"live_policy\":{\"status\":"
	    "\"found\",\"source\":\"stored\",\"looked_up_at\":1794990000"));
	ck_assert_ptr_nonnull(strstr(out, "\"receivers saw p=none in 3 "
	    "reports; the live record says p=quarantine\""));
	ck_assert_ptr_nonnull(strstr(out, "\"receivers saw sp=none in 3 "
	    "reports; the live record says sp=quarantine\""));
	free(out);
	out = NULL;
	ck_assert_int_eq(report("--since 2026-11-16 --until 2026-11-17 "
	    "--domain example.com", &out), 0);
	ck_assert_ptr_nonnull(strstr(out, "MISMATCH         receivers saw "
	    "p=none in 3 reports"));
	free(out);
}
END_TEST

Suite *
reportcli_suite(void)
{
	Suite *s = suite_create("reportcli");
	TCase *tc = tcase_create("reportcli");

	tcase_add_unchecked_fixture(tc, rf_build, rf_unbuild);
	tcase_add_test(tc, test_reportcli_default_window_is_last_seven_days);
	tcase_add_test(tc, test_reportcli_empty_window_says_so_and_exits_0);
	tcase_add_test(tc, test_reportcli_usage_errors_exit_2);
	tcase_add_test(tc, test_reportcli_missing_database_exits_2);
	tcase_add_test(tc,
	    test_reportcli_output_file_written_whole_without_leftovers);
	tcase_add_test(tc,
	    test_reportcli_json_summary_has_the_documented_structure);
	tcase_add_test(tc, test_reportcli_json_sources_and_failures_structure);
	tcase_add_test(tc, test_reportcli_policy_and_readiness_modes_dispatch);
	tcase_add_test(tc,
	    test_reportcli_summary_calls_out_live_policy_mismatch);
	suite_add_tcase(s, tc);
	return s;
}

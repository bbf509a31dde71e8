/*
 * dmarc-ingest as a user runs it: the bundled samples end to end with
 * hand-computed totals, idempotent re-runs, stdin, exit statuses, the JSON
 * summary, the default database path and --reprocess.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <check.h>
#include <zip.h>

#include "buf.h"
#include "testutil.h"
#include "xalloc.h"

Suite *cli_suite(void);

static char *tmp;
static char db[512];

static void
setup(void)
{
	tmp = tu_tmpdir();
	snprintf(db, sizeof(db), "%s/t.db", tmp);
}

static void
teardown(void)
{
	tu_rmtree(tmp);
	free(tmp);
}

/* runs dmarc-ingest with args (shell words), stderr to tmp/err */
static int
ingest(const char *args, char **out)
{
	char cmd[4096];

	snprintf(cmd, sizeof(cmd), "cd '%s' && '%s' --db '%s' %s 2>'%s/err'",
	    TEST_DATA, TEST_INGEST_BIN, db, args, tmp);
	return tu_run(cmd, out);
}

static char *
err_text(void)
{
	char path[600];
	size_t n;

	snprintf(path, sizeof(path), "%s/err", tmp);
	return (char *)tu_slurp(path, &n);
}

static int64_t
q(const char *sql)
{
	return tu_query_int(db, sql);
}

/*
 * samples/ holds 13 reports.  ISO week 47 (2026-11-16..18): Google 3 x 4
 * records (752 + 762 + 772 messages), Outlook 2 x 2 records (159 + 168),
 * Yahoo 2 records (60), GMX 1 record (22): 7 reports, 19 records, 2695
 * messages.  Weeks 45 and 46, for the digest's trends: Google 2 x 3
 * records (398 + 88 + 212 = 698; 421 + 94 + 227 = 742), GMX 1 (19),
 * Outlook 2 records (131 + 29 = 160), Yahoo 1 (55), Fastmail 1 (8):
 * 6 reports, 11 records, 1682 messages.  Together 13 reports, 30 records,
 * 2695 + 1682 = 4377 messages.
 */
START_TEST(test_cli_samples_stored_with_hand_computed_totals)
{
	char *out = NULL;

	ck_assert_int_eq(ingest("--json ../../samples", &out), 0);
	ck_assert_ptr_nonnull(strstr(out, "\"reports\":13,"));
	ck_assert_ptr_nonnull(strstr(out, "\"records\":30,"));
	ck_assert_ptr_nonnull(strstr(out, "\"messages\":4377,"));
	ck_assert_int_eq(q("SELECT count(*) FROM v_reports"), 13);
	ck_assert_int_eq(q("SELECT sum(rows) FROM v_reports"), 30);
	ck_assert_int_eq(q("SELECT sum(messages) FROM v_records"), 4377);
	ck_assert_int_eq(q("SELECT sum(messages) FROM v_records WHERE "
	    "begin_utc >= 1794787200"), 2695);
	ck_assert_int_eq(q("SELECT sum(messages) FROM v_reports WHERE "
	    "org_name = 'google.com'"), 752 + 762 + 772 + 698 + 742);
	/* SendGrid passes DKIM and SPF for its own domain only */
	ck_assert_int_eq(q("SELECT sum(messages) FROM v_records WHERE "
	    "source_ip = '167.89.100.12' AND dmarc_pass = 0"),
	    230 + 219 + 208);
	/* IPv6 stored in canonical form */
	ck_assert_int_eq(q("SELECT count(*) FROM v_records WHERE "
	    "source_ip = '2a00:1450:4864:20::541'"), 3 + 2);
	/* GMX uses the dmarc-2.0 namespace; Google sends RFC 9990's <np> */
	ck_assert_int_eq(q("SELECT count(*) FROM v_reports WHERE "
	    "format = 'rfc9990'"), 1 + 3);
	free(out);
}
END_TEST

START_TEST(test_cli_second_run_stores_nothing_new)
{
	char *out = NULL;

	ck_assert_int_eq(ingest("../../samples", NULL), 0);
	ck_assert_int_eq(ingest("--json ../../samples", &out), 0);
	ck_assert_ptr_nonnull(strstr(out, "\"inputs\":13,"));
	ck_assert_ptr_nonnull(strstr(out, "\"stored\":0,"));
	ck_assert_ptr_nonnull(strstr(out, "\"duplicates\":13,"));
	ck_assert_int_eq(q("SELECT count(*) FROM v_reports"), 13);
	ck_assert_int_eq(q("SELECT sum(seen_count) FROM v_ingest"), 26);
	free(out);
}
END_TEST

/*
 * A PostgreSQL connection string given to dmarc-ingest, which stores
 * into SQLite only for now, is refused (exit 2, 75 for --mail) and never
 * becomes a file of that name; the string, which may hold a password, is
 * not echoed.
 */
START_TEST(test_cli_postgres_target_refused_not_made_a_file)
{
	static const char *const target[] = { "postgresql://u:secret@h/d",
	    "service=secret" };
	char cmd[4096], dir[600], *err;
	size_t i;

	snprintf(dir, sizeof(dir), "%s/cwd", tmp);
	ck_assert_int_eq(mkdir(dir, 0700), 0);
	for (i = 0; i < sizeof(target) / sizeof(target[0]); i++) {
		snprintf(cmd, sizeof(cmd), "cd '%s' && '%s' --db '%s' "
		    "%s/../../samples 2>'%s/err'", dir, TEST_INGEST_BIN,
		    target[i], TEST_DATA, tmp);
		ck_assert_int_eq(tu_run(cmd, NULL), 2);
		err = err_text();
		ck_assert_ptr_nonnull(strstr(err, "SQLite only"));
		ck_assert_ptr_null(strstr(err, "secret"));
		free(err);
		snprintf(cmd, sizeof(cmd), "cd '%s' && '%s' --db '%s' --mail - "
		    "</dev/null 2>/dev/null", dir, TEST_INGEST_BIN, target[i]);
		ck_assert_int_eq(tu_run(cmd, NULL), 75);
	}
	snprintf(cmd, sizeof(cmd), "test -z \"$(ls -A '%s')\"", dir);
	ck_assert_int_eq(tu_run(cmd, NULL), 0);
}
END_TEST

START_TEST(test_cli_quiet_on_success)
{
	char *out = NULL, *err;

	ck_assert_int_eq(ingest("../../samples", &out), 0);
	err = err_text();
	ck_assert_str_eq(out, "");
	ck_assert_str_eq(err, "");
	free(out);
	free(err);
}
END_TEST

START_TEST(test_cli_report_resent_in_other_container_is_duplicate)
{
	char *out = NULL, cmd[2048];

	/* the same XML, once plain and once gzip: two inputs, one report */
	snprintf(cmd, sizeof(cmd), "cp '%s/../../samples/yahoo.com!example."
	    "org!1794960000!1795046399.xml' '%s/y.xml' && gzip -c '%s/y.xml' "
	    "> '%s/y.xml.gz'", TEST_DATA, tmp, tmp, tmp);
	ck_assert_int_eq(tu_run(cmd, NULL), 0);
	snprintf(cmd, sizeof(cmd), "--json '%s/y.xml' '%s/y.xml.gz'", tmp,
	    tmp);
	ck_assert_int_eq(ingest(cmd, &out), 0);
	ck_assert_ptr_nonnull(strstr(out, "\"stored\":1,"));
	ck_assert_ptr_nonnull(strstr(out, "\"duplicates\":1,"));
	ck_assert_ptr_nonnull(strstr(out, "\"report_duplicates\":1,"));
	ck_assert_int_eq(q("SELECT count(*) FROM v_reports"), 1);
	ck_assert_int_eq(q("SELECT count(*) FROM v_ingest"), 2);
	free(out);
}
END_TEST

START_TEST(test_cli_stdin_report_is_stored)
{
	char cmd[4096];

	snprintf(cmd, sizeof(cmd), "'%s' --db '%s' - < '%s/../../samples/"
	    "gmx.net!example.org!1794873600!1794959999.xml.gz'",
	    TEST_INGEST_BIN, db, TEST_DATA);
	ck_assert_int_eq(tu_run(cmd, NULL), 0);
	ck_assert_int_eq(q("SELECT count(*) FROM v_reports WHERE "
	    "org_name = 'GMX'"), 1);
	ck_assert_int_eq(q("SELECT count(*) FROM v_ingest WHERE source = '-'"
	    " AND outcome = 'stored'"), 1);
}
END_TEST

START_TEST(test_cli_rejected_input_exits_1_names_cause_keeps_bytes)
{
	static const unsigned char png[] = { 0x89, 'P', 'N', 'G', '\r', '\n',
	    0x1a, '\n', 0, 0, 0, 13, 'I', 'H', 'D', 'R' };
	char path[600], *err;

	snprintf(path, sizeof(path), "%s/report.xml.gz", tmp);
	ck_assert_int_eq(tu_write(path, png, sizeof(png)), 0);
	snprintf(path, sizeof(path), "'%s/report.xml.gz' ../../samples",
	    tmp);
	ck_assert_int_eq(ingest(path, NULL), 1);
	err = err_text();
	ck_assert_ptr_nonnull(strstr(err, "report.xml.gz: rejected: "
	    "not a report: PNG image"));
	ck_assert_ptr_nonnull(strstr(err, "1 rejected"));
	/* the others were still processed */
	ck_assert_int_eq(q("SELECT count(*) FROM v_reports"), 13);
	ck_assert_int_eq(q("SELECT count(*) FROM v_ingest WHERE "
	    "outcome = 'rejected' AND reason LIKE '%PNG%'"), 1);
	ck_assert_int_eq(q("SELECT count(*) FROM input_chunk JOIN input "
	    "ON input.id = input_id WHERE outcome = 'rejected' AND "
	    "size = 16"), 1);
	free(err);
}
END_TEST

/* tmp/name: a zip of n one-record reports (stored entries); caller frees */
static char *
zip_reports(const char *name, int n)
{
	char *path = xmalloc(600), entry[32], *x;
	zip_t *za;
	int err;

	snprintf(path, 600, "%s/%s", tmp, name);
	za = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, &err);
	ck_assert_ptr_nonnull(za);
	for (int i = 0; i < n; i++) {
		x = xmalloc(1024);
		snprintf(x, 1024, "<feedback><report_metadata><org_name>Zip"
		    "</org_name><email>z@zip.example</email><report_id>zr-%d"
		    "</report_id><date_range><begin>1794787200</begin><end>"
		    "1794873599</end></date_range></report_metadata>"
		    "<policy_published><domain>example.org</domain><p>none</p>"
		    "</policy_published><record><row><source_ip>192.0.2.1"
		    "</source_ip><count>5</count><policy_evaluated>"
		    "<disposition>none</disposition><dkim>pass</dkim><spf>pass"
		    "</spf></policy_evaluated></row><identifiers><header_from>"
		    "example.org</header_from></identifiers><auth_results><spf>"
		    "<domain>example.org</domain><result>pass</result></spf>"
		    "</auth_results></record></feedback>", i);
		snprintf(entry, sizeof(entry), "r%02d.xml", i);
		/* libzip frees x after writing the archive */
		ck_assert_int_ge(zip_file_add(za, entry, zip_source_buffer(za,
		    x, strlen(x), 1), 0), 0);
	}
	ck_assert_int_eq(zip_close(za), 0);
	return path;
}

START_TEST(test_cli_rejected_zip_counts_no_report_anywhere)
{
	char *path = zip_reports("z17.zip", 17), args[1400], *out, *err;
	char day[16];
	time_t now;
	struct tm tm;

	snprintf(args, sizeof(args), "--json '%s'", path);
	ck_assert_int_eq(ingest(args, &out), 1);
	ck_assert_ptr_nonnull(strstr(out, "\"inputs\":1,\"stored\":0,"
	    "\"duplicates\":0,\"rejected\":1,\"failed\":0,\"reports\":0,"
	    "\"report_duplicates\":0,\"conflicts\":0,\"records\":0,"
	    "\"messages\":0,"));
	err = err_text();
	ck_assert_ptr_nonnull(strstr(err, "z17.zip: rejected: input: more "
	    "than 16 reports; none of its reports is stored (16 could be "
	    "read)\n"));
	ck_assert_ptr_nonnull(strstr(err, "1 input: 0 stored, 0 duplicate, "
	    "1 rejected; 0 reports, 0 records, 0 messages"));
	ck_assert_int_eq(q("SELECT count(*) FROM v_reports"), 0);
	ck_assert_int_eq(q("SELECT n_reports FROM v_ingest WHERE outcome = "
	    "'rejected'"), 0);
	free(out);
	/* dmarc-report's ingest health: one rejected input, no report */
	now = time(NULL);
	strftime(day, sizeof(day), "%Y-%m-%d", gmtime_r(&now, &tm));
	snprintf(args, sizeof(args), "'%s' --db '%s' --no-dns --format json "
	    "--since %s --until %s", TEST_REPORT_BIN, db, day, day);
	ck_assert_int_eq(tu_run(args, &out), 0);
	ck_assert_msg(strstr(out, "\"domains\":[]") != NULL &&
	    strstr(out, "\"rejected_inputs\":{\"count\":1,") != NULL,
	    "%s", out);
	free(out);
	free(err);
	free(path);
}
END_TEST

START_TEST(test_cli_database_in_report_directory_is_not_ingested)
{
	char cmd[4096], *err;
	int rc;

	/* the reports and the database in one directory, run inside it */
	snprintf(cmd, sizeof(cmd), "mkdir '%s/r' && cd '%s' && cp "
	    "../../samples/*.xml* '%s/r/' && cd '%s/r' && '%s' --db e.db . && "
	    "'%s' --db e.db . 2>../err && ln e.db hardlink-to-db", tmp,
	    TEST_DATA, tmp, tmp, TEST_INGEST_BIN, TEST_INGEST_BIN);
	rc = tu_run(cmd, NULL);
	err = err_text();
	ck_assert_msg(rc == 0, "%d: %s", rc, err != NULL ? err : "");
	free(err);
	snprintf(db, sizeof(db), "%s/r/e.db", tmp);
	ck_assert_int_eq(q("SELECT count(*) FROM v_ingest WHERE source LIKE "
	    "'%e.db%' OR outcome = 'rejected'"), 0);
	ck_assert_int_eq(q("SELECT count(*) FROM v_ingest WHERE seen_count "
	    "= 2"), q("SELECT count(*) FROM v_ingest"));
	/* another name for the database, and the companions named */
	snprintf(cmd, sizeof(cmd), "cd '%s/r' && '%s' --db e.db . && '%s' "
	    "--db e.db e.db-wal e.db.lock 2>../err", tmp, TEST_INGEST_BIN,
	    TEST_INGEST_BIN);
	rc = tu_run(cmd, NULL);
	ck_assert_int_eq(rc, 2);
	err = err_text();
	ck_assert_ptr_nonnull(strstr(err, "e.db-wal: error: the database or "
	    "one of its files: not an input\n"));
	ck_assert_ptr_nonnull(strstr(err, "e.db.lock: error: the database "
	    "or one of its files: not an input\n"));
	ck_assert_int_eq(q("SELECT count(*) FROM v_ingest WHERE source LIKE "
	    "'%db%'"), 0);
	free(err);
}
END_TEST

START_TEST(test_cli_known_rejected_input_is_not_rejected_again)
{
	char path[600];

	snprintf(path, sizeof(path), "%s/unused.gz", tmp);
	ck_assert_int_eq(tu_write(path, "unused", 6), 0);
	snprintf(path, sizeof(path), "'%s/unused.gz'", tmp);
	ck_assert_int_eq(ingest(path, NULL), 1);
	ck_assert_int_eq(ingest(path, NULL), 0);
	ck_assert_int_eq(q("SELECT seen_count FROM v_ingest"), 2);
}
END_TEST

START_TEST(test_cli_usage_errors_exit_2)
{
	char *err;

	ck_assert_int_eq(ingest("", NULL), 2);
	err = err_text();
	ck_assert_ptr_nonnull(strstr(err, "no input"));
	free(err);
	ck_assert_int_eq(ingest("--no-such-option x", NULL), 2);
	ck_assert_int_eq(ingest("--reprocess=some", NULL), 2);
	ck_assert_int_eq(ingest("--reprocess ../../samples", NULL), 2);
}
END_TEST

/* a gzip'd report of n records, over 1 MiB of XML, at tmp/name */
static void
write_big_report(const char *name, int n)
{
	char path[600], rec[512];
	struct buf b;
	uint8_t *z;
	size_t len, zlen;
	char *x;

	buf_init(&b, (size_t)64 << 20);
	buf_adds(&b, "<?xml version=\"1.0\"?><feedback><report_metadata>"
	    "<org_name>Big</org_name><email>d@big.example</email><report_id>"
	    "big-1</report_id><date_range><begin>1794787200</begin><end>"
	    "1794873599</end></date_range></report_metadata>"
	    "<policy_published><domain>example.org</domain><p>none</p>"
	    "</policy_published>");
	for (int i = 0; i < n; i++) {
		snprintf(rec, sizeof(rec), "<record><row><source_ip>"
		    "198.51.100.%d</source_ip><count>1</count>"
		    "<policy_evaluated><disposition>none</disposition><dkim>"
		    "pass</dkim><spf>pass</spf></policy_evaluated></row>"
		    "<identifiers><header_from>example.org</header_from>"
		    "</identifiers><auth_results><dkim><domain>example.org"
		    "</domain><selector>s%d</selector><result>pass</result>"
		    "</dkim><spf><domain>example.org</domain><result>pass"
		    "</result></spf></auth_results></record>\n", i % 250 + 1,
		    i);
		buf_adds(&b, rec);
	}
	buf_adds(&b, "</feedback>\n");
	x = buf_detach(&b, &len);
	ck_assert_uint_gt(len, (size_t)1 << 20);
	z = tu_gzip(x, len, &zlen);
	snprintf(path, sizeof(path), "%s/%s", tmp, name);
	ck_assert_int_eq(tu_write(path, z, zlen), 0);
	free(z);
	free(x);
}

/* --max-xml-bytes: checked, enforced, and a raised limit lets
   --reprocess store what the lower one rejected */
START_TEST(test_cli_max_xml_bytes_rejects_then_reprocess_stores)
{
	char args[700], *err;

	write_big_report("big.xml.gz", 3000);
	ck_assert_int_eq(ingest("--max-xml-bytes 12Q x", NULL), 2);
	err = err_text();
	ck_assert_ptr_nonnull(strstr(err, "--max-xml-bytes takes a size"));
	free(err);
	ck_assert_int_eq(ingest("--max-xml-bytes 512K x", NULL), 2);
	snprintf(args, sizeof(args), "--max-xml-bytes 1M '%s/big.xml.gz'",
	    tmp);
	ck_assert_int_eq(ingest(args, NULL), 1);
	err = err_text();
	ck_assert_ptr_nonnull(strstr(err, "big.xml.gz: rejected: gzip: "
	    "output passes the 1 MiB limit (decompression bomb? "
	    "--max-xml-bytes raises it)"));
	free(err);
	ck_assert_int_eq(q("SELECT count(*) FROM v_reports"), 0);
	ck_assert_int_eq(ingest("--max-xml-bytes 4m --reprocess", NULL), 0);
	ck_assert_int_eq(q("SELECT rows FROM v_reports"), 3000);
	ck_assert_int_eq(q("SELECT count(*) FROM v_ingest WHERE outcome = "
	    "'stored'"), 1);
}
END_TEST

START_TEST(test_cli_missing_path_exits_2_after_the_rest)
{
	char *err;

	ck_assert_int_eq(ingest("/nonexistent/reports ../../samples", NULL),
	    2);
	err = err_text();
	ck_assert_ptr_nonnull(strstr(err, "/nonexistent/reports: error: "));
	ck_assert_int_eq(q("SELECT count(*) FROM v_reports"), 13);
	free(err);
}
END_TEST

START_TEST(test_cli_unopenable_database_exits_2)
{
	char cmd[2048], *err;

	snprintf(cmd, sizeof(cmd), "'%s' --db /proc/nope/x.db '%s/../../"
	    "samples' 2>'%s/err'", TEST_INGEST_BIN, TEST_DATA, tmp);
	ck_assert_int_eq(tu_run(cmd, NULL), 2);
	err = err_text();
	ck_assert_ptr_nonnull(strstr(err, "/proc/nope/x.db: error: "));
	free(err);
}
END_TEST

START_TEST(test_cli_default_database_under_xdg_data_home)
{
	char cmd[2048], path[600];
	struct stat sb;

	snprintf(cmd, sizeof(cmd), "env -u DMARC_DB XDG_DATA_HOME='%s/xdg' "
	    "'%s' '%s/../../samples'", tmp, TEST_INGEST_BIN, TEST_DATA);
	ck_assert_int_eq(tu_run(cmd, NULL), 0);
	snprintf(path, sizeof(path), "%s/xdg/dmarc-rua/dmarc.db", tmp);
	ck_assert_int_eq(stat(path, &sb), 0);
	snprintf(cmd, sizeof(cmd), "DMARC_DB='%s/env.db' '%s' '%s/../../"
	    "samples'", tmp, TEST_INGEST_BIN, TEST_DATA);
	ck_assert_int_eq(tu_run(cmd, NULL), 0);
	snprintf(path, sizeof(path), "%s/env.db", tmp);
	ck_assert_int_eq(tu_query_int(path, "SELECT count(*) FROM v_reports"),
	    13);
}
END_TEST

START_TEST(test_cli_reprocess_all_rebuilds_reports_from_kept_bytes)
{
	char *out = NULL;

	ck_assert_int_eq(ingest("../../samples", NULL), 0);
	ck_assert_int_eq(ingest("--json --reprocess=all", &out), 0);
	ck_assert_ptr_nonnull(strstr(out, "\"inputs\":13,"));
	ck_assert_ptr_nonnull(strstr(out, "\"reports\":13,"));
	ck_assert_int_eq(q("SELECT count(*) FROM report"), 13);
	ck_assert_int_eq(q("SELECT sum(messages) FROM v_records"), 4377);
	free(out);
}
END_TEST

START_TEST(test_cli_verbose_lists_inputs_in_name_order)
{
	char *err, *a, *b;

	ck_assert_int_eq(ingest("-v ../../samples", NULL), 0);
	err = err_text();
	a = strstr(err, "enterprise.protection");
	b = strstr(err, "yahoo.com");
	ck_assert_ptr_nonnull(a);
	ck_assert_ptr_nonnull(b);
	ck_assert(a < b);
	ck_assert_ptr_nonnull(strstr(err, "13 inputs: 13 stored"));
	free(err);
}
END_TEST

START_TEST(test_cli_help_and_version)
{
	char cmd[1024], *out = NULL;

	snprintf(cmd, sizeof(cmd), "'%s' --help", TEST_INGEST_BIN);
	ck_assert_int_eq(tu_run(cmd, &out), 0);
	ck_assert_ptr_nonnull(strstr(out, "--reprocess"));
	free(out);
	snprintf(cmd, sizeof(cmd), "'%s' --version", TEST_INGEST_BIN);
	ck_assert_int_eq(tu_run(cmd, &out), 0);
	ck_assert_ptr_nonnull(strstr(out, "dmarc-ingest "));
	free(out);
}
END_TEST

Suite *
cli_suite(void)
{
	Suite *s = suite_create("cli");
	TCase *tc = tcase_create("cli");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_cli_samples_stored_with_hand_computed_totals);
	tcase_add_test(tc, test_cli_second_run_stores_nothing_new);
	tcase_add_test(tc, test_cli_quiet_on_success);
	tcase_add_test(tc, test_cli_postgres_target_refused_not_made_a_file);
	tcase_add_test(tc,
	    test_cli_report_resent_in_other_container_is_duplicate);
	tcase_add_test(tc, test_cli_stdin_report_is_stored);
	tcase_add_test(tc,
	    test_cli_rejected_input_exits_1_names_cause_keeps_bytes);
	tcase_add_test(tc, test_cli_known_rejected_input_is_not_rejected_again);
	tcase_add_test(tc, test_cli_rejected_zip_counts_no_report_anywhere);
	tcase_add_test(tc,
	    test_cli_database_in_report_directory_is_not_ingested);
	tcase_add_test(tc, test_cli_usage_errors_exit_2);
	tcase_add_test(tc, test_cli_missing_path_exits_2_after_the_rest);
	tcase_add_test(tc, test_cli_max_xml_bytes_rejects_then_reprocess_stores);
	tcase_add_test(tc, test_cli_unopenable_database_exits_2);
	tcase_add_test(tc, test_cli_default_database_under_xdg_data_home);
	tcase_add_test(tc,
	    test_cli_reprocess_all_rebuilds_reports_from_kept_bytes);
	tcase_add_test(tc, test_cli_verbose_lists_inputs_in_name_order);
	tcase_add_test(tc, test_cli_help_and_version);
	suite_add_tcase(s, tc);
	return s;
}

/*
 * dmarc-ingest and mail from the command line: --mail - as an MTA pipe
 * with its exit statuses (0 settled, 75 try again), messages detected by
 * content on standard input and in PATH arguments, and the summary's
 * mail counts.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <check.h>
#include <glib.h>

#include "testutil.h"

Suite *mailcli_suite(void);

/* runs dmarc-ingest with args, stdin from a fixture; exit status */
static int
ingest(const char *db, const char *fixture, const char *args, char **out)
{
	char *rel = g_strdup_printf("mail/%s", fixture), *p = tu_data(rel);
	char *cmd = g_strdup_printf("'%s' --db '%s' %s < '%s' 2>&1",
	    TEST_INGEST_BIN, db, args, p);
	int st = tu_run(cmd, out);

	g_free(cmd);
	free(p);
	g_free(rel);
	return st;
}

START_TEST(test_mailcli_pipe_exit_zero_when_settled)
{
	char *dir = tu_tmpdir(), *db = g_strdup_printf("%s/t.db", dir), *out;

	ck_assert_int_eq(ingest(db, "m12_two_reports.eml", "--mail -", &out),
	    0);
	ck_assert_str_eq(out, "");	/* quiet when all is well */
	free(out);
	ck_assert_int_eq(ingest(db, "m12_two_reports.eml", "--mail -", NULL),
	    0);
	ck_assert_int_eq(ingest(db, "m11_failure_report.eml", "--mail -",
	    NULL), 0);
	ck_assert_int_eq(tu_query_int(db, "SELECT count(*) FROM v_reports"),
	    2);
	ck_assert_int_eq(tu_query_int(db, "SELECT count(*) FROM v_messages "
	    "WHERE outcome = 'not_report' AND source = '-'"), 1);
	g_free(db);
	tu_rmtree(dir);
	free(dir);
}
END_TEST

START_TEST(test_mailcli_pipe_rejected_report_kept_exit_zero)
{
	char *dir = tu_tmpdir(), *db = g_strdup_printf("%s/t.db", dir);
	char *msg = g_strdup_printf("%s/bad.eml", dir), *cmd;
	static const char bad[] = "From: a@x\nContent-Type: application/gzip"
	    "\n\n\x1f\x8b broken\n";

	ck_assert_int_eq(tu_write(msg, bad, sizeof(bad) - 1), 0);
	cmd = g_strdup_printf("'%s' --db '%s' --mail - < '%s' 2>/dev/null",
	    TEST_INGEST_BIN, db, msg);
	ck_assert_int_eq(tu_run(cmd, NULL), 0);
	ck_assert_int_eq(tu_query_int(db, "SELECT count(*) FROM v_ingest "
	    "WHERE outcome = 'rejected'"), 1);
	g_free(cmd);
	g_free(msg);
	g_free(db);
	tu_rmtree(dir);
	free(dir);
}
END_TEST

START_TEST(test_mailcli_pipe_tempfail_when_database_unavailable)
{
	char *dir = tu_tmpdir(), *db = g_strdup_printf("%s/t.db", dir);

	/* the database path is a directory: it cannot be opened */
	ck_assert_int_eq(mkdir(db, 0700), 0);
	ck_assert_int_eq(ingest(db, "m01_zip_body.eml", "--mail -", NULL), 75);
	/* without --mail the ordinary status says trouble */
	ck_assert_int_eq(ingest(db, "m01_zip_body.eml", "-", NULL), 2);
	g_free(db);
	tu_rmtree(dir);
	free(dir);
}
END_TEST

START_TEST(test_mailcli_message_detected_on_stdin_and_in_paths)
{
	char *dir = tu_tmpdir(), *db = g_strdup_printf("%s/t.db", dir), *out;
	char *mail = tu_data("mail"), *cmd;

	ck_assert_int_eq(ingest(db, "m03_forwarded_rfc822.eml", "-", NULL),
	    0);
	ck_assert_int_eq(tu_query_int(db, "SELECT count(*) FROM v_messages"),
	    1);
	cmd = g_strdup_printf("'%s' --db '%s' --json '%s' 2>/dev/null",
	    TEST_INGEST_BIN, db, mail);
	ck_assert_int_eq(tu_run(cmd, &out), 0);
	ck_assert_msg(strstr(out, "\"mail_messages\":17") != NULL, "%s", out);
	ck_assert(strstr(out, "\"not_report\":5") != NULL);
	/* m08's Yahoo report is m04's with white space added: a duplicate */
	ck_assert_msg(strstr(out, "\"mail_duplicates\":8") != NULL, "%s", out);
	ck_assert(strstr(out, "\"conflicts\":0,") != NULL);
	free(out);
	ck_assert_int_eq(tu_query_int(db, "SELECT count(*) FROM v_ingest "
	    "WHERE reason LIKE '%e-mail message%'"), 0);
	g_free(cmd);
	free(mail);
	g_free(db);
	tu_rmtree(dir);
	free(dir);
}
END_TEST

START_TEST(test_mailcli_verbose_summary_names_mail_counts)
{
	char *dir = tu_tmpdir(), *db = g_strdup_printf("%s/t.db", dir), *out;

	ck_assert_int_eq(ingest(db, "m11_bounce.eml", "-v -", &out), 0);
	ck_assert_msg(strstr(out, "not_report: delivery status notification")
	    != NULL, "%s", out);
	ck_assert(strstr(out, "1 mail message: 0 stored, 0 duplicate, "
	    "0 rejected, 1 not a report") != NULL);
	free(out);
	g_free(db);
	tu_rmtree(dir);
	free(dir);
}
END_TEST

START_TEST(test_mailcli_usage_errors)
{
	char *cmd = g_strdup_printf("'%s' --db /nonexistent --mail - x "
	    "2>/dev/null", TEST_INGEST_BIN);

	ck_assert_int_eq(tu_run(cmd, NULL), 2);
	g_free(cmd);
	cmd = g_strdup_printf("'%s' --db /nonexistent --move-to x y "
	    "2>/dev/null", TEST_INGEST_BIN);
	ck_assert_int_eq(tu_run(cmd, NULL), 2);
	g_free(cmd);
}
END_TEST

Suite *
mailcli_suite(void)
{
	Suite *s = suite_create("mailcli");
	TCase *tc = tcase_create("mailcli");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_mailcli_pipe_exit_zero_when_settled);
	tcase_add_test(tc, test_mailcli_pipe_rejected_report_kept_exit_zero);
	tcase_add_test(tc,
	    test_mailcli_pipe_tempfail_when_database_unavailable);
	tcase_add_test(tc, test_mailcli_message_detected_on_stdin_and_in_paths);
	tcase_add_test(tc, test_mailcli_verbose_summary_names_mail_counts);
	tcase_add_test(tc, test_mailcli_usage_errors);
	suite_add_tcase(s, tc);
	return s;
}

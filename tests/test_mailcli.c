/*
 * dmarc-ingest and mail from the command line: --mail - as an MTA pipe
 * with its exit statuses (0 settled or kept, 65 neither read nor kept, 75
 * try again), messages detected by content on standard input and in PATH
 * arguments, the summary's mail counts, and MIME bombs through --mail,
 * --mbox and --maildir in bounded memory (peak RSS of the child).
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <check.h>
#include <glib.h>

#include "limits.h"
#include "mailtest.h"
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
	ck_assert_int_eq(ingest(db, "m11_bounce.eml", "--mail -",
	    NULL), 0);
	ck_assert_int_eq(ingest(db, "m11_failure_report.eml", "--mail -",
	    NULL), 0);
	ck_assert_int_eq(tu_query_int(db, "SELECT count(*) FROM v_reports"),
	    2);
	/* the failure report is stored (issue 17 point 4), the bounce not */
	ck_assert_int_eq(tu_query_int(db, "SELECT count(*) FROM "
	    "v_failure_reports"), 1);
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
	ck_assert_msg(strstr(out, "\"mail_messages\":21") != NULL, "%s", out);
	/* the two SMTP TLS reports (m11_tlsrpt*) and the two DMARC failure
	   reports (m11_failure_report, m11_failure_netease_mixed) are stored */
	ck_assert_msg(strstr(out, "\"not_report\":5") != NULL, "%s", out);
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

/* the three bombs of issue 11: boundary-only parts, fields, addresses */
static char *
bomb(int kind, size_t *len)
{
	GString *b = g_string_new("From: a@example.net\nSubject: bomb\n");

	if (kind == 0) {
		g_string_append(b, "Content-Type: multipart/mixed; "
		    "boundary=b\n\n");
		for (int i = 0; i < 1400000; i++)
			g_string_append(b, "--b\n\nx\n");
		g_string_append(b, "--b--\n");
	} else if (kind == 1) {
		for (int i = 0; i < 1200000; i++)
			g_string_append(b, "X-H: v\n");
		g_string_append(b, "\nbody\n");
	} else {
		g_string_append(b, "To: ");
		for (int i = 0; i < 900000; i++)
			g_string_append_printf(b, "%sa%d@x.y", i ? "," : "",
			    i);
		g_string_append(b, "\n\nbody\n");
	}
	*len = b->len;
	return g_string_free(b, FALSE);
}

/* the reason each bomb is refused with */
static const char *const bomb_reason[] = {
	"more than 256 MIME parts (MAX_MIME_PARTS): 1400001 header blocks%",
	"more than 10000 header fields (MAX_MAIL_HEADER_FIELDS): 1200002%",
	"more than 1024 KiB of headers (MAX_MAIL_HEADER_BYTES)%",
};

/* exactly one message refused for bomb kind, its bytes kept whole */
static void
assert_bomb_settled(const char *db, int kind, size_t len)
{
	char *q = g_strdup_printf("SELECT count(*) FROM v_messages m JOIN "
	    "message_input l ON l.message_id = m.id JOIN v_ingest i ON "
	    "i.id = l.input_id WHERE m.outcome = 'rejected' AND m.reason "
	    "LIKE '%s' AND i.size = %zu AND i.reason = m.reason",
	    bomb_reason[kind], len);

	ck_assert_msg(tu_query_int(db, q) == 1, "bomb %d: %s", kind, q);
	g_free(q);
}

START_TEST(test_mailcli_mime_bombs_bounded_through_mail_mbox_maildir)
{
	char *dir = tu_tmpdir(), *db = g_strdup_printf("%s/t.db", dir);
	char *mbox = g_strdup_printf("%s/mbox", dir), *md, *p, *m;
	const char *args[8];
	GString *all = g_string_new(NULL);
	size_t len[3], n;
	long rss;

	for (int k = 0; k < 3; k++) {
		m = bomb(k, &len[k]);
		p = g_strdup_printf("%s/bomb%d.eml", dir, k);
		ck_assert_int_eq(tu_write(p, m, len[k]), 0);
		/* --mail -: settled with the reason, bytes kept: exit 0 */
		args[0] = "dmarc-ingest", args[1] = "--db", args[2] = db;
		args[3] = "--mail", args[4] = "-", args[5] = NULL;
		ck_assert_int_eq(tu_run_rss(args, p, &rss), 0);
		ck_assert_msg(rss < TU_RSS_LIMIT_KB, "bomb %d: %ld KiB", k, rss);
		assert_bomb_settled(db, k, len[k]);
		g_string_append(all, "From x@y Mon Nov 17 10:00:00 2026\n");
		g_string_append_len(all, m, (gssize)len[k]);
		g_free(m);
		g_free(p);
	}
	/* --mbox and --maildir, a report message after the bombs */
	m = mt_message(1, &n);
	g_string_append(all, "From x@y Mon Nov 17 10:00:00 2026\n");
	g_string_append_len(all, m, (gssize)n);
	ck_assert_int_eq(tu_write(mbox, all->str, all->len), 0);
	g_free(db);
	db = g_strdup_printf("%s/mbox.db", dir);
	args[2] = db, args[3] = "--mbox", args[4] = mbox;
	ck_assert_int_eq(tu_run_rss(args, NULL, &rss), 1);	/* rejected */
	ck_assert_msg(rss < TU_RSS_LIMIT_KB, "mbox: %ld KiB", rss);
	for (int k = 0; k < 3; k++)
		assert_bomb_settled(db, k, len[k]);
	ck_assert_int_eq(tu_query_int(db, "SELECT count(*) FROM v_reports"),
	    1);
	md = g_strdup_printf("%s/Maildir", dir);
	ck_assert_int_eq(mt_maildir_make(md), 0);
	for (int k = 0; k < 3; k++) {
		p = g_strdup_printf("%s/bomb%d.eml", dir, k);
		uint8_t *b = tu_slurp(p, &n);
		ck_assert_int_eq(mt_maildir_put(md, (char *)b, n, (uid_t)-1,
		    0), 0);
		free(b);
		g_free(p);
	}
	ck_assert_int_eq(mt_maildir_put(md, m, strlen(m), (uid_t)-1, 0), 0);
	g_free(db);
	db = g_strdup_printf("%s/md.db", dir);
	args[2] = db, args[3] = "--maildir", args[4] = md;
	ck_assert_int_eq(tu_run_rss(args, NULL, &rss), 1);
	ck_assert_msg(rss < TU_RSS_LIMIT_KB, "maildir: %ld KiB", rss);
	for (int k = 0; k < 3; k++)
		assert_bomb_settled(db, k, len[k]);
	ck_assert_int_eq(tu_query_int(db, "SELECT count(*) FROM v_reports"),
	    1);
	/* every message marked: nothing blocks the next run */
	ck_assert_uint_eq(mt_maildir_count(md, 1), 4);
	ck_assert_int_eq(tu_run_rss(args, NULL, &rss), 0);
	ck_assert_uint_eq(mt_maildir_count(md, 1), 4);
	g_free(m);
	g_free(md);
	g_string_free(all, TRUE);
	g_free(mbox);
	g_free(db);
	tu_rmtree(dir);
	free(dir);
}
END_TEST

/* a multipart message with n gzip report attachments (distinct reports) */
static char *
reports_message(size_t first, size_t n)
{
	GString *b = g_string_new("From: a@example.net\nSubject: many\n"
	    "Content-Type: multipart/mixed; boundary=r\n\n");
	size_t xn, gn;

	for (size_t i = first; i < first + n; i++) {
		char *x = mt_report_xml(i, &xn), *e;
		uint8_t *gz = tu_gzip(x, xn, &gn);

		e = g_base64_encode(gz, gn);
		g_string_append_printf(b, "--r\nContent-Type: application/gzip"
		    "\nContent-Transfer-Encoding: base64\n\n%s\n", e);
		g_free(e);
		free(gz);
		free(x);
	}
	g_string_append(b, "--r--\n");
	return g_string_free(b, FALSE);
}

/* runs --mail on path, as '-' (stdin) or FILE; exit status */
static int
mail_run(const char *db, const char *path, int as_file)
{
	char *cmd = as_file ? g_strdup_printf("'%s' --db '%s' --mail '%s' "
	    "2>/dev/null", TEST_INGEST_BIN, db, path) :
	    g_strdup_printf("'%s' --db '%s' --mail - < '%s' 2>/dev/null",
	    TEST_INGEST_BIN, db, path);
	int st = tu_run(cmd, NULL);

	g_free(cmd);
	return st;
}

START_TEST(test_mailcli_exit_zero_only_when_stored_or_kept)
{
	char *dir = tu_tmpdir(), *db, *p, *m, *q;
	GString *b;

	for (int as_file = 0; as_file < 2; as_file++) {
		db = g_strdup_printf("%s/t%d.db", dir, as_file);
		p = g_strdup_printf("%s/m.eml", dir);
		/* 300 MIME parts: refused, the whole message kept */
		b = g_string_new("From: a@x\nContent-Type: multipart/mixed; "
		    "boundary=x\n\n");
		for (int i = 0; i < 300; i++)
			g_string_append_printf(b, "--x\nContent-Type: "
			    "text/plain\n\npart %d\n", i);
		g_string_append(b, "--x--\n");
		ck_assert_int_eq(tu_write(p, b->str, b->len), 0);
		ck_assert_int_eq(mail_run(db, p, as_file), 0);
		q = g_strdup_printf("SELECT count(*) FROM v_ingest WHERE "
		    "outcome = 'rejected' AND reason LIKE '%%MAX_MIME_PARTS%%' "
		    "AND size = %zu", b->len);
		ck_assert_int_eq(tu_query_int(db, q), 1);
		g_free(q);
		g_string_free(b, TRUE);
		/* 17 reports: 16 stored, the message kept for the 17th */
		m = reports_message(100, 17);
		ck_assert_int_eq(tu_write(p, m, strlen(m)), 0);
		ck_assert_int_eq(mail_run(db, p, as_file), 0);
		ck_assert_int_eq(tu_query_int(db, "SELECT count(*) FROM "
		    "v_reports"), 16);
		q = g_strdup_printf("SELECT count(*) FROM v_ingest WHERE "
		    "outcome = 'rejected' AND reason LIKE '%%MAX_MAIL_REPORTS"
		    "%%' AND size = %zu", strlen(m));
		ck_assert_int_eq(tu_query_int(db, q), 1);
		g_free(q);
		g_free(m);
		/* not an e-mail message at all: kept */
		ck_assert_int_eq(tu_write(p, "\x89PNG\r\n\x1a\nxx", 11), 0);
		ck_assert_int_eq(mail_run(db, p, as_file), 0);
		ck_assert_int_eq(tu_query_int(db, "SELECT count(*) FROM "
		    "v_ingest WHERE outcome = 'rejected' AND size = 11 AND "
		    "reason LIKE 'not an e-mail message%'"), 1);
		g_free(p);
		g_free(db);
	}
	tu_rmtree(dir);
	free(dir);
}
END_TEST

START_TEST(test_mailcli_over_max_message_bytes_exits_65_and_is_recorded)
{
	char *dir = tu_tmpdir(), *db = g_strdup_printf("%s/t.db", dir);
	char *p = g_strdup_printf("%s/big.eml", dir), *cmd;
	int fd;

	/* a sparse file one byte over the limit: no disk used */
	fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	ck_assert_int_ne(fd, -1);
	ck_assert_int_eq(write(fd, "From: a@x\n\n", 12), 12);
	ck_assert_int_eq(ftruncate(fd, (off_t)MAX_MESSAGE_BYTES + 1), 0);
	close(fd);
	ck_assert_int_eq(mail_run(db, p, 1), 65);
	ck_assert_int_eq(tu_query_int(db, "SELECT count(*) FROM v_messages "
	    "WHERE outcome = 'rejected' AND reason LIKE '%MAX_MESSAGE_BYTES%'"
	    " AND size = 402653185"), 1);
	/* on standard input (spooled under TMPDIR): the same row, seen again */
	cmd = g_strdup_printf("TMPDIR='%s' '%s' --db '%s' --mail - < '%s' "
	    "2>/dev/null", dir, TEST_INGEST_BIN, db, p);
	ck_assert_int_eq(tu_run(cmd, NULL), 65);
	ck_assert_int_eq(tu_query_int(db, "SELECT seen_count FROM v_messages "
	    "WHERE reason LIKE '%MAX_MESSAGE_BYTES%' AND source = '-' OR "
	    "source LIKE '%big.eml'"), 2);
	g_free(cmd);
	g_free(p);
	g_free(db);
	tu_rmtree(dir);
	free(dir);
}
END_TEST

START_TEST(test_mailcli_whitespace_before_header_is_a_mail)
{
	char *dir = tu_tmpdir(), *db = g_strdup_printf("%s/t.db", dir);
	char *p = g_strdup_printf("%s/ws.eml", dir), *cmd, *m, *lead;
	GString *b;
	size_t n;

	lead = g_strnfill(255, ' ');
	for (int how = 0; how < 3; how++) {
		m = mt_message(200 + (size_t)how, &n);
		b = g_string_new(lead);
		g_string_append(b, how == 1 ? "\r\n\t\n" : "\n");
		if (how == 2) {
			/* an mbox: the blank lines after the From line */
			g_string_prepend(b, "From x@y Mon Nov 17 10:00:00 "
			    "2026\n");
		}
		g_string_append_len(b, m, (gssize)n);
		ck_assert_int_eq(tu_write(p, b->str, b->len), 0);
		if (how == 0)
			ck_assert_int_eq(mail_run(db, p, 0), 0);
		cmd = g_strdup_printf("'%s' --db '%s' %s '%s' 2>/dev/null",
		    TEST_INGEST_BIN, db, how == 2 ? "--mbox" : "", p);
		ck_assert_int_eq(tu_run(cmd, NULL), 0);
		g_free(cmd);
		g_string_free(b, TRUE);
		g_free(m);
	}
	ck_assert_int_eq(tu_query_int(db, "SELECT count(*) FROM v_reports"),
	    3);
	ck_assert_int_eq(tu_query_int(db, "SELECT count(*) FROM v_messages "
	    "WHERE outcome = 'stored'"), 3);
	ck_assert_int_eq(tu_query_int(db, "SELECT count(*) FROM v_ingest "
	    "WHERE outcome = 'rejected'"), 0);
	g_free(lead);
	g_free(p);
	g_free(db);
	tu_rmtree(dir);
	free(dir);
}
END_TEST

Suite *
mailcli_suite(void)
{
	Suite *s = suite_create("mailcli");
	TCase *tc = tcase_create("mailcli");

	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, test_mailcli_pipe_exit_zero_when_settled);
	tcase_add_test(tc, test_mailcli_pipe_rejected_report_kept_exit_zero);
	tcase_add_test(tc,
	    test_mailcli_pipe_tempfail_when_database_unavailable);
	tcase_add_test(tc, test_mailcli_message_detected_on_stdin_and_in_paths);
	tcase_add_test(tc, test_mailcli_verbose_summary_names_mail_counts);
	tcase_add_test(tc, test_mailcli_usage_errors);
	tcase_add_test(tc,
	    test_mailcli_mime_bombs_bounded_through_mail_mbox_maildir);
	tcase_add_test(tc, test_mailcli_exit_zero_only_when_stored_or_kept);
	tcase_add_test(tc,
	    test_mailcli_over_max_message_bytes_exits_65_and_is_recorded);
	tcase_add_test(tc, test_mailcli_whitespace_before_header_is_a_mail);
	suite_add_tcase(s, tc);
	return s;
}

/*
 * The examples in contrib/ work as written: the pipe commands of the
 * procmail, Postfix pipe(8) and Sieve examples read a report message on
 * standard input and store it (exit 0); the crontab line and the systemd
 * ExecStart read a Maildir and mark it.  Each command is taken from the
 * file itself, with the installed paths (/usr/local/bin/dmarc-ingest, the
 * database, the Maildir) replaced by the test's.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "buf.h"
#include "mailtest.h"
#include "testutil.h"
#include "xalloc.h"

Suite *contrib_suite(void);

#define BIN_PATH	"/usr/local/bin/dmarc-ingest"
#define DB_PATH		"/var/lib/dmarc-rua/dmarc.db"
#define MAILDIR_PATH	"/var/mail/dmarc/Maildir"

static char *tmp;
static char db[512], maildir[512], msg[512];

static void
setup(void)
{
	char *m;
	size_t n;

	tmp = tu_tmpdir();
	snprintf(db, sizeof(db), "%s/t.db", tmp);
	snprintf(maildir, sizeof(maildir), "%s/Maildir", tmp);
	snprintf(msg, sizeof(msg), "%s/msg.eml", tmp);
	m = mt_message(7, &n);
	ck_assert_int_eq(tu_write(msg, m, n), 0);
	free(m);
}

static void
teardown(void)
{
	tu_rmtree(tmp);
	free(tmp);
}

/* the lines of contrib/name; caller frees */
static char *
contrib(const char *name)
{
	char path[1024];
	size_t n;
	char *p;

	snprintf(path, sizeof(path), "%s/contrib/%s", TEST_SOURCE_DIR, name);
	p = (char *)tu_slurp(path, &n);
	ck_assert_msg(p != NULL, "%s unreadable", path);
	return p;
}

/* the first line of text starting with prefix (or holding it: any) */
static char *
find_line(const char *text, const char *prefix, int any)
{
	const char *l = text, *e;

	for (; *l != '\0'; l = *e == '\0' ? e : e + 1) {
		char *line;

		e = l + strcspn(l, "\n");
		line = xstrndup(l, (size_t)(e - l));
		if (strncmp(line, prefix, strlen(prefix)) == 0 ||
		    (any && line[0] != '#' && strstr(line, prefix) != NULL))
			return line;
		free(line);
	}
	ck_abort_msg("no line with '%s'", prefix);
	return NULL;
}

/* cmd with the installed paths replaced by the test's; caller frees */
static char *
localise(const char *cmd)
{
	static const char *from[] = { BIN_PATH, DB_PATH, MAILDIR_PATH };
	const char *to[] = { TEST_INGEST_BIN, db, maildir };
	struct buf b;
	const char *p = cmd;

	buf_init(&b, 65536);
	while (*p != '\0') {
		size_t i;

		for (i = 0; i < 3; i++)
			if (strncmp(p, from[i], strlen(from[i])) == 0)
				break;
		if (i < 3) {
			buf_adds(&b, to[i]);
			p += strlen(from[i]);
		} else
			buf_addc(&b, *p++);
	}
	return buf_detach(&b, NULL);
}

/* runs cmd (shell words) with the message on stdin; its exit status */
static int
pipe_message(const char *cmd)
{
	char *local = localise(cmd), *full;
	size_t n = strlen(local) + strlen(msg) + 64;
	int st;

	ck_assert_msg(strstr(local, TEST_INGEST_BIN) != NULL &&
	    strstr(local, db) != NULL, "paths not replaced: %s", local);
	full = xmalloc(n);
	snprintf(full, n, "%s < '%s'", local, msg);
	st = tu_run(full, NULL);
	free(full);
	free(local);
	return st;
}

static int64_t
stored(void)
{
	return tu_query_int(db, "SELECT count(*) FROM report WHERE "
	    "report_id = 'imaper-test-7'");
}

START_TEST(test_contrib_procmail_pipe)
{
	char *text, *line;

	text = contrib("procmailrc.example");
	line = find_line(text, "| ", 0);
	ck_assert_int_eq(pipe_message(line + 2), 0);
	ck_assert_int_eq(stored(), 1);
	/* the MTA delivers it again: still exit 0, nothing twice */
	ck_assert_int_eq(pipe_message(line + 2), 0);
	ck_assert_int_eq(tu_query_int(db, "SELECT count(*) FROM report"), 1);
	free(line);
	free(text);
}
END_TEST

START_TEST(test_contrib_postfix_pipe)
{
	char *text, *service, *args;

	text = contrib("postfix-master.cf.example");
	service = find_line(text, "dmarc ", 0);
	ck_assert_ptr_nonnull(strstr(service, " pipe"));
	args = find_line(text, "  flags=", 0);
	ck_assert_ptr_nonnull(strstr(args, "argv="));
	ck_assert_int_eq(pipe_message(strstr(args, "argv=") + 5), 0);
	ck_assert_int_eq(stored(), 1);
	free(service);
	free(args);
	free(text);
}
END_TEST

/* pipe :try "prog" ["a", "b"]; as shell words, prog as the binary */
static char *
sieve_command(const char *line)
{
	const char *p = strchr(line, '['), *q;
	struct buf b;

	ck_assert_ptr_nonnull(strstr(line, "\"dmarc-ingest\""));
	ck_assert_ptr_nonnull(p);
	buf_init(&b, 4096);
	buf_adds(&b, BIN_PATH);
	while ((p = strchr(p, '"')) != NULL && (q = strchr(p + 1, '"')) !=
	    NULL) {
		buf_adds(&b, " '");
		buf_add(&b, p + 1, (size_t)(q - p - 1));
		buf_addc(&b, '\'');
		p = q + 1;
	}
	return buf_detach(&b, NULL);
}

START_TEST(test_contrib_sieve_pipe)
{
	char *text, *line, *cmd;

	text = contrib("sieve.example");
	line = find_line(text, "pipe :", 1);
	cmd = sieve_command(line);
	ck_assert_int_eq(pipe_message(cmd), 0);
	ck_assert_int_eq(stored(), 1);
	free(cmd);
	free(line);
	free(text);
}
END_TEST

/* runs a Maildir command line from an example; checks store and mark */
static void
maildir_command(const char *cmd)
{
	char *local, *m;
	size_t n;

	ck_assert_int_eq(mt_maildir_make(maildir), 0);
	m = mt_message(7, &n);
	ck_assert_int_eq(mt_maildir_put(maildir, m, n, (uid_t)-1, 0), 0);
	free(m);
	local = localise(cmd);
	ck_assert_msg(strstr(local, maildir) != NULL, "%s", local);
	ck_assert_int_eq(tu_run(local, NULL), 0);
	ck_assert_int_eq(stored(), 1);
	ck_assert_uint_eq(mt_maildir_count(maildir, 1), 1);
	ck_assert_uint_eq(mt_maildir_count(maildir, 0), 0);
	free(local);
}

START_TEST(test_contrib_crontab_line)
{
	char *text, *line;
	const char *p;

	text = contrib("crontab.example");
	line = find_line(text, "*/15 ", 0);
	p = line;
	for (int i = 0; i < 5; i++) {	/* minute hour day month weekday */
		p = strchr(p, ' ');
		ck_assert_ptr_nonnull(p);
		p++;
	}
	ck_assert_ptr_null(strchr(p, '%'));	/* cron's newline */
	maildir_command(p);
	free(line);
	free(text);
}
END_TEST

START_TEST(test_contrib_systemd_execstart)
{
	char *text, *line;

	text = contrib("dmarc-ingest.service");
	line = find_line(text, "ExecStart=", 0);
	maildir_command(line + strlen("ExecStart="));
	free(line);
	/* only "try again later" passes; 78 (setup) must fail the unit */
	line = find_line(text, "SuccessExitStatus=", 0);
	ck_assert_str_eq(line, "SuccessExitStatus=75");
	free(line);
	free(text);
	text = contrib("dmarc-ingest.timer");
	ck_assert_ptr_nonnull(strstr(text, "\n[Timer]\n"));
	ck_assert_ptr_nonnull(strstr(text, "WantedBy=timers.target"));
	free(text);
}
END_TEST

Suite *
contrib_suite(void)
{
	Suite *s = suite_create("contrib");
	TCase *tc = tcase_create("examples");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_contrib_procmail_pipe);
	tcase_add_test(tc, test_contrib_postfix_pipe);
	tcase_add_test(tc, test_contrib_sieve_pipe);
	tcase_add_test(tc, test_contrib_crontab_line);
	tcase_add_test(tc, test_contrib_systemd_execstart);
	suite_add_tcase(s, tc);
	return s;
}

/*
 * Nothing lost, nothing twice: dmarc-ingest is killed with SIGKILL at
 * random moments while it reads a Maildir (200 messages) with a directory
 * of 200 report files, and an IMAP mailbox (Dovecot, 2,000 messages), 20
 * times each; after each kill every message marked seen has its report
 * committed, and after a final run every report is stored exactly once
 * with all its records, the ledger holds each input once as stored,
 * every message is marked and the database passes PRAGMA
 * integrity_check.  Runs the binary; the IMAP test prints SKIP without
 * Dovecot (with CI=true it fails).
 */
#include <signal.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <check.h>
#include <sqlite3.h>

#include "imap.h"
#include "mailtest.h"
#include "testutil.h"
#include "xalloc.h"

Suite *crash_suite(void);

#define KILLS		20	/* killed runs before the final one */

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

/* starts dmarc-ingest --db DB with args, output to tmp/out */
static pid_t
spawn(const char *const args[])
{
	char *argv[16], out[600];
	size_t n = 0;
	pid_t pid;

	snprintf(out, sizeof(out), "%s/out", tmp);
	if ((pid = fork()) == 0) {
		argv[n++] = xstrdup(TEST_INGEST_BIN);
		argv[n++] = xstrdup("--db");
		argv[n++] = db;
		argv[n++] = xstrdup("--no-progress");
		for (size_t i = 0; args[i] != NULL && n < 15; i++)
			argv[n++] = xstrdup(args[i]);
		argv[n] = NULL;
		if (freopen(out, "a", stderr) == NULL ||
		    freopen("/dev/null", "w", stdout) == NULL)
			_exit(127);
		execv(TEST_INGEST_BIN, argv);
		_exit(127);
	}
	ck_assert_int_gt(pid, 0);
	return pid;
}

/* a full run; returns its wall time */
static double
run_full(const char *const args[])
{
	double t0 = tu_now();
	pid_t pid = spawn(args);
	int st;

	waitpid(pid, &st, 0);
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0,
	    "final run: status %d", st);
	return tu_now() - t0;
}

/* a run killed after delay seconds (it may finish first) */
static void
run_killed(const char *const args[], double delay)
{
	struct timespec ts = { (time_t)delay,
	    (long)((delay - (double)(time_t)delay) * 1e9) };
	pid_t pid = spawn(args);
	int st;

	nanosleep(&ts, NULL);
	kill(pid, SIGKILL);
	waitpid(pid, &st, 0);
}

/* the copies of each report imaper-test-<i>, i < n, stored now */
static int *
report_copies(size_t n)
{
	int *copies = xcalloc(n, sizeof(*copies));
	sqlite3 *h;
	sqlite3_stmt *st;
	long i;

	/* a run killed before it created the database stored nothing */
	if (access(db, F_OK) == -1)
		return copies;
	ck_assert_int_eq(sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL),
	    SQLITE_OK);
	/*
	 * The database is created and locked before its schema: a run
	 * killed in between leaves a file without tables, which stored
	 * nothing either.
	 */
	if (sqlite3_prepare_v2(h, "SELECT CAST(substr(report_id,"
	    " 13) AS INTEGER), count(*) FROM report WHERE report_id GLOB "
	    "'imaper-test-*' GROUP BY report_id", -1, &st, NULL) != SQLITE_OK) {
		ck_assert_msg(strstr(sqlite3_errmsg(h), "no such table") != NULL,
		    "%s: %s", db, sqlite3_errmsg(h));
		sqlite3_close(h);
		return copies;
	}
	while (sqlite3_step(st) == SQLITE_ROW)
		if ((i = (long)sqlite3_column_int64(st, 0)) >= 0 &&
		    (size_t)i < n)
			copies[i] = sqlite3_column_int(st, 1);
	sqlite3_finalize(st);
	sqlite3_close(h);
	return copies;
}

/*
 * Marked implies committed: each message of dir flagged seen (its number
 * below n) has exactly one stored report.  Returns how many are marked.
 */
static size_t
check_marked_committed(const char *dir, size_t n)
{
	char p[1024];
	struct dirent *e;
	size_t marked = 0;
	int *copies;
	DIR *d;

	snprintf(p, sizeof(p), "%s/cur", dir);
	if ((d = opendir(p)) == NULL)
		return 0;
	copies = report_copies(n);
	while ((e = readdir(d)) != NULL) {
		const char *f = strstr(e->d_name, ":2,");
		long i;

		if (f == NULL || strchr(f + 3, 'S') == NULL)
			continue;
		snprintf(p, sizeof(p), "%s/cur/%s", dir, e->d_name);
		if ((i = mt_message_number(p)) == -1)
			continue;	/* renamed meanwhile */
		ck_assert_msg(i >= 0 && (size_t)i < n && copies[i] == 1,
		    "message %ld marked, report stored %d times", i,
		    i >= 0 && (size_t)i < n ? copies[i] : -1);
		marked++;
	}
	closedir(d);
	free(copies);
	return marked;
}

/*
 * After the final run: the n reports of the messages and the files ones
 * of the files once each with all their records, the ledger in step, all
 * messages marked, the database sound.
 */
static void
check_final(const char *dir, size_t n, size_t files)
{
	const int64_t all = (int64_t)(n + files);
	char *ok;

	ck_assert_int_eq(tu_query_int(db, "SELECT count(*) FROM report"),
	    all);
	ck_assert_int_eq(tu_query_int(db, "SELECT count(DISTINCT report_id) "
	    "FROM report"), all);
	ck_assert_int_eq(tu_query_int(db, "SELECT count(*) FROM v_records"),
	    all * tu_query_int(db, "SELECT min(rows) FROM v_reports"));
	ck_assert_int_eq(tu_query_int(db, "SELECT count(DISTINCT rows) FROM "
	    "v_reports"), 1);
	ck_assert_int_eq(tu_query_int(db, "SELECT count(*) FROM input WHERE "
	    "outcome = 'stored'"), all);
	ck_assert_int_eq(tu_query_int(db, "SELECT count(*) FROM input i "
	    "WHERE NOT EXISTS (SELECT 1 FROM report r WHERE r.input_id = "
	    "i.id)"), 0);
	ck_assert_uint_eq(mt_maildir_count(dir, 0), 0);
	ck_assert_uint_eq(mt_maildir_count(dir, 1), n);
	ck_assert_uint_eq(check_marked_committed(dir, n), n);
	ok = tu_query_text(db, "PRAGMA integrity_check");
	ck_assert_str_eq(ok, "ok");
	free(ok);
	ck_assert_int_eq(tu_query_int(db, "SELECT count(*) FROM message "
	    "WHERE outcome = 'pending'"), 0);
}

/*
 * Kills KILLS runs at random moments within the full run's time; dir's
 * messages are numbered below n
 */
static void
kill_runs(const char *const args[], const char *dir, size_t n, double full)
{
	unsigned seed = (unsigned)time(NULL) ^ (unsigned)getpid();

	srand(seed);
	printf("crash: seed %u, window %.2f s\n", seed, full);
	fflush(stdout);
	for (int k = 0; k < KILLS; k++) {
		double delay = full * (double)rand() / RAND_MAX;

		run_killed(args, delay);
		check_marked_committed(dir, n);
	}
}

START_TEST(test_crash_maildir_kill9)
{
	char maildir[600], probe[600], main_db[512], files[600];
	const char *args[] = { "--maildir", maildir, files, NULL };
	const char *pargs[] = { "--maildir", probe, files, NULL };
	const size_t n = 200;
	double full;

	snprintf(maildir, sizeof(maildir), "%s/Maildir", tmp);
	snprintf(probe, sizeof(probe), "%s/probe", tmp);
	snprintf(files, sizeof(files), "%s/files", tmp);
	mt_report_dir(files, 1000, 1000 + n);
	mt_maildir_fill(maildir, 0, n);
	mt_maildir_fill(probe, 0, n);
	/* how long a whole run takes here, on a copy and another database */
	snprintf(main_db, sizeof(main_db), "%s", db);
	snprintf(db, sizeof(db), "%s/probe.db", tmp);
	full = run_full(pargs);
	snprintf(db, sizeof(db), "%s", main_db);
	kill_runs(args, maildir, n, full);
	run_full(args);
	check_final(maildir, n, n);
}
END_TEST

START_TEST(test_crash_imap_kill9)
{
	struct mt_dovecot dv;
	char why[1024], url[512];
	const char *args[] = { "--imap", url, NULL };
	const size_t n = 2000;

	if (mt_dovecot_start(&dv, why, sizeof(why)) == -1) {
		mt_dovecot_stop(&dv);
		TU_SKIP(TU_SKIP_SERVER, "dovecot cannot be started: %s", why);
	}
	setenv(IMAP_PASSWORD_ENV, MT_PASSWORD, 1);
	mt_dovecot_url(&dv, 0, url, sizeof(url));
	mt_dovecot_fill(&dv, 0, n, 0);
	run_killed(args, 0.3);
	check_marked_committed(dv.maildir, n);
	kill_runs(args, dv.maildir, n, 1.5);
	run_full(args);
	check_final(dv.maildir, n, 0);
	mt_dovecot_stop(&dv);
}
END_TEST

Suite *
crash_suite(void)
{
	Suite *s = suite_create("crash");
	TCase *tc = tcase_create("kill9");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 240);
	tcase_add_test(tc, test_crash_maildir_kill9);
	tcase_add_test(tc, test_crash_imap_kill9);
	suite_add_tcase(s, tc);
	return s;
}

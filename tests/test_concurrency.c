/*
 * Overlapping cron runs: three dmarc-ingest processes on overlapping
 * inputs (two directories of generated reports and one Maildir) and a
 * reader (dmarc-report, or SQLite queries when it is not built) run at
 * once on one database.  The run lock serialises the writers (each waits
 * with a --lock-timeout long enough never to give up), the reader reads
 * throughout; afterwards no process has failed and every report is
 * stored exactly once with all its records.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <check.h>

#include "mailtest.h"
#include "testutil.h"

Suite *concurrency_suite(void);

/* report ids: dirA [0, 150), dirB [100, 250), Maildir [200, 300) */
#define A_LO	0
#define A_HI	150
#define B_LO	100
#define B_HI	250
#define M_LO	200
#define M_HI	300

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

/* sh -c cmd in the background */
static pid_t
spawn(const char *cmd)
{
	pid_t pid = fork();

	if (pid == 0) {
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(127);
	}
	ck_assert_int_gt(pid, 0);
	return pid;
}

static int
exit_code(pid_t pid)
{
	int st;

	if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st))
		return -1;
	return WEXITSTATUS(st);
}

/* whether any of the n writers still runs */
static int
running(const int *codes, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (codes[i] == -2)
			return 1;
	return 0;
}

/* reaps finished writers into codes (-2 while running) */
static void
reap(const pid_t *pids, int *codes, size_t n)
{
	int st;

	for (size_t i = 0; i < n; i++)
		if (codes[i] == -2 && waitpid(pids[i], &st, WNOHANG) ==
		    pids[i])
			codes[i] = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* one read of the database while the writers run; returns its status */
static int
read_once(void)
{
	char cmd[2048];
	struct stat sb;

	if (stat(TEST_REPORT_BIN, &sb) == 0 && S_ISREG(sb.st_mode)) {
		snprintf(cmd, sizeof(cmd), "'%s' summary --db '%s' --no-dns "
		    "--since 2026-11-01 --until 2026-12-31 --format json "
		    ">/dev/null 2>>'%s/reader.err'", TEST_REPORT_BIN, db, tmp);
		return tu_run(cmd, NULL);
	}
	return tu_query_int(db, "SELECT count(*) FROM v_reports") >= 0 &&
	    tu_query_int(db, "SELECT count(*) FROM v_records") >= 0 ? 0 : 1;
}

/* the three writers at once, the reader in a loop until they are done */
static size_t
run_all(const char *da, const char *dbb, const char *md)
{
	char cmd[3][2048];
	pid_t pids[3];
	int codes[3] = { -2, -2, -2 };
	size_t reads = 0;

	snprintf(cmd[0], sizeof(cmd[0]), "'%s' --db '%s' --lock-timeout 600 "
	    "--no-progress '%s' 2>'%s/w0.err'", TEST_INGEST_BIN, db, da, tmp);
	snprintf(cmd[1], sizeof(cmd[1]), "'%s' --db '%s' --lock-timeout 600 "
	    "--no-progress '%s' '%s' 2>'%s/w1.err'", TEST_INGEST_BIN, db,
	    dbb, da, tmp);
	snprintf(cmd[2], sizeof(cmd[2]), "'%s' --db '%s' --lock-timeout 600 "
	    "--no-progress --maildir '%s' '%s' 2>'%s/w2.err'",
	    TEST_INGEST_BIN, db, md, dbb, tmp);
	for (size_t i = 0; i < 3; i++)
		pids[i] = spawn(cmd[i]);
	while (running(codes, 3)) {
		ck_assert_int_eq(read_once(), 0);
		reads++;
		reap(pids, codes, 3);
	}
	for (size_t i = 0; i < 3; i++)
		ck_assert_msg(codes[i] == 0, "writer %zu exited %d", i,
		    codes[i]);
	return reads;
}

START_TEST(test_concurrency_three_writers_one_reader)
{
	char da[600], dbb[600], md[600], cmd[4096], *ok;
	int64_t rows;
	size_t reads;
	const int64_t n = M_HI - A_LO;

	snprintf(da, sizeof(da), "%s/a", tmp);
	snprintf(dbb, sizeof(dbb), "%s/b", tmp);
	snprintf(md, sizeof(md), "%s/Maildir", tmp);
	mt_report_dir(da, A_LO, A_HI);
	mt_report_dir(dbb, B_LO, B_HI);
	mt_maildir_fill(md, M_LO, M_HI);
	/* the database exists before the reader starts */
	snprintf(cmd, sizeof(cmd), "'%s' --db '%s' '%s/r0.xml' 2>/dev/null",
	    TEST_INGEST_BIN, db, da);
	ck_assert_int_eq(tu_run(cmd, NULL), 0);
	reads = run_all(da, dbb, md);
	printf("concurrency: %zu reads during the writes\n", reads);
	ck_assert_uint_gt(reads, 0);
	ck_assert_int_eq(tu_query_int(db, "SELECT count(*) FROM v_reports"),
	    n);
	ck_assert_int_eq(tu_query_int(db, "SELECT count(DISTINCT report_id) "
	    "FROM v_reports WHERE report_id GLOB 'imaper-test-*'"), n);
	ck_assert_int_eq(tu_query_int(db, "SELECT count(DISTINCT rows) FROM "
	    "v_reports"), 1);
	rows = tu_query_int(db, "SELECT rows FROM v_reports LIMIT 1");
	ck_assert_int_gt(rows, 0);
	ck_assert_int_eq(tu_query_int(db, "SELECT count(*) FROM v_records"),
	    n * rows);
	ck_assert_int_eq(tu_query_int(db, "SELECT count(*) FROM report "
	    "WHERE status = 'conflict'"), 0);
	ck_assert_uint_eq(mt_maildir_count(md, 0), 0);
	ck_assert_uint_eq(mt_maildir_count(md, 1), M_HI - M_LO);
	ok = tu_query_text(db, "PRAGMA integrity_check");
	ck_assert_str_eq(ok, "ok");
	free(ok);
}
END_TEST

/* a second run while one holds the lock waits, then exits 75 */
START_TEST(test_concurrency_busy_lock_exits_75)
{
	char da[600], cmd[4096];
	pid_t holder;
	int code;

	snprintf(da, sizeof(da), "%s/a", tmp);
	mt_report_dir(da, 0, 1);
	snprintf(cmd, sizeof(cmd), "'%s' --db '%s' '%s' 2>/dev/null",
	    TEST_INGEST_BIN, db, da);
	ck_assert_int_eq(tu_run(cmd, NULL), 0);
	/* hold the run lock as a running dmarc-ingest would */
	snprintf(cmd, sizeof(cmd), "exec flock -x -o '%s.lock' sleep 30", db);
	holder = spawn(cmd);
	usleep(300000);
	snprintf(cmd, sizeof(cmd), "'%s' --db '%s' --lock-timeout 1 '%s' "
	    "2>'%s/busy.err'", TEST_INGEST_BIN, db, da, tmp);
	code = tu_run(cmd, NULL);
	kill(holder, SIGTERM);
	exit_code(holder);
	ck_assert_int_eq(code, 75);
	snprintf(cmd, sizeof(cmd), "grep -q 'holds the lock' '%s/busy.err'",
	    tmp);
	ck_assert_int_eq(tu_run(cmd, NULL), 0);
	snprintf(cmd, sizeof(cmd), "'%s' --db '%s' --lock-timeout 1 '%s' "
	    "2>/dev/null", TEST_INGEST_BIN, db, da);
	ck_assert_int_eq(tu_run(cmd, NULL), 0);
}
END_TEST

Suite *
concurrency_suite(void)
{
	Suite *s = suite_create("concurrency");
	TCase *tc = tcase_create("overlap");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 240);
	tcase_add_test(tc, test_concurrency_three_writers_one_reader);
	tcase_add_test(tc, test_concurrency_busy_lock_exits_75);
	suite_add_tcase(s, tc);
	return s;
}

/*
 * The run lock: a second process waits for the holder and gives up after
 * its timeout with the documented message; a released lock (the holder
 * exited, even killed) is acquired at once; a lock file left behind
 * without a holder never blocks.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <check.h>

#include "lock.h"
#include "testutil.h"

Suite *lock_suite(void);

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

/*
 * Forks a child that takes the lock, tells the parent through a pipe,
 * then holds it for hold_ms (or until killed).  Returns its pid.
 */
static pid_t
holder(int hold_ms)
{
	int p[2];
	pid_t pid;
	char c;

	ck_assert_int_eq(pipe(p), 0);
	if ((pid = fork()) == 0) {
		struct lock l;
		char err[256];
		struct timespec ts = { hold_ms / 1000,
		    (hold_ms % 1000) * 1000000L };

		close(p[0]);
		if (lock_acquire(&l, db, 0, err, sizeof(err)) != LOCK_OK)
			_exit(1);
		if (write(p[1], "x", 1) != 1)
			_exit(1);
		nanosleep(&ts, NULL);
		_exit(0);
	}
	close(p[1]);
	ck_assert_int_eq(read(p[0], &c, 1), 1);
	close(p[0]);
	return pid;
}

START_TEST(test_lock_times_out_while_held)
{
	struct lock l;
	char err[512];
	pid_t pid = holder(10000);
	double t0 = tu_now(), waited;
	int st;

	ck_assert_int_eq(lock_acquire(&l, db, 1, err, sizeof(err)),
	    LOCK_BUSY);
	waited = tu_now() - t0;
	ck_assert_msg(waited >= 0.9 && waited < 3.0, "waited %.2f s", waited);
	ck_assert_ptr_nonnull(strstr(err, "another dmarc-ingest holds the "
	    "lock on '"));
	ck_assert_ptr_nonnull(strstr(err, "(waited 1 s)"));
	ck_assert_int_eq(l.fd, -1);
	/* no wait at all with timeout 0 */
	t0 = tu_now();
	ck_assert_int_eq(lock_acquire(&l, db, 0, err, sizeof(err)),
	    LOCK_BUSY);
	ck_assert(tu_now() - t0 < 0.5);
	kill(pid, SIGKILL);
	waitpid(pid, &st, 0);
}
END_TEST

START_TEST(test_lock_waits_for_release)
{
	struct lock l;
	char err[512];
	pid_t pid = holder(400);
	double t0 = tu_now(), waited;
	int st;

	ck_assert_int_eq(lock_acquire(&l, db, 10, err, sizeof(err)),
	    LOCK_OK);
	waited = tu_now() - t0;
	ck_assert_msg(waited >= 0.2 && waited < 5.0, "waited %.2f s", waited);
	waitpid(pid, &st, 0);
	ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	lock_release(&l);
	lock_release(&l);
}
END_TEST

START_TEST(test_lock_killed_holder_releases)
{
	struct lock l;
	char err[512];
	pid_t pid = holder(60000);
	int st;

	kill(pid, SIGKILL);
	waitpid(pid, &st, 0);
	ck_assert_int_eq(lock_acquire(&l, db, 0, err, sizeof(err)), LOCK_OK);
	lock_release(&l);
}
END_TEST

START_TEST(test_lock_stale_file_does_not_block)
{
	struct lock l;
	struct stat sb;
	char path[600], err[512];

	snprintf(path, sizeof(path), "%s.lock", db);
	ck_assert_int_eq(tu_write(path, "12345\n", 6), 0);
	ck_assert_int_eq(lock_acquire(&l, db, 0, err, sizeof(err)), LOCK_OK);
	/* a second taker in this process (another open file) is refused */
	{
		struct lock l2;

		ck_assert_int_eq(lock_acquire(&l2, db, 0, err, sizeof(err)),
		    LOCK_BUSY);
	}
	lock_release(&l);
	ck_assert_int_eq(stat(path, &sb), 0);
	ck_assert_int_eq(lock_acquire(&l, db, 0, err, sizeof(err)), LOCK_OK);
	lock_release(&l);
}
END_TEST

START_TEST(test_lock_file_created_private)
{
	struct lock l;
	struct stat sb;
	char path[600], err[512];

	snprintf(path, sizeof(path), "%s.lock", db);
	ck_assert_int_eq(lock_acquire(&l, db, 0, err, sizeof(err)), LOCK_OK);
	ck_assert_int_eq(stat(path, &sb), 0);
	ck_assert_int_eq(sb.st_mode & 0777, 0600);
	lock_release(&l);
}
END_TEST

START_TEST(test_lock_unopenable_is_error)
{
	struct lock l;
	char err[512];

	ck_assert_int_eq(lock_acquire(&l, "/nonexistent-dir/x/t.db", 0, err,
	    sizeof(err)), LOCK_ERROR);
	ck_assert_ptr_nonnull(strstr(err, "cannot open lock file"));
}
END_TEST

/* dmarc-ingest itself: a run that finds the lock taken exits 75 */
START_TEST(test_lock_binary_exits_75_when_busy)
{
	char cmd[2048], *out = NULL;
	pid_t pid;
	int st;

	snprintf(cmd, sizeof(cmd), "'%s' --db '%s' '%s/samples' 2>&1",
	    TEST_INGEST_BIN, db, TEST_SOURCE_DIR);
	ck_assert_int_eq(tu_run(cmd, NULL), 0);
	pid = holder(10000);
	snprintf(cmd, sizeof(cmd), "'%s' --db '%s' --lock-timeout 1 "
	    "'%s/samples' 2>&1", TEST_INGEST_BIN, db, TEST_SOURCE_DIR);
	ck_assert_int_eq(tu_run(cmd, &out), 75);
	ck_assert_msg(strstr(out, "another dmarc-ingest holds the lock on")
	    != NULL && strstr(out, "(waited 1 s)") != NULL, "%s", out);
	free(out);
	kill(pid, SIGKILL);
	waitpid(pid, &st, 0);
	ck_assert_int_eq(tu_run(cmd, NULL), 0);
}
END_TEST

Suite *
lock_suite(void)
{
	Suite *s = suite_create("lock");
	TCase *tc = tcase_create("lock");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_lock_times_out_while_held);
	tcase_add_test(tc, test_lock_waits_for_release);
	tcase_add_test(tc, test_lock_killed_holder_releases);
	tcase_add_test(tc, test_lock_stale_file_does_not_block);
	tcase_add_test(tc, test_lock_file_created_private);
	tcase_add_test(tc, test_lock_unopenable_is_error);
	tcase_add_test(tc, test_lock_binary_exits_75_when_busy);
	suite_add_tcase(s, tc);
	return s;
}

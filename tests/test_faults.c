/*
 * Resource faults, through the dmarc-ingest binary: the database on a
 * full file system (a small tmpfs, when the tests may mount one), a
 * read-only database file and a read-only directory (as user nobody when
 * the tests run as root, for whom permissions do not apply), a missing
 * directory for --db, inputs that cannot be read, and Maildir messages
 * that vanish or are not files.  Each gives an error naming the cause and
 * the documented exit status, marks no message whose report was not
 * committed, and a later run completes normally.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <check.h>

#include "mailtest.h"
#include "testutil.h"
#include "xalloc.h"

Suite *faults_suite(void);

#define NOBODY	65534

static char *tmp;
static char db[512];
static char mnt[512];		/* mounted tmpfs, or "" */

static void
setup(void)
{
	tmp = tu_tmpdir();
	/* user nobody must reach the inputs of the permission tests */
	ck_assert_int_eq(chmod(tmp, 0755), 0);
	snprintf(db, sizeof(db), "%s/t.db", tmp);
	mnt[0] = '\0';
}

static void
teardown(void)
{
	char cmd[1024];

	if (mnt[0] != '\0') {
		snprintf(cmd, sizeof(cmd), "umount '%s'", mnt);
		tu_run(cmd, NULL);
	}
	tu_rmtree(tmp);
	free(tmp);
}

/*
 * Runs dmarc-ingest --db dbpath with args (shell words), as user nobody
 * when asked and running as root; its standard error in tmp/err.  Returns
 * the exit status.
 */
static int
ingest(const char *dbpath, const char *args, int as_nobody)
{
	char cmd[4096], pre[128] = "";

	if (as_nobody && geteuid() == 0)
		snprintf(pre, sizeof(pre), "setpriv --reuid=%d --regid=%d "
		    "--clear-groups ", NOBODY, NOBODY);
	snprintf(cmd, sizeof(cmd), "%s'%s' --db '%s' --no-progress "
	    "--lock-timeout 5 %s 2>'%s/err' >/dev/null", pre,
	    TEST_INGEST_BIN, dbpath, args, tmp);
	return tu_run(cmd, NULL);
}

/* whether the last run's standard error holds s */
static int
err_has(const char *s)
{
	char path[600], *e;
	size_t n;
	int yes;

	snprintf(path, sizeof(path), "%s/err", tmp);
	e = (char *)tu_slurp(path, &n);
	yes = e != NULL && strstr(e, s) != NULL;
	if (!yes)
		printf("stderr lacks '%s': %s\n", s, e != NULL ? e : "");
	free(e);
	return yes;
}

/* report files [lo, hi) in a new directory tmp/name; returns its path */
static char *
fill_dir(const char *name, size_t lo, size_t hi)
{
	size_t n = strlen(tmp) + strlen(name) + 2;
	char *dir = xmalloc(n);

	snprintf(dir, n, "%s/%s", tmp, name);
	mt_report_dir(dir, lo, hi);
	return dir;
}

/* every message of dir marked seen has its report stored exactly once */
static size_t
check_marked_committed(const char *dbpath, const char *dir)
{
	char p[1024], sql[128];
	struct dirent *e;
	size_t marked = 0;
	DIR *d;
	long i;

	snprintf(p, sizeof(p), "%s/cur", dir);
	ck_assert_ptr_nonnull(d = opendir(p));
	while ((e = readdir(d)) != NULL) {
		const char *f = strstr(e->d_name, ":2,");

		if (f == NULL || strchr(f + 3, 'S') == NULL)
			continue;
		snprintf(p, sizeof(p), "%s/cur/%s", dir, e->d_name);
		ck_assert_int_ge(i = mt_message_number(p), 0);
		snprintf(sql, sizeof(sql), "SELECT count(*) FROM report "
		    "WHERE report_id = 'imaper-test-%ld'", i);
		ck_assert_msg(tu_query_int(dbpath, sql) == 1, "message %ld "
		    "marked without its report", i);
		marked++;
	}
	closedir(d);
	return marked;
}

static void
check_sound(const char *dbpath, int64_t reports)
{
	char *ok = tu_query_text(dbpath, "PRAGMA integrity_check");

	ck_assert_str_eq(ok, "ok");
	free(ok);
	ck_assert_int_eq(tu_query_int(dbpath, "SELECT count(*) FROM "
	    "v_reports"), reports);
	ck_assert_int_eq(tu_query_int(dbpath, "SELECT count(DISTINCT "
	    "report_id) FROM v_reports"), reports);
}

/* mounts a tmpfs of size at tmp/full; 0, or -1 (the caller skips) */
static int
mount_small(const char *size)
{
	char cmd[1024];

	snprintf(mnt, sizeof(mnt), "%s/full", tmp);
	ck_assert_int_eq(mkdir(mnt, 0755), 0);
	snprintf(cmd, sizeof(cmd), "mount -t tmpfs -o size=%s none '%s' "
	    "2>/dev/null", size, mnt);
	if (geteuid() != 0 || tu_run(cmd, NULL) != 0) {
		mnt[0] = '\0';
		return -1;
	}
	return 0;
}

START_TEST(test_faults_disk_full_marks_nothing_uncommitted)
{
	const size_t n = 300;
	char md[600], fdb[600], args[700], cmd[1024], msg[600], *m;
	size_t marked, len;

	/*
	 * Room for some batches of messages (they are marked after their
	 * commit), not for all: the batch that fills the disk is lost, and
	 * none of its settled messages may be marked.
	 */
	if (mount_small("1m") == -1)
		TU_SKIP(TU_SKIP_HOST, "cannot mount a tmpfs (needs root)");
	snprintf(md, sizeof(md), "%s/Maildir", tmp);
	snprintf(fdb, sizeof(fdb), "%s/t.db", mnt);
	mt_maildir_fill(md, 0, n);
	snprintf(args, sizeof(args), "--maildir '%s'", md);
	ck_assert_int_eq(ingest(fdb, args, 0), 2);
	ck_assert(err_has("database or disk is full"));
	marked = check_marked_committed(fdb, md);
	printf("faults: disk full after %zu of %zu messages\n", marked, n);
	ck_assert_uint_lt(marked, n);
	ck_assert_uint_eq(mt_maildir_count(md, 0) + mt_maildir_count(md, 1),
	    n);
	/*
	 * an MTA pipe is told to retry.  The lost batch left room in the
	 * WAL, where one message fits: a run with room and nothing to do
	 * checkpoints and removes the WAL, then the file system is filled
	 * to the last block.
	 */
	snprintf(cmd, sizeof(cmd), "mount -o remount,size=64m '%s'", mnt);
	ck_assert_int_eq(tu_run(cmd, NULL), 0);
	snprintf(msg, sizeof(msg), "%s/nothing", tmp);
	ck_assert_int_eq(mkdir(msg, 0700), 0);
	snprintf(cmd, sizeof(cmd), "'%s'", msg);
	(void)ingest(fdb, cmd, 0);
	snprintf(cmd, sizeof(cmd), "dd if=/dev/zero of='%s/filler' bs=4096 "
	    "2>/dev/null", mnt);
	(void)tu_run(cmd, NULL);
	m = mt_message(n + 1, &len);
	snprintf(msg, sizeof(msg), "%s/one.eml", tmp);
	ck_assert_int_eq(tu_write(msg, m, len), 0);
	free(m);
	snprintf(cmd, sizeof(cmd), "--mail '%s'", msg);
	ck_assert_int_eq(ingest(fdb, cmd, 0), 75);
	/* "disk I/O error" when not even the WAL can be made */
	ck_assert(err_has("disk"));
	/* room again: the next run completes */
	snprintf(cmd, sizeof(cmd), "%s/filler", mnt);
	ck_assert_int_eq(unlink(cmd), 0);
	ck_assert_int_eq(ingest(fdb, args, 0), 0);
	ck_assert_uint_eq(check_marked_committed(fdb, md), n);
	ck_assert_uint_eq(mt_maildir_count(md, 0), 0);
	check_sound(fdb, (int64_t)n);
}
END_TEST

/* the number after "key": in dmarc-ingest's --json summary */
static long
json_num(const char *json, const char *key)
{
	char pat[64];
	const char *p;

	snprintf(pat, sizeof(pat), "\"%s\":", key);
	p = strstr(json, pat);
	ck_assert_msg(p != NULL, "no %s in %s", key, json);
	return strtol(p + strlen(pat), NULL, 10);
}

/*
 * A report tree on a full disk: inputs are committed in batches; a batch
 * whose commit fails counts as failed, not stored, so the summary never
 * claims more than the database holds, every input there is whole, and
 * the next run stores the rest.  It may hold more: SQLite can report a
 * failed COMMIT whose frames had reached the WAL (the wal-index could not
 * grow), and recovery makes them durable.
 */
START_TEST(test_faults_disk_full_summary_never_overstates)
{
	const long n = 300;
	char fdb[600], args[700], cmd[2048], *in, *out;
	long stored, failed, rows;

	if (mount_small("512k") == -1)
		TU_SKIP(TU_SKIP_HOST, "cannot mount a tmpfs (needs root)");
	in = fill_dir("in", 0, (size_t)n);
	snprintf(fdb, sizeof(fdb), "%s/t.db", mnt);
	snprintf(cmd, sizeof(cmd), "'%s' --db '%s' --no-progress --json '%s' "
	    "2>'%s/err'", TEST_INGEST_BIN, fdb, in, tmp);
	ck_assert_int_eq(tu_run(cmd, &out), 2);
	ck_assert(err_has("database or disk is full"));
	stored = json_num(out, "stored");
	failed = json_num(out, "failed");
	printf("faults: disk full: %ld stored, %ld failed, summary %s", stored,
	    failed, out);
	free(out);
	ck_assert_int_eq(stored + failed, n);
	ck_assert_int_lt(stored, n);
	rows = (long)tu_query_int(fdb, "SELECT count(*) FROM input");
	ck_assert_int_ge(rows, stored);
	ck_assert_int_le(rows, n - 1);
	ck_assert_int_eq(tu_query_int(fdb, "SELECT count(*) FROM input "
	    "WHERE outcome = 'stored'"), rows);
	check_sound(fdb, rows);
	snprintf(cmd, sizeof(cmd), "mount -o remount,size=64m '%s'", mnt);
	ck_assert_int_eq(tu_run(cmd, NULL), 0);
	snprintf(args, sizeof(args), "'%s'", in);
	ck_assert_int_eq(ingest(fdb, args, 0), 0);
	check_sound(fdb, n);
	free(in);
}
END_TEST

/* a database made, then its file and directory made read-only */
static void
readonly_case(int file_ro, int dir_ro)
{
	char dir[600], rdb[700], md[600], args[2048], *in;

	snprintf(dir, sizeof(dir), "%s/ro", tmp);
	ck_assert_int_eq(mkdir(dir, 0777), 0);
	snprintf(rdb, sizeof(rdb), "%s/t.db", dir);
	in = fill_dir("in", 0, 5);
	snprintf(md, sizeof(md), "%s/Maildir", tmp);
	mt_maildir_fill(md, 0, 5);
	snprintf(args, sizeof(args), "'%s/r0.xml'", in);
	ck_assert_int_eq(ingest(rdb, args, 0), 0);
	/* as if nobody had made it: only the mode is in the way */
	snprintf(args, sizeof(args), "%s.lock", rdb);
	if (geteuid() == 0)
		ck_assert(chown(rdb, NOBODY, NOBODY) == 0 &&
		    chown(args, NOBODY, NOBODY) == 0);
	ck_assert_int_eq(chmod(rdb, file_ro ? 0444 : 0644), 0);
	ck_assert_int_eq(chmod(dir, dir_ro ? 0555 : 0777), 0);
	snprintf(args, sizeof(args), "'%s' --maildir '%s'", in, md);
	ck_assert_int_eq(ingest(rdb, args, 1), 2);
	ck_assert(err_has(rdb));
	ck_assert(err_has("attempt to write a readonly database"));
	ck_assert_uint_eq(mt_maildir_count(md, 0), 5);
	ck_assert_int_eq(chmod(rdb, 0644), 0);
	ck_assert_int_eq(chmod(dir, 0755), 0);
	ck_assert_int_eq(ingest(rdb, args, 0), 0);
	ck_assert_uint_eq(mt_maildir_count(md, 1), 5);
	check_sound(rdb, 5);
	free(in);
}

START_TEST(test_faults_readonly_database_file)
{
	readonly_case(1, 0);
}
END_TEST

START_TEST(test_faults_readonly_database_directory)
{
	readonly_case(0, 1);
}
END_TEST

START_TEST(test_faults_missing_db_directory_created)
{
	char deep[700], args[700], *in = fill_dir("in", 0, 2);

	snprintf(deep, sizeof(deep), "%s/no/such/dir/t.db", tmp);
	snprintf(args, sizeof(args), "'%s'", in);
	ck_assert_int_eq(ingest(deep, args, 0), 0);
	check_sound(deep, 2);
	free(in);
}
END_TEST

START_TEST(test_faults_unreadable_inputs)
{
	char args[2048], p[700], *in = fill_dir("in", 0, 3);

	/* a dangling link, a FIFO (never opened blocking), a file of 000 */
	snprintf(p, sizeof(p), "%s/dangling.xml", tmp);
	ck_assert_int_eq(symlink("/nonexistent/r.xml", p), 0);
	snprintf(p, sizeof(p), "%s/fifo.xml", tmp);
	ck_assert_int_eq(mkfifo(p, 0644), 0);
	snprintf(p, sizeof(p), "%s/r1.xml", in);
	ck_assert_int_eq(chmod(p, 0), 0);
	snprintf(args, sizeof(args), "'%s/dangling.xml'", tmp);
	ck_assert_int_eq(ingest(db, args, 0), 2);
	ck_assert(err_has("dangling.xml: error: No such file or directory"));
	snprintf(args, sizeof(args), "'%s/fifo.xml'", tmp);
	ck_assert_int_eq(ingest(db, args, 0), 2);
	ck_assert(err_has("fifo.xml: error: not a regular file"));
	/* as nobody (its own database), r1.xml cannot be read */
	ck_assert_int_eq(chmod(tmp, 0777), 0);
	snprintf(db, sizeof(db), "%s/nobody.db", tmp);
	snprintf(args, sizeof(args), "'%s'", in);
	ck_assert_int_eq(ingest(db, args, 1), 2);
	ck_assert(err_has("r1.xml: error: Permission denied"));
	check_sound(db, 2);
	ck_assert_int_eq(chmod(p, 0644), 0);
	ck_assert_int_eq(ingest(db, args, 0), 0);
	check_sound(db, 3);
	free(in);
}
END_TEST

/* links, FIFOs and vanished names in a Maildir are skipped, not fatal */
START_TEST(test_faults_maildir_vanished_and_odd_entries)
{
	char md[600], p[700], args[700];

	snprintf(md, sizeof(md), "%s/Maildir", tmp);
	mt_maildir_fill(md, 0, 4);
	snprintf(p, sizeof(p), "%s/new/1.gone", md);
	ck_assert_int_eq(symlink("/nonexistent/1.gone", p), 0);
	snprintf(p, sizeof(p), "%s/new/2.fifo", md);
	ck_assert_int_eq(mkfifo(p, 0644), 0);
	snprintf(args, sizeof(args), "--maildir '%s'", md);
	alarm(60);
	ck_assert_int_eq(ingest(db, args, 0), 0);
	alarm(0);
	ck_assert_uint_eq(mt_maildir_count(md, 1), 4);
	ck_assert_uint_eq(check_marked_committed(db, md), 4);
	check_sound(db, 4);
}
END_TEST

Suite *
faults_suite(void)
{
	Suite *s = suite_create("faults");
	TCase *tc = tcase_create("faults");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_faults_disk_full_marks_nothing_uncommitted);
	tcase_add_test(tc, test_faults_disk_full_summary_never_overstates);
	tcase_add_test(tc, test_faults_readonly_database_file);
	tcase_add_test(tc, test_faults_readonly_database_directory);
	tcase_add_test(tc, test_faults_missing_db_directory_created);
	tcase_add_test(tc, test_faults_unreadable_inputs);
	tcase_add_test(tc, test_faults_maildir_vanished_and_odd_entries);
	suite_add_tcase(s, tc);
	return s;
}

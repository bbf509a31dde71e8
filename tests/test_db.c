/*
 * Tests for schema/db.c: directory creation, pragmas, version checks in
 * both modes, the defensive settings, the views of the schema contract
 * and the default path.
 */
#include <sys/file.h>
#include <sys/stat.h>

#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>
#include <glib.h>

#include "db.h"
#include "schema_sql.h"
#include "testutil.h"
#include "xalloc.h"

Suite	*db_suite(void);

static char *
path_in(const char *dir, const char *rel)
{
	size_t n = strlen(dir) + strlen(rel) + 2;
	char *p = xmalloc(n);

	snprintf(p, n, "%s/%s", dir, rel);
	return p;
}

static int64_t
q_int(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st;
	int64_t v = -1;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return -2;
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

static char *
q_text(sqlite3 *db, const char *sql)
{
	sqlite3_stmt *st;
	char *v = NULL;

	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return NULL;
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
		v = xstrdup((const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	return v;
}

/* a plain SQLite file, outside db_open, with the given user_version */
static void
raw_db(const char *path, const char *sql)
{
	sqlite3 *db;

	ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
}

/* a dmarc-rua database at schema version v, as an older build left it */
static void
old_db(const char *path, size_t v)
{
	sqlite3 *db;
	char sql[64];

	ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
	for (size_t i = 0; i < v; i++)
		ck_assert_int_eq(sqlite3_exec(db, schema_migrations[i], NULL,
		    NULL, NULL), SQLITE_OK);
	snprintf(sql, sizeof(sql), "PRAGMA user_version = %zu", v);
	ck_assert_int_eq(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
}

/* runs a tool on the database; its exit status, its output in *out */
static int
tool(const char *bin, const char *db, const char *args, char **out)
{
	char *cmd = g_strdup_printf("NO_COLOR= '%s' --db '%s' %s 2>&1", bin,
	    db, args);
	int rc = tu_run(cmd, out);

	g_free(cmd);
	return rc;
}

START_TEST(test_db_creates_parent_dirs)
{
	char *dir = tu_tmpdir(), *path = path_in(dir, "a/b/c/dmarc.db");
	char *sub = path_in(dir, "a/b");
	char err[256] = "";
	struct stat sb;
	sqlite3 *db;

	db = db_open(path, DB_READWRITE, err, sizeof(err));
	ck_assert_msg(db != NULL, "db_open: %s", err);
	sqlite3_close(db);
	ck_assert_int_eq(stat(path, &sb), 0);
	ck_assert_int_eq(stat(sub, &sb), 0);
	ck_assert(S_ISDIR(sb.st_mode));
	ck_assert_int_eq(sb.st_mode & 0777, 0700);
	free(sub);
	free(path);
	tu_rmtree(dir);
	free(dir);
}
END_TEST

START_TEST(test_db_pragmas_set)
{
	char *dir = tu_tmpdir(), *path = path_in(dir, "dmarc.db");
	char err[256] = "", *mode;
	sqlite3 *db;

	db = db_open(path, DB_READWRITE, err, sizeof(err));
	ck_assert_msg(db != NULL, "db_open: %s", err);
	mode = q_text(db, "PRAGMA journal_mode");
	ck_assert_str_eq(mode, "wal");
	free(mode);
	ck_assert_int_eq(q_int(db, "PRAGMA foreign_keys"), 1);
	ck_assert_int_eq(q_int(db, "PRAGMA trusted_schema"), 0);
	ck_assert_int_eq(q_int(db, "PRAGMA synchronous"), 1);
	ck_assert_int_eq(q_int(db, "PRAGMA user_version"), DB_SCHEMA_VERSION);
	ck_assert_int_eq(q_int(db, "PRAGMA busy_timeout"), 10000);
	/* defensive mode: the schema cannot be written directly */
	ck_assert_int_ne(sqlite3_exec(db, "PRAGMA writable_schema = ON; "
	    "UPDATE sqlite_schema SET sql = '' WHERE name = 'input'", NULL,
	    NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	free(path);
	tu_rmtree(dir);
	free(dir);
}
END_TEST

START_TEST(test_db_schema_objects_exist)
{
	static const char *const names[] = { "input", "input_chunk", "report",
	    "report_error", "record", "record_reason", "record_dkim",
	    "record_spf", "warning", "v_reports", "v_records", "v_ingest",
	    "v_conflicts", "v_warnings", "report_key", "report_domain_begin",
	    "report_begin" };
	char *dir = tu_tmpdir(), *path = path_in(dir, "dmarc.db");
	char err[256] = "", sql[256];
	sqlite3 *db;

	db = db_open(path, DB_READWRITE, err, sizeof(err));
	ck_assert_msg(db != NULL, "db_open: %s", err);
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(sql, sizeof(sql), "SELECT count(*) FROM sqlite_schema "
		    "WHERE name = '%s'", names[i]);
		ck_assert_msg(q_int(db, sql) == 1, "missing %s", names[i]);
	}
	ck_assert_int_eq(q_int(db, "SELECT count(*) FROM v_reports"), 0);
	ck_assert_int_eq(q_int(db, "SELECT count(*) FROM v_records"), 0);
	ck_assert_int_eq(q_int(db, "SELECT count(*) FROM v_ingest"), 0);
	ck_assert_int_eq(q_int(db, "SELECT count(*) FROM v_conflicts"), 0);
	sqlite3_close(db);
	free(path);
	tu_rmtree(dir);
	free(dir);
}
END_TEST

START_TEST(test_db_reopen_keeps_data)
{
	char *dir = tu_tmpdir(), *path = path_in(dir, "dmarc.db");
	char err[256] = "";
	sqlite3 *db;

	db = db_open(path, DB_READWRITE, err, sizeof(err));
	ck_assert_msg(db != NULL, "db_open: %s", err);
	ck_assert_int_eq(sqlite3_exec(db, "INSERT INTO input (sha256, source, "
	    "first_seen, last_seen) VALUES (hex(zeroblob(32)), 'x', 1, 1)",
	    NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	db = db_open(path, DB_READWRITE, err, sizeof(err));
	ck_assert_msg(db != NULL, "db_open: %s", err);
	ck_assert_int_eq(q_int(db, "SELECT count(*) FROM input"), 1);
	sqlite3_close(db);
	db = db_open(path, DB_READONLY, err, sizeof(err));
	ck_assert_msg(db != NULL, "db_open: %s", err);
	ck_assert_int_eq(q_int(db, "SELECT count(*) FROM v_ingest"), 1);
	ck_assert_int_ne(sqlite3_exec(db, "DELETE FROM input", NULL, NULL,
	    NULL), SQLITE_OK);
	sqlite3_close(db);
	free(path);
	tu_rmtree(dir);
	free(dir);
}
END_TEST

START_TEST(test_db_refuses_newer_version)
{
	char *dir = tu_tmpdir(), *path = path_in(dir, "dmarc.db");
	char err[256] = "";

	char sql[128], want[128];

	snprintf(sql, sizeof(sql), "CREATE TABLE t (a); PRAGMA user_version "
	    "= %d", DB_SCHEMA_VERSION + 1);
	raw_db(path, sql);
	ck_assert_ptr_null(db_open(path, DB_READWRITE, err, sizeof(err)));
	snprintf(want, sizeof(want), "database schema version %d is newer "
	    "than this program (%d)", DB_SCHEMA_VERSION + 1, DB_SCHEMA_VERSION);
	ck_assert_str_eq(err, want);
	err[0] = '\0';
	ck_assert_ptr_null(db_open(path, DB_READONLY, err, sizeof(err)));
	ck_assert_ptr_nonnull(strstr(err, "newer than this program"));
	/* untouched: still version 2, no tables of ours */
	ck_assert_int_eq(tu_query_int(path, "PRAGMA user_version"),
	    DB_SCHEMA_VERSION + 1);
	ck_assert_int_eq(tu_query_int(path, "SELECT count(*) FROM "
	    "sqlite_schema WHERE name = 'input'"), 0);
	free(path);
	tu_rmtree(dir);
	free(dir);
}
END_TEST

START_TEST(test_db_readonly_missing_or_old)
{
	char *dir = tu_tmpdir(), *path = path_in(dir, "dmarc.db");
	char *sub = path_in(dir, "nodir/dmarc.db");
	char err[256] = "";
	struct stat sb;

	ck_assert_ptr_null(db_open(path, DB_READONLY, err, sizeof(err)));
	ck_assert_ptr_nonnull(strstr(err, "cannot open database"));
	ck_assert_int_eq(stat(path, &sb), -1);
	ck_assert_ptr_null(db_open(sub, DB_READONLY, err, sizeof(err)));
	/* read-only mode creates no directory either */
	*strrchr(sub, '/') = '\0';
	ck_assert_int_eq(stat(sub, &sb), -1);
	/* a dmarc-rua database one version old */
	old_db(path, DB_SCHEMA_VERSION - 1);
	err[0] = '\0';
	ck_assert_ptr_null(db_open(path, DB_READONLY, err, sizeof(err)));
	ck_assert_msg(strstr(err, "is older than this program") != NULL &&
	    strstr(err, "run dmarc-ingest to upgrade it") != NULL, "%s", err);
	free(sub);
	free(path);
	tu_rmtree(dir);
	free(dir);
}
END_TEST

/*
 * dmarc-report's cache handle (DB_CACHE) writes, but never creates or
 * migrates: a missing file stays missing, an old schema stays old, and
 * a current one accepts a write to dns_cache.
 */
START_TEST(test_db_cache_mode_writes_but_never_creates_or_migrates)
{
	char *dir = tu_tmpdir(), *path = path_in(dir, "dmarc.db");
	char *old = path_in(dir, "old.db");
	char err[256] = "";
	struct stat sb;
	sqlite3 *db;

	ck_assert_ptr_null(db_open(path, DB_CACHE, err, sizeof(err)));
	ck_assert_ptr_nonnull(strstr(err, "cannot open database"));
	ck_assert_int_eq(stat(path, &sb), -1);
	old_db(old, 4);
	err[0] = '\0';
	ck_assert_ptr_null(db_open(old, DB_CACHE, err, sizeof(err)));
	ck_assert_ptr_nonnull(strstr(err, "is older than this program"));
	/* still version 4: nothing was migrated */
	ck_assert_int_eq(sqlite3_open(old, &db), SQLITE_OK);
	ck_assert_int_eq(q_int(db, "PRAGMA user_version"), 4);
	sqlite3_close(db);
	ck_assert_ptr_nonnull(db = db_open(path, DB_READWRITE, err,
	    sizeof(err)));
	sqlite3_close(db);
	ck_assert_ptr_nonnull(db = db_open(path, DB_CACHE, err, sizeof(err)));
	ck_assert_int_eq(sqlite3_exec(db, "INSERT INTO dns_cache VALUES "
	    "('system', 'TXT', '_dmarc.example.org', 0, 'nodata', 0, NULL, "
	    "60, 1)", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	free(old);
	free(path);
	tu_rmtree(dir);
	free(dir);
}
END_TEST

START_TEST(test_db_not_a_database)
{
	char *dir = tu_tmpdir(), *path = path_in(dir, "dmarc.db");
	char err[256] = "";
	static const char junk[] = "this is not an SQLite database, not at "
	    "all, and it is long enough to have a header of sorts.........";

	ck_assert_int_eq(tu_write(path, junk, sizeof(junk)), 0);
	ck_assert_ptr_null(db_open(path, DB_READWRITE, err, sizeof(err)));
	ck_assert_msg(err[0] != '\0', "no message");
	free(path);
	tu_rmtree(dir);
	free(dir);
}
END_TEST

START_TEST(test_db_default_path)
{
	char *p;

	setenv("DMARC_DB", "/x/y.db", 1);
	p = db_default_path();
	ck_assert_str_eq(p, "/x/y.db");
	free(p);
	unsetenv("DMARC_DB");
	setenv("XDG_DATA_HOME", "/data", 1);
	setenv("HOME", "/home/u", 1);
	p = db_default_path();
	ck_assert_str_eq(p, "/data/dmarc-rua/dmarc.db");
	free(p);
	setenv("XDG_DATA_HOME", "relative", 1);
	p = db_default_path();
	ck_assert_str_eq(p, "/home/u/.local/share/dmarc-rua/dmarc.db");
	free(p);
	unsetenv("XDG_DATA_HOME");
	p = db_default_path();
	ck_assert_str_eq(p, "/home/u/.local/share/dmarc-rua/dmarc.db");
	free(p);
}
END_TEST

/* mode bits of path, or -1 */
static int
mode_of(const char *path)
{
	struct stat sb;

	return lstat(path, &sb) == 0 ? (int)(sb.st_mode & 07777) : -1;
}

START_TEST(test_db_new_files_private_whatever_the_umask)
{
	char *dir = tu_tmpdir(), *p = path_in(dir, "sub/d.db");
	char *wal = path_in(dir, "sub/d.db-wal"), *shm = path_in(dir,
	    "sub/d.db-shm"), err[512];
	mode_t old = umask(022);
	sqlite3 *db = db_open(p, DB_READWRITE, err, sizeof(err));

	ck_assert_msg(db != NULL, "%s", err);
	ck_assert_int_eq(sqlite3_exec(db, "CREATE TABLE t (x); INSERT INTO t "
	    "VALUES (1)", NULL, NULL, NULL), SQLITE_OK);
	ck_assert_int_eq(mode_of(p), 0600);
	ck_assert_int_eq(mode_of(wal), 0600);
	ck_assert_int_eq(mode_of(shm), 0600);
	sqlite3_close(db);
	umask(old);
	free(shm);
	free(wal);
	free(p);
	tu_rmtree(dir);
	free(dir);
}
END_TEST

START_TEST(test_db_symlink_at_path_refused)
{
	char *dir = tu_tmpdir(), *p = path_in(dir, "d.db");
	char *target = path_in(dir, "elsewhere.db"), *cmd, *out, err[512];

	ck_assert_int_eq(symlink(target, p), 0);
	ck_assert_ptr_null(db_open(p, DB_READWRITE, err, sizeof(err)));
	ck_assert_msg(strstr(err, "symbolic link") != NULL, "%s", err);
	ck_assert_int_eq(mode_of(target), -1);	/* nothing created there */
	/* the same through dmarc-ingest: exit 2, a clear line */
	cmd = g_strdup_printf("'%s' --db '%s' /dev/null 2>&1", TEST_INGEST_BIN,
	    p);
	ck_assert_int_eq(tu_run(cmd, &out), 2);
	ck_assert_msg(strstr(out, "is a symbolic link") != NULL, "%s", out);
	ck_assert_int_eq(mode_of(target), -1);
	free(out);
	g_free(cmd);
	free(target);
	free(p);
	tu_rmtree(dir);
	free(dir);
}
END_TEST

START_TEST(test_db_not_created_while_another_run_holds_the_lock)
{
	char *dir = tu_tmpdir(), *p = path_in(dir, "new/d.db");
	char *lk = path_in(dir, "new/d.db.lock"), *cmd, err[512];
	int fd;

	ck_assert_int_eq(db_create_dir(p, err, sizeof(err)), 0);
	fd = open(lk, O_RDWR | O_CREAT, 0600);
	ck_assert_int_ne(fd, -1);
	ck_assert_int_eq(flock(fd, LOCK_EX), 0);
	cmd = g_strdup_printf("'%s' --db '%s' --lock-timeout 0 /dev/null "
	    "2>/dev/null", TEST_INGEST_BIN, p);
	ck_assert_int_eq(tu_run(cmd, NULL), 75);
	ck_assert_int_eq(mode_of(p), -1);	/* the lock came first */
	close(fd);
	g_free(cmd);
	free(lk);
	free(p);
	tu_rmtree(dir);
	free(dir);
}
END_TEST

/* issue 13: --db DIRECTORY said "disk I/O error" */
START_TEST(test_db_directory_named_with_the_cause)
{
	char *dir = tu_tmpdir(), err[512], *out, want[600];

	snprintf(want, sizeof(want), "cannot open database '%s': it is a "
	    "directory", dir);
	ck_assert_ptr_null(db_open(dir, DB_READWRITE, err, sizeof(err)));
	ck_assert_msg(strstr(err, want) != NULL, "%s", err);
	ck_assert_ptr_null(db_open(dir, DB_READONLY, err, sizeof(err)));
	ck_assert_msg(strstr(err, want) != NULL, "%s", err);
	ck_assert_int_eq(db_check_path(dir, err, sizeof(err)), -1);
	ck_assert_int_eq(tool(TEST_INGEST_BIN, dir, "/dev/null", &out), 2);
	ck_assert_msg(strstr(out, want) != NULL, "%s", out);
	ck_assert_ptr_null(strstr(out, "disk I/O error"));
	free(out);
	ck_assert_int_eq(tool(TEST_REPORT_BIN, dir, "--no-dns", &out), 2);
	ck_assert_msg(strstr(out, want) != NULL, "%s", out);
	free(out);
	ck_assert_int_eq(tool(TEST_REPORT_BIN, dir, "policy example.org "
	    "--no-dns", &out), 2);
	ck_assert_msg(strstr(out, want) != NULL, "%s", out);
	free(out);
	tu_rmtree(dir);
	free(dir);
}
END_TEST

/*
 * issue 13: another program's SQLite file was told "run dmarc-ingest to
 * upgrade it", and dmarc-ingest then added its tables to it
 */
START_TEST(test_db_foreign_database_refused_and_left_as_it_is)
{
	char *dir = tu_tmpdir(), *p = path_in(dir, "other.db");
	char *v3 = path_in(dir, "v3.db"), *wal = path_in(dir, "other.db-wal");
	char err[512], want[600], *out;
	uint8_t *before, *after;
	size_t n0, n1;

	raw_db(p, "CREATE TABLE contacts (name TEXT); INSERT INTO contacts "
	    "VALUES ('x')");
	before = tu_slurp(p, &n0);
	snprintf(want, sizeof(want), "'%s' is not a dmarc-rua database: it "
	    "holds tables but no dmarc-rua schema version", p);
	ck_assert_ptr_null(db_open(p, DB_READWRITE, err, sizeof(err)));
	ck_assert_msg(strstr(err, want) != NULL, "%s", err);
	ck_assert_ptr_null(db_open(p, DB_READONLY, err, sizeof(err)));
	ck_assert_msg(strstr(err, want) != NULL, "%s", err);
	ck_assert_int_eq(db_check_path(p, err, sizeof(err)), -1);
	ck_assert_int_eq(tool(TEST_INGEST_BIN, p, "/dev/null", &out), 2);
	ck_assert_msg(strstr(out, want) != NULL, "%s", out);
	free(out);
	ck_assert_int_eq(tool(TEST_REPORT_BIN, p, "--no-dns", &out), 2);
	ck_assert_msg(strstr(out, want) != NULL, "%s", out);
	ck_assert_ptr_null(strstr(out, "upgrade"));
	free(out);
	ck_assert_int_eq(tool(TEST_REPORT_BIN, p, "policy example.org "
	    "--no-dns", &out), 2);
	ck_assert_msg(strstr(out, want) != NULL, "%s", out);
	free(out);
	/* not one byte written, not switched to WAL, none of our tables */
	after = tu_slurp(p, &n1);
	ck_assert_uint_eq(n0, n1);
	ck_assert_int_eq(memcmp(before, after, n0), 0);
	ck_assert_int_eq(mode_of(wal), -1);
	ck_assert_int_eq(tu_query_int(p, "SELECT count(*) FROM sqlite_schema "
	    "WHERE name = 'input'"), 0);
	/* a schema version, but not our tables */
	raw_db(v3, "CREATE TABLE t (a); PRAGMA user_version = 3");
	ck_assert_ptr_null(db_open(v3, DB_READWRITE, err, sizeof(err)));
	ck_assert_msg(strstr(err, "is not a dmarc-rua database: schema "
	    "version 3 without the dmarc-rua tables") != NULL, "%s", err);
	ck_assert_int_eq(tu_query_int(v3, "PRAGMA user_version"), 3);
	free(before);
	free(after);
	free(wal);
	free(v3);
	free(p);
	tu_rmtree(dir);
	free(dir);
}
END_TEST

/*
 * An empty database is not foreign: dmarc-ingest creates the file and
 * takes its lock before it writes the schema, so a run killed in between
 * leaves a 0-byte file, or a SQLite file without tables
 */
START_TEST(test_db_empty_database_is_new_not_foreign)
{
	char *dir = tu_tmpdir(), *p = path_in(dir, "empty.db");
	char *q = path_in(dir, "notables.db"), *x, *out, err[512];
	const char *const files[] = { p, q };
	struct stat sb;
	sqlite3 *db;

	ck_assert_int_eq(tu_write(p, "", 0), 0);
	raw_db(q, "PRAGMA journal_mode = WAL; PRAGMA user_version = 0");
	for (size_t i = 0; i < 2; i++) {
		/* a reader: nothing stored yet, the file left as it is */
		db = db_open(files[i], DB_READONLY, err, sizeof(err));
		ck_assert_msg(db != NULL, "%s", err);
		ck_assert_int_eq(q_int(db, "SELECT count(*) FROM v_reports"), 0);
		ck_assert_int_eq(q_int(db, "SELECT count(*) FROM v_records"), 0);
		sqlite3_close(db);
		ck_assert_int_eq(db_check_path(files[i], err, sizeof(err)), 0);
		ck_assert_int_eq(tool(TEST_REPORT_BIN, files[i], "--no-dns",
		    &out), 0);
		ck_assert_msg(strstr(out, "no reports in the window") != NULL,
		    "%s", out);
		free(out);
		ck_assert_int_eq(tu_query_int(files[i], "SELECT count(*) FROM "
		    "sqlite_schema"), 0);
	}
	ck_assert_int_eq(stat(p, &sb), 0);
	ck_assert_int_eq(sb.st_size, 0);
	/* the writer simply creates the schema */
	db = db_open(p, DB_READWRITE, err, sizeof(err));
	ck_assert_msg(db != NULL, "%s", err);
	ck_assert_int_eq(q_int(db, "PRAGMA user_version"), DB_SCHEMA_VERSION);
	sqlite3_close(db);
	x = tu_data("valid/idn/report.xml");
	ck_assert_int_eq(tool(TEST_INGEST_BIN, q, x, &out), 0);
	free(out);
	ck_assert_int_eq(tu_query_int(q, "SELECT count(*) FROM v_reports"), 1);
	free(x);
	free(q);
	free(p);
	tu_rmtree(dir);
	free(dir);
}
END_TEST

/* schema 7 (IDN forms) on a version 6 database keeps its rows, and the
   later migrations run after it */
START_TEST(test_db_schema_7_migration_adds_unicode_columns)
{
	char *dir = tu_tmpdir(), *p = path_in(dir, "v6.db"), err[512];
	sqlite3 *db;

	old_db(p, 6);
	raw_db(p, "INSERT INTO input (sha256, source, first_seen, last_seen) "
	    "VALUES (hex(zeroblob(32)), 'x', 1, 1); INSERT INTO report "
	    "(input_id, format, begin_utc, end_utc, policy_domain, org_key, "
	    "email_key, stored_at) VALUES (1, 'rfc7489', 1, 2, "
	    "'bücher.example', '', '', 3)");
	db = db_open(p, DB_READWRITE, err, sizeof(err));
	ck_assert_msg(db != NULL, "%s", err);
	ck_assert_int_eq(q_int(db, "PRAGMA user_version"),
	    DB_SCHEMA_VERSION);
	ck_assert_int_eq(q_int(db, "SELECT count(*) FROM v_reports WHERE "
	    "policy_domain = 'bücher.example' AND policy_domain_unicode IS "
	    "NULL"), 1);
	ck_assert_int_eq(q_int(db, "SELECT count(header_from_unicode) FROM "
	    "v_records"), 0);
	ck_assert_int_eq(q_int(db, "SELECT count(domain_unicode) FROM "
	    "record_dkim"), 0);
	ck_assert_int_eq(q_int(db, "SELECT count(domain_unicode) FROM "
	    "record_spf"), 0);
	sqlite3_close(db);
	free(p);
	tu_rmtree(dir);
	free(dir);
}
END_TEST

Suite *
db_suite(void)
{
	Suite *s = suite_create("db");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_db_creates_parent_dirs);
	tcase_add_test(tc, test_db_pragmas_set);
	tcase_add_test(tc, test_db_schema_objects_exist);
	tcase_add_test(tc, test_db_reopen_keeps_data);
	tcase_add_test(tc, test_db_refuses_newer_version);
	tcase_add_test(tc, test_db_readonly_missing_or_old);
	tcase_add_test(tc, test_db_cache_mode_writes_but_never_creates_or_migrates);
	tcase_add_test(tc, test_db_not_a_database);
	tcase_add_test(tc, test_db_default_path);
	tcase_add_test(tc, test_db_new_files_private_whatever_the_umask);
	tcase_add_test(tc, test_db_symlink_at_path_refused);
	tcase_add_test(tc,
	    test_db_not_created_while_another_run_holds_the_lock);
	tcase_add_test(tc, test_db_directory_named_with_the_cause);
	tcase_add_test(tc, test_db_foreign_database_refused_and_left_as_it_is);
	tcase_add_test(tc, test_db_empty_database_is_new_not_foreign);
	tcase_add_test(tc, test_db_schema_7_migration_adds_unicode_columns);
	suite_add_tcase(s, tc);
	return s;
}

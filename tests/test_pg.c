/*
 * The PostgreSQL backend against a real server (tests/pgtest.h, one per
 * suite): the statement API as test_query proves it on SQLite, the
 * migrations (the schema at the current version, every v_* view with
 * SQLite's columns in SQLite's order), and read-only report sessions.
 * Without the server binaries every test skips (a failure under CI).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>
#include <sqlite3.h>

#include "db.h"
#include "db_pg.h"
#include "pgtest.h"
#include "rdb.h"
#include "testutil.h"
#include "xalloc.h"

Suite *pg_suite(void);

static char why[512];
static int up;

static void
setup(void)
{
	up = pgtest_start(why, sizeof(why)) == 0;
}

static void
teardown(void)
{
	pgtest_stop();
}

#define NEED_SERVER() do {						\
	if (!up)							\
		TU_SKIP(TU_SKIP_SERVER, "%s", why);			\
} while (0)

/* a new database migrated to the current version; caller frees */
static char *
migrated(const char *name)
{
	char *ci = pgtest_createdb(name), err[512];
	PGconn *c = dbpg_open(ci, DB_READWRITE, err, sizeof(err));

	ck_assert_msg(c != NULL, "%s", err);
	PQfinish(c);
	return ci;
}

#define near(a, b)	ck_assert_msg((a) > (b) - 1e-6 && (a) < (b) + 1e-6, \
	"%s = %f, expected %f", #a, (double)(a), (double)(b))

/*
 * test_query_statements_bind_step_and_read_every_type on PostgreSQL: the
 * same SQL but for the blob cast's type name, the same values out.
 */
START_TEST(test_pg_statements_bind_step_and_read_every_type)
{
	struct rdb_stmt *st;
	struct rdb *db;
	char err[512], *ci;
	size_t len;
	const char *b;

	NEED_SERVER();
	ci = migrated("stmt");
	db = rdb_open(ci, RDB_READ, err, sizeof(err));
	ck_assert_msg(db != NULL, "%s", err);
	ck_assert_str_eq(rdb_backend(db), "postgresql");
	ck_assert_int_eq(rdb_prepare(db, "SELECT ?1 + 1, ?2 * 2, ?3 || 'x',"
	    " ?4, CAST(?3 AS BYTEA), '?1 stays' -- ?9\n", &st, err,
	    sizeof(err)), 0);
	ck_assert_int_eq(rdb_bind_int64(st, 1, 41), 0);
	ck_assert_int_eq(rdb_bind_double(st, 2, 1.25), 0);
	ck_assert_int_eq(rdb_bind_text(st, 3, "ab"), 0);
	ck_assert_int_eq(rdb_bind_null(st, 4), 0);
	ck_assert_int_eq(rdb_step(st), 1);
	ck_assert_int_eq(rdb_col_int64(st, 0), 42);
	near(rdb_col_double(st, 1), 2.5);
	ck_assert_str_eq(rdb_col_text(st, 2), "abx");
	ck_assert_int_eq(rdb_col_is_null(st, 3), 1);
	ck_assert_ptr_null(rdb_col_text(st, 3));
	ck_assert_int_eq(rdb_col_is_null(st, 0), 0);
	b = rdb_col_blob(st, 4, &len);
	ck_assert_uint_eq(len, 2);
	ck_assert_int_eq(memcmp(b, "ab", 2), 0);
	/* a literal holding ?1 is not a parameter */
	ck_assert_str_eq(rdb_col_text(st, 5), "?1 stays");
	ck_assert_int_eq(rdb_step(st), 0);
	rdb_reset(st);
	ck_assert_int_eq(rdb_step(st), 1);	/* bindings cleared: NULLs */
	ck_assert_int_eq(rdb_col_is_null(st, 0), 1);
	b = rdb_col_blob(st, 4, &len);
	ck_assert_ptr_null(b);
	ck_assert_uint_eq(len, 0);
	rdb_finalize(st);

	/* booleans read as 1/0, big integers whole, numeric truncated */
	ck_assert_int_eq(rdb_prepare(db, "SELECT 1 = 1, 1 = 2, ?1, "
	    "CAST(7 AS NUMERIC) / 2", &st, err, sizeof(err)), 0);
	ck_assert_int_eq(rdb_bind_int64(st, 1, 5000000000LL), 0);
	ck_assert_int_eq(rdb_step(st), 1);
	ck_assert_int_eq(rdb_col_int64(st, 0), 1);
	ck_assert_str_eq(rdb_col_text(st, 1), "0");
	ck_assert_int_eq(rdb_col_int64(st, 2), 5000000000LL);
	ck_assert_int_eq(rdb_col_int64(st, 3), 3);
	rdb_finalize(st);

	/* errors: bad SQL names the cause; a read-only handle refuses writes */
	ck_assert_int_eq(rdb_prepare(db, "SELEKT 1", &st, err, sizeof(err)),
	    -1);
	ck_assert_ptr_null(st);
	ck_assert_ptr_nonnull(strstr(err, "SELEKT"));
	ck_assert_int_eq(rdb_prepare(db, "SELECT * FROM no_such", &st, err,
	    sizeof(err)), -1);
	ck_assert_int_eq(rdb_no_table(db), 1);
	ck_assert_int_eq(rdb_exec(db, "DELETE FROM input", err,
	    sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "read-only"));
	ck_assert_int_eq(rdb_exec(db, "SELECT 1", err, sizeof(err)), 0);
	ck_assert_ptr_nonnull(rdb_errmsg(db));
	rdb_close(db);
	free(ci);
}
END_TEST

/*
 * Two statements stepped in turn on one connection (libpq runs one query
 * at a time): the outer one's rows survive the inner one's.
 */
START_TEST(test_pg_statements_nest)
{
	struct rdb_stmt *outer, *inner;
	struct rdb *db;
	char err[512], *ci;
	int64_t sum = 0;

	NEED_SERVER();
	ci = migrated("nest");
	db = rdb_open(ci, RDB_READ, err, sizeof(err));
	ck_assert_msg(db != NULL, "%s", err);
	ck_assert_int_eq(rdb_prepare(db, "SELECT g FROM generate_series(1, "
	    "?1) g", &outer, err, sizeof(err)), 0);
	ck_assert_int_eq(rdb_prepare(db, "SELECT ?1 * 10", &inner, err,
	    sizeof(err)), 0);
	rdb_bind_int64(outer, 1, 5);
	while (rdb_step(outer) == 1) {
		rdb_reset(inner);
		rdb_bind_int64(inner, 1, rdb_col_int64(outer, 0));
		ck_assert_int_eq(rdb_step(inner), 1);
		sum += rdb_col_int64(inner, 0);
	}
	ck_assert_int_eq(sum, 150);
	rdb_finalize(inner);
	rdb_finalize(outer);
	rdb_close(db);
	free(ci);
}
END_TEST

/* the columns of SQLite view name in a fresh SQLite database, "a,b,c" */
static char *
sqlite_columns(sqlite3 *h, const char *view)
{
	sqlite3_stmt *st;
	char *sql = xasprintf("SELECT group_concat(name, ',') FROM "
	    "pragma_table_info('%s')", view), *s;

	ck_assert_int_eq(sqlite3_prepare_v2(h, sql, -1, &st, NULL),
	    SQLITE_OK);
	ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
	s = xstrdup((const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	free(sql);
	return s;
}

/*
 * The PostgreSQL migrations give the current schema version and every
 * table and v_* view SQLite has, with the same columns in the same order.
 */
START_TEST(test_pg_migration_creates_the_schema_at_the_current_version)
{
	char *ci, *tmp, *path, *out = NULL, err[512];
	sqlite3_stmt *st;
	sqlite3 *h;
	PGconn *c;
	int n = 0;

	NEED_SERVER();
	ci = migrated("schema");
	ck_assert_ptr_nonnull(c = dbpg_open(ci, DB_READONLY, err,
	    sizeof(err)));
	ck_assert_int_eq(dbpg_version(c, err, sizeof(err)),
	    DB_SCHEMA_VERSION);
	PQfinish(c);
	tmp = tu_tmpdir();
	path = xasprintf("%s/s.db", tmp);
	ck_assert_ptr_nonnull(h = db_open(path, DB_READWRITE, err,
	    sizeof(err)));
	ck_assert_int_eq(sqlite3_prepare_v2(h, "SELECT name FROM "
	    "sqlite_schema WHERE type IN ('table', 'view') ORDER BY name",
	    -1, &st, NULL), SQLITE_OK);
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *name = (const char *)sqlite3_column_text(st, 0);
		char *want = sqlite_columns(h, name), *q;

		q = xasprintf("SELECT string_agg(column_name, ',' ORDER BY "
		    "ordinal_position) FROM information_schema.columns WHERE "
		    "table_schema = current_schema() AND table_name = '%s';",
		    name);
		ck_assert_int_eq(pgtest_psql(ci, q, &out), 0);
		out[strcspn(out, "\n")] = '\0';
		ck_assert_msg(strcmp(out, want) == 0, "%s: PostgreSQL has "
		    "(%s), SQLite (%s)", name, out, want);
		free(out);
		free(want);
		free(q);
		n++;
	}
	sqlite3_finalize(st);
	sqlite3_close(h);
	ck_assert_int_gt(n, 20);
	/* a reader refuses a database without the schema */
	free(ci);
	ci = pgtest_createdb("empty");
	ck_assert_ptr_null(dbpg_open(ci, DB_READONLY, err, sizeof(err)));
	ck_assert_ptr_nonnull(strstr(err, "no dmarc-rua schema"));
	tu_rmtree(tmp);
	free(tmp);
	free(path);
	free(ci);
}
END_TEST

Suite *
pg_suite(void)
{
	Suite *s = suite_create("pg");
	TCase *tc = tcase_create("server");

	tcase_add_unchecked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_pg_statements_bind_step_and_read_every_type);
	tcase_add_test(tc, test_pg_statements_nest);
	tcase_add_test(tc,
	    test_pg_migration_creates_the_schema_at_the_current_version);
	suite_add_tcase(s, tc);
	return s;
}

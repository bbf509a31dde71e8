/*
 * The SQLite row of the backends table (rdb_int.h): opening through
 * schema/db.h, DB_READONLY for the reports, DB_CACHE for the two tables
 * dmarc-report writes; the statements are in rdb_stmt_sqlite.c.
 */
#include <stdio.h>
#include <string.h>

#include "db.h"
#include "rdb_sqlite.h"

static int
sq_open(struct rdb *r, const char *path, enum rdb_mode mode, char *err,
    size_t errlen)
{
	r->db = db_open(path, mode == RDB_CACHE ? DB_CACHE : DB_READONLY,
	    err, errlen);
	return r->db != NULL ? 0 : -1;
}

static void
sq_close(struct rdb *r)
{
	sqlite3_close(r->db);
}

static int
sq_exec(struct rdb *r, const char *sql, char *err, size_t errlen)
{
	if (sqlite3_exec(r->db, sql, NULL, NULL, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "%s", sqlite3_errmsg(r->db));
		return -1;
	}
	return 0;
}

static const char *
sq_errmsg(struct rdb *r)
{
	return sqlite3_errmsg(r->db);
}

static int
sq_no_table(struct rdb *r)
{
	return strstr(sqlite3_errmsg(r->db), "no such table") != NULL;
}

const struct rdb_ops rdb_sqlite_ops = {
	.name = "sqlite",
	.open = sq_open,
	.close = sq_close,
	.prepare = rdb_sqlite_prepare,
	.bind = rdb_sqlite_bind,
	.step = rdb_sqlite_step,
	.column = rdb_sqlite_column,
	.reset = rdb_sqlite_reset,
	.finalize = rdb_sqlite_finalize,
	.exec = sq_exec,
	.errmsg = sq_errmsg,
	.no_table = sq_no_table,
	.begin_write = "BEGIN IMMEDIATE",
};

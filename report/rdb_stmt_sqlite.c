/*
 * Statements, SQLite backend (rdb.h): struct rdb_stmt wraps one
 * sqlite3_stmt prepared on the handle's connection.  Thin by design;
 * every query file above it is written against rdb.h only.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rdb_sqlite.h"
#include "xalloc.h"

struct rdb_stmt {
	struct rdb	*db;
	sqlite3_stmt	*s;		/* owned */
};

int
rdb_prepare(struct rdb *r, const char *sql, struct rdb_stmt **st,
    char *err, size_t errlen)
{
	sqlite3_stmt *s;

	*st = NULL;
	if (sqlite3_prepare_v2(r->db, sql, -1, &s, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "%s", sqlite3_errmsg(r->db));
		sqlite3_finalize(s);
		return -1;
	}
	*st = xcalloc(1, sizeof(**st));
	(*st)->db = r;
	(*st)->s = s;
	return 0;
}

static int
ok(int rc)
{
	return rc == SQLITE_OK ? 0 : -1;
}

int
rdb_bind_int64(struct rdb_stmt *st, int i, int64_t v)
{
	return ok(sqlite3_bind_int64(st->s, i, v));
}

int
rdb_bind_double(struct rdb_stmt *st, int i, double v)
{
	return ok(sqlite3_bind_double(st->s, i, v));
}

int
rdb_bind_text(struct rdb_stmt *st, int i, const char *v)
{
	if (v == NULL)
		return ok(sqlite3_bind_null(st->s, i));
	return ok(sqlite3_bind_text(st->s, i, v, -1, SQLITE_TRANSIENT));
}

int
rdb_bind_null(struct rdb_stmt *st, int i)
{
	return ok(sqlite3_bind_null(st->s, i));
}

int
rdb_step(struct rdb_stmt *st)
{
	switch (sqlite3_step(st->s)) {
	case SQLITE_ROW:
		return 1;
	case SQLITE_DONE:
		return 0;
	default:
		return -1;
	}
}

int
rdb_col_is_null(struct rdb_stmt *st, int i)
{
	return sqlite3_column_type(st->s, i) == SQLITE_NULL;
}

int64_t
rdb_col_int64(struct rdb_stmt *st, int i)
{
	return sqlite3_column_int64(st->s, i);
}

double
rdb_col_double(struct rdb_stmt *st, int i)
{
	return sqlite3_column_double(st->s, i);
}

const char *
rdb_col_text(struct rdb_stmt *st, int i)
{
	return (const char *)sqlite3_column_text(st->s, i);
}

const void *
rdb_col_blob(struct rdb_stmt *st, int i, size_t *len)
{
	const void *p = sqlite3_column_blob(st->s, i);

	*len = p != NULL ? (size_t)sqlite3_column_bytes(st->s, i) : 0;
	return p;
}

void
rdb_reset(struct rdb_stmt *st)
{
	sqlite3_reset(st->s);
	sqlite3_clear_bindings(st->s);
}

void
rdb_finalize(struct rdb_stmt *st)
{
	if (st == NULL)
		return;
	sqlite3_finalize(st->s);
	free(st);
}

int
rdb_exec(struct rdb *r, const char *sql, char *err, size_t errlen)
{
	if (sqlite3_exec(r->db, sql, NULL, NULL, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "%s", sqlite3_errmsg(r->db));
		return -1;
	}
	return 0;
}

const char *
rdb_errmsg(struct rdb *r)
{
	return sqlite3_errmsg(r->db);
}

int
rdb_no_table(struct rdb *r)
{
	return strstr(sqlite3_errmsg(r->db), "no such table") != NULL;
}

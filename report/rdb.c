/*
 * The database seam's dispatcher (rdb.h): picks the backend row
 * (rdb_int.h) from the database's name, schema/db.h's db_is_postgres(),
 * and sends every call of the statement API through it.  No SQL and no
 * database library here.
 */
#include <stdio.h>
#include <stdlib.h>

#include "db.h"
#include "rdb_int.h"
#include "xalloc.h"

struct rdb *
rdb_open(const char *target, enum rdb_mode mode, char *err, size_t errlen)
{
	struct rdb *r = xcalloc(1, sizeof(*r));

	r->ops = db_is_postgres(target) ? &rdb_pg_ops : &rdb_sqlite_ops;
	if (r->ops->open(r, target, mode, err, errlen) == -1) {
		free(r);
		return NULL;
	}
	return r;
}

void
rdb_close(struct rdb *r)
{
	if (r == NULL)
		return;
	rdb_finalize(r->cache_get);
	rdb_finalize(r->cache_del);
	rdb_finalize(r->cache_ins);
	r->ops->close(r);
	free(r);
}

const char *
rdb_backend(const struct rdb *r)
{
	return r->ops->name;
}

char *
rdb_default_path(void)
{
	return db_default_path();
}

int
rdb_check_path(const char *target, char *err, size_t errlen)
{
	if (db_is_postgres(target))
		return 0;
	return db_check_path(target, err, errlen);
}

int
rdb_prepare(struct rdb *r, const char *sql, struct rdb_stmt **st,
    char *err, size_t errlen)
{
	void *b;

	*st = NULL;
	if (r->ops->prepare(r, sql, &b, err, errlen) == -1)
		return -1;
	*st = xcalloc(1, sizeof(**st));
	(*st)->r = r;
	(*st)->st = b;
	return 0;
}

static int
bind(struct rdb_stmt *st, int i, enum rdb_type t, int64_t iv, double d,
    const char *s)
{
	struct rdb_value v = { .type = t, .i = iv, .d = d, .s = s };

	if (t == RDB_TEXT && s == NULL)
		v.type = RDB_NULL;
	return st->r->ops->bind(st->st, i, &v);
}

int
rdb_bind_int64(struct rdb_stmt *st, int i, int64_t v)
{
	return bind(st, i, RDB_INT64, v, 0, NULL);
}

int
rdb_bind_double(struct rdb_stmt *st, int i, double v)
{
	return bind(st, i, RDB_DOUBLE, 0, v, NULL);
}

int
rdb_bind_text(struct rdb_stmt *st, int i, const char *v)
{
	return bind(st, i, RDB_TEXT, 0, 0, v);
}

int
rdb_bind_null(struct rdb_stmt *st, int i)
{
	return bind(st, i, RDB_NULL, 0, 0, NULL);
}

int
rdb_step(struct rdb_stmt *st)
{
	return st->r->ops->step(st->st);
}

static void
column(struct rdb_stmt *st, int i, enum rdb_type want, struct rdb_value *v)
{
	*v = (struct rdb_value){ .type = RDB_NULL };
	st->r->ops->column(st->st, i, want, v);
}

int
rdb_col_is_null(struct rdb_stmt *st, int i)
{
	struct rdb_value v;

	column(st, i, RDB_NULL, &v);
	return v.type == RDB_NULL;
}

int64_t
rdb_col_int64(struct rdb_stmt *st, int i)
{
	struct rdb_value v;

	column(st, i, RDB_INT64, &v);
	return v.type == RDB_NULL ? 0 : v.i;
}

double
rdb_col_double(struct rdb_stmt *st, int i)
{
	struct rdb_value v;

	column(st, i, RDB_DOUBLE, &v);
	return v.type == RDB_NULL ? 0 : v.d;
}

const char *
rdb_col_text(struct rdb_stmt *st, int i)
{
	struct rdb_value v;

	column(st, i, RDB_TEXT, &v);
	return v.type == RDB_NULL ? NULL : v.s;
}

const void *
rdb_col_blob(struct rdb_stmt *st, int i, size_t *len)
{
	struct rdb_value v;

	column(st, i, RDB_BLOB, &v);
	*len = v.type == RDB_NULL ? 0 : v.len;
	return v.type == RDB_NULL ? NULL : v.s;
}

void
rdb_reset(struct rdb_stmt *st)
{
	st->r->ops->reset(st->st);
}

void
rdb_finalize(struct rdb_stmt *st)
{
	if (st == NULL)
		return;
	st->r->ops->finalize(st->st);
	free(st);
}

int
rdb_exec(struct rdb *r, const char *sql, char *err, size_t errlen)
{
	return r->ops->exec(r, sql, err, errlen);
}

int
rdb_begin(struct rdb *r, char *err, size_t errlen)
{
	return r->ops->exec(r, r->ops->begin_write, err, errlen);
}

const char *
rdb_errmsg(struct rdb *r)
{
	return r->ops->errmsg(r);
}

int
rdb_no_table(struct rdb *r)
{
	return r->ops->no_table(r);
}

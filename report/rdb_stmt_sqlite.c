/*
 * Statements, the SQLite row (rdb_int.h): one sqlite3_stmt prepared on
 * the handle's connection.  Thin by design; SQLite reads ?N itself and
 * converts column types on request.
 */
#include <stdio.h>

#include "rdb_sqlite.h"

int
rdb_sqlite_prepare(struct rdb *r, const char *sql, void **st, char *err,
    size_t errlen)
{
	sqlite3_stmt *s;

	*st = NULL;
	if (sqlite3_prepare_v2(r->db, sql, -1, &s, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "%s", sqlite3_errmsg(r->db));
		sqlite3_finalize(s);
		return -1;
	}
	*st = s;
	return 0;
}

int
rdb_sqlite_bind(void *st, int i, const struct rdb_value *v)
{
	int rc;

	switch (v->type) {
	case RDB_INT64:
		rc = sqlite3_bind_int64(st, i, v->i);
		break;
	case RDB_DOUBLE:
		rc = sqlite3_bind_double(st, i, v->d);
		break;
	case RDB_TEXT:
		rc = sqlite3_bind_text(st, i, v->s, -1, SQLITE_TRANSIENT);
		break;
	case RDB_BLOB:
		rc = sqlite3_bind_blob64(st, i, v->s, v->len,
		    SQLITE_TRANSIENT);
		break;
	default:
		rc = sqlite3_bind_null(st, i);
		break;
	}
	return rc == SQLITE_OK ? 0 : -1;
}

int
rdb_sqlite_step(void *st)
{
	switch (sqlite3_step(st)) {
	case SQLITE_ROW:
		return 1;
	case SQLITE_DONE:
		return 0;
	default:
		return -1;
	}
}

void
rdb_sqlite_column(void *st, int i, enum rdb_type want, struct rdb_value *v)
{
	if (sqlite3_column_type(st, i) == SQLITE_NULL)
		return;
	v->type = want;
	switch (want) {
	case RDB_INT64:
		v->i = sqlite3_column_int64(st, i);
		break;
	case RDB_DOUBLE:
		v->d = sqlite3_column_double(st, i);
		break;
	case RDB_TEXT:
		v->s = (const char *)sqlite3_column_text(st, i);
		break;
	case RDB_BLOB:
		v->s = sqlite3_column_blob(st, i);
		v->len = v->s != NULL ? (size_t)sqlite3_column_bytes(st, i) :
		    0;
		if (v->s == NULL)
			v->type = RDB_NULL;
		break;
	default:
		v->type = RDB_INT64;	/* "not NULL" */
		break;
	}
}

void
rdb_sqlite_reset(void *st)
{
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
}

void
rdb_sqlite_finalize(void *st)
{
	sqlite3_finalize(st);
}

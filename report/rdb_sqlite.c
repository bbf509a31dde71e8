/*
 * Opening the report side's database, SQLite backend (rdb.h): through
 * schema/db.h, DB_READONLY for the reports, DB_CACHE for the two tables
 * dmarc-report writes.
 */
#include <stdlib.h>

#include "db.h"
#include "rdb_sqlite.h"
#include "xalloc.h"

struct rdb *
rdb_open(const char *path, enum rdb_mode mode, char *err, size_t errlen)
{
	struct rdb *r;
	sqlite3 *db;

	if ((db = db_open(path, mode == RDB_CACHE ? DB_CACHE : DB_READONLY,
	    err, errlen)) == NULL)
		return NULL;
	r = xcalloc(1, sizeof(*r));
	r->db = db;
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
	sqlite3_close(r->db);
	free(r);
}

char *
rdb_default_path(void)
{
	return db_default_path();
}

int
rdb_check_path(const char *path, char *err, size_t errlen)
{
	return db_check_path(path, err, errlen);
}

/*
 * The SQLite backend's view of struct rdb (rdb.h): the connection and
 * the statements prepared once on it.  Included only by the backend's
 * own files (rdb_sqlite.c, rdb_stmt_sqlite.c); every other file sees
 * the handle as opaque.
 */
#ifndef DMARC_RDB_SQLITE_H
#define DMARC_RDB_SQLITE_H

#include <sqlite3.h>

#include "rdb.h"

struct rdb {
	sqlite3		*db;		/* owned connection */
	/* dns_cache.c's statements, prepared once (sources may look up
	   tens of thousands of names), owned: */
	struct rdb_stmt	*cache_get, *cache_del, *cache_ins;
};

#endif

/*
 * The SQLite backend's view of struct rdb (rdb_int.h): r->db is the
 * sqlite3 connection.  Included only by the backend's own files
 * (rdb_sqlite.c, rdb_stmt_sqlite.c); every other file sees the handle
 * as opaque.
 */
#ifndef DMARC_RDB_SQLITE_H
#define DMARC_RDB_SQLITE_H

#include <sqlite3.h>

#include "rdb_int.h"

/* the statements half of the row, rdb_stmt_sqlite.c */
int	 rdb_sqlite_prepare(struct rdb *, const char *, void **, char *,
	    size_t);
int	 rdb_sqlite_bind(void *, int, const struct rdb_value *);
int	 rdb_sqlite_step(void *);
void	 rdb_sqlite_column(void *, int, enum rdb_type, struct rdb_value *);
void	 rdb_sqlite_reset(void *);
void	 rdb_sqlite_finalize(void *);

#endif

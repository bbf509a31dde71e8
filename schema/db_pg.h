/*
 * Opening a PostgreSQL database, the counterpart of db.h's db_open for
 * a libpq connection string (db_is_postgres()): the same modes, the same
 * schema version (DB_SCHEMA_VERSION, kept in the one-row table
 * dmarc_schema_version), the migrations of schema/pg/NNN_*.sql.
 * Credentials come only from libpq's own means (~/.pgpass, PGPASSFILE,
 * PGSERVICEFILE, PG* environment); TLS through sslmode in the string.
 */
#ifndef DMARC_DB_PG_H
#define DMARC_DB_PG_H

#include <stddef.h>

#include <libpq-fe.h>

#include "db.h"

/*
 * Connects to conninfo.  DB_READWRITE applies pending migrations (each
 * in its own transaction, serialized between hosts by an advisory
 * lock); DB_READONLY and DB_CACHE refuse a database without our schema
 * or at another version, and DB_READONLY sets
 * default_transaction_read_only.  Every session runs in UTC with UTF-8.
 * Returns the connection (caller PQfinish()es it) or NULL with a message
 * in err.
 */
PGconn	*dbpg_open(const char *conninfo, enum db_mode, char *err,
	    size_t errlen);

/* the schema version of conn: 0 without our table, -1 on error (err) */
int	 dbpg_version(PGconn *conn, char *err, size_t errlen);

/* copies libpq's message (last line break dropped) into err */
void	 dbpg_error(const char *what, const char *msg, char *err,
	    size_t errlen);

#endif

/*
 * The database as dmarc-report sees it: one opaque handle, struct rdb,
 * that every mode takes and only the query files open.  Nothing outside
 * them names a database library.
 *
 * The backend is chosen at run time from the database's name
 * (schema/db.h's db_is_postgres()): a libpq connection string
 * (postgresql://..., postgres://..., service=NAME, "host=... dbname=...")
 * is PostgreSQL (rdb_pg.c), anything else a SQLite path (rdb_sqlite.c,
 * rdb_stmt_sqlite.c).  Each backend is one row of the table in
 * rdb_int.h; rdb.c dispatches.  The query files are written against the
 * statement API below in the SQL both engines read; the few places the
 * dialects differ are named fields of that row (rdb_begin()).  Every
 * query file (query.c, digest_query.c, policy_store.c, dns_cache.c,
 * check_query.c, tls_query.c, site_query.c) is written against the
 * statement API; test_query proves no other file names the SQLite
 * library.
 *
 * Two ways to open (schema/db.h and db_pg.h say what each means):
 *   RDB_READ   the reports, read-only: the mode's queries never write
 *              (PostgreSQL: default_transaction_read_only = on)
 *   RDB_CACHE  read-write, for the DNS cache (dns_cache), the policy
 *              lookups (dmarc_lookup) and the stored checks (dns_check)
 *              only, the tables dmarc-report writes; the database must already exist at the current
 *              schema version (dmarc-report never creates or migrates)
 */
#ifndef DMARC_RDB_H
#define DMARC_RDB_H

#include <stddef.h>
#include <stdint.h>

struct rdb;
struct rdb_stmt;

enum rdb_mode {
	RDB_READ,	/* read-only */
	RDB_CACHE,	/* writes dns_cache, dmarc_lookup, dns_check */
};

/*
 * Opens the database at path (a SQLite file or a libpq connection
 * string).  Returns the handle (caller closes it with rdb_close) or NULL
 * with a message in err: missing, unreadable, not a database, no
 * connection, a schema version this build does not read, or (RDB_CACHE)
 * not writable.
 */
struct rdb *rdb_open(const char *path, enum rdb_mode, char *err,
	    size_t errlen);
/* closes the handle and what it prepared; NULL is fine */
void	rdb_close(struct rdb *);
/*
 * The database used when none is named: for SQLite schema/db.h's
 * db_default_path() ($DMARC_DB, else under $XDG_DATA_HOME or ~/.local/
 * share).  Caller frees; NULL if no home is known.
 */
char	*rdb_default_path(void);
/*
 * Whether path may serve as the database without opening it for a mode:
 * 0 if it does not exist or is a dmarc-rua database (or an empty one),
 * -1 with err naming path and the cause (a directory, another program's
 * database, not a database).  The policy mode runs without a database
 * but never on a wrong one.
 */
int	 rdb_check_path(const char *path, char *err, size_t errlen);

/*
 * Statements, the one way a query file talks to the database whatever
 * the backend.  SQL is written once, in the dialect both backends read
 * (parameters as ?1, ?2, ...); a statement belongs to its handle and
 * must be finalized before rdb_close.
 *
 * rdb_prepare: 0 and *st (caller finalizes it with rdb_finalize), or -1
 *   with the backend's message in err.
 * rdb_bind_*: parameter i counts from 1; text is copied (NULL binds NULL).
 *   0, or -1 (rdb_errmsg says why).
 * rdb_step: 1 a row is ready, 0 done, -1 an error (rdb_errmsg).
 * rdb_col_*: column i counts from 0; text and blobs stay valid until the
 *   next rdb_step, rdb_reset or rdb_finalize; NULL columns read as 0,
 *   NULL (text) or NULL with *len 0 (blob).
 * rdb_reset: ready to step again, bindings cleared.
 * rdb_exec: runs SQL with no parameters and no rows; -1 with err.
 */
int	 rdb_prepare(struct rdb *, const char *sql, struct rdb_stmt **st,
	    char *err, size_t errlen);
int	 rdb_bind_int64(struct rdb_stmt *, int i, int64_t);
int	 rdb_bind_double(struct rdb_stmt *, int i, double);
int	 rdb_bind_text(struct rdb_stmt *, int i, const char *);
int	 rdb_bind_null(struct rdb_stmt *, int i);
int	 rdb_step(struct rdb_stmt *);
int	 rdb_col_is_null(struct rdb_stmt *, int i);
int64_t	 rdb_col_int64(struct rdb_stmt *, int i);
double	 rdb_col_double(struct rdb_stmt *, int i);
const char *rdb_col_text(struct rdb_stmt *, int i);
const void *rdb_col_blob(struct rdb_stmt *, int i, size_t *len);
void	 rdb_reset(struct rdb_stmt *);
void	 rdb_finalize(struct rdb_stmt *);		/* NULL is fine */
int	 rdb_exec(struct rdb *, const char *sql, char *err, size_t errlen);
/* the last error on the handle, for messages; never NULL */
const char *rdb_errmsg(struct rdb *);
/* the backend's name: "sqlite" or "postgresql" */
const char *rdb_backend(const struct rdb *);
/* opens a write transaction (SQLite: BEGIN IMMEDIATE); -1 with err */
int	 rdb_begin(struct rdb *, char *err, size_t errlen);
/* 1 if the last error on the handle was a table that does not exist */
int	 rdb_no_table(struct rdb *);

#endif

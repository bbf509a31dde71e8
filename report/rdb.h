/*
 * The database as dmarc-report sees it: one opaque handle, struct rdb,
 * that every mode takes and only the query files open.  Nothing outside
 * them names the database library, so a second backend (PostgreSQL,
 * issue 16) is new files, not an edit threaded through the modes.
 *
 * The backend is one set of files chosen at build time.  Today's is
 * SQLite, and these are all its files (the only ones that include the
 * SQLite header or name its types):
 *   rdb_sqlite.c   rdb_open/rdb_close over schema/db.h, struct rdb
 *                  itself (rdb_sqlite.h, private to the files below)
 *   query.c        the window's domains, sources, rejects (query.h)
 *   digest_query.c rejected inputs by reason (digest.h)
 *   policy_store.c dmarc_lookup: store, latest, history (policy.h)
 *   dns_cache.c    dns_cache: get and put (dns_cache.h)
 *   check_query.c  the check mode's sources and DKIM selectors (dnscheck.h)
 *   tls_query.c    the tls mode's SMTP TLS reports (tls.h)
 * A backend implements rdb.h, query_run(), digest_query_rejects(),
 * policy_store()/policy_latest()/policy_history(), dns_cache.h and
 * check_query()/check_query_domains() and tls_query().
 *
 * Two ways to open (schema/db.h says what each means on disk):
 *   RDB_READ   the reports, read-only: the mode's queries never write
 *   RDB_CACHE  read-write, for the DNS cache (dns_cache) and the policy
 *              lookups (dmarc_lookup) only, the two tables dmarc-report
 *              writes; the database must already exist at the current
 *              schema version (dmarc-report never creates or migrates)
 */
#ifndef DMARC_RDB_H
#define DMARC_RDB_H

#include <stddef.h>

struct rdb;

enum rdb_mode {
	RDB_READ,	/* read-only */
	RDB_CACHE,	/* writes dns_cache and dmarc_lookup */
};

/*
 * Opens the database at path.  Returns the handle (caller closes it with
 * rdb_close) or NULL with a message in err: missing, unreadable, not a
 * database, a schema version this build does not read, or (RDB_CACHE)
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

#endif

/*
 * A real PostgreSQL for the tests: initdb and pg_ctl (Debian's
 * /usr/lib/postgresql/15/bin, or $DMARC_PG_BIN) into a temporary
 * directory, listening only on a unix socket in that directory, trust
 * authentication, superuser "dmarc".  As root the server runs as the
 * unprivileged user nobody.  One server per suite: start it in an
 * unchecked fixture, stop it in the matching teardown.
 */
#ifndef DMARC_PGTEST_H
#define DMARC_PGTEST_H

#include <stddef.h>

/*
 * Starts the server.  0, or -1 with the reason in why (binaries missing,
 * initdb or start failed): the caller skips with TU_SKIP_SERVER.
 */
int	 pgtest_start(char *why, size_t whylen);
/* stops the server and removes its directory; safe if never started */
void	 pgtest_stop(void);
/* 1 once pgtest_start succeeded (in this process or its parent) */
int	 pgtest_running(void);
/*
 * Creates (dropping any earlier) database name and returns its libpq
 * conninfo, which the caller frees.  Aborts the test on failure.
 */
char	*pgtest_createdb(const char *name);
/* runs SQL on the database through psql; its exit status */
int	 pgtest_psql(const char *conninfo, const char *sql, char **out);

#endif

/*
 * The tests' PostgreSQL server (pgtest.h): a throw-away cluster in a
 * temporary directory, tuned for speed (no fsync), reached only through
 * its unix socket.  Everything runs through the shell like the rest of
 * testutil; the server is stopped with pg_ctl, never by name.
 */
#include <sys/stat.h>

#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "pgtest.h"
#include "testutil.h"
#include "xalloc.h"

#define PGTEST_BIN	"/usr/lib/postgresql/15/bin"

static char	*dir;		/* the cluster's temporary directory */
static char	 bin[512];
static int	 running;

/* "runuser -u nobody --" as root, nothing otherwise */
static const char *
as_user(void)
{
	return geteuid() == 0 ? "runuser -u nobody -- " : "";
}

static int
give_away(const char *path)
{
	struct passwd *pw;

	if (geteuid() != 0)
		return 0;
	if ((pw = getpwnam("nobody")) == NULL)
		return -1;
	return chown(path, pw->pw_uid, pw->pw_gid);
}

int
pgtest_start(char *why, size_t whylen)
{
	const char *env = getenv("DMARC_PG_BIN");
	char *cmd, path[600];
	int rc;

	snprintf(bin, sizeof(bin), "%s", env != NULL ? env : PGTEST_BIN);
	snprintf(path, sizeof(path), "%s/pg_ctl", bin);
	if (access(path, X_OK) == -1) {
		snprintf(why, whylen, "PostgreSQL not installed (%s)", path);
		return -1;
	}
	dir = tu_tmpdir();
	if (give_away(dir) == -1) {
		snprintf(why, whylen, "cannot hand %s to nobody", dir);
		return -1;
	}
	cmd = xasprintf("cd / && %s'%s/initdb' -D '%s/data' -U dmarc -A trust "
	    "-E UTF8 --locale=C.UTF-8 --no-sync >'%s/initdb.log' 2>&1 && "
	    "%s'%s/pg_ctl' -D '%s/data' -l '%s/server.log' -w -o "
	    "\"-k '%s' -c listen_addresses='' -c fsync=off "
	    "-c synchronous_commit=off -c full_page_writes=off\" start "
	    ">/dev/null 2>&1", as_user(), bin, dir, dir, as_user(), bin, dir,
	    dir, dir);
	rc = tu_run(cmd, NULL);
	free(cmd);
	if (rc != 0) {
		snprintf(why, whylen, "PostgreSQL did not start (see %s)",
		    dir);
		return -1;
	}
	running = 1;
	return 0;
}

void
pgtest_stop(void)
{
	char *cmd;

	if (dir == NULL)
		return;
	if (running) {
		cmd = xasprintf("cd / && %s'%s/pg_ctl' -D '%s/data' -m fast "
		    "-w stop >/dev/null 2>&1", as_user(), bin, dir);
		(void)tu_run(cmd, NULL);
		free(cmd);
	}
	tu_rmtree(dir);
	free(dir);
	dir = NULL;
	running = 0;
}

int
pgtest_running(void)
{
	return running;
}

int
pgtest_psql(const char *conninfo, const char *sql, char **out)
{
	char *cmd, *f;
	int rc;

	f = xasprintf("%s/psql.sql", dir);
	ck_assert_int_eq(tu_write(f, sql, strlen(sql)), 0);
	cmd = xasprintf("psql -X -q -A -t -v ON_ERROR_STOP=1 -d '%s' -f '%s' "
	    "2>&1", conninfo, f);
	rc = tu_run(cmd, out);
	free(cmd);
	free(f);
	return rc;
}

char *
pgtest_createdb(const char *name)
{
	char *admin, *sql, *out = NULL;

	ck_assert_msg(running, "PostgreSQL not started");
	admin = xasprintf("host=%s user=dmarc dbname=postgres", dir);
	sql = xasprintf("DROP DATABASE IF EXISTS %s;\nCREATE DATABASE %s;\n",
	    name, name);
	ck_assert_msg(pgtest_psql(admin, sql, &out) == 0, "createdb %s: %s",
	    name, out != NULL ? out : "");
	free(out);
	free(sql);
	free(admin);
	return xasprintf("host=%s user=dmarc dbname=%s", dir, name);
}

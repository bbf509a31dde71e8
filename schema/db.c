/*
 * Opening the database for both tools: the directory (created 0700 for
 * dmarc-ingest), a new database file created 0600 whatever the umask
 * (SQLite gives its -wal and -shm files the database file's mode), a
 * symbolic link at the path refused, the connection flags and pragmas that make a hostile or
 * damaged schema harmless (defensive mode, untrusted schema, foreign
 * keys), WAL for concurrent readers, and the versioned migrations
 * embedded from schema/NNN_*.sql.  A directory or another program's
 * database at the path is refused before anything is written to it; an
 * empty one is a new database.  Only constant SQL goes through
 * sqlite3_exec here; no data is ever part of a statement's text.
 */
#include <sys/stat.h>

#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "db.h"
#include "schema_sql.h"
#include "xalloc.h"

/* milliseconds to wait for another writer before giving up */
#define DB_BUSY_TIMEOUT_MS	10000

/*
 * Creates every missing directory above the last '/' of path, mode 0700.
 * Returns 0, or -1 with errno set.
 */
static int
mkparents(const char *path)
{
	char *dir, *p, c;
	int rc = -1;

	dir = xstrdup(path);
	if ((p = strrchr(dir, '/')) == NULL) {
		rc = 0;
		goto out;
	}
	*p = '\0';
	for (p = dir + 1; ; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		c = *p;
		*p = '\0';
		if (dir[0] != '\0' && mkdir(dir, 0700) == -1 &&
		    errno != EEXIST)
			goto out;
		*p = c;
		if (c == '\0')
			break;
	}
	rc = 0;
out:
	free(dir);
	return rc;
}

/* runs constant SQL (pragmas, embedded migrations) */
static int
exec_const(sqlite3 *db, const char *sql, const char *what, char *err,
    size_t errlen)
{
	if (sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK)
		return 0;
	snprintf(err, errlen, "%s: %s", what, sqlite3_errmsg(db));
	return -1;
}

/* PRAGMA user_version, or -1 with a message */
static int
user_version(sqlite3 *db, char *err, size_t errlen)
{
	sqlite3_stmt *st = NULL;
	int v = -1;

	if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL) !=
	    SQLITE_OK || sqlite3_step(st) != SQLITE_ROW) {
		snprintf(err, errlen, "cannot read database schema version: "
		    "%s", sqlite3_errmsg(db));
		goto out;
	}
	v = sqlite3_column_int(st, 0);
	if (v < 0) {
		snprintf(err, errlen, "database schema version %d is invalid",
		    v);
		v = -1;
	}
out:
	sqlite3_finalize(st);
	return v;
}

/*
 * Applies migration i (user_version i -> i + 1) in one IMMEDIATE
 * transaction, re-reading the version inside it so that two processes
 * migrating at once do not both apply it.
 */
static int
migrate_one(sqlite3 *db, size_t i, char *err, size_t errlen)
{
	/* PRAGMA takes no parameters: the number is ours, not data */
	char pragma[64];
	int v, rc = -1;

	if (exec_const(db, "BEGIN IMMEDIATE", "cannot migrate database",
	    err, errlen) == -1)
		return -1;
	if ((v = user_version(db, err, errlen)) == -1)
		goto out;
	/* v != i: another process migrated while we waited for the lock */
	if ((size_t)v == i) {
		if (exec_const(db, schema_migrations[i],
		    "cannot migrate database", err, errlen) == -1)
			goto out;
		snprintf(pragma, sizeof(pragma), "PRAGMA user_version = %zu",
		    i + 1);
		if (exec_const(db, pragma, "cannot migrate database", err,
		    errlen) == -1)
			goto out;
	}
	if (exec_const(db, "COMMIT", "cannot migrate database", err,
	    errlen) == -1)
		goto out;
	rc = 0;
out:
	if (rc == -1)
		sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	return rc;
}

static int
check_version(sqlite3 *db, enum db_mode mode, char *err, size_t errlen)
{
	int v;

	if ((v = user_version(db, err, errlen)) == -1)
		return -1;
	if (v > DB_SCHEMA_VERSION) {
		snprintf(err, errlen, "database schema version %d is newer "
		    "than this program (%d)", v, DB_SCHEMA_VERSION);
		return -1;
	}
	if (v == DB_SCHEMA_VERSION)
		return 0;
	if (mode != DB_READWRITE) {
		snprintf(err, errlen, "database schema version %d is older "
		    "than this program (%d): run dmarc-ingest to upgrade it",
		    v, DB_SCHEMA_VERSION);
		return -1;
	}
	for (size_t i = (size_t)v; i < schema_n_migrations; i++)
		if (migrate_one(db, i, err, errlen) == -1)
			return -1;
	return 0;
}

/* the number of objects in the schema (tables, views, indexes), or -1 */
static int
n_objects(sqlite3 *db, const char *name, char *err, size_t errlen)
{
	sqlite3_stmt *st = NULL;
	int n = -1;

	if (sqlite3_prepare_v2(db, name == NULL ? "SELECT count(*) FROM "
	    "sqlite_schema" : "SELECT count(*) FROM sqlite_schema WHERE "
	    "type = 'table' AND name = ?", -1, &st, NULL) != SQLITE_OK ||
	    (name != NULL && sqlite3_bind_text(st, 1, name, -1,
	    SQLITE_STATIC) != SQLITE_OK) || sqlite3_step(st) != SQLITE_ROW)
		snprintf(err, errlen, "cannot read database schema: %s",
		    sqlite3_errmsg(db));
	else
		n = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return n;
}

/*
 * What the file at path holds, before anything is written to it: 1 an
 * empty database (a 0-byte file, or no table at all: dmarc-ingest
 * creates the file and takes its lock before it writes the schema, so a
 * run killed in between leaves one), 0 one of ours (or one newer than
 * this program, which check_version() refuses), -1 another program's
 * database or an error, with a message naming the file.
 */
static int
classify(sqlite3 *db, const char *path, char *err, size_t errlen)
{
	int v, n;

	if ((v = user_version(db, err, errlen)) == -1 ||
	    (n = n_objects(db, NULL, err, errlen)) == -1)
		return -1;
	if (v == 0 && n == 0)
		return 1;
	if (v == 0) {
		snprintf(err, errlen, "'%s' is not a dmarc-rua database: it "
		    "holds tables but no dmarc-rua schema version (refused, "
		    "so that another program's file is left as it is)", path);
		return -1;
	}
	if (v > DB_SCHEMA_VERSION)
		return 0;
	if ((n = n_objects(db, "input", err, errlen)) == -1)
		return -1;
	if (n == 0) {
		snprintf(err, errlen, "'%s' is not a dmarc-rua database: "
		    "schema version %d without the dmarc-rua tables (refused)",
		    path, v);
		return -1;
	}
	return 0;
}

static int
configure(sqlite3 *db, char *err, size_t errlen)
{
	if (sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL) !=
	    SQLITE_OK || sqlite3_db_config(db,
	    SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, NULL) != SQLITE_OK ||
	    sqlite3_db_config(db, SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION, 0,
	    NULL) != SQLITE_OK) {
		snprintf(err, errlen, "cannot configure database: %s",
		    sqlite3_errmsg(db));
		return -1;
	}
	sqlite3_busy_timeout(db, DB_BUSY_TIMEOUT_MS);
	return exec_const(db, "PRAGMA foreign_keys = ON; "
	    "PRAGMA trusted_schema = OFF", "cannot configure database",
	    err, errlen);
}

/* the pragmas of a writer, set once the file is known to be ours */
static int
configure_writer(sqlite3 *db, char *err, size_t errlen)
{
	/*
	 * A 4 MiB page cache holds the pages a report's inserts touch (the
	 * record tables grow at their right edge; no per-record index with
	 * random keys is kept): larger buys no speed, only memory.
	 * Checkpoints every 16 MiB of WAL instead of every 4 MiB cut the
	 * fsyncs of a run of small reports; statement journals of the
	 * report savepoints stay in memory instead of a temporary file per
	 * input.
	 */
	return exec_const(db, "PRAGMA journal_mode = WAL; "
	    "PRAGMA synchronous = NORMAL; PRAGMA cache_size = -4096; "
	    "PRAGMA wal_autocheckpoint = 4096; PRAGMA temp_store = MEMORY",
	    "cannot configure database", err, errlen);
}

int
db_create_dir(const char *path, char *err, size_t errlen)
{
	if (mkparents(path) == 0)
		return 0;
	snprintf(err, errlen, "cannot create directory for '%s': %s", path,
	    strerror(errno));
	return -1;
}

/*
 * Creates the database file 0600 if it is missing, so that SQLite does
 * not create it (and its -wal and -shm after it) with the umask's mode;
 * refuses a symbolic link at the path, as the lock file does.
 */
static int
create_private(const char *path, char *err, size_t errlen)
{
	struct stat sb;
	int fd = -1;

	if (lstat(path, &sb) == 0) {
		if (!S_ISLNK(sb.st_mode))
			return 0;
		snprintf(err, errlen, "cannot open database '%s': it is a "
		    "symbolic link (refused, as for the lock file)", path);
		return -1;
	}
	if (errno != ENOENT ||
	    ((fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW |
	    O_CLOEXEC, 0600)) == -1 && errno != EEXIST)) {
		snprintf(err, errlen, "cannot create database '%s': %s", path,
		    strerror(errno));
		return -1;
	}
	if (fd != -1)
		close(fd);
	return 0;
}

/* SQLite says "disk I/O error" for a directory: say what it is */
static int
not_a_directory(const char *path, char *err, size_t errlen)
{
	struct stat sb;

	if (stat(path, &sb) == -1 || !S_ISDIR(sb.st_mode))
		return 0;
	snprintf(err, errlen, "cannot open database '%s': it is a directory "
	    "(--db names the database file)", path);
	return -1;
}

/*
 * An empty database opened read-only: an empty in-memory database of the
 * current schema, so that readers see nothing stored, as in a new one.
 */
static sqlite3 *
open_empty(char *err, size_t errlen)
{
	sqlite3 *db = NULL;

	if (sqlite3_open_v2(":memory:", &db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "cannot open database: %s", db != NULL ?
		    sqlite3_errmsg(db) : "out of memory");
		goto fail;
	}
	if (configure(db, err, errlen) == -1 ||
	    check_version(db, DB_READWRITE, err, errlen) == -1 ||
	    exec_const(db, "PRAGMA query_only = ON", "cannot configure "
	    "database", err, errlen) == -1)
		goto fail;
	return db;
fail:
	sqlite3_close(db);
	return NULL;
}

sqlite3 *
db_open(const char *path, enum db_mode mode, char *err, size_t errlen)
{
	sqlite3 *db = NULL;
	int flags, kind;

	assert(schema_n_migrations == DB_SCHEMA_VERSION);
	if (not_a_directory(path, err, errlen) == -1)
		return NULL;
	if (mode == DB_READWRITE && (db_create_dir(path, err, errlen) == -1 ||
	    create_private(path, err, errlen) == -1))
		return NULL;
	/* a connection is used by one thread at a time: no mutexes */
	flags = SQLITE_OPEN_NOMUTEX | (mode == DB_READONLY ?
	    SQLITE_OPEN_READONLY : mode == DB_CACHE ? SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_NOFOLLOW : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
	    SQLITE_OPEN_NOFOLLOW);
	if (sqlite3_open_v2(path, &db, flags, NULL) != SQLITE_OK) {
		snprintf(err, errlen, "cannot open database '%s': %s", path,
		    db != NULL ? sqlite3_errmsg(db) : "out of memory");
		goto fail;
	}
	sqlite3_extended_result_codes(db, 1);
	if (configure(db, err, errlen) == -1 ||
	    (kind = classify(db, path, err, errlen)) == -1)
		goto fail;
	if (kind == 1 && mode == DB_READONLY) {
		sqlite3_close(db);
		return open_empty(err, errlen);
	}
	if ((mode == DB_READWRITE && configure_writer(db, err, errlen) ==
	    -1) || check_version(db, mode, err, errlen) == -1)
		goto fail;
	return db;
fail:
	sqlite3_close(db);
	return NULL;
}

int
db_check_path(const char *path, char *err, size_t errlen)
{
	struct stat sb;
	sqlite3 *db = NULL;
	int rc = 0;

	err[0] = '\0';
	if (not_a_directory(path, err, errlen) == -1)
		return -1;
	if (stat(path, &sb) == -1)
		return 0;
	if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY |
	    SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK ||
	    configure(db, err, errlen) == -1 ||
	    classify(db, path, err, errlen) == -1)
		rc = -1;
	if (rc == -1 && err[0] == '\0')
		snprintf(err, errlen, "cannot open database '%s': %s", path,
		    db != NULL ? sqlite3_errmsg(db) : "out of memory");
	sqlite3_close(db);
	return rc;
}

/* a + b as a new string */
static char *
join(const char *a, const char *b)
{
	size_t na = strlen(a), nb = strlen(b);
	char *p = xmalloc(na + nb + 1);

	memcpy(p, a, na);
	memcpy(p + na, b, nb + 1);
	return p;
}

char *
db_default_path(void)
{
	const char *s;
	struct passwd *pw;

	if ((s = getenv("DMARC_DB")) != NULL && *s != '\0')
		return xstrdup(s);
	/* the XDG spec says relative values are to be ignored */
	if ((s = getenv("XDG_DATA_HOME")) != NULL && *s == '/')
		return join(s, "/dmarc-rua/dmarc.db");
	if ((s = getenv("HOME")) == NULL || *s != '/') {
		if ((pw = getpwuid(getuid())) == NULL || pw->pw_dir == NULL ||
		    *pw->pw_dir != '/')
			return NULL;
		s = pw->pw_dir;
	}
	return join(s, "/.local/share/dmarc-rua/dmarc.db");
}

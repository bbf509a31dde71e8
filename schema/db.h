/*
 * Opening the database: the one place that knows the pragmas and the
 * schema version.  Both tools open through here; dmarc-ingest read-write
 * (creating the file and its directory, migrating to the current
 * version), dmarc-report read-only for the reports (refusing a database
 * newer or older than it understands) and, for its DNS cache, through a
 * second handle opened DB_CACHE: read-write, the same version check,
 * never creating or migrating.  dmarc-report writes only the dns_cache,
 * dmarc_lookup and dns_check tables (with dns_check_item), and only
 * through that handle (report/dns_cache.c, report/policy_store.c,
 * report/check_store.c).
 */
#ifndef DMARC_DB_H
#define DMARC_DB_H

#include <stddef.h>
#include <sqlite3.h>

/* PRAGMA user_version of a database this build writes */
#define DB_SCHEMA_VERSION	10

enum db_mode {
	DB_READWRITE,	/* create if missing, migrate */
	DB_READONLY,	/* must exist at DB_SCHEMA_VERSION */
	DB_CACHE,	/* dmarc-report's DNS cache: read-write, but must
			   exist at DB_SCHEMA_VERSION (no create, no
			   migration); writes dns_cache, dmarc_lookup and
			   the checks (dns_check, dns_check_item) */
};

/*
 * Opens path with WAL, foreign_keys=ON, trusted_schema=OFF,
 * SQLITE_DBCONFIG_DEFENSIVE and a busy timeout.  DB_READONLY and DB_CACHE
 * open an existing file only (not a symbolic link for DB_CACHE) and
 * refuse another schema version.  In DB_READWRITE mode it
 * creates missing parent directories (0700) and a missing database file
 * (0600 whatever the umask; SQLite creates -wal and -shm with the same
 * mode), refuses a symbolic link at path, and applies pending migrations,
 * each in its own transaction.  Both modes refuse a directory at path and
 * another program's database (tables but no dmarc-rua schema version, or
 * a version without our tables) before writing anything to it.  An empty
 * database (a 0-byte file, or one without any table, as a run killed
 * between creating the file and writing the schema leaves) is given the
 * schema in DB_READWRITE mode; in DB_READONLY mode it opens as an empty
 * in-memory database of the current schema (query_only), so readers see
 * nothing stored, as in a new database.  Returns the handle (caller
 * closes it with sqlite3_close) or NULL with a message in err.
 */
sqlite3	*db_open(const char *path, enum db_mode, char *err, size_t errlen);

/*
 * For a tool that can run without the database (dmarc-report policy): -1
 * with a message in err when something is at path that is not a database
 * of ours (a directory, another program's SQLite file, not SQLite at
 * all); 0 when nothing is there or it is one of ours, of any version, or
 * empty.  Opens the file read-only and writes nothing.
 */
int	 db_check_path(const char *path, char *err, size_t errlen);

/*
 * Creates every missing directory above path (mode 0700), so that the
 * run lock beside the database can be taken before the database is
 * created.  Returns 0, or -1 with a message in err.
 */
int	 db_create_dir(const char *path, char *err, size_t errlen);

/*
 * 1 when target names a PostgreSQL database: a libpq connection URI
 * (postgresql://... or postgres://...) or a key=value connection string
 * (service=NAME, "host=... dbname=..."); else it is a SQLite path (name
 * a file whose name looks like "word=..." as ./word=...).
 */
int	 db_is_postgres(const char *target);

/*
 * The default database path: $DMARC_DB, else
 * $XDG_DATA_HOME/dmarc-rua/dmarc.db, else ~/.local/share/dmarc-rua/dmarc.db.
 * Returns a string the caller frees, or NULL if no home is known.
 */
char	*db_default_path(void);

#endif

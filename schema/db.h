/*
 * Opening the database: the one place that knows the pragmas and the
 * schema version.  Both tools open through here; dmarc-ingest read-write
 * (creating the file and its directory, migrating to the current
 * version), dmarc-report read-only (refusing a database newer or older
 * than it understands).
 */
#ifndef DMARC_DB_H
#define DMARC_DB_H

#include <stddef.h>
#include <sqlite3.h>

/* PRAGMA user_version of a database this build writes */
#define DB_SCHEMA_VERSION	7

enum db_mode {
	DB_READWRITE,	/* create if missing, migrate */
	DB_READONLY,	/* must exist at DB_SCHEMA_VERSION */
};

/*
 * Opens path with WAL, foreign_keys=ON, trusted_schema=OFF,
 * SQLITE_DBCONFIG_DEFENSIVE and a busy timeout.  In DB_READWRITE mode it
 * creates missing parent directories (0700) and a missing database file
 * (0600 whatever the umask; SQLite creates -wal and -shm with the same
 * mode), refuses a symbolic link at path, and applies pending migrations,
 * each in its own transaction.  Returns the handle (caller closes it with
 * sqlite3_close) or NULL with a message in err.
 */
sqlite3	*db_open(const char *path, enum db_mode, char *err, size_t errlen);

/*
 * Creates every missing directory above path (mode 0700), so that the
 * run lock beside the database can be taken before the database is
 * created.  Returns 0, or -1 with a message in err.
 */
int	 db_create_dir(const char *path, char *err, size_t errlen);

/*
 * The default database path: $DMARC_DB, else
 * $XDG_DATA_HOME/dmarc-rua/dmarc.db, else ~/.local/share/dmarc-rua/dmarc.db.
 * Returns a string the caller frees, or NULL if no home is known.
 */
char	*db_default_path(void);

#endif

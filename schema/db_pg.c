/*
 * Opening a PostgreSQL database (db_pg.h): connecting through libpq
 * (which alone reads passwords and TLS settings), the session settings
 * every reader and writer relies on (UTC, UTF-8), the schema version in
 * dmarc_schema_version and the migrations embedded from
 * schema/pg/NNN_*.sql.  Only constant SQL goes through PQexec here.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db_pg.h"
#include "schema_pg_sql.h"

/* the advisory lock key that serializes migrations between hosts */
#define DBPG_MIGRATE_LOCK	"7216401016"

void
dbpg_error(const char *what, const char *msg, char *err, size_t errlen)
{
	size_t n = strlen(msg);

	while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
		n--;
	snprintf(err, errlen, "%s: %.*s", what, (int)n, msg);
}

/* runs constant SQL; 0, or -1 with err */
static int
run(PGconn *c, const char *sql, const char *what, char *err, size_t errlen)
{
	PGresult *res = PQexec(c, sql);
	ExecStatusType st = PQresultStatus(res);
	int rc = 0;

	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
		dbpg_error(what, PQerrorMessage(c), err, errlen);
		rc = -1;
	}
	PQclear(res);
	return rc;
}

int
dbpg_version(PGconn *c, char *err, size_t errlen)
{
	PGresult *res;
	int v = -1;

	res = PQexec(c, "SELECT to_regclass('dmarc_schema_version') IS NULL");
	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		dbpg_error("cannot read schema version", PQerrorMessage(c),
		    err, errlen);
		PQclear(res);
		return -1;
	}
	if (strcmp(PQgetvalue(res, 0, 0), "t") == 0) {
		PQclear(res);
		return 0;
	}
	PQclear(res);
	res = PQexec(c, "SELECT coalesce(max(version), 0) FROM "
	    "dmarc_schema_version");
	if (PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1)
		v = (int)strtol(PQgetvalue(res, 0, 0), NULL, 10);
	else
		dbpg_error("cannot read schema version", PQerrorMessage(c),
		    err, errlen);
	PQclear(res);
	return v;
}

/* applies migration i under the lock unless another host did */
static int
migrate_one(PGconn *c, size_t i, char *err, size_t errlen)
{
	char sql[128];
	int v;

	if (run(c, "BEGIN", "cannot migrate database", err, errlen) == -1)
		return -1;
	if (run(c, "SELECT pg_advisory_xact_lock(" DBPG_MIGRATE_LOCK ")",
	    "cannot migrate database", err, errlen) == -1 ||
	    (v = dbpg_version(c, err, errlen)) == -1)
		goto fail;
	if ((size_t)v == i) {
		/* the number is ours, not data */
		snprintf(sql, sizeof(sql), "UPDATE dmarc_schema_version SET "
		    "version = %zu", i + 1);
		if (run(c, schema_pg_migrations[i], "cannot migrate database",
		    err, errlen) == -1 || run(c, sql,
		    "cannot migrate database", err, errlen) == -1)
			goto fail;
	}
	return run(c, "COMMIT", "cannot migrate database", err, errlen);
fail:
	PQclear(PQexec(c, "ROLLBACK"));
	return -1;
}

static int
check_version(PGconn *c, enum db_mode mode, char *err, size_t errlen)
{
	int v;

	if ((v = dbpg_version(c, err, errlen)) == -1)
		return -1;
	if (v > DB_SCHEMA_VERSION) {
		snprintf(err, errlen, "database schema version %d is newer "
		    "than this program (%d)", v, DB_SCHEMA_VERSION);
		return -1;
	}
	if (v == DB_SCHEMA_VERSION)
		return 0;
	if (mode != DB_READWRITE) {
		snprintf(err, errlen, v == 0 ? "database has no dmarc-rua "
		    "schema: create it with dmarc-ingest --db" :
		    "database schema version %d is older than this program "
		    "(%d): run dmarc-ingest to upgrade it", v,
		    DB_SCHEMA_VERSION);
		return -1;
	}
	for (size_t i = (size_t)v; i < schema_pg_n_migrations; i++)
		if (migrate_one(c, i, err, errlen) == -1)
			return -1;
	return 0;
}

PGconn *
dbpg_open(const char *conninfo, enum db_mode mode, char *err, size_t errlen)
{
	PGconn *c;

	if ((c = PQconnectdb(conninfo)) == NULL) {
		snprintf(err, errlen, "cannot connect to PostgreSQL: out of "
		    "memory");
		return NULL;
	}
	if (PQstatus(c) != CONNECTION_OK) {
		dbpg_error("cannot connect to PostgreSQL", PQerrorMessage(c),
		    err, errlen);
		goto fail;
	}
	if (PQsetClientEncoding(c, "UTF8") != 0 || run(c, "SET TIME ZONE "
	    "'UTC'; SET client_min_messages = warning", "cannot set up the "
	    "session", err, errlen) == -1 ||
	    check_version(c, mode, err, errlen) == -1)
		goto fail;
	if (mode == DB_READONLY && run(c, "SET default_transaction_read_only "
	    "= on", "cannot set up the session", err, errlen) == -1)
		goto fail;
	return c;
fail:
	PQfinish(c);
	return NULL;
}

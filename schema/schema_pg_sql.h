/*
 * The embedded PostgreSQL migrations (generated from schema/pg/NNN_*.sql
 * at build time): schema_pg_migrations[i] brings a database from
 * version i to i + 1, as schema_sql.h's do for SQLite.
 */
#ifndef DMARC_SCHEMA_PG_SQL_H
#define DMARC_SCHEMA_PG_SQL_H

#include <stddef.h>

extern const char *const schema_pg_migrations[];
extern const size_t schema_pg_n_migrations;

#endif

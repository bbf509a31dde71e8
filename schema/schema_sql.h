/*
 * The embedded migrations (generated from schema/NNN_*.sql at build time):
 * schema_migrations[i] brings a database from user_version i to i + 1.
 */
#ifndef DMARC_SCHEMA_SQL_H
#define DMARC_SCHEMA_SQL_H

#include <stddef.h>

extern const char *const schema_migrations[];
extern const size_t schema_n_migrations;

#endif

/*
 * The embedded migrations (generated from schema/NNN_*.sql at build time):
 * schema_migrations[i] brings a database from user_version i to i + 1.
 * Entry i is schema/NNN_*.sql with NNN = i + 1 (cmake/embed.cmake
 * NUMBERED); a number with no file, as while two branches each add a
 * migration, is an SQL comment: the version steps over it with nothing
 * done.  A database migrated past such a gap never gets the missing one:
 * gaps exist only between merges, never in a release.
 */
#ifndef DMARC_SCHEMA_SQL_H
#define DMARC_SCHEMA_SQL_H

#include <stddef.h>

extern const char *const schema_migrations[];
extern const size_t schema_n_migrations;

#endif

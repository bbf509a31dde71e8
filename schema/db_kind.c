/*
 * Which engine a --db value names (db.h): a libpq connection URI or
 * key=value string is PostgreSQL, anything else a SQLite path.
 */
#include <ctype.h>
#include <string.h>

#include "db.h"

int
db_is_postgres(const char *target)
{
	const char *p;

	if (target == NULL)
		return 0;
	if (strncmp(target, "postgresql://", 13) == 0 ||
	    strncmp(target, "postgres://", 11) == 0)
		return 1;
	/* "keyword=value ...": a keyword is lower-case letters and _ */
	for (p = target; *p == '_' || islower((unsigned char)*p); p++)
		;
	while (*p == ' ')
		p++;
	return p != target && *p == '=';
}

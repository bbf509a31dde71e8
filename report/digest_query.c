/*
 * The one query of the digest that query.h does not make: inputs the
 * ingest ledger rejected in the window, counted by reason (query.h lists
 * the newest few by name only).  Reads the stable view v_ingest.
 */
#include <stdio.h>
#include <string.h>

#include "digest.h"
#include "rdb_sqlite.h"
#include "xalloc.h"

static const char q_reasons[] =
    "SELECT coalesce(reason, ''), count(*) FROM v_ingest "
    "WHERE outcome = 'rejected' AND first_seen >= ?1 AND first_seen < ?2 "
    "GROUP BY 1 ORDER BY 2 DESC, 1";

int
digest_query_rejects(struct rdb *h, const struct window *w, struct digest *d,
    char *err, size_t errlen)
{
	sqlite3 *db = h->db;
	sqlite3_stmt *st = NULL;
	const char *r;
	int step, rc = -1;

	if (sqlite3_prepare_v2(db, q_reasons, -1, &st, NULL) != SQLITE_OK ||
	    sqlite3_bind_int64(st, 1, w->since) != SQLITE_OK ||
	    sqlite3_bind_int64(st, 2, w->until) != SQLITE_OK)
		goto fail;
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		unsigned long n = (unsigned long)sqlite3_column_int64(st, 1);

		d->rejected += n;
		if (d->n_rejects == MAX_DIGEST_REJECT_REASONS)
			continue;
		r = (const char *)sqlite3_column_text(st, 0);
		d->rejects[d->n_rejects].reason = xstrdup(r == NULL ||
		    r[0] == '\0' ? "(no reason)" : r);
		d->rejects[d->n_rejects++].n = n;
	}
	if (step != SQLITE_DONE)
		goto fail;
	rc = 0;
	goto out;
fail:
	snprintf(err, errlen, "database query (rejected inputs) failed: %s",
	    sqlite3_errmsg(db));
out:
	sqlite3_finalize(st);
	return rc;
}

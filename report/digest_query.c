/*
 * The one query of the digest that query.h does not make: inputs the
 * ingest ledger rejected in the window, counted by reason (query.h lists
 * the newest few by name only).  Reads the stable view v_ingest.
 */
#include <stdio.h>
#include <string.h>

#include "digest.h"
#include "rdb.h"
#include "xalloc.h"

static const char q_reasons[] =
    "SELECT coalesce(reason, ''), count(*) FROM v_ingest "
    "WHERE outcome = 'rejected' AND first_seen >= ?1 AND first_seen < ?2 "
    "GROUP BY 1 ORDER BY 2 DESC, 1";

int
digest_query_rejects(struct rdb *h, const struct window *w, struct digest *d,
    char *err, size_t errlen)
{
	struct rdb_stmt *st = NULL;
	const char *r;
	int step, rc = -1;

	if (rdb_prepare(h, q_reasons, &st, err, errlen) == -1 ||
	    rdb_bind_int64(st, 1, w->since) == -1 ||
	    rdb_bind_int64(st, 2, w->until) == -1)
		goto fail;
	while ((step = rdb_step(st)) == 1) {
		unsigned long n = (unsigned long)rdb_col_int64(st, 1);

		d->rejected += n;
		if (d->n_rejects == MAX_DIGEST_REJECT_REASONS)
			continue;
		r = rdb_col_text(st, 0);
		d->rejects[d->n_rejects].reason = xstrdup(r == NULL ||
		    r[0] == '\0' ? "(no reason)" : r);
		d->rejects[d->n_rejects++].n = n;
	}
	if (step != 0)
		goto fail;
	rc = 0;
	goto out;
fail:
	snprintf(err, errlen, "database query (rejected inputs) failed: %s",
	    rdb_errmsg(h));
out:
	rdb_finalize(st);
	return rc;
}

/*
 * The summary mode (the default): per policy domain, the window's totals
 * from query.c plus the live DMARC policy (policy.h) beside the policies
 * receivers saw, with every mismatch written out as a sentence.
 */
#ifndef DMARC_SUMMARY_H
#define DMARC_SUMMARY_H

#include <stddef.h>

#include "dns.h"
#include "model.h"
#include "query.h"
#include "rdb.h"

/*
 * Fills m (model_init'ed, mode MODEL_SUMMARY) from db.  With dns set,
 * each domain gets its live policy through policy_current() (online: a
 * fresh lookup, stored in the history; --no-dns: the latest stored
 * lookup); dns NULL leaves the live fields empty.  A DNS failure is a
 * status shown to the user, not an error.  Returns 0, or -1 with a
 * message in err (database).
 */
int	summary_build(struct rdb *db, struct dns *dns,
	    const struct query_opts *, struct model *m, char *err,
	    size_t errlen);

/*
 * Compares the published policies of d with its live_* fields and fills
 * d->mismatch (replacing what was there).  Absent adkim/aspf count as
 * "r", absent testing/t as "n", absent pct as 100, absent sp as p.
 * Exposed for tests.
 */
void	summary_mismatches(struct msum *d);

#endif

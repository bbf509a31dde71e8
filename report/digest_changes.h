/*
 * The comparisons of the digest (digest.h): for one domain, the top and
 * failing sources, new sources and services, pass-rate drops, new DKIM
 * selectors, silent reporters, a changed DMARC record, and the next record
 * to publish.  Internal to digest.c.
 */
#ifndef DMARC_DIGEST_CHANGES_H
#define DMARC_DIGEST_CHANGES_H

#include <stddef.h>

#include "classify.h"
#include "digest.h"
#include "rdb.h"

/* sorts the sources of d->cur, d->prev and d->base into d->idx */
void	digest_index(struct digest *d);
/* frees d->idx */
void	digest_index_free(struct digest *d);

/*
 * Fills the change fields of dd (which belongs to d) from d's models;
 * services may be NULL; hdb is the handle holding dmarc_lookup.
 * Returns 0, or -1 with a message in err (database).
 */
int	digest_changes(struct digest *d, struct ddomain *dd,
	    const struct classify *services, struct rdb *hdb, char *err,
	    size_t errlen);

/*
 * Fills dd->health from the checks of dd->domain stored in hdb at or
 * before now (digest_health.c; released by dhealth_release).  Returns 0,
 * or -1 with a message in err.
 */
int	digest_health(struct ddomain *dd, struct rdb *hdb, int64_t now,
	    char *err, size_t errlen);
void	dhealth_release(struct dhealth *);

#endif

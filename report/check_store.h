/*
 * The checks of `dmarc-report check` kept in dns_check and dns_check_item
 * (schema/010_check.sql), as the policy lookups are kept in dmarc_lookup:
 * check_store() appends a run's checks through the DNS cache's writable
 * handle (rdb.h RDB_CACHE; only a run that asked the DNS stores), and
 * check_stored_last() reads the newest two of a domain back for the
 * digest's "DNS health".  Statements of rdb.h only (check_store.c).
 */
#ifndef DMARC_CHECK_STORE_H
#define DMARC_CHECK_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "dnscheck.h"
#include "dns.h"
#include "rdb.h"

/* one stored item, as struct check_item without the volume */
struct check_stored_item {
	char		 area[8];
	enum check_verdict verdict;
	char		 code[24];
	char		*subject;	/* owned */
	char		*text;		/* owned */
};

/* one stored check of a domain */
struct check_stored {
	int64_t		 checked_at;	/* epoch seconds */
	enum check_verdict worst;	/* ok, warning or error */
	struct check_stored_item *items; /* owned, in the order found */
	size_t		 n_items;
	size_t		 dropped;	/* items the check did not keep */
};

/*
 * Stores every domain of r as one check at r->checked_at, in one
 * transaction, through dns's cache handle.  Returns 0, or -1 when nothing
 * was stored: r->no_dns, no writable handle, or a write failed (then
 * dns_db_failed says why, once, and later writes are not tried).
 */
int	check_store(struct dns *dns, const struct check_result *r);

/*
 * The newest checks of domain stored at or before at, newest first: at
 * most two, in out[0] and out[1], their number in *n.  Returns 0 (each
 * out[i < *n] released with check_stored_release), or -1 with a message
 * in err.
 */
int	check_stored_last(struct rdb *db, const char *domain, int64_t at,
	    struct check_stored out[2], size_t *n, char *err, size_t errlen);
void	check_stored_release(struct check_stored *);

#endif

/*
 * The meaning of a report as one SHA-256 digest, so that the store can
 * tell a re-sent report (a duplicate) from another report under the same
 * key (a conflict) whatever the bytes looked like: indentation, line ends,
 * the order of records and of the results inside a record, and the case
 * of DNS names and enumerated words do not change it; any other field,
 * a count, an address or a result does.  Records are folded in one at a
 * time as they are stored, so memory does not grow with the report.
 */
#ifndef DMARC_CANON_H
#define DMARC_CANON_H

#include <stdint.h>

#include "hash.h"
#include "rua.h"

/* the records of one report folded so far: their multiset */
struct canon {
	uint8_t		 sum[HASH_LEN];	/* record digests added mod 2^256,
					   little-endian */
	uint64_t	 n;		/* records added */
};

void	canon_init(struct canon *);
/* folds one record in (its alignment, computed by us, is not part) */
void	canon_record(struct canon *, const struct record *);
/*
 * The digest of the report's fields (its errors as a multiset) and of the
 * records folded into c; the report's running counts are not read.
 */
void	canon_final(const struct canon *, const struct report *,
	    uint8_t out[HASH_LEN]);

#endif

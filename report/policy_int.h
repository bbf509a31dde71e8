/*
 * What the policy*.c files share and nothing else uses: the names of
 * the statuses as dmarc_lookup stores them, read back, and the check of
 * a record's report destinations that policy_lookup() runs.
 */
#ifndef DMARC_POLICY_INT_H
#define DMARC_POLICY_INT_H

#include <stddef.h>

#include "dns.h"
#include "policy.h"

/* the status a stored name stands for (POLICY_DNS_ERROR if unknown) */
enum policy_status policy_status_from_name(const char *s);
/* the destination status of the n bytes at s (PDEST_NOT_CHECKED if none) */
enum policy_dest_status policy_dest_status_from_name(const char *s,
	    size_t n);
/*
 * Fills pl->dests from the record's rua and ruf and, online, asks for the
 * authorization of each external one (policy_dests.c).
 */
void	policy_dests_check(struct dns *, struct policy_lookup *);

#endif

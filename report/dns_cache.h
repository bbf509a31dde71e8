/*
 * The DNS answers dmarc-report keeps in the database's dns_cache table
 * (schema/004_dns.sql, 005_policy.sql), keyed by resolver, type and
 * name: the storage half of dns.h's cache, behind the database seam
 * (rdb.h).  dns.c decides what to ask and what to keep; this file only
 * reads and writes rows.  Writes need a handle opened RDB_CACHE.
 */
#ifndef DMARC_DNS_CACHE_H
#define DMARC_DNS_CACHE_H

#include <stddef.h>
#include <stdint.h>

#include "dns.h"
#include "rdb.h"

/* 1 if r holds the cache table (an early version-4 file lacks it) */
int	dns_cache_usable(struct rdb *r);

/*
 * Fills q (type set, empty) with the cached answer for key.  resolver
 * set (online): only that resolver's answer, and only while fresh
 * (fetched_at + ttl > now); resolver NULL (offline): the latest answer
 * of any resolver, however old.  Returns 1 with q's status, rcode, rrs,
 * ttl and fetched_at set and q->cached = 1; 0 when there is none (or the
 * statement cannot be prepared), q left released.
 */
int	dns_cache_get(struct rdb *r, const char *resolver, const char *key,
	    int64_t now, struct dns_query *q);

/*
 * Stores answers in one transaction: dns_cache_begin, then
 * dns_cache_put for each definite answer (replacing what resolver had
 * for q's type and key), then dns_cache_commit; after any -1, call
 * dns_cache_rollback.  Each returns 0, or -1 with the database's message
 * in err.
 */
int	dns_cache_begin(struct rdb *r, char *err, size_t errlen);
int	dns_cache_put(struct rdb *r, const char *resolver,
	    const struct dns_query *q, const char *key, char *err,
	    size_t errlen);
int	dns_cache_commit(struct rdb *r, char *err, size_t errlen);
void	dns_cache_rollback(struct rdb *r);

#endif

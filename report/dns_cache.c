/*
 * The dns_cache table (dns_cache.h): one row per answer record, a
 * negative answer as one row with seq 0 and data NULL.  Statements with
 * bound parameters (rdb.h), each prepared once on the handle (struct
 * rdb's cache_* statements) and finalized by rdb_close.
 */
#include <stdio.h>
#include <string.h>

#include "dns_cache.h"
#include "rdb_int.h"
#include "xalloc.h"

static const char *
qtype_name(enum dns_qtype t)
{
	return t == DNS_TXT ? "TXT" : "PTR";
}

static void
db_error(struct rdb *r, char *err, size_t errlen)
{
	snprintf(err, errlen, "%s", rdb_errmsg(r));
}

int
dns_cache_usable(struct rdb *r)
{
	struct rdb_stmt *st;
	char err[256];
	int ok;

	ok = rdb_prepare(r, "SELECT resolver FROM dns_cache LIMIT 0", &st,
	    err, sizeof(err)) == 0;
	rdb_finalize(st);
	return ok;
}

/* fills q from the row st stands on; 1 if it counts, 0 if stale */
static int
get_row(struct rdb_stmt *st, const char *resolver, int64_t now,
    struct dns_query *q)
{
	const char *status = rdb_col_text(st, 0);
	const char *data = rdb_col_text(st, 2);

	q->rcode = (int)rdb_col_int64(st, 1);
	q->ttl = rdb_col_int64(st, 3);
	q->fetched_at = rdb_col_int64(st, 4);
	if (resolver != NULL && q->fetched_at + q->ttl <= now)
		return 0;
	q->status = status == NULL ? DNS_NODATA : strcmp(status, "ok") == 0 ?
	    DNS_OK : strcmp(status, "nxdomain") == 0 ? DNS_NXDOMAIN :
	    DNS_NODATA;
	if (data != NULL && q->status == DNS_OK)
		dns_query_add(q, xstrdup(data));
	return 1;
}

int
dns_cache_get(struct rdb *r, const char *resolver, const char *key,
    int64_t now, struct dns_query *q)
{
	struct rdb_stmt *st;
	char err[256];
	int found = 0;

	if (r->cache_get == NULL && rdb_prepare(r,
	    "SELECT status, rcode, data, ttl, fetched_at FROM dns_cache "
	    "WHERE qtype = ?1 AND name = ?2 AND resolver = coalesce(?3, "
	    "(SELECT resolver FROM dns_cache WHERE qtype = ?1 AND name = ?2 "
	    "ORDER BY fetched_at DESC LIMIT 1)) ORDER BY seq",
	    &r->cache_get, err, sizeof(err)) == -1)
		return 0;
	st = r->cache_get;
	rdb_bind_text(st, 1, qtype_name(q->type));
	rdb_bind_text(st, 2, key);
	rdb_bind_text(st, 3, resolver);
	while (rdb_step(st) == 1) {
		if (!get_row(st, resolver, now, q))
			break;
		found = 1;
	}
	if (found)
		q->cached = 1;
	else
		dns_query_release(q);
	rdb_reset(st);
	return found;
}

int
dns_cache_begin(struct rdb *r, char *err, size_t errlen)
{
	if (rdb_begin(r, err, errlen) == -1)
		return -1;
	if ((r->cache_del == NULL && rdb_prepare(r,
	    "DELETE FROM dns_cache WHERE resolver = ?1 AND qtype = ?2 AND "
	    "name = ?3", &r->cache_del, err, errlen) == -1) ||
	    (r->cache_ins == NULL && rdb_prepare(r,
	    "INSERT INTO dns_cache (resolver, qtype, name, seq, status, "
	    "rcode, data, ttl, fetched_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, "
	    "?7, ?8, ?9)", &r->cache_ins, err, errlen) == -1))
		return -1;
	return 0;
}

/* binds and runs the insert of row i of q */
static int
put_row(struct rdb_stmt *ins, const char *resolver,
    const struct dns_query *q, const char *key, size_t i)
{
	rdb_reset(ins);
	if (rdb_bind_text(ins, 1, resolver) == -1 ||
	    rdb_bind_text(ins, 2, qtype_name(q->type)) == -1 ||
	    rdb_bind_text(ins, 3, key) == -1 ||
	    rdb_bind_int64(ins, 4, (int64_t)i) == -1 ||
	    rdb_bind_text(ins, 5, dns_status_name(q->status)) == -1 ||
	    rdb_bind_int64(ins, 6, q->rcode < 0 ? 0 : q->rcode) == -1 ||
	    rdb_bind_text(ins, 7, q->n_rrs > 0 ? q->rrs[i] : NULL) == -1 ||
	    rdb_bind_int64(ins, 8, q->ttl) == -1 ||
	    rdb_bind_int64(ins, 9, q->fetched_at) == -1)
		return -1;
	return rdb_step(ins) == 0 ? 0 : -1;
}

int
dns_cache_put(struct rdb *r, const char *resolver, const struct dns_query *q,
    const char *key, char *err, size_t errlen)
{
	struct rdb_stmt *del = r->cache_del, *ins = r->cache_ins;
	size_t rows = q->n_rrs > 0 ? q->n_rrs : 1;
	int rc = 0;

	rdb_reset(del);
	if (rdb_bind_text(del, 1, resolver) == -1 ||
	    rdb_bind_text(del, 2, qtype_name(q->type)) == -1 ||
	    rdb_bind_text(del, 3, key) == -1 || rdb_step(del) != 0)
		rc = -1;
	for (size_t i = 0; rc == 0 && i < rows; i++)
		rc = put_row(ins, resolver, q, key, i);
	if (rc == -1)
		db_error(r, err, errlen);
	rdb_reset(del);
	rdb_reset(ins);
	return rc;
}

int
dns_cache_commit(struct rdb *r, char *err, size_t errlen)
{
	return rdb_exec(r, "COMMIT", err, errlen);
}

void
dns_cache_rollback(struct rdb *r)
{
	char err[256];

	rdb_exec(r, "ROLLBACK", err, sizeof(err));
}

/*
 * The dns_cache table, SQLite backend (dns_cache.h): one row per answer
 * record, a negative answer as one row with seq 0 and data NULL.
 * Prepared statements with bound parameters, each prepared once on the
 * handle (rdb_sqlite.h) and finalized by rdb_close.
 */
#include <stdio.h>
#include <string.h>

#include "dns_cache.h"
#include "rdb_sqlite.h"
#include "xalloc.h"

static const char *
qtype_name(enum dns_qtype t)
{
	return t == DNS_TXT ? "TXT" : "PTR";
}

static void
db_error(struct rdb *r, char *err, size_t errlen)
{
	snprintf(err, errlen, "%s", sqlite3_errmsg(r->db));
}

int
dns_cache_usable(struct rdb *r)
{
	sqlite3_stmt *st;
	int ok;

	ok = sqlite3_prepare_v2(r->db, "SELECT resolver FROM dns_cache "
	    "LIMIT 0", -1, &st, NULL) == SQLITE_OK;
	sqlite3_finalize(st);
	return ok;
}

int
dns_cache_get(struct rdb *r, const char *resolver, const char *key,
    int64_t now, struct dns_query *q)
{
	sqlite3_stmt *st;
	int found = 0;

	if (r->cache_get == NULL && sqlite3_prepare_v3(r->db,
	    "SELECT status, rcode, data, ttl, fetched_at FROM dns_cache "
	    "WHERE qtype = ?1 AND name = ?2 AND resolver = coalesce(?3, "
	    "(SELECT resolver FROM dns_cache WHERE qtype = ?1 AND name = ?2 "
	    "ORDER BY fetched_at DESC LIMIT 1)) ORDER BY seq", -1,
	    SQLITE_PREPARE_PERSISTENT, &r->cache_get, NULL) != SQLITE_OK)
		return 0;
	st = r->cache_get;
	sqlite3_bind_text(st, 1, qtype_name(q->type), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, key, -1, SQLITE_STATIC);
	if (resolver == NULL)
		sqlite3_bind_null(st, 3);
	else
		sqlite3_bind_text(st, 3, resolver, -1, SQLITE_STATIC);
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *status = (const char *)sqlite3_column_text(st, 0);
		const char *data = (const char *)sqlite3_column_text(st, 2);

		q->rcode = sqlite3_column_int(st, 1);
		q->ttl = sqlite3_column_int64(st, 3);
		q->fetched_at = sqlite3_column_int64(st, 4);
		if (resolver != NULL && q->fetched_at + q->ttl <= now)
			break;
		found = 1;
		q->status = strcmp(status, "ok") == 0 ? DNS_OK :
		    strcmp(status, "nxdomain") == 0 ? DNS_NXDOMAIN : DNS_NODATA;
		if (data != NULL && q->status == DNS_OK)
			dns_query_add(q, xstrdup(data));
	}
	if (found)
		q->cached = 1;
	else
		dns_query_release(q);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return found;
}

int
dns_cache_begin(struct rdb *r, char *err, size_t errlen)
{
	if (sqlite3_exec(r->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) !=
	    SQLITE_OK || (r->cache_del == NULL && sqlite3_prepare_v2(r->db,
	    "DELETE FROM dns_cache WHERE resolver = ? AND qtype = ? AND "
	    "name = ?", -1, &r->cache_del, NULL) != SQLITE_OK) ||
	    (r->cache_ins == NULL && sqlite3_prepare_v2(r->db,
	    "INSERT INTO dns_cache (resolver, qtype, name, seq, status, "
	    "rcode, data, ttl, fetched_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, "
	    "?)", -1, &r->cache_ins, NULL) != SQLITE_OK)) {
		db_error(r, err, errlen);
		return -1;
	}
	return 0;
}

int
dns_cache_put(struct rdb *r, const char *resolver, const struct dns_query *q,
    const char *key, char *err, size_t errlen)
{
	sqlite3_stmt *del = r->cache_del, *ins = r->cache_ins;
	size_t rows = q->n_rrs > 0 ? q->n_rrs : 1;

	sqlite3_reset(del);
	sqlite3_bind_text(del, 1, resolver, -1, SQLITE_STATIC);
	sqlite3_bind_text(del, 2, qtype_name(q->type), -1, SQLITE_STATIC);
	sqlite3_bind_text(del, 3, key, -1, SQLITE_TRANSIENT);
	if (sqlite3_step(del) != SQLITE_DONE)
		goto fail;
	for (size_t i = 0; i < rows; i++) {
		sqlite3_reset(ins);
		sqlite3_bind_text(ins, 1, resolver, -1, SQLITE_STATIC);
		sqlite3_bind_text(ins, 2, qtype_name(q->type), -1,
		    SQLITE_STATIC);
		sqlite3_bind_text(ins, 3, key, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(ins, 4, (sqlite3_int64)i);
		sqlite3_bind_text(ins, 5, dns_status_name(q->status), -1,
		    SQLITE_STATIC);
		sqlite3_bind_int(ins, 6, q->rcode < 0 ? 0 : q->rcode);
		if (q->n_rrs > 0)
			sqlite3_bind_text(ins, 7, q->rrs[i], -1, SQLITE_STATIC);
		else
			sqlite3_bind_null(ins, 7);
		sqlite3_bind_int64(ins, 8, q->ttl);
		sqlite3_bind_int64(ins, 9, q->fetched_at);
		if (sqlite3_step(ins) != SQLITE_DONE)
			goto fail;
	}
	sqlite3_reset(del);
	sqlite3_reset(ins);
	return 0;
fail:
	db_error(r, err, errlen);
	sqlite3_reset(del);
	sqlite3_reset(ins);
	return -1;
}

int
dns_cache_commit(struct rdb *r, char *err, size_t errlen)
{
	if (sqlite3_exec(r->db, "COMMIT", NULL, NULL, NULL) == SQLITE_OK)
		return 0;
	db_error(r, err, errlen);
	return -1;
}

void
dns_cache_rollback(struct rdb *r)
{
	sqlite3_exec(r->db, "ROLLBACK", NULL, NULL, NULL);
}

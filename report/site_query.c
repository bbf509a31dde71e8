/*
 * The site's queries (site.h), written against rdb.h: each one statement,
 * a UNION ALL of the sections of one kind of page, ordered by the page's
 * key so that site_pages.c writes a page whenever the key changes and
 * holds only one page's rows.  The window is ?1..?2 on begin_utc, the
 * domains ?3 (a JSON array, or NULL).
 */
#include <stdio.h>
#include <string.h>

#include "query_sql.h"
#include "rdb.h"
#include "site.h"

/* bytes of the database mapped for reading: counted in the RSS */
#define SITE_MMAP_SIZE	"33554432"
/* page cache: 16 MiB, inside the 128 MB the issue allows */
#define SITE_CACHE_KB	"-16384"
/* room for a backend's message */
#define SITE_QERRLEN	512

#define DOM	"coalesce(r.policy_domain, '')"
#define WR	" FROM report r WHERE r.status = 'stored' " \
		"AND r.begin_utc >= ?1 AND r.begin_utc < ?2 AND (?3 IS NULL " \
		"OR " DOM " IN (SELECT value FROM json_each(?3)))"
#define WRC	" FROM report r JOIN record c ON c.report_id = r.id " \
		"WHERE r.status = 'stored' " \
		"AND r.begin_utc >= ?1 AND r.begin_utc < ?2 AND (?3 IS NULL " \
		"OR " DOM " IN (SELECT value FROM json_each(?3)))"
#define N6	"NULL, NULL, NULL, NULL, NULL, NULL"
#define S8	"NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL"
#define S9	S8 ", NULL"
#define DAY	"r.begin_utc / 86400"
#define PASS	"sum(c.count * c.dmarc_pass)"

/*
 * The window's records, read once (site_query_open) into a temporary
 * table that the domain and source streams aggregate, instead of each
 * of their eight sections joining report and record again: one row per
 * record with its report's keys, the failure cause of a failing one
 * (-1 when it passes).
 */
static const char q_rec[] =
    "CREATE TEMP TABLE site_rec AS SELECT r.id AS rid, " DOM " AS dom, "
    "r.begin_utc AS b, r.org_key AS ok, r.org_name AS org, "
    "c.source_ip AS ip, " CATEGORY " AS cat, c.count AS n, "
    "c.count * c.dmarc_pass AS p" WRC;

#define TR	" FROM temp.site_rec t"
#define TDAY	"t.b / 86400"

/* columns: key, kind, ord, s0..s9, n0..n7 */
static const char q_domains[] =
    "SELECT " DOM ", 0, 0, (SELECT x.policy_p FROM report x WHERE "
    "x.status = 'stored' AND x.policy_domain IS r.policy_domain AND "
    "x.begin_utc >= ?1 AND x.begin_utc < ?2 ORDER BY x.begin_utc DESC, "
    "x.id DESC LIMIT 1), (SELECT x.policy_sp FROM report x WHERE "
    "x.status = 'stored' AND x.policy_domain IS r.policy_domain AND "
    "x.begin_utc >= ?1 AND x.begin_utc < ?2 ORDER BY x.begin_utc DESC, "
    "x.id DESC LIMIT 1), " S8 ", count(*), max(r.stored_at), "
    "(SELECT coalesce(x.policy_pct, -1) FROM report x WHERE "
    "x.status = 'stored' AND x.policy_domain IS r.policy_domain AND "
    "x.begin_utc >= ?1 AND x.begin_utc < ?2 ORDER BY x.begin_utc DESC, "
    "x.id DESC LIMIT 1), " "NULL, NULL, NULL, NULL, NULL" WR " GROUP BY 1 "
    "UNION ALL SELECT t.dom, 1, " TDAY ", " S9 ", NULL, " TDAY ", "
    "sum(t.n), sum(t.p), NULL, NULL, NULL, NULL, NULL" TR
    " GROUP BY 1, 3 "
    "UNION ALL SELECT t.dom, 2, -((sum(t.n) - sum(t.p)) * 1e10 + "
    "sum(t.n)), t.ip, " S8 ", NULL, sum(t.n), sum(t.p), " N6 TR
    " GROUP BY 1, t.ip "
    "UNION ALL SELECT t.dom, 3, t.cat, " S9 ", NULL, t.cat, sum(t.n), "
    N6 TR " WHERE t.cat >= 0 GROUP BY 1, 3 "
    "UNION ALL SELECT t.dom, 4, -sum(t.n), max(t.org), t.ok, " S8 ", "
    "sum(t.n), sum(t.p), count(DISTINCT t.rid), "
    "NULL, NULL, NULL, NULL, NULL" TR " GROUP BY 1, t.ok "
    "ORDER BY 1, 2, 3, 4";

static const char q_sources[] =
    "SELECT t.ip, 0, -sum(t.n), t.dom, " S9 ", sum(t.n), sum(t.p), " N6
    TR " WHERE t.ip IS NOT NULL GROUP BY 1, 4 "
    "UNION ALL SELECT t.ip, 1, " TDAY ", " S9 ", NULL, " TDAY ", "
    "sum(t.n), sum(t.p), NULL, NULL, NULL, NULL, NULL" TR
    " WHERE t.ip IS NOT NULL GROUP BY 1, 3 "
    "UNION ALL SELECT t.ip, 2, -sum(t.n), max(t.org), t.ok, " S8 ", "
    "sum(t.n), sum(t.p), " N6 TR " WHERE t.ip IS NOT NULL "
    "GROUP BY 1, t.ok "
    "UNION ALL SELECT t.ip, 3, -t.b, t.org, t.dom, " S8 ", t.rid, "
    "sum(t.n), sum(t.p), t.b, NULL, NULL, NULL, NULL" TR
    " WHERE t.ip IS NOT NULL GROUP BY 1, t.rid "
    "ORDER BY 1, 2, 3, 4";

static const char q_days[] =
    "SELECT " TDAY ", 0, -sum(t.n), t.dom, " S9 ", sum(t.n), sum(t.p), "
    N6 TR " GROUP BY 1, 4 "
    "UNION ALL SELECT " TDAY ", 1, -sum(t.n), t.ip, " S9 ", sum(t.n), "
    "sum(t.p), " N6 TR " GROUP BY 1, 4 "
    "UNION ALL SELECT " TDAY ", 2, -sum(t.n), max(t.org), t.ok, " S8
    ", sum(t.n), sum(t.p), count(DISTINCT t.rid), "
    "NULL, NULL, NULL, NULL, NULL" TR " GROUP BY 1, t.ok "
    "ORDER BY 1, 2, 3, 4";

static const char q_reporters[] =
    "SELECT r.org_key, 0, 0, max(r.org_name), max(r.email), " S8 ", "
    "count(*), sum(r.messages), " N6 WR " GROUP BY 1 "
    "UNION ALL SELECT r.org_key, 1, -sum(r.messages), " DOM ", " S9 ", "
    "sum(r.messages), count(*), " N6 WR " GROUP BY 1, 4 "
    "UNION ALL SELECT r.org_key, 2, -r.begin_utc, " DOM ", r.report_id, "
    S8 ", r.id, r.messages, r.begin_utc, r.end_utc, NULL, NULL, NULL, "
    "NULL" WR " ORDER BY 1, 2, 3, 4";

#define CAT3(sel, from) "(SELECT group_concat(" sel ", ', ') FROM " from \
		" WHERE record_id = c.id)"

static const char q_reports[] =
    "SELECT r.id, 0, 0, r.org_name, r.email, r.report_id, " DOM ", "
    "r.policy_p, r.policy_sp, r.generator, r.extra_contact_info, "
    "r.format, i.container, r.begin_utc, r.end_utc, r.input_id, "
    "r.messages, r.n_records, r.stored_at, i.stored_deflated, "
    "coalesce(r.policy_pct, -1) FROM report r JOIN input i ON "
    "i.id = r.input_id WHERE r.status = 'stored' "
    "AND r.begin_utc >= ?1 AND r.begin_utc < ?2 AND (?3 IS NULL "
    "OR " DOM " IN (SELECT value FROM json_each(?3))) "
    "UNION ALL SELECT r.id, 1, c.seq, coalesce(c.source_ip, "
    "c.source_ip_raw), coalesce(c.disposition, c.disposition_raw), "
    "coalesce(c.eval_dkim, c.eval_dkim_raw), coalesce(c.eval_spf, "
    "c.eval_spf_raw), c.header_from, "
    CAT3("coalesce(domain, '?') || ' ' || coalesce(result, result_raw, "
    "'?') || coalesce(' (' || human_result || ')', '')", "record_dkim")
    ", "
    CAT3("coalesce(domain, '?') || ' ' || coalesce(result, result_raw, "
    "'?')", "record_spf") ", "
    CAT3("coalesce(type, type_raw, '?') || coalesce(': ' || comment, "
    "'')", "record_reason") ", NULL, NULL, c.count, c.dmarc_pass, c.seq, "
    "NULL, NULL, NULL, NULL, NULL" WRC " AND c.seq < ?4 "
    "UNION ALL SELECT r.id, 2, 0, w.code, " S9 ", w.count, " N6
    ", NULL FROM report r JOIN warning w ON w.report_id = r.id "
    "WHERE r.status = 'stored' "
    "AND r.begin_utc >= ?1 AND r.begin_utc < ?2 AND (?3 IS NULL "
    "OR " DOM " IN (SELECT value FROM json_each(?3))) "
    "UNION ALL SELECT r.id, 3, e.seq, e.text, " S9 ", " N6 ", NULL, "
    "NULL FROM report r JOIN report_error e ON e.report_id = r.id "
    "WHERE r.status = 'stored' "
    "AND r.begin_utc >= ?1 AND r.begin_utc < ?2 AND (?3 IS NULL "
    "OR " DOM " IN (SELECT value FROM json_each(?3))) "
    "ORDER BY 1, 2, 3, 4";

/* every rejected input, not the window's: the health of ingest now */
static const char q_rejects[] =
    "SELECT '', 0, -count(*), coalesce(reason, ''), " S9 ", count(*), "
    N6 ", NULL FROM input WHERE outcome = 'rejected' GROUP BY 4 "
    "UNION ALL SELECT * FROM (SELECT '', 1, -first_seen, source, "
    "coalesce(reason, ''), sha256, NULL, NULL, NULL, NULL, NULL, NULL, "
    "NULL, id, first_seen, size, NULL, NULL, NULL, NULL, NULL "
    "FROM input WHERE outcome = 'rejected' "
    "ORDER BY first_seen DESC, id DESC LIMIT ?1) "
    "ORDER BY 1, 2, 3, 4";

static const char *const queries[] = {
	[SITE_Q_DOMAINS] = q_domains,
	[SITE_Q_SOURCES] = q_sources,
	[SITE_Q_DAYS] = q_days,
	[SITE_Q_REPORTERS] = q_reporters,
	[SITE_Q_REPORTS] = q_reports,
	[SITE_Q_REJECTS] = q_rejects,
};

/* the parameters of each query: the window and domains, or neither */
static int
bind(struct rdb_stmt *st, enum site_q q, const struct window *w,
    const char *domains_json)
{
	if (q == SITE_Q_SOURCES || q == SITE_Q_DAYS)
		return 0;
	if (q == SITE_Q_REJECTS)
		return rdb_bind_int64(st, 1, MAX_SITE_REJECTS);
	if (rdb_bind_int64(st, 1, w->since) == -1 ||
	    rdb_bind_int64(st, 2, w->until) == -1)
		return -1;
	if (domains_json != NULL && rdb_bind_text(st, 3, domains_json) == -1)
		return -1;
	if (q == SITE_Q_REPORTS &&
	    rdb_bind_int64(st, 4, MAX_SITE_RECORDS) == -1)
		return -1;
	return 0;
}

int
site_query_open(struct rdb *h, const struct window *w,
    const char *domains_json, char *err, size_t errlen)
{
	struct rdb_stmt *st = NULL;
	char perr[SITE_QERRLEN];
	int rc = -1;

	/* a small map and cache: the records are read twice (here and
	   for the report pages), the temporary table and the sorts of
	   the UNION ALLs live in temporary files past the cache */
	(void)rdb_exec(h, "PRAGMA mmap_size = " SITE_MMAP_SIZE
	    "; PRAGMA cache_size = " SITE_CACHE_KB "; PRAGMA temp_store = "
	    "FILE; PRAGMA temp.cache_size = " SITE_CACHE_KB, perr,
	    sizeof(perr));
	if (rdb_exec(h, "DROP TABLE IF EXISTS temp.site_rec", perr,
	    sizeof(perr)) == -1 ||
	    rdb_prepare(h, q_rec, &st, perr, sizeof(perr)) == -1) {
		snprintf(err, errlen, "database query (site) failed: %s",
		    perr);
		goto out;
	}
	if (rdb_bind_int64(st, 1, w->since) == -1 ||
	    rdb_bind_int64(st, 2, w->until) == -1 ||
	    (domains_json != NULL && rdb_bind_text(st, 3, domains_json) ==
	    -1) || rdb_step(st) == -1) {
		snprintf(err, errlen, "database query (site) failed: %s",
		    rdb_errmsg(h));
		goto out;
	}
	rc = 0;
out:
	rdb_finalize(st);
	return rc;
}

static void
row_of(struct rdb_stmt *st, struct site_row *r)
{
	int i;

	r->key = rdb_col_text(st, 0);
	if (r->key == NULL)
		r->key = "";
	r->kind = (int)rdb_col_int64(st, 1);
	for (i = 0; i < SITE_ROW_STRS; i++)
		r->s[i] = rdb_col_text(st, 3 + i);
	for (i = 0; i < SITE_ROW_NUMS; i++)
		r->n[i] = rdb_col_int64(st, 3 + SITE_ROW_STRS + i);
}

int
site_query(struct rdb *h, enum site_q q, const struct window *w,
    const char *domains_json, site_row_fn fn, void *arg, char *err,
    size_t errlen)
{
	struct rdb_stmt *st = NULL;
	struct site_row row;
	char perr[SITE_QERRLEN];
	int step, rc = -1;

	if (rdb_prepare(h, queries[q], &st, perr, sizeof(perr)) == -1) {
		snprintf(err, errlen, "database query (site) failed: %s",
		    perr);
		goto out;
	}
	if (bind(st, q, w, domains_json) == -1)
		goto fail;
	while ((step = rdb_step(st)) == 1) {
		row_of(st, &row);
		if (fn(&row, arg) == -1)
			goto out;
	}
	if (step == -1)
		goto fail;
	rc = 0;
	goto out;
fail:
	snprintf(err, errlen, "database query (site) failed: %s",
	    rdb_errmsg(h));
out:
	rdb_finalize(st);
	return rc;
}

int
site_query_input(struct rdb *h, int64_t id, FILE *f, char *err,
    size_t errlen)
{
	static const char q[] = "SELECT data FROM input_chunk WHERE "
	    "input_id = ?1 ORDER BY seq";
	struct rdb_stmt *st = NULL;
	char perr[SITE_QERRLEN];
	const void *p;
	size_t n;
	int step, rc = -1;

	if (rdb_prepare(h, q, &st, perr, sizeof(perr)) == -1) {
		snprintf(err, errlen, "database query (input %lld) failed: "
		    "%s", (long long)id, perr);
		goto out;
	}
	if (rdb_bind_int64(st, 1, id) == -1)
		goto fail;
	while ((step = rdb_step(st)) == 1) {
		p = rdb_col_blob(st, 0, &n);
		if (n > 0 && fwrite(p, 1, n, f) != n) {
			snprintf(err, errlen, "write failed (input %lld)",
			    (long long)id);
			goto out;
		}
	}
	if (step == -1)
		goto fail;
	rc = 0;
	goto out;
fail:
	snprintf(err, errlen, "database query (input %lld) failed: %s",
	    (long long)id, rdb_errmsg(h));
out:
	rdb_finalize(st);
	return rc;
}

/*
 * The stored reports as the check mode needs them (dnscheck.h): sources per
 * envelope domain with their DKIM-aligned and SPF-pass volume, the DKIM
 * selectors signing the domain's mail, and the window's policy domains.
 * The only file of the mode that speaks SQL; every statement is prepared
 * with bound parameters.  A report belongs to the window when it begins
 * in it; its records count whole.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dnscheck.h"
#include "domain.h"
#include "ipaddr.h"
#include "limits.h"
#include "rdb.h"
#include "xalloc.h"

/* ?1 since, ?2 until, ?3 domain */
#define CQ_FROM	"FROM report r JOIN record c ON c.report_id = r.id "
#define CQ_WHERE \
	"WHERE r.status = 'stored' AND r.begin_utc >= ?1 " \
	"AND r.begin_utc < ?2 AND r.policy_domain = ?3 "

/* the MAIL FROM domain: envelope_from, else the mfrom SPF domain */
#define CQ_RECORDS CQ_FROM CQ_WHERE

#define CQ_ENVELOPE \
	"lower(coalesce(c.envelope_from, (SELECT s.domain FROM record_spf s " \
	"WHERE s.record_id = c.id AND coalesce(s.scope, 'mfrom') = 'mfrom' " \
	"ORDER BY s.seq LIMIT 1)))"

/* x is ?3 or a name below it */
#define CQ_UNDER(x) \
	"(" x " = ?3 OR substr(" x ", -length(?3) - 1) = '.' || ?3)"

static const char q_total[] =
    "SELECT coalesce(sum(c.count), 0) " CQ_RECORDS;

static const char q_sources[] =
    "SELECT ip, family, env, sum(n), sum(al), sum(sp) FROM ("
    "SELECT c.source_ip AS ip, c.ip_family AS family, " CQ_ENVELOPE
    " AS env, c.count AS n, "
    "CASE WHEN c.dkim_aligned = 1 THEN c.count ELSE 0 END AS al, "
    "CASE WHEN EXISTS (SELECT 1 FROM record_spf s WHERE "
    "s.record_id = c.id AND s.result = 'pass' AND "
    "coalesce(s.scope, 'mfrom') = 'mfrom') THEN c.count ELSE 0 END AS sp "
    CQ_RECORDS "AND c.source_ip IS NOT NULL) "
    "WHERE env IS NOT NULL AND " CQ_UNDER("env")
    " GROUP BY ip, family, env ORDER BY sum(n) DESC, ip, env LIMIT ?4";

static const char q_selectors[] =
    "SELECT lower(k.domain), lower(k.selector), sum(c.count), "
    "sum(CASE WHEN k.result = 'pass' THEN c.count ELSE 0 END) "
    CQ_FROM "JOIN record_dkim k ON k.record_id = c.id " CQ_WHERE
    "AND k.domain IS NOT NULL AND k.selector IS NOT NULL "
    "AND k.selector <> '' AND (" CQ_UNDER("lower(k.domain)") " OR "
    "substr(?3, -length(k.domain) - 1) = '.' || lower(k.domain)) "
    "GROUP BY 1, 2 ORDER BY 3 DESC, 1, 2 LIMIT ?4";

static const char q_domains[] =
    "SELECT DISTINCT lower(policy_domain) FROM report WHERE "
    "status = 'stored' AND begin_utc >= ?1 AND begin_utc < ?2 AND "
    "policy_domain IS NOT NULL AND policy_domain <> '' ORDER BY 1 "
    "LIMIT ?3";

void
check_data_release(struct check_data *d)
{
	if (d == NULL)
		return;
	for (size_t i = 0; i < d->n_sources; i++) {
		free(d->sources[i].ip);
		free(d->sources[i].envelope);
	}
	free(d->sources);
	for (size_t i = 0; i < d->n_selectors; i++) {
		free(d->selectors[i].d);
		free(d->selectors[i].selector);
	}
	free(d->selectors);
	memset(d, 0, sizeof(*d));
}

static int
prepare(struct rdb *db, const char *sql, const struct window *w,
    const char *domain, struct rdb_stmt **st, char *err, size_t errlen)
{
	char msg[256];

	if (rdb_prepare(db, sql, st, msg, sizeof(msg)) == -1) {
		snprintf(err, errlen, "cannot read the reports: %s", msg);
		return -1;
	}
	if (rdb_bind_int64(*st, 1, w->since) == -1 ||
	    rdb_bind_int64(*st, 2, w->until) == -1 ||
	    (domain != NULL && rdb_bind_text(*st, 3, domain) == -1)) {
		snprintf(err, errlen, "cannot read the reports: %s",
		    rdb_errmsg(db));
		rdb_finalize(*st);
		*st = NULL;
		return -1;
	}
	return 0;
}

static int
step_done(struct rdb *db, int rc, char *err, size_t errlen)
{
	if (rc == 0)
		return 0;
	snprintf(err, errlen, "cannot read the reports: %s",
	    rdb_errmsg(db));
	return -1;
}

/* a text column as a clean domain (NULL if it is not one); owned */
static char *
col_domain(struct rdb_stmt *st, int i)
{
	const char *s = rdb_col_text(st, i);
	char *d;

	if (s == NULL || strlen(s) > MAX_DOMAIN_LEN + 1)
		return NULL;
	d = xstrdup(s);
	if (domain_normalize(d) == -1) {
		free(d);
		return NULL;
	}
	return d;
}

/* one source row; 0, or -1 if the row is unusable (skipped) */
static int
add_source(struct check_data *d, struct rdb_stmt *st)
{
	const char *ip = rdb_col_text(st, 0);
	char canon[IPADDR_TEXT_LEN], *env;
	struct check_source *s;
	int fam;

	if (ip == NULL || strlen(ip) >= IPADDR_TEXT_LEN ||
	    (fam = ipaddr_normalize(ip, canon)) == 0 ||
	    (env = col_domain(st, 2)) == NULL)
		return -1;
	d->sources = xreallocarray(d->sources, d->n_sources + 1,
	    sizeof(*d->sources));
	s = &d->sources[d->n_sources++];
	memset(s, 0, sizeof(*s));
	s->ip = xstrdup(canon);
	s->family = fam;
	inet_pton(fam == 4 ? AF_INET : AF_INET6, canon, s->addr);
	s->envelope = env;
	s->messages = rdb_col_double(st, 3);
	s->dkim_aligned = rdb_col_double(st, 4);
	s->spf_pass = rdb_col_double(st, 5);
	return 0;
}

static int
add_selector(struct check_data *d, struct rdb_stmt *st)
{
	const char *sel = rdb_col_text(st, 1);
	struct check_selector *k;
	char *dom;

	if (sel == NULL || strlen(sel) > MAX_DOMAIN_LEN ||
	    (dom = col_domain(st, 0)) == NULL)
		return -1;
	d->selectors = xreallocarray(d->selectors, d->n_selectors + 1,
	    sizeof(*d->selectors));
	k = &d->selectors[d->n_selectors++];
	k->d = dom;
	k->selector = xstrdup(sel);
	k->messages = rdb_col_double(st, 2);
	k->passed = rdb_col_double(st, 3);
	return 0;
}

int
check_query(struct rdb *r, const struct window *w, const char *domain,
    struct check_data *out, char *err, size_t errlen)
{
	struct rdb *db = r;
	struct rdb_stmt *st = NULL;
	int rc = -1, s;

	memset(out, 0, sizeof(*out));
	if (prepare(db, q_total, w, domain, &st, err, errlen) == -1)
		goto out;
	if ((s = rdb_step(st)) == 1)
		out->messages = rdb_col_double(st, 0);
	else if (step_done(db, s, err, errlen) == -1)
		goto out;
	rdb_finalize(st);
	if (prepare(db, q_sources, w, domain, &st, err, errlen) == -1)
		goto out;
	rdb_bind_int64(st, 4, MAX_CHECK_SOURCES * MAX_CHECK_ENVELOPES);
	while ((s = rdb_step(st)) == 1)
		add_source(out, st);
	if (step_done(db, s, err, errlen) == -1)
		goto out;
	rdb_finalize(st);
	if (prepare(db, q_selectors, w, domain, &st, err, errlen) == -1)
		goto out;
	rdb_bind_int64(st, 4, MAX_CHECK_SELECTORS);
	while ((s = rdb_step(st)) == 1)
		add_selector(out, st);
	if (step_done(db, s, err, errlen) == -1)
		goto out;
	rc = 0;
out:
	rdb_finalize(st);
	if (rc == -1)
		check_data_release(out);
	return rc;
}

int
check_query_domains(struct rdb *r, const struct window *w, char ***out,
    size_t *n, size_t max, char *err, size_t errlen)
{
	struct rdb *db = r;
	struct rdb_stmt *st = NULL;
	int s;
	char *d;

	*out = NULL;
	*n = 0;
	if (prepare(db, q_domains, w, NULL, &st, err, errlen) == -1)
		return -1;
	rdb_bind_int64(st, 3, (int64_t)max);
	while ((s = rdb_step(st)) == 1)
		if ((d = col_domain(st, 0)) != NULL) {
			*out = xreallocarray(*out, *n + 1, sizeof(**out));
			(*out)[(*n)++] = d;
		}
	s = step_done(db, s, err, errlen);
	rdb_finalize(st);
	if (s == -1) {
		for (size_t i = 0; i < *n; i++)
			free((*out)[i]);
		free(*out);
		*out = NULL;
		*n = 0;
		return -1;
	}
	return 0;
}

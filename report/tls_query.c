/*
 * The tls mode's SQL (tls.h), the only file of it that talks to the
 * database, through the statement API (rdb.h): the database opened
 * read-only, two prepared statements over the
 * stable views v_tls_policies and v_tls_failures, the window bound as
 * parameters, the rows copied into the model.  A report counts in the
 * window holding the middle of its date range.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rdb.h"
#include "tls.h"
#include "xalloc.h"

/* the middle of a report's range is in [?1, ?2) */
#define IN_WINDOW "begin_utc + (end_utc - begin_utc) / 2 >= ?1 AND " \
	"begin_utc + (end_utc - begin_utc) / 2 < ?2"

static const char sql_domains[] =
	"SELECT policy_domain, count(DISTINCT report), "
	"count(DISTINCT lower(org_name)), sum(successful_sessions), "
	"sum(failed_sessions), "
	"group_concat(DISTINCT coalesce(policy_type, policy_type_raw)) "
	"FROM v_tls_policies WHERE " IN_WINDOW " "
	"GROUP BY policy_domain ORDER BY policy_domain";

static const char sql_failures[] =
	"SELECT policy_domain, coalesce(result_type, result_type_raw), "
	"result_type IS NOT NULL, receiving_mx_hostname, org_name, "
	"sum(failed_sessions) AS n "
	"FROM v_tls_failures WHERE " IN_WINDOW " "
	"GROUP BY policy_domain, 2, 3, receiving_mx_hostname, org_name "
	"ORDER BY policy_domain, n DESC, 2, 4, 5";

static char *
col_text(struct rdb_stmt *st, int i)
{
	const char *t = rdb_col_text(st, i);

	return t != NULL ? xstrdup(t) : NULL;
}

static int
wanted(const char *domain, const char *const *domains, size_t n)
{
	if (n == 0)
		return 1;
	for (size_t i = 0; domain != NULL && i < n; i++)
		if (strcmp(domain, domains[i]) == 0)
			return 1;
	return 0;
}

static struct tls_domain *
find_domain(struct tls_model *m, const char *name)
{
	/* few domains: a linear look-up, in the model's sorted order */
	for (size_t i = 0; name != NULL && i < m->n_domains; i++)
		if (strcmp(m->domains[i].domain, name) == 0)
			return &m->domains[i];
	return NULL;
}

static int
prepare(struct rdb *db, const char *sql, const struct tls_model *m,
    struct rdb_stmt **st, char *err, size_t errlen)
{
	char why[256];

	if (rdb_prepare(db, sql, st, why, sizeof(why)) == -1) {
		snprintf(err, errlen, "cannot query TLS reports: %s", why);
		return -1;
	}
	if (rdb_bind_int64(*st, 1, m->w.since) == -1 ||
	    rdb_bind_int64(*st, 2, m->w.until) == -1) {
		snprintf(err, errlen, "cannot query TLS reports: %s",
		    rdb_errmsg(db));
		return -1;
	}
	return 0;
}

static int
read_domains(struct rdb *db, const char *const *domains, size_t n,
    struct tls_model *m, char *err, size_t errlen)
{
	struct rdb_stmt *st = NULL;
	size_t cap = 0;
	int step, rc = -1;

	if (prepare(db, sql_domains, m, &st, err, errlen) == -1)
		goto out;
	while ((step = rdb_step(st)) == 1) {
		struct tls_domain *d;
		const char *name = rdb_col_text(st, 0);

		if (!wanted(name, domains, n))
			continue;
		if (m->n_domains == MAX_TLS_DOMAINS) {
			m->n_dropped++;
			continue;
		}
		if (m->n_domains == cap) {
			cap = cap ? cap * 2 : 16;
			m->domains = xreallocarray(m->domains, cap,
			    sizeof(*m->domains));
		}
		d = &m->domains[m->n_domains++];
		memset(d, 0, sizeof(*d));
		d->domain = col_text(st, 0);
		d->reports = rdb_col_int64(st, 1);
		d->orgs = rdb_col_int64(st, 2);
		d->successful = rdb_col_int64(st, 3);
		d->failed = rdb_col_int64(st, 4);
		d->policy_types = col_text(st, 5);
		if (d->domain == NULL)
			d->domain = xstrdup("");
	}
	if (step != 0) {
		snprintf(err, errlen, "cannot query TLS reports: %s",
		    rdb_errmsg(db));
		goto out;
	}
	rc = 0;
out:
	rdb_finalize(st);
	return rc;
}

static void
add_fail(struct tls_domain *d, size_t *cap, struct rdb_stmt *st)
{
	struct tls_fail *f;

	if (d->n_fails == *cap) {
		*cap = *cap ? *cap * 2 : 8;
		d->fails = xreallocarray(d->fails, *cap, sizeof(*d->fails));
	}
	f = &d->fails[d->n_fails++];
	f->result = col_text(st, 1);
	if (f->result == NULL)
		f->result = xstrdup("");
	f->known = (int)rdb_col_int64(st, 2);
	f->mx = col_text(st, 3);
	f->org = col_text(st, 4);
	f->sessions = rdb_col_int64(st, 5);
}

static int
read_failures(struct rdb *db, struct tls_model *m, char *err, size_t errlen)
{
	struct rdb_stmt *st = NULL;
	struct tls_domain *d = NULL;
	size_t cap = 0, rows = 0;
	int step, rc = -1;

	if (prepare(db, sql_failures, m, &st, err, errlen) == -1)
		goto out;
	while ((step = rdb_step(st)) == 1) {
		const char *name = rdb_col_text(st, 0);

		/* rows come by domain: the capacity is the current one's */
		if (d == NULL || name == NULL || strcmp(d->domain, name) != 0) {
			d = find_domain(m, name);
			cap = 0;
		}
		if (d == NULL)
			continue;	/* not asked for */
		if (rows == MAX_TLS_FAILURE_ROWS) {
			m->n_dropped++;
			continue;
		}
		rows++;
		add_fail(d, &cap, st);
	}
	if (step != 0) {
		snprintf(err, errlen, "cannot query TLS reports: %s",
		    rdb_errmsg(db));
		goto out;
	}
	rc = 0;
out:
	rdb_finalize(st);
	return rc;
}

int
tls_query(const char *path, const char *const *domains, size_t n_domains,
    struct tls_model *m, char *err, size_t errlen)
{
	struct rdb *r;
	int rc = -1;

	if ((r = rdb_open(path, RDB_READ, err, errlen)) == NULL)
		return -1;
	if (read_domains(r, domains, n_domains, m, err, errlen) == 0 &&
	    read_failures(r, m, err, errlen) == 0)
		rc = 0;
	rdb_close(r);
	return rc;
}

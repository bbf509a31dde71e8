/*
 * The `check` mode's run (dnscheck.h): the window (default the last 30
 * days), the domains (the arguments, else the window's policy domains),
 * the database read-only, the resolver (live answers: a check asks
 * again), each domain checked and joined with its reports, the domains
 * sorted worst first, the result rendered to standard output or -o FILE,
 * then, when the DNS was asked, stored with its time (check_store.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dnscheck.h"
#include "check_store.h"
#include "classify.h"
#include "dnsq_ares.h"
#include "domain.h"
#include "limits.h"
#include "output.h"
#include "rdb.h"
#include "xalloc.h"

#define PROG	"dmarc-report"

static int
fail(const char *what)
{
	fprintf(stderr, PROG ": error: %s\n", what);
	return 2;
}

/* the domains to check, normalised; caller frees each and the array */
static int
domains(const struct check_args *a, struct rdb *db, const struct window *w,
    char ***out, size_t *n, char *err, size_t errlen)
{
	if (a->n_domains == 0)
		return check_query_domains(db, w, out, n, MAX_CHECK_DOMAINS,
		    err, errlen);
	if (a->n_domains > MAX_CHECK_DOMAINS) {
		snprintf(err, errlen, "more than %d domains to check",
		    MAX_CHECK_DOMAINS);
		return -1;
	}
	*out = xcalloc(a->n_domains, sizeof(**out));
	for (*n = 0; *n < a->n_domains; (*n)++) {
		const char *d = a->domains[*n];

		(*out)[*n] = xstrdup(d);
		if (strlen(d) > MAX_DOMAIN_LEN + 1 ||
		    domain_normalize((*out)[*n]) == -1) {
			snprintf(err, errlen, "not a domain: '%.*s'",
			    MAX_DOMAIN_LEN, d);
			(*n)++;
			return -1;
		}
	}
	return 0;
}

static int
by_worst(const void *pa, const void *pb)
{
	const struct check_domain *a = pa, *b = pb;

	if (a->worst != b->worst)
		return a->worst > b->worst ? -1 : 1;
	return strcmp(a->domain, b->domain);
}

static void
dns_options(const struct check_args *a, struct dns_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->db_path = a->db;
	o->resolver = a->resolver;
	o->no_dns = a->no_dns;
	/* a check is about the DNS now: every answer is asked again */
	o->refresh = 1;
	o->timeout_ms = a->timeout_ms;
	o->diag = stderr;
	o->progname = PROG;
}

/* checks every domain into r; 0, or -1 with a message in err */
static int
check_all(struct rdb *db, struct dns *dns, const struct classify *svc,
    char **doms, size_t n, struct check_result *r, char *err,
    size_t errlen)
{
	struct dnsq q;
	int rc = 0;

	dnsq_init(&q, dns);
	r->domains = xcalloc(n > 0 ? n : 1, sizeof(*r->domains));
	for (size_t i = 0; i < n && rc == 0; i++) {
		struct check_data data;

		if ((rc = check_query(db, &r->window, doms[i], &data, err,
		    errlen)) == 0)
			check_domain(dns, &q, doms[i], &data, svc,
			    &r->domains[r->n_domains++]);
		check_data_release(&data);
	}
	dnsq_release(&q);
	qsort(r->domains, r->n_domains, sizeof(*r->domains), by_worst);
	return rc;
}

static int
write_result(const struct check_args *a, const struct check_result *r,
    char *err, size_t errlen)
{
	struct output o;
	int ok;

	if (output_open(&o, a->out, err, errlen) == -1)
		return -1;
	ok = check_render(o.f, a->format, r) == 0;
	if (!ok)
		snprintf(err, errlen, "write failed");
	if (output_close(&o, ok, err, errlen) == -1)
		return -1;
	return ok ? 0 : -1;
}

int
check_run(const struct check_args *a)
{
	struct window_spec ws = a->ws;
	struct check_result r;
	struct classify svc;
	struct dns_opts o;
	struct dns *dns = NULL;
	struct rdb *db = NULL;
	char err[1024], **doms = NULL;
	size_t n = 0;
	int rc = 2;

	memset(&r, 0, sizeof(r));
	classify_init(&svc);
	ws.default_days = CHECK_DEFAULT_DAYS;
	r.checked_at = (int64_t)time(NULL);
	r.no_dns = a->no_dns;
	if (window_parse(&ws, &r.window, err, sizeof(err)) == -1 ||
	    (a->services != NULL && classify_load(&svc, a->services, err,
	    sizeof(err)) == -1) || classify_builtin(&svc, err,
	    sizeof(err)) == -1 ||
	    (db = rdb_open(a->db, RDB_READ, err, sizeof(err))) == NULL ||
	    domains(a, db, &r.window, &doms, &n, err, sizeof(err)) == -1) {
		rc = fail(err);
		goto out;
	}
	if (n == 0) {
		rc = fail("no domain to check: name one, or ingest reports "
		    "(none in the window)");
		goto out;
	}
	dns_options(a, &o);
	if ((dns = dns_new(&o, err, sizeof(err))) == NULL ||
	    check_all(db, dns, &svc, doms, n, &r, err, sizeof(err)) == -1 ||
	    write_result(a, &r, err, sizeof(err)) == -1) {
		rc = fail(err);
		goto out;
	}
	/* kept for the digest; a failed write is a note, not a failure */
	if (!a->no_dns)
		check_store(dns, &r);
	rc = 0;
	for (size_t i = 0; i < r.n_domains; i++)
		if (r.domains[i].worst >= CHECK_WARNING)
			rc = 1;
out:
	check_result_release(&r);
	classify_release(&svc);
	for (size_t i = 0; i < n; i++)
		free(doms[i]);
	free(doms);
	dns_free(dns);
	rdb_close(db);
	return rc;
}

/*
 * The table of modes (mode.h) and the runs of the model modes: summary,
 * sources, failures and readiness open the database and the resolver,
 * query the window, do every lookup and judgement the mode needs, and
 * only then render the result in the chosen format (format.h) to
 * standard output or atomically to -o FILE (output.h).  policy and
 * digest hand over to their own files (policy_mode.c, digest_cli.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "classify.h"
#include "dns.h"
#include "dnscheck.h"
#include "domain.h"
#include "mode.h"
#include "output.h"
#include "policy.h"
#include "rdb.h"
#include "senders.h"
#include "site.h"
#include "sources.h"
#include "summary.h"
#include "tls.h"
#include "xalloc.h"

#define PROG		"dmarc-report"
#define ERRLEN		1024

#define TJC	(FORMAT_BIT(FORMAT_TEXT) | FORMAT_BIT(FORMAT_JSON) | \
	    FORMAT_BIT(FORMAT_CSV))

static int	run_model(const struct mode_args *);
static int	run_policy(const struct mode_args *);
static int	run_digest(const struct mode_args *);
static int	run_check(const struct mode_args *);
static int	run_tls(const struct mode_args *);

static const struct mode modes[] = {
	{ "summary", TJC, MODEL_SUMMARY, 0, WINDOW_DEFAULT_DAYS, 0,
	    run_model },
	{ "sources", TJC, MODEL_SOURCES, 0, WINDOW_DEFAULT_DAYS, 1,
	    run_model },
	{ "failures", TJC, MODEL_FAILURES, 0, WINDOW_DEFAULT_DAYS, 1,
	    run_model },
	{ "readiness", TJC, MODEL_READINESS, 0, READINESS_DEFAULT_DAYS, 1,
	    run_model },
	{ "policy", FORMAT_BIT(FORMAT_TEXT) | FORMAT_BIT(FORMAT_JSON),
	    MODEL_SUMMARY, MODE_ARG_DOMAIN, WINDOW_DEFAULT_DAYS, 0,
	    run_policy },
	{ "digest", FORMAT_BIT(FORMAT_TEXT) | FORMAT_BIT(FORMAT_MARKDOWN) |
	    FORMAT_BIT(FORMAT_HTML) | FORMAT_BIT(FORMAT_EMAIL),
	    MODEL_SUMMARY, 0, WINDOW_DEFAULT_DAYS, 1, run_digest },
	{ "check", TJC, MODEL_SUMMARY, MODE_ARG_DOMAINS, CHECK_DEFAULT_DAYS,
	    1, run_check },
	{ "tls", TJC, MODEL_SUMMARY, MODE_ARG_NONE, WINDOW_DEFAULT_DAYS, 0,
	    run_tls },
	/* writes HTML pages to -o DIR; --format does not apply */
	{ "site", FORMAT_BIT(FORMAT_TEXT), MODEL_SUMMARY, 0, SITE_DEFAULT_DAYS,
	    0, site_run },
};

const struct mode *
mode_find(const char *s)
{
	for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++)
		if (strcmp(s, modes[i].name) == 0)
			return &modes[i];
	return NULL;
}

const struct mode *
mode_default(void)
{
	return &modes[0];
}

int
mode_has_format(const struct mode *m, enum format_id f)
{
	return (m->formats & FORMAT_BIT(f)) != 0;
}

static void
dns_setup(const struct mode_args *a, struct dns_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->db_path = a->db;
	o->resolver = a->resolver;
	o->no_dns = a->no_dns;
	o->refresh = dns_opts_refresh(a->refresh, a->resolver);
	o->diag = stderr;
	o->progname = PROG;
}

static int
run_policy(const struct mode_args *a)
{
	struct policy_opts po;
	char err[512] = "";

	/* no database is fine (no cache); a directory or a foreign file not */
	if (a->db != NULL && rdb_check_path(a->db, err, sizeof(err)) == -1) {
		fprintf(stderr, PROG ": error: %s\n", err);
		return 2;
	}
	memset(&po, 0, sizeof(po));
	po.domain = a->mode_arg;
	dns_setup(a, &po.dns);
	po.format = format_get(a->fmt);
	return policy_run(&po, stdout);
}

static int
use_color(const struct mode_args *a)
{
	const char *nc = getenv("NO_COLOR");

	return a->out == NULL && isatty(fileno(stdout)) &&
	    (nc == NULL || nc[0] == '\0');
}

/* what a model mode prints: the model, or the readiness verdicts */
struct result {
	struct model		 m;
	struct readiness_result	 r;	/* readiness only */
	struct senders		 snd;	/* readiness: --senders FILE */
};

/* the readiness mode: judge the queried model (PTR names, services) */
static int
judge(const struct mode_args *a, struct result *res, struct dns *dns,
    const struct classify *svc, char *err, size_t errlen)
{
	if (a->senders != NULL &&
	    senders_load(&res->snd, a->senders, err, errlen) == -1)
		return -1;
	return readiness_judge(&res->m, &a->ro, a->senders ? &res->snd : NULL,
	    svc, dns, &res->r, err, errlen);
}

/* prints res in the chosen format; nothing else happens here */
static int
render(const struct mode_args *a, const struct result *res, char *err,
    size_t errlen)
{
	const struct format *f = format_get(a->fmt);
	struct output o;
	struct render_opts ro;
	int rc;

	if (output_open(&o, a->out, err, errlen) == -1)
		return -1;
	ro.color = use_color(a);
	if (a->mode->model == MODEL_READINESS)
		rc = f->readiness(o.f, &res->r, &ro);
	else
		rc = f->model(o.f, &res->m, &ro);
	if (rc == -1)
		snprintf(err, errlen, "write failed");
	if (output_close(&o, rc == 0, err, errlen) == -1)
		return -1;
	return rc;
}

/*
 * The --domain values normalised (lower case, A-labels as stored);
 * caller frees each.  A name that is no IDN is kept lower-cased, as
 * dmarc-ingest stores it.
 */
static void
norm_domains(const struct mode_args *a, char **out)
{
	char err[512];
	size_t i;
	char *p;

	for (i = 0; i < a->n_domains; i++) {
		if ((out[i] = domain_lookup_form(a->domains[i], err,
		    sizeof(err))) != NULL)
			continue;
		out[i] = xstrdup(a->domains[i]);
		for (p = out[i]; *p != '\0'; p++)
			if (*p >= 'A' && *p <= 'Z')
				*p = (char)(*p - 'A' + 'a');
		if (p > out[i] && p[-1] == '.')
			p[-1] = '\0';
	}
}

static int
query(const struct mode_args *a, struct rdb *db, struct dns *dns,
    const struct classify *svc, struct model *m, char *err, size_t errlen)
{
	struct query_opts qo;
	char *doms[MAX_REPORT_DOMAINS];
	enum model_mode mm = a->mode->model;
	size_t i;
	int rc;

	memset(&qo, 0, sizeof(qo));
	norm_domains(a, doms);
	qo.domains = (const char *const *)doms;
	qo.n_domains = a->n_domains;
	if (mm == MODEL_SOURCES)
		rc = sources_build(db, dns, &qo, a->order, a->limit, m, err,
		    errlen);
	else if (mm == MODEL_FAILURES)
		rc = failures_build(db, dns, &qo, a->order, a->limit, m, err,
		    errlen);
	else if (mm == MODEL_READINESS) {
		/* readiness_judge resolves names and policies itself */
		qo.sources = 1;
		qo.split_subdomains = 1;
		rc = query_run(db, &qo, m, err, errlen);
	} else
		rc = summary_build(db, dns, &qo, m, err, errlen);
	if (rc == 0 && (mm == MODEL_SOURCES || mm == MODEL_FAILURES))
		sources_classify(m, svc);
	for (i = 0; i < a->n_domains; i++)
		free(doms[i]);
	return rc;
}

/*
 * The service table of the modes that name sources: --services FILE
 * first (its lines win), then the built-in one.
 */
static int
services_load(const struct mode_args *a, struct classify *c, char *err,
    size_t errlen)
{
	if (!a->mode->uses_services)
		return 0;
	if (a->dc.services != NULL &&
	    classify_load(c, a->dc.services, err, errlen) == -1)
		return -1;
	return classify_builtin(c, err, errlen);
}

static int
run_model(const struct mode_args *a)
{
	struct window w;
	struct result res;
	struct classify svc;
	struct dns_opts dop;
	struct dns *dns = NULL;
	struct rdb *db = NULL;
	char err[ERRLEN];
	int rc = 2;

	memset(&res, 0, sizeof(res));
	senders_init(&res.snd);
	classify_init(&svc);
	if (window_parse(&a->ws, &w, err, sizeof(err)) == -1 ||
	    services_load(a, &svc, err, sizeof(err)) == -1)
		goto fail;
	if ((db = rdb_open(a->db, RDB_READ, err, sizeof(err))) == NULL)
		goto fail;
	dns_setup(a, &dop);
	if ((dns = dns_new(&dop, err, sizeof(err))) == NULL)
		goto fail;
	model_init(&res.m, &w, a->mode->model);
	res.m.no_dns = a->no_dns;
	if (query(a, db, dns, &svc, &res.m, err, sizeof(err)) == -1 ||
	    (a->mode->model == MODEL_READINESS && judge(a, &res, dns, &svc,
	    err, sizeof(err)) == -1) ||
	    render(a, &res, err, sizeof(err)) == -1)
		goto fail;
	rc = 0;
	goto out;
fail:
	fprintf(stderr, PROG ": error: %s\n", err);
out:
	readiness_result_release(&res.r);
	senders_release(&res.snd);
	model_release(&res.m);
	classify_release(&svc);
	dns_free(dns);
	rdb_close(db);
	return rc;
}

static int
run_digest(const struct mode_args *a)
{
	struct digest_args da;

	memset(&da, 0, sizeof(da));
	da.db = a->db;
	da.cfg = &a->cfg;
	da.ro = &a->ro;
	da.ws = a->ws;
	da.domains = a->domains;
	da.n_domains = a->n_domains;
	da.format = format_get(a->fmt);
	da.out = a->out;
	da.no_dns = a->no_dns;
	da.refresh = a->refresh;
	da.resolver = a->resolver;
	da.senders = a->senders;
	da.cli = &a->dc;
	return digest_cli_run(&da);
}

/* the check mode (dnscheck.h): its own exit status, 0, 1 or 2 */
static int
run_check(const struct mode_args *a)
{
	struct check_args ca;

	memset(&ca, 0, sizeof(ca));
	ca.db = a->db;
	ca.domains = a->domains;
	ca.n_domains = a->n_domains;
	ca.ws = a->ws;
	ca.format = a->fmt == FORMAT_JSON ? CHECK_JSON : a->fmt ==
	    FORMAT_CSV ? CHECK_CSV : CHECK_TEXT;
	ca.out = a->out;
	ca.no_dns = a->no_dns;
	ca.resolver = a->resolver;
	ca.services = a->dc.services;
	return check_run(&ca);
}

/* the tls mode: SMTP TLS reports (tls.h) */
static int
run_tls(const struct mode_args *a)
{
	struct tls_args ta = { a->db, &a->ws, a->domains, a->n_domains,
	    format_get(a->fmt)->name, a->out };

	return tls_run(&ta);
}

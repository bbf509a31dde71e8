/*
 * dmarc-report: the command line.  Parses the mode and options, reads
 * the config file for every mode (config.h: flags win), builds the
 * window (window.h), opens the database read-only, runs the mode
 * (summary.h, sources.h, policy.h, readiness, tls.h) and renders the model in
 * the chosen format (render.h) to standard output or atomically to -o
 * FILE (output.h).  sources, failures and readiness name each source's
 * sending service (classify.h: --services FILE, then the built-in
 * table).  Exit status: 0 done (also when the window holds no report), 2
 * usage or system error; policy mode as policy_run() says.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "classify.h"
#include "config.h"
#include "db.h"
#include "digest_cli.h"
#include "dns.h"
#include "domain.h"
#include "num.h"
#include "output.h"
#include "policy.h"
#include "readiness.h"
#include "render.h"
#include "sources.h"
#include "summary.h"
#include "tls.h"
#include "window.h"
#include "xalloc.h"

#define PROG		"dmarc-report"
/* --domain may be given this often; each is a DNS name */
#define MAX_REPORT_DOMAINS	256
#define ERRLEN		1024

enum fmt {
	FMT_TEXT,
	FMT_JSON,
	FMT_CSV,
	FMT_DIGEST,	/* html, markdown, email: digest only */
};

struct args {
	enum model_mode	 mode;
	int		 policy;	/* the policy mode */
	const char	*policy_domain;
	const char	*db;
	struct window_spec ws;
	const char	*domains[MAX_REPORT_DOMAINS];
	size_t		 n_domains;
	enum fmt	 fmt;
	const char	*out;
	int		 no_dns;
	int		 refresh;	/* --refresh */
	const char	*resolver;
	enum query_order order;
	size_t		 limit;
	const char	*senders;	/* readiness: --senders FILE */
	struct readiness_opts ro;	/* readiness criteria */
	int		 digest;	/* the digest mode */
	int		 tls;		/* the tls mode (tls.h) */
	const char	*format;	/* --format as given (digest) */
	struct digest_cli dc;		/* digest options */
	struct config	 cfg;		/* the config file, every mode */
};

enum {
	OPT_SINCE = 256, OPT_UNTIL, OPT_LAST, OPT_WEEK, OPT_DOMAIN,
	OPT_FORMAT, OPT_NO_DNS, OPT_RESOLVER, OPT_SORT, OPT_LIMIT, OPT_NOW,
	OPT_DB, OPT_SENDERS, OPT_CRITERION, OPT_DIGEST, OPT_REFRESH,
};

static const struct option longopts[] = {
	{ "db",		required_argument, NULL, OPT_DB },
	{ "since",	required_argument, NULL, OPT_SINCE },
	{ "until",	required_argument, NULL, OPT_UNTIL },
	{ "last",	required_argument, NULL, OPT_LAST },
	{ "week",	required_argument, NULL, OPT_WEEK },
	{ "domain",	required_argument, NULL, OPT_DOMAIN },
	{ "format",	required_argument, NULL, OPT_FORMAT },
	{ "output",	required_argument, NULL, 'o' },
	{ "no-dns",	no_argument,	   NULL, OPT_NO_DNS },
	{ "resolver",	required_argument, NULL, OPT_RESOLVER },
	{ "refresh",	no_argument,	   NULL, OPT_REFRESH },
	{ "sort",	required_argument, NULL, OPT_SORT },
	{ "limit",	required_argument, NULL, OPT_LIMIT },
	{ "now",	required_argument, NULL, OPT_NOW },
	{ "senders",	required_argument, NULL, OPT_SENDERS },
	/* readiness criteria: readiness_opts_set() knows the names */
	{ "min-messages", required_argument, NULL, OPT_CRITERION },
	{ "min-days",	required_argument, NULL, OPT_CRITERION },
	{ "min-reporters", required_argument, NULL, OPT_CRITERION },
	{ "max-legit-fail-pct", required_argument, NULL, OPT_CRITERION },
	{ "min-source-aligned-pct", required_argument, NULL, OPT_CRITERION },
	/* digest: digest_cli_set() knows the names */
	{ "config",	required_argument, NULL, OPT_DIGEST },
	{ "from",	required_argument, NULL, OPT_DIGEST },
	{ "to",		required_argument, NULL, OPT_DIGEST },
	{ "subject",	required_argument, NULL, OPT_DIGEST },
	{ "services",	required_argument, NULL, OPT_DIGEST },
	{ "help",	no_argument,	   NULL, 'h' },
	{ "version",	no_argument,	   NULL, 'V' },
	{ NULL,		0,		   NULL, 0 }
};

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: " PROG " [summary | sources | failures | readiness | "
	    "policy DOMAIN | digest | tls] [options]\n"
	    "  --db PATH            database (default: $DMARC_DB or "
	    "~/.local/share/dmarc-rua/dmarc.db)\n"
	    "  --since DATE|EPOCH   first day (YYYY-MM-DD, UTC)\n"
	    "  --until DATE|EPOCH   last day included (an epoch is "
	    "exclusive)\n"
	    "  --last Nd|Nw         the last N full days or weeks\n"
	    "  --week last|YYYY-Www an ISO week (UTC)\n"
	    "  --domain D           only policy domain D (repeatable)\n"
	    "  --format text|json|csv\n"
	    "  -o, --output FILE    write FILE (a regular file atomically, "
	    "a FIFO or\n"
	    "                       device in place; '-' standard output)\n"
	    "  --config FILE        defaults for every mode (db, domain, "
	    "criteria, ...)\n"
	    "  --no-dns             no DNS queries: cached answers only\n"
	    "  --resolver ADDR[:PORT]  DNS server to ask (no cached answer)\n"
	    "  --refresh            ask DNS again: no cached answer\n"
	    "  --sort failing|messages|ip   order of sources\n"
	    "  --limit N            at most N sources\n"
	    "  --senders FILE       readiness: the operator's own senders\n"
	    "  --services FILE      sources, failures, readiness, digest: "
	    "sending services\n"
	    "                       (read before the built-in table)\n"
	    "  --min-messages N, --min-days N, --min-reporters N,\n"
	    "  --max-legit-fail-pct P, --min-source-aligned-pct P\n"
	    "                       readiness criteria\n"
	    "  digest: --format text|markdown|html|email,\n"
	    "  --from ADDR, --to ADDR (repeatable), --subject TEXT\n"
	    "                       (default From dmarc-report@HOST, To the "
	    "user)\n"
	    "                       (default window: --week last)\n"
	    "  -h, --help           this text\n"
	    "  -V, --version        the version\n");
}

static int
usage_error(const char *fmt, const char *arg)
{
	fprintf(stderr, PROG ": error: ");
	fprintf(stderr, "%s: '%s'\n", fmt, arg);
	fprintf(stderr, "try '" PROG " --help'\n");
	return -1;
}

static int
set_opt(struct args *a, int c, const char *v, const char *name)
{
	char err[ERRLEN];
	int64_t n;

	switch (c) {
	case OPT_SENDERS:	a->senders = v; break;
	case OPT_CRITERION:
		/* checked now, applied over the config file's later */
		if (readiness_opts_set(&a->ro, name, v, err,
		    sizeof(err)) != 0)
			return usage_error(err, v);
		if (digest_cli_criterion(&a->dc, name, v) == -1)
			return usage_error("too many readiness criteria", v);
		break;
	case OPT_DIGEST:
		if (digest_cli_set(&a->dc, name, v, err, sizeof(err)) != 0)
			return usage_error(err, v);
		break;
	case OPT_DB:		a->db = v; break;
	case OPT_SINCE:		a->ws.since = v; break;
	case OPT_UNTIL:		a->ws.until = v; break;
	case OPT_LAST:		a->ws.last = v; break;
	case OPT_WEEK:		a->ws.week = v; break;
	case 'o':		a->out = v; break;
	case OPT_NO_DNS:	a->no_dns = 1; break;
	case OPT_RESOLVER:	a->resolver = v; break;
	case OPT_REFRESH:	a->refresh = 1; break;
	case OPT_DOMAIN:
		if (a->n_domains == MAX_REPORT_DOMAINS)
			return usage_error("too many --domain options", v);
		a->domains[a->n_domains++] = v;
		break;
	case OPT_FORMAT:
		a->format = v;
		if (strcmp(v, "html") == 0 || strcmp(v, "markdown") == 0 ||
		    strcmp(v, "email") == 0)
			a->fmt = FMT_DIGEST;
		else if (strcmp(v, "text") == 0)
			a->fmt = FMT_TEXT;
		else if (strcmp(v, "json") == 0)
			a->fmt = FMT_JSON;
		else if (strcmp(v, "csv") == 0)
			a->fmt = FMT_CSV;
		else
			return usage_error("--format: not text, json or csv",
			    v);
		break;
	case OPT_SORT:
		if (strcmp(v, "failing") == 0)
			a->order = QUERY_BY_FAILING;
		else if (strcmp(v, "messages") == 0)
			a->order = QUERY_BY_MESSAGES;
		else if (strcmp(v, "ip") == 0)
			a->order = QUERY_BY_IP;
		else
			return usage_error("--sort: not failing, messages or "
			    "ip", v);
		break;
	case OPT_LIMIT:
		if (num_i64(v, 0, MAX_MODEL_SOURCES, &n) == -1)
			return usage_error("--limit: not a number of sources",
			    v);
		a->limit = (size_t)n;
		break;
	case OPT_NOW:
		if (num_i64(v, 0, MAX_TIMESTAMP, &a->ws.now) == -1)
			return usage_error("--now: not epoch seconds", v);
		break;
	default:
		return -1;
	}
	return 0;
}

static int
set_mode(struct args *a, int argc, char **argv)
{
	const char *m;

	if (optind >= argc)
		return 0;
	m = argv[optind++];
	if (strcmp(m, "summary") == 0)
		a->mode = MODEL_SUMMARY;
	else if (strcmp(m, "sources") == 0)
		a->mode = MODEL_SOURCES;
	else if (strcmp(m, "failures") == 0)
		a->mode = MODEL_FAILURES;
	else if (strcmp(m, "readiness") == 0)
		a->mode = MODEL_READINESS;
	else if (strcmp(m, "digest") == 0)
		a->digest = 1;
	else if (strcmp(m, "tls") == 0)
		a->tls = 1;
	else if (strcmp(m, "policy") == 0) {
		a->policy = 1;
		if (optind >= argc)
			return usage_error("policy: DOMAIN missing", m);
		a->policy_domain = argv[optind++];
	} else
		return usage_error("unknown mode", m);
	if (optind < argc)
		return usage_error("unexpected argument", argv[optind]);
	return 0;
}

static int
parse_args(struct args *a, int argc, char **argv)
{
	const char *env;
	int c, idx;

	memset(a, 0, sizeof(*a));
	config_init(&a->cfg);
	readiness_opts_init(&a->ro);
	a->ws.now = (int64_t)time(NULL);
	a->ws.default_days = WINDOW_DEFAULT_DAYS;
	if ((env = getenv("DMARC_REPORT_NOW")) != NULL &&
	    num_i64(env, 0, MAX_TIMESTAMP, &a->ws.now) == -1)
		return usage_error("DMARC_REPORT_NOW: not epoch seconds", env);
	/* options may follow the mode: permute, then read the mode */
	while ((c = getopt_long(argc, argv, "ho:V", longopts, &idx)) != -1) {
		if (c == 'h') {
			usage(stdout);
			exit(0);
		}
		if (c == 'V') {
			printf(PROG " " DMARC_VERSION "\n");
			exit(0);
		}
		if (c == '?') {
			fprintf(stderr, "try '" PROG " --help'\n");
			return -1;
		}
		if (set_opt(a, c, optarg, c == OPT_CRITERION ||
		    c == OPT_DIGEST ?
		    longopts[idx].name : NULL) == -1)
			return -1;
	}
	if (set_mode(a, argc, argv) == -1)
		return -1;
	if (a->fmt == FMT_DIGEST && !a->digest)
		return usage_error("--format: html, markdown and email are "
		    "for the digest mode", a->format);
	if (a->mode == MODEL_READINESS)
		a->ws.default_days = READINESS_DEFAULT_DAYS;
	return 0;
}

/*
 * The config file (config.h), read for every mode: --config FILE must be
 * readable, the default path may be missing.  Its values fill in what no
 * flag gave; the readiness criteria are the file's with the flags' over
 * them.  Strings taken from it stay owned by a->cfg.
 */
static int
apply_config(struct args *a, char *err, size_t errlen)
{
	const char *named = a->dc.config;
	char *path = named ? xstrdup(named) : config_default_path();
	size_t i;
	int rc = -1;

	if (path != NULL && config_load(&a->cfg, path, named != NULL, err,
	    errlen) == -1)
		goto out;
	if (a->db == NULL)
		a->db = a->cfg.db;
	if (a->senders == NULL)
		a->senders = a->cfg.senders;
	if (a->dc.services == NULL)
		a->dc.services = a->cfg.services;
	if (a->n_domains == 0)
		for (i = 0; i < a->cfg.n_domains &&
		    i < MAX_REPORT_DOMAINS; i++)
			a->domains[a->n_domains++] = a->cfg.domains[i];
	readiness_opts_init(&a->ro);
	if (config_readiness(&a->cfg, &a->ro, err, errlen) == -1)
		goto out;
	for (i = 0; i < a->dc.n_crit; i++)
		if (readiness_opts_set(&a->ro, a->dc.crit_name[i],
		    a->dc.crit_value[i], err, errlen) != 0)
			goto out;
	rc = 0;
out:
	free(path);
	return rc;
}

static void
dns_setup(const struct args *a, const char *db, struct dns_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->db_path = db;
	o->resolver = a->resolver;
	o->no_dns = a->no_dns;
	o->refresh = dns_opts_refresh(a->refresh, a->resolver);
	o->diag = stderr;
	o->progname = PROG;
}

static int
run_policy(const struct args *a, const char *db)
{
	struct policy_opts po;

	if (a->fmt == FMT_CSV) {
		usage_error("policy: --format csv is not available", "csv");
		return 2;
	}
	memset(&po, 0, sizeof(po));
	po.domain = a->policy_domain;
	dns_setup(a, db, &po.dns);
	po.format = a->fmt == FMT_JSON ? POLICY_JSON : POLICY_TEXT;
	return policy_run(&po, stdout);
}

static int
use_color(const struct args *a)
{
	const char *nc = getenv("NO_COLOR");

	return a->out == NULL && isatty(fileno(stdout)) &&
	    (nc == NULL || nc[0] == '\0');
}

/* the readiness mode: judge the queried model, render the verdicts */
static int
readiness(const struct args *a, struct model *m, struct dns *dns,
    const struct classify *svc, FILE *f, char *err, size_t errlen)
{
	struct senders snd;
	struct readiness_result r;
	int rc = -1;

	memset(&r, 0, sizeof(r));
	senders_init(&snd);
	if (a->senders != NULL &&
	    senders_load(&snd, a->senders, err, errlen) == -1)
		goto out;
	/* the judge looks up the reverse names, then names the services */
	if (readiness_judge(m, &a->ro, a->senders ? &snd : NULL, svc, dns,
	    &r, err, errlen) == -1)
		goto out;
	if (readiness_render(f, a->fmt == FMT_JSON ? READINESS_JSON :
	    a->fmt == FMT_CSV ? READINESS_CSV : READINESS_TEXT, &r,
	    use_color(a)) == -1) {
		snprintf(err, errlen, "write failed");
		goto out;
	}
	rc = 0;
out:
	readiness_result_release(&r);
	senders_release(&snd);
	return rc;
}

static int
render(const struct args *a, struct model *m, struct dns *dns,
    const struct classify *svc, char *err, size_t errlen)
{
	struct output o;
	struct render_opts ro;
	int rc;

	if (output_open(&o, a->out, err, errlen) == -1)
		return -1;
	ro.color = use_color(a);
	if (a->mode == MODEL_READINESS)
		rc = readiness(a, m, dns, svc, o.f, err, errlen);
	else if (a->fmt == FMT_JSON)
		rc = render_json(o.f, m);
	else if (a->fmt == FMT_CSV)
		rc = render_csv(o.f, m);
	else
		rc = render_text(o.f, m, &ro);
	if (rc == -1 && a->mode != MODEL_READINESS)
		snprintf(err, errlen, "write failed");
	if (output_close(&o, rc == 0, err, errlen) == -1)
		return -1;
	return rc;
}

/* the --domain values normalised (lower case); caller frees each */
static int
norm_domains(const struct args *a, char **out)
{
	size_t i;
	char *p;

	for (i = 0; i < a->n_domains; i++) {
		out[i] = xstrdup(a->domains[i]);
		for (p = out[i]; *p != '\0'; p++)
			if (*p >= 'A' && *p <= 'Z')
				*p = (char)(*p - 'A' + 'a');
		if (p > out[i] && p[-1] == '.')
			p[-1] = '\0';
	}
	return 0;
}

static int
run_mode(const struct args *a, sqlite3 *db, struct dns *dns,
    const struct classify *svc, struct model *m, char *err, size_t errlen)
{
	struct query_opts qo;
	char *doms[MAX_REPORT_DOMAINS];
	size_t i;
	int rc;

	memset(&qo, 0, sizeof(qo));
	norm_domains(a, doms);
	qo.domains = (const char *const *)doms;
	qo.n_domains = a->n_domains;
	if (a->mode == MODEL_SOURCES)
		rc = sources_build(db, dns, &qo, a->order, a->limit, m, err,
		    errlen);
	else if (a->mode == MODEL_FAILURES)
		rc = failures_build(db, dns, &qo, a->order, a->limit, m, err,
		    errlen);
	else if (a->mode == MODEL_READINESS) {
		/* readiness_judge resolves names and policies itself */
		qo.sources = 1;
		qo.split_subdomains = 1;
		rc = query_run(db, &qo, m, err, errlen);
	}
	else
		rc = summary_build(db, dns, &qo, m, err, errlen);
	if (rc == 0 && (a->mode == MODEL_SOURCES ||
	    a->mode == MODEL_FAILURES))
		sources_classify(m, svc);
	for (i = 0; i < a->n_domains; i++)
		free(doms[i]);
	return rc;
}

/*
 * The service table of the modes that list sources: --services FILE
 * first (its lines win), then the built-in one.  Summary needs none.
 */
static int
services_load(const struct args *a, struct classify *c, char *err,
    size_t errlen)
{
	if (a->mode == MODEL_SUMMARY)
		return 0;
	if (a->dc.services != NULL &&
	    classify_load(c, a->dc.services, err, errlen) == -1)
		return -1;
	return classify_builtin(c, err, errlen);
}

static int
run_report(const struct args *a, const char *path)
{
	struct window w;
	struct model m;
	struct classify svc;
	struct dns_opts dop;
	struct dns *dns = NULL;
	sqlite3 *db = NULL;
	char err[ERRLEN];
	int rc = 2;

	memset(&m, 0, sizeof(m));
	classify_init(&svc);
	if (window_parse(&a->ws, &w, err, sizeof(err)) == -1 ||
	    services_load(a, &svc, err, sizeof(err)) == -1)
		goto fail;
	if ((db = db_open(path, DB_READONLY, err, sizeof(err))) == NULL)
		goto fail;
	dns_setup(a, path, &dop);
	if ((dns = dns_new(&dop, err, sizeof(err))) == NULL)
		goto fail;
	model_init(&m, &w, a->mode);
	m.no_dns = a->no_dns;
	if (run_mode(a, db, dns, &svc, &m, err, sizeof(err)) == -1 ||
	    render(a, &m, dns, &svc, err, sizeof(err)) == -1)
		goto fail;
	rc = 0;
	goto out;
fail:
	fprintf(stderr, PROG ": error: %s\n", err);
out:
	model_release(&m);
	classify_release(&svc);
	dns_free(dns);
	sqlite3_close(db);
	return rc;
}

static int
run_digest(const struct args *a, const char *db)
{
	struct digest_args da;

	memset(&da, 0, sizeof(da));
	da.db = db;
	da.cfg = &a->cfg;
	da.ro = &a->ro;
	da.ws = a->ws;
	da.domains = a->domains;
	da.n_domains = a->n_domains;
	da.format = a->format;
	da.out = a->out;
	da.no_dns = a->no_dns;
	da.refresh = a->refresh;
	da.resolver = a->resolver;
	da.senders = a->senders;
	da.cli = &a->dc;
	return digest_cli_run(&da);
}

/* the tls mode: SMTP TLS reports (tls.h) */
static int
run_tls(const struct args *a, const char *db)
{
	struct tls_args ta = { db, &a->ws, a->domains, a->n_domains,
	    a->format, a->out };

	return tls_run(&ta);
}

int
main(int argc, char *argv[])
{
	struct args a;
	char err[ERRLEN], *path = NULL;
	int rc = 2;

	if (parse_args(&a, argc, argv) == -1)
		goto out;
	if (apply_config(&a, err, sizeof(err)) == -1) {
		/* "FILE[:LINE]: error: ..." */
		fprintf(stderr, PROG ": %s\n", err);
		goto out;
	}
	if (a.db != NULL)
		path = xstrdup(a.db);
	else if ((path = db_default_path()) == NULL) {
		fprintf(stderr, PROG ": error: no database path: set "
		    "DMARC_DB or HOME, use --db or 'db =' in the config "
		    "file\n");
		goto out;
	}
	if (a.digest)
		rc = run_digest(&a, path);
	else if (a.tls)
		rc = run_tls(&a, path);
	else if (a.policy)
		rc = run_policy(&a, path);
	else
		rc = run_report(&a, path);
out:
	free(path);
	config_release(&a.cfg);
	return rc;
}

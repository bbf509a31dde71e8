/*
 * dmarc-report: the command line.  Parses the mode and options, reads
 * the config file for every mode (config.h: flags win), checks the
 * format against the mode's row in the table of modes (mode.h) and runs
 * it.  The modes open the database read-only, build the window, query,
 * look up and judge, and render in the chosen format (format.h).  Exit
 * status: 0 done (also when the window holds no report), 2 usage or
 * system error; policy and check as policy_run() and check_run() say.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "digest_cli.h"
#include "format.h"
#include "mode.h"
#include "num.h"
#include "rdb.h"
#include "readiness.h"
#include "window.h"
#include "xalloc.h"

#define PROG		"dmarc-report"
#define ERRLEN		1024

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
	    "policy DOMAIN | digest |\n"
	    "                     check [DOMAIN...] | tls | site -o DIR] "
	    "[options]\n"
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
	    "  --services FILE      sources, failures, readiness, check, "
	    "digest: sending\n"
	    "                       services (read before the built-in "
	    "table)\n"
	    "  --min-messages N, --min-days N, --min-reporters N,\n"
	    "  --max-legit-fail-pct P, --min-source-aligned-pct P\n"
	    "                       readiness criteria\n"
	    "  digest: --format text|markdown|html|email,\n"
	    "  --from ADDR, --to ADDR (repeatable), --subject TEXT\n"
	    "                       (default From dmarc-report@HOST, To the "
	    "user)\n"
	    "                       (default window: --week last)\n"
	    "  site -o DIR          a static website of the window's "
	    "reports in DIR\n"
	    "                       (default window: --last 90d)\n"
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
set_opt(struct mode_args *a, int c, const char *v, const char *name)
{
	char err[ERRLEN];
	int64_t n;
	int f;

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
		if ((f = format_find(v)) == -1) {
			char all[128], msg[160];

			format_list(~0U, all, sizeof(all));
			snprintf(msg, sizeof(msg), "--format: not %s", all);
			return usage_error(msg, v);
		}
		a->fmt = (enum format_id)f;
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

/* the mode word (summary when none), its argument, the format's check */
static int
set_mode(struct mode_args *a, int argc, char **argv)
{
	char list[128], msg[256];

	a->mode = mode_default();
	if (optind < argc && (a->mode = mode_find(argv[optind])) == NULL)
		return usage_error("unknown mode", argv[optind]);
	if (optind < argc)
		optind++;
	if (a->mode->takes_arg == MODE_ARG_DOMAINS) {
		while (optind < argc)
			if (set_opt(a, OPT_DOMAIN, argv[optind++], NULL) == -1)
				return -1;
	} else if (a->mode->takes_arg == MODE_ARG_DOMAIN) {
		if (optind >= argc) {
			snprintf(msg, sizeof(msg), "%s: DOMAIN missing",
			    a->mode->name);
			return usage_error(msg, a->mode->name);
		}
		a->mode_arg = argv[optind++];
	}
	if (optind < argc)
		return usage_error("unexpected argument", argv[optind]);
	if (!mode_has_format(a->mode, a->fmt)) {
		format_list(a->mode->formats, list, sizeof(list));
		fprintf(stderr, PROG ": error: %s: --format %s is not "
		    "available (%s)\n", a->mode->name,
		    format_get(a->fmt)->name, list);
		return -1;
	}
	a->ws.default_days = a->mode->default_days;
	return 0;
}

static int
parse_args(struct mode_args *a, int argc, char **argv)
{
	const char *env;
	int c, idx;

	memset(a, 0, sizeof(*a));
	config_init(&a->cfg);
	readiness_opts_init(&a->ro);
	a->ws.now = (int64_t)time(NULL);
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
	return set_mode(a, argc, argv);
}

/*
 * The config file (config.h), read for every mode: --config FILE must be
 * readable, the default path may be missing.  Its values fill in what no
 * flag gave; the readiness criteria are the file's with the flags' over
 * them.  Strings taken from it stay owned by a->cfg.
 */
static int
apply_config(struct mode_args *a, char *err, size_t errlen)
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

int
main(int argc, char *argv[])
{
	struct mode_args a;
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
	else if ((path = rdb_default_path()) == NULL) {
		fprintf(stderr, PROG ": error: no database path: set "
		    "DMARC_DB or HOME, use --db or 'db =' in the config "
		    "file\n");
		goto out;
	}
	a.db = path;
	rc = a.mode->run(&a);
out:
	free(path);
	config_release(&a.cfg);
	return rc;
}

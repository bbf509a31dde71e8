/*
 * The digest mode of dmarc-report (digest_cli.h): takes from, to and
 * subject from the flags, else the config file main.c read (a flag
 * always wins, then the config file, then the built-in default), loads
 * the senders and services files, opens the database and resolver,
 * builds the digest and writes it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "classify.h"
#include "config.h"
#include "digest.h"
#include "digest_cli.h"
#include "dns.h"
#include "format.h"
#include "domain.h"
#include "output.h"
#include "rdb.h"
#include "xalloc.h"

#define PROG		"dmarc-report"
#define ERRLEN		1024

int
digest_cli_set(struct digest_cli *c, const char *name, const char *v,
    char *err, size_t errlen)
{
	if (strcmp(name, "config") == 0)
		c->config = v;
	else if (strcmp(name, "from") == 0)
		c->from = v;
	else if (strcmp(name, "subject") == 0)
		c->subject = v;
	else if (strcmp(name, "services") == 0)
		c->services = v;
	else if (strcmp(name, "to") == 0) {
		if (c->n_to == MAX_EMAIL_TO) {
			snprintf(err, errlen, "too many --to options");
			return -1;
		}
		c->to[c->n_to++] = v;
	} else {
		snprintf(err, errlen, "not a digest option");
		return -1;
	}
	return 0;
}

int
digest_cli_criterion(struct digest_cli *c, const char *name, const char *v)
{
	if (c->n_crit == MAX_DIGEST_CLI_CRIT)
		return -1;
	c->crit_name[c->n_crit] = name;
	c->crit_value[c->n_crit++] = v;
	return 0;
}

/* everything a run holds, released in one place */
struct run {
	struct senders	 snd;
	struct classify	 svc;
	char		*db_path;
	char		*domains[MAX_CONFIG_VALUES];
	size_t		 n_domains;
	struct digest_opts opts;
	struct email_opts mail;
	struct rdb	*db;
	struct dns	*dns;
	struct digest	 dg;
};

/* --domain values, else the config file's (main.c merged), normalised */
static int
domains(struct run *r, const struct digest_args *a, char *err,
    size_t errlen)
{
	const char *const *v = a->domains;
	size_t i, n = a->n_domains;

	for (i = 0; i < n && i < MAX_CONFIG_VALUES; i++) {
		/* A-labels, as stored */
		if ((r->domains[r->n_domains] = domain_lookup_form(v[i], err,
		    errlen)) == NULL)
			return -1;
		r->n_domains++;
	}
	r->opts.domains = (const char *const *)r->domains;
	r->opts.n_domains = r->n_domains;
	return 0;
}

static int
files(struct run *r, const struct digest_args *a, char *err, size_t errlen)
{
	const char *snd = a->senders, *svc = a->cli->services;

	if (snd != NULL) {
		if (senders_load(&r->snd, snd, err, errlen) == -1)
			return -1;
		r->opts.senders = &r->snd;
	}
	/* the user's lines first: the first match wins */
	if ((svc != NULL && classify_load(&r->svc, svc, err, errlen) == -1) ||
	    classify_builtin(&r->svc, err, errlen) == -1)
		return -1;
	r->opts.services = &r->svc;
	return 0;
}

static void
mail_opts(struct run *r, const struct digest_cli *c,
    const struct config *cfg)
{
	r->mail.from = c->from ? c->from : cfg->from;
	if (c->n_to > 0) {
		r->mail.to = c->to;
		r->mail.n_to = c->n_to;
	} else {
		r->mail.to = (const char *const *)cfg->to;
		r->mail.n_to = cfg->n_to;
	}
	r->mail.subject = c->subject ? c->subject : cfg->subject;
}

static int
open_all(struct run *r, const struct digest_args *a, char *err,
    size_t errlen)
{
	struct dns_opts o;

	r->db_path = xstrdup(a->db);
	if ((r->db = rdb_open(r->db_path, RDB_READ, err, errlen)) == NULL)
		return -1;
	memset(&o, 0, sizeof(o));
	o.db_path = r->db_path;
	o.resolver = a->resolver;
	o.no_dns = a->no_dns;
	o.refresh = dns_opts_refresh(a->refresh, a->resolver);
	o.diag = stderr;
	o.progname = PROG;
	return (r->dns = dns_new(&o, err, errlen)) == NULL ? -1 : 0;
}

static int
write_out(struct run *r, const struct digest_args *a, char *err,
    size_t errlen)
{
	struct output out;
	int rc;

	if (output_open(&out, a->out, err, errlen) == -1)
		return -1;
	rc = a->format->digest(out.f, &r->dg, &r->mail, err, errlen);
	if (output_close(&out, rc == 0, err, errlen) == -1)
		return -1;
	return rc;
}

static int
run(struct run *r, const struct digest_args *a, char *err, size_t errlen)
{
	struct window_spec ws = a->ws;
	struct window w;

	if (ws.since == NULL && ws.until == NULL && ws.last == NULL &&
	    ws.week == NULL)
		ws.week = "last";
	if (domains(r, a, err, errlen) == -1 ||
	    files(r, a, err, errlen) == -1 ||
	    window_parse(&ws, &w, err, errlen) == -1)
		return -1;
	r->opts.ro = *a->ro;
	mail_opts(r, a->cli, a->cfg);
	r->opts.now = a->ws.now;
	if (open_all(r, a, err, errlen) == -1 ||
	    digest_build(r->db, r->dns, &w, &r->opts, &r->dg, err,
	    errlen) == -1)
		return -1;
	return write_out(r, a, err, errlen);
}

int
digest_cli_run(const struct digest_args *a)
{
	struct run r;
	char err[ERRLEN];
	size_t i;
	int rc = 0;

	memset(&r, 0, sizeof(r));
	senders_init(&r.snd);
	classify_init(&r.svc);
	if (run(&r, a, err, sizeof(err)) == -1) {
		fprintf(stderr, PROG ": error: %s\n", err);
		rc = 2;
	}
	digest_release(&r.dg);
	dns_free(r.dns);
	rdb_close(r.db);
	for (i = 0; i < r.n_domains; i++)
		free(r.domains[i]);
	free(r.db_path);
	classify_release(&r.svc);
	senders_release(&r.snd);
	return rc;
}

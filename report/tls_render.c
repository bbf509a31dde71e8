/*
 * The tls mode's output (tls.h): text for a person (per policy domain
 * its sessions and failure share, its failures by result type, MX and
 * reporter, then what each of its result types means and what to fix),
 * JSON (one object, the same fields) and CSV (RFC 4180, one row per
 * failure, a domain without failures on a row of its own).  Every string
 * from the database goes through the escaping of its sink (escape.h).
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "escape.h"
#include "limits.h"
#include "tls.h"

/* an escaped value is at most six bytes per byte of the longest text */
#define ESC_MAX		(MAX_LONG_TEXT * 6 + 16)

struct out {
	FILE		*f;
	struct buf	 b;
	int		 first;		/* CSV: no comma before the field */
};

/* s through esc, or a note when it does not fit (it always does) */
static const char *
esc(struct out *o, int (*fn)(struct buf *, const char *), const char *s)
{
	buf_reset(&o->b);
	if (fn(&o->b, s != NULL ? s : "") == -1)
		return "(value too long)";
	return buf_cstr(&o->b);
}

/* text */

static int
text_domain(struct out *o, const struct tls_domain *d)
{
	FILE *f = o->f;
	size_t i, k;

	fprintf(f, "\n%s: %" PRId64 " sessions, %" PRId64 " failed (%.2f%%)",
	    esc(o, escape_term, d->domain), d->successful + d->failed,
	    d->failed, tls_share(d));
	fprintf(f, "; %" PRId64 " report%s from %" PRId64 " organization%s",
	    d->reports, d->reports == 1 ? "" : "s", d->orgs,
	    d->orgs == 1 ? "" : "s");
	fprintf(f, "; policy %s\n", esc(o, escape_term, d->policy_types));
	if (d->n_fails == 0) {
		fprintf(f, "  %s\n", d->failed > 0 ? "no failure details "
		    "given" : d->successful > 0 ? "every session used TLS" :
		    "no session reported");
		return 0;
	}
	fprintf(f, "  %10s  %-28s %-28s %s\n", "sessions", "result type",
	    "receiving MX", "reported by");
	for (i = 0; i < d->n_fails; i++) {
		const struct tls_fail *x = &d->fails[i];

		fprintf(f, "  %10" PRId64 "  %-28s", x->sessions,
		    esc(o, escape_term, x->result));
		fprintf(f, " %-28s", x->mx != NULL ? esc(o, escape_term,
		    x->mx) : "(not said)");
		fprintf(f, " %s\n", esc(o, escape_term, x->org));
	}
	/* each result type once, in the order it first appears */
	for (i = 0; i < d->n_fails; i++) {
		const struct tls_advice *a;

		for (k = 0; k < i; k++)
			if (strcmp(d->fails[k].result, d->fails[i].result) == 0)
				break;
		if (k < i)
			continue;
		a = tls_advice(d->fails[i].result, d->fails[i].known);
		fprintf(f, "  %s: %s\n", esc(o, escape_term,
		    d->fails[i].result), a->means);
		fprintf(f, "    fix: %s\n", a->fix);
	}
	return 0;
}

static int
render_text(struct out *o, const struct tls_model *m)
{
	char since[16], until[16];

	window_date(m->w.since, since, sizeof(since));
	window_date(m->w.until - 1, until, sizeof(until));
	fprintf(o->f, "SMTP TLS reports (RFC 8460), %s to %s (%d days, "
	    "UTC)\n", since, until, window_days(&m->w));
	if (m->n_domains == 0)
		fprintf(o->f, "\nno TLS report in the window\n");
	for (size_t i = 0; i < m->n_domains; i++)
		text_domain(o, &m->domains[i]);
	if (m->n_dropped > 0)
		fprintf(o->f, "\n%zu rows past the limits not shown\n",
		    m->n_dropped);
	return 0;
}

/* JSON */

static void
jstr(struct out *o, const char *key, const char *v)
{
	if (v == NULL)
		fprintf(o->f, "\"%s\":null", key);
	else
		fprintf(o->f, "\"%s\":\"%s\"", key, esc(o, escape_json, v));
}

static void
json_fail(struct out *o, const struct tls_fail *x)
{
	const struct tls_advice *a = tls_advice(x->result, x->known);

	fputc('{', o->f);
	jstr(o, "result_type", x->result);
	fprintf(o->f, ",\"known\":%s,", x->known ? "true" : "false");
	jstr(o, "receiving_mx", x->mx);
	fputc(',', o->f);
	jstr(o, "organization", x->org);
	fprintf(o->f, ",\"sessions\":%" PRId64 ",", x->sessions);
	jstr(o, "means", a->means);
	fputc(',', o->f);
	jstr(o, "fix", a->fix);
	fputc('}', o->f);
}

static void
json_domain(struct out *o, const struct tls_domain *d)
{
	fputc('{', o->f);
	jstr(o, "domain", d->domain);
	fprintf(o->f, ",\"successful_sessions\":%" PRId64 ",\"failed_sessions"
	    "\":%" PRId64 ",\"failure_pct\":%.2f,\"reports\":%" PRId64
	    ",\"organizations\":%" PRId64 ",", d->successful, d->failed,
	    tls_share(d), d->reports, d->orgs);
	jstr(o, "policy_types", d->policy_types);
	fputs(",\"failures\":[", o->f);
	for (size_t i = 0; i < d->n_fails; i++) {
		if (i > 0)
			fputc(',', o->f);
		json_fail(o, &d->fails[i]);
	}
	fputs("]}", o->f);
}

static int
render_json(struct out *o, const struct tls_model *m)
{
	char since[16], until[16];

	window_date(m->w.since, since, sizeof(since));
	window_date(m->w.until - 1, until, sizeof(until));
	fprintf(o->f, "{\"format\":\"dmarc-report\",\"version\":1,"
	    "\"mode\":\"tls\",\"window\":{\"since\":\"%s\",\"until\":\"%s\","
	    "\"days\":%d},\"domains\":[", since, until, window_days(&m->w));
	for (size_t i = 0; i < m->n_domains; i++) {
		if (i > 0)
			fputc(',', o->f);
		json_domain(o, &m->domains[i]);
	}
	fprintf(o->f, "],\"dropped\":%zu}\n", m->n_dropped);
	return 0;
}

/* CSV */

static void
field(struct out *o, const char *s)
{
	if (!o->first)
		fputc(',', o->f);
	o->first = 0;
	if (s != NULL)
		fputs(esc(o, escape_csv, s), o->f);
}

static void
num(struct out *o, int64_t v)
{
	char s[32];

	snprintf(s, sizeof(s), "%" PRId64, v);
	field(o, s);
}

static void
eol(struct out *o)
{
	fputs("\r\n", o->f);
	o->first = 1;
}

static void
csv_head(struct out *o, const struct tls_domain *d)
{
	char pct[32];

	snprintf(pct, sizeof(pct), "%.2f", tls_share(d));
	field(o, d->domain);
	num(o, d->successful);
	num(o, d->failed);
	field(o, pct);
}

static int
render_csv(struct out *o, const struct tls_model *m)
{
	static const char *const head[] = { "domain", "successful_sessions",
	    "failed_sessions", "failure_pct", "result_type", "receiving_mx",
	    "organization", "sessions", "means", "fix" };

	o->first = 1;
	for (size_t i = 0; i < sizeof(head) / sizeof(head[0]); i++)
		field(o, head[i]);
	eol(o);
	for (size_t i = 0; i < m->n_domains; i++) {
		const struct tls_domain *d = &m->domains[i];

		if (d->n_fails == 0) {
			/* every row has every field (RFC 4180 2.4) */
			csv_head(o, d);
			for (size_t k = 4; k < sizeof(head) / sizeof(head[0]);
			    k++)
				field(o, NULL);
			eol(o);
		}
		for (size_t k = 0; k < d->n_fails; k++) {
			const struct tls_fail *x = &d->fails[k];
			const struct tls_advice *a = tls_advice(x->result,
			    x->known);

			csv_head(o, d);
			field(o, x->result);
			field(o, x->mx);
			field(o, x->org);
			num(o, x->sessions);
			field(o, a->means);
			field(o, a->fix);
			eol(o);
		}
	}
	return 0;
}

int
tls_render(FILE *f, enum tls_format fmt, const struct tls_model *m)
{
	struct out o;

	memset(&o, 0, sizeof(o));
	o.f = f;
	o.first = 1;
	buf_init(&o.b, ESC_MAX);
	if (fmt == TLS_JSON)
		render_json(&o, m);
	else if (fmt == TLS_CSV)
		render_csv(&o, m);
	else
		render_text(&o, m);
	buf_release(&o.b);
	return ferror(f) ? -1 : 0;
}

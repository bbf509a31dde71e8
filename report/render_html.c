/*
 * The digest as one self-contained HTML file (digest_render_html): inline
 * CSS and inline SVG (svg.h), no script, no external resource, no URL at
 * all.  Laid out with tables and inline styles so that mail clients that
 * drop <style> or <svg> (Gmail, Outlook) still show every number: each
 * chart is followed by a table of its numbers.  No table has more than
 * four columns and long words may break, so nothing is wider than a
 * phone's 390 px.  Every string from
 * the database, DNS or a services file goes through escape_html.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "digest.h"
#include "escape.h"
#include "limits.h"
#include "render.h"
#include "svg.h"

#define FONT	"font-family:Helvetica,Arial,sans-serif;"
#define CELL	"padding:6px 5px;border-bottom:1px solid #d0d7de;" \
		"text-align:left;vertical-align:top;"
#define NUM	"padding:6px 5px;border-bottom:1px solid #d0d7de;" \
		"text-align:right;vertical-align:top;white-space:nowrap;"
/* a number column's heading may wrap */
#define NUMH	"padding:6px 5px;border-bottom:1px solid #d0d7de;" \
		"text-align:right;vertical-align:top;overflow-wrap:normal;"
/*
 * A second line in a cell: the policy under the domain, the trend, the
 * reverse name; a long record or PTR name breaks rather than widens.
 */
#define SUB	"display:block;font-size:12px;color:#57606a;" \
		"margin-top:2px;word-break:break-all;"
/* the tables that give a chart's numbers */
#define NTABLE	"<table width=\"100%\" style=\"border-collapse:collapse;" \
		"font-size:12px;margin:4px 0 8px\">\n"
#define H2	"font-size:19px;margin:28px 0 8px;color:#0b3d62;"
#define H3	"font-size:15px;margin:20px 0 6px;color:#1f2328;"

/* an untrusted value as HTML text */
static void
h(FILE *f, const char *s)
{
	render_value(f, escape_html, s);
}

static void
count(FILE *f, double v)
{
	char c[32];

	digest_count(v, c, sizeof(c));
	fputs(c, f);
}

/* background and text colour of a verdict badge (contrast >= 4.5:1) */
static const char *
verdict_style(const struct ddomain *dd)
{
	if (dd->rd == NULL)
		return "background:#eaeef2;color:#1f2328;";
	switch (dd->rd->verdict) {
	case RVERDICT_READY:
		return "background:#1e7a34;color:#ffffff;";
	case RVERDICT_NOT_READY:
		return "background:#b3261e;color:#ffffff;";
	case RVERDICT_NOT_ENOUGH_DATA:
		return "background:#eaeef2;color:#1f2328;";
	case RVERDICT_AT_REJECT:
		return "background:#0b3d62;color:#ffffff;";
	}
	return "";
}

static void
badge(FILE *f, const struct ddomain *dd)
{
	fprintf(f, "<span style=\"%sdisplay:inline-block;padding:2px 8px;"
	    "border-radius:10px;font-size:12px;font-weight:bold;"
	    "white-space:nowrap\">%s</span>", verdict_style(dd),
	    digest_verdict(dd));
}

static void
pct(FILE *f, double p)
{
	if (p < 0)
		fputs("&ndash;", f);
	else
		fprintf(f, "%.1f%%", p);
}

static void
trend(FILE *f, const struct ddomain *dd)
{
	char t[64];
	int dir = digest_trend(dd, t, sizeof(t));

	if (dir == 1)
		fprintf(f, "<span style=\"color:#1e7a34\">&#9650; %s</span>",
		    t);
	else if (dir == -1)
		fprintf(f, "<span style=\"color:#b3261e\">&#9660; %s</span>",
		    t);
	else if (dir == 0)
		fprintf(f, "<span style=\"color:#57606a\">&#9654; %s</span>",
		    t);
	else
		fprintf(f, "<span style=\"color:#57606a\">%s</span>", t);
}

static void
page_head(FILE *f, const struct digest *d, const char *label)
{
	fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta "
	    "charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width,"
	    "initial-scale=1\">\n<title>DMARC weekly digest ", f);
	h(f, label);
	fputs("</title>\n<style>\nbody{margin:0;padding:0;background:#f6f8fa}"
	    "\ntable{border-collapse:collapse}\ncode,pre{font-family:Menlo,"
	    "Consolas,monospace;font-size:13px}\n@media (max-width:600px){"
	    ".wrap{padding:4px!important}.inner{padding:4px 10px 16px"
	    "!important}.head{padding:14px 10px!important}}\n"
	    "</style>\n</head>\n<body style=\"margin:0;padding:0;"
	    "background:#f6f8fa;" FONT "color:#1f2328\">\n", f);
	fputs("<table role=\"presentation\" width=\"100%\" cellpadding=\"0\" "
	    "cellspacing=\"0\" style=\"background:#f6f8fa\"><tr><td "
	    "class=\"wrap\" align=\"center\" style=\"padding:16px\">\n"
	    "<table role=\"presentation\" width=\"100%\" cellpadding=\"0\" "
	    "cellspacing=\"0\" style=\"max-width:720px;background:#ffffff;"
	    "border:1px solid #d0d7de;border-radius:6px\">\n", f);
	(void)d;
}

/* the banner's first thing to fix, per domain that has one */
static void
first_fixes(FILE *f, const struct digest *d)
{
	size_t i;

	for (i = 0; i < d->n_domains; i++) {
		const struct readiness_domain *rd = d->domains[i].rd;

		if (rd == NULL || rd->n_blockers == 0)
			continue;
		fputs("<div style=\"font-size:14px;margin-top:6px\"><b>"
		    "First to fix for ", f);
		h(f, d->domains[i].domain);
		fputs(":</b> ", f);
		h(f, rd->blockers[0]);
		fputs("</div>\n", f);
	}
}

static void
banner(FILE *f, const struct digest *d, const char *label)
{
	char a[16], b[16];
	size_t i;

	window_date(d->win.since, a, sizeof(a));
	window_date(d->win.until - 1, b, sizeof(b));
	fputs("<tr><td class=\"head\" style=\"padding:20px 24px;"
	    "overflow-wrap:anywhere;background:#0b3d62;"
	    "color:#ffffff;border-radius:6px 6px 0 0\">\n<div style=\""
	    "font-size:13px;letter-spacing:.04em\">DMARC WEEKLY DIGEST "
	    "&middot; ", f);
	h(f, label);
	fprintf(f, " &middot; %s to %s (UTC)</div>\n<h1 style=\"font-size:"
	    "24px;margin:6px 0 4px;font-weight:bold\">", a, b);
	if (d->messages > 0)
		fprintf(f, "%.1f%% of ", model_pct(d->pass, d->messages));
	count(f, d->messages);
	fputs(" messages passed DMARC</h1>\n<div style=\"font-size:14px\">",
	    f);
	for (i = 0; i < d->n_domains; i++) {
		const struct ddomain *dd = &d->domains[i];

		fputs(i ? " &nbsp; " : "", f);
		h(f, dd->domain);
		fputs(": ", f);
		badge(f, dd);
	}
	fputs("</div>\n", f);
	first_fixes(f, d);
	fprintf(f, "<div style=\"font-size:14px;margin-top:6px\">"
	    "%lu new source%s &middot; %lu rejected input%s</div>\n"
	    "</td></tr>\n", d->n_new_sources, d->n_new_sources == 1 ? "" : "s",
	    d->rejected, d->rejected == 1 ? "" : "s");
}

/* a domain that may break after each dot (a long name fits a phone) */
static void
h_domain(FILE *f, const char *s)
{
	const char *p, *dot;
	char label[MAX_DOMAIN_LEN + 2];
	size_t n;

	for (p = s ? s : ""; *p != '\0'; p = dot) {
		dot = strchr(p, '.');
		dot = dot != NULL ? dot + 1 : p + strlen(p);
		n = (size_t)(dot - p);
		if (n >= sizeof(label)) {
			/* not a DNS name: no break hints */
			h(f, p);
			return;
		}
		memcpy(label, p, n);
		label[n] = '\0';
		h(f, label);
		if (*dot != '\0')
			fputs("<wbr>", f);
	}
}

/*
 * Three columns, so that a phone (390 px) needs no sideways scrolling:
 * the policy and the verdict go under the domain, the trend under the
 * pass rate.
 */
static void
overview(FILE *f, const struct digest *d)
{
	size_t i;

	fputs("<h2 style=\"" H2 "\">Overview</h2>\n<table width=\"100%\" "
	    "style=\"border-collapse:collapse;font-size:14px\">\n<tr>"
	    "<th style=\"" CELL "\">Domain, policy, readiness</th>"
	    "<th style=\"" NUMH "\">Messages</th><th style=\"" NUMH "\">"
	    "DMARC pass, vs last week</th></tr>\n", f);
	for (i = 0; i < d->n_domains; i++) {
		const struct ddomain *dd = &d->domains[i];

		fputs("<tr><td style=\"" CELL "\"><b>", f);
		h_domain(f, dd->domain);
		fputs("</b><code style=\"" SUB "\">", f);
		h(f, dd->live_policy ? dd->live_policy : "policy unknown");
		fputs("</code><span style=\"display:block;margin-top:3px\">",
		    f);
		badge(f, dd);
		fputs("</span></td><td style=\"" NUM "\">", f);
		count(f, dd->cur ? dd->cur->t.messages : 0);
		fputs("</td><td style=\"" NUM "\">", f);
		pct(f, ddomain_pass_pct(dd));
		fputs("<span style=\"" SUB "white-space:normal;"
		    "word-break:normal\">", f);
		trend(f, dd);
		fputs("</span></td></tr>\n", f);
	}
	fputs("</table>\n", f);
}

static void
changes(FILE *f, const struct digest *d, const struct ddomain *dd)
{
	size_t i, n;
	char **s = digest_sentences(d, dd, &n);

	fputs("<h3 style=\"" H3 "\">What changed since last week</h3>\n", f);
	if (n == 0)
		fputs("<p style=\"margin:4px 0\">Nothing new: no new source, "
		    "service or selector, no drop, every reporter sent.</p>\n",
		    f);
	else {
		fputs("<ul style=\"margin:4px 0;padding-left:20px\">\n", f);
		for (i = 0; i < n; i++) {
			fputs("<li style=\"margin:3px 0\">", f);
			h(f, s[i]);
			fputs("</li>\n", f);
		}
		fputs("</ul>\n", f);
	}
	for (i = 0; i < n; i++)
		free(s[i]);
	free(s);
}

/* the stored DNS checks and what changed between the last two */
static void
dns_health(FILE *f, const struct ddomain *dd)
{
	char *sum, **l;
	size_t i, n;

	digest_health_words(dd, &sum, &l, &n);
	fputs("<h3 style=\"" H3 "\">DNS health</h3>\n"
	    "<p style=\"margin:4px 0\">", f);
	h(f, sum);
	fputs(".</p>\n", f);
	if (n > 0)
		fputs("<ul style=\"margin:4px 0;padding-left:20px;"
		    "overflow-wrap:anywhere\">\n", f);
	for (i = 0; i < n; i++) {
		fputs("<li style=\"margin:3px 0\">", f);
		h(f, l[i]);
		fputs("</li>\n", f);
		free(l[i]);
	}
	if (n > 0)
		fputs("</ul>\n", f);
	free(l);
	free(sum);
}

/* one row of a chart's numbers: a label and two right-aligned cells */
static void
num_row(FILE *f, const char *label, int code, double a, double b, int pc)
{
	fprintf(f, "<tr><td style=\"" CELL "\">%s", code ? "<code>" : "");
	h(f, label);
	fprintf(f, "%s</td><td style=\"" NUM "\">", code ? "</code>" : "");
	count(f, a);
	fputs("</td><td style=\"" NUM "\">", f);
	if (pc)
		pct(f, b);
	else
		count(f, b);
	fputs("</td></tr>\n", f);
}

static void
num_head(FILE *f, const char *a, const char *b, const char *c)
{
	fputs(NTABLE, f);
	fprintf(f, "<tr><th style=\"" CELL "\">%s</th><th style=\""
	    NUMH "\">%s</th><th style=\"" NUMH "\">%s</th></tr>\n", a, b, c);
}

static void
chart_daily(FILE *f, const struct digest *d, const struct ddomain *dd,
    size_t k)
{
	struct svg_bar bars[MAX_DIGEST_DAYS];
	char days[MAX_DIGEST_DAYS][16], id[32];
	int i;

	for (i = 0; i < dd->n_days; i++) {
		window_date(d->win.since + i * WINDOW_DAY, days[i], 16);
		bars[i].label = days[i] + 5;
		bars[i].note = NULL;
		bars[i].pass = dd->day_pass[i];
		bars[i].fail = dd->day_fail[i];
	}
	fputs("<h3 style=\"" H3 "\">Messages per day</h3>\n", f);
	snprintf(id, sizeof(id), "c%zu-day", k);
	svg_daily(f, id, "Messages per day, passed and failed DMARC", bars,
	    (size_t)dd->n_days);
	/* the numbers again, for mail clients that drop SVG */
	num_head(f, "Day (UTC)", "Passed", "Failed");
	for (i = 0; i < dd->n_days; i++)
		num_row(f, days[i], 0, dd->day_pass[i], dd->day_fail[i], 0);
	fputs("</table>\n", f);
}

static void
chart_sources(FILE *f, const struct ddomain *dd, size_t k)
{
	struct svg_bar bars[MAX_DIGEST_LIST];
	char id[32];
	size_t i;

	if (dd->top.n == 0)
		return;
	for (i = 0; i < dd->top.n; i++) {
		const struct dsource *s = &dd->top.v[i];

		bars[i].label = s->src->ip ? s->src->ip : "(invalid address)";
		bars[i].note = s->service ? s->service : s->src->ptr;
		bars[i].pass = s->src->t.dmarc_pass;
		bars[i].fail = s->src->t.messages - s->src->t.dmarc_pass;
	}
	fputs("<h3 style=\"" H3 "\">Top sources by volume</h3>\n", f);
	snprintf(id, sizeof(id), "c%zu-src", k);
	svg_sources(f, id, "Top sources by messages, with the share that "
	    "passed DMARC", bars, dd->top.n);
	num_head(f, "Source", "Messages", "Pass");
	for (i = 0; i < dd->top.n; i++)
		num_row(f, bars[i].label, 1, dd->top.v[i].src->t.messages,
		    model_pct(bars[i].pass, dd->top.v[i].src->t.messages), 1);
	fputs("</table>\n", f);
}

static void
chart_trend(FILE *f, const struct digest *d, const struct ddomain *dd,
    size_t k)
{
	char labels[DIGEST_HISTORY][16], id[32];
	const char *lp[DIGEST_HISTORY];
	double p[DIGEST_HISTORY];
	int i;

	for (i = 0; i < DIGEST_HISTORY; i++) {
		window_date(d->hist_win[i].since, labels[i], 16);
		lp[i] = labels[i] + 5;
		p[i] = dd->hist_messages[i] > 0 ? model_pct(dd->hist_pass[i],
		    dd->hist_messages[i]) : -1;
	}
	fputs("<h3 style=\"" H3 "\">DMARC pass rate, last 8 weeks</h3>\n", f);
	snprintf(id, sizeof(id), "c%zu-trend", k);
	svg_trend(f, id, "DMARC pass rate per week, oldest first", lp, p,
	    DIGEST_HISTORY);
	num_head(f, "Week of", "Messages", "Pass");
	for (i = 0; i < DIGEST_HISTORY; i++)
		num_row(f, labels[i], 0, dd->hist_messages[i], p[i], 1);
	fputs("</table>\n", f);
}

static void
charts(FILE *f, const struct digest *d, const struct ddomain *dd,
    size_t k)
{
	chart_daily(f, d, dd, k);
	chart_sources(f, dd, k);
	chart_trend(f, d, dd, k);
}

/*
 * Three columns: address, reverse name, service and what to do stacked
 * in the first, so that the table fits a phone.
 */
static void
failing(FILE *f, const struct ddomain *dd)
{
	size_t i, n = dd->failing.n < DIGEST_TOP_FAILING ? dd->failing.n :
	    DIGEST_TOP_FAILING;
	const char *adv;

	fputs("<h3 style=\"" H3 "\">Top failing sources</h3>\n", f);
	if (n == 0) {
		fputs("<p style=\"margin:4px 0\">No source failed DMARC.</p>\n",
		    f);
		return;
	}
	fputs("<table width=\"100%\" style=\"border-collapse:collapse;"
	    "font-size:13px\">\n<tr><th style=\"" CELL "\">Source, reverse "
	    "DNS, service</th><th style=\"" NUMH "\">Failing</th><th style=\""
	    NUMH "\">Pass</th></tr>\n", f);
	for (i = 0; i < n; i++) {
		const struct dsource *s = &dd->failing.v[i];

		fputs("<tr><td style=\"" CELL "\"><code style=\"word-break:"
		    "break-all\">", f);
		h(f, s->src->ip ? s->src->ip : "(invalid address)");
		fputs("</code><span style=\"" SUB "\">", f);
		h(f, s->src->ptr_label ? s->src->ptr_label : "(not looked up)");
		fputs(" &middot; ", f);
		h(f, s->service ? s->service : "unknown service");
		fputs("</span>", f);
		if ((adv = digest_source_advice(dd, s)) != NULL) {
			fputs("<span style=\"display:block;font-size:12px;"
			    "margin-top:2px\">", f);
			h(f, adv);
			fputs("</span>", f);
		}
		fputs("</td><td style=\"" NUM "\">", f);
		count(f, s->key);
		fputs("</td><td style=\"" NUM "\">", f);
		pct(f, s->pass_pct);
		fputs("</td></tr>\n", f);
	}
	fputs("</table>\n", f);
}

static void
blocking(FILE *f, const struct readiness_domain *rd)
{
	size_t i, k;

	if (rd->own.blocking.n == 0)
		return;
	fputs("<p style=\"margin:8px 0 4px\"><b>Fix first:</b></p>\n"
	    "<ul style=\"margin:4px 0;padding-left:20px\">\n", f);
	for (i = 0; i < rd->own.blocking.n && i < DIGEST_TOP_FAILING; i++) {
		const struct readiness_source *s = &rd->own.blocking.v[i];

		fputs("<li style=\"margin:3px 0\"><code>", f);
		h(f, s->src->ip ? s->src->ip : "(invalid address)");
		fputs("</code> (", f);
		count(f, s->failing);
		fputs(" failing)", f);
		for (k = 0; k < s->n_fix; k++) {
			fputs(k ? "; " : ": ", f);
			h(f, s->fix[k]);
		}
		fputs("</li>\n", f);
	}
	fputs("</ul>\n", f);
}

/* one subdomain source: address, failing count, class, first fix */
static void
sub_source(FILE *f, const struct readiness_source *s)
{
	fputs("<li style=\"margin:3px 0\"><code>", f);
	h(f, s->src->ip ? s->src->ip : "(invalid address)");
	fputs("</code> (", f);
	count(f, s->failing);
	fprintf(f, " failing, %s)", readiness_class_code(s->cls));
	if (s->n_fix > 0) {
		fputs(": ", f);
		h(f, s->fix[0]);
	}
	fputs("</li>\n", f);
}

/* the subdomain sources sp= decides on, at most DIGEST_TOP_FAILING */
static void
sub_sources(FILE *f, const struct ddomain *dd)
{
	const struct readiness_list *l[3];
	size_t i, k, n = 0;

	l[0] = &dd->rd->sub.blocking;
	l[1] = &dd->rd->sub.spoofing_src;
	l[2] = &dd->rd->sub.forwarded;
	if (l[0]->n + l[1]->n + l[2]->n == 0)
		return;
	fputs("<p style=\"margin:8px 0 4px\"><b>Subdomains of ", f);
	h(f, dd->domain);
	fputs(", failing:</b></p>\n<ul style=\"margin:4px 0;"
	    "padding-left:20px\">\n", f);
	for (k = 0; k < 3; k++)
		for (i = 0; i < l[k]->n && n < DIGEST_TOP_FAILING; i++, n++)
			sub_source(f, &l[k]->v[i]);
	fputs("</ul>\n", f);
}

static void
readiness_part(FILE *f, const struct ddomain *dd)
{
	const struct readiness_domain *rd = dd->rd;
	size_t i;

	fputs("<h3 style=\"" H3 "\">Enforcement readiness (last 30 days)"
	    "</h3>\n<p style=\"margin:4px 0\">", f);
	badge(f, dd);
	if (rd == NULL) {
		fputs(" no reports in the last 30 days.</p>\n", f);
		return;
	}
	if (rd->verdict == RVERDICT_NOT_READY && rd->thin != NULL) {
		fputs(" (and ", f);
		h(f, rd->thin);
		fputs("),", f);
	}
	fprintf(f, " current step <code>%s</code></p>\n<ul style=\"margin:"
	    "4px 0;padding-left:20px;font-size:14px\">\n",
	    readiness_step_code(rd->current));
	for (i = 0; i < rd->n_reasons; i++) {
		fputs("<li style=\"margin:2px 0\">", f);
		h(f, rd->reasons[i]);
		fputs("</li>\n", f);
	}
	fputs("</ul>\n", f);
	if (dd->next_record != NULL) {
		fprintf(f, "<p style=\"margin:8px 0 4px\">%s publish this "
		    "record:</p>\n<pre style=\"margin:0;padding:10px;background:"
		    "#f6f8fa;border:1px solid #d0d7de;white-space:pre-wrap;"
		    "word-break:break-all\">_dmarc.", digest_publish_lead(rd));
		h(f, dd->domain);
		fputs(". IN TXT \"", f);
		h(f, dd->next_record);
		fputs("\"</pre>\n", f);
	}
	blocking(f, rd);
	sub_sources(f, dd);
}

static void
domain_section(FILE *f, const struct digest *d, const struct ddomain *dd,
    size_t k)
{
	fputs("<h2 style=\"" H2 "border-top:2px solid #0b3d62;"
	    "padding-top:14px\">", f);
	h(f, dd->domain);
	fputs("</h2>\n<p style=\"margin:4px 0;font-size:15px\">", f);
	count(f, dd->cur ? dd->cur->t.messages : 0);
	fputs(" messages, ", f);
	pct(f, ddomain_pass_pct(dd));
	fputs(" passed DMARC (", f);
	trend(f, dd);
	fprintf(f, "), %lu report%s from %zu reporter%s.</p>\n",
	    dd->cur ? dd->cur->reports : 0, dd->cur && dd->cur->reports == 1 ?
	    "" : "s", dd->cur ? dd->cur->reporters.n : 0,
	    dd->cur && dd->cur->reporters.n == 1 ? "" : "s");
	changes(f, d, dd);
	dns_health(f, dd);
	readiness_part(f, dd);
	failing(f, dd);
	charts(f, d, dd, k);
}

static void
health(FILE *f, const struct digest *d)
{
	size_t i;

	fputs("<h2 style=\"" H2 "\">Ingest health</h2>\n", f);
	if (d->rejected == 0) {
		fputs("<p style=\"margin:4px 0\">No input was rejected this "
		    "week.</p>\n", f);
		return;
	}
	fprintf(f, "<p style=\"margin:4px 0\">%lu input%s rejected this week"
	    ":</p>\n<ul style=\"margin:4px 0;padding-left:20px\">\n",
	    d->rejected, d->rejected == 1 ? " was" : "s were");
	for (i = 0; i < d->n_rejects; i++) {
		fprintf(f, "<li>%lu &times; ", d->rejects[i].n);
		h(f, d->rejects[i].reason);
		fputs("</li>\n", f);
	}
	fputs("</ul>\n", f);
}

int
digest_render_html(FILE *f, const struct digest *d)
{
	char label[64], when[32];
	size_t i;

	digest_label(d, label, sizeof(label));
	page_head(f, d, label);
	banner(f, d, label);
	/* a long domain or name breaks anywhere rather than widen the page */
	fputs("<tr><td class=\"inner\" style=\"padding:8px 24px 24px;"
	    "overflow-wrap:anywhere\">\n", f);
	overview(f, d);
	for (i = 0; i < d->n_domains; i++)
		domain_section(f, d, &d->domains[i], i);
	health(f, d);
	window_timestamp(d->now, when, sizeof(when));
	fprintf(f, "<p style=\"margin:24px 0 0;font-size:12px;color:#57606a\">"
	    "Made by dmarc-report " DMARC_VERSION " at %s from the DMARC "
	    "aggregate reports receivers sent. Counts of reports that "
	    "straddle the week are prorated.</p>\n</td></tr>\n</table>\n"
	    "</td></tr></table>\n</body></html>\n", when);
	return ferror(f) ? -1 : 0;
}

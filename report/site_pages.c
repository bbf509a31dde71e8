/*
 * The pages of the site from the streams of site_query.c: a query's rows
 * come ordered by page key, then by kind of row (site.h), so one driver
 * (row()) opens a page when the key changes and a section when the kind
 * does, and each kind of page is a table of its section printers
 * (struct site_kind).  Tables show MAX_SITE_ROWS rows and count the
 * rest; the days of a chart are gathered and drawn at the section's end
 * (svg.h), with the same numbers in a table under it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "site_int.h"
#include "svg.h"
#include "xalloc.h"

struct site_kind {
	int	depth;			/* directory depth of its pages */
	/* opens the page of the row's key; -1 stops (g->err) */
	int	(*begin)(struct site_gen *, const struct site_row *);
	void	(*sect_begin)(struct site_gen *, int kind);
	void	(*row)(struct site_gen *, const struct site_row *);
	void	(*sect_end)(struct site_gen *, int kind);
	/* finishes the page (before site_page_end) */
	void	(*end)(struct site_gen *);
};

static void
days_reset(struct site_page *p, const struct window *w)
{
	int n = window_days(w);

	if (p->day_msgs == NULL) {
		p->day_msgs = xcalloc((size_t)n, sizeof(int64_t));
		p->day_pass = xcalloc((size_t)n, sizeof(int64_t));
	}
	memset(p->day_msgs, 0, (size_t)n * sizeof(int64_t));
	memset(p->day_pass, 0, (size_t)n * sizeof(int64_t));
	p->n_days = n;
	p->has_days = 0;
	p->a = p->b = 0;
}

static void
day_add(struct site_gen *g, int64_t day, int64_t msgs, int64_t pass)
{
	struct site_page *p = &g->pg;
	int64_t i = day - g->w.since / WINDOW_DAY;

	if (i < 0 || i >= p->n_days)
		return;
	p->day_msgs[i] += msgs;
	p->day_pass[i] += pass;
	p->a += msgs;
	p->b += pass;
	p->has_days = 1;
}

/* days per bar: one bar a day up to a month, else one a week */
#define CHART_DAILY_MAX	31

/* the chart (per day or per week) and the table of the days with data */
static void
days_draw(struct site_gen *g)
{
	static const char *const th[] = { "Day (UTC)", "Messages",
	    "Passed", "Pass rate" };
	struct site_page *p = &g->pg;
	int step = p->n_days > CHART_DAILY_MAX ? 7 : 1;
	size_t nb = ((size_t)p->n_days + (size_t)step - 1) / (size_t)step;
	struct svg_bar *bars = xcalloc(nb, sizeof(*bars));
	char (*lab)[16] = xcalloc(nb, sizeof(*lab)), day[16];
	char name[MAX_SITE_NAME];
	int i;

	for (i = 0; i < p->n_days; i++) {
		size_t b = (size_t)(i / step);

		if (i % step == 0) {
			window_date(g->w.since + i * WINDOW_DAY, lab[b], 16);
			bars[b].label = lab[b] + 5;
		}
		bars[b].pass += (double)p->day_pass[i];
		bars[b].fail += (double)(p->day_msgs[i] - p->day_pass[i]);
	}
	fprintf(p->f, "<h2>Messages per %s</h2>\n", step == 1 ? "day" :
	    "week");
	svg_daily(p->f, "days", step == 1 ? "Messages per day, passed and "
	    "failed DMARC" : "Messages per week (from the day shown), "
	    "passed and failed DMARC", bars, nb);
	site_table(p->f, "Messages and pass rate per day", th, 4);
	for (i = 0; i < p->n_days; i++) {
		if (p->day_msgs[i] == 0)
			continue;
		window_date(g->w.since + i * WINDOW_DAY, day, sizeof(day));
		site_name_day(g->w.since / WINDOW_DAY + i, name);
		fputs("<tr><td>", p->f);
		site_link(p->f, 1, name, day);
		fputs("</td>", p->f);
		site_num(p->f, p->day_msgs[i]);
		site_num(p->f, p->day_pass[i]);
		site_pct_cell(p->f, p->day_pass[i], p->day_msgs[i]);
		fputs("</tr>\n", p->f);
	}
	site_table_end(p->f, 0);
	free(bars);
	free(lab);
}

/* 1 if the row is past the section's limit (counted) */
static int
capped(struct site_page *p)
{
	if (p->shown >= MAX_SITE_ROWS) {
		p->more++;
		return 1;
	}
	p->shown++;
	return 0;
}

static void
ip_cell(FILE *f, int depth, const char *ip)
{
	char name[MAX_SITE_NAME];

	fputs("<td><code>", f);
	if (site_name_ip(ip, name) == 0)
		site_link(f, depth, name, ip);
	else
		site_text(f, ip == NULL ? "(invalid)" : ip);
	fputs("</code></td>", f);
}

static void
domain_cell(FILE *f, int depth, const char *d)
{
	char name[MAX_SITE_NAME];

	fputs("<td>", f);
	site_name_domain(d == NULL ? "" : d, name);
	site_link(f, depth, name, d == NULL || d[0] == '\0' ?
	    "(no domain)" : d);
	fputs("</td>", f);
}

static void
reporter_cell(FILE *f, const char *org, const char *key)
{
	char name[MAX_SITE_NAME];

	fputs("<td>", f);
	site_name_reporter(key, name);
	site_link(f, 1, name, org == NULL || org[0] == '\0' ?
	    "(no name)" : org);
	fputs("</td>", f);
}

static void
report_cell(FILE *f, int64_t id, const char *label, int64_t begin)
{
	char name[MAX_SITE_NAME], day[16];

	window_date(begin, day, sizeof(day));
	fputs("<td>", f);
	site_name_report(id, name);
	site_link(f, 1, name, label == NULL || label[0] == '\0' ?
	    "(no name)" : label);
	fprintf(f, "<span class=\"sub\">%s</span></td>", day);
}

/* --- the stream driver --------------------------------------------- */

static void
sect_close(struct site_gen *g)
{
	if (g->pg.kind >= 0 && g->sk->sect_end != NULL)
		g->sk->sect_end(g, g->pg.kind);
	g->pg.kind = -1;
}

static int
page_close(struct site_gen *g)
{
	if (g->pg.f == NULL)
		return 0;
	sect_close(g);
	if (g->sk->end != NULL)
		g->sk->end(g);
	return site_page_end(g, NULL);
}

static int
row(struct site_gen *g, const struct site_row *r)
{
	struct site_page *p = &g->pg;

	if (g->sk->begin != NULL &&
	    (p->key == NULL || strcmp(p->key, r->key) != 0)) {
		if (page_close(g) == -1)
			return -1;
		free(p->key);
		p->key = xstrdup(r->key);
		days_reset(p, &g->w);
		if (g->sk->begin(g, r) == -1)
			return -1;
	}
	if (r->kind != p->kind) {
		sect_close(g);
		p->kind = r->kind;
		p->shown = p->more = 0;
		if (g->sk->sect_begin != NULL)
			g->sk->sect_begin(g, r->kind);
	}
	g->sk->row(g, r);
	return 0;
}

int
site_stream_end(struct site_gen *g)
{
	int rc;

	if (g->sk->begin == NULL) {
		sect_close(g);
		rc = 0;
	} else
		rc = page_close(g);
	free(g->pg.key);
	g->pg.key = NULL;
	return rc;
}

/* --- per domain ------------------------------------------------------ */

static int
dom_begin(struct site_gen *g, const struct site_row *r)
{
	struct site_dom *d;
	char title[300];

	if (g->n_doms == MAX_SITE_DOMAINS) {
		snprintf(g->err, sizeof(g->err), "more than %d domains",
		    MAX_SITE_DOMAINS);
		return -1;
	}
	g->doms = xreallocarray(g->doms, g->n_doms + 1, sizeof(*g->doms));
	d = &g->doms[g->n_doms++];
	memset(d, 0, sizeof(*d));
	d->name = xstrdup(r->key);
	site_name_domain(r->key, d->page);
	snprintf(title, sizeof(title), "%s", r->key[0] == '\0' ?
	    "(no domain)" : r->key);
	return site_page_begin(g, d->page, 1, title, NULL);
}

static void
dom_sect_begin(struct site_gen *g, int kind)
{
	static const char *const src[] = { "Source", "Messages", "Failed",
	    "Pass rate" };
	static const char *const cause[] = { "Cause", "Failed messages" };
	static const char *const rep[] = { "Reporter", "Messages",
	    "Pass rate", "Reports" };
	FILE *f = g->pg.f;

	if (kind == 2)
		site_table(f, "Sources, most failing first", src, 4);
	else if (kind == 3)
		site_table(f, "Failures by cause", cause, 2);
	else if (kind == 4)
		site_table(f, "Reporters", rep, 4);
}

static void
dom_row(struct site_gen *g, const struct site_row *r)
{
	struct site_dom *d = &g->doms[g->n_doms - 1];
	FILE *f = g->pg.f;

	switch (r->kind) {
	case 0:
		d->reports = r->n[0];
		d->last_stored = r->n[1];
		if (r->s[0] != NULL)
			snprintf(d->policy, sizeof(d->policy), "p=%s%s%s",
			    r->s[0], r->s[1] ? " sp=" : "",
			    r->s[1] ? r->s[1] : "");
		if (r->s[0] != NULL && r->n[2] >= 0 && r->n[2] < 100) {
			size_t n = strlen(d->policy);

			snprintf(d->policy + n, sizeof(d->policy) - n,
			    " pct=%lld", (long long)r->n[2]);
		}
		break;
	case 1:
		day_add(g, r->n[0], r->n[1], r->n[2]);
		break;
	case 2:
		if (capped(&g->pg))
			break;
		fputs("<tr>", f);
		ip_cell(f, 1, r->s[0]);
		site_num(f, r->n[0]);
		site_num(f, r->n[0] - r->n[1]);
		site_pct_cell(f, r->n[1], r->n[0]);
		fputs("</tr>\n", f);
		break;
	case 3:
		fprintf(f, "<tr><td>%s</td>", r->n[0] >= 0 &&
		    r->n[0] < MFAIL__COUNT ?
		    mfail_text((enum mfail)r->n[0]) : "unknown");
		site_num(f, r->n[1]);
		fputs("</tr>\n", f);
		break;
	case 4:
		if (capped(&g->pg))
			break;
		fputs("<tr>", f);
		reporter_cell(f, r->s[0], r->s[1]);
		site_num(f, r->n[0]);
		site_pct_cell(f, r->n[1], r->n[0]);
		site_num(f, r->n[2]);
		fputs("</tr>\n", f);
		break;
	}
}

static void
dom_sect_end(struct site_gen *g, int kind)
{
	struct site_dom *d = &g->doms[g->n_doms - 1];
	FILE *f = g->pg.f;

	if (kind == 0) {
		fputs("<dl><dt>Reports</dt><dd>", f);
		site_count(f, d->reports);
		fputs("</dd><dt>Policy seen</dt><dd><code>", f);
		site_text(f, d->policy[0] ? d->policy : NULL);
		fputs("</code></dd><dt>Last report received</dt><dd>", f);
		site_time(f, d->last_stored);
		fputs("</dd></dl>\n", f);
	} else if (kind == 1) {
		d->messages = g->pg.a;
		d->passed = g->pg.b;
		fputs("<p><strong>", f);
		site_count(f, d->messages);
		fputs(" messages, ", f);
		site_pct(f, d->passed, d->messages);
		fputs(" passed DMARC</strong></p>\n", f);
		days_draw(g);
	} else
		site_table_end(f, g->pg.more);
}

static const struct site_kind domain_pages = {
	1, dom_begin, dom_sect_begin, dom_row, dom_sect_end, NULL
};

int
site_domains_row(const struct site_row *r, void *gen)
{
	struct site_gen *g = gen;

	return row(g, r);
}

/* --- per source ------------------------------------------------------ */

static int
src_begin(struct site_gen *g, const struct site_row *r)
{
	char name[MAX_SITE_NAME], title[128];

	if (site_name_ip(r->key, name) == -1)
		snprintf(name, sizeof(name), "s/_invalid.html");
	snprintf(title, sizeof(title), "Source %s", r->key);
	g->n_sources++;
	return site_page_begin(g, name, 1, title, NULL);
}

static void
src_sect_begin(struct site_gen *g, int kind)
{
	static const char *const dom[] = { "Domain it sends as", "Messages",
	    "Passed", "Pass rate" };
	static const char *const rep[] = { "Reporter", "Messages",
	    "Pass rate" };
	static const char *const rpt[] = { "Report", "Domain", "Messages",
	    "Pass rate" };
	FILE *f = g->pg.f;

	if (kind == 0)
		site_table(f, "Domains", dom, 4);
	else if (kind == 2)
		site_table(f, "Reporters", rep, 3);
	else if (kind == 3)
		site_table(f, "Reports it appears in, newest first", rpt, 4);
}

static void
src_row(struct site_gen *g, const struct site_row *r)
{
	FILE *f = g->pg.f;

	if (r->kind == 1) {
		day_add(g, r->n[0], r->n[1], r->n[2]);
		return;
	}
	if (capped(&g->pg))
		return;
	fputs("<tr>", f);
	if (r->kind == 0) {
		domain_cell(f, 1, r->s[0]);
		site_num(f, r->n[0]);
		site_num(f, r->n[1]);
		site_pct_cell(f, r->n[1], r->n[0]);
	} else if (r->kind == 2) {
		reporter_cell(f, r->s[0], r->s[1]);
		site_num(f, r->n[0]);
		site_pct_cell(f, r->n[1], r->n[0]);
	} else {
		report_cell(f, r->n[0], r->s[0], r->n[3]);
		domain_cell(f, 1, r->s[1]);
		site_num(f, r->n[1]);
		site_pct_cell(f, r->n[2], r->n[1]);
	}
	fputs("</tr>\n", f);
}

static void
src_sect_end(struct site_gen *g, int kind)
{
	if (kind == 1)
		days_draw(g);
	else
		site_table_end(g->pg.f, g->pg.more);
}

static const struct site_kind source_pages = {
	1, src_begin, src_sect_begin, src_row, src_sect_end, NULL
};

int
site_sources_row(const struct site_row *r, void *gen)
{
	struct site_gen *g = gen;

	return row(g, r);
}

/* --- per day -------------------------------------------------------- */

static int
day_begin(struct site_gen *g, const struct site_row *r)
{
	char name[MAX_SITE_NAME], title[64], date[16];
	int64_t day = strtoll(r->key, NULL, 10);

	if (g->n_days == (size_t)MAX_WINDOW_DAYS) {
		snprintf(g->err, sizeof(g->err), "more than %d days",
		    MAX_WINDOW_DAYS);
		return -1;
	}
	g->days = xreallocarray(g->days, g->n_days + 1, sizeof(*g->days));
	g->days_msgs = xreallocarray(g->days_msgs, g->n_days + 1,
	    sizeof(*g->days_msgs));
	g->days_pass = xreallocarray(g->days_pass, g->n_days + 1,
	    sizeof(*g->days_pass));
	g->days[g->n_days] = day;
	g->days_msgs[g->n_days] = g->days_pass[g->n_days] = 0;
	g->n_days++;
	site_name_day(day, name);
	window_date(day * WINDOW_DAY, date, sizeof(date));
	snprintf(title, sizeof(title), "Day %s (UTC)", date);
	return site_page_begin(g, name, 1, title, NULL);
}

static void
day_sect_begin(struct site_gen *g, int kind)
{
	static const char *const dom[] = { "Domain", "Messages", "Passed",
	    "Pass rate" };
	static const char *const src[] = { "Source", "Messages", "Failed",
	    "Pass rate" };
	static const char *const rep[] = { "Reporter", "Messages",
	    "Pass rate", "Reports" };
	FILE *f = g->pg.f;

	if (kind == 0)
		site_table(f, "Domains that day", dom, 4);
	else if (kind == 1)
		site_table(f, "Sources that day, most messages first", src, 4);
	else if (kind == 2)
		site_table(f, "Reporters that day", rep, 4);
}

static void
day_row(struct site_gen *g, const struct site_row *r)
{
	FILE *f = g->pg.f;

	if (r->kind == 0) {
		g->days_msgs[g->n_days - 1] += r->n[0];
		g->days_pass[g->n_days - 1] += r->n[1];
	}
	if (capped(&g->pg))
		return;
	fputs("<tr>", f);
	if (r->kind == 0) {
		domain_cell(f, 1, r->s[0]);
		site_num(f, r->n[0]);
		site_num(f, r->n[1]);
	} else if (r->kind == 1) {
		ip_cell(f, 1, r->s[0]);
		site_num(f, r->n[0]);
		site_num(f, r->n[0] - r->n[1]);
	} else
		reporter_cell(f, r->s[0], r->s[1]);
	if (r->kind == 2) {
		site_num(f, r->n[0]);
		site_pct_cell(f, r->n[1], r->n[0]);
		site_num(f, r->n[2]);
	} else
		site_pct_cell(f, r->n[1], r->n[0]);
	fputs("</tr>\n", f);
}

static void
day_sect_end(struct site_gen *g, int kind)
{
	FILE *f = g->pg.f;

	site_table_end(f, g->pg.more);
	if (kind == 0) {
		fputs("<p><strong>", f);
		site_count(f, g->days_msgs[g->n_days - 1]);
		fputs(" messages, ", f);
		site_pct(f, g->days_pass[g->n_days - 1],
		    g->days_msgs[g->n_days - 1]);
		fputs(" passed DMARC</strong></p>\n", f);
	}
}

static const struct site_kind day_pages = {
	1, day_begin, day_sect_begin, day_row, day_sect_end, NULL
};

int
site_days_row(const struct site_row *r, void *gen)
{
	struct site_gen *g = gen;

	return row(g, r);
}

/* --- per reporter ---------------------------------------------------- */

static int
org_begin(struct site_gen *g, const struct site_row *r)
{
	char name[MAX_SITE_NAME], title[300];

	site_name_reporter(r->key, name);
	snprintf(title, sizeof(title), "Reporter %s", r->s[0] != NULL &&
	    r->s[0][0] != '\0' ? r->s[0] : "(no name)");
	g->n_reporters++;
	return site_page_begin(g, name, 1, title, NULL);
}

static void
org_sect_begin(struct site_gen *g, int kind)
{
	static const char *const dom[] = { "Domain", "Messages",
	    "Reports" };
	static const char *const rpt[] = { "Report", "Domain", "Messages" };

	if (kind == 1)
		site_table(g->pg.f, "Domains it reports on", dom, 3);
	else if (kind == 2)
		site_table(g->pg.f, "Reports, newest first", rpt, 3);
}

static void
org_row(struct site_gen *g, const struct site_row *r)
{
	FILE *f = g->pg.f;

	if (r->kind == 0) {
		fputs("<dl><dt>Contact</dt><dd>", f);
		site_text(f, r->s[1]);
		fputs("</dd><dt>Reports</dt><dd>", f);
		site_count(f, r->n[0]);
		fputs("</dd><dt>Messages</dt><dd>", f);
		site_count(f, r->n[1]);
		fputs("</dd></dl>\n", f);
		return;
	}
	if (capped(&g->pg))
		return;
	fputs("<tr>", f);
	if (r->kind == 1) {
		domain_cell(f, 1, r->s[0]);
		site_num(f, r->n[0]);
		site_num(f, r->n[1]);
	} else {
		report_cell(f, r->n[0], r->s[1], r->n[2]);
		domain_cell(f, 1, r->s[0]);
		site_num(f, r->n[1]);
	}
	fputs("</tr>\n", f);
}

static void
org_sect_end(struct site_gen *g, int kind)
{
	if (kind != 0)
		site_table_end(g->pg.f, g->pg.more);
}

static const struct site_kind reporter_pages = {
	1, org_begin, org_sect_begin, org_row, org_sect_end, NULL
};

int
site_reporters_row(const struct site_row *r, void *gen)
{
	struct site_gen *g = gen;

	return row(g, r);
}

/* --- per report ------------------------------------------------------ */

static int
rpt_begin(struct site_gen *g, const struct site_row *r)
{
	char name[MAX_SITE_NAME], title[300], day[16];

	site_name_report(strtoll(r->key, NULL, 10), name);
	window_date(r->n[0], day, sizeof(day));
	snprintf(title, sizeof(title), "Report from %s, %s",
	    r->s[0] != NULL && r->s[0][0] != '\0' ? r->s[0] : "(no name)",
	    day);
	g->n_reports++;
	return site_page_begin(g, name, 1, title, NULL);
}

/* the input's stored bytes, once per input (a zip holds several) */
static int
rpt_download(struct site_gen *g, const char *name, int64_t input)
{
	FILE *f;
	int rc;

	if (site_out_keep(&g->out, name))
		return 0;
	if ((f = site_out_file(&g->out, name, g->err, sizeof(g->err))) ==
	    NULL)
		return -1;
	rc = site_query_input(g->db, input, f, g->err, sizeof(g->err));
	if (fclose(f) != 0 && rc == 0) {
		snprintf(g->err, sizeof(g->err), "'%s': write failed", name);
		rc = -1;
	}
	return rc;
}

static void
dl_item(FILE *f, const char *dt, const char *dd)
{
	fprintf(f, "<dt>%s</dt><dd>", dt);
	site_text(f, dd);
	fputs("</dd>", f);
}

static void
rpt_meta(struct site_gen *g, const struct site_row *r)
{
	char name[MAX_SITE_NAME], pol[64];
	FILE *f = g->pg.f;

	site_name_input(r->n[2], r->s[9], (int)r->n[6], name);
	if (rpt_download(g, name, r->n[2]) == -1)
		g->pg.ok = 0;
	fputs("<dl>", f);
	dl_item(f, "Reporter", r->s[0]);
	dl_item(f, "Contact", r->s[1]);
	dl_item(f, "Report ID", r->s[2]);
	fputs("<dt>Domain</dt><dd>", f);
	site_name_domain(r->s[3] == NULL ? "" : r->s[3], pol);
	site_link(f, 1, pol, r->s[3]);
	fputs("</dd><dt>Date range</dt><dd>", f);
	site_time(f, r->n[0]);
	fputs(" to ", f);
	site_time(f, r->n[1]);
	fputs("</dd>", f);
	snprintf(pol, sizeof(pol), "p=%s sp=%s", r->s[4] ? r->s[4] : "-",
	    r->s[5] ? r->s[5] : "-");
	dl_item(f, "Policy published", pol);
	dl_item(f, "Format", r->s[8]);
	dl_item(f, "Generator", r->s[6]);
	dl_item(f, "Extra contact", r->s[7]);
	fputs("<dt>Messages</dt><dd>", f);
	site_count(f, r->n[3]);
	fputs("</dd><dt>Records</dt><dd>", f);
	site_count(f, r->n[4]);
	fputs("</dd><dt>Received</dt><dd>", f);
	site_time(f, r->n[5]);
	fputs("</dd><dt>Original</dt><dd>", f);
	fprintf(f, "<a href=\"../%s\" download type=\"application/"
	    "octet-stream\">download the input as received</a> "
	    "<span class=\"sub\">%s</span></dd></dl>\n", name,
	    r->n[6] ? "gzip-compressed as stored" : "the stored bytes");
	if (r->n[4] > MAX_SITE_RECORDS)
		fprintf(f, "<p>The first %d records are listed; the "
		    "download holds all.</p>\n", MAX_SITE_RECORDS);
}

static void
rpt_sect_begin(struct site_gen *g, int kind)
{
	static const char *const rec[] = { "Source", "Messages", "DMARC",
	    "Details" };
	static const char *const warn[] = { "Warning", "Count" };

	if (kind == 1)
		site_table(g->pg.f, "Records", rec, 4);
	else if (kind == 2)
		site_table(g->pg.f, "Warnings at ingest", warn, 2);
	else if (kind == 3)
		fputs("<h2>Errors the reporter listed</h2>\n<ul>\n", g->pg.f);
}

static void
sub(FILE *f, const char *label, const char *v)
{
	if (v == NULL)
		return;
	fprintf(f, "<span class=\"sub\">%s ", label);
	site_text(f, v);
	fputs("</span>", f);
}

static void
rpt_row(struct site_gen *g, const struct site_row *r)
{
	FILE *f = g->pg.f;

	if (r->kind == 0) {
		rpt_meta(g, r);
		return;
	}
	if (r->kind == 3) {
		fputs("<li>", f);
		site_text(f, r->s[0]);
		fputs("</li>\n", f);
		return;
	}
	fputs("<tr>", f);
	if (r->kind == 2) {
		fputs("<td><code>", f);
		site_text(f, r->s[0]);
		fputs("</code></td>", f);
		site_num(f, r->n[0]);
	} else {
		ip_cell(f, 1, r->s[0]);
		site_num(f, r->n[0]);
		fprintf(f, "<td class=\"n %s\">%s</td><td>", r->n[1] ?
		    "pass" : "fail", r->n[1] ? "pass" : "fail");
		sub(f, "disposition", r->s[1]);
		sub(f, "DKIM", r->s[2]);
		sub(f, "SPF", r->s[3]);
		sub(f, "header from", r->s[4]);
		sub(f, "DKIM results:", r->s[5]);
		sub(f, "SPF results:", r->s[6]);
		sub(f, "reasons:", r->s[7]);
		fputs("</td>", f);
	}
	fputs("</tr>\n", f);
}

static void
rpt_sect_end(struct site_gen *g, int kind)
{
	if (kind == 1 || kind == 2)
		site_table_end(g->pg.f, 0);
	else if (kind == 3)
		fputs("</ul>\n", g->pg.f);
}

static const struct site_kind report_pages = {
	1, rpt_begin, rpt_sect_begin, rpt_row, rpt_sect_end, NULL
};

int
site_reports_row(const struct site_row *r, void *gen)
{
	struct site_gen *g = gen;

	if (row(g, r) == -1)
		return -1;
	return g->pg.ok ? 0 : -1;
}

/* --- ingest health (one page, opened by site.c) ---------------------- */

static void
rej_sect_begin(struct site_gen *g, int kind)
{
	static const char *const why[] = { "Reason", "Inputs" };
	static const char *const inp[] = { "Input", "First seen", "Bytes" };

	if (kind == 0)
		site_table(g->pg.f, "Rejected inputs by reason", why, 2);
	else
		site_table(g->pg.f, "Rejected inputs, newest first", inp, 3);
}

static void
rej_row(struct site_gen *g, const struct site_row *r)
{
	FILE *f = g->pg.f;

	fputs("<tr><td>", f);
	if (r->kind == 0) {
		site_text(f, r->s[0][0] ? r->s[0] : "(no reason)");
		fputs("</td>", f);
		site_num(f, r->n[0]);
	} else {
		fputs("<code>", f);
		site_text(f, r->s[0]);
		fputs("</code>", f);
		sub(f, "why:", r->s[1]);
		sub(f, "SHA-256", r->s[2]);
		fputs("</td><td class=\"n\">", f);
		site_time(f, r->n[1]);
		fputs("</td>", f);
		site_num(f, r->n[2]);
	}
	fputs("</tr>\n", f);
}

static void
rej_sect_end(struct site_gen *g, int kind)
{
	(void)kind;
	site_table_end(g->pg.f, 0);
}

static const struct site_kind reject_page = {
	0, NULL, rej_sect_begin, rej_row, rej_sect_end, NULL
};

int
site_rejects_row(const struct site_row *r, void *gen)
{
	struct site_gen *g = gen;

	return row(g, r);
}

/* --- the index ------------------------------------------------------- */

const char site_index_js[] =
    "(function(){var q=document.getElementById('q'),"
    "c=document.getElementById('qn');if(!q)return;"
    "var rows=document.querySelectorAll('#domains tbody tr');"
    "function f(){var v=q.value.trim().toLowerCase(),n=0;"
    "rows.forEach(function(r){var m=r.getAttribute('data-name')"
    ".indexOf(v)!==-1;r.hidden=!m;if(m)n++;});"
    "c.textContent=n+' of '+rows.length+' domains shown';}"
    "document.getElementById('qf').hidden=false;"
    "q.addEventListener('input',f);"
    "var h=location.hash.match(/^#q=(.*)$/);"
    "if(h){q.value=decodeURIComponent(h[1]);}f();})();";

/* the letter a domain is listed under: a-z, 0-9, else '_' */
static char
letter(const char *s)
{
	char c = s[0];

	if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
		return c;
	return '_';
}

static void
index_row(FILE *f, const struct site_dom *d, int anchor)
{
	fputs("<tr data-name=\"", f);
	site_text(f, d->name);
	fputs("\"", f);
	if (anchor)
		fprintf(f, " id=\"L-%c\"", letter(d->name));
	fputs(">", f);
	domain_cell(f, 0, d->name);
	site_num(f, d->messages);
	site_pct_cell(f, d->passed, d->messages);
	fputs("<td><code>", f);
	site_text(f, d->policy[0] ? d->policy : NULL);
	fputs("</code><span class=\"sub\">last report ", f);
	site_time(f, d->last_stored);
	fputs("</span></td></tr>\n", f);
}

/* every day of the window with data, newest first, to its page */
static void
index_days(struct site_gen *g)
{
	static const char *const th[] = { "Day (UTC)", "Messages",
	    "Pass rate" };
	char name[MAX_SITE_NAME], date[16];
	FILE *f = g->pg.f;
	size_t i;

	fputs("<h2>Days</h2>\n", f);
	site_table(f, "Every day of the window with reports", th, 3);
	for (i = g->n_days; i-- > 0;) {
		site_name_day(g->days[i], name);
		window_date(g->days[i] * WINDOW_DAY, date, sizeof(date));
		fputs("<tr><td>", f);
		site_link(f, 0, name, date);
		fputs("</td>", f);
		site_num(f, g->days_msgs[i]);
		site_pct_cell(f, g->days_pass[i], g->days_msgs[i]);
		fputs("</tr>\n", f);
	}
	site_table_end(f, 0);
}

int
site_index(struct site_gen *g)
{
	static const char *const th[] = { "Domain", "Messages", "Pass rate",
	    "Policy seen" };
	FILE *f;
	unsigned char seen[256] = { 0 };
	char from[16], until[16];
	size_t i;
	int c;

	site_stream_begin(g, SITE_Q_REJECTS);
	if (site_page_begin(g, "index.html", 0, "Domains", site_index_js) ==
	    -1)
		return -1;
	f = g->pg.f;
	window_date(g->w.since, from, sizeof(from));
	window_date(g->w.until - 1, until, sizeof(until));
	fprintf(f, "<p>Reports beginning %s to %s (UTC): %zu domains, %zu "
	    "sources, %zu reporters, %zu reports.</p>\n", from, until,
	    g->n_doms, g->n_sources, g->n_reporters, g->n_reports);
	fputs("<p id=\"qf\" hidden><label for=\"q\">Filter domains</label> "
	    "<input id=\"q\" type=\"search\" autocomplete=\"off\"> "
	    "<span id=\"qn\" aria-live=\"polite\"></span></p>\n"
	    "<p class=\"letters\">", f);
	for (i = 0; i < g->n_doms; i++) {
		c = (unsigned char)letter(g->doms[i].name);
		if (!seen[c])
			fprintf(f, "<a href=\"#L-%c\">%c</a> ", c,
			    c == '_' ? '#' : c);
		seen[c] = 1;
	}
	fputs("</p>\n<div id=\"domains\">\n", f);
	site_table(f, "All domains", th, 4);
	memset(seen, 0, sizeof(seen));
	for (i = 0; i < g->n_doms; i++) {
		c = (unsigned char)letter(g->doms[i].name);
		index_row(f, &g->doms[i], !seen[c]);
		seen[c] = 1;
	}
	site_table_end(f, 0);
	fputs("</div>\n", f);
	index_days(g);
	return site_page_end(g, site_index_js);
}

void
site_stream_begin(struct site_gen *g, enum site_q q)
{
	static const struct site_kind *const kinds[] = {
		[SITE_Q_DOMAINS] = &domain_pages,
		[SITE_Q_SOURCES] = &source_pages,
		[SITE_Q_DAYS] = &day_pages,
		[SITE_Q_REPORTERS] = &reporter_pages,
		[SITE_Q_REPORTS] = &report_pages,
		[SITE_Q_REJECTS] = &reject_page,
	};

	g->sk = kinds[q];
}

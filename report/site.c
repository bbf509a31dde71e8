/*
 * dmarc-report site -o DIR: the mode's run (site.h).  Opens the database
 * read-only, builds the window, runs the site's queries one after the
 * other (domains first: the index needs their totals; sources, days,
 * reporters, reports; the ingest health page) into a new tree beside DIR, writes
 * the index last and swaps the tree in (site_out.c).  Any failure
 * removes the new tree and leaves DIR as it was.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "escape.h"
#include "mode.h"
#include "rdb.h"
#include "site_int.h"
#include "xalloc.h"

#define PROG	"dmarc-report"

/* the --domain values as a JSON array (lower case, no final dot) */
static char *
domains_json(const struct mode_args *a)
{
	struct buf b;
	char *d, *p;
	size_t i;

	if (a->n_domains == 0)
		return NULL;
	buf_init(&b, (size_t)MAX_REPORT_DOMAINS * 2048);
	buf_addc(&b, '[');
	for (i = 0; i < a->n_domains; i++) {
		d = xstrdup(a->domains[i]);
		for (p = d; *p != '\0'; p++)
			if (*p >= 'A' && *p <= 'Z')
				*p = (char)(*p - 'A' + 'a');
		if (p > d && p[-1] == '.')
			p[-1] = '\0';
		buf_adds(&b, i ? ",\"" : "\"");
		escape_json(&b, d);
		buf_addc(&b, '"');
		free(d);
	}
	buf_addc(&b, ']');
	return buf_detach(&b, NULL);
}

static int
pages(struct site_gen *g)
{
	static const struct {
		enum site_q	 q;
		site_row_fn	 fn;
	} streams[] = {
		{ SITE_Q_DOMAINS, site_domains_row },
		{ SITE_Q_SOURCES, site_sources_row },
		{ SITE_Q_DAYS, site_days_row },
		{ SITE_Q_REPORTERS, site_reporters_row },
		{ SITE_Q_REPORTS, site_reports_row },
	};
	size_t i;

	if (site_query_open(g->db, &g->w, g->domains_json, g->err,
	    sizeof(g->err)) == -1)
		return -1;
	for (i = 0; i < sizeof(streams) / sizeof(streams[0]); i++) {
		site_stream_begin(g, streams[i].q);
		if (site_query(g->db, streams[i].q, &g->w, g->domains_json,
		    streams[i].fn, g, g->err, sizeof(g->err)) == -1 ||
		    site_stream_end(g) == -1)
			return -1;
	}
	site_stream_begin(g, SITE_Q_REJECTS);
	if (site_page_begin(g, "health.html", 0, "Ingest health", NULL) ==
	    -1)
		return -1;
	fputs("<p>Inputs dmarc-ingest rejected, and why (all of them, not "
	    "only the window's).</p>\n", g->pg.f);
	if (site_query(g->db, SITE_Q_REJECTS, &g->w, NULL, site_rejects_row,
	    g, g->err, sizeof(g->err)) == -1 || site_stream_end(g) == -1 ||
	    site_page_end(g, NULL) == -1)
		return -1;
	return site_index(g);
}

static void
gen_release(struct site_gen *g)
{
	size_t i;

	site_page_drop(g);
	for (i = 0; i < g->n_doms; i++)
		free(g->doms[i].name);
	free(g->doms);
	free(g->days);
	free(g->days_msgs);
	free(g->days_pass);
	free(g->pg.key);
	free(g->pg.day_msgs);
	free(g->pg.day_pass);
}

int
site_run(const struct mode_args *a)
{
	struct site_gen g;
	char *json = NULL;
	int rc = 2, opened = 0;

	memset(&g, 0, sizeof(g));
	if (a->out == NULL || strcmp(a->out, "-") == 0) {
		fprintf(stderr, PROG ": error: site: -o DIR is required\n");
		return 2;
	}
	if (window_parse(&a->ws, &g.w, g.err, sizeof(g.err)) == -1)
		goto fail;
	if ((g.db = rdb_open(a->db, RDB_READ, g.err, sizeof(g.err))) == NULL)
		goto fail;
	g.domains_json = json = domains_json(a);
	if (site_out_open(&g.out, a->out, g.err, sizeof(g.err)) == -1)
		goto fail;
	opened = 1;
	if (pages(&g) == -1)
		goto fail;
	opened = 0;
	if (site_out_commit(&g.out, g.err, sizeof(g.err)) == -1)
		goto fail;
	printf(PROG ": site: %zu domains, %zu sources, %zu "
	    "reporters, %zu reports: %zu files written, %zu unchanged\n",
	    g.n_doms, g.n_sources, g.n_reporters, g.n_reports,
	    g.out.written, g.out.unchanged);
	rc = 0;
	goto out;
fail:
	fprintf(stderr, PROG ": error: site: %s\n", g.err);
out:
	if (opened)
		site_out_abort(&g.out);
	gen_release(&g);
	free(json);
	rdb_close(g.db);
	return rc;
}

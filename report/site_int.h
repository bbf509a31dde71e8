/*
 * Private to the site's files (site.h lists them): the state of one run
 * and the HTML helpers of site_html.c.  Every string from the database
 * reaches a page through site_text() or site_attr(), which escape it.
 */
#ifndef DMARC_SITE_INT_H
#define DMARC_SITE_INT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "site.h"
#include "site_out.h"
#include "window.h"

#define SITE_ERRLEN	1024

/* a domain on the index, gathered while its page is written */
struct site_dom {
	char		*name;		/* owned */
	char		 page[MAX_SITE_NAME];
	int64_t		 messages;
	int64_t		 passed;
	int64_t		 reports;
	int64_t		 last_stored;	/* epoch seconds */
	char		 policy[64];	/* "p=none sp=reject pct=50" */
};

/* the page being built */
struct site_page {
	FILE		*f;		/* memory stream of the page */
	char		*mem;		/* its bytes (open_memstream) */
	size_t		 len;
	char		 name[MAX_SITE_NAME];
	char		*key;		/* the key of its rows, owned */
	int		 kind;		/* kind of the open section, -1 */
	size_t		 shown;		/* rows shown in the section */
	size_t		 more;		/* rows past MAX_SITE_ROWS */
	int64_t		 a, b;		/* section totals (messages,
					   passed) */
	int64_t		*day_msgs;	/* per day of the window, owned */
	int64_t		*day_pass;
	int		 n_days;
	int		 has_days;	/* a day row was seen */
	int		 ok;		/* the page is to be written */
};

struct site_kind;

struct site_gen {
	const struct site_kind *sk;	/* the pages of the running query */
	struct site_out	 out;
	struct rdb	*db;
	struct window	 w;
	const char	*domains_json;	/* NULL: all */
	struct site_page pg;
	struct site_dom	*doms;		/* owned */
	size_t		 n_doms;
	size_t		 n_sources, n_reporters, n_reports;
	/* the days with a page (n_days of them, day numbers), owned */
	int64_t		*days;
	int64_t		*days_msgs, *days_pass;
	size_t		 n_days;
	int64_t		 generated;	/* --now */
	char		 err[SITE_ERRLEN];
};

/* starts page name (depth 0 or 1 below DIR) titled title (escaped) */
int	site_page_begin(struct site_gen *, const char *name, int depth,
	    const char *title, const char *script);
/* ends the page and writes it; the script (trusted) runs at the end */
int	site_page_end(struct site_gen *, const char *script);
/* drops the page being built */
void	site_page_drop(struct site_gen *);

/* HTML text of an untrusted value; NULL prints dash */
void	site_text(FILE *, const char *);
/* a link to page name (made by site_name_*) from depth, text escaped */
void	site_link(FILE *, int depth, const char *name, const char *text);
/* "1,234" */
void	site_count(FILE *, int64_t);
/* "97.5%" of passed in messages, a dash for none */
void	site_pct(FILE *, int64_t passed, int64_t messages);
/* "YYYY-MM-DD HH:MM UTC" */
void	site_time(FILE *, int64_t);
/* the table heads: each th is a trusted label; the first is text */
void	site_table(FILE *, const char *caption, const char *const *th,
	    size_t n);
void	site_table_end(FILE *, size_t more);
/* the number cells of one row */
void	site_num(FILE *, int64_t);
void	site_pct_cell(FILE *, int64_t passed, int64_t messages);

/* the script of the index (filter and sort) */
extern const char site_index_js[];

/* the pages: one row of each query (site_pages.c) */
int	site_domains_row(const struct site_row *, void *gen);
int	site_sources_row(const struct site_row *, void *gen);
int	site_days_row(const struct site_row *, void *gen);
int	site_reporters_row(const struct site_row *, void *gen);
int	site_reports_row(const struct site_row *, void *gen);
int	site_rejects_row(const struct site_row *, void *gen);
/* the pages of query q: before its first row */
void	site_stream_begin(struct site_gen *, enum site_q q);
/* closes the last page of a query's stream */
int	site_stream_end(struct site_gen *);
/* the index, from g->doms */
int	site_index(struct site_gen *);

#endif

/*
 * dmarc-report site: a static website of the reports in a window, one
 * directory of HTML pages written by site.c.  The parts:
 *   site_query.c  the SQLite backend's queries (rows streamed by key)
 *   site_out.c    the directory: a temporary tree beside DIR, pages
 *                 written only when their bytes changed, the swap
 *   site_html.c   the page chrome (head, CSP, navigation) and cells
 *   site_pages.c  each kind of page from its stream of rows
 *   site.c        the mode's run: window, queries, pages, swap
 * File names of pages come from safe identifiers only (site_name_*):
 * a domain of [a-z0-9.-] as it is, any other as a hash; an IP address
 * in canonical form with ':' as '-'; a reporter by the hash of its key;
 * a report and an input by their numeric ids; a day by its date.
 */
#ifndef DMARC_SITE_H
#define DMARC_SITE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "limits.h"
#include "window.h"

struct mode_args;
struct rdb;

/* the window without options: the last 90 days */
#define SITE_DEFAULT_DAYS	90

#define SITE_ROW_STRS	10
#define SITE_ROW_NUMS	8

/*
 * One row of a site query: the key of the page it belongs to, the kind
 * of row (each query's own list below) and its values.  Strings are
 * borrowed until the next row and may be NULL.
 */
struct site_row {
	const char	*key;
	int		 kind;
	const char	*s[SITE_ROW_STRS];
	int64_t		 n[SITE_ROW_NUMS];
};

/*
 * The queries, each a stream of rows ordered by key then kind.  A report
 * counts whole on the UTC day its date range begins, and is in the
 * window when that day is.  Messages and passes are sums of the
 * records' counts.
 */
enum site_q {
	/* key domain; 0 meta: s0 p, s1 sp, n0 reports, n1 last stored,
	   n2 pct (-1 none); 1 day: n0 day number, n1 messages, n2 passed;
	   2 source: s0 ip, n0 messages, n1 passed; 3 cause: n0 mfail,
	   n1 messages; 4 reporter: s0 org, s1 org key, n0 messages,
	   n1 passed, n2 reports */
	SITE_Q_DOMAINS,
	/* key ip; 0 domain: s0 domain, n0 messages, n1 passed; 1 day:
	   n0 day number, n1 messages, n2 passed; 2 reporter: s0 org, s1 org
	   key, n0 messages, n1 passed; 3 report: s0 org, s1 domain, n0 id,
	   n1 messages, n2 passed, n3 begin */
	SITE_Q_SOURCES,
	/* key day number (UTC days since 1970); 0 domain: s0 domain,
	   n0 messages, n1 passed; 1 source: s0 ip (NULL: invalid), n0
	   messages, n1 passed; 2 reporter: s0 org, s1 org key,
	   n0 messages, n1 passed, n2 reports */
	SITE_Q_DAYS,
	/* key org key; 0 meta: s0 org, s1 email, n0 reports, n1 messages;
	   1 domain: s0 domain, n0 messages, n1 reports; 2 report: s0
	   domain, s1 report id, n0 id, n1 messages, n2 begin, n3 end */
	SITE_Q_REPORTERS,
	/* key report id; 0 meta: s0 org, s1 email, s2 report id, s3
	   domain, s4 p, s5 sp, s6 generator, s7 extra contact, s8 format,
	   s9 container; n0 begin, n1 end, n2 input id, n3 messages, n4
	   records, n5 stored at, n6 stored deflated, n7 pct (-1 none);
	   1 record: s0 ip, s1 disposition, s2 dkim, s3 spf, s4 header
	   from, s5 dkim results, s6 spf results, s7 reasons; n0 count, n1
	   dmarc pass, n2 seq; 2 warning: s0 code, n0 count; 3 error: s0
	   text */
	SITE_Q_REPORTS,
	/* every rejected input, whatever the window: key ""; 0 reason:
	   s0 reason, n0 inputs; 1 input (the newest MAX_SITE_REJECTS):
	   s0 source, s1 reason, s2 sha256, n0 id, n1 first seen,
	   n2 size */
	SITE_Q_REJECTS,
};

/*
 * Reads the records of the window w and the domains (a JSON array of
 * names, or NULL for all) once, for the domain and source streams;
 * before their site_query.  Returns 0, or -1 with a message in err.
 */
int	site_query_open(struct rdb *, const struct window *w,
	    const char *domains_json, char *err, size_t errlen);

/* returns 0 to go on, -1 to stop the query (an error is in err) */
typedef int (*site_row_fn)(const struct site_row *, void *arg);

/*
 * Runs query q over the window w, the domains (a JSON array of names,
 * or NULL for all; the domain and source streams take those given to
 * site_query_open), calling fn for each row.  Returns 0, or -1 with a
 * message in err (a database error, or fn's -1).
 */
int	site_query(struct rdb *, enum site_q q, const struct window *w,
	    const char *domains_json, site_row_fn fn, void *arg, char *err,
	    size_t errlen);
/*
 * Writes the stored bytes of input id (as input_chunk holds them: as
 * received, or gzip when stored deflated) to f.  Returns 0, or -1 with
 * a message in err.
 */
int	site_query_input(struct rdb *, int64_t id, FILE *f, char *err,
	    size_t errlen);

/*
 * Page names (relative to DIR, NUL-terminated into out of size
 * MAX_SITE_NAME).  Each returns 0, or -1 when the value gives no page
 * (an IP that is not one).
 */
int	site_name_domain(const char *domain, char *out);
int	site_name_ip(const char *ip, char *out);
void	site_name_reporter(const char *org_key, char *out);
void	site_name_report(int64_t id, char *out);
/* the page of UTC day number day (days since 1970) */
void	site_name_day(int64_t day, char *out);
/* the download of input id: its extension says what it holds */
void	site_name_input(int64_t id, const char *container, int deflated,
	    char *out);

/* the mode's run (mode.h) */
int	site_run(const struct mode_args *);

#endif

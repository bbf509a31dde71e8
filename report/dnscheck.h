/*
 * The `check DOMAIN...` mode of dmarc-report: a domain's mail DNS judged
 * against the mail the stored reports show.  Per domain, a list of items,
 * each with a verdict (ok, info, warning, error), the name it is about
 * and one sentence saying what was found and what to do:
 *
 *   dmarc  the policy as `policy` finds it (RFC 9989 tree walk, the
 *          record's notes, unauthorized report destinations, removed tags)
 *   spf    the record tree audit of the domain and of each envelope
 *          domain under it seen in the reports (spfeval.h: syntax, +all,
 *          ptr, lookups against 10 with the cost of each include, void
 *          lookups against 2, loops, includes without a record), then
 *          check_host() for every source seen with that envelope domain:
 *          sources whose mail passed DKIM alignment (so they look like
 *          the domain's own) but which the record does not authorize are
 *          listed with their volume
 *   dkim   every (d=, selector) pair the reports show for the domain's
 *          mail: the key record present, usable, RSA bits (error under
 *          1024, warning under 2048), revoked while still in use, t=y
 *   mx     MX present; _mta-sts and _smtp._tls TXT records (information)
 *
 * The DNS behind SPF, DKIM and MX is dnsq_ares.h (live, not cached); the
 * DMARC part is policy_current() (cached, stored in dmarc_lookup).  With
 * --no-dns only the stored DMARC lookup is shown and the rest says "not
 * checked".  The stored reports are read by check_query.c alone.
 */
#ifndef DMARC_DNSCHECK_H
#define DMARC_DNSCHECK_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "dns.h"
#include "limits.h"
#include "rdb.h"
#include "window.h"

/* default window of the mode: the last 30 days */
#define CHECK_DEFAULT_DAYS	30

enum check_verdict {
	CHECK_OK,
	CHECK_INFO,		/* worth knowing, nothing to do */
	CHECK_WARNING,		/* works, but not as the owner wants */
	CHECK_ERROR,		/* receivers fail mail or send no reports */
};

/* "ok" "info" "warning" "error" */
const char *check_verdict_name(enum check_verdict);

struct check_item {
	char		 area[8];	/* "dmarc" "spf" "dkim" "mx" */
	enum check_verdict verdict;
	char		 code[24];	/* stable name: "too-many-lookups" */
	char		*subject;	/* owned: the DNS name, selector or
					   source the item is about */
	char		*text;		/* owned: what was found and what to
					   do; untrusted parts quoted, not
					   escaped for any sink */
	double		 messages;	/* mail concerned in the window; -1
					   when the item is not about mail */
};

struct check_domain {
	char		*domain;	/* owned, normalised */
	struct check_item *items;	/* owned, in the order found */
	size_t		 n_items;
	size_t		 dropped;	/* items past MAX_CHECK_ITEMS */
	enum check_verdict worst;	/* ok, warning or error: the worst
					   item, info counting as ok */
	double		 messages;	/* mail of the domain in the window */
};

struct check_result {
	struct check_domain *domains;	/* owned, worst first */
	size_t		 n_domains;
	int64_t		 checked_at;	/* epoch seconds */
	struct window	 window;	/* the reports joined */
	int		 no_dns;
};

void	check_result_release(struct check_result *);

/*
 * Adds an item to d (printf-style text, cut at 1 KiB; subject copied,
 * NULL is ""), raising d->worst (not for CHECK_INFO).  Past MAX_CHECK_ITEMS it only counts.
 */
void	check_add(struct check_domain *d, const char *area,
	    enum check_verdict, const char *code, const char *subject,
	    double messages, const char *fmt, ...)
	    __attribute__((format(printf, 7, 8)));

/* ------------------------------------------------------------------ */
/* the stored reports (check_query.c)                                 */

/* one source seen sending as the domain, per envelope domain */
struct check_source {
	char		*ip;		/* owned, canonical text */
	int		 family;	/* 4 or 6 */
	unsigned char	 addr[16];	/* ip as bytes (IPv4: first 4) */
	char		*envelope;	/* owned: MAIL FROM domain, lower
					   case */
	double		 messages;
	double		 dkim_aligned;	/* of them, DKIM-aligned (the
					   domain's own signature) */
	double		 spf_pass;	/* of them, SPF pass as reported */
};

struct check_selector {
	char		*d;		/* owned: the d= domain */
	char		*selector;	/* owned */
	double		 messages;	/* mail signed with it */
	double		 passed;	/* of them, the signature passed */
};

struct check_data {
	double			 messages;	/* all mail of the domain */
	struct check_source	*sources;	/* owned, biggest first */
	size_t			 n_sources;
	struct check_selector	*selectors;	/* owned, most used first */
	size_t			 n_selectors;
};

/*
 * What the reports of domain (policy_domain, reports beginning in w) say:
 * sources whose envelope domain is domain or below it (at most
 * MAX_CHECK_SOURCES, by volume) and the DKIM selectors of d= domains in
 * the same organization branch (d= the domain, below it or above it; at
 * most MAX_CHECK_SELECTORS).  Returns 0 with *out filled (release with
 * check_data_release), -1 with a message in err.
 */
int	check_query(struct rdb *db, const struct window *w, const char *domain,
	    struct check_data *out, char *err, size_t errlen);
void	check_data_release(struct check_data *);

/*
 * The policy domains of reports beginning in w, in name order, at most
 * max.  *out (caller frees each and the array) and *n are set.  Returns 0
 * or -1 with a message in err.
 */
int	check_query_domains(struct rdb *db, const struct window *w,
	    char ***out, size_t *n, size_t max, char *err, size_t errlen);

/* ------------------------------------------------------------------ */
/* the checks (check.c, check_spf.c)                                  */

struct classify;
struct dnsq;

/*
 * Checks one domain: DMARC through dns (policy_current, stored), SPF,
 * DKIM and MX through q, joined with data.  svc (may be NULL) names the
 * sending service of a source SPF does not authorize, by its reverse
 * name, and the include its table gives.  Fills *out (released with the
 * result).  Never fails: DNS trouble and missing records are items.
 */
void	check_domain(struct dns *dns, struct dnsq *q, const char *domain,
	    const struct check_data *data, const struct classify *svc,
	    struct check_domain *out);
/* the SPF part of check_domain */
void	check_spf(struct dnsq *q, const char *domain,
	    const struct check_data *data, const struct classify *svc,
	    struct check_domain *out);

/* ------------------------------------------------------------------ */
/* output (check_render.c)                                            */

enum check_format {
	CHECK_TEXT,
	CHECK_JSON,
	CHECK_CSV,
};

/*
 * Writes r to f: text, one block per domain (worst first), an item per
 * line "  VERDICT AREA SUBJECT: TEXT"; JSON, one object documented in
 * dmarc-report(1); CSV, one row per item under a header line.  Every
 * untrusted string goes through escape_term, escape_json or escape_csv.
 * Returns 0, or -1 on a write error.
 */
int	check_render(FILE *f, enum check_format, const struct check_result *);

/* ------------------------------------------------------------------ */
/* the mode (check_cli.c)                                             */

struct check_args {
	const char	*db;		/* the database path, resolved */
	const char *const *domains;	/* DOMAIN arguments, else --domain,
					   else the config's */
	size_t		 n_domains;
	struct window_spec ws;		/* nothing given: the last 30 days */
	enum check_format format;
	const char	*out;		/* -o FILE or NULL */
	int		 no_dns;
	const char	*resolver;
	int		 timeout_ms;	/* per try; 0: dns.h's default */
	const char	*services;	/* --services FILE, read before the
					   built-in table; NULL: none */
};

/*
 * Runs the mode; errors are printed to stderr as "dmarc-report: error:
 * ...".  Returns the exit status: 0 every item ok or info, 1 a warning or
 * error found, 2 usage or system error (bad domain, database, no domain
 * to check, write error).
 */
int	check_run(const struct check_args *);

#endif

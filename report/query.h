/*
 * The SQL side of dmarc-report: reads the stable tables of schema/ for
 * one window and fills a struct model (model.h).  Prepared statements
 * with bound parameters only; the database handle is read-only (db_open
 * with DB_READONLY).  The attribution rule of window.h is applied in SQL,
 * so sums come out of SQLite already proportional.
 *
 * Queries, all over the reports that overlap the window (status
 * 'stored'), bounded below by the longest report range in the database
 * so that report_begin's index bounds the scan:
 *   domains   per policy domain: tallies, reasons, reporters, published
 *             policies, day coverage and messages per day
 *   sources   per (policy domain, source IP): tallies and value lists;
 *             with split_subdomains per (policy domain, source IP,
 *             header_from below the policy domain or not)
 *   rejects   ingest ledger rows rejected with first_seen in the window
 */
#ifndef DMARC_QUERY_H
#define DMARC_QUERY_H

#include <stddef.h>

#include "model.h"
#include "rdb.h"

/*
 * A window inside the query's window whose domain tallies the same record
 * pass also sums (the digest's days and history weeks), as a query_run
 * over that window alone would give them: the same reports, the same
 * shares, the same order of additions.  t is allocated by query_run, one
 * per domain of the model (m->domains order); the caller frees it.
 */
struct query_sub {
	struct window	 win;		/* inside the query's window */
	struct mtally	*t;		/* [m->n_domains], zero if no record */
};

/*
 * Value lists of the sources a mode may leave empty (query_opts.omit):
 * a mode that never reads a list saves the memory of it over every
 * source and, for the DKIM, SPF and reason lists, the statement that
 * reads it.  The tallies and the lists kept are the same either way.
 */
enum {
	QUERY_OMIT_FROM = 1 << 0,	/* header_from, envelope_from */
	QUERY_OMIT_REPORTERS = 1 << 1,
	QUERY_OMIT_DKIM = 1 << 2,
	QUERY_OMIT_SPF = 1 << 3,
	QUERY_OMIT_REASONS = 1 << 4,
	QUERY_OMIT_ALL = (1 << 5) - 1
};

struct query_opts {
	const char *const *domains;	/* --domain values; NULL: all */
	size_t		 n_domains;
	int		 sources;	/* fill model.sources */
	int		 failing_only;	/* sources: records with
					   dmarc_pass = 0 only */
	int		 split_subdomains; /* sources: key (policy domain,
					   IP, msource.sub), so that mail
					   whose header_from is below the
					   policy domain is a source of its
					   own (readiness) */
	unsigned	 omit;		/* sources: QUERY_OMIT_* lists
					   left empty; 0: all filled */
	struct query_sub	*subs;	/* NULL: none */
	size_t		 n_subs;
};

/*
 * Fills m (initialised by model_init with the window) from db: domains
 * always, rejects always, sources when opts->sources.  Sources are left in
 * the order the mode sorts them into (query_sort_sources).  Returns 0, or
 * -1 with sqlite's message in err (m is then partly filled; release it).
 */
int	query_run(struct rdb *db, const struct query_opts *, struct model *m,
	    char *err, size_t errlen);

enum query_order {
	QUERY_BY_FAILING,	/* failing messages desc, messages desc, ip */
	QUERY_BY_MESSAGES,	/* messages desc, failing desc, ip */
	QUERY_BY_IP,		/* domain, then address text */
};

/* sorts m->sources (stable across runs: ties broken by domain and ip) */
void	query_sort_sources(struct model *m, enum query_order);

#endif

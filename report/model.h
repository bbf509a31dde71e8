/*
 * The report model: what dmarc-report knows after querying the database
 * for one window, before any rendering.  query.c fills it, the mode files
 * (summary.c, sources.c, failures.c, readiness.c) order and judge it, the
 * render_*.c files print it.  Nothing here does I/O.
 *
 * Messages are fractional.  A report whose date range overlaps the window
 * only in part contributes count * overlap / range of each record (see
 * window.h: window_share), so every message count below is a double, the
 * exact sum of those shares.  Rounding happens only for display, through
 * model_round_parts(), which rounds a set of parts by largest remainder so
 * that the displayed parts add up to the displayed total.
 *
 * Sources are keyed by (policy domain, source IP): an address that sends
 * for two domains is two sources, one under each domain, so every source
 * belongs to exactly one struct msum.
 *
 * Ownership: a struct model owns everything reachable from it; strings
 * are clean UTF-8 from the database (still untrusted: escape on output).
 * model_release() frees it all and is safe on a zeroed model.
 *
 * Note for tests: ingest/ also has a model.h; a file outside report/
 * that links both includes this one as "../report/model.h".
 */
#ifndef DMARC_REPORT_MODEL_H
#define DMARC_REPORT_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include "limits.h"
#include "window.h"

/* record.disposition, in this order; MDISP_UNKNOWN for NULL/odd words */
enum mdisp {
	MDISP_NONE,
	MDISP_QUARANTINE,
	MDISP_REJECT,
	MDISP_PASS,
	MDISP_UNKNOWN,
	MDISP__COUNT
};

/*
 * Why a record failed DMARC (dmarc_pass = 0), first match wins:
 *  MFAIL_OVERRIDE     the receiver gave an override reason (forwarded,
 *                     trusted_forwarder, mailing_list, local_policy,
 *                     other); sampled_out/policy_test_mode do not count
 *  MFAIL_DKIM_OTHER   a DKIM signature passed, for a non-aligned domain
 *  MFAIL_SPF_OTHER    SPF passed, for a non-aligned domain
 *  MFAIL_NO_DKIM      no DKIM signature (no result, or only "none") and
 *                     SPF did not pass
 *  MFAIL_BOTH_FAILED  DKIM signature(s) present but none passed, and
 *                     SPF did not pass
 */
enum mfail {
	MFAIL_OVERRIDE,
	MFAIL_DKIM_OTHER,
	MFAIL_SPF_OTHER,
	MFAIL_NO_DKIM,
	MFAIL_BOTH_FAILED,
	MFAIL__COUNT
};

/* "none" "quarantine" "reject" "pass" "unknown" */
const char *mdisp_name(enum mdisp);
/* stable codes: "override" "dkim-other-domain" "spf-other-domain"
   "no-dkim-signature" "both-failed" */
const char *mfail_code(enum mfail);
/* words for people: "DKIM passed for another domain" ... */
const char *mfail_text(enum mfail);

/*
 * Message counts of a set of records.  Every field is a sum of
 * count * share (see above).  dmarc_fail = messages - dmarc_pass.
 */
struct mtally {
	double		 messages;
	double		 dmarc_pass;	/* dmarc_pass = 1 */
	double		 dkim_aligned;	/* DKIM aligned and passed */
	double		 spf_aligned;	/* SPF aligned and passed */
	double		 both_aligned;	/* both of the above */
	double		 disp[MDISP__COUNT];	/* by disposition applied */
	double		 fail[MFAIL__COUNT];	/* failing messages by cause */
	unsigned long	 rows;		/* records that contributed */
};

/* adds every count of src into dst */
void	mtally_add(struct mtally *, const struct mtally *);

/*
 * One value of a list with its messages: a header_from domain, or a DKIM
 * result (name = d=, detail = selector, result = "pass"), an SPF result
 * (name = domain, detail = scope), a reason (name = type, detail =
 * comment), a reporter (name = org_name).  detail and result may be NULL.
 * The "(other)" entry has other = 1 and name NULL.
 */
struct mvalue {
	char		*name;		/* strpool.h copy; NULL if absent */
	char		*detail;	/* a strpool.h copy, may be NULL */
	char		*result;	/* a strpool.h copy, may be NULL */
	double		 messages;
	unsigned long	 rows;		/* records (or reports) counted */
	int		 other;		/* the overflow bucket */
	uint32_t	 hash;		/* of name, detail, result: compared
					   before the strings */
};

/*
 * A bounded list of distinct values.  model_values_add() merges a value
 * equal in name, detail and result into its entry; past MAX_MODEL_VALUES
 * distinct entries, the messages go to the "(other)" entry.  Order is
 * insertion until model_values_sort() (messages descending, then name).
 */
struct mvalues {
	struct mvalue	*v;
	size_t		 n;
	size_t		 cap;
	size_t		 max;		/* distinct entries kept */
	size_t		 last;		/* index of the last value added */
};

void	model_values_init(struct mvalues *, size_t max);
void	model_values_release(struct mvalues *);
/* strings are copied; NULL allowed for each */
void	model_values_add(struct mvalues *, const char *name,
	    const char *detail, const char *result, double messages,
	    unsigned long rows);
void	model_values_sort(struct mvalues *);

/*
 * One sending source for one policy domain.  ptr and ptr_status are
 * filled by the mode (sources.c through dns.h), not by the query.
 */
struct msource {
	char		*domain;	/* policy domain, owned */
	char		*ip;		/* canonical address, owned; NULL for
					   records whose source_ip was
					   invalid */
	struct mtally	 t;
	struct mvalues	 header_from;	/* name = header_from */
	struct mvalues	 envelope_from;	/* name = envelope_from */
	struct mvalues	 dkim;		/* name = d=, detail = selector,
					   result = DKIM result */
	struct mvalues	 spf;		/* name = domain, detail = scope,
					   result = SPF result */
	struct mvalues	 reasons;	/* name = type, detail = comment */
	struct mvalues	 reporters;	/* name = org_name */
	char		*ptr;		/* reverse name, owned, NULL if none */
	char		*ptr_status;	/* owned dns_status_name(); NULL when
					   DNS was not asked at all */
	const char	*ptr_label;	/* msource_ptr_label() once DNS was
					   asked, else NULL; borrowed (ptr or
					   a constant) */
	/* free for readiness.c: its classification of this source */
	int		 cls;
	void		*cls_data;	/* owned by whoever set it */
	/* the sending service (classify.h), set by sources_classify();
	   borrowed from the struct classify, NULL if unknown */
	const char	*service;
	/* 1: the header_from of this source's records is a subdomain of
	   the policy domain (sp= applies, not p=); set only when the query
	   split by it (query_opts.split_subdomains), else 0 */
	int		 sub;
};

/* a distinct policy_published combination and how often receivers saw it */
struct mpolicy {
	char		*p, *sp, *np;	/* owned normalised words; NULL if
					   absent */
	char		*adkim, *aspf, *testing;
	int		 pct;		/* -1 if absent */
	unsigned long	 reports;
	double		 messages;
};

/* one policy domain in the window */
struct msum {
	char		*domain;	/* owned */
	struct mtally	 t;
	unsigned long	 reports;	/* reports overlapping the window */
	struct mvalues	 reasons;	/* override reasons, name = type */
	struct mvalues	 reporters;	/* name = org_name, rows = reports */
	struct mpolicy	*policies;	/* as published in reports */
	size_t		 n_policies;
	int		 days_covered;	/* UTC days of the window that some
					   report of this domain overlaps */
	double		*day_messages;	/* [window_days()] messages per UTC
					   day of the window, owned */
	/* the live policy (filled by summary.c; all owned, NULL if unknown) */
	char		*live_status;	/* policy_status_name() */
	char		*live_record;	/* the TXT record */
	char		*live_p;	/* policy applied to DOMAIN */
	char		*live_sp, *live_adkim, *live_aspf;
	int		 live_pct;	/* -1 if absent */
	char		 live_t;	/* 'y' 'n', 0 if absent */
	int64_t		 live_at;	/* epoch of the lookup, 0 unknown */
	int		 live_stored;	/* 1: from history, not a fresh
					   lookup */
	char		**mismatch;	/* owned plain ASCII sentences */
	size_t		 n_mismatch;
};

/* one rejected input (ingest ledger) whose first_seen is in the window */
struct mreject {
	char		*source;	/* owned, as the ledger names it */
	char		*reason;	/* owned, may be NULL */
	int64_t		 first_seen;
};

enum model_mode {
	MODEL_SUMMARY,
	MODEL_SOURCES,
	MODEL_FAILURES,
	MODEL_READINESS,
};

struct model {
	struct window	 win;
	enum model_mode	 mode;
	struct msum	*domains;	/* sorted by domain name */
	size_t		 n_domains;
	struct msource	*sources;	/* sources/failures/readiness only;
					   order set by the mode */
	size_t		 n_sources;
	unsigned long	 sources_dropped; /* past MAX_MODEL_SOURCES */
	struct mreject	*rejects;	/* newest first, at most
					   MAX_MODEL_REJECTS */
	size_t		 n_rejects;
	unsigned long	 rejected_inputs; /* total, even past the cap */
	int		 no_dns;	/* DNS was not used */
};

void	model_init(struct model *, const struct window *, enum model_mode);
void	model_release(struct model *);
/*
 * What to show for a source's reverse name: ptr, or "(no PTR)" (nxdomain,
 * nodata), "(PTR lookup timed out)", "(PTR lookup failed)", "(not looked
 * up)".  Borrowed; escape it like any untrusted string.
 */
const char *msource_ptr_label(const struct msource *);
/* frees what one source owns (sources_truncate drops sources with it) */
void	msource_release(struct msource *);

/* the domain entry, NULL if absent (binary search: domains are sorted) */
struct msum *model_domain(struct model *, const char *domain);

/*
 * Rounds parts v[0..n) (n <= MAX_ROUND_PARTS) for display so that they
 * add up to the rounded total: total = sum rounded half up, each part
 * rounded down, the remaining units given to the largest fractional
 * remainders (ties: lower index first).
 */
void	model_round_parts(const double *v, size_t n, int64_t *out);
/* one count rounded half up, for values shown alone */
int64_t	model_round(double);
/* 100 * part / whole, 0 when whole is 0 */
double	model_pct(double part, double whole);

#endif

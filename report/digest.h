/*
 * The weekly digest of dmarc-report (`dmarc-report digest`): one model
 * of what a postmaster wants to read once a week, built from the
 * existing modes and rendered by render_html.c, render_digest_text.c
 * (text and markdown) and email.c.  Nothing here renders.
 *
 * Windows.  win is the digest window (default: the last full ISO week);
 * len its length.  prev is the window of the same length just before it;
 * base is the four windows before it together ([since - 4 len, since)),
 * the baseline for "new" and for the heartbeat; the history is the eight
 * windows ending with win, oldest first; the readiness verdict uses its
 * own 30-day window ending with win (readiness.h's default).
 *
 * What changed, per policy domain (definitions, hand-checked in tests):
 *   new source      a source IP sending for the domain in win that did
 *                   not send for it anywhere in base
 *   new service     a sending service (classify.h) seen in win, not in base
 *   pass-rate drop  a source with at least DIGEST_DROP_MIN_MESSAGES
 *                   messages in both prev and win whose DMARC pass rate
 *                   fell by at least DIGEST_DROP_POINTS percentage points
 *   new selector    a (d=, selector) pair of a DKIM signature that passed
 *                   in win and never passed in base
 *   record change   the stored DMARC lookups (dmarc_lookup) first saw a
 *                   different record (or none) on or after win.since than
 *                   the last one seen before it
 *   silent reporter an organization that sent reports for the domain in
 *                   base but none overlapping win
 *   quiet domain    a domain asked for (--domain, config) or seen in base
 *                   with no report at all in win
 * Ingest health: inputs rejected in win (ledger first_seen), by reason.
 *
 * DNS health, per domain (digest_health.c): the newest check stored by
 * `dmarc-report check` (check_store.h) at or before the run (now) and
 * the one before it.  Items are matched by (area, code, subject); a
 * problem is an item whose verdict is warning or error:
 *   new             a problem of the newest check with no match before
 *   changed         matched, verdicts differ, the newest is a problem
 *   fixed           a problem before whose match is gone or is now ok
 *                   or info
 *   still           a problem of both checks with the same verdict
 * Listed in that order (at most MAX_DIGEST_LIST, the rest counted); with
 * one stored check its problems are listed as they are, with none the
 * section says how to store one.
 */
#ifndef DMARC_DIGEST_H
#define DMARC_DIGEST_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "check_store.h"
#include "classify.h"
#include "dns.h"
#include "limits.h"
#include "model.h"
#include "query.h"
#include "rdb.h"
#include "readiness.h"
#include "senders.h"

#define DIGEST_HISTORY		8	/* windows in the pass-rate line */
#define DIGEST_BASELINE		4	/* windows before win: "seen before" */
#define DIGEST_DROP_POINTS	10.0	/* percentage points */
#define DIGEST_DROP_MIN_MESSAGES 20.0	/* in prev and in win */
/* top failing sources shown per domain */
#define DIGEST_TOP_FAILING	5

/* a source of the current window with what the digest knows of it */
struct dsource {
	const struct msource *src;	/* borrowed from digest.cur */
	const char	*service;	/* classify_source(), or NULL */
	double		 pass_pct;	/* DMARC pass share in win */
	double		 prev_pct;	/* drops: the share in prev */
	double		 prev_messages;	/* drops: messages in prev */
	double		 key;		/* the list's sort key, descending */
};

/* a list of dsources with the count past MAX_DIGEST_LIST */
struct dlist {
	struct dsource	 v[MAX_DIGEST_LIST];
	size_t		 n;
	unsigned long	 more;
};

struct dselector {
	char		*d;		/* owned */
	char		*selector;	/* owned, may be NULL */
	double		 messages;
};

/* one line of the DNS health: a stored item and how it changed */
enum dhealth_change {
	DHEALTH_NEW,
	DHEALTH_CHANGED,
	DHEALTH_FIXED,
	DHEALTH_STILL,		/* also every problem of a first check */
};

struct dhealth_item {
	const struct check_stored_item *it;	/* borrowed from the
					   newest check (the one before for
					   DHEALTH_FIXED) */
	enum dhealth_change change;
	enum check_verdict was;		/* DHEALTH_CHANGED, DHEALTH_FIXED:
					   the verdict before */
};

struct dhealth {
	struct check_stored checks[2];	/* [0] the newest, [1] the one
					   before */
	size_t		 n_checks;	/* 0, 1 or 2 */
	struct dhealth_item items[MAX_DIGEST_LIST];
	size_t		 n_items;
	unsigned long	 more;		/* lines past MAX_DIGEST_LIST */
	size_t		 n_errors, n_warnings;	/* of the newest check */
	size_t		 n_new, n_changed, n_fixed;
};

struct ddomain {
	char		*domain;	/* owned */
	const struct msum *cur;		/* borrowed from digest.cur; NULL:
					   no report in win */
	const struct msum *prev;	/* from digest.prev, or NULL */
	int		 quiet;		/* no report at all in win */
	int		 first;		/* no report in base: nothing to
					   compare with, no "new" lists */
	double		 hist_messages[DIGEST_HISTORY];	/* oldest first */
	double		 hist_pass[DIGEST_HISTORY];
	double		 day_pass[MAX_DIGEST_DAYS];	/* n_days of win */
	double		 day_fail[MAX_DIGEST_DAYS];
	int		 n_days;	/* 0: window too long for the chart */
	struct dlist	 top;		/* by messages */
	struct dlist	 failing;	/* by failing messages, failing > 0 */
	struct dlist	 new_sources;	/* by messages */
	struct dlist	 drops;		/* by points lost */
	char		**new_services;	/* owned strings, sorted */
	size_t		 n_new_services;
	struct dselector *new_selectors;
	size_t		 n_new_selectors;
	char		**silent;	/* silent reporters, owned, sorted */
	size_t		 n_silent;
	int		 record_changed;
	char		*record_old;	/* owned; NULL: no record / unknown */
	char		*record_new;	/* owned; NULL: no record */
	int64_t		 record_changed_at;	/* first lookup seeing new */
	const struct readiness_domain *rd;	/* borrowed, NULL if none */
	char		*next_record;	/* owned copy of rd->record: the
					   whole TXT record to publish; NULL
					   when nothing is to change or
					   without a verdict */
	char		*live_policy;	/* owned, e.g. "p=none", NULL unknown */
	struct dhealth	 health;	/* the stored DNS checks */
};

struct dreject {
	char		*reason;	/* owned; "(no reason)" when NULL */
	unsigned long	 n;
};

struct digest {
	struct window	 win, prev_win, base_win;
	struct window	 hist_win[DIGEST_HISTORY];	/* oldest first */
	int64_t		 now;		/* epoch of the run (Date:) */
	struct model	 cur, prev, base;	/* with sources */
	struct model	 rmodel;	/* readiness window */
	struct readiness_result rr;
	struct ddomain	*domains;	/* sorted by name */
	size_t		 n_domains;
	struct dreject	 rejects[MAX_DIGEST_REJECT_REASONS];
	size_t		 n_rejects;
	unsigned long	 rejected;	/* inputs rejected in win, total */
	/* totals over all domains of win and prev */
	double		 messages, pass, prev_messages, prev_pass;
	unsigned long	 n_new_sources;	/* all domains, uncapped */
	int		 dns_used;	/* reverse names were asked */
	/* cur, prev and base sources sorted by (domain, ip); owned arrays
	   of borrowed pointers (digest_changes.c) */
	const struct msource **idx[3];
};

struct digest_opts {
	const char *const *domains;	/* normalised; NULL/0: all seen */
	size_t		 n_domains;
	struct readiness_opts ro;
	const struct senders *senders;	/* may be NULL */
	const struct classify *services; /* may be NULL: no classification */
	int64_t		 now;
};

/*
 * Builds the digest of window w from db.  dns may be NULL (no reverse
 * names, readiness from the reports; record changes still come from the
 * stored history in db).  *d is filled (caller releases with
 * digest_release, also after an error; d borrows from opts->senders and
 * opts->services).  Returns 0, or -1 with a message in err.
 */
int	digest_build(struct rdb *db, struct dns *dns, const struct window *w,
	    const struct digest_opts *, struct digest *d, char *err,
	    size_t errlen);
void	digest_release(struct digest *);

/* DMARC pass percent of a domain in win, or -1 without messages */
double	ddomain_pass_pct(const struct ddomain *);
/* pass percent in prev, or -1 */
double	ddomain_prev_pct(const struct ddomain *);
/* the window label: "2026-W47" for an ISO week, else "A .. B" (out >= 32) */
void	digest_label(const struct digest *, char *out, size_t outlen);

/*
 * Rejected inputs in w by reason (digest_query.c): fills d->rejects
 * (largest first, at most MAX_DIGEST_REJECT_REASONS) and d->rejected.
 */
int	digest_query_rejects(struct rdb *db, const struct window *w,
	    struct digest *d, char *err, size_t errlen);

/* the three output formats of the digest (render_*.c, email.c) */
int	digest_render_html(FILE *f, const struct digest *);
int	digest_render_text(FILE *f, const struct digest *);
int	digest_render_markdown(FILE *f, const struct digest *);

#endif

/* ---- words shared by the renderers (digest_words.c) ---- */

/* "2,695": a message count rounded half up, thousands separated */
void	digest_count(double v, char *out, size_t outlen);
/*
 * The trend of the pass rate against prev: 1 up, -1 down (by 0.5 points
 * or more), 0 steady, 2 no data to compare.  text gets "+1.2 pts",
 * "-3.4 pts", "steady" or "no data last week".
 */
int	digest_trend(const struct ddomain *, char *text, size_t textlen);
/*
 * What changed for dd, as plain sentences (untrusted names inside:
 * escape them for the sink).  *n set; caller frees each and the array.
 */
char	**digest_sentences(const struct digest *, const struct ddomain *,
	    size_t *n);
/*
 * "DMARC weekly 2026-W47: example.org 71.3% pass, NOT READY, 2 new
 * sources": one domain's verdict, or "2 not ready" among several
 */
void	digest_subject(const struct digest *, char *out, size_t outlen);
/*
 * What comes before "publish this record:" for rd's verdict: "Next
 * step:" (READY, AT REJECT), "When the fixes below are done, the next
 * step is to" (NOT READY), "Once the reports cover enough, the next step
 * is to" (NOT ENOUGH DATA)
 */
const char *digest_publish_lead(const struct readiness_domain *);
/*
 * What the postmaster should do about a top failing source, from the
 * readiness lists of dd (matched by address): a forwarder or mailing
 * list "nothing to fix", a source that blocks the next step "fix it:
 * see Fix first", an unauthenticated one "if it is not yours, it is
 * spoofing: enforcement stops it"; NULL when readiness did not list it.
 * A static string.
 */
const char *digest_source_advice(const struct ddomain *,
	    const struct dsource *);
/*
 * The DNS health of dd in words (digest_health.c): *summary, one
 * sentence ("error: 2 errors, 1 warning in the check of 2026-11-22
 * 06:00 UTC (before: warning, 2026-11-15 06:00 UTC): 1 new, 1 fixed"),
 * and the lines of dd->health.items ("new error, spf 'shop.test': TEXT").
 * Untrusted text inside: escape for the sink.  Caller frees *summary,
 * each line and the array.
 */
void	digest_health_words(const struct ddomain *dd, char **summary,
	    char ***lines, size_t *n);
/* "1 domain" / "NOT READY" ... : the verdict word of dd, or "no verdict" */
const char *digest_verdict(const struct ddomain *);

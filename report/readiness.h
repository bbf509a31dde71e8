/*
 * The `readiness` mode of dmarc-report: per policy domain, is it safe to
 * take the next enforcement step, and if not, what exactly to fix first.
 * Input is a model filled by query.c with sources (query_opts.sources),
 * an optional senders file (senders.h) and an optional resolver for the
 * live policy and reverse names; output is a struct readiness_result,
 * which the format files print (readiness_render_text() and the like).
 *
 * The ladder (RFC 9989 section 4.7 for t, RFC 7489 section 6.6.4 for pct):
 *   none                  p=none
 *   quarantine-test       p=quarantine; t=y   (publish pct=0 beside it)
 *   quarantine            p=quarantine        (t=n, the default)
 *   reject                p=reject
 * t=y asks receivers that implement RFC 9989 not to apply the policy yet
 * (a receiver may still do its special handling, such as a mailing list
 * rewriting From).  Receivers still on RFC 7489 ignore t; for them pct=0
 * is the equivalent: RFC 7489 applies the next policy down to mail not
 * sampled, so p=quarantine; pct=0 is handled as none and p=reject; pct=0
 * as quarantine.  p=reject; t=y is the off-ladder step reject-test; a
 * record with pct < 100 counts as the test step of its p.
 *
 * The current step comes from the live policy (policy_current(): a DNS
 * lookup, or with --no-dns the latest stored lookup); when that is
 * unknown, from the policy receivers saw most (by messages) in the
 * window; the result says which.
 *
 * Each policy domain is judged in two scopes: mail whose header_from is
 * the policy domain itself (p= applies) and mail whose header_from is a
 * subdomain of it (sp= applies, falling back to p; RFC 9989 np= instead
 * for subdomains that do not exist in DNS, which reports cannot show).
 * The query keys sources by scope too (query_opts.split_subdomains).
 *
 * Each source (policy domain, IP, scope) is classified, first match wins:
 *   ALIGNED         no failing message: authorized and aligned
 *   MISALIGNED      failing, and named in the senders file
 *   FORWARDED       failing, and either most of its failing volume carries
 *                   a receiver override reason forwarded, trusted_forwarder
 *                   or mailing_list, or it relays mail signed with our own
 *                   DKIM domain (some of it still passing: DKIM-only
 *                   survival) while its IP never passes our SPF; not named
 *                   in the senders file
 *   MISALIGNED      failing, no senders file, and legitimate-looking:
 *                   aligned some of the time, or a known sending service
 *                   (classify.h); these block the move
 *   UNAUTHORIZED    failing, passes DKIM or SPF for some other domain
 *                   only, and not legitimate-looking as above (with a
 *                   senders file: not in it): a spoofer with its own
 *                   authentication, which enforcement stops
 *   UNAUTHENTICATED nothing passes and not in the senders file: likely
 *                   spoofing, which enforcement stops
 * With a senders file, an unlisted source is never legitimate-looking.
 *
 * Criteria (defaults in READINESS_DEFAULT_*, all overridable), on the
 * domain itself:
 *   blockers         the failing volume of MISALIGNED sources is at least
 *                    max_legit_fail_pct percent of the legitimate volume
 *                    (all messages but UNAUTHENTICATED and UNAUTHORIZED
 *                    ones), or an authorized source (named in the senders
 *                    file, or aligned at least sometimes) aligns less
 *                    than min_source_aligned_pct percent of its messages;
 *                    each is a sentence in readiness_domain.blockers,
 *                    the first naming the first thing to fix
 *   NOT READY        some blocker (thin data is said beside it)
 *   NOT ENOUGH DATA  no blocker, and fewer than min_messages messages, or
 *                    fewer than min_days UTC days covered by reports, or
 *                    fewer than min_reporters reporting organizations
 *   READY            otherwise
 *   AT REJECT        the domain is at p=reject already: no next step; the
 *                    MISALIGNED sources listed are being rejected now
 * An rua destination of the live (or stored) record that its owner has
 * not authorized (policy.h: RFC 7489 7.1) blocks too: receivers send it
 * no report, so the evidence above stops coming; the verdict is NOT
 * READY, even with too little data, and the reason says what to publish.
 * FORWARDED volume is reported but does not block: forwarding breaks SPF
 * whatever the sender does; receivers' overrides and ARC deal with it.
 *
 * Subdomains (readiness_domain.sub) do not change the verdict; they set
 * the sp= of the proposed record.  When the same two criteria hold for
 * subdomain mail, sp rises one word (none, quarantine, reject) but not
 * past the proposed p, and the tag is dropped when it equals p; when they
 * fail, sp stays where it is (written out if p would otherwise carry it
 * up) and the reasons say that subdomains stay open.  A published np
 * weaker than the proposed sp is raised to it.
 *
 * The proposed record (readiness_domain.record) is the current record with
 * p, sp, np, t and pct replaced and every other tag kept; the current
 * record is the live one, else the stored lookup policy_current() gave,
 * else the newest stored lookup with a record (dmarc_lookup).  With none,
 * it is a new record with rua=mailto:YOUR-RUA-ADDRESS, a placeholder the
 * reasons tell to replace (without rua= no receiver sends reports).
 */
#ifndef DMARC_READINESS_H
#define DMARC_READINESS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "limits.h"
#include "model.h"
#include "query.h"
#include "rdb.h"
#include "senders.h"

struct classify;
struct dns;

/* window of the readiness mode when none is given: 30 full UTC days */
#define READINESS_DEFAULT_DAYS		30
#define READINESS_DEFAULT_MIN_MESSAGES	500
#define READINESS_DEFAULT_MIN_DAYS	14
#define READINESS_DEFAULT_MIN_REPORTERS	2
#define READINESS_DEFAULT_MAX_LEGIT_FAIL_PCT	0.5
#define READINESS_DEFAULT_MIN_SOURCE_ALIGNED_PCT 95.0

enum readiness_step {
	RSTEP_NONE,
	RSTEP_QUARANTINE_TEST,
	RSTEP_QUARANTINE,
	RSTEP_REJECT_TEST,
	RSTEP_REJECT,
	RSTEP_UNKNOWN,		/* no policy known at all: taken as none */
};

enum readiness_verdict {
	RVERDICT_READY,
	RVERDICT_NOT_READY,
	RVERDICT_NOT_ENOUGH_DATA,
	RVERDICT_AT_REJECT,
};

enum readiness_class {
	RCLASS_ALIGNED,
	RCLASS_MISALIGNED,
	RCLASS_FORWARDED,
	RCLASS_UNAUTHENTICATED,
	RCLASS_UNAUTHORIZED,
	RCLASS__COUNT
};

/* where the current step came from */
enum readiness_origin {
	RORIGIN_LIVE,		/* a DNS lookup made now */
	RORIGIN_STORED,		/* the latest stored lookup (--no-dns) */
	RORIGIN_REPORTS,	/* the policy receivers saw most */
	RORIGIN_NONE,		/* nothing known */
};

/* what the proposed record was built from */
enum readiness_base {
	RBASE_LIVE,		/* the live record */
	RBASE_STORED,		/* the stored lookup used for the policy */
	RBASE_HISTORY,		/* the newest stored lookup with a record */
	RBASE_NEW,		/* none known: a new record, rua placeholder */
};

/* fewer messages than this (a sum of fractional shares) are none */
#define READINESS_EPS	1e-9

/* the rua= of a new record when no record is known: replace it */
#define READINESS_RUA_PLACEHOLDER	"mailto:YOUR-RUA-ADDRESS"

struct readiness_opts {
	double		 min_messages;
	int		 min_days;
	int		 min_reporters;
	double		 max_legit_fail_pct;	/* percent, 0..100 */
	double		 min_source_aligned_pct; /* percent, 0..100 */
};

/* fills the defaults above */
void	readiness_opts_init(struct readiness_opts *);

/*
 * Sets one option from its command-line name and value: "min-messages"
 * (integer >= 0), "min-days" (0..MAX_WINDOW_DAYS), "min-reporters"
 * (integer >= 0), "max-legit-fail-pct" and "min-source-aligned-pct"
 * (decimal 0..100, e.g. "0.5").  Returns 0, 1 if name is not one of these,
 * -1 with a message in err for a bad value.
 */
int	readiness_opts_set(struct readiness_opts *, const char *name,
	    const char *value, char *err, size_t errlen);

/* one classified source; strings borrowed from the model or senders */
struct readiness_source {
	const struct msource *src;
	enum readiness_class cls;
	const struct sender *sender;	/* senders-file match, or NULL */
	double		 failing;	/* messages failing DMARC */
	double		 aligned_pct;	/* dmarc_pass / messages * 100 */
	int		 authorized;	/* sender match or aligned sometimes */
	int		 guessed;	/* legitimate-looking without a
					   senders file (aligned sometimes or
					   a known service) */
	char		*fix[MAX_READINESS_FIXES];	/* owned sentences */
	size_t		 n_fix;
};

/* a capped list of sources, largest failing volume first */
struct readiness_list {
	struct readiness_source *v;
	size_t		 n;
	unsigned long	 more;		/* sources past MAX_READINESS_LIST */
	double		 more_messages;	/* their failing messages */
};

/* the mail of one scope: header_from the domain itself, or below it */
struct readiness_scope {
	double		 messages;
	double		 legit;		/* all but UNAUTHENTICATED and
					   UNAUTHORIZED */
	double		 legit_failing;	/* failing of MISALIGNED sources */
	double		 legit_fail_pct;
	double		 forwarded_failing;
	double		 spoofing;	/* UNAUTHENTICATED + UNAUTHORIZED */
	double		 class_messages[RCLASS__COUNT];
	unsigned long	 class_sources[RCLASS__COUNT];
	double		 worst_aligned_pct;	/* of authorized sources,
						   100 if none */
	const char	*worst_source;	/* its IP, borrowed; NULL if none */
	const char	*worst_name;	/* its service or sender, or NULL */
	int		 over;		/* legitimate failing at or over
					   max_legit_fail_pct */
	int		 weak;		/* worst_aligned_pct under
					   min_source_aligned_pct */
	struct readiness_list blocking;	/* MISALIGNED, failing > 0 */
	struct readiness_list forwarded;	/* FORWARDED, failing > 0 */
	struct readiness_list spoofing_src;	/* UNAUTHENTICATED and
						   UNAUTHORIZED */
};

struct readiness_domain {
	const char	*domain;	/* borrowed from the model */
	enum readiness_verdict verdict;
	enum readiness_step current;
	enum readiness_step next;	/* == current at reject */
	enum readiness_origin origin;
	char		*policy;	/* owned: the current record or the
					   reported tags, e.g. "p=none" */
	int64_t		 policy_at;	/* lookup time, 0 if not a lookup */
	char		 adkim, aspf;	/* 'r' or 's' used for alignment */
	/* sp and np as published (DMARCREC_P_UNSET: absent) and the sp
	   subdomains get now (sp, else p) and in the proposed record */
	int		 sp, np, sp_now, sp_next, np_next;	/* enum
							   dmarcrec_p */
	double		 messages;	/* all mail of the domain */
	int		 days;
	int		 reporters;
	struct readiness_scope own;	/* header_from = the domain */
	struct readiness_scope sub;	/* header_from below it */
	const char	*sub_top;	/* the subdomain with most messages
					   from one source, borrowed; NULL
					   without any */
	double		 sub_top_messages;	/* those messages */
	char		*record;	/* owned: the whole TXT record to
					   publish; NULL when nothing is to
					   change */
	enum readiness_base record_base;
	char		*base_record;	/* owned: the record it was built
					   on; NULL for RBASE_NEW */
	int64_t		 base_at;	/* when that record was last seen
					   (RBASE_HISTORY), else 0 */
	char		*thin;		/* owned: "only 7 days of data" when
					   a criterion of NOT ENOUGH DATA
					   holds, else NULL */
	char		**blockers;	/* owned sentences: what stops the
					   next step, the first thing to fix
					   first; any makes it NOT READY */
	size_t		 n_blockers;
	char		**reasons;	/* owned plain sentences: why */
	size_t		 n_reasons;
	/* owned sentences of policy_unauthorized(): rua destinations of
	   the live or stored record that receivers send no report to; any
	   makes the verdict NOT READY (no reports, no evidence) */
	char		**unauthorized;
	size_t		 n_unauthorized;
};

struct readiness_result {
	struct readiness_opts opts;
	struct window	 win;
	int		 senders_used;	/* a senders file was given */
	struct readiness_domain *domains;	/* model order (by name) */
	size_t		 n_domains;
};

/*
 * Judges every domain of m (which must have been queried with sources
 * and split_subdomains).  senders and services may be NULL.  dns may be
 * NULL (no live policy, no reverse names, no stored lookups: the policy
 * then comes from the reports); with dns, the live or stored policy is
 * read with policy_current() (a lookup that fails is noted and the
 * reports are used), stored lookups through dns_db() give the record to
 * build on, and every source gets its PTR name through sources_resolve()
 * and then its service through sources_classify().  Sets each source's
 * cls.  *r is filled
 * (caller releases, also after an error; it borrows from m and senders,
 * which must outlive it).  Returns 0, or -1 with a message in err when
 * the reverse lookups fail as a whole.
 */
int	readiness_judge(struct model *m, const struct readiness_opts *,
	    const struct senders *, const struct classify *, struct dns *,
	    struct readiness_result *r, char *err, size_t errlen);
void	readiness_result_release(struct readiness_result *);

/*
 * The whole mode for main.c: query_run() over db with sources (qo's
 * domains; sources, split_subdomains and failing_only are overridden),
 * then
 * readiness_judge().  m must be model_init()ed with the window (default
 * READINESS_DEFAULT_DAYS) and MODEL_READINESS.  Returns 0, or -1 with a
 * message in err; release r and m in either case.
 */
int	readiness_build(struct rdb *db, struct dns *, const struct query_opts *,
	    const struct readiness_opts *, const struct senders *,
	    const struct classify *, struct model *m,
	    struct readiness_result *r, char *err, size_t errlen);

/* "READY" "NOT READY" "NOT ENOUGH DATA" "AT REJECT" */
const char *readiness_verdict_name(enum readiness_verdict);
/* stable codes: "ready" "not-ready" "not-enough-data" "at-reject" */
const char *readiness_verdict_code(enum readiness_verdict);
/* "none" "quarantine-test" "quarantine" "reject-test" "reject" "unknown" */
const char *readiness_step_code(enum readiness_step);
/* the record tags of a step: "p=quarantine; t=y; pct=0" ... */
const char *readiness_step_tags(enum readiness_step);
/* "aligned" "misaligned" "forwarded" "unauthenticated" "unauthorized" */
const char *readiness_class_code(enum readiness_class);
/* "live" "stored" "reports" "none" */
const char *readiness_origin_code(enum readiness_origin);
/* "live" "stored" "history" "new" */
const char *readiness_base_code(enum readiness_base);

/*
 * The record to publish (readiness_record.c): "v=DMARC1; " then p, t
 * and pct for step next (readiness_step_tags), then sp= and np= with the
 * words of sp and np (enum dmarcrec_p; DMARCREC_P_UNSET: no such tag),
 * then every other tag of raw in its order.  raw is the current DMARC
 * record, or NULL for a new one, which gets rua=READINESS_RUA_PLACEHOLDER.
 * Caller frees.
 */
char	*readiness_record(const char *raw, enum readiness_step next, int sp,
	    int np);

/*
 * For readiness.c (readiness_record.c): sets rd's sp_now, sp_next,
 * np_next and record (NULL at p=reject when the subdomains need no
 * change either) from its steps, published sp/np and finished subdomain
 * scope, and adds the reasons about subdomains and about what the record
 * is built on.  The rules are those at the top of this header.
 */
void	readiness_propose(struct readiness_domain *);
/* appends s (taking ownership) to rd's reasons */
void	readiness_reason(struct readiness_domain *, char *s);

struct render_opts;

/*
 * What the printers show for a source's reverse name: msource_ptr_label()
 * once a lookup was made or cached, NULL when none was (borrowed).
 */
const char *readiness_source_ptr(const struct readiness_source *);

/*
 * The readiness printers of the text, JSON and CSV formats (format.h's
 * table): render r to f.  Every string from reports, DNS or the senders
 * file goes through escape_term (text), escape_json or escape_csv.
 * o->color adds ANSI colour to the verdict (text only; the caller
 * decides: a TTY); o may be NULL.
 *
 * JSON, one object and a newline:
 *   { "format": "dmarc-report", "version": 1, "mode": "readiness",
 *     "window": { "since": N, "until": N, "first_day": S,
 *       "last_day": S, "days": N },     (as render_json(): epochs,
 *                                        until exclusive)
 *     "senders_file": B,
 *     "criteria": { "min_messages": N, "min_days": N, "min_reporters": N,
 *       "max_legit_fail_pct": F, "min_source_aligned_pct": F },
 *     "domains": [ {
 *       "domain": S, "verdict": "ready"|"not-ready"|"not-enough-data"|
 *         "at-reject",
 *       "current_step": STEP, "next_step": STEP, "next_tags": S,
 *       "policy_source": "live"|"stored"|"reports"|"none",
 *       "policy": S|null, "policy_looked_up_at": N|null,
 *       "sp": P|null, "np": P|null, "sp_now": P, "sp_next": P,
 *       "np_next": P|null, "record": S|null,
 *       "record_base": "live"|"stored"|"history"|"new",
 *       "base_record": S|null, "thin": S|null, "blockers": [ S ],
 *       "messages": N, "domain_messages": N, SCOPE,
 *       "days_covered": N, "reporters": N, "reasons": [ S ], LISTS,
 *       "subdomains": { "top": S|null, "messages": N, SCOPE, LISTS } } ] }
 *   SCOPE: "legitimate": N, "legitimate_failing": N,
 *     "legitimate_fail_pct": F, "forwarded_failing": N, "spoofing": N,
 *     "worst_aligned_pct": F, "worst_source": S|null,
 *     "classes": { "aligned": {"sources": N, "messages": N}, ... }
 *   LISTS: "blocking": [ SOURCE ], "blocking_more": N,
 *     "forwarded": [ SOURCE ], "forwarded_more": N,
 *     "spoofing_sources": [ SOURCE ], "spoofing_more": N
 *   SOURCE: { "ip": S|null, "ptr": S|null, "class": S, "sender": S|null,
 *     "service": S|null, "messages": N, "failing": N, "aligned_pct": F,
 *     "fix": [ S ] }
 * service is the source's msource.service (sources_classify(), null when
 * unknown or not classified); text shows it as "service NAME" when known.
 * messages is all mail of the domain, domain_messages and the top-level
 * SCOPE that whose header_from is the domain itself, subdomains the rest.
 * S string, N integer (messages rounded), F number with 2 decimals,
 * B true/false, STEP a readiness_step_code, P "none"|"quarantine"|
 * "reject".
 *
 * CSV (RFC 4180), one row per listed source, header first:
 *   domain,verdict,current_step,next_step,list,ip,ptr,sender,messages,
 *   failing,aligned_pct,fix,service,scope
 * with list "blocking", "forwarded" or "spoofing", fix the sentences
 * joined by " / ", service empty when unknown and scope "domain" or
 * "subdomains"; a domain with no listed source gets one row with the
 * source columns empty.
 *
 * Text: per domain the verdict line (NOT READY adds ", and only ..."
 * for thin data), the step, "fix first:" and "then:" for the blockers,
 * "publish now|after the fixes|once the data suffices: _dmarc.D. IN TXT
 * \"RECORD\"", the counts, the reasons, the lists, and a subdomains
 * block when subdomain mail was seen.
 *
 * Each returns 0, or -1 if writing to f failed (ferror).
 */
int	readiness_render_text(FILE *f, const struct readiness_result *,
	    const struct render_opts *);
int	readiness_render_json(FILE *f, const struct readiness_result *,
	    const struct render_opts *);
int	readiness_render_csv(FILE *f, const struct readiness_result *,
	    const struct render_opts *);

#endif

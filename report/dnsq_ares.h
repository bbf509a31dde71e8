/*
 * The DNS behind the SPF evaluator and the check mode: struct spfdns
 * (spfeval.h) answered through dmarc-report's c-ares channel (dns.h), for
 * TXT, A, AAAA, MX and PTR.  One query at a time, as check_host() asks
 * them; each answer is kept in memory for the run (a memo, bounded by
 * MAX_DNSQ_MEMO), so an audit and the evaluations of many sources against
 * the same record tree ask each name once.  Nothing here is written to
 * the dns_cache table (whose qtype is TXT or PTR only): a check asks the
 * live DNS.
 *
 * Answers are untrusted: TXT records keep their character-strings apart
 * (joined, with the join offsets, RFC 7208 3.3), each record capped at
 * MAX_DNSQ_TXT_BYTES (one byte past the record parsers' limits, so they
 * still see "too long"), NUL bytes and invalid UTF-8 replaced by U+FFFD;
 * at most MAX_DNSQ_RRS records, names and addresses per answer; names
 * that are not sane host names are dropped.  NXDOMAIN and NODATA are
 * SPFDNS_VOID; a timeout, SERVFAIL, REFUSED or a malformed answer is
 * SPFDNS_TEMP, with the reason kept (dnsq_why()).
 */
#ifndef DMARC_DNSQ_ARES_H
#define DMARC_DNSQ_ARES_H

#include <stddef.h>

#include "dns.h"
#include "limits.h"
#include "spfeval.h"

struct dnsq_memo;

struct dnsq {
	struct dns		*dns;		/* borrowed; its channel asks */
	struct dnsq_memo	*memo;		/* owned, n_memo entries */
	size_t			 n_memo;
	size_t			 memo_bytes;	/* text and names held there */
	unsigned long		 nsent;		/* queries sent */
	const char		*why;		/* last TEMP answer's reason:
						   "timeout" ... (static) */
};

/* d must outlive q; offline (dns_offline) every answer is SPFDNS_TEMP */
void	dnsq_init(struct dnsq *, struct dns *d);
void	dnsq_release(struct dnsq *);

/* the struct spfdns that asks through q (borrowed) */
void	dnsq_spfdns(struct dnsq *q, struct spfdns *out);

/*
 * One query, as the spfdns callback does it.  out is filled (release
 * with spfdns_answer_release) and out->rc returned.
 */
enum spfdns_rc dnsq_ask(struct dnsq *, enum spfdns_type, const char *name,
	    struct spfdns_answer *out);

/*
 * Parses one DNS answer message abuf[0..alen) of the type asked into out
 * (zeroed by the caller; release with spfdns_answer_release) with the
 * bounds above.  Returns SPFDNS_OK, SPFDNS_VOID (no record of the type)
 * or SPFDNS_TEMP (malformed).  Pure: the fuzz target calls it.
 */
enum spfdns_rc dnsq_parse(enum spfdns_type, const unsigned char *abuf,
	    int alen, struct spfdns_answer *out);

/* why the last SPFDNS_TEMP answer was one ("timeout", "servfail",
   "refused", "no server answered (SERVFAIL, ...)", "malformed answer",
   "not looked up", "too many queries", or c-ares' text); static */
const char *dnsq_why(const struct dnsq *);

#endif

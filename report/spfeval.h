/*
 * SPF evaluation (RFC 7208 4 and 5): check_host() for one address and
 * domain, and an audit of a domain's whole record tree (every include
 * and redirect followed, lookups counted against the limit, void lookups,
 * loops).  DNS goes through struct spfdns, a query function the caller
 * supplies: dmarc-report's c-ares layer in the tool, a table in the
 * tests.  Every bound of RFC 7208 4.6.4 is a named constant in
 * lib/limits.h; a hostile zone (thousands of includes, loops, huge
 * answers) costs at most those many queries.
 */
#ifndef DMARC_SPFEVAL_H
#define DMARC_SPFEVAL_H

#include <stddef.h>

#include "recnote.h"
#include "spfrec.h"

enum spfdns_type {
	SPFDNS_TXT,
	SPFDNS_A,
	SPFDNS_AAAA,
	SPFDNS_MX,
	SPFDNS_PTR,
};

enum spfdns_rc {
	SPFDNS_OK,		/* one or more answers */
	SPFDNS_VOID,		/* NXDOMAIN, or no answer of that type */
	SPFDNS_TEMP,		/* timeout, SERVFAIL: try again later */
};

/* one TXT record: its strings joined, and where they were joined */
struct spfdns_txt {
	char		*text;		/* owned, NUL-terminated */
	size_t		*joins;		/* owned offsets into text, or NULL */
	size_t		 n_joins;
};

/*
 * One answer, filled by the query function with xmalloc'd memory that
 * spfdns_answer_release() frees: TXT records in txt, MX and PTR names in
 * names, A and AAAA addresses in addrs (A in the first 4 bytes).
 */
struct spfdns_answer {
	enum spfdns_rc		 rc;
	struct spfdns_txt	*txt;
	size_t			 n_txt;
	char			**names;
	size_t			 n_names;
	unsigned char		(*addrs)[16];
	size_t			 n_addrs;
};

struct spfdns {
	void	*arg;
	/* answers one query; out is zeroed by the caller */
	void	(*query)(void *arg, enum spfdns_type, const char *name,
		    struct spfdns_answer *out);
};

void	spfdns_answer_release(struct spfdns_answer *);

enum spf_result {
	SPF_R_NONE,		/* no SPF record */
	SPF_R_NEUTRAL,
	SPF_R_PASS,
	SPF_R_FAIL,
	SPF_R_SOFTFAIL,
	SPF_R_TEMPERROR,
	SPF_R_PERMERROR,
};

struct spf_eval {
	enum spf_result	 result;
	char		 why[256];	/* the term that matched, or the error */
	size_t		 lookups;	/* DNS-querying terms evaluated */
	size_t		 voids;		/* void lookups among them */
};

/*
 * check_host(ip, domain, sender) of RFC 7208 4.  ip is 4 or 16 bytes as
 * family says (4 or 6); sender is the MAIL FROM address or, without a
 * local part, "postmaster@domain" is used; HELO macros expand to the
 * sender's domain and %{p} to "unknown", since a report does not say
 * them.  Never fails: errors are SPF_R_TEMPERROR or SPF_R_PERMERROR with
 * the reason in ev->why.
 */
void	spf_check_host(const struct spfdns *, const unsigned char *ip,
	    int family, const char *domain, const char *sender,
	    struct spf_eval *ev);

/* "none" "neutral" "pass" "fail" "softfail" "temperror" "permerror" */
const char *spf_result_name(enum spf_result);

/* one record of the tree an audit walked */
struct spf_audit_node {
	char		*domain;	/* owned */
	size_t		 depth;		/* 0 for the domain audited */
	size_t		 parent;	/* index of the including node */
	enum spf_mech	 via;		/* SPF_INCLUDE, or SPF_ALL for redirect
					   and the root */
	/* "ok" "none" "several" "invalid" "temperror" "loop", "macro"
	   (the target needs a message's facts), "not-followed" (past
	   MAX_SPF_AUDIT_QUERIES) */
	const char	*status;
	char		*record;	/* owned text, NULL if none */
	size_t		 lookups_own;	/* lookup terms in this record */
	size_t		 lookups_tree;	/* own plus every node below */
	struct spfrec	 rec;		/* parsed, when status is "ok" or
					   "invalid" */
};

struct spf_audit {
	struct spf_audit_node	*nodes;	/* owned; nodes[0] is the root */
	size_t			 n_nodes;
	size_t			 lookups;	/* whole tree, as a receiver
						   counts them */
	size_t			 voids;		/* void lookups found */
	struct recnotes		 notes;		/* tree-wide findings */
};

/*
 * Walks domain's record and every include and redirect below it, each
 * fetched once per path (a domain met again on its own path is a loop),
 * at most MAX_SPF_AUDIT_NODES records.  Counts lookup terms as receivers
 * do (RFC 7208 4.6.4), checks a: and mx: targets and include and
 * redirect targets for void answers, and notes every limit passed.
 * Release with spf_audit_release().
 */
void	spf_audit(const struct spfdns *, const char *domain,
	    struct spf_audit *);
void	spf_audit_release(struct spf_audit *);

#endif

/*
 * The SPF record (RFC 7208, a DNS TXT record starting "v=spf1"): parser
 * and validator, with the notes a postmaster needs.  Pure: takes the
 * record's text (its TXT strings joined, RFC 7208 3.3) and where they
 * were joined, and produces a struct spfrec of terms plus notes; no DNS,
 * no database, no output.  Evaluating check_host() for an address needs
 * DNS and lives elsewhere; this file only says what the record says.
 *
 * Grammar (RFC 7208 4.6.1 and 12): terms separated by spaces; a
 * directive is an optional qualifier (+ - ~ ?) and a mechanism (all,
 * include, a, mx, ptr, ip4, ip6, exists); a modifier is name=value
 * (redirect, exp, or an unknown one, which receivers ignore).
 * Mechanism and modifier names are case-insensitive.  Domain
 * specifications may hold macros (RFC 7208 7), which are validated here
 * and expanded by the evaluator.
 */
#ifndef DMARC_SPFREC_H
#define DMARC_SPFREC_H

#include <stddef.h>

#include "recnote.h"

enum spf_qual {
	SPF_PASS,		/* '+' or none */
	SPF_FAIL,		/* '-' */
	SPF_SOFTFAIL,		/* '~' */
	SPF_NEUTRAL,		/* '?' */
};

enum spf_mech {
	SPF_ALL,
	SPF_INCLUDE,
	SPF_A,
	SPF_MX,
	SPF_PTR,
	SPF_IP4,
	SPF_IP6,
	SPF_EXISTS,
};

struct spf_term {
	enum spf_mech	 mech;
	enum spf_qual	 qual;
	char		*domain;	/* owned domain-spec as written, NULL
					   if absent (a, mx, ptr default to
					   the current domain) */
	int		 has_macro;	/* domain holds a %{...} macro */
	unsigned char	 addr[16];	/* ip4 (first 4 bytes) or ip6 network */
	int		 cidr4, cidr6;	/* prefix lengths; 32 and 128 when
					   absent */
	size_t		 off;		/* byte offset of the term in the
					   record */
};

struct spfrec {
	int		 is_spf;	/* starts with "v=spf1" then SP or end */
	int		 valid;		/* is_spf and no RECNOTE_ERROR note */
	struct spf_term	*terms;		/* owned, in record order */
	size_t		 n_terms;
	char		*redirect;	/* owned domain-spec, NULL if absent */
	char		*exp;		/* owned domain-spec, NULL if absent */
	int		 has_all;	/* an "all" mechanism is present (then
					   redirect is ignored, RFC 7208 6.1) */
	/* terms of this record that cost a DNS lookup (RFC 7208 4.6.4:
	   include a mx ptr exists redirect); includes are not followed */
	size_t		 n_lookups;
	struct recnotes	 notes;
};

/*
 * Parses and validates one record.  txt is the joined text, NUL-
 * terminated, at most MAX_SPF_RECORD_BYTES long (longer is an error
 * note); joins holds the n_joins offsets in txt where one TXT string ended
 * and the next began (may be NULL), used to tell a term glued across two
 * strings.  rec is initialised here and must be released with
 * spfrec_release() whatever the result.  Returns 0 when the record is a
 * valid SPF record (warnings allowed), -1 otherwise (rec->is_spf says
 * whether it was meant to be one; the notes say what is wrong).
 */
int	spfrec_parse(const char *txt, const size_t *joins, size_t n_joins,
	    struct spfrec *rec);
void	spfrec_release(struct spfrec *);

/* 1 if txt starts with "v=spf1" followed by a space or the end */
int	spfrec_is_spf(const char *txt);

/*
 * Chooses the SPF record among the TXT records at one name (RFC 7208
 * 4.5): records not starting with "v=spf1" are discarded; if exactly one
 * remains its index is returned; -1 if none; -2 if several (a permerror).
 */
int	spfrec_select(const char *const *txts, size_t n);

/*
 * The term as a receiver reads it, e.g. "-all", "ip4:192.0.2.0/24",
 * "mx:mail.example.org/28//64", into out (cut to outlen).  Returns out.
 */
char	*spf_term_text(const struct spf_term *, char *out, size_t outlen);

/* "all" "include" ... "exists" */
const char *spf_mech_name(enum spf_mech);
/* '+' '-' '~' '?' */
char	spf_qual_char(enum spf_qual);

#endif

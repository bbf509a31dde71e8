/*
 * Internationalised domain names (IDNA2008 with UTS #46 non-transitional
 * processing, through libidn2).  Every name a report, the command line or
 * the database gives is compared, looked up in the Public Suffix List and
 * sent to DNS in its A-label form ("xn--bcher-kva.example"); the U-label
 * form ("bücher.example") is kept for display only.
 */
#ifndef DMARC_IDNA_H
#define DMARC_IDNA_H

#include <stddef.h>

#include "limits.h"

enum idna_form {
	IDNA_INVALID = -1,	/* U-labels or xn-- labels that are no IDN */
	IDNA_ASCII = 0,		/* plain ASCII without xn-- labels */
	IDNA_ALABELS = 1,	/* ASCII with valid xn-- labels */
	IDNA_ULABELS = 2,	/* held non-ASCII: converted */
};

/*
 * Writes the A-label form of s into out: a name of plain ASCII labels is
 * copied lower-cased (cut to MAX_DOMAIN_LEN + 1 bytes) and not checked
 * further, domain_normalize() judges it; a name with non-ASCII bytes or
 * an "xn--" label is processed by UTS #46 (non-transitional: "ß" stays
 * "ß", "xn--zca"), which also lower-cases and maps full-width dots.  One
 * trailing dot is kept as given.  Returns the form s was in, or
 * IDNA_INVALID with out "" and *why a static reason ("bad punycode in an
 * xn-- label", "a label is longer than 63 bytes in A-label form", ...);
 * why may be NULL.  s is UTF-8; NULL or "" is IDNA_INVALID.
 */
enum idna_form idna_to_alabels(const char *s, char out[MAX_DOMAIN_LEN + 2],
	    const char **why);

/*
 * The U-label form of s for display ("xn--bcher-kva.example" gives
 * "bücher.example"): a new string the caller frees, or NULL when s has no
 * xn-- label, is invalid, or NULL.
 */
char	*idna_to_ulabels(const char *s);

#endif

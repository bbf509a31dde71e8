/*
 * Organizational domains and DMARC identifier alignment of two names
 * (RFC 7489 section 3.1, RFC 9989): strict means the same name, relaxed
 * the same organizational domain.  Organizational domains come from
 * libpsl's built-in Public Suffix List (or the system's list when the
 * library was built without one).  Comparisons ignore ASCII case and one
 * trailing dot; a NULL, empty or over-long name aligns with nothing.
 */
#ifndef DMARC_ORGDOMAIN_H
#define DMARC_ORGDOMAIN_H

#include "limits.h"

/* a name made ready for many comparisons: orgname_set() fills it */
struct orgname {
	char		 name[MAX_SHORT_TEXT + 1]; /* lower-cased, without a
					   final dot */
	const char	*org;		/* its organizational domain, in name */
};

/* 0, or -1 when s is NULL, empty or longer than MAX_SHORT_TEXT */
int	 orgname_set(struct orgname *, const char *s);
/* 1 when s aligns with the prepared name n, else 0 */
int	 orgname_aligned(const struct orgname *n, const char *s, int strict);
/* 1 when a and b align, else 0 */
int	 orgdomain_aligned(const char *a, const char *b, int strict);
/*
 * The organizational domain of s, pointing into s and keeping its case
 * ("Mail.Example.com" gives "Example.com"); s itself when it has none,
 * "" for NULL.
 */
const char *orgdomain_of(const char *s);

#endif

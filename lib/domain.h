/*
 * Domain names from reports: policy domain, header_from, envelope_from,
 * DKIM d=, SPF domain.  Normalisation makes equal names compare equal;
 * validation says whether the value can be a DNS name at all.
 */
#ifndef DMARC_DOMAIN_H
#define DMARC_DOMAIN_H

#include <stddef.h>

/*
 * Normalises a domain in place: ASCII lower case, one trailing dot
 * removed.  Returns 0 if the result is a sane DNS name (1..MAX_DOMAIN_LEN
 * bytes, labels 1..MAX_LABEL_LEN of letters, digits, '-', '_' and UTF-8
 * bytes >= 0x80 for IDN U-labels, no empty label), -1 otherwise (the
 * string is still lower-cased, so it can be stored raw).
 */
int	domain_normalize(char *s);

/*
 * The domain part of an e-mail address or envelope value: "a@b.example"
 * gives "b.example", "b.example" gives itself; a leading '<' and everything
 * up to the last '@' are skipped.  Returns a pointer into s (borrowed);
 * never NULL ("" for NULL).  Since s is not modified, a closing '>' stays:
 * "<x@y>" gives "y>"; use domain_of_address_dup() to drop it.
 */
const char *domain_of_address(const char *s);

/*
 * As domain_of_address(), but returns a copy that ends before the first
 * '>': "<x@y>" gives "y".  Never NULL; caller frees.  The copy is no longer
 * than s, which the caller has already capped.
 */
char	*domain_of_address_dup(const char *s);

/*
 * The form of a domain to look up in DNS, store and compare: A-labels
 * (lib/idna.h: "bücher.example" gives "xn--bcher-kva.example"), then
 * normalised and checked as by domain_normalize().  Returns a new string
 * the caller frees, or NULL with "invalid domain 'S': reason" in err.
 */
char	*domain_lookup_form(const char *s, char *err, size_t errlen);

#endif

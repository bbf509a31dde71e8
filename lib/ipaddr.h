/*
 * Strict IP address parsing for source_ip.  inet_pton only (never
 * inet_aton, whose octal and short forms are ambiguous); output is the
 * canonical text form (RFC 5952 for IPv6) so equal addresses compare equal.
 */
#ifndef DMARC_IPADDR_H
#define DMARC_IPADDR_H

#include <stddef.h>

/* big enough for any canonical IPv6 text, with NUL */
#define IPADDR_TEXT_LEN	46

/*
 * Parses s (already trimmed) as an IPv4 dotted quad or an IPv6 address
 * (no zone id "%eth0", no prefix "/24", no brackets) and writes the
 * canonical text to out (IPADDR_TEXT_LEN bytes).  IPv4-mapped IPv6
 * ("::ffff:1.2.3.4") is canonicalised to the IPv4 form.  Returns 4 or 6
 * for the family, or 0 if s is not an address (out set to "").
 */
int	ipaddr_normalize(const char *s, char out[IPADDR_TEXT_LEN]);

#endif

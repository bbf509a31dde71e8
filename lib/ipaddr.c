/*
 * source_ip parsing.  inet_pton is the only parser (glibc's rejects octal
 * looking "01.2.3.4", short forms and trailing junk); inet_ntop writes the
 * canonical text back so "2001:DB8:0::1" and "2001:db8::1" are stored as
 * the same address.  Anything else (zone ids, prefixes, brackets, names)
 * fails inet_pton and is therefore not an address.
 */
#include <string.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include "ipaddr.h"

int
ipaddr_normalize(const char *s, char out[IPADDR_TEXT_LEN])
{
	struct in_addr a4;
	struct in6_addr a6;
	int family = 0;

	out[0] = '\0';
	/* no address is this long: do not hand a 10 KB string to the parser */
	if (s == NULL || strnlen(s, IPADDR_TEXT_LEN) >= IPADDR_TEXT_LEN)
		return 0;
	if (inet_pton(AF_INET, s, &a4) == 1) {
		family = 4;
	} else if (inet_pton(AF_INET6, s, &a6) == 1) {
		if (IN6_IS_ADDR_V4MAPPED(&a6)) {
			memcpy(&a4.s_addr, &a6.s6_addr[12], 4);
			family = 4;
		} else
			family = 6;
	}
	if (family == 4 &&
	    inet_ntop(AF_INET, &a4, out, IPADDR_TEXT_LEN) == NULL)
		family = 0;
	else if (family == 6 &&
	    inet_ntop(AF_INET6, &a6, out, IPADDR_TEXT_LEN) == NULL)
		family = 0;
	if (family == 0)
		out[0] = '\0';
	return family;
}

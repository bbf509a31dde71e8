/*
 * The DNS wire format (RFC 1035 section 4) as dmarc-report reads it: a
 * response message parsed into the TXT or PTR records it answers, with
 * their TTL, so that dns.c can cache them for as long as they are valid
 * (c-ares' own parsers give no TTL).  Pure: bytes in, answer out.
 *
 * The message is untrusted: every count, length and compression pointer
 * is checked against it; a record of another type or class is skipped; a
 * TXT record's strings are joined and capped at MAX_DNS_TXT_LEN with NUL
 * bytes and invalid UTF-8 replaced by U+FFFD; a PTR target that is not a
 * sane host name is dropped; at most MAX_DNS_ANSWERS records are kept.
 */
#ifndef DMARC_DNS_WIRE_H
#define DMARC_DNS_WIRE_H

#include <stddef.h>
#include <stdint.h>

#include "dns.h"

/* RFC 1035 numbers, so we need no <arpa/nameser.h> */
#define DNS_C_IN		1
#define DNS_T_SOA		6
#define DNS_T_PTR		12
#define DNS_T_TXT		16
#define DNS_HDR_LEN		12
#define DNS_RCODE_NXDOMAIN	3
/* the largest message: a TCP answer's 16-bit length (RFC 1035 4.2.2) */
#define DNS_MAX_MESSAGE		65535

/* the records of one response; release with dns_answer_release */
struct dns_answer {
	int		 rcode;		/* RCODE of the header, -1 if none */
	char		**rrs;		/* owned: n_rrs records, in message
					   order (TXT text or PTR host name,
					   lower case, no trailing dot) */
	size_t		 n_rrs;
	int64_t		 ttl;		/* seconds: the smallest TTL of the
					   kept records; without one, the
					   negative TTL of the authority SOA
					   (RFC 2308 5), else DNS_NEGATIVE_TTL;
					   within [0, MAX_DNS_TTL] */
};

/*
 * Parses the len bytes at msg as the answer to a query of type.  Returns
 * 0 with *a filled (no record is not an error: n_rrs 0, rcode says
 * NXDOMAIN or not), or -1 when the message is malformed (shorter than a
 * header, longer than DNS_MAX_MESSAGE, a name or record running off it,
 * a count promising more than it holds); *a is then empty.  Caller
 * releases *a in both cases.
 */
int	dns_wire_parse(const unsigned char *msg, size_t len, enum dns_qtype,
	    struct dns_answer *a);
/* frees a's records; NULL-safe, leaves a empty */
void	dns_answer_release(struct dns_answer *a);

#endif

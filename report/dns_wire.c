/*
 * The DNS wire parser of dmarc-report (dns_wire.h): one response message
 * in, the records of the asked type out.  Pure: no socket, no cache, no
 * clock; dns.c hands it what c-ares received, the fuzzer hands it
 * anything.  Every length is checked against the message, names are
 * expanded by ares_expand_name (which bounds compression pointers and
 * refuses loops), and what is kept is bounded by MAX_DNS_*.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <ares.h>

#include "buf.h"
#include "dns_wire.h"
#include "domain.h"
#include "utf8.h"
#include "xalloc.h"

static unsigned
get16(const unsigned char *p)
{
	return (unsigned)p[0] << 8 | p[1];
}

static int64_t
get32(const unsigned char *p)
{
	return (int64_t)((uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3]);
}

/* skips the name at *pp; -1 if it runs off the message */
static int
skip_name(const unsigned char **pp, const unsigned char *abuf, int alen)
{
	char *name;
	long enc;

	if (ares_expand_name(*pp, abuf, alen, &name, &enc) != ARES_SUCCESS)
		return -1;
	ares_free_string(name);
	*pp += enc;
	return 0;
}

/*
 * The TXT strings of one record joined, capped at MAX_DNS_TXT_LEN; NUL
 * and invalid UTF-8 become U+FFFD so the text is a clean C string.
 */
static char *
txt_join(const unsigned char *p, size_t n)
{
	struct buf b;
	const unsigned char *end = p + n;

	buf_init(&b, MAX_DNS_TXT_LEN);
	while (p < end) {
		size_t l = *p++, k;

		if (l > (size_t)(end - p))
			l = (size_t)(end - p);
		for (k = 0; k < l; ) {
			size_t sl = utf8_decode(p + k, l - k, NULL);

			if (sl == 0 || p[k] == '\0') {
				if (buf_adds(&b, "\xef\xbf\xbd") == -1)
					break;
				k++;
			} else if (buf_add(&b, p + k, sl) == -1)
				break;
			else
				k += sl;
		}
		p += l;
	}
	if (b.data == NULL)
		return xstrdup("");
	return buf_detach(&b, NULL);
}

/* a PTR target: a sane host name, lower case, or NULL */
static char *
ptr_name(const unsigned char *rdata, const unsigned char *abuf, int alen)
{
	char *name;
	long enc;
	char *copy;

	if (ares_expand_name(rdata, abuf, alen, &name, &enc) != ARES_SUCCESS)
		return NULL;
	copy = xstrdup(name);
	ares_free_string(name);
	if (domain_normalize(copy) == -1) {
		free(copy);
		return NULL;
	}
	return copy;
}

/* the TTL of a negative answer (RFC 2308 section 5): SOA ttl and minimum */
static int64_t
soa_ttl(const unsigned char *rdata, size_t rdlen, int64_t rrttl,
    const unsigned char *abuf, int alen)
{
	const unsigned char *p = rdata;
	int64_t min;

	if (skip_name(&p, abuf, alen) == -1 || skip_name(&p, abuf, alen) ==
	    -1 || (size_t)(p - rdata) + 20 > rdlen)
		return DNS_NEGATIVE_TTL;
	min = get32(p + 16);
	return min < rrttl ? min : rrttl;
}

struct rr {
	unsigned		 type;
	int64_t			 ttl;
	const unsigned char	*rdata;
	size_t			 rdlen;
};

/* reads the RR at *pp; -1 if malformed */
static int
read_rr(const unsigned char **pp, const unsigned char *abuf, int alen,
    struct rr *rr)
{
	const unsigned char *end = abuf + alen;

	if (skip_name(pp, abuf, alen) == -1 || end - *pp < 10)
		return -1;
	rr->type = get16(*pp);
	rr->ttl = get32(*pp + 4);
	rr->rdlen = get16(*pp + 8);
	*pp += 10;
	if ((size_t)(end - *pp) < rr->rdlen)
		return -1;
	if (get16(*pp - 8) != DNS_C_IN)
		rr->type = 0;
	rr->rdata = *pp;
	*pp += rr->rdlen;
	return 0;
}

/* appends s to a, which keeps at most MAX_DNS_ANSWERS (takes s) */
static void
answer_add(struct dns_answer *a, char *s)
{
	if (a->n_rrs >= MAX_DNS_ANSWERS) {
		free(s);
		return;
	}
	a->rrs = xreallocarray(a->rrs, a->n_rrs + 1, sizeof(*a->rrs));
	a->rrs[a->n_rrs++] = s;
}

/* skips the question section; -1 if it runs off the message */
static int
skip_questions(const unsigned char **pp, const unsigned char *abuf,
    int alen, unsigned qd)
{
	for (unsigned i = 0; i < qd; i++) {
		if (skip_name(pp, abuf, alen) == -1 || abuf + alen - *pp < 4)
			return -1;
		*pp += 4;
	}
	return 0;
}

void
dns_answer_release(struct dns_answer *a)
{
	if (a == NULL)
		return;
	for (size_t i = 0; i < a->n_rrs; i++)
		free(a->rrs[i]);
	free(a->rrs);
	a->rrs = NULL;
	a->n_rrs = 0;
}

int
dns_wire_parse(const unsigned char *abuf, size_t len, enum dns_qtype type,
    struct dns_answer *a)
{
	const unsigned char *p = abuf + DNS_HDR_LEN;
	unsigned an, ns, want = type == DNS_TXT ? DNS_T_TXT : DNS_T_PTR;
	int64_t ttl = MAX_DNS_TTL, negttl = DNS_NEGATIVE_TTL;
	int alen = (int)len;
	struct rr rr;

	memset(a, 0, sizeof(*a));
	a->rcode = -1;
	if (len < DNS_HDR_LEN || len > DNS_MAX_MESSAGE)
		return -1;
	a->rcode = abuf[3] & 0xF;
	an = get16(abuf + 6);
	ns = get16(abuf + 8);
	if (skip_questions(&p, abuf, alen, get16(abuf + 4)) == -1)
		goto bad;
	for (unsigned i = 0; i < an + ns; i++) {
		char *s;

		if (read_rr(&p, abuf, alen, &rr) == -1)
			goto bad;
		if (i >= an) {
			if (rr.type == DNS_T_SOA)
				negttl = soa_ttl(rr.rdata, rr.rdlen, rr.ttl,
				    abuf, alen);
			continue;
		}
		if (rr.type != want)
			continue;
		s = want == DNS_T_TXT ? txt_join(rr.rdata, rr.rdlen) :
		    ptr_name(rr.rdata, abuf, alen);
		if (s == NULL)
			continue;
		answer_add(a, s);
		if (rr.ttl < ttl)
			ttl = rr.ttl;
	}
	a->ttl = a->n_rrs > 0 ? ttl : negttl;
	if (a->ttl > MAX_DNS_TTL)
		a->ttl = MAX_DNS_TTL;
	if (a->ttl < 0)
		a->ttl = 0;
	return 0;
bad:
	dns_answer_release(a);
	a->rcode = -1;
	return -1;
}

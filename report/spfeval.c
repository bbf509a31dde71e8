/*
 * check_host() of RFC 7208 (spfeval.h): the record fetched and chosen,
 * each mechanism matched in order, include and redirect evaluated
 * recursively, and the processing limits of 4.6.4 (ten lookup terms, two
 * void lookups, ten MX and PTR names) enforced as receivers enforce them.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "limits.h"
#include "spfeval.h"
#include "spfmacro.h"
#include "xalloc.h"

/* one evaluation in progress */
struct eval {
	const struct spfdns	*dns;
	const unsigned char	*ip;
	int			 family;
	const char		*sender;
	const char		*helo;
	struct spf_eval		*ev;
};

void
spfdns_answer_release(struct spfdns_answer *a)
{
	if (a == NULL)
		return;
	for (size_t i = 0; i < a->n_txt; i++) {
		free(a->txt[i].text);
		free(a->txt[i].joins);
	}
	free(a->txt);
	for (size_t i = 0; i < a->n_names; i++)
		free(a->names[i]);
	free(a->names);
	free(a->addrs);
	memset(a, 0, sizeof(*a));
}

const char *
spf_result_name(enum spf_result r)
{
	static const char *names[] = { "none", "neutral", "pass", "fail",
	    "softfail", "temperror", "permerror" };

	return (size_t)r < sizeof(names) / sizeof(names[0]) ? names[r] : "?";
}

/* sets the result and its reason; returns the result */
static enum spf_result
say(struct eval *e, enum spf_result r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(e->ev->why, sizeof(e->ev->why), fmt, ap);
	va_end(ap);
	return r;
}

static void
query(struct eval *e, enum spfdns_type t, const char *name,
    struct spfdns_answer *a)
{
	memset(a, 0, sizeof(*a));
	e->dns->query(e->dns->arg, t, name, a);
}

/* 1 if the first bits of a and b are equal */
static int
prefix_match(const unsigned char *a, const unsigned char *b, int bits)
{
	int whole = bits / 8, rest = bits % 8;

	if (memcmp(a, b, (size_t)whole) != 0)
		return 0;
	return rest == 0 || ((a[whole] ^ b[whole]) &
	    (0xff << (8 - rest) & 0xff)) == 0;
}

/* counts a lookup term; -1 once past MAX_SPF_LOOKUPS */
static int
count_lookup(struct eval *e)
{
	return ++e->ev->lookups > MAX_SPF_LOOKUPS ? -1 : 0;
}

/* counts a void answer; -1 once past MAX_SPF_VOID_LOOKUPS */
static int
count_void(struct eval *e)
{
	return ++e->ev->voids > MAX_SPF_VOID_LOOKUPS ? -1 : 0;
}

/* the target of a term: its domain-spec expanded, or the current one */
static int
target(struct eval *e, const char *spec, const char *domain, char *out,
    size_t outlen)
{
	struct spf_macro_env env = { e->sender, domain, e->helo, e->ip,
	    e->family };

	if (spec == NULL) {
		snprintf(out, outlen, "%s", domain);
		return 0;
	}
	return spf_macro_expand(spec, &env, out, outlen);
}

/*
 * 1 if some address of name (A or AAAA as the family says) is within
 * the term's prefix of the address evaluated, 0 if none, -1 on a DNS
 * error (temperror), -2 past the void limit.
 */
static int
addr_match(struct eval *e, const char *name, int cidr4, int cidr6,
    int count_voids)
{
	struct spfdns_answer a;
	int rc = 0;

	query(e, e->family == 4 ? SPFDNS_A : SPFDNS_AAAA, name, &a);
	if (a.rc == SPFDNS_TEMP)
		rc = -1;
	else if (a.rc == SPFDNS_VOID)
		rc = count_voids && count_void(e) == -1 ? -2 : 0;
	for (size_t i = 0; rc == 0 && i < a.n_addrs; i++)
		if (prefix_match(a.addrs[i], e->ip, e->family == 4 ? cidr4 :
		    cidr6))
			rc = 1;
	spfdns_answer_release(&a);
	return rc;
}

/* mx: the address matches one of the first MAX_SPF_MX_NAMES exchanges */
static int
mx_match(struct eval *e, const char *name, int cidr4, int cidr6)
{
	struct spfdns_answer a;
	int rc = 0;

	query(e, SPFDNS_MX, name, &a);
	if (a.rc == SPFDNS_TEMP)
		rc = -1;
	else if (a.rc == SPFDNS_VOID)
		rc = count_void(e) == -1 ? -2 : 0;
	else if (a.n_names > MAX_SPF_MX_NAMES)
		rc = -3;
	for (size_t i = 0; rc == 0 && i < a.n_names; i++)
		rc = addr_match(e, a.names[i], cidr4, cidr6, 0);
	spfdns_answer_release(&a);
	return rc;
}

/* the reverse name of the address evaluated, for PTR */
static void
reverse_name(const struct eval *e, char *out, size_t outlen)
{
	size_t n = 0;

	if (e->family == 4) {
		snprintf(out, outlen, "%u.%u.%u.%u.in-addr.arpa", e->ip[3],
		    e->ip[2], e->ip[1], e->ip[0]);
		return;
	}
	for (int i = 15; i >= 0; i--)
		n += (size_t)snprintf(out + n, outlen - n, "%x.%x.",
		    e->ip[i] & 0xf, e->ip[i] >> 4);
	snprintf(out + n, outlen - n, "ip6.arpa");
}

/* 1 if name is domain or a subdomain of it (case-insensitive) */
static int
within(const char *name, const char *domain)
{
	size_t n = strlen(name), d = strlen(domain);

	if (n > 0 && name[n - 1] == '.')
		n--;
	if (n < d || strncasecmp(name + n - d, domain, d) != 0)
		return 0;
	return n == d || name[n - d - 1] == '.';
}

/* ptr (RFC 7208 5.5): a validated name of the address within domain */
static int
ptr_match(struct eval *e, const char *domain)
{
	struct spfdns_answer a;
	char rev[80];
	int rc = 0;

	reverse_name(e, rev, sizeof(rev));
	query(e, SPFDNS_PTR, rev, &a);
	if (a.rc == SPFDNS_VOID && count_void(e) == -1)
		rc = -2;
	for (size_t i = 0; rc == 0 && i < a.n_names &&
	    i < MAX_SPF_PTR_NAMES; i++)
		if (within(a.names[i], domain) &&
		    addr_match(e, a.names[i], 32, 128, 0) == 1)
			rc = 1;
	spfdns_answer_release(&a);
	return rc;
}

/* exists: an A record at the name, whatever the address's family */
static int
exists_match(struct eval *e, const char *name)
{
	struct spfdns_answer a;
	int rc;

	query(e, SPFDNS_A, name, &a);
	rc = a.rc == SPFDNS_TEMP ? -1 : a.rc == SPFDNS_OK ? 1 :
	    count_void(e) == -1 ? -2 : 0;
	spfdns_answer_release(&a);
	return rc;
}

static enum spf_result check_host(struct eval *, const char *, size_t);

/* include: matches on pass; errors and "none" end the evaluation */
static int
include_match(struct eval *e, const char *name, size_t depth,
    enum spf_result *err)
{
	enum spf_result r = check_host(e, name, depth + 1);

	switch (r) {
	case SPF_R_PASS:
		return 1;
	case SPF_R_FAIL:
	case SPF_R_SOFTFAIL:
	case SPF_R_NEUTRAL:
		return 0;
	case SPF_R_NONE:
		*err = say(e, SPF_R_PERMERROR, "include:%s has no SPF record",
		    name);
		return -4;
	default:
		*err = r;
		return -4;
	}
}

/* does the address match term t of the record at domain? */
static int
term_match(struct eval *e, const struct spf_term *t, const char *domain,
    size_t depth, enum spf_result *err)
{
	char name[MAX_DOMAIN_LEN + 2 + 512];

	if (t->mech == SPF_ALL)
		return 1;
	if (t->mech == SPF_IP4 || t->mech == SPF_IP6)
		return (t->mech == SPF_IP4) == (e->family == 4) &&
		    prefix_match(t->addr, e->ip, t->mech == SPF_IP4 ?
		    t->cidr4 : t->cidr6);
	if (count_lookup(e) == -1) {
		*err = say(e, SPF_R_PERMERROR, "more than %d DNS lookups "
		    "(RFC 7208 4.6.4)", MAX_SPF_LOOKUPS);
		return -4;
	}
	if (target(e, t->domain, domain, name, sizeof(name)) == -1) {
		*err = say(e, SPF_R_PERMERROR, "%s: a macro cannot be "
		    "expanded", spf_mech_name(t->mech));
		return -4;
	}
	switch (t->mech) {
	case SPF_INCLUDE:
		return include_match(e, name, depth, err);
	case SPF_A:
		return addr_match(e, name, t->cidr4, t->cidr6, 1);
	case SPF_MX:
		return mx_match(e, name, t->cidr4, t->cidr6);
	case SPF_PTR:
		return ptr_match(e, name);
	default:
		return exists_match(e, name);
	}
}

/* a term's qualifier as the result it gives on a match */
static enum spf_result
qual_result(enum spf_qual q)
{
	switch (q) {
	case SPF_FAIL:
		return SPF_R_FAIL;
	case SPF_SOFTFAIL:
		return SPF_R_SOFTFAIL;
	case SPF_NEUTRAL:
		return SPF_R_NEUTRAL;
	default:
		return SPF_R_PASS;
	}
}

/* turns a negative term_match() code into the result */
static enum spf_result
term_error(struct eval *e, int rc, const struct spf_term *t,
    const char *domain, enum spf_result err)
{
	switch (rc) {
	case -1:
		return say(e, SPF_R_TEMPERROR, "%s in %s: DNS lookup failed",
		    spf_mech_name(t->mech), domain);
	case -2:
		return say(e, SPF_R_PERMERROR, "more than %d void DNS "
		    "lookups (RFC 7208 4.6.4)", MAX_SPF_VOID_LOOKUPS);
	case -3:
		return say(e, SPF_R_PERMERROR, "mx in %s: more than %d MX "
		    "names (RFC 7208 4.6.4)", domain, MAX_SPF_MX_NAMES);
	default:
		return err;
	}
}

/* fetches and chooses the record at domain; rc as for check_host */
static enum spf_result
fetch(struct eval *e, const char *domain, struct spfrec *rec)
{
	struct spfdns_answer a;
	const char *txts[MAX_SPF_TXT_RECORDS];
	size_t n = 0;
	enum spf_result r = SPF_R_NONE;
	int i;

	memset(rec, 0, sizeof(*rec));
	query(e, SPFDNS_TXT, domain, &a);
	if (a.rc == SPFDNS_TEMP) {
		spfdns_answer_release(&a);
		return say(e, SPF_R_TEMPERROR, "%s: DNS lookup failed", domain);
	}
	for (size_t k = 0; k < a.n_txt && n < MAX_SPF_TXT_RECORDS; k++)
		txts[n++] = a.txt[k].text;
	if ((i = spfrec_select(txts, n)) == -2)
		r = say(e, SPF_R_PERMERROR, "%s has more than one SPF record",
		    domain);
	else if (i == -1)
		r = say(e, SPF_R_NONE, "%s has no SPF record", domain);
	else if (spfrec_parse(txts[i], a.txt[i].joins, a.txt[i].n_joins,
	    rec) == -1 && recnotes_has_error(&rec->notes))
		r = say(e, SPF_R_PERMERROR, "%s: %s", domain,
		    rec->notes.v[0].text);
	else
		r = SPF_R_NEUTRAL;	/* a usable record */
	spfdns_answer_release(&a);
	return r;
}

/* the redirect= target's result, "none" there being a permerror */
static enum spf_result
redirect(struct eval *e, const struct spfrec *rec, const char *domain,
    size_t depth)
{
	char name[MAX_DOMAIN_LEN + 2 + 512];
	enum spf_result r;

	if (count_lookup(e) == -1)
		return say(e, SPF_R_PERMERROR, "more than %d DNS lookups "
		    "(RFC 7208 4.6.4)", MAX_SPF_LOOKUPS);
	if (target(e, rec->redirect, domain, name, sizeof(name)) == -1)
		return say(e, SPF_R_PERMERROR, "redirect: a macro cannot be "
		    "expanded");
	if ((r = check_host(e, name, depth + 1)) == SPF_R_NONE)
		return say(e, SPF_R_PERMERROR, "redirect=%s has no SPF record",
		    name);
	return r;
}

static enum spf_result
check_host(struct eval *e, const char *domain, size_t depth)
{
	struct spfrec rec;
	enum spf_result r, err = SPF_R_PERMERROR;

	if (depth > MAX_SPF_LOOKUPS)
		return say(e, SPF_R_PERMERROR, "includes nested too deep");
	if ((r = fetch(e, domain, &rec)) != SPF_R_NEUTRAL) {
		spfrec_release(&rec);
		return r;
	}
	for (size_t i = 0; i < rec.n_terms; i++) {
		const struct spf_term *t = &rec.terms[i];
		int m = term_match(e, t, domain, depth, &err);
		char text[MAX_DOMAIN_LEN + 64];

		if (m == 1 && t->mech == SPF_INCLUDE) {
			/* why names the term that matched inside it */
			r = qual_result(t->qual);
			spfrec_release(&rec);
			return r;
		}
		if (m < 0 || m == 1) {
			r = m < 0 ? term_error(e, m, t, domain, err) :
			    say(e, qual_result(t->qual), "'%s' in %s",
			    spf_term_text(t, text, sizeof(text)), domain);
			spfrec_release(&rec);
			return r;
		}
	}
	r = rec.redirect != NULL ? redirect(e, &rec, domain, depth) :
	    say(e, SPF_R_NEUTRAL, "no term of %s matched", domain);
	spfrec_release(&rec);
	return r;
}

void
spf_check_host(const struct spfdns *dns, const unsigned char *ip,
    int family, const char *domain, const char *sender, struct spf_eval *ev)
{
	char buf[MAX_SHORT_TEXT];
	struct eval e = { dns, ip, family, sender, NULL, ev };
	const char *at;

	memset(ev, 0, sizeof(*ev));
	if (strchr(sender, '@') == NULL) {
		snprintf(buf, sizeof(buf), "postmaster@%s", sender);
		e.sender = buf;
	}
	at = strrchr(e.sender, '@');
	e.helo = at + 1;
	ev->result = check_host(&e, domain, 0);
}

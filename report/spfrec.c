/*
 * SPF record parser and validator (spfrec.h): the grammar of RFC 7208
 * 4.6.1 and 12, one small function per production, and the judgement a
 * postmaster needs on top (+all, ?all, ptr, terms never reached, a term
 * glued across two TXT strings, a record too big for one UDP answer).
 */
#include <arpa/inet.h>

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "limits.h"
#include "spfrec.h"
#include "xalloc.h"


/* what may follow a mechanism's name */
enum spf_arg {
	ARG_NONE,		/* all */
	ARG_DOMAIN,		/* include, exists: ":" domain-spec */
	ARG_OPT_DOMAIN,		/* ptr: [ ":" domain-spec ] */
	ARG_OPT_DOMAIN_CIDR,	/* a, mx: [ ":" domain-spec ] [ dual-cidr ] */
	ARG_IP4,		/* ":" ip4-network [ "/" len ] */
	ARG_IP6,		/* ":" ip6-network [ "/" len ] */
};

static const struct {
	const char	*name;
	enum spf_mech	 mech;
	enum spf_arg	 arg;
	int		 lookup;	/* costs a DNS lookup (4.6.4) */
} mechs[] = {
	{ "all",	SPF_ALL,	ARG_NONE,		0 },
	{ "include",	SPF_INCLUDE,	ARG_DOMAIN,		1 },
	{ "a",		SPF_A,		ARG_OPT_DOMAIN_CIDR,	1 },
	{ "mx",		SPF_MX,		ARG_OPT_DOMAIN_CIDR,	1 },
	{ "ptr",	SPF_PTR,	ARG_OPT_DOMAIN,		1 },
	{ "ip4",	SPF_IP4,	ARG_IP4,		0 },
	{ "ip6",	SPF_IP6,	ARG_IP6,		0 },
	{ "exists",	SPF_EXISTS,	ARG_DOMAIN,		1 },
};

/* one term being parsed: s[0..n) at offset off of the record */
struct term {
	const char	*s;
	size_t		 n;
	size_t		 off;
};

const char *
spf_mech_name(enum spf_mech m)
{
	for (size_t i = 0; i < sizeof(mechs) / sizeof(mechs[0]); i++)
		if (mechs[i].mech == m)
			return mechs[i].name;
	return "?";
}

char
spf_qual_char(enum spf_qual q)
{
	switch (q) {
	case SPF_FAIL:
		return '-';
	case SPF_SOFTFAIL:
		return '~';
	case SPF_NEUTRAL:
		return '?';
	default:
		return '+';
	}
}

char *
spf_term_text(const struct spf_term *t, char *out, size_t outlen)
{
	char ip[INET6_ADDRSTRLEN] = "", cidr[16] = "", q[2] = "";

	if (t->qual != SPF_PASS)
		q[0] = spf_qual_char(t->qual);

	if (t->mech == SPF_IP4 || t->mech == SPF_IP6) {
		int v6 = t->mech == SPF_IP6;

		inet_ntop(v6 ? AF_INET6 : AF_INET, t->addr, ip, sizeof(ip));
		if (v6 ? t->cidr6 != 128 : t->cidr4 != 32)
			snprintf(cidr, sizeof(cidr), "/%d", v6 ? t->cidr6 :
			    t->cidr4);
		snprintf(out, outlen, "%s%s:%s%s", q, spf_mech_name(t->mech),
		    ip, cidr);
		return out;
	}
	if (t->cidr4 != 32)
		snprintf(cidr, sizeof(cidr), "/%d", t->cidr4);
	if (t->cidr6 != 128)
		snprintf(cidr + strlen(cidr), sizeof(cidr) - strlen(cidr),
		    "//%d", t->cidr6);
	snprintf(out, outlen, "%s%s%s%s%s", q, spf_mech_name(t->mech),
	    t->domain != NULL ? ":" : "", t->domain != NULL ? t->domain : "",
	    cidr);
	return out;
}

void
spfrec_release(struct spfrec *rec)
{
	if (rec == NULL)
		return;
	for (size_t i = 0; i < rec->n_terms; i++)
		free(rec->terms[i].domain);
	free(rec->terms);
	free(rec->redirect);
	free(rec->exp);
	recnotes_release(&rec->notes);
	memset(rec, 0, sizeof(*rec));
}

/* notes an error about term t and marks the record invalid */
static int
term_error(struct spfrec *rec, const struct term *t, const char *code,
    const char *why)
{
	char q[RECNOTE_QUOTE_MAX + 4];

	recnote_quote(q, t->s, t->n);
	recnotes_add(&rec->notes, RECNOTE_ERROR, code,
	    "'%s' at offset %zu: %s", q, t->off, why);
	rec->valid = 0;
	return -1;
}

int
spfrec_is_spf(const char *txt)
{
	return strncasecmp(txt, "v=spf1", 6) == 0 &&
	    (txt[6] == ' ' || txt[6] == '\0');
}

int
spfrec_select(const char *const *txts, size_t n)
{
	int found = -1;

	for (size_t i = 0; i < n; i++) {
		if (!spfrec_is_spf(txts[i]))
			continue;
		if (found != -1)
			return -2;
		found = (int)i;
	}
	return found;
}

/*
 * A macro-expand at s (RFC 7208 7.1): "%%", "%_", "%-" or
 * "%{" letter *DIGIT [ "r" ] *delimiter "}".  Returns its length, or 0 if
 * s does not start a valid one.
 */
static size_t
macro_len(const char *s, size_t n)
{
	size_t i = 2;

	if (n >= 2 && (s[1] == '%' || s[1] == '_' || s[1] == '-'))
		return 2;
	if (n < 4 || s[1] != '{' || strchr("slodiphvSLODIPHV", s[2]) ==
	    NULL || s[2] == '\0')
		return 0;
	for (i = 3; i < n && isdigit((unsigned char)s[i]); i++)
		continue;
	if (i < n && (s[i] == 'r' || s[i] == 'R'))
		i++;
	while (i < n && s[i] != '\0' && strchr(".-+,/_=", s[i]) != NULL)
		i++;
	return i < n && s[i] == '}' ? i + 1 : 0;
}

/*
 * toplabel (RFC 7208 12): alphanumerics with at least one letter, or
 * alphanumerics and inner hyphens (so never all digits).
 */
static int
is_toplabel(const char *s, size_t n)
{
	int alpha = 0, hyphen = 0;

	if (n == 0 || n > MAX_LABEL_LEN || s[0] == '-' || s[n - 1] == '-')
		return 0;
	for (size_t i = 0; i < n; i++) {
		if (isalpha((unsigned char)s[i]))
			alpha = 1;
		else if (s[i] == '-')
			hyphen = 1;
		else if (!isdigit((unsigned char)s[i]))
			return 0;
	}
	return alpha || hyphen;
}

/* a literal domain (no macro): labels of 1..63, at most 253 bytes */
static int
literal_domain_ok(const char *s, size_t n)
{
	size_t label = 0;

	if (n > 0 && s[n - 1] == '.')
		n--;
	if (n == 0 || n > MAX_DOMAIN_LEN)
		return 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] != '.') {
			if (++label > MAX_LABEL_LEN)
				return 0;
			continue;
		}
		if (label == 0)
			return 0;
		label = 0;
	}
	return label > 0;
}

/*
 * domain-spec = macro-string domain-end (RFC 7208 7.1); sets *macro when
 * a macro appears.  Returns 0, or -1 with why set.
 */
static int
domain_spec_ok(const char *s, size_t n, int *macro, const char **why)
{
	const char *dot;
	size_t m, last_macro_end = 0, end = n;

	*macro = 0;
	if (n == 0) {
		*why = "the domain is empty";
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '%') {
			if ((m = macro_len(s + i, n - i)) == 0) {
				*why = "invalid macro (RFC 7208 7.1)";
				return -1;
			}
			*macro = 1;
			i += m - 1;
			last_macro_end = i + 1;
		} else if ((unsigned char)s[i] < 0x21 ||
		    (unsigned char)s[i] > 0x7e) {
			*why = "a domain must be ASCII (A-labels for "
			    "international names, RFC 8616)";
			return -1;
		}
	}
	if (*macro && last_macro_end == n)
		return 0;		/* domain-end is a macro-expand */
	if (end > 0 && s[end - 1] == '.')
		end--;
	for (dot = s + end; dot > s && dot[-1] != '.'; dot--)
		continue;
	if (dot == s || !is_toplabel(dot, end - (size_t)(dot - s)) ||
	    (!*macro && !literal_domain_ok(s, n))) {
		*why = "not a valid domain name";
		return -1;
	}
	return 0;
}

/*
 * A CIDR length "/N" with no leading zero and N <= max.  Returns N, or
 * -1.
 */
static int
cidr_len(const char *s, size_t n, int max)
{
	int v = 0;

	if (n < 2 || n > 4 || s[0] != '/' || (s[1] == '0' && n > 2))
		return -1;
	for (size_t i = 1; i < n; i++) {
		if (!isdigit((unsigned char)s[i]))
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v <= max ? v : -1;
}

/* length of the "/digits" suffix of s[0..n), 0 if none */
static size_t
slash_suffix(const char *s, size_t n)
{
	size_t i = n;

	while (i > 0 && isdigit((unsigned char)s[i - 1]))
		i--;
	return i > 0 && i < n && s[i - 1] == '/' ? n - i + 1 : 0;
}

/*
 * Takes a dual-cidr-length ("/24", "//64", "/24//64") off the end of
 * s[0..*n), shortening *n.  Returns 0, or -1 if a length is out of range.
 */
static int
take_dual_cidr(const char *s, size_t *n, struct spf_term *term)
{
	size_t k;

	if ((k = slash_suffix(s, *n)) > 0 && *n > k && s[*n - k - 1] == '/') {
		if ((term->cidr6 = cidr_len(s + *n - k, k, 128)) == -1)
			return -1;
		*n -= k + 1;
	}
	if ((k = slash_suffix(s, *n)) > 0) {
		if ((term->cidr4 = cidr_len(s + *n - k, k, 32)) == -1)
			return -1;
		*n -= k;
	}
	return 0;
}

/* ip4-network (RFC 7208 12): four qnum, no leading zeros */
static int
ip4_ok(const char *s, unsigned char addr[16])
{
	int parts = 0;

	for (const char *p = s; ; p++) {
		size_t d = strspn(p, "0123456789");

		if (d == 0 || d > 3 || (d > 1 && p[0] == '0'))
			return 0;
		parts++;
		p += d;
		if (*p == '\0')
			break;
		if (*p != '.')
			return 0;
	}
	return parts == 4 && inet_pton(AF_INET, s, addr) == 1;
}

/* ip4 and ip6: ":" network [ "/" len ] */
static int
parse_ip(struct spfrec *rec, const struct term *t, const char *a, size_t n,
    struct spf_term *term)
{
	char buf[64];
	size_t k = slash_suffix(a, n);
	int v6 = term->mech == SPF_IP6, len = -1;

	if (n < 2 || a[0] != ':')
		return term_error(rec, t, "syntax",
		    v6 ? "ip6 needs ':' and an address" :
		    "ip4 needs ':' and an address");
	if (k > 0 && (len = cidr_len(a + n - k, k, v6 ? 128 : 32)) == -1)
		return term_error(rec, t, "bad-cidr",
		    "prefix length out of range");
	n -= k;
	if (n - 1 >= sizeof(buf))
		return term_error(rec, t, "bad-ip", "not an IP address");
	memcpy(buf, a + 1, n - 1);
	buf[n - 1] = '\0';
	if (v6 ? inet_pton(AF_INET6, buf, term->addr) != 1 :
	    !ip4_ok(buf, term->addr))
		return term_error(rec, t, "bad-ip", v6 ?
		    "not an IPv6 address" : "not an IPv4 dotted quad");
	if (len != -1)
		*(v6 ? &term->cidr6 : &term->cidr4) = len;
	return 0;
}

/* the argument after a domain-taking mechanism's name */
static int
parse_domain_arg(struct spfrec *rec, const struct term *t, const char *a,
    size_t n, enum spf_arg arg, struct spf_term *term)
{
	const char *why;

	if (arg == ARG_OPT_DOMAIN_CIDR &&
	    take_dual_cidr(a, &n, term) == -1)
		return term_error(rec, t, "bad-cidr",
		    "prefix length out of range");
	if (n == 0 && arg != ARG_DOMAIN)
		return 0;
	if (n == 0 || a[0] != ':')
		return term_error(rec, t, "syntax", arg == ARG_DOMAIN ?
		    "needs ':' and a domain" : "unexpected text after the "
		    "mechanism");
	if (domain_spec_ok(a + 1, n - 1, &term->has_macro, &why) == -1)
		return term_error(rec, t, "bad-domain", why);
	term->domain = xstrndup(a + 1, n - 1);
	return 0;
}

static enum spf_qual
qualifier(const struct term *t, size_t *skip)
{
	*skip = 1;
	switch (t->s[0]) {
	case '+':
		return SPF_PASS;
	case '-':
		return SPF_FAIL;
	case '~':
		return SPF_SOFTFAIL;
	case '?':
		return SPF_NEUTRAL;
	default:
		*skip = 0;
		return SPF_PASS;
	}
}

/* appends term to rec->terms (bounded by MAX_SPF_TERMS) */
static int
add_term(struct spfrec *rec, const struct term *t, struct spf_term *term)
{
	if (rec->n_terms >= MAX_SPF_TERMS) {
		free(term->domain);
		return term_error(rec, t, "too-many-terms",
		    "more terms than any real record has");
	}
	rec->terms = xreallocarray(rec->terms, rec->n_terms + 1,
	    sizeof(*rec->terms));
	rec->terms[rec->n_terms++] = *term;
	return 0;
}

/* a directive: [qualifier] mechanism [argument] */
static int
parse_directive(struct spfrec *rec, const struct term *t)
{
	struct spf_term term = { .cidr4 = 32, .cidr6 = 128, .off = t->off };
	size_t q, nl;
	const char *name;

	term.qual = qualifier(t, &q);
	name = t->s + q;
	nl = strcspn(name, ":/ ");
	if (nl > t->n - q)
		nl = t->n - q;
	for (size_t i = 0; i < sizeof(mechs) / sizeof(mechs[0]); i++) {
		const char *a = name + nl;
		size_t an = t->n - q - nl;

		if (strlen(mechs[i].name) != nl ||
		    strncasecmp(name, mechs[i].name, nl) != 0)
			continue;
		term.mech = mechs[i].mech;
		if (mechs[i].arg == ARG_NONE && an > 0)
			return term_error(rec, t, "syntax",
			    "'all' takes no argument");
		if ((mechs[i].arg == ARG_IP4 || mechs[i].arg == ARG_IP6) ?
		    parse_ip(rec, t, a, an, &term) == -1 :
		    mechs[i].arg != ARG_NONE &&
		    parse_domain_arg(rec, t, a, an, mechs[i].arg, &term) == -1)
			return -1;
		rec->n_lookups += (size_t)mechs[i].lookup;
		return add_term(rec, t, &term);
	}
	return term_error(rec, t, "unknown-mechanism",
	    "unknown mechanism: receivers fail the whole record "
	    "(RFC 7208 5: permerror)");
}

/* modifier name: ALPHA *( ALPHA / DIGIT / "-" / "_" / "." ) */
static int
modifier_name_ok(const char *s, size_t n)
{
	if (n == 0 || !isalpha((unsigned char)s[0]))
		return 0;
	for (size_t i = 1; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && strchr("-_.", s[i]) ==
		    NULL)
			return 0;
	return 1;
}

/* redirect= or exp=, each at most once */
static int
parse_known_modifier(struct spfrec *rec, const struct term *t,
    const char *v, size_t vn, char **slot)
{
	const char *why;
	int macro;

	if (*slot != NULL)
		return term_error(rec, t, "duplicate-modifier",
		    "appears twice: receivers fail the whole record "
		    "(RFC 7208 6)");
	if (domain_spec_ok(v, vn, &macro, &why) == -1)
		return term_error(rec, t, "bad-domain", why);
	*slot = xstrndup(v, vn);
	return 0;
}

/* a modifier: name "=" value; eq is the offset of '=' in t */
static int
parse_modifier(struct spfrec *rec, const struct term *t, size_t eq)
{
	const char *v = t->s + eq + 1;
	size_t vn = t->n - eq - 1;
	char q[RECNOTE_QUOTE_MAX + 4];

	if (!modifier_name_ok(t->s, eq))
		return term_error(rec, t, "syntax",
		    "not a mechanism or modifier");
	if (eq == 8 && strncasecmp(t->s, "redirect", 8) == 0) {
		rec->n_lookups++;
		return parse_known_modifier(rec, t, v, vn, &rec->redirect);
	}
	if (eq == 3 && strncasecmp(t->s, "exp", 3) == 0)
		return parse_known_modifier(rec, t, v, vn, &rec->exp);
	recnote_quote(q, t->s, t->n);
	for (size_t i = 0; i < sizeof(mechs) / sizeof(mechs[0]); i++)
		if (strlen(mechs[i].name) == eq &&
		    strncasecmp(t->s, mechs[i].name, eq) == 0) {
			recnotes_add(&rec->notes, RECNOTE_WARNING,
			    "mechanism-as-modifier", "'%s' at offset %zu is "
			    "an unknown modifier that receivers ignore; "
			    "write '%s:' for the mechanism", q, t->off,
			    mechs[i].name);
			return 0;
		}
	recnotes_add(&rec->notes, RECNOTE_INFO, "unknown-modifier",
	    "'%s' at offset %zu is a modifier receivers ignore", q, t->off);
	return 0;
}

/*
 * 1 if s[0..n) starts like a term of its own: [qualifier] and a
 * mechanism name followed by ':', '/' or the end, or a modifier name and
 * '='.
 */
static int
looks_like_term(const char *s, size_t n)
{
	size_t nl;

	if (n > 0 && strchr("+-~?", s[0]) != NULL && s[0] != '\0') {
		s++;
		n--;
	}
	nl = strcspn(s, ":/= ");
	if (nl > n)
		nl = n;
	if (nl < n && s[nl] == '=')
		return modifier_name_ok(s, nl);
	for (size_t i = 0; i < sizeof(mechs) / sizeof(mechs[0]); i++)
		if (strlen(mechs[i].name) == nl &&
		    strncasecmp(s, mechs[i].name, nl) == 0)
			return 1;
	return 0;
}

/*
 * How a TXT string boundary inside t reads: 0 none (or at its edges),
 * 1 inside a term that stays one term, 2 two terms glued into one.
 */
static int
glued(const struct term *t, const size_t *joins, size_t n_joins)
{
	int how = 0;

	for (size_t i = 0; i < n_joins; i++) {
		size_t j = joins[i];

		if (j <= t->off || j >= t->off + t->n)
			continue;
		if (looks_like_term(t->s + (j - t->off), t->off + t->n - j))
			return 2;
		how = 1;
	}
	return how;
}

/* one space-separated term */
static void
parse_term(struct spfrec *rec, const struct term *t, const size_t *joins,
    size_t n_joins)
{
	size_t eq = strcspn(t->s, "=:/ ");
	char q[RECNOTE_QUOTE_MAX + 4];
	int rc, how;

	if (eq < t->n && t->s[eq] == '=' && strchr("+-~?", t->s[0]) == NULL)
		rc = parse_modifier(rec, t, eq);
	else
		rc = parse_directive(rec, t);
	if ((how = glued(t, joins, n_joins)) == 0)
		return;
	recnote_quote(q, t->s, t->n);
	if (how == 2 || rc == -1)
		recnotes_add(&rec->notes, RECNOTE_ERROR, "glued-term",
		    "'%s' at offset %zu is two terms glued into one: TXT "
		    "strings are joined without a space (RFC 7208 3.3); end "
		    "the first string with a space", q, t->off);
	else
		recnotes_add(&rec->notes, RECNOTE_INFO, "split-term",
		    "'%s' at offset %zu is split across two TXT strings; "
		    "receivers join it back (RFC 7208 3.3)", q, t->off);
}

/* the notes that need the whole record: all, ptr, lookups, size */
static void
judge(struct spfrec *rec, size_t len)
{
	size_t all = rec->n_terms;

	for (size_t i = 0; i < rec->n_terms; i++) {
		const struct spf_term *t = &rec->terms[i];

		if (t->mech == SPF_PTR)
			recnotes_add(&rec->notes, RECNOTE_WARNING, "ptr",
			    "'ptr' at offset %zu is slow and unreliable; "
			    "RFC 7208 5.5 says do not use it: list the "
			    "addresses with ip4/ip6 or a", t->off);
		if (t->mech == SPF_ALL && all == rec->n_terms)
			all = i;
	}
	if (all < rec->n_terms) {
		rec->has_all = 1;
		if (rec->terms[all].qual == SPF_PASS)
			recnotes_add(&rec->notes, RECNOTE_ERROR, "pass-all",
			    "'+all' lets every host on the internet pass "
			    "SPF as this domain: end with '~all' or '-all'");
		else if (rec->terms[all].qual == SPF_NEUTRAL)
			recnotes_add(&rec->notes, RECNOTE_WARNING,
			    "neutral-all", "'?all' says nothing about "
			    "other hosts: end with '~all' or '-all'");
		if (all + 1 < rec->n_terms)
			recnotes_add(&rec->notes, RECNOTE_WARNING,
			    "after-all", "%zu term(s) after 'all' are never "
			    "evaluated", rec->n_terms - all - 1);
		if (rec->redirect != NULL)
			recnotes_add(&rec->notes, RECNOTE_WARNING,
			    "redirect-ignored", "'redirect' is ignored "
			    "because the record has 'all' (RFC 7208 6.1)");
	} else if (rec->redirect == NULL)
		recnotes_add(&rec->notes, RECNOTE_WARNING, "no-all",
		    "no 'all' and no 'redirect': hosts not listed get "
		    "'neutral' (RFC 7208 4.7); end with '~all' or '-all'");
	if (rec->n_lookups > MAX_SPF_LOOKUPS)
		recnotes_add(&rec->notes, RECNOTE_ERROR, "too-many-lookups",
		    "%zu terms need a DNS lookup, more than the %d receivers "
		    "allow (RFC 7208 4.6.4): permerror", rec->n_lookups,
		    MAX_SPF_LOOKUPS);
	if (len > SPF_UDP_RECORD_BYTES)
		recnotes_add(&rec->notes, RECNOTE_WARNING, "too-long",
		    "%zu bytes: the answer may not fit one " LIMIT_STR(SPF_UDP_RECORD_BYTES) "-byte UDP DNS "
		    "packet (RFC 7208 3.4); shorten it", len);
}

int
spfrec_parse(const char *txt, const size_t *joins, size_t n_joins,
    struct spfrec *rec)
{
	size_t len = strlen(txt), i;

	memset(rec, 0, sizeof(*rec));
	if (!spfrec_is_spf(txt)) {
		recnotes_add(&rec->notes, RECNOTE_ERROR, "not-spf",
		    "the record does not start with 'v=spf1' and a space");
		return -1;
	}
	rec->is_spf = rec->valid = 1;
	if (len > MAX_SPF_RECORD_BYTES) {
		recnotes_add(&rec->notes, RECNOTE_ERROR, "too-long",
		    "%zu bytes, more than any receiver reads", len);
		rec->valid = 0;
		return -1;
	}
	for (i = 6; i < len; ) {
		struct term t;

		if (txt[i] == ' ') {
			i++;
			continue;
		}
		t.s = txt + i;
		t.off = i;
		t.n = strcspn(t.s, " ");
		if (memchr(t.s, '\t', t.n) != NULL)
			t.n = strcspn(t.s, " \t");
		if (t.n == 0) {
			recnotes_add(&rec->notes, RECNOTE_WARNING,
			    "whitespace", "a tab at offset %zu: terms are "
			    "separated by spaces only (RFC 7208 4.6.1) and "
			    "strict receivers fail the record", i);
			i++;
			continue;
		}
		parse_term(rec, &t, joins, n_joins);
		i += t.n;
	}
	judge(rec, len);
	if (recnotes_has_error(&rec->notes))
		rec->valid = 0;
	return rec->valid ? 0 : -1;
}

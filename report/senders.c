/*
 * The senders file (see senders.h for the format): a strict line parser,
 * CIDR matching by prefix arithmetic on inet_pton's bytes, and label
 * boundary suffix matching for PTR names and DKIM domains.  Used only by
 * readiness.c; the file is trusted more than a report, but it is still
 * parsed as hostile input: every line is bounded, checked and numbered.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <arpa/inet.h>

#include "domain.h"
#include "idna.h"
#include "limits.h"
#include "num.h"
#include "senders.h"
#include "textfile.h"
#include "xalloc.h"

/* one line being parsed: the file it is in and its fields */
struct sline {
	struct textfile	*t;
	char		*text;		/* the line, cut up in place */
	char		*kind, *value, *name;	/* into text */
};

void
senders_init(struct senders *s)
{
	memset(s, 0, sizeof(*s));
}

void
senders_release(struct senders *s)
{
	size_t i;

	for (i = 0; i < s->n; i++) {
		free(s->v[i].domain);
		free(s->v[i].name);
	}
	free(s->v);
	memset(s, 0, sizeof(*s));
}

const char *
sender_kind_name(enum sender_kind k)
{
	switch (k) {
	case SENDER_IP:
		return "ip";
	case SENDER_PTR:
		return "ptr";
	case SENDER_DKIM:
		return "dkim";
	}
	return "?";
}

static int
is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* the next blank-separated field of *p, NUL-terminated; NULL at the end */
static char *
next_field(char **p)
{
	char *s = *p, *start;

	while (is_blank(*s))
		s++;
	if (*s == '\0') {
		*p = s;
		return NULL;
	}
	start = s;
	while (*s != '\0' && !is_blank(*s))
		s++;
	if (*s != '\0')
		*s++ = '\0';
	*p = s;
	return start;
}

/* splits l->text into kind, value and name (the trimmed rest) */
static int
split_line(struct sline *l)
{
	char *p = l->text, *end;

	if ((l->kind = next_field(&p)) == NULL)
		return 0;
	if ((l->value = next_field(&p)) == NULL)
		return textfile_error(l->t, "'%s' lacks its value: "
		    "expected '%s VALUE NAME'", l->kind, l->kind);
	while (is_blank(*p))
		p++;
	end = p + strlen(p);
	while (end > p && is_blank(end[-1]))
		*--end = '\0';
	if (*p == '\0')
		return textfile_error(l->t, "'%s %s' lacks a name: "
		    "expected '%s VALUE NAME'", l->kind, l->value, l->kind);
	l->name = p;
	return 0;
}

static struct sender *
senders_slot(struct senders *s, const struct sline *l)
{
	struct sender *e;

	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 16;
		s->v = xreallocarray(s->v, s->cap, sizeof(*s->v));
	}
	e = &s->v[s->n++];
	memset(e, 0, sizeof(*e));
	e->name = xstrdup(l->name);
	e->line = l->t->line;
	return e;
}

/* 1 if some bit of net[] past prefix is set */
static int
host_bits_set(const unsigned char *net, int bytes, int prefix)
{
	int i;

	for (i = 0; i < bytes; i++) {
		int keep = prefix - 8 * i;
		unsigned char mask;

		if (keep >= 8)
			continue;
		mask = keep <= 0 ? 0 : (unsigned char)(0xff << (8 - keep));
		if ((net[i] & ~mask) != 0)
			return 1;
	}
	return 0;
}

static int
parse_ip(struct senders *s, const struct sline *l)
{
	char addr[MAX_SENDERS_LINE + 1], *slash;
	unsigned char net[16];
	int64_t prefix;
	int family, max;

	memcpy(addr, l->value, strlen(l->value) + 1);
	if ((slash = strchr(addr, '/')) != NULL)
		*slash++ = '\0';
	if (inet_pton(AF_INET, addr, net) == 1)
		family = 4;
	else if (inet_pton(AF_INET6, addr, net) == 1)
		family = 6;
	else
		return textfile_error(l->t, "bad address '%s': "
		    "expected IPv4 or IPv6, optionally /PREFIX", addr);
	max = family == 4 ? 32 : 128;
	prefix = max;
	if (slash != NULL && num_i64(slash, 0, max, &prefix) == -1)
		return textfile_error(l->t, "bad prefix length '%s': "
		    "IPv%d allows 0..%d", slash, family, max);
	if (host_bits_set(net, max / 8, (int)prefix))
		return textfile_error(l->t, "'%s' has host bits set "
		    "below /%d: write the network address", l->value,
		    (int)prefix);
	{
		struct sender *e = senders_slot(s, l);

		e->kind = SENDER_IP;
		e->family = family;
		e->prefix = (int)prefix;
		memcpy(e->net, net, (size_t)max / 8);
	}
	return 0;
}

static int
parse_domain(struct senders *s, const struct sline *l,
    enum sender_kind kind)
{
	char a[MAX_DOMAIN_LEN + 2];
	struct sender *e;
	const char *why;
	char *d;
	int below = 0;
	const char *v = l->value;

	if (*v == '.') {
		below = 1;
		v++;
	}
	d = xstrdup(v);
	/* ".name." and "..name" are typos; a bare "." is no name */
	if (*d == '\0' || *d == '.' || (below && d[strlen(d) - 1] == '.') ||
	    domain_normalize(d) == -1 || strcmp(d, ".") == 0) {
		free(d);
		return textfile_error(l->t, "bad domain '%s': "
		    "expected a DNS name such as example.org or "
		    ".example.org", l->value);
	}
	/* matched against stored names, which are A-labels */
	if (idna_to_alabels(d, a, &why) == IDNA_INVALID) {
		free(d);
		return textfile_error(l->t, "bad domain '%s': %s", l->value,
		    why);
	}
	free(d);
	d = xstrdup(a);
	e = senders_slot(s, l);
	e->kind = kind;
	e->domain = d;
	e->below_only = below;
	return 0;
}

/* comment lines too are checked for bytes and length (textfile.h) */
static int
senders_line(void *arg, struct textfile *t, char *text)
{
	struct senders *s = arg;
	struct sline l = { .t = t, .text = text };

	l.kind = text + strspn(text, " \t");
	if (*l.kind == '\0' || *l.kind == '#')
		return 0;
	if (split_line(&l) == -1)
		return -1;
	if (s->n >= MAX_SENDERS)
		return textfile_error(t, "more than %d entries", MAX_SENDERS);
	if (strcmp(l.kind, "ip") == 0)
		return parse_ip(s, &l);
	if (strcmp(l.kind, "ptr") == 0)
		return parse_domain(s, &l, SENDER_PTR);
	if (strcmp(l.kind, "dkim") == 0)
		return parse_domain(s, &l, SENDER_DKIM);
	return textfile_error(t, "unknown kind '%s': expected ip, ptr or "
	    "dkim", l.kind);
}

int
senders_parse(struct senders *s, const char *text, size_t len,
    const char *file, char *err, size_t errlen)
{
	struct textfile t = { .file = file, .max_line = MAX_SENDERS_LINE,
	    .max_lines = MAX_SENDERS_LINES, .err = err, .errlen = errlen };

	return textfile_parse(&t, text, len, senders_line, s);
}

int
senders_load(struct senders *s, const char *path, char *err, size_t errlen)
{
	struct textfile t = { .file = path, .max_bytes = MAX_SENDERS_BYTES,
	    .max_line = MAX_SENDERS_LINE, .max_lines = MAX_SENDERS_LINES,
	    .err = err, .errlen = errlen };

	return textfile_load(&t, 1, senders_line, s);
}

int
senders_domain_match(const char *name, const char *domain, int below_only)
{
	size_t n, d;

	if (name == NULL || domain == NULL)
		return 0;
	n = strlen(name);
	d = strlen(domain);
	if (n > 1 && name[n - 1] == '.')
		n--;
	if (n == d)
		return !below_only && strncasecmp(name, domain, d) == 0;
	if (n < d + 2)
		return 0;
	return name[n - d - 1] == '.' &&
	    strncasecmp(name + n - d, domain, d) == 0;
}

/* 1 if the first prefix bits of a and b agree */
static int
prefix_equal(const unsigned char *a, const unsigned char *b, int prefix)
{
	int full = prefix / 8, rest = prefix % 8;
	unsigned char mask;

	if (memcmp(a, b, (size_t)full) != 0)
		return 0;
	if (rest == 0)
		return 1;
	mask = (unsigned char)(0xff << (8 - rest));
	return (a[full] & mask) == (b[full] & mask);
}

const struct sender *
senders_match_ip(const struct senders *s, const char *ip)
{
	unsigned char a[16];
	int family;
	size_t i;

	if (s == NULL || ip == NULL)
		return NULL;
	if (inet_pton(AF_INET, ip, a) == 1)
		family = 4;
	else if (inet_pton(AF_INET6, ip, a) == 1)
		family = 6;
	else
		return NULL;
	for (i = 0; i < s->n; i++)
		if (s->v[i].kind == SENDER_IP && s->v[i].family == family &&
		    prefix_equal(a, s->v[i].net, s->v[i].prefix))
			return &s->v[i];
	return NULL;
}

static const struct sender *
match_domain(const struct senders *s, enum sender_kind kind,
    const char *name)
{
	size_t i;

	if (s == NULL || name == NULL)
		return NULL;
	for (i = 0; i < s->n; i++)
		if (s->v[i].kind == kind && senders_domain_match(name,
		    s->v[i].domain, s->v[i].below_only))
			return &s->v[i];
	return NULL;
}

const struct sender *
senders_match_ptr(const struct senders *s, const char *ptr)
{
	return match_domain(s, SENDER_PTR, ptr);
}

const struct sender *
senders_match_dkim(const struct senders *s, const char *d)
{
	return match_domain(s, SENDER_DKIM, d);
}

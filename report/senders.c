/*
 * The senders file (see senders.h for the format): a strict line parser,
 * CIDR matching by prefix arithmetic on inet_pton's bytes, and label
 * boundary suffix matching for PTR names and DKIM domains.  Used only by
 * readiness.c; the file is trusted more than a report, but it is still
 * parsed as hostile input: every line is bounded, checked and numbered.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <arpa/inet.h>

#include "domain.h"
#include "limits.h"
#include "num.h"
#include "senders.h"
#include "utf8.h"
#include "xalloc.h"

/* one line being parsed: where it comes from and its fields */
struct sline {
	const char	*file;
	size_t		 no;		/* line number */
	char		 text[MAX_SENDERS_LINE + 1];
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
line_error(const struct sline *l, char *err, size_t errlen,
    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static int
line_error(const struct sline *l, char *err, size_t errlen,
    const char *fmt, ...)
{
	char what[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	snprintf(err, errlen, "%s:%zu: error: %s", l->file, l->no, what);
	return -1;
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
split_line(struct sline *l, char *err, size_t errlen)
{
	char *p = l->text, *end;

	if ((l->kind = next_field(&p)) == NULL)
		return 0;
	if ((l->value = next_field(&p)) == NULL)
		return line_error(l, err, errlen, "'%s' lacks its value: "
		    "expected '%s VALUE NAME'", l->kind, l->kind);
	while (is_blank(*p))
		p++;
	end = p + strlen(p);
	while (end > p && is_blank(end[-1]))
		*--end = '\0';
	if (*p == '\0')
		return line_error(l, err, errlen, "'%s %s' lacks a name: "
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
	e->line = l->no;
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
parse_ip(struct senders *s, const struct sline *l, char *err,
    size_t errlen)
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
		return line_error(l, err, errlen, "bad address '%s': "
		    "expected IPv4 or IPv6, optionally /PREFIX", addr);
	max = family == 4 ? 32 : 128;
	prefix = max;
	if (slash != NULL && num_i64(slash, 0, max, &prefix) == -1)
		return line_error(l, err, errlen, "bad prefix length '%s': "
		    "IPv%d allows 0..%d", slash, family, max);
	if (host_bits_set(net, max / 8, (int)prefix))
		return line_error(l, err, errlen, "'%s' has host bits set "
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
    enum sender_kind kind, char *err, size_t errlen)
{
	struct sender *e;
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
		return line_error(l, err, errlen, "bad domain '%s': "
		    "expected a DNS name such as example.org or "
		    ".example.org", l->value);
	}
	e = senders_slot(s, l);
	e->kind = kind;
	e->domain = d;
	e->below_only = below;
	return 0;
}

/* checks bytes: no NUL, valid UTF-8, no controls but TAB */
static int
check_bytes(const struct sline *l, const char *p, size_t n, char *err,
    size_t errlen)
{
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)p[i];

		if (c == '\0')
			return line_error(l, err, errlen, "NUL byte in line");
		if ((c < 0x20 && c != '\t') || c == 0x7f)
			return line_error(l, err, errlen,
			    "control character 0x%02x in line", c);
	}
	if (!utf8_valid(p, n))
		return line_error(l, err, errlen, "invalid UTF-8 in line");
	return 0;
}

static int
parse_line(struct senders *s, struct sline *l, const char *p, size_t n,
    char *err, size_t errlen)
{
	if (n > 0 && p[n - 1] == '\r')
		n--;
	if (n > MAX_SENDERS_LINE)
		return line_error(l, err, errlen, "line longer than %d bytes",
		    MAX_SENDERS_LINE);
	if (check_bytes(l, p, n, err, errlen) == -1)
		return -1;
	memcpy(l->text, p, n);
	l->text[n] = '\0';
	l->kind = l->text + strspn(l->text, " \t");
	if (*l->kind == '\0' || *l->kind == '#')
		return 0;
	if (split_line(l, err, errlen) == -1)
		return -1;
	if (s->n >= MAX_SENDERS)
		return line_error(l, err, errlen, "more than %d entries",
		    MAX_SENDERS);
	if (strcmp(l->kind, "ip") == 0)
		return parse_ip(s, l, err, errlen);
	if (strcmp(l->kind, "ptr") == 0)
		return parse_domain(s, l, SENDER_PTR, err, errlen);
	if (strcmp(l->kind, "dkim") == 0)
		return parse_domain(s, l, SENDER_DKIM, err, errlen);
	return line_error(l, err, errlen, "unknown kind '%s': expected ip, "
	    "ptr or dkim", l->kind);
}

int
senders_parse(struct senders *s, const char *text, size_t len,
    const char *file, char *err, size_t errlen)
{
	struct sline *l;
	size_t off = 0;
	int rc = -1;

	l = xcalloc(1, sizeof(*l));
	l->file = file;
	while (off < len) {
		const char *nl = memchr(text + off, '\n', len - off);
		size_t n = nl != NULL ? (size_t)(nl - (text + off)) :
		    len - off;

		if (++l->no > MAX_SENDERS_LINES) {
			line_error(l, err, errlen, "more than %d lines",
			    MAX_SENDERS_LINES);
			goto out;
		}
		/* comment lines too are checked for bytes and length */
		if (parse_line(s, l, text + off, n, err, errlen) == -1)
			goto out;
		off += n + (nl != NULL);
	}
	rc = 0;
out:
	free(l);
	return rc;
}

int
senders_load(struct senders *s, const char *path, char *err, size_t errlen)
{
	FILE *fp;
	char *data = NULL;
	size_t n;
	int rc = -1;

	if ((fp = fopen(path, "r")) == NULL) {
		snprintf(err, errlen, "%s: error: cannot read: %s", path,
		    strerror(errno));
		return -1;
	}
	data = xmalloc(MAX_SENDERS_BYTES + 1);
	n = fread(data, 1, MAX_SENDERS_BYTES + 1, fp);
	if (ferror(fp))
		snprintf(err, errlen, "%s: error: cannot read: %s", path,
		    strerror(errno));
	else if (n > MAX_SENDERS_BYTES)
		snprintf(err, errlen, "%s: error: file larger than %lu bytes",
		    path, (unsigned long)MAX_SENDERS_BYTES);
	else
		rc = senders_parse(s, data, n, path, err, errlen);
	fclose(fp);
	free(data);
	return rc;
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

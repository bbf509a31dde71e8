/*
 * The services table of classify.h: a strict line parser for
 * services.txt and the user's file, and the matchers that name the
 * sending service of a source.  Domain matching is senders.h's.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "classify.h"
#include "domain.h"
#include "senders.h"
#include "utf8.h"
#include "xalloc.h"

const char *
service_kind_name(enum service_kind k)
{
	switch (k) {
	case SERVICE_PTR:	return "ptr";
	case SERVICE_DKIM:	return "dkim";
	case SERVICE_SPF:	return "spf";
	}
	return "?";
}

void
classify_init(struct classify *c)
{
	memset(c, 0, sizeof(*c));
}

void
classify_release(struct classify *c)
{
	size_t i;

	for (i = 0; i < c->n; i++) {
		free(c->v[i].domain);
		free(c->v[i].name);
		free(c->v[i].file);
	}
	free(c->v);
	memset(c, 0, sizeof(*c));
}

static int
line_error(char *err, size_t errlen, const char *file, size_t line,
    const char *what, const char *detail)
{
	snprintf(err, errlen, "%s:%zu: error: %s: '%.80s'", file, line, what,
	    detail);
	return -1;
}

/* checks the bytes of one line: UTF-8, no NUL, no control but tab */
static const char *
line_bad(const char *p, size_t n)
{
	size_t i;

	if (!utf8_valid(p, n))
		return "invalid UTF-8";
	for (i = 0; i < n; i++) {
		unsigned char ch = (unsigned char)p[i];

		if (ch == '\0')
			return "NUL byte";
		if ((ch < 0x20 && ch != '\t') || ch == 0x7f)
			return "control character";
	}
	return NULL;
}

static const char *
skip_blank(const char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

static size_t
word_len(const char *p)
{
	size_t n = 0;

	while (p[n] != '\0' && p[n] != ' ' && p[n] != '\t')
		n++;
	return n;
}

static int
kind_of(const char *w, size_t n, enum service_kind *k)
{
	if (n == 3 && memcmp(w, "ptr", 3) == 0)
		*k = SERVICE_PTR;
	else if (n == 4 && memcmp(w, "dkim", 4) == 0)
		*k = SERVICE_DKIM;
	else if (n == 3 && memcmp(w, "spf", 3) == 0)
		*k = SERVICE_SPF;
	else
		return -1;
	return 0;
}

/* parses one NUL-terminated, checked line (not blank, not a comment) */
static int
parse_entry(struct classify *c, const char *s, const char *file,
    size_t line, char *err, size_t errlen)
{
	struct service e;
	const char *p, *name;
	char *dom;
	size_t n, end;
	int below = 0;

	memset(&e, 0, sizeof(e));
	p = skip_blank(s);
	n = word_len(p);
	if (kind_of(p, n, &e.kind) == -1)
		return line_error(err, errlen, file, line,
		    "unknown kind (not ptr, dkim or spf)", p);
	p = skip_blank(p + n);
	if ((n = word_len(p)) == 0)
		return line_error(err, errlen, file, line, "domain missing", s);
	if (*p == '.') {
		below = 1;
		p++;
		n--;
	}
	dom = xstrndup(p, n);
	if (n == 0 || domain_normalize(dom) == -1 || dom[0] == '.') {
		free(dom);
		return line_error(err, errlen, file, line, "not a domain", p);
	}
	name = skip_blank(p + n);
	end = strlen(name);
	while (end > 0 && (name[end - 1] == ' ' || name[end - 1] == '\t'))
		end--;
	if (end == 0) {
		free(dom);
		return line_error(err, errlen, file, line,
		    "service name missing", s);
	}
	if (c->n == MAX_SERVICES) {
		free(dom);
		return line_error(err, errlen, file, line,
		    "too many entries", s);
	}
	if (c->n == c->cap) {
		c->cap = c->cap ? c->cap * 2 : 64;
		c->v = xreallocarray(c->v, c->cap, sizeof(*c->v));
	}
	e.domain = dom;
	e.below_only = below;
	e.name = xstrndup(name, end);
	e.file = xstrdup(file);
	e.line = line;
	c->v[c->n++] = e;
	return 0;
}

int
classify_parse(struct classify *c, const char *text, size_t len,
    const char *file, char *err, size_t errlen)
{
	char buf[MAX_SERVICES_LINE + 1];
	const char *p = text, *end = text + len, *nl, *why;
	size_t n, line = 0;

	while (p < end) {
		line++;
		nl = memchr(p, '\n', (size_t)(end - p));
		n = (size_t)((nl ? nl : end) - p);
		if (n > 0 && p[n - 1] == '\r')
			n--;
		if (n > MAX_SERVICES_LINE)
			return line_error(err, errlen, file, line,
			    "line too long", "");
		if ((why = line_bad(p, n)) != NULL)
			return line_error(err, errlen, file, line, why, "");
		memcpy(buf, p, n);
		buf[n] = '\0';
		p = nl ? nl + 1 : end;
		if (*skip_blank(buf) == '\0' || *skip_blank(buf) == '#')
			continue;
		if (parse_entry(c, buf, file, line, err, errlen) == -1)
			return -1;
	}
	return 0;
}

int
classify_load(struct classify *c, const char *path, char *err,
    size_t errlen)
{
	FILE *f;
	char *text = NULL;
	size_t n;
	int rc = -1;

	if ((f = fopen(path, "rb")) == NULL) {
		snprintf(err, errlen, "%s: error: cannot read: %s", path,
		    strerror(errno));
		return -1;
	}
	text = xmalloc(MAX_SERVICES_BYTES + 1);
	n = fread(text, 1, MAX_SERVICES_BYTES + 1, f);
	if (ferror(f))
		snprintf(err, errlen, "%s: error: cannot read: %s", path,
		    strerror(errno));
	else if (n > MAX_SERVICES_BYTES)
		snprintf(err, errlen, "%s: error: file too large: more than "
		    "%lu bytes", path, MAX_SERVICES_BYTES);
	else
		rc = classify_parse(c, text, n, path, err, errlen);
	free(text);
	fclose(f);
	return rc;
}

int
classify_builtin(struct classify *c, char *err, size_t errlen)
{
	return classify_parse(c, classify_builtin_text, classify_builtin_len,
	    "(built-in services.txt)", err, errlen);
}

const struct service *
classify_match(const struct classify *c, enum service_kind k,
    const char *name)
{
	size_t i;

	if (c == NULL || name == NULL)
		return NULL;
	for (i = 0; i < c->n; i++)
		if (c->v[i].kind == k && senders_domain_match(name,
		    c->v[i].domain, c->v[i].below_only))
			return &c->v[i];
	return NULL;
}

/* the first passing value of list that matches an entry of kind k */
static const struct service *
match_values(const struct classify *c, enum service_kind k,
    const struct mvalues *list)
{
	const struct service *s;
	size_t i;

	for (i = 0; i < list->n; i++) {
		if (list->v[i].name == NULL || list->v[i].result == NULL ||
		    strcmp(list->v[i].result, "pass") != 0)
			continue;
		if ((s = classify_match(c, k, list->v[i].name)) != NULL)
			return s;
	}
	return NULL;
}

const char *
classify_source(const struct classify *c, const struct msource *src)
{
	const struct service *s;

	if (c == NULL || src == NULL)
		return NULL;
	if ((s = classify_match(c, SERVICE_PTR, src->ptr)) != NULL ||
	    (s = match_values(c, SERVICE_DKIM, &src->dkim)) != NULL ||
	    (s = match_values(c, SERVICE_SPF, &src->spf)) != NULL)
		return s->name;
	return NULL;
}

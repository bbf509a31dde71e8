/*
 * The services table of classify.h: a strict line parser for
 * services.txt and the user's file, and the matchers that name the
 * sending service of a source.  Domain matching is senders.h's.
 */
#include <stdlib.h>
#include <string.h>

#include "classify.h"
#include "domain.h"
#include "senders.h"
#include "textfile.h"
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

/* parses one checked line (not blank, not a comment) */
static int
parse_entry(struct classify *c, struct textfile *t, const char *s)
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
		return textfile_bad(t, "unknown kind (not ptr, dkim or spf)",
		    p);
	p = skip_blank(p + n);
	if ((n = word_len(p)) == 0)
		return textfile_bad(t, "domain missing", s);
	if (*p == '.') {
		below = 1;
		p++;
		n--;
	}
	dom = xstrndup(p, n);
	if (n == 0 || domain_normalize(dom) == -1 || dom[0] == '.') {
		free(dom);
		return textfile_bad(t, "not a domain", p);
	}
	name = skip_blank(p + n);
	end = strlen(name);
	while (end > 0 && (name[end - 1] == ' ' || name[end - 1] == '\t'))
		end--;
	if (end == 0) {
		free(dom);
		return textfile_bad(t, "service name missing", s);
	}
	if (c->n == MAX_SERVICES) {
		free(dom);
		return textfile_bad(t, "too many entries", s);
	}
	if (c->n == c->cap) {
		c->cap = c->cap ? c->cap * 2 : 64;
		c->v = xreallocarray(c->v, c->cap, sizeof(*c->v));
	}
	e.domain = dom;
	e.below_only = below;
	e.name = xstrndup(name, end);
	e.file = xstrdup(t->file);
	e.line = t->line;
	c->v[c->n++] = e;
	return 0;
}

static int
classify_line(void *c, struct textfile *t, char *line)
{
	const char *p = skip_blank(line);

	if (*p == '\0' || *p == '#')
		return 0;
	return parse_entry(c, t, line);
}

int
classify_parse(struct classify *c, const char *text, size_t len,
    const char *file, char *err, size_t errlen)
{
	struct textfile t = { .file = file, .max_line = MAX_SERVICES_LINE,
	    .err = err, .errlen = errlen };

	return textfile_parse(&t, text, len, classify_line, c);
}

int
classify_load(struct classify *c, const char *path, char *err,
    size_t errlen)
{
	struct textfile t = { .file = path, .max_bytes = MAX_SERVICES_BYTES,
	    .max_line = MAX_SERVICES_LINE, .err = err, .errlen = errlen };

	return textfile_load(&t, 1, classify_line, c);
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

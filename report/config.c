/*
 * The configuration file of config.h: a strict "key = value" parser and
 * the default path.  It keeps the values as written; digest_cli.c decides
 * what wins over what.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "utf8.h"
#include "xalloc.h"

void
config_init(struct config *c)
{
	memset(c, 0, sizeof(*c));
}

static void
free_list(char **v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

void
config_release(struct config *c)
{
	size_t i;

	free(c->path);
	free(c->db);
	free(c->from);
	free(c->subject);
	free(c->senders);
	free(c->services);
	free_list(c->domains, c->n_domains);
	free_list(c->to, c->n_to);
	for (i = 0; i < c->n_crit; i++) {
		free(c->crit[i].name);
		free(c->crit[i].value);
	}
	free(c->crit);
	memset(c, 0, sizeof(*c));
}

char *
config_default_path(void)
{
	const char *x = getenv("XDG_CONFIG_HOME"), *h = getenv("HOME");
	size_t n;
	char *p;

	if (x != NULL && x[0] == '/') {
		n = strlen(x) + sizeof("/dmarc-rua/config");
		p = xmalloc(n);
		snprintf(p, n, "%s/dmarc-rua/config", x);
		return p;
	}
	if (h == NULL || h[0] == '\0')
		return NULL;
	n = strlen(h) + sizeof("/.config/dmarc-rua/config");
	p = xmalloc(n);
	snprintf(p, n, "%s/.config/dmarc-rua/config", h);
	return p;
}

static int
cfg_error(char *err, size_t errlen, const char *file, size_t line,
    const char *what, const char *detail)
{
	snprintf(err, errlen, "%s:%zu: error: %s: '%.80s'", file, line, what,
	    detail);
	return -1;
}

static int
is_crit(const char *k)
{
	return strcmp(k, "min-messages") == 0 || strcmp(k, "min-days") == 0 ||
	    strcmp(k, "min-reporters") == 0 ||
	    strcmp(k, "max-legit-fail-pct") == 0 ||
	    strcmp(k, "min-source-aligned-pct") == 0;
}

static char **
single(struct config *c, const char *k)
{
	if (strcmp(k, "db") == 0)
		return &c->db;
	if (strcmp(k, "from") == 0)
		return &c->from;
	if (strcmp(k, "subject") == 0)
		return &c->subject;
	if (strcmp(k, "senders") == 0)
		return &c->senders;
	if (strcmp(k, "services") == 0)
		return &c->services;
	return NULL;
}

static int
push(char ***v, size_t *n, const char *val)
{
	if (*n == MAX_CONFIG_VALUES)
		return -1;
	*v = xreallocarray(*v, *n + 1, sizeof(**v));
	(*v)[(*n)++] = xstrdup(val);
	return 0;
}

/* stores key = value of one line */
static int
set_key(struct config *c, const char *k, const char *v, const char *file,
    size_t line, char *err, size_t errlen)
{
	char **slot;

	if ((slot = single(c, k)) != NULL) {
		if (*slot != NULL)
			return cfg_error(err, errlen, file, line,
			    "key given twice", k);
		*slot = xstrdup(v);
		return 0;
	}
	if (strcmp(k, "domain") == 0 || strcmp(k, "to") == 0) {
		if (push(k[0] == 'd' ? &c->domains : &c->to, k[0] == 'd' ?
		    &c->n_domains : &c->n_to, v) == -1)
			return cfg_error(err, errlen, file, line,
			    "too many values", k);
		return 0;
	}
	if (!is_crit(k))
		return cfg_error(err, errlen, file, line, "unknown key", k);
	if (c->n_crit == MAX_CONFIG_VALUES)
		return cfg_error(err, errlen, file, line, "too many values", k);
	c->crit = xreallocarray(c->crit, c->n_crit + 1, sizeof(*c->crit));
	c->crit[c->n_crit].name = xstrdup(k);
	c->crit[c->n_crit].value = xstrdup(v);
	c->crit[c->n_crit++].line = line;
	return 0;
}

static char *
trim(char *s)
{
	size_t n;

	while (*s == ' ' || *s == '\t')
		s++;
	n = strlen(s);
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		s[--n] = '\0';
	return s;
}

static const char *
bytes_bad(const char *p, size_t n)
{
	size_t i;

	if (!utf8_valid(p, n))
		return "invalid UTF-8";
	for (i = 0; i < n; i++)
		if (((unsigned char)p[i] < 0x20 && p[i] != '\t') ||
		    p[i] == 0x7f)
			return p[i] == '\0' ? "NUL byte" :
			    "control character";
	return NULL;
}

static int
parse_line(struct config *c, char *s, const char *file, size_t line,
    char *err, size_t errlen)
{
	char *eq, *k, *v;

	s = trim(s);
	if (*s == '\0' || *s == '#')
		return 0;
	if ((eq = strchr(s, '=')) == NULL)
		return cfg_error(err, errlen, file, line,
		    "not 'key = value'", s);
	*eq = '\0';
	k = trim(s);
	v = trim(eq + 1);
	if (*v == '\0')
		return cfg_error(err, errlen, file, line, "empty value", k);
	return set_key(c, k, v, file, line, err, errlen);
}

int
config_parse(struct config *c, const char *text, size_t len,
    const char *file, char *err, size_t errlen)
{
	char buf[MAX_CONFIG_LINE + 1];
	const char *p = text, *end = text + len, *nl, *why;
	size_t n, line = 0;

	while (p < end) {
		line++;
		nl = memchr(p, '\n', (size_t)(end - p));
		n = (size_t)((nl ? nl : end) - p);
		if (n > 0 && p[n - 1] == '\r')
			n--;
		if (n > MAX_CONFIG_LINE)
			return cfg_error(err, errlen, file, line,
			    "line too long", "");
		if ((why = bytes_bad(p, n)) != NULL)
			return cfg_error(err, errlen, file, line, why, "");
		memcpy(buf, p, n);
		buf[n] = '\0';
		p = nl ? nl + 1 : end;
		if (parse_line(c, buf, file, line, err, errlen) == -1)
			return -1;
	}
	return 0;
}

int
config_load(struct config *c, const char *path, int must_exist, char *err,
    size_t errlen)
{
	FILE *f;
	char *text;
	size_t n;
	int rc = -1;

	if ((f = fopen(path, "rb")) == NULL) {
		if (errno == ENOENT && !must_exist)
			return 0;
		snprintf(err, errlen, "%s: error: cannot read: %s", path,
		    strerror(errno));
		return -1;
	}
	text = xmalloc(MAX_CONFIG_BYTES + 1);
	n = fread(text, 1, MAX_CONFIG_BYTES + 1, f);
	if (ferror(f))
		snprintf(err, errlen, "%s: error: cannot read: %s", path,
		    strerror(errno));
	else if (n > MAX_CONFIG_BYTES)
		snprintf(err, errlen, "%s: error: file too large: more than "
		    "%lu bytes", path, MAX_CONFIG_BYTES);
	else if ((rc = config_parse(c, text, n, path, err, errlen)) == 0) {
		free(c->path);
		c->path = xstrdup(path);
	}
	free(text);
	fclose(f);
	return rc;
}

int
config_readiness(const struct config *c, struct readiness_opts *ro,
    char *err, size_t errlen)
{
	char e[512];
	size_t i;

	for (i = 0; i < c->n_crit; i++)
		if (readiness_opts_set(ro, c->crit[i].name, c->crit[i].value,
		    e, sizeof(e)) != 0)
			return cfg_error(err, errlen, c->path ? c->path :
			    "config", c->crit[i].line, e, c->crit[i].value);
	return 0;
}

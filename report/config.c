/*
 * The configuration file of config.h: a strict "key = value" parser and
 * the default path.  It keeps the values as written; digest_cli.c decides
 * what wins over what.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "textfile.h"
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
set_key(struct config *c, struct textfile *t, const char *k, const char *v)
{
	char **slot;

	if ((slot = single(c, k)) != NULL) {
		if (*slot != NULL)
			return textfile_bad(t, "key given twice", k);
		*slot = xstrdup(v);
		return 0;
	}
	if (strcmp(k, "domain") == 0 || strcmp(k, "to") == 0) {
		if (push(k[0] == 'd' ? &c->domains : &c->to, k[0] == 'd' ?
		    &c->n_domains : &c->n_to, v) == -1)
			return textfile_bad(t, "too many values", k);
		return 0;
	}
	if (!is_crit(k))
		return textfile_bad(t, "unknown key", k);
	if (c->n_crit == MAX_CONFIG_VALUES)
		return textfile_bad(t, "too many values", k);
	c->crit = xreallocarray(c->crit, c->n_crit + 1, sizeof(*c->crit));
	c->crit[c->n_crit].name = xstrdup(k);
	c->crit[c->n_crit].value = xstrdup(v);
	c->crit[c->n_crit++].line = t->line;
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

static int
config_line(void *arg, struct textfile *t, char *s)
{
	struct config *c = arg;
	char *eq, *k, *v;

	s = trim(s);
	if (*s == '\0' || *s == '#')
		return 0;
	if ((eq = strchr(s, '=')) == NULL)
		return textfile_bad(t, "not 'key = value'", s);
	*eq = '\0';
	k = trim(s);
	v = trim(eq + 1);
	if (*v == '\0')
		return textfile_bad(t, "empty value", k);
	return set_key(c, t, k, v);
}

int
config_parse(struct config *c, const char *text, size_t len,
    const char *file, char *err, size_t errlen)
{
	struct textfile t = { .file = file, .max_line = MAX_CONFIG_LINE,
	    .err = err, .errlen = errlen };

	return textfile_parse(&t, text, len, config_line, c);
}

int
config_load(struct config *c, const char *path, int must_exist, char *err,
    size_t errlen)
{
	struct textfile t = { .file = path, .max_bytes = MAX_CONFIG_BYTES,
	    .max_line = MAX_CONFIG_LINE, .err = err, .errlen = errlen };
	int rc;

	if ((rc = textfile_load(&t, must_exist, config_line, c)) == 0) {
		free(c->path);
		c->path = xstrdup(path);
	}
	return rc == -1 ? -1 : 0;
}

int
config_readiness(const struct config *c, struct readiness_opts *ro,
    char *err, size_t errlen)
{
	struct textfile t = { .file = c->path ? c->path : "config",
	    .err = err, .errlen = errlen };
	char e[512];
	size_t i;

	for (i = 0; i < c->n_crit; i++)
		if (readiness_opts_set(ro, c->crit[i].name, c->crit[i].value,
		    e, sizeof(e)) != 0) {
			t.line = c->crit[i].line;
			return textfile_bad(&t, e, c->crit[i].value);
		}
	return 0;
}

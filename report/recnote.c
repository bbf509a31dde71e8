/*
 * The bounded list of notes a DNS record parser attaches to a record
 * (recnote.h).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "recnote.h"
#include "xalloc.h"

void
recnotes_add(struct recnotes *l, enum recnote_sev sev, const char *code,
    const char *fmt, ...)
{
	struct recnote *n;
	va_list ap;
	char text[512];

	if (l->n >= MAX_RECORD_NOTES) {
		l->dropped = 1;
		return;
	}
	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	n = &l->v[l->n++];
	n->sev = sev;
	snprintf(n->code, sizeof(n->code), "%s", code);
	n->text = xstrdup(text);
}

void
recnotes_release(struct recnotes *l)
{
	if (l == NULL)
		return;
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i].text);
	memset(l, 0, sizeof(*l));
}

const struct recnote *
recnotes_find(const struct recnotes *l, const char *code)
{
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->v[i].code, code) == 0)
			return &l->v[i];
	return NULL;
}

int
recnotes_has_error(const struct recnotes *l)
{
	for (size_t i = 0; i < l->n; i++)
		if (l->v[i].sev == RECNOTE_ERROR)
			return 1;
	return 0;
}

const char *
recnote_sev_name(enum recnote_sev s)
{
	switch (s) {
	case RECNOTE_ERROR:
		return "error";
	case RECNOTE_WARNING:
		return "warning";
	default:
		return "info";
	}
}

char *
recnote_quote(char out[RECNOTE_QUOTE_MAX + 4], const char *s, size_t n)
{
	if (n > RECNOTE_QUOTE_MAX) {
		memcpy(out, s, RECNOTE_QUOTE_MAX);
		memcpy(out + RECNOTE_QUOTE_MAX, "...", 4);
	} else {
		memcpy(out, s, n);
		out[n] = '\0';
	}
	return out;
}

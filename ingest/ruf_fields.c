/*
 * Header blocks of a failure report, bytes in, fields out: the
 * message/feedback-report part's "Name: value" lines (RFC 5965 3.1) and
 * the original message's header fields (RFC 5322 2.2).  Pure: no GMime,
 * no I/O.  Bounded: at most max fields of at most MAX_RUF_FIELD_BYTES,
 * the rest counted as warnings; a line that is no field is skipped with a
 * warning; control bytes and invalid UTF-8 become '?'.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "limits.h"
#include "ruf_int.h"
#include "utf8.h"
#include "xalloc.h"

/* RFC 5322 2.2: printable ASCII but ':' */
static int
name_char(unsigned char c)
{
	return c > 0x20 && c < 0x7f && c != ':';
}

/* the cleaning of ruf_clean; lines: line feeds kept, CRs dropped */
static char *
clean(const char *p, size_t n, int lines, struct diag *d)
{
	struct buf b;
	size_t k;
	int bad = 0;

	while (n > 0 && (*p == ' ' || *p == '\t'))
		p++, n--;
	while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t' ||
	    p[n - 1] == '\r' || p[n - 1] == '\n'))
		n--;
	buf_init(&b, n + 1);
	while (n > 0) {
		unsigned char c = (unsigned char)*p;

		if (c >= 0x80 && (k = utf8_decode(p, n, NULL)) > 0) {
			(void)buf_add(&b, p, k);
			p += k, n -= k;
			continue;
		}
		if (lines && (c == '\n' || c == '\r')) {
			if (c == '\n')
				(void)buf_addc(&b, '\n');
			p++, n--;
			continue;
		}
		if ((c < 0x20 && c != '\t') || c >= 0x7f) {
			c = '?';
			bad = 1;
		}
		(void)buf_addc(&b, (char)c);
		p++, n--;
	}
	if (bad)
		diag_warn(d, DIAG_ARF_BAD_BYTES);
	return buf_detach(&b, NULL);
}

char *
ruf_clean(const char *p, size_t n, struct diag *d)
{
	return clean(p, n, 0, d);
}

char *
ruf_clean_lines(const char *p, size_t n, struct diag *d)
{
	return clean(p, n, 1, d);
}

/* the end of the logical line at p: folded lines joined (RFC 5322 2.2.3) */
static const char *
logical_end(const char *p, const char *end)
{
	const char *eol;

	for (;;) {
		if ((eol = memchr(p, '\n', (size_t)(end - p))) == NULL)
			return end;
		if (eol + 1 >= end || (eol[1] != ' ' && eol[1] != '\t'))
			return eol;
		p = eol + 1;
	}
}

/* one logical line's value unfolded: CR LF before white space dropped */
static char *
unfold(const char *p, size_t n, struct diag *d)
{
	char *t = xmalloc(n + 1), *out;
	size_t k = 0;

	if (n > MAX_RUF_FIELD_BYTES) {
		n = MAX_RUF_FIELD_BYTES;
		diag_warn(d, DIAG_TEXT_TRUNCATED);
	}
	for (size_t i = 0; i < n; i++)
		if (p[i] != '\r' && p[i] != '\n')
			t[k++] = p[i];
	out = ruf_clean(t, k, d);
	free(t);
	return out;
}

/* the field of line[0..len): the name is line[0..nlen), ':' at colon */
static void
field_add(struct ruf_field **f, size_t *nf, size_t *cap, const char *line,
    size_t nlen, size_t colon, size_t len, struct diag *d)
{
	if (*nf == *cap) {
		*cap = *cap ? *cap * 2 : 16;
		*f = xreallocarray(*f, *cap, sizeof(**f));
	}
	(*f)[*nf].name = xstrndup(line, nlen);
	(*f)[*nf].value = unfold(line + colon + 1, len - colon - 1, d);
	(*nf)++;
}

void
ruf_fields_parse(const char *p, size_t n, size_t max, struct ruf_field **f,
    size_t *nf, struct diag *d)
{
	const char *end = p + n, *eol;
	size_t cap = 0, len, nlen, colon;

	*f = NULL;
	*nf = 0;
	for (; p < end; p = eol + 1) {
		eol = logical_end(p, end);
		len = (size_t)(eol - p);
		if (len == 0 || (len == 1 && p[0] == '\r'))
			break;		/* the blank line ends the block */
		for (nlen = 0; nlen < len && name_char((unsigned char)
		    p[nlen]); nlen++)
			;
		/* "Name : value" (obsolete syntax) is a field too */
		for (colon = nlen; colon < len && (p[colon] == ' ' ||
		    p[colon] == '\t'); colon++)
			;
		if (nlen == 0 || colon >= len || p[colon] != ':') {
			diag_warn(d, DIAG_ARF_BAD_LINE);
			if (eol == end)
				break;
			continue;
		}
		if (*nf == max) {
			diag_warn(d, DIAG_ARF_FIELDS_CUT);
			break;
		}
		field_add(f, nf, &cap, p, nlen, colon, len, d);
		if (eol == end)
			break;
	}
}

void
ruf_fields_free(struct ruf_field *f, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(f[i].name);
		free(f[i].value);
	}
	free(f);
}

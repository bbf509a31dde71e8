/*
 * The operator text file reader of textfile.h: the byte cap, the split
 * into lines, the per-line caps and byte checks, and the error format
 * shared by the services, config and senders parsers.  It does no
 * parsing of its own: each line goes to the caller's grammar.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "textfile.h"
#include "utf8.h"
#include "xalloc.h"

int
textfile_error(struct textfile *t, const char *fmt, ...)
{
	char what[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	snprintf(t->err, t->errlen, "%s:%zu: error: %s", t->file, t->line,
	    what);
	return -1;
}

int
textfile_bad(struct textfile *t, const char *what, const char *detail)
{
	return textfile_error(t, "%s: '%.80s'", what, detail);
}

/* the caps and checks of line t->line, p[0..n) without CR LF */
static int
check_line(struct textfile *t, const char *p, size_t n)
{
	unsigned char c;
	size_t i;

	if (t->max_lines != 0 && t->line > t->max_lines)
		return textfile_error(t, "more than %zu lines", t->max_lines);
	if (n > t->max_line)
		return textfile_error(t, "line longer than %zu bytes",
		    t->max_line);
	for (i = 0; i < n; i++) {
		c = (unsigned char)p[i];
		if (c == '\0')
			return textfile_error(t, "NUL byte in line");
		if ((c < 0x20 && c != '\t') || c == 0x7f)
			return textfile_error(t, "control character 0x%02x "
			    "in line", c);
	}
	if (!utf8_valid(p, n))
		return textfile_error(t, "invalid UTF-8 in line");
	return 0;
}

int
textfile_parse(struct textfile *t, const char *text, size_t len,
    textfile_fn *fn, void *arg)
{
	const char *p = text, *end = text + len, *nl;
	char *buf;
	size_t n;
	int rc = -1;

	buf = xmalloc(t->max_line + 1);
	t->line = 0;
	while (p < end) {
		t->line++;
		nl = memchr(p, '\n', (size_t)(end - p));
		n = (size_t)((nl != NULL ? nl : end) - p);
		if (n > 0 && p[n - 1] == '\r')
			n--;
		if (check_line(t, p, n) == -1)
			goto out;
		memcpy(buf, p, n);
		buf[n] = '\0';
		if (fn(arg, t, buf) == -1)
			goto out;
		p = nl != NULL ? nl + 1 : end;
	}
	rc = 0;
out:
	free(buf);
	return rc;
}

static int
load_error(const struct textfile *t)
{
	snprintf(t->err, t->errlen, "%s: error: cannot read: %s", t->file,
	    strerror(errno));
	return -1;
}

int
textfile_load(struct textfile *t, int must_exist, textfile_fn *fn,
    void *arg)
{
	FILE *f;
	char *text;
	size_t n;
	int rc = -1;

	if ((f = fopen(t->file, "rb")) == NULL)
		return errno == ENOENT && !must_exist ? 1 : load_error(t);
	text = xmalloc(t->max_bytes + 1);
	n = fread(text, 1, t->max_bytes + 1, f);
	if (ferror(f))
		load_error(t);
	else if (n > t->max_bytes)
		snprintf(t->err, t->errlen, "%s: error: file larger than %zu "
		    "bytes", t->file, t->max_bytes);
	else
		rc = textfile_parse(t, text, n, fn, arg);
	free(text);
	fclose(f);
	return rc;
}

/*
 * One untrusted value written to an output stream through its sink's
 * escaping (render.h): the single place that bounds the escaped size and
 * prints the too-long marker for every renderer.
 */
#include <stdarg.h>
#include <stdio.h>

#include "render.h"

const char render_too_long[] = "(value too long)";

void
render_scratch_init(struct buf *scratch)
{
	buf_init(scratch, RENDER_MAX_VALUE);
}

const char *
render_escaped(struct buf *scratch, render_escape_fn esc, const char *s)
{
	buf_reset(scratch);
	if (esc(scratch, s != NULL ? s : "") == -1)
		return render_too_long;
	return buf_cstr(scratch);
}

void
render_value(FILE *f, render_escape_fn esc, const char *s)
{
	struct buf b;

	render_scratch_init(&b);
	fputs(render_escaped(&b, esc, s), f);
	buf_release(&b);
}

void
render_buf_put(struct render_buf *o, const char *trusted)
{
	if (buf_adds(o->b, trusted) == -1)
		o->rc = -1;
}

void
render_buf_putf(struct render_buf *o, const char *fmt, ...)
{
	char s[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(s, sizeof(s), fmt, ap);
	va_end(ap);
	render_buf_put(o, s);
}

void
render_buf_value(struct render_buf *o, render_escape_fn esc, const char *s)
{
	struct buf v;

	render_scratch_init(&v);
	render_buf_put(o, render_escaped(&v, esc, s));
	buf_release(&v);
}

/*
 * One untrusted value written to an output stream through its sink's
 * escaping (render.h): the single place that bounds the escaped size and
 * prints the too-long marker for every renderer.
 */
#include <stdio.h>

#include "render.h"

void
render_value(FILE *f, render_escape_fn esc, const char *s)
{
	struct buf b;

	buf_init(&b, RENDER_MAX_VALUE);
	if (esc(&b, s != NULL ? s : "") == -1)
		fputs("(value too long)", f);
	else
		fputs(buf_cstr(&b), f);
	buf_release(&b);
}

/*
 * The model printers of the text, JSON and CSV formats, one file each
 * (format.h's table holds every format's printers): render_text.c
 * (aligned tables for a terminal), render_json.c (the stable structure
 * documented in dmarc-report(1)), render_csv.c (RFC 4180).  Each prints
 * the whole model for its mode (model.mode) to a stream; every string
 * from the database or DNS goes through render_value() or
 * render_escaped() below, and so through escape.h for its sink.
 *
 * Rounding (model.h): counts are fractional when a report straddles the
 * window; the parts of one breakdown (DMARC pass/fail, dispositions,
 * failure causes) are rounded together by largest remainder so they add
 * up to the rounded total; list entries are rounded one by one.
 */
#ifndef DMARC_RENDER_H
#define DMARC_RENDER_H

#include <stdio.h>

#include "buf.h"
#include "limits.h"
#include "model.h"

struct render_opts {
	int		 color;		/* ANSI colour (text on a TTY only) */
};

/* each returns 0, or -1 if writing to f failed (ferror) */
int	render_text(FILE *f, const struct model *, const struct render_opts *);
int	render_json(FILE *f, const struct model *);
int	render_csv(FILE *f, const struct model *);

/* bytes of one escaped value; a longer one prints as "(value too long)" */
#define RENDER_MAX_VALUE	(MAX_LONG_TEXT * 6 + 16)

/* an escape.h function: the sink a value is written for */
typedef int (*render_escape_fn)(struct buf *, const char *);
/*
 * Every untrusted value of every format goes through these two: the only
 * place that bounds an escaped value and says when it was too long.
 *
 * Writes s (NULL: "") to f through esc; a value whose escaped form passes
 * RENDER_MAX_VALUE prints as "(value too long)", never raw.
 */
void	render_value(FILE *f, render_escape_fn esc, const char *s);
/* the marker render_escaped() returns for a value too long */
extern const char render_too_long[];
/* a scratch buffer for render_escaped(): ceiling RENDER_MAX_VALUE */
void	render_scratch_init(struct buf *scratch);
/*
 * The escaped form of s (NULL: "") through esc, built in scratch (reset
 * first), or render_too_long when it passes the scratch's ceiling.
 * Valid until scratch is used again; the caller writes it where its
 * format wants it (quoted, padded, appended to a buffer).
 */
const char *render_escaped(struct buf *scratch, render_escape_fn esc,
	    const char *s);

/*
 * Output appended to a bounded buffer (the policy printers, whose whole
 * output is built before it is written): the first append past the
 * buffer's ceiling sets rc, later ones are ignored.
 */
struct render_buf {
	struct buf	*b;		/* borrowed */
	int		 rc;		/* 0, or -1 once an append failed */
};

void	render_buf_put(struct render_buf *, const char *trusted);
void	render_buf_putf(struct render_buf *, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
/* appends s (NULL: "") through esc and render_escaped() */
void	render_buf_value(struct render_buf *, render_escape_fn esc,
	    const char *s);

#endif

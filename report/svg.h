/*
 * Inline SVG charts for the HTML digest (render_html.c): daily messages
 * as stacked passed/failed bars, top sources as horizontal bars split by
 * pass share, and the pass rate over several windows as a line.  Each
 * chart is one <svg> element sized by its viewBox (it scales to the
 * width of its container), with role="img", a <title> and a <desc> that
 * states the numbers in words, text labels on every bar and point, and
 * failure drawn hatched as well as red so that colour is never the only
 * cue.  No script, no external reference; every label goes through
 * escape_html.
 */
#ifndef DMARC_SVG_H
#define DMARC_SVG_H

#include <stddef.h>
#include <stdio.h>

/* one bar: its label (untrusted, escaped) and its two parts */
struct svg_bar {
	const char	*label;
	const char	*note;		/* a second line (sources), or NULL */
	double		 pass;
	double		 fail;
};

/*
 * id prefixes the element ids of the chart (pattern, title); it must be
 * letters, digits and '-' only and unique within the document.  Each
 * returns 0, or -1 if writing to f failed.
 */
int	svg_daily(FILE *f, const char *id, const char *title,
	    const struct svg_bar *days, size_t n);
int	svg_sources(FILE *f, const char *id, const char *title,
	    const struct svg_bar *src, size_t n);
/* pct[i] < 0 means no data in window i (no point drawn, "no data") */
int	svg_trend(FILE *f, const char *id, const char *title,
	    const char *const *labels, const double *pct, size_t n);

/* the colours, shared with the HTML so that legends match */
#define SVG_PASS	"#1e7a34"
#define SVG_FAIL	"#b3261e"
#define SVG_INK		"#1f2328"
#define SVG_MUTED	"#57606a"
#define SVG_GRID	"#d0d7de"

#endif

/*
 * The charts of svg.h.  Geometry is in viewBox units (640 wide); text
 * sizes are chosen so that the charts stay readable scaled down to a
 * phone's width.  Numbers are printed with model_round so that a chart
 * says the same as the tables beside it.
 */
#include <stdio.h>
#include <string.h>

#include "escape.h"
#include "render.h"
#include "model.h"
#include "svg.h"

#define W		640.0

/* an untrusted value as HTML text */
static void
text(FILE *f, const char *s)
{
	render_value(f, escape_html, s);
}

static void
head(FILE *f, const char *id, const char *title, double h)
{
	/* no xmlns: inline SVG in HTML needs none, and the file holds no URL */
	fprintf(f, "<svg "
	    "viewBox=\"0 0 %.0f %.0f\" width=\"100%%\" role=\"img\" "
	    "aria-labelledby=\"%s-t %s-d\" style=\"max-width:640px;"
	    "height:auto;display:block\" font-family=\"Helvetica,Arial,"
	    "sans-serif\">\n<title id=\"%s-t\">", W, h, id, id, id);
	text(f, title);
	fputs("</title>\n", f);
	fprintf(f, "<defs><pattern id=\"%s-h\" width=\"6\" height=\"6\" "
	    "patternUnits=\"userSpaceOnUse\" patternTransform=\"rotate(45)\">"
	    "<rect width=\"6\" height=\"6\" fill=\"" SVG_FAIL "\"/>"
	    "<rect width=\"2\" height=\"6\" fill=\"#ffffff\" "
	    "fill-opacity=\"0.55\"/></pattern></defs>\n", id);
}

static void
legend(FILE *f, const char *id, double y)
{
	fprintf(f, "<rect x=\"0\" y=\"%.1f\" width=\"12\" height=\"12\" "
	    "fill=\"" SVG_PASS "\"/><text x=\"18\" y=\"%.1f\" font-size=\"13\""
	    " fill=\"" SVG_INK "\">passed DMARC</text>"
	    "<rect x=\"130\" y=\"%.1f\" width=\"12\" height=\"12\" "
	    "fill=\"url(#%s-h)\"/><text x=\"148\" y=\"%.1f\" font-size=\"13\""
	    " fill=\"" SVG_INK "\">failed DMARC (hatched)</text>\n",
	    y, y + 10.5, y, id, y + 10.5);
}

static double
bar_max(const struct svg_bar *v, size_t n)
{
	double m = 0;
	size_t i;

	for (i = 0; i < n; i++)
		if (v[i].pass + v[i].fail > m)
			m = v[i].pass + v[i].fail;
	return m;
}

int
svg_daily(FILE *f, const char *id, const char *title,
    const struct svg_bar *v, size_t n)
{
	double max = bar_max(v, n), top = 30, h = 170, bw, x, hp, hf;
	size_t i;

	head(f, id, title, top + h + 50);
	fprintf(f, "<desc id=\"%s-d\">", id);
	for (i = 0; i < n; i++) {
		text(f, v[i].label);
		fprintf(f, ": %lld passed, %lld failed. ",
		    (long long)model_round(v[i].pass),
		    (long long)model_round(v[i].fail));
	}
	fputs("</desc>\n", f);
	legend(f, id, 0);
	fprintf(f, "<line x1=\"0\" x2=\"%.0f\" y1=\"%.1f\" y2=\"%.1f\" "
	    "stroke=\"" SVG_GRID "\"/>\n", W, top + h, top + h);
	bw = n > 0 ? W / (double)n : W;
	for (i = 0; i < n; i++) {
		x = (double)i * bw + bw * 0.15;
		hp = max > 0 ? v[i].pass / max * (h - 20) : 0;
		hf = max > 0 ? v[i].fail / max * (h - 20) : 0;
		fprintf(f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
		    "height=\"%.1f\" fill=\"" SVG_PASS "\"/>", x,
		    top + h - hp, bw * 0.7, hp);
		fprintf(f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
		    "height=\"%.1f\" fill=\"url(#%s-h)\"/>", x,
		    top + h - hp - hf, bw * 0.7, hf, id);
		fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"13\" "
		    "text-anchor=\"middle\" fill=\"" SVG_INK "\">%lld</text>",
		    x + bw * 0.35, top + h - hp - hf - 5,
		    (long long)model_round(v[i].pass + v[i].fail));
		fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"13\" "
		    "text-anchor=\"middle\" fill=\"" SVG_MUTED "\">",
		    x + bw * 0.35, top + h + 18);
		text(f, v[i].label);
		fputs("</text>\n", f);
	}
	fputs("</svg>\n", f);
	return ferror(f) ? -1 : 0;
}

int
svg_sources(FILE *f, const char *id, const char *title,
    const struct svg_bar *v, size_t n)
{
	double max = bar_max(v, n), row = 44, x0 = 0, bwmax = 380, y, wp, wf;
	double tot;
	size_t i;

	head(f, id, title, 24 + row * (double)n + 4);
	fprintf(f, "<desc id=\"%s-d\">", id);
	for (i = 0; i < n; i++) {
		text(f, v[i].label);
		tot = v[i].pass + v[i].fail;
		fprintf(f, ": %lld messages, %.1f%% passed. ",
		    (long long)model_round(tot), model_pct(v[i].pass, tot));
	}
	fputs("</desc>\n", f);
	legend(f, id, 0);
	for (i = 0; i < n; i++) {
		y = 24 + row * (double)i;
		tot = v[i].pass + v[i].fail;
		wp = max > 0 ? v[i].pass / max * bwmax : 0;
		wf = max > 0 ? v[i].fail / max * bwmax : 0;
		fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"13\" "
		    "fill=\"" SVG_INK "\">", x0, y + 13);
		text(f, v[i].label);
		if (v[i].note != NULL) {
			fputs(" \xc2\xb7 ", f);
			text(f, v[i].note);
		}
		fputs("</text>", f);
		fprintf(f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
		    "height=\"16\" fill=\"" SVG_PASS "\"/>", x0, y + 19, wp);
		fprintf(f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
		    "height=\"16\" fill=\"url(#%s-h)\"/>", x0 + wp, y + 19,
		    wf, id);
		fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"13\" "
		    "fill=\"" SVG_INK "\">%lld msgs \xc2\xb7 %.1f%% pass"
		    "</text>\n",
		    x0 + wp + wf + 8, y + 32, (long long)model_round(tot),
		    model_pct(v[i].pass, tot));
	}
	fputs("</svg>\n", f);
	return ferror(f) ? -1 : 0;
}

/* the lowest gridline: 0, or 10 points under the lowest value */
static double
trend_floor(const double *pct, size_t n)
{
	double lo = 100;
	size_t i;

	for (i = 0; i < n; i++)
		if (pct[i] >= 0 && pct[i] < lo)
			lo = pct[i];
	lo = (double)((int)(lo / 10.0)) * 10.0 - 10.0;
	return lo < 0 ? 0 : lo;
}

static void
trend_grid(FILE *f, double lo, double top, double h)
{
	double g, y;

	for (g = lo; g <= 100.0001; g += (100 - lo) / 2) {
		y = top + h - (g - lo) / (100 - lo) * h;
		fprintf(f, "<line x1=\"40\" x2=\"%.0f\" y1=\"%.1f\" "
		    "y2=\"%.1f\" stroke=\"" SVG_GRID "\"/><text x=\"34\" "
		    "y=\"%.1f\" font-size=\"12\" text-anchor=\"end\" fill=\""
		    SVG_MUTED "\">%.0f%%</text>\n", W, y, y, y + 4, g);
	}
}

int
svg_trend(FILE *f, const char *id, const char *title,
    const char *const *labels, const double *pct, size_t n)
{
	double lo = trend_floor(pct, n), top = 20, h = 140, step, x, y;
	size_t i;
	int open = 0;

	head(f, id, title, top + h + 40);
	fprintf(f, "<desc id=\"%s-d\">", id);
	for (i = 0; i < n; i++) {
		text(f, labels[i]);
		if (pct[i] < 0)
			fputs(": no data. ", f);
		else
			fprintf(f, ": %.1f%% passed. ", pct[i]);
	}
	fputs("</desc>\n", f);
	trend_grid(f, lo, top, h);
	step = n > 1 ? (W - 80) / (double)(n - 1) : 0;
	fputs("<polyline fill=\"none\" stroke=\"" SVG_PASS "\" "
	    "stroke-width=\"3\" points=\"", f);
	for (i = 0; i < n; i++)
		if (pct[i] >= 0) {
			fprintf(f, "%s%.1f,%.1f", open ? " " : "",
			    60 + step * (double)i,
			    top + h - (pct[i] - lo) / (100 - lo) * h);
			open = 1;
		}
	fputs("\"/>\n", f);
	for (i = 0; i < n; i++) {
		x = 60 + step * (double)i;
		y = pct[i] >= 0 ? top + h - (pct[i] - lo) / (100 - lo) * h :
		    top + h;
		if (pct[i] >= 0)
			fprintf(f, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"4.5\" "
			    "fill=\"" SVG_PASS "\"/><text x=\"%.1f\" "
			    "y=\"%.1f\" font-size=\"12\" text-anchor=\"middle\""
			    " fill=\"" SVG_INK "\">%.1f</text>", x, y, x,
			    y - 9, pct[i]);
		else
			fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" "
			    "font-size=\"11\" text-anchor=\"middle\" fill=\"" SVG_MUTED
			    "\">no data</text>", x, y - 6);
		fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"12\" "
		    "text-anchor=\"middle\" fill=\"" SVG_MUTED "\">", x,
		    top + h + 20);
		text(f, labels[i]);
		fputs("</text>\n", f);
	}
	fputs("</svg>\n", f);
	return ferror(f) ? -1 : 0;
}

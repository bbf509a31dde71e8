/*
 * The digest as plain text (a terminal, the text/plain part of the mail)
 * and as Markdown (a wiki page, a chat message): the same content as the
 * HTML, charts replaced by their numbers.  Text goes through escape_term;
 * Markdown through escape_term, then entities for & < > and a backslash
 * before the characters Markdown would read as markup there (md_special),
 * so a hostile org_name cannot make a link, an image or raw HTML while
 * example.org stays example.org.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "digest.h"
#include "escape.h"
#include "render.h"
#include "limits.h"

struct out {
	FILE	*f;
	int	 md;		/* Markdown, else text */
};

/*
 * Whether Markdown (CommonMark with the GFM extensions) could read *p,
 * within the value starting at v, as markup: emphasis, code, links,
 * tables and strikethrough anywhere; a heading, list or setext marker at
 * the start of the value followed by a blank (a line may start there);
 * the "://" and "www." that GFM turns into links (a user@host becomes a
 * mailto: link whatever is escaped; harmless, it shows what it is).
 * Every other character, a dot in a domain name among them, is left as
 * it is.
 */
static int
md_special(const char *v, const char *p)
{
	const char *q;
	int end;

	if (strchr("\\`*_[]|~", *p) != NULL)
		return 1;
	if (*p == ':' && strncmp(p + 1, "//", 2) == 0)
		return 1;
	if (*p == '.' && p - v >= 3 && strncasecmp(p - 3, "www", 3) == 0 &&
	    (p - v == 3 || strchr(" (\t", p[-4]) != NULL))
		return 1;
	/* block markers need a blank (or a run: "---") after them */
	end = p[1] == '\0' || p[1] == ' ' || p[1] == '\t';
	if (p == v && strchr("#+-=", *p) != NULL && (end || p[1] == *p))
		return 1;
	if ((*p == '.' || *p == ')') && end && p > v && p - v <= 9) {
		for (q = v; q < p && *q >= '0' && *q <= '9'; q++)
			;
		return q == p;
	}
	return 0;
}

static void
put(const struct out *o, const char *s)
{
	struct buf b;
	const char *p, *v;

	render_scratch_init(&b);
	v = render_escaped(&b, escape_term, s);
	/* the marker is ours, not the value: no Markdown escaping */
	for (p = v; o->md && v != render_too_long && *p != '\0'; p++) {
		if (*p == '&')
			fputs("&amp;", o->f);
		else if (*p == '<')
			fputs("&lt;", o->f);
		else if (*p == '>')
			fputs("&gt;", o->f);
		else {
			if (md_special(v, p))
				fputc('\\', o->f);
			fputc(*p, o->f);
		}
	}
	if (!o->md || v == render_too_long)
		fputs(v, o->f);
	buf_release(&b);
}

/* escape_term only: text inside a Markdown code block */
static void
put_code(const struct out *o, const char *s)
{
	struct out t = { o->f, 0 };

	put(&t, s);
}

static void
heading(const struct out *o, int level, const char *s)
{
	size_t n = strlen(s);

	if (o->md) {
		fprintf(o->f, "\n%s %s\n\n", level == 1 ? "##" : "###", s);
		return;
	}
	fprintf(o->f, "\n%s\n", s);
	while (n-- > 0)
		fputc(level == 1 ? '=' : '-', o->f);
	fputs("\n", o->f);
}

static void
pct(FILE *f, double p)
{
	if (p < 0)
		fputs("-", f);
	else
		fprintf(f, "%.1f%%", p);
}

static void
overview(const struct out *o, const struct digest *d)
{
	char c[32], t[64];
	size_t i;

	heading(o, 1, "Overview");
	if (o->md)
		fputs("| Domain | Messages | DMARC pass | vs last week | "
		    "Policy | Readiness |\n|---|--:|--:|---|---|---|\n", o->f);
	for (i = 0; i < d->n_domains; i++) {
		const struct ddomain *dd = &d->domains[i];

		digest_count(dd->cur ? dd->cur->t.messages : 0, c, sizeof(c));
		digest_trend(dd, t, sizeof(t));
		fputs(o->md ? "| " : "  ", o->f);
		put(o, dd->domain);
		fprintf(o->f, o->md ? " | %s | " : "\n    %s messages, ", c);
		pct(o->f, ddomain_pass_pct(dd));
		fprintf(o->f, o->md ? " | %s | `%s` | %s |\n" : " pass (%s), "
		    "policy %s, %s\n", t, dd->live_policy ? dd->live_policy :
		    "unknown", digest_verdict(dd));
	}
}

static void
changes(const struct out *o, const struct digest *d,
    const struct ddomain *dd)
{
	size_t i, n;
	char **s = digest_sentences(d, dd, &n);

	heading(o, 2, "What changed since last week");
	if (n == 0)
		fputs("Nothing new: no new source, service or selector, no "
		    "drop, every reporter sent.\n", o->f);
	for (i = 0; i < n; i++) {
		fputs("- ", o->f);
		put(o, s[i]);
		fputs("\n", o->f);
		free(s[i]);
	}
	free(s);
}

/* the stored DNS checks and what changed between the last two */
static void
dns_health(const struct out *o, const struct ddomain *dd)
{
	char *sum, **l;
	size_t i, n;

	digest_health_words(dd, &sum, &l, &n);
	heading(o, 2, "DNS health");
	put(o, sum);
	fputs(".\n", o->f);
	for (i = 0; i < n; i++) {
		fputs("- ", o->f);
		put(o, l[i]);
		fputs("\n", o->f);
		free(l[i]);
	}
	free(l);
	free(sum);
}

/* the subdomain sources sp= decides on, at most DIGEST_TOP_FAILING */
static void
sub_sources(const struct out *o, const struct ddomain *dd)
{
	const struct readiness_list *l[3];
	const struct readiness_source *s;
	size_t i, k, n = 0;
	char c[32];

	l[0] = &dd->rd->sub.blocking;
	l[1] = &dd->rd->sub.spoofing_src;
	l[2] = &dd->rd->sub.forwarded;
	if (l[0]->n + l[1]->n + l[2]->n == 0)
		return;
	fputs("\nSubdomains of ", o->f);
	put(o, dd->domain);
	fputs(", failing:\n", o->f);
	for (k = 0; k < 3; k++)
		for (i = 0; i < l[k]->n && n < DIGEST_TOP_FAILING; i++, n++) {
			s = &l[k]->v[i];
			digest_count(s->failing, c, sizeof(c));
			fputs("- ", o->f);
			put(o, s->src->ip ? s->src->ip : "(invalid address)");
			fprintf(o->f, " (%s failing, %s)", c,
			    readiness_class_code(s->cls));
			if (s->n_fix > 0) {
				fputs(": ", o->f);
				put(o, s->fix[0]);
			}
			fputs("\n", o->f);
		}
}

static void
readiness_part(const struct out *o, const struct ddomain *dd)
{
	const struct readiness_domain *rd = dd->rd;
	char c[32];
	size_t i, k;

	heading(o, 2, "Enforcement readiness (last 30 days)");
	fprintf(o->f, "%s%s%s", o->md ? "**" : "", digest_verdict(dd),
	    o->md ? "**" : "");
	if (rd == NULL) {
		fputs(": no reports in the last 30 days.\n", o->f);
		return;
	}
	if (rd->verdict == RVERDICT_NOT_READY && rd->thin != NULL) {
		fputs(" (and ", o->f);
		put(o, rd->thin);
		fputs(")", o->f);
	}
	fprintf(o->f, ", current step %s\n", readiness_step_code(rd->current));
	for (i = 0; i < rd->n_reasons; i++) {
		fputs("- ", o->f);
		put(o, rd->reasons[i]);
		fputs("\n", o->f);
	}
	if (dd->next_record != NULL) {
		fprintf(o->f, "\n%s publish this record:\n\n    _dmarc.",
		    digest_publish_lead(rd));
		/* an indented code block: Markdown escapes would show, and
		   escape_term leaves no newline to end the block early */
		put_code(o, dd->domain);
		fputs(". IN TXT \"", o->f);
		put_code(o, dd->next_record);
		fputs("\"\n", o->f);
	}
	for (i = 0; i < rd->own.blocking.n && i < DIGEST_TOP_FAILING; i++) {
		const struct readiness_source *s = &rd->own.blocking.v[i];

		digest_count(s->failing, c, sizeof(c));
		fputs(i == 0 ? "\nFix first:\n- " : "- ", o->f);
		put(o, s->src->ip ? s->src->ip : "(invalid address)");
		fprintf(o->f, " (%s failing)", c);
		for (k = 0; k < s->n_fix; k++) {
			fputs(k ? "; " : ": ", o->f);
			put(o, s->fix[k]);
		}
		fputs("\n", o->f);
	}
	sub_sources(o, dd);
}

static void
failing(const struct out *o, const struct ddomain *dd)
{
	const char *adv;
	size_t i;
	char c[32];

	heading(o, 2, "Top failing sources");
	if (dd->failing.n == 0)
		fputs("No source failed DMARC.\n", o->f);
	for (i = 0; i < dd->failing.n && i < DIGEST_TOP_FAILING; i++) {
		const struct dsource *s = &dd->failing.v[i];

		digest_count(s->key, c, sizeof(c));
		fputs("- ", o->f);
		put(o, s->src->ip ? s->src->ip : "(invalid address)");
		fputs(" ", o->f);
		put(o, s->src->ptr_label ? s->src->ptr_label :
		    "(not looked up)");
		fputs(", ", o->f);
		put(o, s->service ? s->service : "unknown service");
		fprintf(o->f, ": %s failing, ", c);
		pct(o->f, s->pass_pct);
		fputs(" pass", o->f);
		if ((adv = digest_source_advice(dd, s)) != NULL) {
			fputs("; ", o->f);
			put(o, adv);
		}
		fputs("\n", o->f);
	}
}

static void
numbers(const struct out *o, const struct digest *d,
    const struct ddomain *dd)
{
	char c[32], day[16];
	int i;

	heading(o, 2, "Messages per day (passed / failed)");
	for (i = 0; i < dd->n_days; i++) {
		window_date(d->win.since + i * WINDOW_DAY, day, sizeof(day));
		digest_count(dd->day_pass[i], c, sizeof(c));
		fprintf(o->f, "- %s: %s / ", day, c);
		digest_count(dd->day_fail[i], c, sizeof(c));
		fprintf(o->f, "%s\n", c);
	}
	heading(o, 2, "DMARC pass rate, last 8 weeks");
	for (i = 0; i < DIGEST_HISTORY; i++) {
		window_date(d->hist_win[i].since, day, sizeof(day));
		fprintf(o->f, "- week of %s: ", day);
		if (dd->hist_messages[i] > 0)
			pct(o->f, model_pct(dd->hist_pass[i],
			    dd->hist_messages[i]));
		else
			fputs("no data", o->f);
		digest_count(dd->hist_messages[i], c, sizeof(c));
		fprintf(o->f, " (%s messages)\n", c);
	}
}

static void
domain_section(const struct out *o, const struct digest *d,
    const struct ddomain *dd)
{
	char c[32], t[64];

	fputs(o->md ? "\n## " : "\n== ", o->f);
	put(o, dd->domain);
	fputs(o->md ? "\n\n" : " ==\n", o->f);
	digest_count(dd->cur ? dd->cur->t.messages : 0, c, sizeof(c));
	digest_trend(dd, t, sizeof(t));
	fprintf(o->f, "%s messages, ", c);
	pct(o->f, ddomain_pass_pct(dd));
	fprintf(o->f, " passed DMARC (%s), %lu reports.\n", t,
	    dd->cur ? dd->cur->reports : 0);
	changes(o, d, dd);
	dns_health(o, dd);
	readiness_part(o, dd);
	failing(o, dd);
	numbers(o, d, dd);
}

/* the header's first thing to fix, per domain that has one */
static void
first_fixes(const struct out *o, const struct digest *d)
{
	size_t i;

	for (i = 0; i < d->n_domains; i++) {
		const struct readiness_domain *rd = d->domains[i].rd;

		if (rd == NULL || rd->n_blockers == 0)
			continue;
		fputs(o->md ? "\n**First to fix for " : "\nFirst to fix for ",
		    o->f);
		put(o, d->domains[i].domain);
		fputs(o->md ? ":** " : ": ", o->f);
		put(o, rd->blockers[0]);
		fputs("\n", o->f);
	}
}

static int
render(const struct out *o, const struct digest *d)
{
	char label[64], a[16], b[16], c[32];
	size_t i;

	digest_label(d, label, sizeof(label));
	window_date(d->win.since, a, sizeof(a));
	window_date(d->win.until - 1, b, sizeof(b));
	digest_count(d->messages, c, sizeof(c));
	fprintf(o->f, "%sDMARC weekly digest %s (%s to %s, UTC)\n\n",
	    o->md ? "# " : "", label, a, b);
	if (d->messages > 0)
		fprintf(o->f, "%.1f%% of %s messages passed DMARC. ",
		    model_pct(d->pass, d->messages), c);
	else
		fputs("No messages reported. ", o->f);
	fprintf(o->f, "%lu new source%s, %lu rejected input%s.\n",
	    d->n_new_sources, d->n_new_sources == 1 ? "" : "s", d->rejected,
	    d->rejected == 1 ? "" : "s");
	first_fixes(o, d);
	overview(o, d);
	for (i = 0; i < d->n_domains; i++)
		domain_section(o, d, &d->domains[i]);
	heading(o, 1, "Ingest health");
	if (d->rejected == 0)
		fputs("No input was rejected this week.\n", o->f);
	for (i = 0; i < d->n_rejects; i++) {
		fprintf(o->f, "- %lu x ", d->rejects[i].n);
		put(o, d->rejects[i].reason);
		fputs("\n", o->f);
	}
	return ferror(o->f) ? -1 : 0;
}

int
digest_render_text(FILE *f, const struct digest *d)
{
	struct out o = { f, 0 };

	return render(&o, d);
}

int
digest_render_markdown(FILE *f, const struct digest *d)
{
	struct out o = { f, 1 };

	return render(&o, d);
}

/*
 * Text output for a terminal: one block per policy domain (summary) or
 * per source (sources, failures: its sending service, "unknown" when no
 * classify.h entry matched), numbers right-aligned in columns.
 * Every string from the database or DNS goes through escape_term, so a
 * hostile org_name cannot move the cursor or fake lines; colour (bold
 * names, red failures, yellow mismatches) only when render_opts.color.
 */
#include <stdio.h>

#include "buf.h"
#include "escape.h"
#include "render.h"

#define C_BOLD	"\033[1m"
#define C_RED	"\033[31m"
#define C_YEL	"\033[33m"
#define C_OFF	"\033[0m"

/* list entries printed per line of a source's details */
#define TEXT_MAX_LIST	10

struct tctx {
	FILE		*f;
	int		 color;
	struct buf	 b;		/* escaping scratch */
};

/* the escaped form of s ("-" for NULL); valid until the next call */
static const char *
esc(struct tctx *t, const char *s)
{
	if (s == NULL)
		return "-";
	return render_escaped(&t->b, escape_term, s);
}

static const char *
on(const struct tctx *t, const char *code)
{
	return t->color ? code : "";
}

static void
tally_lines(struct tctx *t, const struct mtally *ta, const char *ind)
{
	double pf[2] = { ta->dmarc_pass, ta->messages - ta->dmarc_pass };
	int64_t r2[2], rd[MDISP__COUNT], rf[MFAIL__COUNT];
	int i;

	model_round_parts(pf, 2, r2);
	model_round_parts(ta->disp, MDISP__COUNT, rd);
	model_round_parts(ta->fail, MFAIL__COUNT, rf);
	fprintf(t->f, "%s%-16s %10lld\n", ind, "messages",
	    (long long)(r2[0] + r2[1]));
	fprintf(t->f, "%s%-16s %10lld  %5.1f%%\n", ind, "DMARC pass",
	    (long long)r2[0], model_pct(pf[0], ta->messages));
	fprintf(t->f, "%s%s%-16s %10lld  %5.1f%%%s\n", ind,
	    r2[1] > 0 ? on(t, C_RED) : "", "DMARC fail", (long long)r2[1],
	    model_pct(pf[1], ta->messages), r2[1] > 0 ? on(t, C_OFF) : "");
	fprintf(t->f, "%s%-16s %10lld  %5.1f%%\n", ind, "DKIM aligned",
	    (long long)model_round(ta->dkim_aligned),
	    model_pct(ta->dkim_aligned, ta->messages));
	fprintf(t->f, "%s%-16s %10lld  %5.1f%%\n", ind, "SPF aligned",
	    (long long)model_round(ta->spf_aligned),
	    model_pct(ta->spf_aligned, ta->messages));
	fprintf(t->f, "%s%-16s", ind, "dispositions");
	for (i = 0; i < MDISP__COUNT; i++)
		if (rd[i] > 0 || i < MDISP_PASS)
			fprintf(t->f, " %s %lld", mdisp_name(i),
			    (long long)rd[i]);
	fputc('\n', t->f);
	for (i = 0; i < MFAIL__COUNT; i++)
		if (rf[i] > 0)
			fprintf(t->f, "%s  fail: %-32s %10lld\n", ind,
			    mfail_text(i), (long long)rf[i]);
}

static void
values_line(struct tctx *t, const char *ind, const char *label,
    const struct mvalues *vs)
{
	const struct mvalue *v;
	size_t i;

	if (vs->n == 0)
		return;
	fprintf(t->f, "%s%-16s", ind, label);
	for (i = 0; i < vs->n && i < TEXT_MAX_LIST; i++) {
		v = &vs->v[i];
		fputs(i ? "; " : " ", t->f);
		if (v->other) {
			fputs("(other)", t->f);
		} else {
			fputs(esc(t, v->name), t->f);
			if (v->detail != NULL)
				fprintf(t->f, " %s", esc(t, v->detail));
			if (v->result != NULL)
				fprintf(t->f, " %s", esc(t, v->result));
		}
		fprintf(t->f, " (%lld)", (long long)model_round(v->messages));
	}
	if (vs->n > TEXT_MAX_LIST)
		fprintf(t->f, "; and %zu more", vs->n - TEXT_MAX_LIST);
	fputc('\n', t->f);
}

static void
policy_lines(struct tctx *t, const struct msum *d)
{
	const struct mpolicy *p;
	size_t i;

	for (i = 0; i < d->n_policies; i++) {
		p = &d->policies[i];
		fprintf(t->f, "  %-16s p=%s", i ? "" : "policy seen", esc(t,
		    p->p));
		fprintf(t->f, " sp=%s", esc(t, p->sp));
		fprintf(t->f, " np=%s", esc(t, p->np));
		fprintf(t->f, " adkim=%s", esc(t, p->adkim));
		fprintf(t->f, " aspf=%s", esc(t, p->aspf));
		fprintf(t->f, " t=%s", esc(t, p->testing));
		if (p->pct >= 0)
			fprintf(t->f, " pct=%d", p->pct);
		fprintf(t->f, "  (%lu report%s, %lld messages)\n", p->reports,
		    p->reports == 1 ? "" : "s",
		    (long long)model_round(p->messages));
	}
	if (d->live_status == NULL)
		fprintf(t->f, "  %-16s not looked up\n", "live policy");
	else if (d->live_record != NULL) {
		fprintf(t->f, "  %-16s %s\n", "live policy",
		    esc(t, d->live_record));
		fprintf(t->f, "  %-16s applied p=%s (%s)\n", "", esc(t,
		    d->live_p), d->live_stored ? "stored lookup" :
		    "looked up now");
	} else
		fprintf(t->f, "  %-16s %s\n", "live policy",
		    esc(t, d->live_status));
	for (i = 0; i < d->n_mismatch; i++)
		fprintf(t->f, "  %s%-16s %s%s\n", on(t, C_YEL), "MISMATCH",
		    esc(t, d->mismatch[i]), on(t, C_OFF));
}

static void
domain_block(struct tctx *t, const struct model *m, const struct msum *d)
{
	const struct mvalue *v;
	size_t i;

	fprintf(t->f, "\n%s%s%s\n", on(t, C_BOLD),
	    d->domain[0] ? esc(t, d->domain) : "(no policy domain)",
	    on(t, C_OFF));
	fprintf(t->f, "  %-16s %10lu\n", "reports", d->reports);
	fprintf(t->f, "  %-16s %7d/%d\n", "days covered", d->days_covered,
	    window_days(&m->win));
	tally_lines(t, &d->t, "  ");
	values_line(t, "  ", "reasons", &d->reasons);
	fprintf(t->f, "  %-16s %-40s %8s %10s\n", "reporters", "ORG",
	    "REPORTS", "MESSAGES");
	for (i = 0; i < d->reporters.n; i++) {
		v = &d->reporters.v[i];
		fprintf(t->f, "  %-16s %-40s %8lu %10lld\n", "",
		    v->other ? "(other)" : esc(t, v->name), v->rows,
		    (long long)model_round(v->messages));
	}
	policy_lines(t, d);
}

static void
source_block(struct tctx *t, const struct msource *s)
{
	fprintf(t->f, "\n%s%s%s", on(t, C_BOLD), esc(t, s->ip ? s->ip :
	    "(invalid address)"), on(t, C_OFF));
	fprintf(t->f, "  %s", esc(t, msource_ptr_label(s)));
	fprintf(t->f, "  for %s\n", s->domain[0] ? esc(t, s->domain) :
	    "(no policy domain)");
	fprintf(t->f, "  %-16s %s\n", "service", s->service != NULL ?
	    esc(t, s->service) : "unknown");
	tally_lines(t, &s->t, "  ");
	values_line(t, "  ", "header_from", &s->header_from);
	values_line(t, "  ", "envelope_from", &s->envelope_from);
	values_line(t, "  ", "DKIM d=/s=", &s->dkim);
	values_line(t, "  ", "SPF", &s->spf);
	values_line(t, "  ", "reasons", &s->reasons);
	values_line(t, "  ", "reporters", &s->reporters);
}

static void
rejects_block(struct tctx *t, const struct model *m)
{
	char when[32];
	size_t i;

	fprintf(t->f, "\nrejected inputs in the window: %lu\n",
	    m->rejected_inputs);
	for (i = 0; i < m->n_rejects; i++) {
		window_timestamp(m->rejects[i].first_seen, when,
		    sizeof(when));
		fprintf(t->f, "  %s  %s", when, esc(t, m->rejects[i].source));
		fprintf(t->f, ": %s\n", esc(t, m->rejects[i].reason));
	}
}

static void
header(struct tctx *t, const struct model *m)
{
	char since[16], last[16];
	const char *what = m->mode == MODEL_SOURCES ? "sources" :
	    m->mode == MODEL_FAILURES ? "DMARC failures" : "summary";

	window_date(m->win.since, since, sizeof(since));
	window_date(m->win.until - 1, last, sizeof(last));
	fprintf(t->f, "dmarc-report %s: %s .. %s (%d day%s, UTC)\n", what,
	    since, last, window_days(&m->win),
	    window_days(&m->win) == 1 ? "" : "s");
	if (m->n_domains == 0)
		fprintf(t->f, "no reports in the window\n");
}

int
render_text(FILE *f, const struct model *m, const struct render_opts *o)
{
	struct tctx t;
	size_t i;

	t.f = f;
	t.color = o != NULL && o->color;
	render_scratch_init(&t.b);
	header(&t, m);
	if (m->mode == MODEL_SOURCES || m->mode == MODEL_FAILURES) {
		if (m->n_domains > 0 && m->n_sources == 0)
			fprintf(f, "no %s in the window\n",
			    m->mode == MODEL_FAILURES ? "failures" :
			    "sources");
		for (i = 0; i < m->n_sources; i++)
			source_block(&t, &m->sources[i]);
		if (m->sources_dropped > 0)
			fprintf(f, "\n%lu more sources not shown\n",
			    m->sources_dropped);
	} else {
		for (i = 0; i < m->n_domains; i++)
			domain_block(&t, m, &m->domains[i]);
		rejects_block(&t, m);
	}
	buf_release(&t.b);
	return ferror(f) ? -1 : 0;
}

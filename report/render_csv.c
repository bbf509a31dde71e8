/*
 * CSV output (RFC 4180, CRLF line ends, a header row): one row per
 * policy domain (summary) or per source (sources, failures; the last
 * column is the sending service, empty when unknown).  Every field goes
 * through escape_csv, which quotes and defuses spreadsheet formulas
 * (= + - @ TAB CR prefixed with ').  Lists (header_from, DKIM results...)
 * are joined into one field as "value (messages); ...".
 */
#include <stdio.h>

#include "buf.h"
#include "escape.h"
#include "render.h"

struct cctx {
	FILE		*f;
	struct buf	 b;
	int		 first;		/* no comma before the next field */
};

static void
field(struct cctx *c, const char *s)
{
	buf_reset(&c->b);
	if (!c->first)
		fputc(',', c->f);
	c->first = 0;
	if (s == NULL)
		return;
	fputs(render_escaped(&c->b, escape_csv, s), c->f);
}

static void
num(struct cctx *c, long long v)
{
	char s[32];

	snprintf(s, sizeof(s), "%lld", v);
	field(c, s);
}

static void
pct(struct cctx *c, double v)
{
	char s[32];

	snprintf(s, sizeof(s), "%.1f", v);
	field(c, s);
}

static void
eol(struct cctx *c)
{
	fputs("\r\n", c->f);
	c->first = 1;
}

/* a list as one field; the joined raw text is escaped as a whole */
static void
list(struct cctx *c, const struct mvalues *vs)
{
	struct buf j;
	char n[40];
	size_t i;

	buf_init(&j, RENDER_MAX_VALUE);
	for (i = 0; i < vs->n; i++) {
		if (i)
			buf_adds(&j, "; ");
		if (vs->v[i].other)
			buf_adds(&j, "(other)");
		else
			buf_adds(&j, vs->v[i].name ? vs->v[i].name : "-");
		if (vs->v[i].detail) {
			buf_addc(&j, ' ');
			buf_adds(&j, vs->v[i].detail);
		}
		if (vs->v[i].result) {
			buf_addc(&j, ' ');
			buf_adds(&j, vs->v[i].result);
		}
		snprintf(n, sizeof(n), " (%lld)",
		    (long long)model_round(vs->v[i].messages));
		buf_adds(&j, n);
	}
	field(c, buf_cstr(&j));
	buf_release(&j);
}

static const char tally_head[] = "messages,dmarc_pass,dmarc_fail,"
    "dmarc_pass_pct,dkim_aligned,dkim_aligned_pct,spf_aligned,"
    "spf_aligned_pct,disp_none,disp_quarantine,disp_reject,disp_pass,"
    "disp_unknown,fail_override,fail_dkim_other_domain,"
    "fail_spf_other_domain,fail_no_dkim_signature,fail_both_failed";

static void
tally(struct cctx *c, const struct mtally *t)
{
	double pf[2] = { t->dmarc_pass, t->messages - t->dmarc_pass };
	int64_t r2[2], rd[MDISP__COUNT], rf[MFAIL__COUNT];
	int i;

	model_round_parts(pf, 2, r2);
	model_round_parts(t->disp, MDISP__COUNT, rd);
	model_round_parts(t->fail, MFAIL__COUNT, rf);
	num(c, r2[0] + r2[1]);
	num(c, r2[0]);
	num(c, r2[1]);
	pct(c, model_pct(pf[0], t->messages));
	num(c, model_round(t->dkim_aligned));
	pct(c, model_pct(t->dkim_aligned, t->messages));
	num(c, model_round(t->spf_aligned));
	pct(c, model_pct(t->spf_aligned, t->messages));
	for (i = 0; i < MDISP__COUNT; i++)
		num(c, rd[i]);
	for (i = 0; i < MFAIL__COUNT; i++)
		num(c, rf[i]);
}

static void
mismatches(struct cctx *c, const struct msum *d)
{
	struct buf j;
	size_t i;

	buf_init(&j, RENDER_MAX_VALUE);
	for (i = 0; i < d->n_mismatch; i++) {
		if (i)
			buf_adds(&j, "; ");
		buf_adds(&j, d->mismatch[i]);
	}
	field(c, buf_cstr(&j));
	buf_release(&j);
}

static void
domains(struct cctx *c, const struct model *m)
{
	const struct msum *d;
	size_t i;

	fprintf(c->f, "domain,reports,days_covered,%s,reasons,reporters,"
	    "live_status,live_record,live_p,mismatches\r\n", tally_head);
	for (i = 0; i < m->n_domains; i++) {
		d = &m->domains[i];
		field(c, d->domain);
		num(c, (long long)d->reports);
		num(c, d->days_covered);
		tally(c, &d->t);
		list(c, &d->reasons);
		list(c, &d->reporters);
		field(c, d->live_status);
		field(c, d->live_record);
		field(c, d->live_p);
		mismatches(c, d);
		eol(c);
	}
}

static void
sources(struct cctx *c, const struct model *m)
{
	const struct msource *s;
	size_t i;

	/* service last: the columns before it keep their positions */
	fprintf(c->f, "domain,ip,ptr,%s,header_from,envelope_from,dkim,spf,"
	    "reasons,reporters,service\r\n", tally_head);
	for (i = 0; i < m->n_sources; i++) {
		s = &m->sources[i];
		field(c, s->domain);
		field(c, s->ip);
		field(c, msource_ptr_label(s));
		tally(c, &s->t);
		list(c, &s->header_from);
		list(c, &s->envelope_from);
		list(c, &s->dkim);
		list(c, &s->spf);
		list(c, &s->reasons);
		list(c, &s->reporters);
		field(c, s->service);	/* empty: unknown */
		eol(c);
	}
}

int
render_csv(FILE *f, const struct model *m)
{
	struct cctx c;

	c.f = f;
	c.first = 1;
	render_scratch_init(&c.b);
	if (m->mode == MODEL_SOURCES || m->mode == MODEL_FAILURES)
		sources(&c, m);
	else
		domains(&c, m);
	buf_release(&c.b);
	return ferror(f) ? -1 : 0;
}

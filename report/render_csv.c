/*
 * The CSV format's printers (format.h; RFC 4180, CRLF line ends, a
 * header row): one row per policy domain (summary) or per source
 * (sources, failures; the last column is the sending service, empty when
 * unknown), one per listed source for readiness (readiness.h).  Every field goes
 * through escape_csv, which quotes and defuses spreadsheet formulas
 * (= + - @ TAB CR prefixed with ').  Lists (header_from, DKIM results...)
 * are joined into one field as "value (messages); ...".
 */
#include <stdio.h>

#include "buf.h"
#include "escape.h"
#include "readiness.h"
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

/* ------------------------------------------------------------------ */
/* the readiness mode                                                 */

/* a message count as printed: rounded half up */
static long long
n_of(double v)
{
	return (long long)model_round(v);
}

static void
csv_row(FILE *f, const struct readiness_domain *rd, const char *list,
    const struct readiness_source *rs, const char *scope)
{
	size_t i;

	render_value(f, escape_csv, rd->domain);
	fprintf(f, ",%s,%s,%s,%s,", readiness_verdict_code(rd->verdict),
	    readiness_step_code(rd->current), readiness_step_code(rd->next),
	    list);
	if (rs == NULL) {
		fputs(",,,,,,,,\r\n", f);
		return;
	}
	render_value(f, escape_csv, rs->src->ip);
	fputc(',', f);
	/* as JSON: the name only */
	render_value(f, escape_csv, rs->src->ptr);
	fputc(',', f);
	render_value(f, escape_csv,
	    rs->sender != NULL ? rs->sender->name : NULL);
	fprintf(f, ",%lld,%lld,%.2f,", n_of(rs->src->t.messages),
	    n_of(rs->failing), rs->aligned_pct);
	{
		struct buf b;

		buf_init(&b, RENDER_MAX_VALUE);
		for (i = 0; i < rs->n_fix; i++)
			if ((i > 0 && buf_adds(&b, " / ") == -1) ||
			    buf_adds(&b, rs->fix[i]) == -1)
				break;
		render_value(f, escape_csv, buf_cstr(&b));
		buf_release(&b);
	}
	fputc(',', f);
	render_value(f, escape_csv, rs->src->service);	/* empty: unknown */
	fprintf(f, ",%s\r\n", scope);
}

static void
csv_list(FILE *f, const struct readiness_domain *rd, const char *name,
    const struct readiness_list *l, const char *scope)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		csv_row(f, rd, name, &l->v[i], scope);
}

static size_t
scope_listed(const struct readiness_scope *sc)
{
	return sc->blocking.n + sc->forwarded.n + sc->spoofing_src.n;
}

static void
csv_scope(FILE *f, const struct readiness_domain *rd,
    const struct readiness_scope *sc, const char *scope)
{
	csv_list(f, rd, "blocking", &sc->blocking, scope);
	csv_list(f, rd, "forwarded", &sc->forwarded, scope);
	csv_list(f, rd, "spoofing", &sc->spoofing_src, scope);
}

static void
render_csv_all(FILE *f, const struct readiness_result *r)
{
	size_t i;

	/* new columns go last: the columns before keep their positions */
	fputs("domain,verdict,current_step,next_step,list,ip,ptr,sender,"
	    "messages,failing,aligned_pct,fix,service,scope\r\n", f);
	for (i = 0; i < r->n_domains; i++) {
		const struct readiness_domain *rd = &r->domains[i];

		if (scope_listed(&rd->own) + scope_listed(&rd->sub) == 0)
			csv_row(f, rd, "", NULL, "");
		csv_scope(f, rd, &rd->own, "domain");
		csv_scope(f, rd, &rd->sub, "subdomains");
	}
}

int
readiness_render_csv(FILE *f, const struct readiness_result *r,
    const struct render_opts *o)
{
	(void)o;
	render_csv_all(f, r);
	return ferror(f) ? -1 : 0;
}

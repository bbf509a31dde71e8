/*
 * JSON output: one object per run, the structure documented in
 * dmarc-report(1) (JSON OUTPUT) and kept stable: members may be added,
 * none renamed or removed.  Every string goes through escape_json;
 * counts are integers rounded as render.h says, percentages numbers with
 * one decimal, and messages_exact keeps the unrounded share.
 */
#include <stdio.h>

#include "buf.h"
#include "escape.h"
#include "render.h"

static void
jstr(FILE *f, const char *s)
{
	struct buf b;

	if (s == NULL) {
		fputs("null", f);
		return;
	}
	render_scratch_init(&b);
	fprintf(f, "\"%s\"", render_escaped(&b, escape_json, s));
	buf_release(&b);
}

/* "key": string-or-null, with a leading comma unless first */
static void
jkey(FILE *f, const char *key, int first)
{
	fprintf(f, "%s\"%s\":", first ? "" : ",", key);
}

static void
jtally(FILE *f, const struct mtally *t)
{
	double pf[2] = { t->dmarc_pass, t->messages - t->dmarc_pass };
	int64_t r2[2], rd[MDISP__COUNT], rf[MFAIL__COUNT];
	int i;

	model_round_parts(pf, 2, r2);
	model_round_parts(t->disp, MDISP__COUNT, rd);
	model_round_parts(t->fail, MFAIL__COUNT, rf);
	fprintf(f, "\"messages\":%lld,\"messages_exact\":%.6f,"
	    "\"records\":%lu,", (long long)(r2[0] + r2[1]), t->messages,
	    t->rows);
	fprintf(f, "\"dmarc\":{\"pass\":%lld,\"fail\":%lld,"
	    "\"pass_pct\":%.1f,\"fail_pct\":%.1f},", (long long)r2[0],
	    (long long)r2[1], model_pct(pf[0], t->messages),
	    model_pct(pf[1], t->messages));
	fprintf(f, "\"dkim_aligned\":{\"messages\":%lld,\"pct\":%.1f},",
	    (long long)model_round(t->dkim_aligned),
	    model_pct(t->dkim_aligned, t->messages));
	fprintf(f, "\"spf_aligned\":{\"messages\":%lld,\"pct\":%.1f},",
	    (long long)model_round(t->spf_aligned),
	    model_pct(t->spf_aligned, t->messages));
	fprintf(f, "\"both_aligned\":{\"messages\":%lld,\"pct\":%.1f},",
	    (long long)model_round(t->both_aligned),
	    model_pct(t->both_aligned, t->messages));
	fputs("\"dispositions\":{", f);
	for (i = 0; i < MDISP__COUNT; i++)
		fprintf(f, "%s\"%s\":%lld", i ? "," : "", mdisp_name(i),
		    (long long)rd[i]);
	fputs("},\"failures\":{", f);
	for (i = 0; i < MFAIL__COUNT; i++)
		fprintf(f, "%s\"%s\":%lld", i ? "," : "", mfail_code(i),
		    (long long)rf[i]);
	fputc('}', f);
}

/* a list of values; names[] gives the member name of name/detail/result */
static void
jvalues_n(FILE *f, const char *key, const struct mvalues *vs,
    const char *const names[3], const char *rows_key)
{
	const struct mvalue *v;
	size_t i;
	int k;

	fprintf(f, ",\"%s\":[", key);
	for (i = 0; i < vs->n; i++) {
		v = &vs->v[i];
		fputs(i ? ",{" : "{", f);
		for (k = 0; k < 3 && names[k] != NULL; k++) {
			jkey(f, names[k], k == 0);
			jstr(f, k == 0 ? v->name : k == 1 ? v->detail :
			    v->result);
		}
		fprintf(f, ",\"messages\":%lld,\"%s\":%lu,"
		    "\"other\":%s}", (long long)model_round(v->messages),
		    rows_key, v->rows, v->other ? "true" : "false");
	}
	fputc(']', f);
}

static void
jvalues(FILE *f, const char *key, const struct mvalues *vs,
    const char *const names[3])
{
	jvalues_n(f, key, vs, names, "records");
}

static const char *const n_value[3] = { "value", NULL, NULL };
static const char *const n_org[3] = { "org", NULL, NULL };
static const char *const n_reason[3] = { "type", "comment", NULL };
static const char *const n_dkim[3] = { "domain", "selector", "result" };
static const char *const n_spf[3] = { "domain", "scope", "result" };

static void
jpolicies(FILE *f, const struct msum *d)
{
	const struct mpolicy *p;
	size_t i;

	fputs(",\"published_policies\":[", f);
	for (i = 0; i < d->n_policies; i++) {
		p = &d->policies[i];
		fputs(i ? ",{" : "{", f);
		jkey(f, "p", 1); jstr(f, p->p);
		jkey(f, "sp", 0); jstr(f, p->sp);
		jkey(f, "np", 0); jstr(f, p->np);
		jkey(f, "adkim", 0); jstr(f, p->adkim);
		jkey(f, "aspf", 0); jstr(f, p->aspf);
		jkey(f, "testing", 0); jstr(f, p->testing);
		jkey(f, "pct", 0);
		if (p->pct < 0)
			fputs("null", f);
		else
			fprintf(f, "%d", p->pct);
		fprintf(f, ",\"reports\":%lu,\"messages\":%lld}", p->reports,
		    (long long)model_round(p->messages));
	}
	fputc(']', f);
}

static void
jlive(FILE *f, const struct msum *d)
{
	char t[2] = { d->live_t, '\0' };
	size_t i;

	fputs(",\"live_policy\":", f);
	if (d->live_status == NULL) {
		fputs("null", f);
	} else {
		fputs("{", f);
		jkey(f, "status", 1); jstr(f, d->live_status);
		jkey(f, "source", 0);
		jstr(f, d->live_stored ? "stored" : "dns");
		fprintf(f, ",\"looked_up_at\":%lld", (long long)d->live_at);
		jkey(f, "record", 0); jstr(f, d->live_record);
		jkey(f, "p", 0); jstr(f, d->live_p);
		jkey(f, "sp", 0); jstr(f, d->live_sp);
		jkey(f, "adkim", 0); jstr(f, d->live_adkim);
		jkey(f, "aspf", 0); jstr(f, d->live_aspf);
		jkey(f, "t", 0); jstr(f, d->live_t ? t : NULL);
		jkey(f, "pct", 0);
		if (d->live_pct < 0)
			fputs("null", f);
		else
			fprintf(f, "%d", d->live_pct);
		fputc('}', f);
	}
	fputs(",\"mismatches\":[", f);
	for (i = 0; i < d->n_mismatch; i++) {
		if (i)
			fputc(',', f);
		jstr(f, d->mismatch[i]);
	}
	fputc(']', f);
}

static void
jdays(FILE *f, const struct model *m, const struct msum *d)
{
	char date[16];
	int i, n = window_days(&m->win);

	fputs(",\"days\":[", f);
	for (i = 0; i < n; i++) {
		window_date(m->win.since + (int64_t)i * WINDOW_DAY, date,
		    sizeof(date));
		fprintf(f, "%s{\"date\":\"%s\",\"messages\":%lld}",
		    i ? "," : "", date,
		    (long long)model_round(d->day_messages[i]));
	}
	fputc(']', f);
}

static void
jdomain(FILE *f, const struct model *m, const struct msum *d)
{
	fputs("{\"domain\":", f);
	jstr(f, d->domain);
	fprintf(f, ",\"reports\":%lu,\"days_covered\":%d,", d->reports,
	    d->days_covered);
	jtally(f, &d->t);
	jvalues(f, "reasons", &d->reasons, n_value);
	jvalues_n(f, "reporters", &d->reporters, n_org, "reports");
	jdays(f, m, d);
	jpolicies(f, d);
	jlive(f, d);
	fputc('}', f);
}

static void
jsource(FILE *f, const struct msource *s)
{
	fputs("{\"domain\":", f);
	jstr(f, s->domain);
	jkey(f, "ip", 0); jstr(f, s->ip);
	jkey(f, "ptr", 0); jstr(f, s->ptr);
	jkey(f, "ptr_status", 0); jstr(f, s->ptr_status);
	jkey(f, "service", 0); jstr(f, s->service);
	fputc(',', f);
	jtally(f, &s->t);
	jvalues(f, "header_from", &s->header_from, n_value);
	jvalues(f, "envelope_from", &s->envelope_from, n_value);
	jvalues(f, "dkim", &s->dkim, n_dkim);
	jvalues(f, "spf", &s->spf, n_spf);
	jvalues(f, "reasons", &s->reasons, n_reason);
	jvalues(f, "reporters", &s->reporters, n_org);
	fputc('}', f);
}

static const char *
mode_name(enum model_mode mode)
{
	return mode == MODEL_SOURCES ? "sources" : mode == MODEL_FAILURES ?
	    "failures" : mode == MODEL_READINESS ? "readiness" : "summary";
}

static void
jwindow(FILE *f, const struct model *m)
{
	char since[16], last[16];

	window_date(m->win.since, since, sizeof(since));
	window_date(m->win.until - 1, last, sizeof(last));
	fprintf(f, "\"window\":{\"since\":%lld,\"until\":%lld,"
	    "\"first_day\":\"%s\",\"last_day\":\"%s\",\"days\":%d},",
	    (long long)m->win.since, (long long)m->win.until, since, last,
	    window_days(&m->win));
}

static void
jrejects(FILE *f, const struct model *m)
{
	size_t i;

	fprintf(f, ",\"rejected_inputs\":{\"count\":%lu,\"recent\":[",
	    m->rejected_inputs);
	for (i = 0; i < m->n_rejects; i++) {
		fputs(i ? ",{" : "{", f);
		jkey(f, "source", 1); jstr(f, m->rejects[i].source);
		jkey(f, "reason", 0); jstr(f, m->rejects[i].reason);
		fprintf(f, ",\"first_seen\":%lld}",
		    (long long)m->rejects[i].first_seen);
	}
	fputs("]}", f);
}

int
render_json(FILE *f, const struct model *m)
{
	size_t i;

	fprintf(f, "{\"format\":\"dmarc-report\",\"version\":1,"
	    "\"mode\":\"%s\",", mode_name(m->mode));
	jwindow(f, m);
	fprintf(f, "\"dns\":%s,\"domains\":[", m->no_dns ? "false" : "true");
	for (i = 0; i < m->n_domains; i++) {
		if (i)
			fputc(',', f);
		jdomain(f, m, &m->domains[i]);
	}
	fputc(']', f);
	if (m->mode == MODEL_SOURCES || m->mode == MODEL_FAILURES) {
		fputs(",\"sources\":[", f);
		for (i = 0; i < m->n_sources; i++) {
			if (i)
				fputc(',', f);
			jsource(f, &m->sources[i]);
		}
		fprintf(f, "],\"sources_dropped\":%lu", m->sources_dropped);
	}
	jrejects(f, m);
	fputs("}\n", f);
	return ferror(f) ? -1 : 0;
}

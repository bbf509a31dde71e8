/*
 * The JSON format's printers (format.h): one object per run, the
 * structure documented in dmarc-report(1) (JSON OUTPUT), readiness.h
 * (readiness) and policy.h (policy, and the brief object summary embeds),
 * kept stable: members may be added, none renamed or removed.  Every string goes through escape_json;
 * counts are integers rounded as render.h says, percentages numbers with
 * one decimal, and messages_exact keeps the unrounded share.
 */
#include <stdint.h>
#include <stdio.h>
#include <time.h>

#include "buf.h"
#include "dmarcrec.h"
#include "escape.h"
#include "policy.h"
#include "readiness.h"
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

/* ------------------------------------------------------------------ */
/* the readiness mode                                                 */

/* a message count as printed: rounded half up */
static long long
n_of(double v)
{
	return (long long)model_round(v);
}

static void
json_source(FILE *f, const struct readiness_source *rs)
{
	size_t i;

	fputs("{\"ip\":", f);
	jstr(f, rs->src->ip);
	fputs(",\"ptr\":", f);
	jstr(f, rs->src->ptr);
	fprintf(f, ",\"class\":\"%s\",\"sender\":",
	    readiness_class_code(rs->cls));
	jstr(f, rs->sender != NULL ? rs->sender->name : NULL);
	fputs(",\"service\":", f);
	jstr(f, rs->src->service);
	fprintf(f, ",\"messages\":%lld,\"failing\":%lld,\"aligned_pct\":%.2f"
	    ",\"fix\":[", n_of(rs->src->t.messages), n_of(rs->failing),
	    rs->aligned_pct);
	for (i = 0; i < rs->n_fix; i++) {
		if (i)
			fputc(',', f);
		jstr(f, rs->fix[i]);
	}
	fputs("]}", f);
}

static void
json_list(FILE *f, const char *name, const char *more,
    const struct readiness_list *l)
{
	size_t i;

	fprintf(f, ",\"%s\":[", name);
	for (i = 0; i < l->n; i++) {
		if (i)
			fputc(',', f);
		json_source(f, &l->v[i]);
	}
	fprintf(f, "],\"%s\":%lu", more, l->more);
}

static void
json_scope(FILE *f, const struct readiness_scope *sc)
{
	size_t i;

	fprintf(f, "\"legitimate\":%lld,"
	    "\"legitimate_failing\":%lld,\"legitimate_fail_pct\":%.2f,"
	    "\"forwarded_failing\":%lld,\"spoofing\":%lld,"
	    "\"worst_aligned_pct\":%.2f,\"worst_source\":",
	    n_of(sc->legit), n_of(sc->legit_failing), sc->legit_fail_pct,
	    n_of(sc->forwarded_failing), n_of(sc->spoofing),
	    sc->worst_aligned_pct);
	jstr(f, sc->worst_source);
	fputs(",\"classes\":{", f);
	for (i = 0; i < RCLASS__COUNT; i++)
		fprintf(f, "%s\"%s\":{\"sources\":%lu,\"messages\":%lld}",
		    i ? "," : "", readiness_class_code((enum readiness_class)i),
		    sc->class_sources[i], n_of(sc->class_messages[i]));
	fputc('}', f);
}

static void
json_strings(FILE *f, const char *name, char *const *v, size_t n)
{
	size_t i;

	fprintf(f, ",\"%s\":[", name);
	for (i = 0; i < n; i++) {
		if (i)
			fputc(',', f);
		jstr(f, v[i]);
	}
	fputc(']', f);
}

static void
json_record(FILE *f, const struct readiness_domain *rd)
{
	fputs(",\"sp\":", f);
	jstr(f, dmarcrec_p_name((enum dmarcrec_p)rd->sp));
	fputs(",\"np\":", f);
	jstr(f, dmarcrec_p_name((enum dmarcrec_p)rd->np));
	fprintf(f, ",\"sp_now\":\"%s\",\"sp_next\":\"%s\",\"np_next\":",
	    dmarcrec_p_name((enum dmarcrec_p)rd->sp_now),
	    dmarcrec_p_name((enum dmarcrec_p)rd->sp_next));
	jstr(f, dmarcrec_p_name((enum dmarcrec_p)rd->np_next));
	fputs(",\"record\":", f);
	jstr(f, rd->record);
	fprintf(f, ",\"record_base\":\"%s\",\"base_record\":",
	    readiness_base_code(rd->record_base));
	jstr(f, rd->base_record);
	fputs(",\"thin\":", f);
	jstr(f, rd->thin);
	json_strings(f, "blockers", rd->blockers, rd->n_blockers);
}

static void
json_lists(FILE *f, const struct readiness_scope *sc)
{
	json_list(f, "blocking", "blocking_more", &sc->blocking);
	json_list(f, "forwarded", "forwarded_more", &sc->forwarded);
	json_list(f, "spoofing_sources", "spoofing_more", &sc->spoofing_src);
}

static void
json_domain(FILE *f, const struct readiness_domain *rd)
{
	fputs("{\"domain\":", f);
	jstr(f, rd->domain);
	fprintf(f, ",\"verdict\":\"%s\",\"current_step\":\"%s\","
	    "\"next_step\":\"%s\",\"next_tags\":\"%s\","
	    "\"policy_source\":\"%s\",\"policy\":",
	    readiness_verdict_code(rd->verdict),
	    readiness_step_code(rd->current), readiness_step_code(rd->next),
	    readiness_step_tags(rd->next), readiness_origin_code(rd->origin));
	jstr(f, rd->policy);
	if (rd->policy_at != 0)
		fprintf(f, ",\"policy_looked_up_at\":%lld",
		    (long long)rd->policy_at);
	else
		fputs(",\"policy_looked_up_at\":null", f);
	json_record(f, rd);
	fprintf(f, ",\"messages\":%lld,\"domain_messages\":%lld,",
	    n_of(rd->messages), n_of(rd->own.messages));
	json_scope(f, &rd->own);
	fprintf(f, ",\"days_covered\":%d,\"reporters\":%d", rd->days,
	    rd->reporters);
	json_strings(f, "reasons", rd->reasons, rd->n_reasons);
	json_lists(f, &rd->own);
	fputs(",\"subdomains\":{\"top\":", f);
	jstr(f, rd->sub_top);
	fprintf(f, ",\"messages\":%lld,", n_of(rd->sub.messages));
	json_scope(f, &rd->sub);
	json_lists(f, &rd->sub);
	fputs("}}", f);
}

static void
render_json_all(FILE *f, const struct readiness_result *r)
{
	char first[16], last[16];
	size_t i;

	/* the header and window of render_json(): epochs, and the days */
	window_date(r->win.since, first, sizeof(first));
	window_date(r->win.until - 1, last, sizeof(last));
	fprintf(f, "{\"format\":\"dmarc-report\",\"version\":1,"
	    "\"mode\":\"readiness\",\"window\":{\"since\":%lld,"
	    "\"until\":%lld,\"first_day\":\"%s\",\"last_day\":\"%s\","
	    "\"days\":%d},\"senders_file\":%s,\"criteria\":{"
	    "\"min_messages\":%.0f,\"min_days\":%d,\"min_reporters\":%d,"
	    "\"max_legit_fail_pct\":%.2f,\"min_source_aligned_pct\":%.2f},"
	    "\"domains\":[", (long long)r->win.since, (long long)r->win.until,
	    first, last, window_days(&r->win),
	    r->senders_used ? "true" : "false", r->opts.min_messages,
	    r->opts.min_days, r->opts.min_reporters,
	    r->opts.max_legit_fail_pct, r->opts.min_source_aligned_pct);
	for (i = 0; i < r->n_domains; i++) {
		if (i)
			fputc(',', f);
		json_domain(f, &r->domains[i]);
	}
	fputs("]}\n", f);
}

int
readiness_render_json(FILE *f, const struct readiness_result *r,
    const struct render_opts *o)
{
	(void)o;
	render_json_all(f, r);
	return ferror(f) ? -1 : 0;
}

/* ------------------------------------------------------------------ */
/* the policy mode (appended to a bounded buffer)                     */

/* an untrusted string as a JSON string, or null */
static void
pesc(struct render_buf *o, const char *s)
{
	if (s == NULL) {
		render_buf_put(o, "null");
		return;
	}
	render_buf_put(o, "\"");
	render_buf_value(o, escape_json, s);
	render_buf_put(o, "\"");
}

static void
ptime(struct render_buf *o, int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;
	char s[32];

	if (gmtime_r(&tt, &tm) == NULL || strftime(s, sizeof(s),
	    "\"%Y-%m-%dT%H:%M:%SZ\"", &tm) == 0)
		render_buf_put(o, "null");
	else
		render_buf_put(o, s);
}

static const char *
letter(char c, char s[2])
{
	s[0] = c;
	s[1] = '\0';
	return c != 0 ? s : NULL;
}

static void
json_letter(struct render_buf *o, const char *key, char c)
{
	char l[2];

	render_buf_putf(o, "\"%s\": ", key);
	pesc(o, letter(c, l));
	render_buf_put(o, ", ");
}

static void
json_tags(struct render_buf *o, const struct dmarcrec *r)
{
	render_buf_put(o, "\"tags\": {\"p\": ");
	pesc(o, dmarcrec_p_name(r->p));
	render_buf_put(o, ", \"sp\": ");
	pesc(o, dmarcrec_p_name(r->sp));
	render_buf_put(o, ", \"np\": ");
	pesc(o, dmarcrec_p_name(r->np));
	render_buf_put(o, ", \"effective_p\": ");
	pesc(o, dmarcrec_p_name(r->effective_p));
	render_buf_put(o, ", ");
	json_letter(o, "psd", r->psd);
	json_letter(o, "t", r->t);
	json_letter(o, "adkim", r->adkim);
	json_letter(o, "aspf", r->aspf);
	render_buf_put(o, "\"rua\": ");
	pesc(o, r->rua);
	render_buf_put(o, ", \"ruf\": ");
	pesc(o, r->ruf);
	render_buf_put(o, ", \"fo\": ");
	pesc(o, r->fo);
	if (r->pct >= 0)
		render_buf_putf(o, ", \"pct\": %d", r->pct);
	else
		render_buf_put(o, ", \"pct\": null");
	render_buf_put(o, ", \"rf\": ");
	pesc(o, r->rf);
	render_buf_put(o, ", \"ri\": ");
	pesc(o, r->ri);
	render_buf_put(o, "}");
}

static void
json_notes(struct render_buf *o, const struct dmarcrec *r)
{
	render_buf_put(o, "\"notes\": [");
	for (size_t i = 0; i < r->n_notes; i++) {
		render_buf_putf(o, "%s{\"severity\": \"%s\", \"code\": ", i ? ", " : "",
		    dmarcrec_sev_name(r->notes[i].sev));
		pesc(o, r->notes[i].code);
		render_buf_put(o, ", \"text\": ");
		pesc(o, r->notes[i].text);
		render_buf_put(o, "}");
	}
	render_buf_put(o, "]");
}

static void
json_ignored(struct render_buf *o, const struct policy_lookup *pl)
{
	render_buf_put(o, "\"ignored_records\": [");
	for (size_t i = 0; i < pl->n_ignored; i++) {
		const struct policy_ignored *ig = &pl->ignored[i];

		render_buf_put(o, i ? ", {\"name\": " : "{\"name\": ");
		pesc(o, ig->name);
		render_buf_put(o, ", \"record\": ");
		pesc(o, ig->raw);
		render_buf_put(o, ", \"reason\": ");
		pesc(o, ig->why);
		render_buf_put(o, ", \"corrected\": ");
		pesc(o, ig->fixed);
		render_buf_put(o, "}");
	}
	render_buf_put(o, "]");
}

static void
json_dests(struct render_buf *o, const struct policy_lookup *pl)
{
	render_buf_put(o, "\"destinations\": [");
	for (size_t i = 0; i < pl->n_dests; i++) {
		const struct policy_dest *d = &pl->dests[i];

		render_buf_putf(o, "%s{\"tag\": \"%s\", \"uri\": ", i ? ", " : "",
		    d->tag);
		pesc(o, d->uri);
		render_buf_put(o, ", \"host\": ");
		pesc(o, d->host);
		render_buf_put(o, ", \"query\": ");
		pesc(o, d->qname);
		render_buf_putf(o, ", \"status\": \"%s\"}",
		    policy_dest_status_name(d->status));
	}
	render_buf_put(o, "]");
}

/* the members shared by the full and the brief JSON object */
static void
json_core(struct render_buf *o, const struct policy_lookup *pl)
{
	render_buf_putf(o, "\"status\": \"%s\", \"record_domain\": ",
	    policy_status_name(pl->status));
	pesc(o, pl->record_domain);
	render_buf_put(o, ", \"record\": ");
	pesc(o, pl->raw);
	render_buf_putf(o, ", \"valid\": %s, \"applied_policy\": ", pl->raw != NULL &&
	    pl->rec.valid ? "true" : "false");
	pesc(o, dmarcrec_p_name(policy_applied(pl)));
	render_buf_put(o, ", ");
	json_tags(o, &pl->rec);
	render_buf_put(o, ", ");
	json_ignored(o, pl);
	render_buf_put(o, ", ");
	json_dests(o, pl);
	render_buf_put(o, ", ");
	json_notes(o, &pl->rec);
}

static void
json_history(struct render_buf *o, const struct policy_change *c, size_t n)
{
	render_buf_put(o, "\"history\": [");
	for (size_t i = 0; i < n; i++) {
		render_buf_putf(o, "%s{\"status\": \"%s\", \"record_domain\": ",
		    i ? ", " : "", policy_status_name(c[i].status));
		pesc(o, c[i].record_domain);
		render_buf_put(o, ", \"record\": ");
		pesc(o, c[i].raw);
		render_buf_putf(o, ", \"first_seen\": %lld, \"last_seen\": %lld, "
		    "\"lookups\": %lu}", (long long)c[i].first_seen,
		    (long long)c[i].last_seen, c[i].lookups);
	}
	render_buf_put(o, "]");
}

static void
policy_json(struct render_buf *o, const struct policy_lookup *pl,
    const struct policy_change *c, size_t n)
{
	render_buf_put(o, "{\"domain\": ");
	pesc(o, pl->domain);
	render_buf_putf(o, ", \"looked_up_at\": %lld, \"looked_up\": ",
	    (long long)pl->looked_up_at);
	if (pl->status == POLICY_NOT_LOOKED_UP)
		render_buf_put(o, "null");
	else
		ptime(o, pl->looked_up_at);
	render_buf_putf(o, ", \"source\": \"%s\", ", pl->stored ? "stored" :
	    pl->cached ? "cache" : "dns");
	if (pl->cached)
		render_buf_putf(o, "\"answered_at\": %lld, \"cache_seconds_left\": %lld, ",
		    (long long)pl->answered_at, (long long)(pl->expires_at >
		    pl->looked_up_at ? pl->expires_at - pl->looked_up_at : 0));
	else
		render_buf_put(o, "\"answered_at\": null, \"cache_seconds_left\": null, ");
	if (pl->rcode >= 0)
		render_buf_putf(o, "\"rcode\": %d, \"org_domain\": ", pl->rcode);
	else
		render_buf_put(o, "\"rcode\": null, \"org_domain\": ");
	pesc(o, pl->org_domain);
	render_buf_put(o, ", ");
	json_core(o, pl);
	render_buf_put(o, ", ");
	json_history(o, c, n);
	render_buf_put(o, "}\n");
}

int
policy_render_json(struct buf *b, const struct policy_lookup *pl,
    const struct policy_change *c, size_t n)
{
	struct render_buf o = { b, 0 };

	policy_json(&o, pl, c, n);
	return o.rc;
}

int
policy_render_json_brief(struct buf *b, const struct policy_lookup *pl)
{
	struct render_buf o = { b, 0 };

	render_buf_put(&o, "{");
	json_core(&o, pl);
	render_buf_put(&o, "}");
	return o.rc;
}

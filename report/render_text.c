/*
 * The text format's printers (format.h) for every mode but the digest:
 * one block per policy domain (summary) or per source (sources,
 * failures: its sending service, "unknown" when no classify.h entry
 * matched), numbers right-aligned in columns; the readiness verdicts
 * (readiness.h); the policy lookup and its history (policy.h).
 * Every string from the database or DNS goes through escape_term, so a
 * hostile org_name cannot move the cursor or fake lines; colour (bold
 * names, red failures, yellow mismatches) only when render_opts.color.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "buf.h"
#include "dmarcrec.h"
#include "escape.h"
#include "idna.h"
#include "policy.h"
#include "readiness.h"
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

/* ------------------------------------------------------------------ */
/* the readiness mode                                                 */

/* a message count as printed: rounded half up */
static long long
n_of(double v)
{
	return (long long)model_round(v);
}

static const char *
verdict_color(enum readiness_verdict v)
{
	static const char *const c[] = {
		"\033[1;32m", "\033[1;31m", "\033[1;33m", "\033[1;36m"
	};
	return c[v];
}

static void
text_source(FILE *f, const struct readiness_source *rs)
{
	size_t i;

	fputs("    ", f);
	render_value(f, escape_term, rs->src->ip != NULL ? rs->src->ip :
	    "(invalid address)");
	if (readiness_source_ptr(rs) != NULL) {
		fputs("  ", f);
		render_value(f, escape_term, readiness_source_ptr(rs));
	}
	if (rs->src->service != NULL) {
		fputs("  service ", f);
		render_value(f, escape_term, rs->src->service);
	}
	/* the senders file's name, unless it says the same */
	if (rs->sender != NULL && (rs->src->service == NULL ||
	    strcasecmp(rs->sender->name, rs->src->service) != 0)) {
		fputs("  [", f);
		render_value(f, escape_term, rs->sender->name);
		fputc(']', f);
	}
	fprintf(f, "\n      %lld messages, %lld failing, %.1f%% aligned\n",
	    n_of(rs->src->t.messages), n_of(rs->failing), rs->aligned_pct);
	for (i = 0; i < rs->n_fix; i++) {
		fputs("      fix: ", f);
		render_value(f, escape_term, rs->fix[i]);
		fputc('\n', f);
	}
}

static void
text_list(FILE *f, const char *title, const struct readiness_list *l)
{
	size_t i;

	if (l->n == 0)
		return;
	fprintf(f, "  %s:\n", title);
	for (i = 0; i < l->n; i++)
		text_source(f, &l->v[i]);
	if (l->more > 0)
		fprintf(f, "    ... and %lu more sources (%lld failing "
		    "messages)\n", l->more, n_of(l->more_messages));
}

/* " now" / " after the fixes" ...: when to publish the proposed record */
static const char *
publish_when(const struct readiness_domain *rd)
{
	switch (rd->verdict) {
	case RVERDICT_NOT_READY:
		return "after the fixes";
	case RVERDICT_NOT_ENOUGH_DATA:
		return "once the data suffices";
	default:
		return "now";
	}
}

static void
text_counts(FILE *f, const char *indent, const struct readiness_scope *sc)
{
	size_t i;

	fprintf(f, "%slegitimate-looking %lld, failing of those %lld "
	    "(%.2f%%), forwarded failing %lld, spoofing %lld\n%ssources:",
	    indent, n_of(sc->legit), n_of(sc->legit_failing),
	    sc->legit_fail_pct, n_of(sc->forwarded_failing),
	    n_of(sc->spoofing), indent);
	for (i = 0; i < RCLASS__COUNT; i++)
		fprintf(f, "%s %s %lu (%lld messages)", i ? "," : "",
		    readiness_class_code((enum readiness_class)i),
		    sc->class_sources[i], n_of(sc->class_messages[i]));
	fputc('\n', f);
}

static void
text_head(FILE *f, const struct readiness_domain *rd, int color)
{
	size_t i;

	fputc('\n', f);
	render_value(f, escape_term, rd->domain);
	fprintf(f, ": %s%s%s", color ? verdict_color(rd->verdict) : "",
	    readiness_verdict_name(rd->verdict), color ? "\033[0m" : "");
	if (rd->verdict != RVERDICT_AT_REJECT)
		fprintf(f, " for %s", readiness_step_tags(rd->next));
	if (rd->verdict == RVERDICT_NOT_READY && rd->thin != NULL)
		fprintf(f, ", and %s", rd->thin);
	fprintf(f, "\n  step: %s -> %s (policy from %s)\n",
	    readiness_step_code(rd->current), readiness_step_code(rd->next),
	    readiness_origin_code(rd->origin));
	for (i = 0; i < rd->n_blockers; i++) {
		fputs(i == 0 ? "  fix first: " : "  then: ", f);
		render_value(f, escape_term, rd->blockers[i]);
		fputc('\n', f);
	}
	if (rd->record != NULL) {
		fprintf(f, "  publish %s: _dmarc.", publish_when(rd));
		render_value(f, escape_term, rd->domain);
		fputs(". IN TXT \"", f);
		render_value(f, escape_term, rd->record);
		fputs("\"\n", f);
	}
}

static void
text_domain(FILE *f, const struct readiness_domain *rd, int color)
{
	size_t i;

	text_head(f, rd, color);
	fprintf(f, "  messages %lld, header_from ", n_of(rd->messages));
	render_value(f, escape_term, rd->domain);
	fprintf(f, " %lld, subdomains %lld; days covered %d, reporters %d\n",
	    n_of(rd->own.messages), n_of(rd->sub.messages), rd->days,
	    rd->reporters);
	text_counts(f, "  ", &rd->own);
	fputs("  why:\n", f);
	for (i = 0; i < rd->n_reasons; i++) {
		fputs("    - ", f);
		render_value(f, escape_term, rd->reasons[i]);
		fputc('\n', f);
	}
	text_list(f, rd->current == RSTEP_REJECT ? "legitimate-looking "
	    "sources failing now" : "legitimate-looking sources that "
	    "would be hit, what to fix", &rd->own.blocking);
	text_list(f, "forwarders and mailing lists (not blocking)",
	    &rd->own.forwarded);
	text_list(f, "unauthenticated and unauthorized sources (likely "
	    "spoofing)", &rd->own.spoofing_src);
	if (rd->sub.messages <= 0)
		return;
	fputs("  subdomains (sp=", f);
	fprintf(f, "%s now, %s proposed):\n",
	    dmarcrec_p_name((enum dmarcrec_p)rd->sp_now),
	    dmarcrec_p_name((enum dmarcrec_p)rd->sp_next));
	text_counts(f, "    ", &rd->sub);
	text_list(f, "subdomains: legitimate-looking sources, what to fix",
	    &rd->sub.blocking);
	text_list(f, "subdomains: forwarders and mailing lists",
	    &rd->sub.forwarded);
	text_list(f, "subdomains: unauthenticated and unauthorized sources "
	    "(likely spoofing)", &rd->sub.spoofing_src);
}

static void
render_text_all(FILE *f, const struct readiness_result *r, int color)
{
	char since[16], until[16];
	size_t i;

	window_date(r->win.since, since, sizeof(since));
	window_date(r->win.until - 1, until, sizeof(until));
	fprintf(f, "readiness %s .. %s (%d days); criteria: at least %.0f "
	    "messages, %d days, %d reporters; legitimate failing under "
	    "%.2f%%; authorized sources aligned at least %.2f%%%s\n", since,
	    until, window_days(&r->win), r->opts.min_messages,
	    r->opts.min_days, r->opts.min_reporters,
	    r->opts.max_legit_fail_pct, r->opts.min_source_aligned_pct,
	    r->senders_used ? "; senders file used" : "");
	if (r->n_domains == 0)
		fputs("no reports in the window\n", f);
	for (i = 0; i < r->n_domains; i++)
		text_domain(f, &r->domains[i], color);
}

int
readiness_render_text(FILE *f, const struct readiness_result *r,
    const struct render_opts *o)
{
	render_text_all(f, r, o != NULL && o->color);
	return ferror(f) ? -1 : 0;
}

/* ------------------------------------------------------------------ */
/* the policy mode (appended to a bounded buffer)                     */

/* an untrusted string for the terminal ("-" for none) */
static void
pesc(struct render_buf *o, const char *s)
{
	render_buf_value(o, escape_term, s != NULL ? s : "-");
}

static void
ptime(struct render_buf *o, int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;
	char s[32];

	if (gmtime_r(&tt, &tm) == NULL || strftime(s, sizeof(s),
	    "%Y-%m-%d %H:%M UTC", &tm) == 0)
		render_buf_put(o, "?");
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
text_tags(struct render_buf *o, const struct dmarcrec *r)
{
	char l[2];

	render_buf_putf(o, "  tags         p=%s sp=%s np=%s", dmarcrec_p_name(r->p) ?
	    dmarcrec_p_name(r->p) : "-", dmarcrec_p_name(r->sp) ?
	    dmarcrec_p_name(r->sp) : "-", dmarcrec_p_name(r->np) ?
	    dmarcrec_p_name(r->np) : "-");
	render_buf_putf(o, " psd=%s t=%s adkim=%s aspf=%s", letter(r->psd, l) ? l : "-",
	    r->t ? (r->t == 'y' ? "y" : "n") : "-",
	    r->adkim ? (r->adkim == 's' ? "s" : "r") : "-",
	    r->aspf ? (r->aspf == 's' ? "s" : "r") : "-");
	if (r->pct >= 0)
		render_buf_putf(o, " pct=%d", r->pct);
	render_buf_put(o, "\n  rua          ");
	pesc(o, r->rua);
	render_buf_put(o, "\n  ruf          ");
	pesc(o, r->ruf);
	render_buf_put(o, "\n  fo           ");
	pesc(o, r->fo);
	render_buf_put(o, "\n");
}

static void
text_notes(struct render_buf *o, const struct dmarcrec *r)
{
	if (r->n_notes == 0)
		return;
	render_buf_put(o, "notes:\n");
	for (size_t i = 0; i < r->n_notes; i++) {
		render_buf_putf(o, "  %-8s %s: ", dmarcrec_sev_name(r->notes[i].sev),
		    r->notes[i].code);
		pesc(o, r->notes[i].text);
		render_buf_put(o, "\n");
	}
}

static void
text_history(struct render_buf *o, const struct policy_change *c, size_t n)
{
	if (n == 0)
		return;
	render_buf_put(o, "history (oldest first):\n");
	for (size_t i = 0; i < n; i++) {
		render_buf_put(o, "  ");
		ptime(o, c[i].first_seen);
		render_buf_put(o, " .. ");
		ptime(o, c[i].last_seen);
		render_buf_putf(o, "  %lu lookup%s  %s", c[i].lookups, c[i].lookups == 1 ?
		    "" : "s", policy_status_name(c[i].status));
		if (c[i].raw != NULL) {
			render_buf_put(o, " at ");
			pesc(o, c[i].record_domain);
			render_buf_put(o, ": ");
			pesc(o, c[i].raw);
		}
		render_buf_put(o, "\n");
	}
}

/* whole minutes (rounded up) a cached answer stays valid after now */
static long long
cache_minutes_left(const struct policy_lookup *pl)
{
	int64_t left = pl->expires_at - pl->looked_up_at;

	return left > 0 ? (long long)((left + 59) / 60) : 0;
}

static void
text_looked_up(struct render_buf *o, const struct policy_lookup *pl)
{
	render_buf_put(o, "\n  looked up    ");
	if (pl->status == POLICY_NOT_LOOKED_UP) {
		render_buf_put(o, "never (--no-dns and no stored lookup: run without "
		    "--no-dns)\n");
		return;
	}
	if (pl->cached) {
		ptime(o, pl->answered_at);
		render_buf_putf(o, " (cached, %lld min left; --refresh asks again)\n",
		    cache_minutes_left(pl));
		return;
	}
	ptime(o, pl->looked_up_at);
	render_buf_put(o, pl->stored ? " (stored lookup)\n" : "\n");
}

static void
text_dests(struct render_buf *o, const struct policy_lookup *pl)
{
	if (pl->n_dests == 0)
		return;
	render_buf_put(o, "report destinations:\n");
	for (size_t i = 0; i < pl->n_dests; i++) {
		const struct policy_dest *d = &pl->dests[i];

		render_buf_putf(o, "  %s  ", d->tag);
		pesc(o, d->uri);
		render_buf_putf(o, "  %s", policy_dest_status_name(d->status));
		if (d->qname != NULL) {
			render_buf_put(o, " (");
			pesc(o, d->qname);
			render_buf_put(o, ")");
		}
		render_buf_put(o, "\n");
	}
}

static void
policy_text(struct render_buf *o, const struct policy_lookup *pl,
    const struct policy_change *c, size_t n)
{
	const char *ap = dmarcrec_p_name(policy_applied(pl));

	char *u = idna_to_ulabels(pl->domain);

	render_buf_put(o, "DMARC policy for ");
	pesc(o, pl->domain);
	if (u != NULL) {
		/* the A-labels are the name; the U-labels help the reader */
		render_buf_put(o, " (");
		pesc(o, u);
		render_buf_put(o, ")");
		free(u);
	}
	text_looked_up(o, pl);
	render_buf_putf(o, "  status       %s\n", policy_status_name(pl->status));
	render_buf_put(o, "  found at     ");
	pesc(o, pl->record_domain);
	render_buf_put(o, "\n  org domain   ");
	pesc(o, pl->org_domain);
	render_buf_put(o, "\n  record       ");
	if (pl->status == POLICY_INVALID)
		render_buf_put(o, "none that receivers use (see notes)");
	else
		pesc(o, pl->raw);
	render_buf_putf(o, "\n  valid        %s\n  applies      %s\n", pl->raw == NULL ?
	    "-" : pl->rec.valid ? "yes" : "no", ap != NULL ? ap : "-");
	if (pl->raw != NULL && pl->rec.is_dmarc)
		text_tags(o, &pl->rec);
	text_dests(o, pl);
	text_notes(o, &pl->rec);
	text_history(o, c, n);
}

int
policy_render_text(struct buf *b, const struct policy_lookup *pl,
    const struct policy_change *c, size_t n)
{
	struct render_buf o = { b, 0 };

	policy_text(&o, pl, c, n);
	return o.rc;
}

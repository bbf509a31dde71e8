/*
 * Output of the readiness mode: the verdict of each domain with its
 * reasons and the sources to fix, as text for a terminal, as the JSON
 * structure documented in readiness.h, or as CSV rows.  Last stage of
 * `dmarc-report readiness`; every string that came from a report, DNS,
 * the senders file or a services file leaves through escape.h for its
 * sink.  A source's service is the one sources_classify() set on it.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "dmarcrec.h"
#include "escape.h"
#include "readiness.h"
#include "render.h"

static void
json_str(FILE *f, const char *s)
{
	if (s == NULL) {
		fputs("null", f);
		return;
	}
	fputc('"', f);
	render_value(f, escape_json, s);
	fputc('"', f);
}

static long long
n_of(double v)
{
	return (long long)model_round(v);
}

static const char *
src_ptr(const struct readiness_source *rs)
{
	return rs->src->ptr != NULL || rs->src->ptr_status != NULL ?
	    msource_ptr_label(rs->src) : NULL;
}

/* ------------------------------------------------------------------ */
/* text                                                               */

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
	if (src_ptr(rs) != NULL) {
		fputs("  ", f);
		render_value(f, escape_term, src_ptr(rs));
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

/* ------------------------------------------------------------------ */
/* JSON                                                               */

static void
json_source(FILE *f, const struct readiness_source *rs)
{
	size_t i;

	fputs("{\"ip\":", f);
	json_str(f, rs->src->ip);
	fputs(",\"ptr\":", f);
	json_str(f, rs->src->ptr);
	fprintf(f, ",\"class\":\"%s\",\"sender\":",
	    readiness_class_code(rs->cls));
	json_str(f, rs->sender != NULL ? rs->sender->name : NULL);
	fputs(",\"service\":", f);
	json_str(f, rs->src->service);
	fprintf(f, ",\"messages\":%lld,\"failing\":%lld,\"aligned_pct\":%.2f"
	    ",\"fix\":[", n_of(rs->src->t.messages), n_of(rs->failing),
	    rs->aligned_pct);
	for (i = 0; i < rs->n_fix; i++) {
		if (i)
			fputc(',', f);
		json_str(f, rs->fix[i]);
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
	json_str(f, sc->worst_source);
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
		json_str(f, v[i]);
	}
	fputc(']', f);
}

static void
json_record(FILE *f, const struct readiness_domain *rd)
{
	fputs(",\"sp\":", f);
	json_str(f, dmarcrec_p_name((enum dmarcrec_p)rd->sp));
	fputs(",\"np\":", f);
	json_str(f, dmarcrec_p_name((enum dmarcrec_p)rd->np));
	fprintf(f, ",\"sp_now\":\"%s\",\"sp_next\":\"%s\",\"np_next\":",
	    dmarcrec_p_name((enum dmarcrec_p)rd->sp_now),
	    dmarcrec_p_name((enum dmarcrec_p)rd->sp_next));
	json_str(f, dmarcrec_p_name((enum dmarcrec_p)rd->np_next));
	fputs(",\"record\":", f);
	json_str(f, rd->record);
	fprintf(f, ",\"record_base\":\"%s\",\"base_record\":",
	    readiness_base_code(rd->record_base));
	json_str(f, rd->base_record);
	fputs(",\"thin\":", f);
	json_str(f, rd->thin);
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
	json_str(f, rd->domain);
	fprintf(f, ",\"verdict\":\"%s\",\"current_step\":\"%s\","
	    "\"next_step\":\"%s\",\"next_tags\":\"%s\","
	    "\"policy_source\":\"%s\",\"policy\":",
	    readiness_verdict_code(rd->verdict),
	    readiness_step_code(rd->current), readiness_step_code(rd->next),
	    readiness_step_tags(rd->next), readiness_origin_code(rd->origin));
	json_str(f, rd->policy);
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
	json_str(f, rd->sub_top);
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

/* ------------------------------------------------------------------ */
/* CSV                                                                */

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
readiness_render_text(FILE *f, const struct readiness_result *r,
    const struct render_opts *o)
{
	render_text_all(f, r, o != NULL && o->color);
	return ferror(f) ? -1 : 0;
}

int
readiness_render_json(FILE *f, const struct readiness_result *r,
    const struct render_opts *o)
{
	(void)o;
	render_json_all(f, r);
	return ferror(f) ? -1 : 0;
}

int
readiness_render_csv(FILE *f, const struct readiness_result *r,
    const struct render_opts *o)
{
	(void)o;
	render_csv_all(f, r);
	return ferror(f) ? -1 : 0;
}

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

static void
text_domain(FILE *f, const struct readiness_domain *rd, int color)
{
	size_t i;

	fputc('\n', f);
	render_value(f, escape_term, rd->domain);
	fprintf(f, ": %s%s%s", color ? verdict_color(rd->verdict) : "",
	    readiness_verdict_name(rd->verdict), color ? "\033[0m" : "");
	if (rd->verdict != RVERDICT_AT_REJECT)
		fprintf(f, " for %s", readiness_step_tags(rd->next));
	fprintf(f, "\n  step: %s -> %s (policy from %s)\n",
	    readiness_step_code(rd->current), readiness_step_code(rd->next),
	    readiness_origin_code(rd->origin));
	fprintf(f, "  messages %lld, legitimate-looking %lld, failing of "
	    "those %lld (%.2f%%), forwarded failing %lld, spoofing %lld\n",
	    n_of(rd->messages), n_of(rd->legit), n_of(rd->legit_failing),
	    rd->legit_fail_pct, n_of(rd->forwarded_failing),
	    n_of(rd->spoofing));
	fprintf(f, "  days covered %d, reporters %d; sources:", rd->days,
	    rd->reporters);
	for (i = 0; i < RCLASS__COUNT; i++)
		fprintf(f, "%s %s %lu (%lld messages)", i ? "," : "",
		    readiness_class_code((enum readiness_class)i),
		    rd->class_sources[i], n_of(rd->class_messages[i]));
	fputs("\n  why:\n", f);
	for (i = 0; i < rd->n_reasons; i++) {
		fputs("    - ", f);
		render_value(f, escape_term, rd->reasons[i]);
		fputc('\n', f);
	}
	text_list(f, rd->current == RSTEP_REJECT ? "legitimate-looking "
	    "sources failing now" : "legitimate-looking sources that "
	    "would be hit, what to fix", &rd->blocking);
	text_list(f, "forwarders and mailing lists (not blocking)",
	    &rd->forwarded);
	text_list(f, "unauthenticated sources (likely spoofing)",
	    &rd->spoofing_src);
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
json_domain_numbers(FILE *f, const struct readiness_domain *rd)
{
	size_t i;

	fprintf(f, ",\"messages\":%lld,\"legitimate\":%lld,"
	    "\"legitimate_failing\":%lld,\"legitimate_fail_pct\":%.2f,"
	    "\"forwarded_failing\":%lld,\"spoofing\":%lld,"
	    "\"days_covered\":%d,\"reporters\":%d,"
	    "\"worst_aligned_pct\":%.2f,\"worst_source\":",
	    n_of(rd->messages), n_of(rd->legit), n_of(rd->legit_failing),
	    rd->legit_fail_pct, n_of(rd->forwarded_failing),
	    n_of(rd->spoofing), rd->days, rd->reporters,
	    rd->worst_aligned_pct);
	json_str(f, rd->worst_source);
	fputs(",\"classes\":{", f);
	for (i = 0; i < RCLASS__COUNT; i++)
		fprintf(f, "%s\"%s\":{\"sources\":%lu,\"messages\":%lld}",
		    i ? "," : "", readiness_class_code((enum readiness_class)i),
		    rd->class_sources[i], n_of(rd->class_messages[i]));
	fputc('}', f);
}

static void
json_domain(FILE *f, const struct readiness_domain *rd)
{
	size_t i;

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
	json_domain_numbers(f, rd);
	fputs(",\"reasons\":[", f);
	for (i = 0; i < rd->n_reasons; i++) {
		if (i)
			fputc(',', f);
		json_str(f, rd->reasons[i]);
	}
	fputc(']', f);
	json_list(f, "blocking", "blocking_more", &rd->blocking);
	json_list(f, "forwarded", "forwarded_more", &rd->forwarded);
	json_list(f, "spoofing_sources", "spoofing_more", &rd->spoofing_src);
	fputc('}', f);
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
    const struct readiness_source *rs)
{
	size_t i;

	render_value(f, escape_csv, rd->domain);
	fprintf(f, ",%s,%s,%s,%s,", readiness_verdict_code(rd->verdict),
	    readiness_step_code(rd->current), readiness_step_code(rd->next),
	    list);
	if (rs == NULL) {
		fputs(",,,,,,,\r\n", f);
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
	fputs("\r\n", f);
}

static void
csv_list(FILE *f, const struct readiness_domain *rd, const char *name,
    const struct readiness_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		csv_row(f, rd, name, &l->v[i]);
}

static void
render_csv_all(FILE *f, const struct readiness_result *r)
{
	size_t i;

	/* service last: the columns before it keep their positions */
	fputs("domain,verdict,current_step,next_step,list,ip,ptr,sender,"
	    "messages,failing,aligned_pct,fix,service\r\n", f);
	for (i = 0; i < r->n_domains; i++) {
		const struct readiness_domain *rd = &r->domains[i];

		if (rd->blocking.n + rd->forwarded.n + rd->spoofing_src.n == 0)
			csv_row(f, rd, "", NULL);
		csv_list(f, rd, "blocking", &rd->blocking);
		csv_list(f, rd, "forwarded", &rd->forwarded);
		csv_list(f, rd, "spoofing", &rd->spoofing_src);
	}
}

int
readiness_render(FILE *f, enum readiness_format fmt,
    const struct readiness_result *r, int color)
{
	if (fmt == READINESS_JSON)
		render_json_all(f, r);
	else if (fmt == READINESS_CSV)
		render_csv_all(f, r);
	else
		render_text_all(f, r, color);
	return ferror(f) ? -1 : 0;
}

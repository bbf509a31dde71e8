/*
 * Words of the digest shared by its renderers (render_html.c,
 * render_digest_text.c, email.c): counts with thousands separators, the
 * trend against last week, the "what changed" sentences and the subject
 * line, so that the HTML, text and mail say exactly the same thing.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "digest.h"
#include "xalloc.h"

void
digest_count(double v, char *out, size_t outlen)
{
	char raw[32], tmp[48];
	size_t n, i, o = 0;

	snprintf(raw, sizeof(raw), "%lld", (long long)model_round(v));
	n = strlen(raw);
	for (i = 0; i < n && o + 2 < sizeof(tmp); i++) {
		if (i > 0 && raw[i - 1] != '-' && (n - i) % 3 == 0)
			tmp[o++] = ',';
		tmp[o++] = raw[i];
	}
	tmp[o] = '\0';
	snprintf(out, outlen, "%s", tmp);
}

int
digest_trend(const struct ddomain *dd, char *text, size_t textlen)
{
	double c = ddomain_pass_pct(dd), p = ddomain_prev_pct(dd);

	if (c < 0 || p < 0) {
		snprintf(text, textlen, "no data %s", c < 0 ? "this week" :
		    "last week");
		return 2;
	}
	if (fabs(c - p) < 0.5) {
		snprintf(text, textlen, "steady (%+.1f pts)", c - p);
		return 0;
	}
	snprintf(text, textlen, "%+.1f pts", c - p);
	return c > p ? 1 : -1;
}

const char *
digest_verdict(const struct ddomain *dd)
{
	if (dd->rd == NULL)
		return "NO VERDICT";
	return readiness_verdict_name(dd->rd->verdict);
}

/* " (ptr, service)" after an address, or "" */
static void
who(const struct dsource *s, char *out, size_t outlen)
{
	const char *ptr = s->src->ptr;

	if (ptr != NULL && s->service != NULL)
		snprintf(out, outlen, " (%s, %s)", ptr, s->service);
	else if (ptr != NULL || s->service != NULL)
		snprintf(out, outlen, " (%s)", ptr ? ptr : s->service);
	else
		out[0] = '\0';
}

struct sent {
	char	**v;
	size_t	  n;
};

static void
add(struct sent *s, char *text)
{
	s->v = xreallocarray(s->v, s->n + 1, sizeof(*s->v));
	s->v[s->n++] = text;
}

static void
source_sentences(struct sent *s, const struct ddomain *dd)
{
	char w[600], c[32];
	size_t i;

	for (i = 0; i < dd->new_sources.n; i++) {
		const struct dsource *x = &dd->new_sources.v[i];

		who(x, w, sizeof(w));
		digest_count(x->src->t.messages, c, sizeof(c));
		add(s, xasprintf("New source %s%s: %s messages, %.1f%% "
		    "pass DMARC", x->src->ip, w, c, x->pass_pct));
	}
	if (dd->new_sources.more > 0)
		add(s, xasprintf("... and %lu more new sources",
		    dd->new_sources.more));
	for (i = 0; i < dd->n_new_services; i++)
		add(s, xasprintf("New sending service: %s",
		    dd->new_services[i]));
	for (i = 0; i < dd->drops.n; i++) {
		const struct dsource *x = &dd->drops.v[i];

		who(x, w, sizeof(w));
		digest_count(x->src->t.messages, c, sizeof(c));
		add(s, xasprintf("Pass rate of %s%s dropped from %.1f%% to "
		    "%.1f%% (%s messages this week)", x->src->ip, w,
		    x->prev_pct, x->pass_pct, c));
	}
}

static void
other_sentences(struct sent *s, const struct digest *d,
    const struct ddomain *dd)
{
	char day[16], c[32];
	size_t i;

	for (i = 0; i < dd->n_new_selectors; i++) {
		digest_count(dd->new_selectors[i].messages, c, sizeof(c));
		add(s, xasprintf("New DKIM selector: d=%s s=%s (%s messages)",
		    dd->new_selectors[i].d, dd->new_selectors[i].selector ?
		    dd->new_selectors[i].selector : "(none)", c));
	}
	if (dd->record_changed) {
		window_date(dd->record_changed_at, day, sizeof(day));
		add(s, xasprintf("DMARC record changed (first seen %s): "
		    "was \"%s\", now \"%s\"", day,
		    dd->record_old ? dd->record_old : "(no record)",
		    dd->record_new ? dd->record_new : "(no record)"));
	}
	for (i = 0; i < dd->n_silent; i++)
		add(s, xasprintf("Reporter went silent: %s sent reports in the "
		    "%d weeks before, none this week", dd->silent[i],
		    DIGEST_BASELINE));
	for (i = 0; dd->rd != NULL && i < dd->rd->n_unauthorized; i++)
		add(s, xasprintf("Reports cannot arrive: %s",
		    dd->rd->unauthorized[i]));
	if (dd->quiet)
		add(s, xstrdup("No reports at all this week. A quiet week "
		    "still sends reports: check that the rua address receives "
		    "mail and that dmarc-ingest runs"));
	(void)d;
}

char **
digest_sentences(const struct digest *d, const struct ddomain *dd,
    size_t *n)
{
	struct sent s = { NULL, 0 };

	if (dd->first && !dd->quiet)
		add(&s, xasprintf("First reports for this domain in the %d "
		    "weeks before: nothing earlier to compare with",
		    DIGEST_BASELINE));
	source_sentences(&s, dd);
	other_sentences(&s, d, dd);
	*n = s.n;
	return s.v;
}

const char *
digest_publish_lead(const struct readiness_domain *rd)
{
	switch (rd->verdict) {
	case RVERDICT_NOT_READY:
		return "When the fixes below are done, the next step is to";
	case RVERDICT_NOT_ENOUGH_DATA:
		return "Once the reports cover enough, the next step is to";
	default:
		return "Next step:";
	}
}

/* ", NOT READY" for one domain, ", 2 not ready" for several, or "" */
static void
subject_verdict(const struct digest *d, char *out, size_t outlen)
{
	size_t i, n = 0;

	out[0] = '\0';
	if (d->n_domains == 1 && d->domains[0].rd != NULL) {
		snprintf(out, outlen, ", %s", digest_verdict(&d->domains[0]));
		return;
	}
	for (i = 0; i < d->n_domains; i++)
		if (d->domains[i].rd != NULL &&
		    d->domains[i].rd->verdict == RVERDICT_NOT_READY)
			n++;
	if (n > 0)
		snprintf(out, outlen, ", %zu not ready", n);
}

void
digest_subject(const struct digest *d, char *out, size_t outlen)
{
	char label[64], what[300], news[64], verdict[48];
	double pct = model_pct(d->pass, d->messages);

	digest_label(d, label, sizeof(label));
	if (d->n_domains == 1)
		snprintf(what, sizeof(what), "%.200s", d->domains[0].domain);
	else
		snprintf(what, sizeof(what), "%zu domains", d->n_domains);
	if (d->n_new_sources == 0)
		snprintf(news, sizeof(news), "no new sources");
	else
		snprintf(news, sizeof(news), "%lu new source%s",
		    d->n_new_sources, d->n_new_sources == 1 ? "" : "s");
	subject_verdict(d, verdict, sizeof(verdict));
	if (d->messages <= 0)
		snprintf(out, outlen, "DMARC weekly %s: %s, no reports%s",
		    label, what, verdict);
	else
		snprintf(out, outlen, "DMARC weekly %s: %s %.1f%% pass%s, %s",
		    label, what, pct, verdict, news);
}

/* 1 if l lists the source at address ip */
static int
listed(const struct readiness_list *l, const char *ip)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (l->v[i].src->ip != NULL && strcmp(l->v[i].src->ip, ip) == 0)
			return 1;
	return 0;
}

const char *
digest_source_advice(const struct ddomain *dd, const struct dsource *s)
{
	const struct readiness_domain *rd = dd->rd;
	const char *ip = s->src->ip;

	if (rd == NULL || ip == NULL)
		return NULL;
	if ((listed(&rd->own.forwarded, ip) ||
	    listed(&rd->sub.forwarded, ip)))
		return "forwarder or mailing list: nothing to fix (receivers' "
		    "overrides and ARC decide)";
	if ((listed(&rd->own.blocking, ip) ||
	    listed(&rd->sub.blocking, ip)))
		return "yours: fix it, see Fix first";
	if ((listed(&rd->own.spoofing_src, ip) ||
	    listed(&rd->sub.spoofing_src, ip)))
		return "unauthenticated: if it is not yours, it is spoofing "
		    "and enforcement stops it";
	return NULL;
}

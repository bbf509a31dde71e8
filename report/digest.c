/*
 * Builds the digest model of digest.h: the windows, one query_run per
 * window (current, previous, baseline, the history windows before the
 * baseline), the days summed in the current window's pass and the history
 * windows inside the baseline in its pass (query_sub), the readiness
 * verdicts through readiness_build, and the list of domains.  The
 * comparisons (what changed) are in digest_changes.c; the rejected inputs
 * by reason in digest_query.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "digest.h"
#include "digest_changes.h"
#include "sources.h"
#include "xalloc.h"

static void
windows_init(struct digest *d, const struct window *w)
{
	int64_t len = w->until - w->since;
	int i;

	d->win = *w;
	d->prev_win.since = w->since - len;
	d->prev_win.until = w->since;
	d->base_win.since = w->since - DIGEST_BASELINE * len;
	d->base_win.until = w->since;
	for (i = 0; i < DIGEST_HISTORY; i++) {
		int64_t back = (int64_t)(DIGEST_HISTORY - 1 - i) * len;

		d->hist_win[i].since = w->since - back;
		d->hist_win[i].until = w->until - back;
	}
}

/*
 * The sub-windows summed in the passes over other windows: the days of
 * win (in the current window's pass) and the history windows inside the
 * baseline (in its pass).  Each tally is what a pass of its own would sum.
 */
struct dsubs {
	struct query_sub day[MAX_DIGEST_DAYS];
	size_t		 n_days;	/* 0: too many days, none drawn */
	struct query_sub hist[DIGEST_HISTORY];
	int		 hist_in_base[DIGEST_HISTORY]; /* hist[i] is used */
	size_t		 n_hist;	/* entries used at the front of hist */
};

static int
win_inside(const struct window *in, const struct window *w)
{
	return in->since >= w->since && in->until <= w->until;
}

static void
dsubs_init(struct dsubs *s, const struct digest *d)
{
	int i, n = window_days(&d->win);

	memset(s, 0, sizeof(*s));
	for (i = 0; n <= MAX_DIGEST_DAYS && i < n; i++) {
		s->day[i].win.since = d->win.since + i * WINDOW_DAY;
		s->day[i].win.until = s->day[i].win.since + WINDOW_DAY;
	}
	s->n_days = n <= MAX_DIGEST_DAYS && n > 0 ? (size_t)n : 0;
	/* the last two are the current and previous windows themselves */
	for (i = 0; i < DIGEST_HISTORY - 2; i++)
		if (win_inside(&d->hist_win[i], &d->base_win)) {
			s->hist_in_base[i] = 1;
			s->hist[s->n_hist++].win = d->hist_win[i];
		}
}

static void
dsubs_release(struct dsubs *s)
{
	size_t i;

	for (i = 0; i < s->n_days; i++)
		free(s->day[i].t);
	for (i = 0; i < s->n_hist; i++)
		free(s->hist[i].t);
}

/* the tally of domain dom in sub-window sub of model m; NULL if none */
static const struct mtally *
sub_tally(struct model *m, const struct query_sub *sub,
    const char *dom)
{
	const struct msum *s = model_domain(m, dom);

	return s != NULL && sub->t != NULL ? &sub->t[s - m->domains] : NULL;
}

/*
 * The source lists the digest reads: the current and baseline sources'
 * DKIM and SPF results (the sending service, classify.h, and the new
 * selectors); the previous week's sources only for their tallies.
 */
#define DIGEST_OMIT	(QUERY_OMIT_FROM | QUERY_OMIT_REPORTERS | \
	QUERY_OMIT_REASONS)

/* a run_window with domain tallies only, no sources */
#define DIGEST_NO_SOURCES	(~0u)

/*
 * query_run over w into m (model_init'ed here), with sub-windows; omit
 * is the source lists left out, or DIGEST_NO_SOURCES
 */
static int
run_window(struct rdb *db, const struct digest_opts *o, const struct window *w,
    unsigned omit, struct query_sub *subs, size_t n_subs, struct model *m,
    char *err, size_t errlen)
{
	struct query_opts qo;

	memset(&qo, 0, sizeof(qo));
	qo.domains = o->domains;
	qo.n_domains = o->n_domains;
	qo.sources = omit != DIGEST_NO_SOURCES;
	qo.omit = omit != DIGEST_NO_SOURCES ? omit : 0;
	qo.subs = subs;
	qo.n_subs = n_subs;
	model_init(m, w, MODEL_SOURCES);
	return query_run(db, &qo, m, err, errlen);
}

static int
cmp_name(const void *a, const void *b)
{
	return strcmp(((const struct ddomain *)a)->domain,
	    ((const struct ddomain *)b)->domain);
}

static void
add_domain(struct digest *d, const char *name)
{
	size_t i;

	if (name == NULL || name[0] == '\0')
		return;
	for (i = 0; i < d->n_domains; i++)
		if (strcmp(d->domains[i].domain, name) == 0)
			return;
	d->domains = xreallocarray(d->domains, d->n_domains + 1,
	    sizeof(*d->domains));
	memset(&d->domains[d->n_domains], 0, sizeof(*d->domains));
	d->domains[d->n_domains++].domain = xstrdup(name);
}

/* the domains asked for, or every domain seen in win or base */
static void
domains_init(struct digest *d, const struct digest_opts *o)
{
	size_t i;

	for (i = 0; i < o->n_domains; i++)
		add_domain(d, o->domains[i]);
	if (o->n_domains == 0) {
		for (i = 0; i < d->cur.n_domains; i++)
			add_domain(d, d->cur.domains[i].domain);
		for (i = 0; i < d->base.n_domains; i++)
			add_domain(d, d->base.domains[i].domain);
	}
	if (d->n_domains > 1)
		qsort(d->domains, d->n_domains, sizeof(*d->domains),
		    cmp_name);
	for (i = 0; i < d->n_domains; i++) {
		struct ddomain *dd = &d->domains[i];

		dd->cur = model_domain(&d->cur, dd->domain);
		dd->prev = model_domain(&d->prev, dd->domain);
		dd->quiet = dd->cur == NULL || dd->cur->reports == 0;
	}
}

/* one history window's tallies into hist_*[i]; sub NULL: m's own */
static void
hist_take(struct digest *d, struct model *m, const struct query_sub *sub,
    int i)
{
	const struct msum *s;
	const struct mtally *t;
	size_t k;

	for (k = 0; k < d->n_domains; k++) {
		if (sub != NULL)
			t = sub_tally(m, sub, d->domains[k].domain);
		else
			t = (s = model_domain(m, d->domains[k].domain)) ?
			    &s->t : NULL;
		d->domains[k].hist_messages[i] = t ? t->messages : 0;
		d->domains[k].hist_pass[i] = t ? t->dmarc_pass : 0;
	}
}

static int
history(struct rdb *db, const struct digest_opts *o, struct digest *d,
    const struct dsubs *subs, char *err, size_t errlen)
{
	struct model m;
	size_t h = 0;
	int i, rc = 0;

	for (i = 0; i < DIGEST_HISTORY && rc == 0; i++) {
		if (i == DIGEST_HISTORY - 1)
			hist_take(d, &d->cur, NULL, i);
		else if (i == DIGEST_HISTORY - 2)
			hist_take(d, &d->prev, NULL, i);
		else if (subs->hist_in_base[i])
			hist_take(d, &d->base, &subs->hist[h++], i);
		else {
			rc = run_window(db, o, &d->hist_win[i],
			    DIGEST_NO_SOURCES, NULL, 0, &m, err, errlen);
			if (rc == 0)
				hist_take(d, &m, NULL, i);
			model_release(&m);
		}
	}
	return rc;
}

/* the days of win, summed in the current window's pass */
static void
daily(struct digest *d, const struct dsubs *subs)
{
	const struct mtally *t;
	size_t i, k;

	for (i = 0; i < subs->n_days; i++)
		for (k = 0; k < d->n_domains; k++) {
			struct ddomain *dd = &d->domains[k];

			t = sub_tally(&d->cur, &subs->day[i], dd->domain);
			dd->n_days = (int)subs->n_days;
			dd->day_pass[i] = t ? t->dmarc_pass : 0;
			dd->day_fail[i] = t ? t->messages - t->dmarc_pass : 0;
		}
}

/* readiness over its own window ending with win; fills each rd */
static int
readiness(struct rdb *db, struct dns *dns, const struct digest_opts *o,
    struct digest *d, char *err, size_t errlen)
{
	struct query_opts qo;
	struct window w;
	size_t i, k;

	memset(&qo, 0, sizeof(qo));
	qo.domains = o->domains;
	qo.n_domains = o->n_domains;
	w.until = d->win.until;
	w.since = w.until - READINESS_DEFAULT_DAYS * WINDOW_DAY;
	model_init(&d->rmodel, &w, MODEL_READINESS);
	if (readiness_build(db, dns, &qo, &o->ro, o->senders, o->services,
	    &d->rmodel, &d->rr, err, errlen) == -1)
		return -1;
	for (k = 0; k < d->n_domains; k++)
		for (i = 0; i < d->rr.n_domains; i++)
			if (strcmp(d->rr.domains[i].domain,
			    d->domains[k].domain) == 0)
				d->domains[k].rd = &d->rr.domains[i];
	return 0;
}

static void
totals(struct digest *d)
{
	size_t i;

	for (i = 0; i < d->n_domains; i++) {
		const struct ddomain *dd = &d->domains[i];

		if (dd->cur != NULL) {
			d->messages += dd->cur->t.messages;
			d->pass += dd->cur->t.dmarc_pass;
		}
		if (dd->prev != NULL) {
			d->prev_messages += dd->prev->t.messages;
			d->prev_pass += dd->prev->t.dmarc_pass;
		}
		d->n_new_sources += dd->new_sources.n +
		    dd->new_sources.more;
	}
}

static int
models(struct rdb *db, struct dns *dns, const struct digest_opts *o,
    struct digest *d, struct dsubs *subs, char *err, size_t errlen)
{
	if (run_window(db, o, &d->win, DIGEST_OMIT, subs->day, subs->n_days,
	    &d->cur, err, errlen) == -1 ||
	    run_window(db, o, &d->prev_win, QUERY_OMIT_ALL, NULL, 0, &d->prev,
	    err, errlen) == -1 ||
	    run_window(db, o, &d->base_win, DIGEST_OMIT, subs->hist,
	    subs->n_hist, &d->base, err, errlen) == -1)
		return -1;
	if (dns != NULL) {
		d->dns_used = 1;
		if (sources_resolve(&d->cur, dns, err, errlen) == -1 ||
		    sources_resolve(&d->base, dns, err, errlen) == -1)
			return -1;
	}
	return 0;
}

int
digest_build(struct rdb *db, struct dns *dns, const struct window *w,
    const struct digest_opts *o, struct digest *d, char *err,
    size_t errlen)
{
	struct rdb *hdb;
	struct dsubs subs;
	size_t i;
	int rc = -1;

	memset(d, 0, sizeof(*d));
	d->now = o->now;
	windows_init(d, w);
	dsubs_init(&subs, d);
	if (models(db, dns, o, d, &subs, err, errlen) == -1)
		goto out;
	domains_init(d, o);
	digest_index(d);
	daily(d, &subs);
	if (history(db, o, d, &subs, err, errlen) == -1 ||
	    readiness(db, dns, o, d, err, errlen) == -1 ||
	    digest_query_rejects(db, &d->win, d, err, errlen) == -1)
		goto out;
	hdb = dns != NULL && dns_db(dns) != NULL ? dns_db(dns) : db;
	for (i = 0; i < d->n_domains; i++)
		if (digest_changes(d, &d->domains[i], o->services, hdb, err,
		    errlen) == -1)
			goto out;
	totals(d);
	rc = 0;
out:
	dsubs_release(&subs);
	return rc;
}

static void
ddomain_release(struct ddomain *dd)
{
	size_t i;

	free(dd->domain);
	for (i = 0; i < dd->n_new_services; i++)
		free(dd->new_services[i]);
	free(dd->new_services);
	for (i = 0; i < dd->n_new_selectors; i++) {
		free(dd->new_selectors[i].d);
		free(dd->new_selectors[i].selector);
	}
	free(dd->new_selectors);
	for (i = 0; i < dd->n_silent; i++)
		free(dd->silent[i]);
	free(dd->silent);
	free(dd->record_old);
	free(dd->record_new);
	free(dd->next_record);
	free(dd->live_policy);
	dhealth_release(&dd->health);
}

void
digest_release(struct digest *d)
{
	size_t i;

	for (i = 0; i < d->n_domains; i++)
		ddomain_release(&d->domains[i]);
	free(d->domains);
	for (i = 0; i < d->n_rejects; i++)
		free(d->rejects[i].reason);
	digest_index_free(d);
	readiness_result_release(&d->rr);
	model_release(&d->rmodel);
	model_release(&d->cur);
	model_release(&d->prev);
	model_release(&d->base);
	memset(d, 0, sizeof(*d));
}

double
ddomain_pass_pct(const struct ddomain *dd)
{
	if (dd->cur == NULL || dd->cur->t.messages <= 0)
		return -1;
	return model_pct(dd->cur->t.dmarc_pass, dd->cur->t.messages);
}

double
ddomain_prev_pct(const struct ddomain *dd)
{
	if (dd->prev == NULL || dd->prev->t.messages <= 0)
		return -1;
	return model_pct(dd->prev->t.dmarc_pass, dd->prev->t.messages);
}

/* ISO 8601 week of a Monday (days since the epoch) */
static void
iso_week(int64_t days, int64_t *year, int *week)
{
	int64_t thu = days + 3, jan1;
	int m, dd;

	window_civil_from_days(thu, year, &m, &dd);
	jan1 = window_days_from_civil(*year, 1, 1);
	*week = (int)((thu - jan1) / 7) + 1;
}

void
digest_label(const struct digest *d, char *out, size_t outlen)
{
	int64_t days = d->win.since / WINDOW_DAY, y;
	char a[16], b[16];
	int wk;

	if (window_days(&d->win) == 7 && (days + 3) % 7 == 0) {
		iso_week(days, &y, &wk);
		snprintf(out, outlen, "%04lld-W%02d", (long long)y, wk);
		return;
	}
	window_date(d->win.since, a, sizeof(a));
	window_date(d->win.until - 1, b, sizeof(b));
	snprintf(out, outlen, "%s .. %s", a, b);
}

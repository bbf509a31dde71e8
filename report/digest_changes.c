/*
 * What changed for one domain of the digest (digest_changes.h): every
 * comparison of digest.h's definitions, over the sources of the current,
 * previous and baseline windows sorted by (domain, ip), and the stored
 * DMARC lookup history (policy.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "digest_changes.h"
#include "policy.h"
#include "xalloc.h"

enum { IX_CUR, IX_PREV, IX_BASE };

static int
str_cmp(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return (a != NULL) - (b != NULL);
	return strcmp(a, b);
}

static int
cmp_src(const void *a, const void *b)
{
	const struct msource *x = *(const struct msource *const *)a;
	const struct msource *y = *(const struct msource *const *)b;
	int c = strcmp(x->domain, y->domain);

	return c != 0 ? c : str_cmp(x->ip, y->ip);
}

static const struct msource **
index_of(const struct model *m)
{
	const struct msource **v;
	size_t i;

	v = xcalloc(m->n_sources + 1, sizeof(*v));
	for (i = 0; i < m->n_sources; i++)
		v[i] = &m->sources[i];
	qsort(v, m->n_sources, sizeof(*v), cmp_src);
	return v;
}

void
digest_index(struct digest *d)
{
	d->idx[IX_CUR] = index_of(&d->cur);
	d->idx[IX_PREV] = index_of(&d->prev);
	d->idx[IX_BASE] = index_of(&d->base);
}

void
digest_index_free(struct digest *d)
{
	int i;

	for (i = 0; i < 3; i++) {
		free(d->idx[i]);
		d->idx[i] = NULL;
	}
}

/* the sources of domain in an index: [*lo, *hi) */
static void
range(const struct msource **v, size_t n, const char *domain, size_t *lo,
    size_t *hi)
{
	size_t a = 0, b = n, mid;

	while (a < b) {
		mid = a + (b - a) / 2;
		if (strcmp(v[mid]->domain, domain) < 0)
			a = mid + 1;
		else
			b = mid;
	}
	*lo = a;
	while (a < n && strcmp(v[a]->domain, domain) == 0)
		a++;
	*hi = a;
}

/* the source (domain, ip) in [lo, hi) of v, or NULL */
static const struct msource *
find(const struct msource **v, size_t lo, size_t hi,
    const struct msource *s)
{
	size_t mid;
	int c;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		c = str_cmp(v[mid]->ip, s->ip);
		if (c == 0)
			return v[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* keeps the MAX_DIGEST_LIST largest keys, ties by ip */
static void
offer(struct dlist *l, const struct dsource *s)
{
	size_t i;

	if (l->n == MAX_DIGEST_LIST) {
		const struct dsource *last = &l->v[l->n - 1];

		l->more++;
		if (s->key < last->key || (s->key == last->key &&
		    str_cmp(s->src->ip, last->src->ip) >= 0))
			return;
		l->n--;
	}
	for (i = l->n; i > 0; i--) {
		const struct dsource *p = &l->v[i - 1];

		if (p->key > s->key || (p->key == s->key &&
		    str_cmp(p->src->ip, s->src->ip) <= 0))
			break;
		l->v[i] = l->v[i - 1];
	}
	l->v[i] = *s;
	l->n++;
}

static double
pass_pct(const struct msource *s)
{
	return model_pct(s->t.dmarc_pass, s->t.messages);
}

/* top, failing, new sources and drops */
static void
source_lists(struct digest *d, struct ddomain *dd,
    const struct classify *cl, size_t lo, size_t hi)
{
	const struct msource **cur = d->idx[IX_CUR], *p;
	size_t plo, phi, blo, bhi, i;
	struct dsource s;

	range(d->idx[IX_PREV], d->prev.n_sources, dd->domain, &plo, &phi);
	range(d->idx[IX_BASE], d->base.n_sources, dd->domain, &blo, &bhi);
	for (i = lo; i < hi; i++) {
		memset(&s, 0, sizeof(s));
		s.src = cur[i];
		s.service = classify_source(cl, cur[i]);
		s.pass_pct = pass_pct(cur[i]);
		s.key = cur[i]->t.messages;
		offer(&dd->top, &s);
		if (!dd->first && cur[i]->ip != NULL &&
		    find(d->idx[IX_BASE], blo, bhi,
		    cur[i]) == NULL)
			offer(&dd->new_sources, &s);
		if ((s.key = cur[i]->t.messages - cur[i]->t.dmarc_pass) > 0.5)
			offer(&dd->failing, &s);
		if (cur[i]->ip == NULL || (p = find(d->idx[IX_PREV], plo, phi,
		    cur[i])) == NULL)
			continue;
		s.prev_pct = pass_pct(p);
		s.prev_messages = p->t.messages;
		s.key = s.prev_pct - s.pass_pct;
		if (p->t.messages >= DIGEST_DROP_MIN_MESSAGES &&
		    cur[i]->t.messages >= DIGEST_DROP_MIN_MESSAGES &&
		    s.key >= DIGEST_DROP_POINTS)
			offer(&dd->drops, &s);
	}
}

static int
has(char **v, size_t n, const char *s)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(v[i], s) == 0)
			return 1;
	return 0;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* services sending in cur that base never saw */
static void
new_services(struct digest *d, struct ddomain *dd,
    const struct classify *cl, size_t lo, size_t hi)
{
	char **seen = NULL;
	size_t n_seen = 0, blo, bhi, i;
	const char *svc;

	if (cl == NULL)
		return;
	range(d->idx[IX_BASE], d->base.n_sources, dd->domain, &blo, &bhi);
	for (i = blo; i < bhi; i++)
		if ((svc = classify_source(cl, d->idx[IX_BASE][i])) != NULL &&
		    !has(seen, n_seen, svc)) {
			seen = xreallocarray(seen, n_seen + 1, sizeof(*seen));
			seen[n_seen++] = xstrdup(svc);
		}
	for (i = lo; i < hi && dd->n_new_services < MAX_DIGEST_LIST; i++)
		if ((svc = classify_source(cl, d->idx[IX_CUR][i])) != NULL &&
		    !has(seen, n_seen, svc) && !has(dd->new_services,
		    dd->n_new_services, svc)) {
			dd->new_services = xreallocarray(dd->new_services,
			    dd->n_new_services + 1, sizeof(char *));
			dd->new_services[dd->n_new_services++] = xstrdup(svc);
		}
	if (dd->n_new_services > 1)
		qsort(dd->new_services, dd->n_new_services, sizeof(char *),
		    cmp_str);
	for (i = 0; i < n_seen; i++)
		free(seen[i]);
	free(seen);
}

static int
same_sel(const struct mvalue *v, const char *d, const char *sel)
{
	return v->name != NULL && strcmp(v->name, d) == 0 &&
	    str_cmp(v->detail, sel) == 0;
}

static int
passed(const struct mvalue *v)
{
	return v->name != NULL && v->result != NULL &&
	    strcmp(v->result, "pass") == 0;
}

/* 1 if (d, sel) passed for a source of [lo, hi) of v */
static int
selector_in(const struct msource **v, size_t lo, size_t hi,
    const struct mvalue *x)
{
	size_t i, k;

	for (i = lo; i < hi; i++)
		for (k = 0; k < v[i]->dkim.n; k++)
			if (passed(&v[i]->dkim.v[k]) &&
			    same_sel(&v[i]->dkim.v[k], x->name, x->detail))
				return 1;
	return 0;
}

static void
selector_add(struct ddomain *dd, const struct mvalue *x)
{
	size_t i;

	for (i = 0; i < dd->n_new_selectors; i++)
		if (same_sel(x, dd->new_selectors[i].d,
		    dd->new_selectors[i].selector)) {
			dd->new_selectors[i].messages += x->messages;
			return;
		}
	if (dd->n_new_selectors == MAX_DIGEST_LIST)
		return;
	dd->new_selectors = xreallocarray(dd->new_selectors,
	    dd->n_new_selectors + 1, sizeof(*dd->new_selectors));
	dd->new_selectors[dd->n_new_selectors].d = xstrdup(x->name);
	dd->new_selectors[dd->n_new_selectors].selector =
	    x->detail ? xstrdup(x->detail) : NULL;
	dd->new_selectors[dd->n_new_selectors++].messages = x->messages;
}

static void
new_selectors(struct digest *d, struct ddomain *dd, size_t lo, size_t hi)
{
	const struct msource **cur = d->idx[IX_CUR];
	size_t blo, bhi, i, k;

	range(d->idx[IX_BASE], d->base.n_sources, dd->domain, &blo, &bhi);
	for (i = lo; i < hi; i++)
		for (k = 0; k < cur[i]->dkim.n; k++)
			if (passed(&cur[i]->dkim.v[k]) &&
			    !selector_in(d->idx[IX_BASE], blo, bhi,
			    &cur[i]->dkim.v[k]))
				selector_add(dd, &cur[i]->dkim.v[k]);
}

/* reporters of the domain in base that sent nothing in cur */
static void
silent_reporters(struct digest *d, struct ddomain *dd)
{
	const struct msum *b = model_domain(&d->base, dd->domain);
	size_t i, k;
	int found;

	if (b == NULL)
		return;
	for (i = 0; i < b->reporters.n; i++) {
		const char *name = b->reporters.v[i].name;

		if (name == NULL || dd->n_silent == MAX_DIGEST_LIST)
			continue;
		found = 0;
		for (k = 0; dd->cur != NULL && k < dd->cur->reporters.n; k++)
			if (str_cmp(dd->cur->reporters.v[k].name, name) == 0)
				found = 1;
		if (!found && !has(dd->silent, dd->n_silent, name)) {
			dd->silent = xreallocarray(dd->silent,
			    dd->n_silent + 1, sizeof(char *));
			dd->silent[dd->n_silent++] = xstrdup(name);
		}
	}
	if (dd->n_silent > 1)
		qsort(dd->silent, dd->n_silent, sizeof(char *), cmp_str);
}

static int
same_change(const struct policy_change *a, const struct policy_change *b)
{
	return a->status == b->status && str_cmp(a->raw, b->raw) == 0;
}

/*
 * The record in effect before win.since against the newest one; lookups
 * that failed (dns-error) say nothing and are skipped.
 */
static int
record_change(struct digest *d, struct ddomain *dd, struct rdb *hdb,
    char *err, size_t errlen)
{
	struct policy_change *c = NULL;
	const struct policy_change *before = NULL, *last = NULL, *first = NULL;
	size_t n = 0, i;

	if (policy_history(hdb, dd->domain, &c, &n, err, errlen) == -1)
		return -1;
	for (i = 0; i < n; i++) {
		if (c[i].status != POLICY_FOUND && c[i].status != POLICY_NONE &&
		    c[i].status != POLICY_INVALID)
			continue;
		if (c[i].first_seen < d->win.since)
			before = &c[i];
		else if (first == NULL && (before == NULL ||
		    !same_change(&c[i], before)))
			first = &c[i];
		last = &c[i];
	}
	if (before != NULL && first != NULL && !same_change(before, last)) {
		dd->record_changed = 1;
		dd->record_old = before->raw ? xstrdup(before->raw) : NULL;
		dd->record_new = last->raw ? xstrdup(last->raw) : NULL;
		dd->record_changed_at = first->first_seen;
	}
	policy_history_free(c, n);
	return 0;
}

static void
next_step(struct ddomain *dd)
{
	const struct readiness_domain *rd = dd->rd;

	if (rd == NULL)
		return;
	if (rd->current != RSTEP_UNKNOWN)
		dd->live_policy = xasprintf("%s%s",
		    readiness_step_tags(rd->current), rd->n_unauthorized > 0 ?
		    " (rua not authorized)" : "");
	if (rd->record != NULL)
		dd->next_record = xstrdup(rd->record);
}

int
digest_changes(struct digest *d, struct ddomain *dd,
    const struct classify *cl, struct rdb *hdb, char *err, size_t errlen)
{
	size_t lo, hi;

	const struct msum *b = model_domain(&d->base, dd->domain);

	dd->first = b == NULL || b->reports == 0;
	range(d->idx[IX_CUR], d->cur.n_sources, dd->domain, &lo, &hi);
	source_lists(d, dd, cl, lo, hi);
	if (!dd->first) {
		new_services(d, dd, cl, lo, hi);
		new_selectors(d, dd, lo, hi);
	}
	silent_reporters(d, dd);
	next_step(dd);
	if (record_change(d, dd, hdb, err, errlen) == -1)
		return -1;
	return digest_health(dd, hdb, d->now, err, errlen);
}

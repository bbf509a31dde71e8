/*
 * The report model's lifecycle and its small arithmetic: bounded value
 * lists, display rounding by largest remainder, percentages.  query.c
 * fills the model; nothing here touches the database or prints.
 */
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "strpool.h"
#include "xalloc.h"

static const char *const disp_names[MDISP__COUNT] = {
	"none", "quarantine", "reject", "pass", "unknown"
};
static const char *const fail_codes[MFAIL__COUNT] = {
	"override", "dkim-other-domain", "spf-other-domain",
	"no-dkim-signature", "both-failed"
};
static const char *const fail_texts[MFAIL__COUNT] = {
	"receiver override",
	"DKIM passed for another domain",
	"SPF passed for another domain",
	"no DKIM signature",
	"both DKIM and SPF failed"
};

const char *
mdisp_name(enum mdisp d)
{
	return disp_names[d];
}

const char *
mfail_code(enum mfail f)
{
	return fail_codes[f];
}

const char *
mfail_text(enum mfail f)
{
	return fail_texts[f];
}

void
mtally_add(struct mtally *dst, const struct mtally *src)
{
	int i;

	dst->messages += src->messages;
	dst->dmarc_pass += src->dmarc_pass;
	dst->dkim_aligned += src->dkim_aligned;
	dst->spf_aligned += src->spf_aligned;
	dst->both_aligned += src->both_aligned;
	for (i = 0; i < MDISP__COUNT; i++)
		dst->disp[i] += src->disp[i];
	for (i = 0; i < MFAIL__COUNT; i++)
		dst->fail[i] += src->fail[i];
	dst->rows += src->rows;
}

void
model_values_init(struct mvalues *vs, size_t max)
{
	memset(vs, 0, sizeof(*vs));
	vs->max = max;
}

void
model_values_release(struct mvalues *vs)
{
	size_t i;

	for (i = 0; i < vs->n; i++) {
		strpool_put(vs->v[i].name);
		strpool_put(vs->v[i].detail);
		strpool_put(vs->v[i].result);
	}
	free(vs->v);
	memset(vs, 0, sizeof(*vs));
}

static int
str_eq(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

/* FNV-1a over the three strings, NULL apart from "" */
static uint32_t
value_hash(const char *name, const char *detail, const char *result)
{
	const char *f[3] = { name, detail, result };
	const unsigned char *p;
	uint32_t h = 2166136261u;
	int i;

	for (i = 0; i < 3; i++) {
		h = (h ^ (f[i] == NULL ? 0x100u : 0x200u)) * 16777619u;
		for (p = (const unsigned char *)f[i]; p != NULL && *p != '\0';
		    p++)
			h = (h ^ *p) * 16777619u;
	}
	return h;
}

/* v is the value (name, detail, result) of hash h */
static int
value_is(const struct mvalue *v, uint32_t h, const char *name,
    const char *detail, const char *result)
{
	return !v->other && v->hash == h && str_eq(v->name, name) &&
	    str_eq(v->detail, detail) && str_eq(v->result, result);
}

static struct mvalue *
values_slot(struct mvalues *vs)
{
	if (vs->n == vs->cap) {
		vs->cap = vs->cap ? vs->cap * 2 : 4;
		vs->v = xreallocarray(vs->v, vs->cap, sizeof(*vs->v));
	}
	memset(&vs->v[vs->n], 0, sizeof(vs->v[0]));
	return &vs->v[vs->n++];
}

void
model_values_add(struct mvalues *vs, const char *name, const char *detail,
    const char *result, double messages, unsigned long rows)
{
	struct mvalue *v = NULL, *other = NULL;
	uint32_t h = value_hash(name, detail, result);
	size_t i, kept = 0;

	/* the same value comes again and again: try the last one first */
	if (vs->last < vs->n && value_is(&vs->v[vs->last], h, name, detail,
	    result)) {
		v = &vs->v[vs->last];
		goto add;
	}
	for (i = 0; i < vs->n; i++) {
		if (vs->v[i].other) {
			other = &vs->v[i];
			continue;
		}
		kept++;
		if (value_is(&vs->v[i], h, name, detail, result)) {
			v = &vs->v[i];
			break;
		}
	}
	if (v == NULL && kept >= vs->max) {
		if (other == NULL) {
			other = values_slot(vs);
			other->other = 1;
		}
		v = other;
	} else if (v == NULL) {
		v = values_slot(vs);
		v->name = strpool_get(name);
		v->detail = strpool_get(detail);
		v->result = strpool_get(result);
		v->hash = h;
	}
	vs->last = (size_t)(v - vs->v);
add:
	v->messages += messages;
	v->rows += rows;
}

static int
cmp_str(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return (a != NULL) - (b != NULL);
	return strcmp(a, b);
}

static int
cmp_value(const void *pa, const void *pb)
{
	const struct mvalue *a = pa, *b = pb;
	int c;

	if (a->other != b->other)
		return a->other - b->other;	/* "(other)" last */
	if (a->messages != b->messages)
		return a->messages < b->messages ? 1 : -1;
	if ((c = cmp_str(a->name, b->name)) != 0)
		return c;
	if ((c = cmp_str(a->detail, b->detail)) != 0)
		return c;
	return cmp_str(a->result, b->result);
}

void
model_values_sort(struct mvalues *vs)
{
	if (vs->n > 1)
		qsort(vs->v, vs->n, sizeof(*vs->v), cmp_value);
}

const char *
msource_ptr_label(const struct msource *s)
{
	if (s->ptr != NULL)
		return s->ptr;
	if (s->ptr_status == NULL ||
	    strcmp(s->ptr_status, "not-looked-up") == 0)
		return "(not looked up)";
	if (strcmp(s->ptr_status, "nxdomain") == 0 ||
	    strcmp(s->ptr_status, "nodata") == 0 ||
	    strcmp(s->ptr_status, "ok") == 0)
		return "(no PTR)";
	if (strcmp(s->ptr_status, "timeout") == 0)
		return "(PTR lookup timed out)";
	return "(PTR lookup failed)";
}

void
model_init(struct model *m, const struct window *w, enum model_mode mode)
{
	memset(m, 0, sizeof(*m));
	m->win = *w;
	m->mode = mode;
}

void
msource_release(struct msource *s)
{
	free(s->domain);
	free(s->ip);
	free(s->ptr);
	free(s->ptr_status);
	model_values_release(&s->header_from);
	model_values_release(&s->envelope_from);
	model_values_release(&s->dkim);
	model_values_release(&s->spf);
	model_values_release(&s->reasons);
	model_values_release(&s->reporters);
	free(s->cls_data);
}

static void
msum_release(struct msum *d)
{
	size_t i;

	free(d->domain);
	model_values_release(&d->reasons);
	model_values_release(&d->reporters);
	for (i = 0; i < d->n_policies; i++) {
		free(d->policies[i].p);
		free(d->policies[i].sp);
		free(d->policies[i].np);
		free(d->policies[i].adkim);
		free(d->policies[i].aspf);
		free(d->policies[i].testing);
	}
	free(d->policies);
	free(d->day_messages);
	free(d->live_status);
	free(d->live_record);
	free(d->live_p);
	free(d->live_sp);
	free(d->live_adkim);
	free(d->live_aspf);
	for (i = 0; i < d->n_mismatch; i++)
		free(d->mismatch[i]);
	free(d->mismatch);
}

void
model_release(struct model *m)
{
	size_t i;

	for (i = 0; i < m->n_domains; i++)
		msum_release(&m->domains[i]);
	free(m->domains);
	for (i = 0; i < m->n_sources; i++)
		msource_release(&m->sources[i]);
	free(m->sources);
	for (i = 0; i < m->n_rejects; i++) {
		free(m->rejects[i].source);
		free(m->rejects[i].reason);
	}
	free(m->rejects);
	memset(m, 0, sizeof(*m));
}

struct msum *
model_domain(struct model *m, const char *domain)
{
	size_t lo = 0, hi = m->n_domains, mid;
	int c;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		c = strcmp(domain, m->domains[mid].domain);
		if (c == 0)
			return &m->domains[mid];
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

/* counts are never negative; no libm needed for rounding them */
int64_t
model_round(double v)
{
	return v <= 0 ? 0 : (int64_t)(v + 0.5);
}

static int64_t
floor_count(double v)
{
	return v <= 0 ? 0 : (int64_t)(v + 1e-9);
}

void
model_round_parts(const double *v, size_t n, int64_t *out)
{
	double sum = 0, best;
	int64_t total, given = 0;
	size_t i, pick;
	char used[MAX_ROUND_PARTS];

	for (i = 0; i < n; i++) {
		sum += v[i];
		out[i] = floor_count(v[i]);
		given += out[i];
	}
	total = model_round(sum);
	assert(n <= sizeof(used));
	memset(used, 0, sizeof(used));
	while (given < total) {
		pick = n;
		best = -1;
		for (i = 0; i < n && i < sizeof(used); i++) {
			if (!used[i] && v[i] - (double)out[i] > best) {
				best = v[i] - (double)out[i];
				pick = i;
			}
		}
		if (pick == n)
			break;
		used[pick] = 1;
		out[pick]++;
		given++;
	}
}

double
model_pct(double part, double whole)
{
	return whole > 0 ? 100.0 * part / whole : 0.0;
}

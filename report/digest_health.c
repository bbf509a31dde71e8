/*
 * The digest's DNS health (digest.h): the newest two checks of a domain
 * stored by `dmarc-report check` (check_store.h), their items matched by
 * (area, code, subject), and the lines that say what changed, in words
 * shared by the text, Markdown and HTML renderers.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "digest.h"
#include "digest_changes.h"
#include "window.h"
#include "xalloc.h"

static int
problem(enum check_verdict v)
{
	return v == CHECK_WARNING || v == CHECK_ERROR;
}

static int
same_key(const struct check_stored_item *a,
    const struct check_stored_item *b)
{
	return strcmp(a->area, b->area) == 0 &&
	    strcmp(a->code, b->code) == 0 &&
	    strcmp(a->subject, b->subject) == 0;
}

static void
line_add(struct dhealth *h, const struct check_stored_item *it,
    enum dhealth_change ch, enum check_verdict was)
{
	if (h->n_items >= MAX_DIGEST_LIST) {
		h->more++;
		return;
	}
	h->items[h->n_items].it = it;
	h->items[h->n_items].change = ch;
	h->items[h->n_items].was = was;
	h->n_items++;
}

/*
 * The match of cur's item i in prev: an unused item of the same key (a
 * key may repeat: each matches once), marked used; NULL if none.
 */
static const struct check_stored_item *
match(const struct check_stored *prev, const struct check_stored_item *it,
    unsigned char *used)
{
	for (size_t k = 0; k < prev->n_items; k++)
		if (!used[k] && same_key(&prev->items[k], it)) {
			used[k] = 1;
			return &prev->items[k];
		}
	return NULL;
}

/* the lines of a domain with two checks, in the order of digest.h */
static void
compare(struct dhealth *h)
{
	const struct check_stored *cur = &h->checks[0], *prev = &h->checks[1];
	const struct check_stored_item **m;
	unsigned char *used;
	size_t i;

	m = xcalloc(cur->n_items + 1, sizeof(*m));
	used = xcalloc(prev->n_items + 1, 1);
	for (i = 0; i < cur->n_items; i++)
		m[i] = match(prev, &cur->items[i], used);
	for (i = 0; i < cur->n_items; i++)
		if (problem(cur->items[i].verdict) && m[i] == NULL) {
			line_add(h, &cur->items[i], DHEALTH_NEW, CHECK_OK);
			h->n_new++;
		}
	for (i = 0; i < cur->n_items; i++)
		if (problem(cur->items[i].verdict) && m[i] != NULL &&
		    m[i]->verdict != cur->items[i].verdict) {
			line_add(h, &cur->items[i], DHEALTH_CHANGED,
			    m[i]->verdict);
			h->n_changed++;
		}
	for (i = 0; i < cur->n_items; i++)
		if (!problem(cur->items[i].verdict) && m[i] != NULL &&
		    problem(m[i]->verdict)) {
			line_add(h, m[i], DHEALTH_FIXED, m[i]->verdict);
			h->n_fixed++;
		}
	for (i = 0; i < prev->n_items; i++)
		if (!used[i] && problem(prev->items[i].verdict)) {
			line_add(h, &prev->items[i], DHEALTH_FIXED,
			    prev->items[i].verdict);
			h->n_fixed++;
		}
	for (i = 0; i < cur->n_items; i++)
		if (problem(cur->items[i].verdict) && m[i] != NULL &&
		    m[i]->verdict == cur->items[i].verdict)
			line_add(h, &cur->items[i], DHEALTH_STILL,
			    m[i]->verdict);
	free(m);
	free(used);
}

int
digest_health(struct ddomain *dd, struct rdb *hdb, int64_t now, char *err,
    size_t errlen)
{
	struct dhealth *h = &dd->health;
	const struct check_stored *cur = &h->checks[0];

	memset(h, 0, sizeof(*h));
	if (check_stored_last(hdb, dd->domain, now, h->checks, &h->n_checks,
	    err, errlen) == -1)
		return -1;
	for (size_t i = 0; h->n_checks > 0 && i < cur->n_items; i++) {
		h->n_errors += cur->items[i].verdict == CHECK_ERROR;
		h->n_warnings += cur->items[i].verdict == CHECK_WARNING;
	}
	if (h->n_checks == 2)
		compare(h);
	else
		for (size_t i = 0; h->n_checks > 0 && i < cur->n_items; i++)
			if (problem(cur->items[i].verdict))
				line_add(h, &cur->items[i], DHEALTH_STILL,
				    cur->items[i].verdict);
	return 0;
}

void
dhealth_release(struct dhealth *h)
{
	for (size_t i = 0; i < h->n_checks; i++)
		check_stored_release(&h->checks[i]);
	memset(h, 0, sizeof(*h));
}

/* ------------------------------------------------------------------ */
/* words                                                              */

/* "2026-11-22 06:00 UTC" */
static void
when(int64_t t, char *out, size_t outlen)
{
	char ts[32];

	window_timestamp(t, ts, sizeof(ts));
	/* "YYYY-MM-DDTHH:MM:SSZ" */
	snprintf(out, outlen, "%.10s %.5s UTC", ts, ts + 11);
}

static char *
summary(const struct dhealth *h)
{
	const struct check_stored *c = &h->checks[0], *p = &h->checks[1];
	char at[32], before[32], was[160] = "", changed[96] = "";

	if (h->n_checks == 0)
		return xstrdup("No stored check: run 'dmarc-report check' "
		    "(with DNS) to store one");
	when(c->checked_at, at, sizeof(at));
	if (h->n_checks == 2) {
		when(p->checked_at, before, sizeof(before));
		snprintf(was, sizeof(was), " (before: %s, %s)",
		    check_verdict_name(p->worst), before);
		if (h->n_new + h->n_changed + h->n_fixed == 0)
			snprintf(changed, sizeof(changed), ": nothing "
			    "changed");
		else
			snprintf(changed, sizeof(changed), ": %zu new, %zu "
			    "changed, %zu fixed", h->n_new, h->n_changed,
			    h->n_fixed);
	} else
		snprintf(changed, sizeof(changed), ": the first stored check");
	return xasprintf("%s: %zu error%s, %zu warning%s in the check of "
	    "%s%s%s", check_verdict_name(c->worst), h->n_errors,
	    h->n_errors == 1 ? "" : "s", h->n_warnings,
	    h->n_warnings == 1 ? "" : "s", at, was, changed);
}

static char *
line(const struct dhealth_item *l)
{
	const struct check_stored_item *it = l->it;
	const char *v = check_verdict_name(it->verdict);

	switch (l->change) {
	case DHEALTH_NEW:
		return xasprintf("new %s, %s '%s': %s", v, it->area,
		    it->subject, it->text);
	case DHEALTH_CHANGED:
		return xasprintf("%s, was %s, %s '%s': %s", v,
		    check_verdict_name(l->was), it->area, it->subject,
		    it->text);
	case DHEALTH_FIXED:
		return xasprintf("fixed (was %s), %s '%s': %s",
		    check_verdict_name(l->was), it->area, it->subject,
		    it->text);
	case DHEALTH_STILL:
		break;
	}
	return xasprintf("%s, %s '%s': %s", v, it->area, it->subject,
	    it->text);
}

void
digest_health_words(const struct ddomain *dd, char **sum, char ***lines,
    size_t *n)
{
	const struct dhealth *h = &dd->health;
	size_t k = h->n_items + (h->more > 0);

	*sum = summary(h);
	*lines = xcalloc(k + 1, sizeof(**lines));
	for (*n = 0; *n < h->n_items; (*n)++)
		(*lines)[*n] = line(&h->items[*n]);
	if (h->more > 0)
		(*lines)[(*n)++] = xasprintf("and %lu more (dmarc-report "
		    "check)", h->more);
}

/*
 * The summary mode: query.c's per-domain totals, then the live DMARC
 * policy of each domain (policy.h) and the sentences that call out where
 * the policy receivers saw differs from it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy.h"
#include "summary.h"
#include "xalloc.h"

/* room for one mismatch sentence; values are schema words or numbers */
#define MISMATCH_LEN	256

static char *
dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

static char *
char_word(char c)
{
	char w[2] = { c, '\0' };

	return c ? xstrdup(w) : NULL;
}

static void
live_fill(struct msum *d, const struct policy_lookup *pl)
{
	d->live_status = xstrdup(policy_status_name(pl->status));
	d->live_at = pl->looked_up_at;
	d->live_stored = pl->stored;
	if (pl->status != POLICY_FOUND)
		return;
	d->live_record = dup_or_null(pl->raw);
	d->live_p = dup_or_null(dmarcrec_p_name(policy_applied(pl)));
	d->live_sp = dup_or_null(dmarcrec_p_name(pl->rec.sp));
	d->live_adkim = char_word(pl->rec.adkim);
	d->live_aspf = char_word(pl->rec.aspf);
	d->live_pct = pl->rec.pct;
	d->live_t = pl->rec.t;
}

static void
mismatch_add(struct msum *d, const char *tag, const char *seen,
    const char *live, unsigned long reports)
{
	char line[MISMATCH_LEN];

	snprintf(line, sizeof(line), "receivers saw %s=%s in %lu report%s; "
	    "the live record says %s=%s", tag, seen, reports,
	    reports == 1 ? "" : "s", tag, live);
	d->mismatch = xreallocarray(d->mismatch, d->n_mismatch + 1,
	    sizeof(*d->mismatch));
	d->mismatch[d->n_mismatch++] = xstrdup(line);
}

static const char *
or_default(const char *v, const char *dflt)
{
	return v ? v : dflt;
}

/* one tag of one published policy against the live record */
static void
compare_tag(struct msum *d, const char *tag, const char *seen,
    const char *live, unsigned long reports)
{
	if (strcmp(seen, live) == 0)
		return;
	mismatch_add(d, tag, seen, live, reports);
}

void
summary_mismatches(struct msum *d)
{
	const struct mpolicy *p;
	char seen_pct[16], live_pct[16], live_t[2] = { 0, 0 };
	size_t i;

	for (i = 0; i < d->n_mismatch; i++)
		free(d->mismatch[i]);
	free(d->mismatch);
	d->mismatch = NULL;
	d->n_mismatch = 0;
	if (d->live_p == NULL)
		return;
	live_t[0] = d->live_t ? d->live_t : 'n';
	snprintf(live_pct, sizeof(live_pct), "%d",
	    d->live_pct < 0 ? 100 : d->live_pct);
	for (i = 0; i < d->n_policies; i++) {
		p = &d->policies[i];
		compare_tag(d, "p", or_default(p->p, "(absent)"), d->live_p,
		    p->reports);
		/* an absent sp means "as p" (RFC 7489 6.3) on both sides */
		compare_tag(d, "sp", or_default(p->sp, or_default(p->p,
		    "(absent)")), or_default(d->live_sp, d->live_p),
		    p->reports);
		compare_tag(d, "adkim", or_default(p->adkim, "r"),
		    or_default(d->live_adkim, "r"), p->reports);
		compare_tag(d, "aspf", or_default(p->aspf, "r"),
		    or_default(d->live_aspf, "r"), p->reports);
		snprintf(seen_pct, sizeof(seen_pct), "%d",
		    p->pct < 0 ? 100 : p->pct);
		compare_tag(d, "pct", seen_pct, live_pct, p->reports);
		compare_tag(d, "t", or_default(p->testing, "n"), live_t,
		    p->reports);
	}
}

static int
summary_live(struct msum *d, struct dns *dns, char *err, size_t errlen)
{
	struct policy_lookup pl;
	int rc = -1;

	memset(&pl, 0, sizeof(pl));
	/* "" collects reports without a policy domain: nothing to look up */
	if (d->domain[0] == '\0')
		return 0;
	if (policy_current(dns, d->domain, &pl, err, errlen) == -1) {
		/* a domain dnser's parser refuses is shown, not fatal */
		d->live_status = xstrdup("invalid-domain");
		rc = 0;
		goto out;
	}
	live_fill(d, &pl);
	summary_mismatches(d);
	rc = 0;
out:
	policy_lookup_release(&pl);
	return rc;
}

int
summary_build(struct rdb *db, struct dns *dns, const struct query_opts *qo,
    struct model *m, char *err, size_t errlen)
{
	size_t i;

	if (query_run(db, qo, m, err, errlen) == -1)
		return -1;
	if (dns == NULL)
		return 0;
	for (i = 0; i < m->n_domains; i++)
		if (summary_live(&m->domains[i], dns, err, errlen) == -1)
			return -1;
	return 0;
}

/*
 * DMARC identifier alignment, computed by us for every record so the
 * database can show where our verdict and the receiver's differ.  Sits
 * between the parser and the store.  Names are compared by
 * lib/orgdomain.c (libpsl organizational domains).
 */
#include <string.h>

#include "align.h"
#include "orgdomain.h"

static int
is_word(const struct word *w, const char *norm)
{
	return w->norm != NULL && strcmp(w->norm, norm) == 0;
}

static int
dkim_aligned(const struct policy *pol, const struct record *rec,
    const struct orgname *t)
{
	int strict = is_word(&pol->adkim, "s");

	for (size_t i = 0; i < rec->n_dkim; i++)
		if (is_word(&rec->dkim[i].result, "pass") &&
		    orgname_aligned(t, rec->dkim[i].domain, strict))
			return 1;
	return 0;
}

static int
spf_aligned(const struct policy *pol, const struct record *rec,
    const struct orgname *t)
{
	int strict = is_word(&pol->aspf, "s");
	const struct spf_auth *s;

	for (size_t i = 0; i < rec->n_spf; i++) {
		s = &rec->spf[i];
		/* a helo result never counts; absent scope means mfrom */
		if (s->scope.raw != NULL && !is_word(&s->scope, "mfrom"))
			continue;
		if (is_word(&s->result, "pass") &&
		    orgname_aligned(t, s->domain, strict))
			return 1;
	}
	return 0;
}

void
align_record(const struct policy *pol, struct record *rec)
{
	struct orgname t;	/* header_from, prepared once */

	rec->dkim_aligned = rec->spf_aligned = 0;
	if (orgname_set(&t, rec->header_from) == 0) {
		rec->dkim_aligned = dkim_aligned(pol, rec, &t);
		rec->spf_aligned = spf_aligned(pol, rec, &t);
	}
	rec->dmarc_pass = rec->dkim_aligned || rec->spf_aligned;
	if (is_word(&rec->eval_dkim, "pass") || is_word(&rec->eval_spf, "pass"))
		rec->receiver_pass = 1;
	else if (is_word(&rec->eval_dkim, "fail") ||
	    is_word(&rec->eval_spf, "fail"))
		rec->receiver_pass = 0;
	else
		rec->receiver_pass = -1;
}

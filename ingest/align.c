/*
 * DMARC identifier alignment, computed by us for every record so the
 * database can show where our verdict and the receiver's differ.  Sits
 * between the parser and the store.  Organizational domains come from
 * libpsl's built-in Public Suffix List (or the system's list when the
 * library was built without one); comparisons are ASCII case-insensitive
 * and ignore one trailing dot.
 */
#include <string.h>

#include <libpsl.h>

#include "align.h"
#include "limits.h"

/* a domain copied for comparison: lower-cased, trailing dot removed */
struct dname {
	char	 s[MAX_SHORT_TEXT + 1];
	size_t	 len;
};

static const psl_ctx_t *
psl(void)
{
	static const psl_ctx_t *ctx;

	/*
	 * psl_builtin() is a static table; psl_latest() loads the system
	 * list once and is kept for the life of the process.
	 */
	if (ctx == NULL && (ctx = psl_builtin()) == NULL)
		ctx = psl_latest(NULL);
	return ctx;
}

/* 0, or -1 when name is NULL, empty or too long to be a domain */
static int
dname_set(struct dname *d, const char *name)
{
	size_t n;

	if (name == NULL || (n = strlen(name)) == 0 || n > MAX_SHORT_TEXT)
		return -1;
	for (size_t i = 0; i < n; i++) {
		char c = name[i];

		d->s[i] = c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
	}
	if (n > 1 && d->s[n - 1] == '.')
		n--;
	d->s[n] = '\0';
	d->len = n;
	return 0;
}

/* the organizational domain of a lower-cased name: a suffix of it */
static const char *
org_of(const char *lower)
{
	const psl_ctx_t *ctx = psl();
	const char *r = NULL;

	if (ctx != NULL)
		r = psl_registrable_domain(ctx, lower);
	return r != NULL ? r : lower;
}

const char *
align_org_domain(const char *name)
{
	struct dname d;

	if (dname_set(&d, name) == -1)
		return name != NULL ? name : "";
	/* same length and offsets in the copy: map the result back */
	return name + (org_of(d.s) - d.s);
}

int
align_domains(const char *a, const char *b, int strict)
{
	struct dname da, db;

	if (dname_set(&da, a) == -1 || dname_set(&db, b) == -1)
		return 0;
	if (strict)
		return strcmp(da.s, db.s) == 0;
	return strcmp(org_of(da.s), org_of(db.s)) == 0;
}

static int
is_word(const struct word *w, const char *norm)
{
	return w->norm != NULL && strcmp(w->norm, norm) == 0;
}

/* header_from, prepared once per record */
struct target {
	struct dname	 d;
	const char	*org;		/* organizational domain, into d.s */
};

static int
aligned_to(const struct target *t, const char *name, int strict)
{
	struct dname d;

	if (dname_set(&d, name) == -1)
		return 0;
	if (strcmp(d.s, t->d.s) == 0)
		return 1;
	return !strict && strcmp(org_of(d.s), t->org) == 0;
}

static int
dkim_aligned(const struct policy *pol, const struct record *rec,
    const struct target *t)
{
	int strict = is_word(&pol->adkim, "s");

	for (size_t i = 0; i < rec->n_dkim; i++)
		if (is_word(&rec->dkim[i].result, "pass") &&
		    aligned_to(t, rec->dkim[i].domain, strict))
			return 1;
	return 0;
}

static int
spf_aligned(const struct policy *pol, const struct record *rec,
    const struct target *t)
{
	int strict = is_word(&pol->aspf, "s");
	const struct spf_auth *s;

	for (size_t i = 0; i < rec->n_spf; i++) {
		s = &rec->spf[i];
		/* a helo result never counts; absent scope means mfrom */
		if (s->scope.raw != NULL && !is_word(&s->scope, "mfrom"))
			continue;
		if (is_word(&s->result, "pass") &&
		    aligned_to(t, s->domain, strict))
			return 1;
	}
	return 0;
}

void
align_record(const struct policy *pol, struct record *rec)
{
	struct target t;

	rec->dkim_aligned = rec->spf_aligned = 0;
	if (dname_set(&t.d, rec->header_from) == 0) {
		t.org = org_of(t.d.s);
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

/*
 * Organizational domains through libpsl, and name alignment (orgdomain.h).
 */
#include <string.h>

#include <libpsl.h>

#include "orgdomain.h"

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

/* lower-cases s into out without a final dot; its length, or 0 */
static size_t
fold(char out[MAX_SHORT_TEXT + 1], const char *s)
{
	size_t n;

	if (s == NULL || (n = strlen(s)) == 0 || n > MAX_SHORT_TEXT)
		return 0;
	for (size_t i = 0; i < n; i++)
		out[i] = s[i] >= 'A' && s[i] <= 'Z' ? (char)(s[i] - 'A' + 'a') :
		    s[i];
	if (n > 1 && out[n - 1] == '.')
		n--;
	out[n] = '\0';
	return n;
}

/* the organizational domain of a folded name: a suffix of it */
static const char *
org_of(const char *folded)
{
	const psl_ctx_t *ctx = psl();
	const char *r = NULL;

	if (ctx != NULL)
		r = psl_registrable_domain(ctx, folded);
	return r != NULL ? r : folded;
}

int
orgname_set(struct orgname *n, const char *s)
{
	if (fold(n->name, s) == 0)
		return -1;
	n->org = org_of(n->name);
	return 0;
}

int
orgname_aligned(const struct orgname *n, const char *s, int strict)
{
	char f[MAX_SHORT_TEXT + 1];

	if (fold(f, s) == 0)
		return 0;
	if (strcmp(f, n->name) == 0)
		return 1;
	return !strict && strcmp(org_of(f), n->org) == 0;
}

int
orgdomain_aligned(const char *a, const char *b, int strict)
{
	struct orgname n;

	return orgname_set(&n, a) == 0 && orgname_aligned(&n, b, strict);
}

const char *
orgdomain_of(const char *s)
{
	char f[MAX_SHORT_TEXT + 1];

	if (fold(f, s) == 0)
		return s != NULL ? s : "";
	/* the copy has the same offsets: map the result back */
	return s + (org_of(f) - f);
}

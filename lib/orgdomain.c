/*
 * Organizational domains through libpsl, and name alignment (orgdomain.h).
 * Names are compared and looked up in their A-label form (lib/idna.c), so
 * "bücher.example" and "xn--bcher-kva.example" are the same name.
 */
#include <string.h>

#include <libpsl.h>

#include "idna.h"
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

/*
 * Lower-cases s into out without a final dot, U-labels converted to
 * A-labels; its length, or 0.  A name that is no valid IDN is kept
 * lower-cased as given: it then aligns only with the same spelling.
 */
static size_t
fold(char out[MAX_SHORT_TEXT + 1], const char *s)
{
	char a[MAX_DOMAIN_LEN + 2];
	size_t n;

	if (s == NULL || (n = strlen(s)) == 0 || n > MAX_SHORT_TEXT)
		return 0;
	if (idna_to_alabels(s, a, NULL) > IDNA_ASCII) {
		n = strlen(a);
		memcpy(out, a, n);
	} else
		for (size_t i = 0; i < n; i++)
			out[i] = s[i] >= 'A' && s[i] <= 'Z' ?
			    (char)(s[i] - 'A' + 'a') : s[i];
	if (n > 1 && out[n - 1] == '.')
		n--;
	out[n] = '\0';
	return n;
}

static int
ascii(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s >= 0x80)
			return 0;
	return 1;
}

/* the number of labels of s */
static size_t
labels(const char *s)
{
	size_t n = 1;

	for (; *s != '\0'; s++)
		n += *s == '.';
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
	const char *org;
	size_t skip;

	if (fold(f, s) == 0)
		return s != NULL ? s : "";
	org = org_of(f);
	/* an ASCII name's copy has the same offsets */
	if (ascii(s))
		return s + (org - f);
	/* an A-label copy: the organizational domain is as many labels */
	if (labels(f) != labels(s) - (s[strlen(s) - 1] == '.'))
		return s;
	skip = labels(f) - labels(org);
	while (skip-- > 0)
		s = strchr(s, '.') + 1;
	return s;
}

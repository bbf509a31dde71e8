/*
 * SPF macro expansion (spfmacro.h): letters, the digit and 'r'
 * transformers, delimiters, URL escaping for upper-case letters, and the
 * left truncation of an over-long result.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "limits.h"
#include "spfmacro.h"

/* bytes of one macro's value before transformation */
#define MACRO_VALUE_MAX	1024
/* parts a value is split into by its delimiters */
#define MACRO_PARTS_MAX	128

/* appends n bytes of s to out; -1 if it does not fit */
static int
put(char *out, size_t outlen, size_t *len, const char *s, size_t n)
{
	if (n >= outlen - *len)
		return -1;
	memcpy(out + *len, s, n);
	*len += n;
	out[*len] = '\0';
	return 0;
}

/* %{i}: dotted quad, or 32 dot-separated nibbles for IPv6 */
static void
ip_value(const struct spf_macro_env *env, char *v, size_t vlen)
{
	size_t n = 0;

	if (env->family == 4) {
		snprintf(v, vlen, "%u.%u.%u.%u", env->ip[0], env->ip[1],
		    env->ip[2], env->ip[3]);
		return;
	}
	for (size_t i = 0; i < 16 && n + 4 < vlen; i++)
		n += (size_t)snprintf(v + n, vlen - n, "%s%x.%x",
		    i ? "." : "", env->ip[i] >> 4, env->ip[i] & 0xf);
}

/* the untransformed value of macro letter c */
static int
letter_value(int c, const struct spf_macro_env *env, char *v, size_t vlen)
{
	const char *at = strrchr(env->sender, '@');

	switch (tolower(c)) {
	case 's':
		snprintf(v, vlen, "%s", env->sender);
		return 0;
	case 'l':
		snprintf(v, vlen, "%.*s", at ? (int)(at - env->sender) : 0,
		    env->sender);
		if (v[0] == '\0')
			snprintf(v, vlen, "postmaster");
		return 0;
	case 'o':
		snprintf(v, vlen, "%s", at ? at + 1 : env->sender);
		return 0;
	case 'd':
		snprintf(v, vlen, "%s", env->domain);
		return 0;
	case 'i':
		ip_value(env, v, vlen);
		return 0;
	case 'p':
		snprintf(v, vlen, "unknown");
		return 0;
	case 'v':
		snprintf(v, vlen, "%s", env->family == 4 ? "in-addr" : "ip6");
		return 0;
	case 'h':
		snprintf(v, vlen, "%s", env->helo);
		return 0;
	default:
		return -1;
	}
}

/*
 * Splits v at delimiters, keeps the rightmost keep parts (0: all),
 * reversed first if rev, and joins them with '.' into out.
 */
static int
transform(char *v, const char *delims, size_t keep, int rev, char *out,
    size_t outlen)
{
	char *parts[MACRO_PARTS_MAX];
	size_t n = 0, len = 0, first;

	for (char *p = v; n < MACRO_PARTS_MAX; ) {
		parts[n++] = p;
		p += strcspn(p, delims);
		if (*p == '\0')
			break;
		*p++ = '\0';
	}
	for (size_t i = 0; rev && i < n / 2; i++) {
		char *t = parts[i];

		parts[i] = parts[n - 1 - i];
		parts[n - 1 - i] = t;
	}
	first = keep > 0 && keep < n ? n - keep : 0;
	out[0] = '\0';
	for (size_t i = first; i < n; i++)
		if ((i > first && put(out, outlen, &len, ".", 1) == -1) ||
		    put(out, outlen, &len, parts[i], strlen(parts[i])) == -1)
			return -1;
	return 0;
}

/* appends s URL-escaped (RFC 3986 unreserved kept), for %{S} etc. */
static int
put_escaped(char *out, size_t outlen, size_t *len, const char *s)
{
	for (; *s != '\0'; s++) {
		char hex[4];

		if (isalnum((unsigned char)*s) || strchr("-._~", *s) != NULL) {
			if (put(out, outlen, len, s, 1) == -1)
				return -1;
			continue;
		}
		snprintf(hex, sizeof(hex), "%%%02X", (unsigned char)*s);
		if (put(out, outlen, len, hex, 3) == -1)
			return -1;
	}
	return 0;
}

/* one %{...} at spec (after "%{"); returns bytes used, -1 if invalid */
static int
expand_one(const char *m, const struct spf_macro_env *env, char *out,
    size_t outlen, size_t *len)
{
	char v[MACRO_VALUE_MAX], t[MACRO_VALUE_MAX], delims[8] = "";
	size_t i = 1, keep = 0, nd = 0;
	int rev = 0;

	if (letter_value(m[0], env, v, sizeof(v)) == -1)
		return -1;
	for (; isdigit((unsigned char)m[i]) && keep < 1000; i++)
		keep = keep * 10 + (size_t)(m[i] - '0');
	if (i > 1 && keep == 0)
		return -1;		/* RFC 7208 7.1: zero is a permerror */
	if (m[i] == 'r' || m[i] == 'R') {
		rev = 1;
		i++;
	}
	while (m[i] != '\0' && strchr(".-+,/_=", m[i]) != NULL) {
		if (nd + 1 < sizeof(delims) && strchr(delims, m[i]) == NULL)
			delims[nd++] = m[i];
		i++;
	}
	if (m[i] != '}')
		return -1;
	if (nd == 0)
		delims[0] = '.';
	if (transform(v, delims, keep, rev, t, sizeof(t)) == -1)
		return -1;
	if (isupper((unsigned char)m[0]) ?
	    put_escaped(out, outlen, len, t) == -1 :
	    put(out, outlen, len, t, strlen(t)) == -1)
		return -1;
	return (int)i + 1;
}

/* drops labels from the left of out until it is a domain's length */
static void
truncate_left(char *out)
{
	size_t n = strlen(out);
	char *p = out;

	while (n - (size_t)(p - out) > MAX_DOMAIN_LEN) {
		char *dot = strchr(p, '.');

		if (dot == NULL)
			break;
		p = dot + 1;
	}
	memmove(out, p, strlen(p) + 1);
}

int
spf_macro_expand(const char *spec, const struct spf_macro_env *env,
    char *out, size_t outlen)
{
	size_t len = 0;

	if (outlen == 0)
		return -1;
	out[0] = '\0';
	for (const char *s = spec; *s != '\0'; ) {
		int used;

		if (*s != '%') {
			if (put(out, outlen, &len, s++, 1) == -1)
				return -1;
			continue;
		}
		if (s[1] == '%' || s[1] == '_' || s[1] == '-') {
			const char *lit = s[1] == '%' ? "%" : s[1] == '_' ?
			    " " : "%20";

			if (put(out, outlen, &len, lit, strlen(lit)) == -1)
				return -1;
			s += 2;
			continue;
		}
		if (s[1] != '{' || (used = expand_one(s + 2, env, out, outlen,
		    &len)) == -1)
			return -1;
		s += 2 + used;
	}
	truncate_left(out);
	return 0;
}

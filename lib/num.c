/*
 * The strict decimal parser every untrusted number goes through (counts,
 * timestamps, percentages).  The digits are checked by hand first, because
 * strtoll alone would accept leading blanks, a sign and "0x" prefixes; then
 * strtoll converts with errno and the end pointer checked for overflow.
 */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "num.h"

/*
 * Converts the n bytes at s, which must all be decimal digits (n >= 1),
 * into a value in [lo, hi].  The byte after them must not be a digit,
 * which holds for both callers (NUL or '.').
 */
static int
num_digits(const char *s, size_t n, int64_t lo, int64_t hi, int64_t *out)
{
	char *end;
	long long v;

	if (n == 0)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return -1;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno != 0 || end != s + n)
		return -1;
	if (v < lo || v > hi)
		return -1;
	*out = v;
	return 0;
}

int
num_i64(const char *s, int64_t lo, int64_t hi, int64_t *out)
{
	size_t n = 0;

	if (s == NULL)
		return -1;
	while (s[n] >= '0' && s[n] <= '9')
		n++;
	if (s[n] != '\0')
		return -1;
	return num_digits(s, n, lo, hi, out);
}

/* The sign of XML Schema's integer form: -1, +1, or 0 for none. */
static int
num_sign(const char **s)
{
	if (**s == '+') {
		(*s)++;
		return 1;
	}
	if (**s == '-') {
		(*s)++;
		return -1;
	}
	return 0;
}

int
num_xsd(const char *s, int64_t lo, int64_t hi, int64_t *out)
{
	int64_t v;
	int sign;

	if (s == NULL)
		return -1;
	sign = num_sign(&s);
	/* the magnitude first; INT64_MIN itself is never a report value */
	if (num_i64(s, 0, INT64_MAX, &v) == -1)
		return -1;
	if (sign == -1)
		v = -v;
	if (v < lo || v > hi)
		return -1;
	*out = v;
	return 0;
}

int
num_size(const char *s, int64_t lo, int64_t hi, int64_t *out)
{
	static const char units[] = "kmg";
	const char *u;
	size_t n = 0;
	int64_t v;
	int shift = 0;

	if (s == NULL)
		return -1;
	while (s[n] >= '0' && s[n] <= '9')
		n++;
	if (s[n] != '\0') {
		if (s[n + 1] != '\0' ||
		    (u = strchr(units, s[n] | 0x20)) == NULL)
			return -1;
		shift = 10 * (int)(u - units + 1);
	}
	if (num_digits(s, n, 0, INT64_MAX >> shift, &v) == -1)
		return -1;
	v <<= shift;
	if (v < lo || v > hi)
		return -1;
	*out = v;
	return 0;
}

int
num_epoch(const char *s, int64_t lo, int64_t hi, int64_t *out,
    int *fraction)
{
	size_t n = 0, f = 0;
	int frac = 0;

	if (s == NULL)
		return -1;
	/* "-0" would be 0 too, but a negative timestamp never is in range */
	if (*s == '+')
		s++;
	while (s[n] >= '0' && s[n] <= '9')
		n++;
	if (s[n] == '.') {
		/* "1234567890.5": the fraction is dropped, not rounded */
		while (s[n + 1 + f] >= '0' && s[n + 1 + f] <= '9')
			f++;
		if (f == 0 || s[n + 1 + f] != '\0')
			return -1;
		frac = 1;
	} else if (s[n] != '\0')
		return -1;
	if (num_digits(s, n, lo, hi, out) == -1)
		return -1;
	if (fraction != NULL)
		*fraction = frac;
	return 0;
}

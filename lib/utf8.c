/*
 * Strict UTF-8 (RFC 3629) and the Windows-1252 repair that runs between
 * decompression and libxml2.  A byte is only taken as 1252 when it cannot
 * be part of a valid sequence, so correct UTF-8 is never altered and the
 * repair is a no-op on clean documents.  Sequences cut by a chunk boundary
 * are held back until the next chunk decides them, which makes the output
 * independent of how the input was split.
 */
#include <string.h>

#include "utf8.h"

/* Windows-1252 0x80..0x9F; 0 marks the five undefined bytes */
static const uint16_t cp1252[32] = {
	0x20AC, 0, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
	0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017D, 0,
	0, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
	0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0, 0x017E, 0x0178,
};

/*
 * Sequence length announced by lead byte c (0 if c cannot start one) and
 * the allowed range of the second byte, which is where overlongs,
 * surrogates and values above U+10FFFF are excluded.
 */
static size_t
utf8_lead(uint8_t c, uint8_t *lo, uint8_t *hi)
{
	*lo = 0x80;
	*hi = 0xBF;
	if (c < 0x80)
		return 1;
	if (c >= 0xC2 && c <= 0xDF)
		return 2;
	if (c >= 0xE0 && c <= 0xEF) {
		if (c == 0xE0)
			*lo = 0xA0;
		else if (c == 0xED)
			*hi = 0x9F;
		return 3;
	}
	if (c >= 0xF0 && c <= 0xF4) {
		if (c == 0xF0)
			*lo = 0x90;
		else if (c == 0xF4)
			*hi = 0x8F;
		return 4;
	}
	return 0;
}

/*
 * How many of the bytes p[0..n) form a correct prefix of the sequence
 * started by p[0], capped at its length *need (0 when p[0] is no lead).
 */
static size_t
utf8_prefix(const uint8_t *p, size_t n, size_t *need)
{
	uint8_t lo, hi;
	size_t i;

	*need = utf8_lead(p[0], &lo, &hi);
	if (*need == 0)
		return 0;
	for (i = 1; i < *need && i < n; i++) {
		if (p[i] < lo || p[i] > hi)
			break;
		lo = 0x80;
		hi = 0xBF;
	}
	return i;
}

size_t
utf8_decode(const void *vp, size_t n, uint32_t *cp)
{
	const uint8_t *p = vp;
	size_t need, len;
	uint32_t v;

	if (n == 0)
		return 0;
	len = utf8_prefix(p, n, &need);
	if (need == 0 || len != need)
		return 0;
	if (need == 1)
		v = p[0];
	else
		v = p[0] & (0x7F >> need);
	for (size_t i = 1; i < need; i++)
		v = (v << 6) | (p[i] & 0x3F);
	if (cp != NULL)
		*cp = v;
	return need;
}

int
utf8_valid(const void *vp, size_t n)
{
	const uint8_t *p = vp;
	size_t i = 0, len;

	while (i < n) {
		if (p[i] < 0x80) {
			i++;
			continue;
		}
		if ((len = utf8_decode(p + i, n - i, NULL)) == 0)
			return 0;
		i += len;
	}
	return 1;
}

void
utf8fix_init(struct utf8fix *f)
{
	memset(f, 0, sizeof(*f));
}

/* writes byte c, taken as Windows-1252, as UTF-8; returns bytes written */
static size_t
utf8fix_byte(uint8_t c, uint8_t *out)
{
	uint32_t u = c;

	if (c >= 0x80 && c <= 0x9F)
		u = cp1252[c - 0x80] != 0 ? cp1252[c - 0x80] : 0xFFFD;
	if (u < 0x80) {
		out[0] = (uint8_t)u;
		return 1;
	}
	if (u < 0x800) {
		out[0] = (uint8_t)(0xC0 | (u >> 6));
		out[1] = (uint8_t)(0x80 | (u & 0x3F));
		return 2;
	}
	out[0] = (uint8_t)(0xE0 | (u >> 12));
	out[1] = (uint8_t)(0x80 | ((u >> 6) & 0x3F));
	out[2] = (uint8_t)(0x80 | (u & 0x3F));
	return 3;
}

/* the held bytes followed by the new chunk, read as one stream */
struct utf8fix_in {
	const uint8_t	*a;	/* held bytes */
	size_t		 na;
	const uint8_t	*b;	/* this chunk */
	size_t		 nb;
};

static uint8_t
utf8fix_at(const struct utf8fix_in *s, size_t i)
{
	return i < s->na ? s->a[i] : s->b[i - s->na];
}

size_t
utf8fix_run(struct utf8fix *f, const uint8_t *in, size_t n, uint8_t *out,
    int last)
{
	struct utf8fix_in s = { f->pend, f->n_pend, in, n };
	uint8_t seq[4], c;
	size_t total = f->n_pend + n, i = 0, o = 0, avail, len, need;

	while (i < total) {
		if (i >= s.na) {
			/* a run of ASCII, nearly all of a report, in one copy */
			size_t j = i - s.na, k = j;

			while (k < n && in[k] < 0x80)
				k++;
			memcpy(out + o, in + j, k - j);
			o += k - j;
			i += k - j;
			if (i == total)
				break;
		}
		if ((c = utf8fix_at(&s, i)) < 0x80) {
			out[o++] = c;
			i++;
			continue;
		}
		avail = total - i < 4 ? total - i : 4;
		for (size_t k = 0; k < avail; k++)
			seq[k] = utf8fix_at(&s, i + k);
		len = utf8_prefix(seq, avail, &need);
		if (need > 1 && len == need) {
			memcpy(out + o, seq, len);
			o += len;
			i += len;
		} else if (need > 1 && len == avail && !last) {
			/* cut by the chunk end: the next chunk decides */
			memcpy(f->pend, seq, avail);
			f->n_pend = avail;
			return o;
		} else {
			o += utf8fix_byte(c, out + o);
			f->n_fixed++;
			i++;
		}
	}
	f->n_pend = 0;
	return o;
}

/*
 * UTF-8 checking and the one legacy-charset repair we do: a document that
 * is meant to be UTF-8 but carries Windows-1252 bytes (AOL, Mail::DMARC
 * writing Latin-1 org names) is transcoded byte by byte and flagged,
 * instead of being rejected by libxml2 half-way through.
 */
#ifndef DMARC_UTF8_H
#define DMARC_UTF8_H

#include <stddef.h>
#include <stdint.h>

/* 1 if p[0..n) is valid UTF-8 (no overlongs, surrogates or > U+10FFFF) */
int	utf8_valid(const void *p, size_t n);

/*
 * Length (1..4) of the valid UTF-8 sequence at the start of p[0..n), with
 * its code point in *cp (cp may be NULL); 0 if n is 0 or the bytes there
 * are not a complete valid sequence (same rules as utf8_valid).
 */
size_t	utf8_decode(const void *p, size_t n, uint32_t *cp);

/*
 * Incremental repair of a byte stream.  Valid UTF-8 passes through
 * unchanged; each byte that does not start or continue a valid sequence is
 * taken as Windows-1252 and written as its UTF-8 encoding (undefined
 * 1252 bytes 0x81 0x8D 0x8F 0x90 0x9D become U+FFFD).  A sequence cut at
 * the end of one chunk is completed by the next.
 */
struct utf8fix {
	uint8_t		 pend[4];	/* sequence cut by a chunk end */
	size_t		 n_pend;
	unsigned long	 n_fixed;	/* bytes transcoded so far */
};

void	utf8fix_init(struct utf8fix *);
/*
 * Converts in[0..n) into out, which must hold at least 3 * (n + 4) bytes.
 * Returns the number of bytes written.  With last != 0 any pending bytes
 * are flushed (transcoded) too.
 */
size_t	utf8fix_run(struct utf8fix *, const uint8_t *in, size_t n,
	    uint8_t *out, int last);

#endif

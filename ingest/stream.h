/*
 * Byte streams between the input and the XML parser.  A stream is pulled
 * by its consumer; decoding layers (gzip, zip entry) wrap an inner stream,
 * so a report flows from the file through inflate into libxml2 without
 * ever being held whole in memory.  Every decoding layer counts what it
 * produces and fails once it passes its output limit (MAX_XML_BYTES
 * unless the operator changed it) or MAX_INFLATE_RATIO.
 */
#ifndef DMARC_STREAM_H
#define DMARC_STREAM_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "diag.h"

struct stream;

/*
 * Reads up to n bytes.  Returns the count (> 0), 0 at the end, or -1 on
 * error, after which stream_error() says why ("gzip: crc mismatch").
 */
ssize_t	 stream_read(struct stream *, void *, size_t n);
/*
 * Looks at up to n bytes ahead without consuming them (n <= 64; more is
 * clamped to STREAM_PEEK_MAX); returns how many are available (fewer
 * only at the end) or -1 on error.
 */
ssize_t	 stream_peek(struct stream *, void *, size_t n);
/* the error text of the first failure, or "" */
const char *stream_error(const struct stream *);
/* total bytes handed out so far */
size_t	 stream_total(const struct stream *);
/* frees the stream and every inner stream it owns; NULL is fine */
void	 stream_free(struct stream *);

/* reads fd from its current offset; the fd stays the caller's */
struct stream *stream_fd(int fd);
/* reads p[0..n); the memory stays the caller's and must outlive it */
struct stream *stream_mem(const void *p, size_t n);
/*
 * Inflates a gzip stream read from inner (taking ownership of inner):
 * every member of a multi-member file, bytes after the last member
 * allowed up to MAX_GZIP_TRAILING (warning DIAG_GZIP_TRAILING counted in
 * d, which may be NULL), header fields ignored, CRC and length checked,
 * output capped at max_out bytes.  Errors: "gzip: truncated input",
 * "gzip: crc mismatch", "gzip: N bytes of garbage after the compressed
 * data", "gzip: output passes the 512 MiB limit (decompression bomb?
 * --max-xml-bytes raises it)", "gzip: inflates more than 1000 times
 * (decompression bomb?)", or the inner stream's error.
 */
struct stream *stream_gzip(struct stream *inner, uint64_t max_out,
	    struct diag *d);

/* the message of an output limit, shared by every decoding layer */
#define STREAM_LIMIT_HINT "(decompression bomb? --max-xml-bytes raises it)"

/*
 * Stream implementations outside this file (the zip entry reader in
 * unpack.c) plug in through stream_new.
 */
struct stream_ops {
	/*
	 * Reads up to n (> 0) bytes into p.  Returns the count (> 0), 0 at
	 * the end, or -1 after stream_fail() said why.  Not called again
	 * after it returned 0 or -1.
	 */
	ssize_t	(*read)(struct stream *, void *ctx, void *p, size_t n);
	/* releases ctx (and whatever it owns); may be NULL */
	void	(*free)(void *ctx);
};

/* most bytes stream_peek can look ahead */
#define STREAM_PEEK_MAX	64

/* a stream reading through ops; the stream owns ctx from now on */
struct stream *stream_new(const struct stream_ops *, void *ctx);
/* records why the stream failed; only the first error is kept */
void	 stream_fail(struct stream *, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));

#endif

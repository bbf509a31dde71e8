/*
 * Pull streams between an input and the XML parser: a descriptor, a
 * memory block, a gzip decoder, and any reader plugged in with stream_new
 * (the zip entry reader lives in unpack.c).  The generic part keeps a
 * small look-ahead buffer so unpack can sniff what a layer yields without
 * consuming it, a byte total, and the first error; the gzip layer bounds
 * what it inflates (MAX_XML_BYTES, MAX_INFLATE_RATIO) so a bomb fails
 * early and memory stays constant however large the report is.
 */
#include <errno.h>
#include <stdint.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <zlib.h>

#include "diag.h"
#include "limits.h"
#include "stream.h"
#include "xalloc.h"

/* longest stream error text; longer messages are cut */
#define STREAM_ERROR_LEN	256
/* compressed bytes read from the inner stream at a time */
#define GZ_INBUF		65536

struct stream {
	const struct stream_ops	*ops;
	void			*ctx;
	unsigned char		 peek[STREAM_PEEK_MAX]; /* read ahead */
	size_t			 npeek;		/* bytes in peek */
	int			 eof;		/* ops->read returned 0 */
	int			 failed;	/* ops->read returned -1 */
	size_t			 total;		/* bytes handed out */
	char			 error[STREAM_ERROR_LEN]; /* first error */
};

struct stream *
stream_new(const struct stream_ops *ops, void *ctx)
{
	struct stream *s = xcalloc(1, sizeof(*s));

	s->ops = ops;
	s->ctx = ctx;
	return s;
}

void
stream_fail(struct stream *s, const char *fmt, ...)
{
	va_list ap;

	if (s->error[0] != '\0')
		return;
	va_start(ap, fmt);
	vsnprintf(s->error, sizeof(s->error), fmt, ap);
	va_end(ap);
	if (s->error[0] == '\0')
		snprintf(s->error, sizeof(s->error), "read error");
}

void
stream_free(struct stream *s)
{
	if (s == NULL)
		return;
	if (s->ops->free != NULL)
		s->ops->free(s->ctx);
	free(s);
}

const char *
stream_error(const struct stream *s)
{
	return s->error;
}

size_t
stream_total(const struct stream *s)
{
	return s->total;
}

/* one call of the layer's reader, with end and failure made sticky */
static ssize_t
stream_fill(struct stream *s, void *p, size_t n)
{
	ssize_t r;

	if (s->failed)
		return -1;
	if (s->eof || n == 0)
		return 0;
	r = s->ops->read(s, s->ctx, p, n);
	if (r < 0) {
		s->failed = 1;
		stream_fail(s, "read error");
		return -1;
	}
	if (r == 0)
		s->eof = 1;
	return r;
}

ssize_t
stream_read(struct stream *s, void *p, size_t n)
{
	ssize_t r;

	if (n == 0)
		return 0;
	if (s->npeek > 0) {
		if (n > s->npeek)
			n = s->npeek;
		memcpy(p, s->peek, n);
		s->npeek -= n;
		memmove(s->peek, s->peek + n, s->npeek);
		s->total += n;
		return (ssize_t)n;
	}
	if (n > SIZE_MAX / 2)	/* fits ssize_t */
		n = SIZE_MAX / 2;
	r = stream_fill(s, p, n);
	if (r > 0)
		s->total += (size_t)r;
	return r;
}

ssize_t
stream_peek(struct stream *s, void *p, size_t n)
{
	ssize_t r;

	if (n > STREAM_PEEK_MAX)
		n = STREAM_PEEK_MAX;
	while (s->npeek < n) {
		r = stream_fill(s, s->peek + s->npeek, n - s->npeek);
		if (r < 0)
			return -1;
		if (r == 0)
			break;
		s->npeek += (size_t)r;
	}
	if (n > s->npeek)
		n = s->npeek;
	memcpy(p, s->peek, n);
	return (ssize_t)n;
}

/* descriptor */

static ssize_t
fd_read(struct stream *s, void *ctx, void *p, size_t n)
{
	int fd = *(int *)ctx;
	ssize_t r;

	do
		r = read(fd, p, n);
	while (r == -1 && errno == EINTR);
	if (r == -1)
		stream_fail(s, "read: %s", strerror(errno));
	return r;
}

static const struct stream_ops fd_ops = { fd_read, free };

struct stream *
stream_fd(int fd)
{
	int *ctx = xmalloc(sizeof(*ctx));

	*ctx = fd;
	return stream_new(&fd_ops, ctx);
}

/* memory */

struct mem {
	const unsigned char	*p;
	size_t			 len;	/* bytes left at p */
};

static ssize_t
mem_read(struct stream *s, void *ctx, void *p, size_t n)
{
	struct mem *m = ctx;

	(void)s;
	if (n > m->len)
		n = m->len;
	memcpy(p, m->p, n);
	m->p += n;
	m->len -= n;
	return (ssize_t)n;
}

static const struct stream_ops mem_ops = { mem_read, free };

struct stream *
stream_mem(const void *p, size_t n)
{
	struct mem *m = xmalloc(sizeof(*m));

	m->p = p;
	m->len = n;
	return stream_new(&mem_ops, m);
}

/* gzip */

enum gz_state {
	GZ_MEMBER,		/* inside a member */
	GZ_BETWEEN,		/* after a member: next, trailing, end */
	GZ_DONE,		/* end of the input reached cleanly */
};

struct gz {
	struct stream	*inner;		/* owned */
	struct diag	*d;		/* warnings, may be NULL */
	z_stream	 z;
	enum gz_state	 state;
	int		 inner_eof;	/* inner returned 0 */
	size_t		 in_total;	/* compressed bytes consumed */
	size_t		 out_total;	/* bytes inflated */
	uint64_t	 max_out;	/* ... allowed */
	unsigned char	 in[GZ_INBUF];
};

/*
 * Makes at least want bytes of input available (fewer only at the end
 * of the inner stream).  Returns 0, or -1 with the error copied.
 */
static int
gz_fill(struct stream *s, struct gz *g, size_t want)
{
	ssize_t r;

	if (g->z.avail_in > 0 && g->z.next_in != g->in)
		memmove(g->in, g->z.next_in, g->z.avail_in);
	g->z.next_in = g->in;
	while (g->z.avail_in < want && !g->inner_eof) {
		r = stream_read(g->inner, g->in + g->z.avail_in,
		    sizeof(g->in) - g->z.avail_in);
		if (r < 0) {
			stream_fail(s, "%s", stream_error(g->inner));
			return -1;
		}
		if (r == 0)
			g->inner_eof = 1;
		g->z.avail_in += (uInt)r;
	}
	return 0;
}

/*
 * After a member: another member follows, or trailing bytes up to the
 * end, which are tolerated up to MAX_GZIP_TRAILING.
 */
static int
gz_between(struct stream *s, struct gz *g)
{
	size_t trailing = 0;

	if (gz_fill(s, g, 2) == -1)
		return -1;
	if (g->z.avail_in == 0) {
		g->state = GZ_DONE;
		return 0;
	}
	if (g->z.avail_in >= 2 && g->z.next_in[0] == 0x1f &&
	    g->z.next_in[1] == 0x8b) {
		if (inflateReset(&g->z) != Z_OK) {
			stream_fail(s, "gzip: cannot reset the inflater");
			return -1;
		}
		g->state = GZ_MEMBER;
		return 0;
	}
	do {
		trailing += g->z.avail_in;
		g->z.avail_in = 0;
		if (gz_fill(s, g, 1) == -1)
			return -1;
	} while (g->z.avail_in > 0);
	if (trailing > MAX_GZIP_TRAILING) {
		stream_fail(s, "gzip: %zu bytes of garbage after the "
		    "compressed data", trailing);
		return -1;
	}
	if (g->d != NULL)
		diag_warn(g->d, DIAG_GZIP_TRAILING);
	g->state = GZ_DONE;
	return 0;
}

static const char *
gz_msg(const z_stream *z, int zr)
{
	if (z->msg == NULL)
		return zr == Z_MEM_ERROR ? "out of memory" : "corrupt data";
	if (strcmp(z->msg, "incorrect data check") == 0)
		return "crc mismatch";
	if (strcmp(z->msg, "incorrect length check") == 0)
		return "length mismatch";
	return z->msg;
}

/* checks the output bounds after produced more bytes came out */
static int
gz_bounds(struct stream *s, struct gz *g, size_t produced)
{
	size_t in;

	if (produced > g->max_out - g->out_total) {
		stream_fail(s, "gzip: output passes the %llu MiB limit "
		    STREAM_LIMIT_HINT,
		    (unsigned long long)(g->max_out / (1024 * 1024)));
		return -1;
	}
	g->out_total += produced;
	in = g->in_total > 0 ? g->in_total : 1;
	if (g->out_total > INFLATE_RATIO_FLOOR &&
	    g->out_total / in > MAX_INFLATE_RATIO) {
		stream_fail(s, "gzip: inflates more than %lu times "
		    "(decompression bomb?)", MAX_INFLATE_RATIO);
		return -1;
	}
	return 0;
}

static ssize_t
gz_read(struct stream *s, void *ctx, void *p, size_t n)
{
	struct gz *g = ctx;
	uInt before;
	size_t produced;
	int zr;

	if (n > (uInt)-1)
		n = (uInt)-1;
	for (;;) {
		if (g->state == GZ_DONE)
			return 0;
		if (g->state == GZ_BETWEEN) {
			if (gz_between(s, g) == -1)
				return -1;
			continue;
		}
		if (g->z.avail_in == 0) {
			if (gz_fill(s, g, 1) == -1)
				return -1;
			if (g->z.avail_in == 0) {
				stream_fail(s, "gzip: truncated input");
				return -1;
			}
		}
		g->z.next_out = p;
		g->z.avail_out = (uInt)n;
		before = g->z.avail_in;
		zr = inflate(&g->z, Z_NO_FLUSH);
		g->in_total += before - g->z.avail_in;
		produced = n - g->z.avail_out;
		if (zr == Z_STREAM_END)
			g->state = GZ_BETWEEN;
		else if (zr != Z_OK && zr != Z_BUF_ERROR) {
			stream_fail(s, "gzip: %s", gz_msg(&g->z, zr));
			return -1;
		}
		if (gz_bounds(s, g, produced) == -1)
			return -1;
		if (produced > 0)
			return (ssize_t)produced;
	}
}

static void
gz_free(void *ctx)
{
	struct gz *g = ctx;

	inflateEnd(&g->z);
	stream_free(g->inner);
	free(g);
}

static const struct stream_ops gz_ops = { gz_read, gz_free };

struct stream *
stream_gzip(struct stream *inner, uint64_t max_out, struct diag *d)
{
	struct gz *g = xcalloc(1, sizeof(*g));
	struct stream *s;

	g->inner = inner;
	g->d = d;
	g->max_out = max_out;
	g->z.next_in = g->in;
	s = stream_new(&gz_ops, g);
	/* gzip only (15 + 16): the caller sniffed 1f 8b */
	if (inflateInit2(&g->z, 15 + 16) != Z_OK) {
		stream_fail(s, "gzip: cannot initialise the inflater");
		s->failed = 1;
	}
	return s;
}

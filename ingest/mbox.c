/*
 * mbox reading.  One pass over the file finds each "From " marker line
 * (a line that starts with "From ", as GMime's mbox mode and every mboxo
 * reader split); the bytes between one marker line and the next marker
 * are the message.  Nothing is parsed here: a message's structure is for
 * the pipeline's pre-scan and GMime, one message at a time, so a hostile
 * message costs no more here than through --mail.  Messages are copied
 * with pread, never held whole, and a line ">From " (any number of '>')
 * loses one '>': the mboxrd rule, which also undoes mboxo's quoting.  An
 * unquoted "From " line inside a body ends the message there.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fdio.h"
#include "limits.h"
#include "mail.h"
#include "mbox.h"
#include "xalloc.h"

#define MBOX_CHUNK	65536

/* the copy of one message, unquoting as it goes */
struct unquote {
	int		 out;		/* temporary file */
	char		*buf;		/* MBOX_CHUNK bytes of output */
	size_t		 len;
	size_t		 total;		/* bytes written so far */
	int		 bol;		/* at the start of a line */
	size_t		 quotes;	/* '>' seen at the line start */
	size_t		 matched;	/* bytes of "From " after them */
	int		 too_big;
};

static int
put(struct unquote *u, char c)
{
	if (++u->total > MAX_MESSAGE_BYTES) {
		u->too_big = 1;
		return -1;
	}
	u->buf[u->len++] = c;
	if (u->len == MBOX_CHUNK) {
		if (fd_write_all(u->out, u->buf, u->len) == -1)
			return -1;
		u->len = 0;
	}
	return 0;
}

/* emits n quotes and the matched part of "From " */
static int
put_pending(struct unquote *u, size_t quotes)
{
	for (size_t i = 0; i < quotes; i++)
		if (put(u, '>') == -1)
			return -1;
	for (size_t i = 0; i < u->matched; i++)
		if (put(u, "From "[i]) == -1)
			return -1;
	u->quotes = u->matched = 0;
	return 0;
}

static int
feed(struct unquote *u, char c)
{
	if (u->bol && c == '>') {
		u->quotes++;
		return 0;
	}
	if (u->quotes > 0 && u->matched < 5 && c == "From "[u->matched]) {
		u->bol = 0;
		if (++u->matched == 5)
			return put_pending(u, u->quotes - 1);
		return 0;
	}
	if ((u->quotes > 0 || u->matched > 0) && put_pending(u, u->quotes) ==
	    -1)
		return -1;
	u->bol = c == '\n';
	return put(u, c);
}

/*
 * Copies the message whose marker line starts at off and which ends at
 * end into a new temporary file.  Returns its fd at offset 0, -2 when it
 * is too large, -1 on an I/O error.
 */
static int
copy_message(int in, off_t off, off_t end)
{
	struct unquote u;
	char *chunk = xmalloc(MBOX_CHUNK);
	ssize_t got;
	int skipping = 1, rc = -1;

	memset(&u, 0, sizeof(u));
	u.bol = 1;
	u.buf = xmalloc(MBOX_CHUNK);
	if ((u.out = fd_temp("dmarc-mbox")) == -1)
		goto out;
	while (off < end) {
		got = pread(in, chunk, (size_t)(end - off < MBOX_CHUNK ?
		    end - off : MBOX_CHUNK), off);
		if (got == -1 && errno == EINTR)
			continue;
		if (got <= 0)
			goto out;
		off += got;
		for (ssize_t i = 0; i < got; i++) {
			if (skipping) {
				skipping = chunk[i] != '\n';
				continue;
			}
			if (feed(&u, chunk[i]) == -1)
				goto out;
		}
	}
	if (put_pending(&u, u.quotes) == -1 ||
	    fd_write_all(u.out, u.buf, u.len) == -1 ||
	    lseek(u.out, 0, SEEK_SET) == -1)
		goto out;
	rc = u.out;
	u.out = -1;
out:
	if (u.too_big)
		rc = -2;
	if (u.out != -1)
		close(u.out);
	free(u.buf);
	free(chunk);
	return rc;
}

/* copies one message and hands it to fn: 0, or -1 to stop */
static int
emit(int in, off_t off, off_t end, long n, const char *path, mbox_fn fn,
    void *arg, char *err, size_t errlen)
{
	char source[4096];
	int fd, rc;

	snprintf(source, sizeof(source), "%s#%ld", path, n);
	if ((fd = copy_message(in, off, end)) == -1) {
		snprintf(err, errlen, "message %ld: cannot copy: %s", n,
		    strerror(errno));
		return -1;
	}
	rc = fn(arg, fd < 0 ? -1 : fd, source);
	if (fd >= 0)
		close(fd);
	if (rc == -1)
		snprintf(err, errlen, "message %ld: stopped", n);
	return rc;
}

/* where the marker lines are: fed the file in order */
struct markers {
	off_t	 off;		/* offset of the next byte fed */
	off_t	 line;		/* where the current line starts */
	size_t	 matched;	/* bytes of "From " matched at its start */
	int	 at_start;	/* still matching */
};

/* the offset of a marker line completed in p[0..n), or -1; *used bytes */
static off_t
markers_feed(struct markers *mk, const char *p, size_t n, size_t *used)
{
	for (size_t i = 0; i < n; i++) {
		char c = p[i];

		mk->off++;
		if (c == '\n') {
			mk->line = mk->off;
			mk->matched = 0;
			mk->at_start = 1;
			continue;
		}
		if (!mk->at_start)
			continue;
		if (c != "From "[mk->matched]) {
			mk->at_start = 0;
			continue;
		}
		if (++mk->matched == 5) {
			mk->at_start = 0;
			*used = i + 1;
			return mk->line;
		}
	}
	*used = n;
	return -1;
}

long
mbox_read(const char *path, mbox_fn fn, void *arg, char *err, size_t errlen)
{
	struct markers mk = { 0, 0, 0, 1 };
	char *chunk = NULL;
	struct stat sb;
	off_t prev = -1, at;
	ssize_t got;
	size_t used, done;
	long n = 0, rc = -1;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1 ||
	    fstat(fd, &sb) == -1) {
		snprintf(err, errlen, "%s", strerror(errno));
		if (fd != -1)
			close(fd);
		return -1;
	}
	chunk = xmalloc(MBOX_CHUNK);
	while ((got = read(fd, chunk, MBOX_CHUNK)) != 0) {
		if (got == -1 && errno == EINTR)
			continue;
		if (got == -1) {
			snprintf(err, errlen, "%s", strerror(errno));
			goto out;
		}
		for (done = 0; done < (size_t)got; done += used) {
			at = markers_feed(&mk, chunk + done, (size_t)got - done,
			    &used);
			if (at == -1)
				continue;
			if (prev >= 0 && emit(fd, prev, at, ++n, path, fn, arg,
			    err, errlen) == -1)
				goto out;
			prev = at;
		}
	}
	if (prev < 0 && mk.off > 0) {
		snprintf(err, errlen, "not an mbox: no 'From ' line at the "
		    "start");
		goto out;
	}
	if (prev >= 0 && emit(fd, prev, mk.off, ++n, path, fn, arg, err,
	    errlen) == -1)
		goto out;
	rc = n;
out:
	free(chunk);
	close(fd);
	return rc;
}

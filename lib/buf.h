/*
 * A growable byte buffer with a ceiling fixed when it is initialised: an
 * append that would pass the ceiling fails and leaves the buffer as it was.
 * This is the one buffer type for untrusted data; the ceiling is always a
 * MAX_* from limits.h.  The data is kept NUL-terminated so text can be read
 * with buf_cstr() without a copy.
 */
#ifndef DMARC_BUF_H
#define DMARC_BUF_H

#include <stddef.h>

struct buf {
	char	*data;		/* NULL until the first append */
	size_t	 len;		/* bytes used, terminating NUL not counted */
	size_t	 cap;		/* bytes allocated */
	size_t	 max;		/* ceiling on len */
};

void	 buf_init(struct buf *, size_t max);
/* frees the storage; the buffer may be reused after buf_init */
void	 buf_release(struct buf *);
/* empties the buffer, keeping its storage */
void	 buf_reset(struct buf *);
/* 0 on success, -1 (buffer unchanged) if len + n would pass max */
int	 buf_add(struct buf *, const void *, size_t n);
int	 buf_addc(struct buf *, char);
int	 buf_adds(struct buf *, const char *);
/* the contents as a string, "" when empty; borrowed, valid until next change */
const char *buf_cstr(const struct buf *);
/* hands the storage to the caller (caller frees) and empties the buffer */
char	*buf_detach(struct buf *, size_t *lenp);

#endif

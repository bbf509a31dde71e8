/*
 * Descriptor I/O both tools repeat: whole-buffer reads and writes that
 * survive EINTR and short counts, and unlinked temporary files that hold
 * spooled input (a message from stdin, a decoded MIME part, an mbox
 * message, the kept bytes of an input to reprocess).
 */
#ifndef DMARC_FDIO_H
#define DMARC_FDIO_H

#include <stddef.h>
#include <sys/types.h>

/* writes all n bytes; 0, or -1 with errno */
int	 fd_write_all(int fd, const void *p, size_t n);
/*
 * Reads until n bytes or the end of the file.  Returns the count (less
 * than n only at the end), or -1 with errno.
 */
ssize_t	 fd_read_full(int fd, void *p, size_t n);
/*
 * Creates a temporary file in $TMPDIR (else /tmp) and unlinks it, so it
 * vanishes with its descriptor, read-write, mode 0600, close-on-exec.
 * tag names it while it exists ("dmarc-mbox").  Returns the descriptor,
 * or -1 with errno (ENAMETOOLONG for an over-long $TMPDIR).
 */
int	 fd_temp(const char *tag);

#endif

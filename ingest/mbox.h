/*
 * mbox files (mboxo and mboxrd) as a source of e-mail messages, streamed:
 * a scan for "From " marker lines finds where each message starts, and
 * each message is copied (">From " lines unquoted) into an unlinked
 * temporary file for the pipeline, one at a time.  Memory does not grow
 * with the size of the mbox or of a message, and nothing of a message is
 * parsed before the pipeline's pre-scan bounds it.
 */
#ifndef DMARC_MBOX_H
#define DMARC_MBOX_H

#include <stddef.h>

/*
 * Called for each message with its bytes in a temporary file at offset 0
 * (fd; closed by mbox_read after the call) and its name for the ledger,
 * "PATH#N" with N counted from 1.  fd is -1 when the message is larger
 * than MAX_MESSAGE_BYTES (it was not copied).  Return 0 to go on, -1 to
 * stop.
 */
typedef int (*mbox_fn)(void *arg, int fd, const char *source);

/*
 * Reads the mbox at path message by message.  Returns the number of
 * messages passed to fn, or -1 with a reason in err (cannot open, not an
 * mbox, I/O error, fn returned -1).
 */
long	mbox_read(const char *path, mbox_fn fn, void *arg, char *err,
	    size_t errlen);

#endif

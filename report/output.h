/*
 * Where dmarc-report's output goes: standard output ("-" or no -o), or
 * with -o FILE:
 *  - a regular file or a new path: replaced atomically (a temporary file
 *    in the same directory, written, fsync()ed, then rename()d over
 *    FILE), so a reader never sees half a report and a failed run leaves
 *    the old file as it was; an existing file keeps its mode (and its
 *    owner and group when the caller may set them);
 *  - a FIFO or a character device (/dev/null, a terminal): opened and
 *    written in place, never replaced;
 *  - /dev/stdout, /dev/stderr, /dev/fd/N, /proc/self/fd/N: the
 *    descriptor they name, whatever it is (a pipe, a socket, a file
 *    opened with > or >>), written in place at its end;
 *  - a symbolic link: followed; a link to a regular file replaces the
 *    file it points to (the link stays a link), a link to a FIFO or a
 *    device writes to it, a dangling link is refused;
 *  - anything else (a directory, a block device, a socket): refused.
 */
#ifndef DMARC_OUTPUT_H
#define DMARC_OUTPUT_H

#include <stddef.h>
#include <stdio.h>

struct output {
	FILE		*f;		/* where to write */
	char		*path;		/* -o FILE, owned; NULL for stdout */
	char		*tmp;		/* temporary file, owned; NULL when
					   written in place */
	int		 direct;	/* a FIFO or device opened in place */
};

/*
 * Opens the output: path NULL or "-" is standard output, else as above.
 * Returns 0, or -1 with a message in err (the directory is not writable,
 * a directory or block device was named...).
 */
int	output_open(struct output *, const char *path, char *err,
	    size_t errlen);
/*
 * Finishes: with ok set, flushes, fsyncs and renames the temporary file
 * over path (stdout, a FIFO, a device: flushes, and closes what it
 * opened); without, removes the temporary file.
 * Returns 0, or -1 with a message in err if a write, fsync or rename
 * failed (the temporary file is then removed).  Frees what o owns.
 */
int	output_close(struct output *, int ok, char *err, size_t errlen);

#endif

/*
 * Where dmarc-report's output goes: standard output, or with -o FILE a
 * file replaced atomically (a temporary file in the same directory,
 * written, fsync()ed, then rename()d over FILE), so a reader never sees
 * half a report and a failed run leaves the old file as it was.
 */
#ifndef DMARC_OUTPUT_H
#define DMARC_OUTPUT_H

#include <stddef.h>
#include <stdio.h>

struct output {
	FILE		*f;		/* where to write */
	char		*path;		/* -o FILE, owned; NULL for stdout */
	char		*tmp;		/* temporary file, owned; NULL for
					   stdout */
};

/*
 * Opens the output: path NULL or "-" is standard output.  Returns 0, or
 * -1 with a message in err (the directory is not writable...).
 */
int	output_open(struct output *, const char *path, char *err,
	    size_t errlen);
/*
 * Finishes: with ok set, flushes, fsyncs and renames the temporary file
 * over path (stdout: flushes); without, removes the temporary file.
 * Returns 0, or -1 with a message in err if a write, fsync or rename
 * failed (the temporary file is then removed).  Frees what o owns.
 */
int	output_close(struct output *, int ok, char *err, size_t errlen);

#endif

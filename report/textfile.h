/*
 * The operator's text files of dmarc-report (--services, --config,
 * --senders): reading one whole under a byte cap, splitting it into
 * lines, the checks every line gets, and the "FILE:LINE: error: ..."
 * messages.  Each file's grammar stays in its parser (classify.c,
 * config.c, senders.c), which gets one checked line at a time.
 *
 * Lines end at LF; a CR ending a line is dropped and the last line needs
 * no LF.  Every line, blank and comment lines too, is counted (from 1) and
 * refused, checked in this order, as line max_lines + 1 ("more than N
 * lines"), when longer than max_line bytes, CR excluded ("line longer
 * than N bytes"), at its first NUL byte ("NUL byte in line") or control
 * character other than tab ("control character 0x1b in line"), or for
 * invalid UTF-8 ("invalid UTF-8 in line").
 */
#ifndef DMARC_TEXTFILE_H
#define DMARC_TEXTFILE_H

#include <stddef.h>

/*
 * One file being read.  The caller fills in everything but line (a
 * designated initializer); file and err are borrowed.
 */
struct textfile {
	const char	*file;		/* the name in messages; the path
					   textfile_load() opens */
	size_t		 max_bytes;	/* textfile_load(): the file's cap */
	size_t		 max_line;	/* bytes of one line, CR excluded;
					   at least 1 */
	size_t		 max_lines;	/* 0: no cap but max_bytes */
	size_t		 line;		/* the line being handled, from 1 */
	char		*err;		/* messages go here, errlen bytes */
	size_t		 errlen;
};

/*
 * Called for each checked line: line is a NUL-terminated writable copy
 * without its CR LF (the callback may cut it up; it is gone after the
 * call), t->line its number.  Returns 0 to go on, or -1 (stops the file)
 * after writing a message with textfile_error() or textfile_bad().
 */
typedef int	 textfile_fn(void *arg, struct textfile *t, char *line);

/*
 * Splits text[0..len) (need not be NUL-terminated) into lines, checks
 * each and hands it to fn.  Returns 0, or -1 with the message in t->err
 * (fn's own, or a refusal above).  max_bytes is not checked here.
 */
int	textfile_parse(struct textfile *t, const char *text, size_t len,
	    textfile_fn *fn, void *arg);

/*
 * Reads t->file whole (at most t->max_bytes) and parses it as above.
 * Returns 0, 1 when the file does not exist and must_exist is 0 (nothing
 * read, no message), or -1 with "FILE: error: cannot read: REASON",
 * "FILE: error: file larger than N bytes" or a line's message in t->err.
 */
int	textfile_load(struct textfile *t, int must_exist, textfile_fn *fn,
	    void *arg);

/* "FILE:LINE: error: " and the formatted text into t->err; returns -1 */
int	textfile_error(struct textfile *t, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
/* "FILE:LINE: error: WHAT: 'DETAIL'", DETAIL cut at 80 bytes; -1 */
int	textfile_bad(struct textfile *t, const char *what,
	    const char *detail);

#endif

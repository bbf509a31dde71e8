/*
 * The read callback every document parser takes (rua_parse.h,
 * tlsrpt.h): the parser pulls the document's bytes through it, so a
 * parser does no I/O of its own and tests and fuzzers feed it directly.
 */
#ifndef DMARC_DOCREAD_H
#define DMARC_DOCREAD_H

/* reads up to len bytes into buf: count read, 0 at end, -1 on error */
typedef int (*parse_read_fn)(void *ctx, char *buf, int len);

#endif

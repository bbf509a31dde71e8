/*
 * The pre-scan of an e-mail message, before GMime builds anything: one
 * streaming pass over the bytes that hashes them and bounds what GMime's
 * parser would keep in memory.  GMime holds one object per MIME part,
 * every header field, every address of an address header, and the
 * prologue and epilogue text of each multipart; a 10 MB message of
 * boundary-only parts, header lines or addresses makes it build gigabytes.
 * The scan follows the message's structure the way GMime's parser does
 * (header blocks end at an empty line, multipart boundaries from the
 * Content-Type on a stack, embedded message/rfc822 headers) and counts
 * each of those things, so that a message past a limit is refused whole,
 * with its reason, before it is parsed.
 */
#ifndef DMARC_MAILSCAN_H
#define DMARC_MAILSCAN_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <gmime/gmime.h>

#include "hash.h"

/* what the pre-scan of one message found */
struct mail_scan {
	off_t		 lead;		/* bytes before the header: a leading
					   mbox "From " line, blank lines */
	size_t		 blocks;	/* header blocks: the message, each
					   part, each embedded message */
	size_t		 delimiters;	/* boundary delimiter lines */
	size_t		 fields;	/* header fields in all blocks */
	uint64_t	 header_bytes;	/* bytes of all header blocks */
	size_t		 addresses;	/* addresses in From, To, Cc, ...
					   (separators + 1 per field) */
	uint64_t	 face_bytes;	/* multipart prologue and epilogue
					   text */
	size_t		 params;	/* Content-Type and -Disposition
					   parameters (a bound) */
	int		 long_type;	/* one of those headers is longer
					   than MAX_MIME_TYPE_HEADER */
};

/*
 * Reads the message from fd (from offset 0 to its end) once: its SHA-256
 * and the counts above.  Memory is bounded by the limits whatever the
 * input.  Returns 0, or -1 on a read error (errno set).
 */
int	mail_scan(int fd, uint8_t sha[HASH_LEN], struct mail_scan *);

/*
 * Why the scanned message must not be parsed ("more than 256 MIME parts
 * (MAX_MIME_PARTS)"), written to buf; NULL when every count is within
 * its limit.
 */
const char *mail_scan_refusal(const struct mail_scan *, char *buf,
	    size_t n);

/*
 * New parser options as mail_open and the scan use them (loose address,
 * parameter and RFC 2047 parsing); the caller frees them with
 * g_mime_parser_options_free.
 */
GMimeParserOptions *mail_parser_options(void);

#endif

/*
 * Container detection by content.  File names and MIME types lie; the
 * first bytes do not.  Used at every level of unpacking.
 */
#ifndef DMARC_SNIFF_H
#define DMARC_SNIFF_H

#include <stddef.h>

enum container {
	CONTAINER_EMPTY,	/* no bytes, or only white space */
	CONTAINER_GZIP,		/* 1f 8b */
	CONTAINER_ZIP,		/* PK\3\4, or PK\5\6 for an empty archive */
	CONTAINER_XML,		/* optional BOM and white space, then '<' */
	CONTAINER_TNEF,		/* 78 9f 3e 22: Outlook's winmail.dat */
	CONTAINER_JSON,		/* optional BOM and white space, then '{':
				   a JSON object (the SMTP TLS report) */
	CONTAINER_ARF,		/* RUF_DOC_MAGIC (ruf.h): a DMARC failure
				   report as mail.c hands it on */
	CONTAINER_OTHER,	/* anything else: see what */
};

/*
 * Classifies the first n bytes of a payload (64 are enough).  *what gets a
 * static description for messages: "gzip", "zip", "XML", "TNEF", "JSON",
 * "empty input", "PNG image", "PDF document", "JSON array (not a report)",
 * "plain text", "binary data".
 */
enum container sniff(const void *p, size_t n, const char **what);

#endif

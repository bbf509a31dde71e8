/*
 * The failure report document of a message (mail.c's walk, ruf.h's
 * input): a multipart/report whose message/feedback-report part says
 * auth-failure becomes RUF_DOC_MAGIC, its Content-Type, its ARF part and
 * the original message's headers, the original body only when asked.
 * The human-readable part and the original body are a stranger's mail:
 * left out unless kept on purpose (dmarc-ingest --keep-failure-bodies).
 */
#ifndef DMARC_MAIL_RUF_H
#define DMARC_MAIL_RUF_H

#include <stddef.h>

#include <gmime/gmime.h>

/*
 * The document of the multipart mp whose ARF part is arf; keep_body keeps
 * the original message whole (message/rfc822) instead of its headers.
 * Returns the bytes (caller g_frees) and their length in *len.
 */
char	*mail_ruf_doc(GMimeMultipart *mp, GMimeObject *arf, int keep_body,
	    size_t *len);

#endif

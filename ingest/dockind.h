/*
 * The kinds of document dmarc-ingest stores, one row each in dockind.c:
 * what sniffing calls the document (sniff.h), and the function that
 * parses and stores it.  The unpacker hands on every document whose
 * sniff result has a row (anything else is "not a report"), and
 * ingest_doc.c passes it to its row.  Three kinds today: the DMARC
 * aggregate report (XML), the SMTP TLS report of RFC 8460 (JSON) and
 * the DMARC failure report (ARF, as mail_ruf.c builds it).  A
 * new kind is a sniff result, a row and its own files: a parser, its
 * store and its ingest function here.
 */
#ifndef DMARC_DOCKIND_H
#define DMARC_DOCKIND_H

#include <stddef.h>
#include <stdint.h>

#include "hash.h"
#include "sniff.h"

struct doc;			/* ingest_int.h: one document of an input */

/* what one document came to */
enum doc_status {
	DOC_STORED,		/* new: stored */
	DOC_DUPLICATE,		/* the same already stored: nothing new */
	DOC_CONFLICT,		/* same key, other content: stored, flagged */
	DOC_REJECTED,		/* it could not be read: why */
	DOC_FAILED,		/* the store failed, a system error: why */
};

struct doc_result {
	enum doc_status	 status;
	size_t		 records;	/* the document's records (stored or
					   conflicting) */
	uint64_t	 messages;	/* messages in those records */
	const char	*why;		/* rejected or failed (may be NULL for
					   failed); borrowed until the next
					   document */
};

struct doc_kind {
	const char	*name;		/* "DMARC aggregate report" */
	enum container	 container;	/* what sniff() calls its documents */
	int		 utf8_repair;	/* stray Windows-1252 bytes of a
					   document meant as UTF-8 are
					   repaired (with DIAG_CP1252) */
	/*
	 * Parses the document through doc_read(doc, ...) and stores it
	 * inside its input's unit (store.h), diagnostics in the document's
	 * own diag; fills *r.  Reports no outcome itself: the input settles.
	 */
	void		(*ingest)(struct doc *, struct doc_result *r);
};

/* the row for documents sniffed as c, or NULL: not a document kind */
const struct doc_kind *dockind_find(enum container c);

/* the rows' ingest functions, each in its kind's own file */
void	rua_ingest(struct doc *, struct doc_result *);	/* ingest_rua.c */
void	tls_ingest(struct doc *, struct doc_result *);	/* ingest_tls.c */
void	ruf_ingest(struct doc *, struct doc_result *);	/* ingest_ruf.c */

/*
 * For the rows: the parser's read callback (parse_read_fn; ctx is the
 * struct doc), yielding the document's bytes, repaired when the kind
 * allows it and the document needs it.
 */
int	doc_read(void *doc, char *buf, int len);
/*
 * The SHA-256 of the bytes read so far (call it at the end of the
 * document), and DIAG_CP1252 in the document's diag when bytes were
 * repaired.
 */
void	doc_finish(struct doc *, uint8_t sha[HASH_LEN]);

#endif

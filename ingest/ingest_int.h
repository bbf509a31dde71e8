/*
 * Inside the ingest pipeline (ingest.h), not for its callers: what its
 * three files share.  ingest.c runs inputs (ledger, batches, commit,
 * reprocess), ingest_doc.c takes one document of an input to its kind's
 * parser and store (dockind.h), ingest_mail.c takes an e-mail message
 * apart into inputs.
 */
#ifndef DMARC_INGEST_INT_H
#define DMARC_INGEST_INT_H

#include <stddef.h>
#include <stdint.h>

#include "diag.h"
#include "hash.h"
#include "ingest.h"
#include "sniff.h"
#include "store.h"
#include "stream.h"
#include "utf8.h"

/* raw bytes pulled from a document stream per read */
#define RAW_CHUNK	16384

/*
 * What happened to the documents of one input.  Nothing is added to the
 * run's totals until the input is settled: a rejected input stores none
 * of its reports.
 */
struct input_result {
	size_t		 stored;
	size_t		 duplicates;
	size_t		 conflicts;
	size_t		 rejected;
	size_t		 records;	/* of stored and conflicting reports */
	size_t		 new_records;	/* of stored reports */
	uint64_t	 messages;	/* in those records */
	int		 system_error;	/* the store failed: stop */
	char		 reason[DIAG_ERROR_LEN + 256]; /* first rejection */
	struct diag	 warnings;	/* of the whole input */
};

/*
 * State of one document on its way from the unpacker to its kind's
 * parser and store.  Everything before raw is reset for each document
 * (ingest_doc); a kind's own state lives in its own file.
 */
struct doc {
	struct ingest	*ing;
	int64_t		 input_id;
	const char	*where;		/* inside the input, for messages */
	struct stream	*in;
	struct hash	 hash;		/* of the bytes as received */
	int		 decided;	/* utf8 repair mode chosen */
	int		 repair;	/* Windows-1252 repair on */
	int		 may_repair;	/* the kind allows it (dockind.h) */
	int		 eof;
	struct utf8fix	 fix;
	struct diag	 d;		/* the document's diagnostics */
	size_t		 raw_len;
	size_t		 out_len, out_off;
	uint8_t		 raw[RAW_CHUNK];
	uint8_t		 out[3 * (RAW_CHUNK + 4)];
};

/* one input being processed: shared by the unpack callback */
struct input_run {
	struct ingest		*ing;
	int64_t			 input_id;
	struct input_result	 res;
	struct doc		 doc;	/* reused for each document */
};

/* how one offer of an input ended */
struct input_done {
	int64_t		 id;		/* ledger row; 0: none (too large) */
	enum outcome	 outcome;	/* of this offer */
	enum outcome	 earlier;	/* known input: its recorded outcome */
	int		 known;		/* it was settled before this offer */
};

/* ingest.c */

/* passes an outcome to the report callback, when there is one */
void	ingest_say(struct ingest *, const char *source, enum outcome,
	    const char *reason, int level);
/* a system error left the input unprocessed: counted, said; returns -1 */
int	ingest_fail(struct ingest *, const char *source, const char *why);
/* an input or message is about to be offered: it may open a batch */
void	ingest_batch_join(struct ingest *, const char *source);
/*
 * After an input or message (rc: how it went): notices a lost batch, and
 * commits when the batch is due.  Returns rc, or -1 when the batch was
 * lost.
 */
int	ingest_batch_after(struct ingest *, int rc);
/* offers one input (a file, or a part of a message) in the batch */
int	ingest_input(struct ingest *, int fd, const char *source,
	    struct input_done *done);
/* SHA-256 of the whole file read from offset 0; 0, or -1 (errno) */
int	ingest_hash_fd(int fd, uint8_t sha[HASH_LEN]);

/* ingest_doc.c */

/*
 * unpack callback (run is a struct input_run): one document, by the kind
 * sniffing gave it, parsed and stored into run->res.  0, or -1 when the
 * store failed (res.system_error).
 */
int	ingest_doc(void *run, struct stream *in, enum container,
	    const char *where);
/* counts a rejection in res; the first one's where and why are kept */
void	input_reject(struct input_result *, const char *where,
	    const char *why);

/* ingest_mail.c */

/*
 * ingest_message, and redo reads a message the mail ledger has settled
 * again (--reprocess); *kept says whether the whole message was kept as
 * an input.
 */
int	ingest_message_redo(struct ingest *, int fd, const char *source,
	    int redo, enum outcome *, int *kept);

#endif

/*
 * The ingest pipeline for one input: recognise it in the ledger, keep its
 * bytes, unpack it, parse each report it holds, align each record and
 * store each report (atomic, within the input's own atomic unit), then
 * settle the input's outcome: all its reports are kept, or, when anything
 * in it is rejected, none; settled inputs are committed in batches.
 * Sources (files, directories, stdin) hand it descriptors; it never
 * prints except through the report callback.
 */
#ifndef DMARC_INGEST_H
#define DMARC_INGEST_H

#include <stddef.h>
#include <stdint.h>

#include "diag.h"
#include "store.h"

/* totals of one run, for the summary line and --json */
struct ingest_stats {
	size_t		 inputs;	/* inputs looked at */
	size_t		 stored;	/* inputs with a new report */
	size_t		 duplicates;	/* inputs with nothing new */
	size_t		 rejected;	/* inputs rejected: none of their
					   reports stored */
	size_t		 failed;	/* inputs not processed: system error */
	size_t		 reports;	/* reports newly stored */
	size_t		 report_duplicates; /* reports already stored */
	size_t		 conflicts;	/* same key, other content: flagged */
	uint64_t	 records;	/* records newly stored */
	uint64_t	 messages;	/* messages in those records */
	size_t		 mails;		/* e-mail messages looked at */
	size_t		 mail_stored;	/* ... with a new report */
	size_t		 mail_duplicates; /* ... seen before or nothing new */
	size_t		 mail_rejected;	/* ... with a report rejected */
	size_t		 mail_not_report; /* ... holding no aggregate report */
	size_t		 mail_failed;	/* ... not settled: system error */
	size_t		 mail_unread;	/* ... settled with bytes neither read
					   nor kept (over MAX_MESSAGE_BYTES) */
	struct diag	 warnings;	/* quirks tolerated, by name */
};

/*
 * Called once per input when it is settled: outcome, source, and for a
 * rejection the reason ("not a report: PNG image").  The main program
 * prints from here; level is 0 for routine outcomes, 1 for rejections,
 * 2 for system errors.
 */
typedef void (*ingest_report_fn)(void *arg, const char *source,
	    enum outcome, const char *reason, int level);

struct ingest {
	struct store		*store;
	struct ingest_stats	 stats;
	ingest_report_fn	 report;	/* may be NULL */
	void			*report_arg;
	uint64_t		 max_xml_bytes;	/* MAX_XML_BYTES, or
						   --max-xml-bytes */
	size_t			 max_mail_reports; /* MAX_MAIL_REPORTS
						   (tests lower it) */
	int			 keep_failure_bodies; /* failure reports keep
						   the original message's
						   body (default: headers
						   only; ruf.h) */
	/* the batch: inputs settled but not yet committed */
	struct ingest_stats	 committed;	/* stats at the last commit */
	int64_t			 batch_ms;	/* its first input, monotonic
						   ms; 0: empty */
	char			 batch_first[256]; /* its source */
	uint64_t		 batch_no;	/* the batch open or last
						   opened, counted from 1 */
	uint64_t		 durable;	/* the last batch committed */
};

/*
 * Settled inputs and e-mail messages are committed in batches, at least
 * every INGEST_BATCH_MS milliseconds of work, and at ingest_commit(): a
 * run killed or failing in between loses at most that much work, whole
 * inputs and messages only, and the next run redoes it.
 */
#define INGEST_BATCH_MS	200

void	ingest_init(struct ingest *, struct store *);
/*
 * Commits every settled input (call it before closing the store).
 * Returns 0, or -1 when they were lost: each then counts as failed and
 * the report callback has said so.
 */
int	ingest_commit(struct ingest *);
/*
 * Batches by number, for sources that mark messages (mailsource.h): a
 * message settled by an ingest_message() that returned 0 while
 * ingest_batch_no() was n is committed once ingest_durable() >= n.  A
 * lost batch's number never becomes durable.
 */
uint64_t ingest_batch_no(const struct ingest *);
uint64_t ingest_durable(const struct ingest *);
/*
 * Ingests the regular file readable from fd (seekable), named source in
 * the ledger and in messages.  Returns 0 when the input was settled
 * (stored, duplicate or rejected: see stats), -1 on a system error
 * (database, I/O) that left it unprocessed.
 */
int	ingest_fd(struct ingest *, int fd, const char *source);
/* ingests the file at path; as ingest_fd, plus open/stat errors */
int	ingest_file(struct ingest *, const char *path);
/*
 * Ingests one e-mail message readable from fd (a seekable regular file at
 * any offset; read from 0).  Every aggregate report inside is stored as an
 * input of its own, linked to the message in the mail ledger.  source
 * names it for the ledger and messages ("maildir:cur/123:2,S",
 * "imap://host/INBOX;UID=5", a path, "-").  Returns 0 when the message is
 * settled and *outcome says how: OUTCOME_STORED or OUTCOME_DUPLICATE (its
 * reports are in the batch: the caller may mark it processed once that
 * batch is committed, see ingest_durable()),
 * OUTCOME_REJECTED (some report rejected; its bytes are kept for
 * --reprocess), OUTCOME_NOT_REPORT (no aggregate report: what it was is
 * the ledger's reason).  A message that mail_scan_refusal() refuses, that
 * GMime cannot read, or in which a limit left something unread
 * (MAX_MAIL_REPORTS, MAX_MIME_DEPTH, MAX_INPUT_BYTES) is rejected and its
 * whole bytes are kept as an input, so --reprocess reads it again.  Only a
 * message over MAX_MESSAGE_BYTES is neither read nor kept: it is recorded
 * rejected and counted in stats.mail_unread.  Returns -1 on a system error
 * (database): the caller must not mark the message.  mailsource.h is the
 * whole contract of a mailbox source with this call.
 */
int	ingest_message(struct ingest *, int fd, const char *source,
	    enum outcome *outcome);
/*
 * Records a message of size bytes whose SHA-256 is sha, too large to be
 * read (standard input past MAX_MESSAGE_BYTES), as rejected in the mail
 * ledger; counts it in stats.mail_unread.  0, or -1 on a database error.
 */
int	ingest_message_oversized(struct ingest *, const uint8_t sha[HASH_LEN],
	    uint64_t size, const char *source);
/*
 * Settles a message too large to be copied out of its mailbox (an mbox
 * message over MAX_MESSAGE_BYTES), known by neither its bytes nor a
 * lasting address: said and counted rejected, not recorded in the mail
 * ledger.
 */
void	ingest_message_uncopied(struct ingest *, const char *source);
/*
 * Settles a message that is not downloaded at all (an IMAP message over
 * MAX_MESSAGE_BYTES by the server's size): recorded in the mail ledger
 * as rejected with why, under the SHA-256 of source (its address, which
 * must name it for good: URL;UIDVALIDITY=v/;UID=u) instead of its bytes,
 * size the server's; a message known already is noted as seen again.
 * Committed before it returns.  Returns 0 with *outcome, or -1 on a
 * database error.
 */
int	ingest_message_unread(struct ingest *, const char *source,
	    int64_t size, const char *why, enum outcome *outcome);
/*
 * 1 when the last database error is one a later run gets past by itself
 * (busy, locked, disk full), else 0.
 */
int	ingest_temporary(const struct ingest *);
/*
 * Re-parses the kept bytes of every rejected input (all == 0) or every
 * input (all != 0) after its earlier reports are removed.  Returns 0, or
 * -1 on a system error.
 */
int	ingest_reprocess(struct ingest *, int all);

#endif

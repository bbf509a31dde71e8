/*
 * The contract between a mailbox source and the pipeline (ingest.h).
 * Four sources follow it: one message (--mail FILE or --mail -, main.c),
 * mbox (mbox.c, driven by main.c), Maildir (maildir.c) and IMAP
 * (imap.c).  (source.h is the other kind of source: report files and
 * directories named on the command line, and standard input.)
 *
 * What a source hands ingest_message():
 *  - fd: the bytes of one message alone, in a regular seekable file read
 *    from offset 0: the message's own file (Maildir, --mail FILE) or an
 *    unlinked temporary copy (mbox, unquoted; IMAP, fetched with
 *    BODY.PEEK[] so that fetching sets no flag; standard input, spooled
 *    by source_spool_hashed()).  Never a pipe, and never the mailbox
 *    itself.
 *  - source: the message's name in the ledger and in messages, the same
 *    on every run for the same message: the path or "-" (--mail),
 *    "PATH#N" (mbox), "maildir:PATH" (Maildir),
 *    "URL;UIDVALIDITY=v/;UID=u" (IMAP).
 *  - a message larger than MAX_MESSAGE_BYTES is neither copied nor read
 *    into memory: the source settles it with ingest_message_oversized()
 *    (its bytes were hashed as they went by: --mail -),
 *    ingest_message_unread() (known by a lasting address and the
 *    server's size: IMAP, which then flags it \Seen \Flagged on the
 *    server), or ingest_message_uncopied() (neither: mbox).
 *
 * What it must do afterwards, as mailsource_after() says:
 *  - ingest_message() settles the message in the open batch (ingest.h),
 *    which is committed every INGEST_BATCH_MS or at ingest_commit().
 *    Only when it returned 0 with a settled outcome, and only once
 *    ingest_durable() has reached the ingest_batch_no() read when it
 *    returned, are the message's reports durable; only then may the
 *    source mark the message done: set \Seen or move it (IMAP), rename
 *    it into cur/ with the S flag or move it (Maildir).  A source keeps
 *    its settled messages waiting (a bounded number: it commits when
 *    they are that many) and marks them after the commit; before it
 *    stops it commits and marks what is durable, and leaves the rest
 *    (a lost batch) as found.  A source that cannot mark (mbox, a file)
 *    relies on the mail ledger: offered again, the message is a
 *    duplicate.
 *  - When it returned -1, nothing is marked: the message is left exactly
 *    as found (unseen, in new/, in the mailbox) and the source stops (the
 *    database failed; the next run redoes the message); --mail exits
 *    EX_TEMPFAIL so that the MTA retries.
 *  - A run killed between the commit and the mark leaves the message
 *    unmarked: the next run finds it in the mail ledger, cheaply, and
 *    marks it then.  Marking must therefore be safe to repeat.
 *  - A message with a rejected report (OUTCOME_REJECTED) had its bytes
 *    kept for --reprocess: it is marked done like the others, and the
 *    source may flag it for the operator (Maildir's F flag or
 *    --failed-to).
 */
#ifndef DMARC_MAILSOURCE_H
#define DMARC_MAILSOURCE_H

#include "store.h"

/* what a source does with a message once ingest_message() returned */
enum mailsource_mark {
	MAILSOURCE_LEAVE,	/* not committed: leave it as found, stop */
	MAILSOURCE_DONE,	/* committed: mark it done */
	MAILSOURCE_DONE_REJECTED, /* committed, a report in it rejected
				   (kept for --reprocess): mark it done,
				   and flag it where the source can */
};

/* the mark for ingest_message()'s return value rc and its outcome oc */
enum mailsource_mark mailsource_after(int rc, enum outcome oc);

#endif

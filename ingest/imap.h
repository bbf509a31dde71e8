/*
 * The IMAP source of dmarc-ingest (--imap URL): libcurl connects and logs
 * in (TLS verified), then this module speaks IMAP itself on that one
 * connection: one SELECT, the mailbox listed in bounded windows, each
 * unseen (or every) message fetched with BODY.PEEK[] into an unlinked
 * temporary file and handed to ingest_message, and only once its reports
 * are committed marked \Seen and optionally moved (MOVE or UID EXPUNGE,
 * never a plain EXPUNGE).  Fetching alone never sets \Seen: a run killed
 * at any moment leaves every uncommitted message unseen.  The password
 * never comes from the command line: $DMARC_IMAP_PASSWORD or a netrc file.
 */
#ifndef DMARC_IMAP_H
#define DMARC_IMAP_H

#include <stddef.h>

#include "ingest.h"
#include "limits.h"

/* environment variable holding the IMAP password */
#define IMAP_PASSWORD_ENV	"DMARC_IMAP_PASSWORD"
/* seconds to connect; seconds below 1 byte/s before a stalled transfer ends */
#define IMAP_CONNECT_TIMEOUT	30L
#define IMAP_STALL_TIMEOUT	120L
/* committed messages marked with one command (the server syncs per command) */
#define IMAP_MARK_BATCH		100

struct imap_options {
	const char	*url;		/* imap[s]://user@host[:port]/MAILBOX */
	const char	*netrc_file;	/* NULL: ~/.netrc when present */
	const char	*cacert;	/* PEM CA bundle, NULL: system CAs */
	const char	*move_to;	/* folder for processed mail, or NULL */
	int		 all;		/* every message, not only unseen */
	size_t		 max_messages;	/* messages per run, 0: no limit */
	int		 verbose;	/* libcurl's trace of the login */
	/* one line for a warning ("FILE: warning: ..."); may be NULL */
	void		(*warn)(void *arg, const char *msg);
	void		*warn_arg;
};

/* what a run did on the server */
struct imap_stats {
	size_t		 listed;	/* UIDs the search returned */
	size_t		 fetched;	/* messages downloaded and ingested */
	size_t		 marked;	/* \Seen set (and moved) after commit */
	size_t		 too_large;	/* over MAX_MESSAGE_BYTES: recorded,
					   flagged, not downloaded */
	int		 move_refused;	/* --imap-move-to impossible here */
};

/* how a run ended */
enum imap_status {
	IMAP_OK,		/* every selected message handled */
	IMAP_TEMPORARY,		/* server down or unreachable, connection
				   lost, database busy or full: the next
				   run carries on by itself */
	IMAP_CONFIG,		/* login refused, no password, untrusted
				   certificate, bad URL, no such mailbox:
				   the operator must act */
	IMAP_FAILED,		/* the server broke the protocol or refused
				   a command, or a local error */
};

/*
 * Checks the options before anything else runs: the URL's scheme (imap,
 * imaps), that it holds no password, no query and names a mailbox (not a
 * message); the --imap-move-to folder name (printable ASCII).  Returns 0,
 * or -1 with a usage message in err.
 */
int	imap_check(const struct imap_options *, char *err, size_t errlen);

/*
 * Runs the IMAP source once: every selected message is ingested through
 * ing (its outcomes reach ing->report), then marked.  Messages settled as
 * stored, duplicate, rejected (kept for --reprocess) or not a report are
 * marked \Seen (and moved).  A message over MAX_MESSAGE_BYTES (by the
 * server's size) is not downloaded: it is recorded in the mail ledger as
 * rejected under its address (URL;UIDVALIDITY=v/;UID=u) and flagged \Seen
 * and \Flagged, left in the mailbox.  Without MOVE or UIDPLUS on the
 * server, --imap-move-to is refused through o->warn (st->move_refused)
 * and messages are only marked.  Returns IMAP_OK, or the class of the
 * error that stopped the run with a message naming the server in err;
 * the message at hand is then left unseen.  Statistics go to *st.
 */
enum imap_status imap_run(const struct imap_options *, struct ingest *ing,
	    struct imap_stats *st, char *err, size_t errlen);

#endif

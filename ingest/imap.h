/*
 * The IMAP source of dmarc-ingest (--imap URL): logs in with libcurl over
 * one reused connection, lists the unseen (or all) messages of a mailbox,
 * fetches each into an unlinked temporary file, hands it to
 * ingest_message, and only once its reports are committed sets \Seen and
 * optionally moves it to another folder.  Messages are fetched in a
 * read-only (EXAMINE) session so that fetching alone never sets \Seen: a
 * run killed at any moment leaves every uncommitted message unseen.
 * The password never comes from the command line: $DMARC_IMAP_PASSWORD or
 * a netrc file.
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

struct imap_options {
	const char	*url;		/* imap[s]://user@host[:port]/MAILBOX */
	const char	*netrc_file;	/* NULL: ~/.netrc when present */
	const char	*cacert;	/* PEM CA bundle, NULL: system CAs */
	const char	*move_to;	/* folder for processed mail, or NULL */
	int		 all;		/* every message, not only unseen */
	size_t		 max_messages;	/* messages per run, 0: no limit */
	int		 verbose;	/* libcurl's protocol trace on stderr */
};

/* what a run did on the server */
struct imap_stats {
	size_t		 listed;	/* UIDs the search returned */
	size_t		 fetched;	/* messages downloaded and ingested */
	size_t		 marked;	/* \Seen set (and moved) after commit */
	size_t		 too_large;	/* over MAX_MESSAGE_BYTES: left alone */
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
 * marked; a message over MAX_MESSAGE_BYTES is reported as rejected and
 * left as it was.  Returns 0 when every selected message was handled, or
 * -1 with a message naming the server and libcurl's error in err (login,
 * network, TLS, server refusal) or when ingest_message failed (database):
 * the run stops at once and the message at hand is left unseen, so the
 * caller should exit with a temporary failure.  Statistics go to *st.
 */
int	imap_run(const struct imap_options *, struct ingest *ing,
	    struct imap_stats *st, char *err, size_t errlen);

#endif

/*
 * Maildir as a source of e-mail messages: new/ and cur/ are read in byte
 * order of names (tmp/, dotfiles, symbolic links and anything but regular
 * files are ignored), each message is ingested, and only once its reports
 * are committed is it marked: moved from new/ to cur/ with the S (seen)
 * flag added to its info (":2,FLAGS", flags kept sorted), or moved into
 * another Maildir.  A message with a rejected report also gets the F
 * (flagged) flag, or goes to the --failed-to Maildir; its report bytes are
 * kept in the database for --reprocess.  A message already marked is
 * recognised by the mail ledger and cheaply skipped.
 */
#ifndef DMARC_MAILDIR_H
#define DMARC_MAILDIR_H

#include <stddef.h>

#include "ingest.h"

/* settled messages waiting for their batch's commit, at most */
#define MAILDIR_MARK_BATCH	256

struct maildir_opts {
	const char	*move_to;	/* Maildir for settled ones, or NULL */
	const char	*failed_to;	/* Maildir for rejected ones, or NULL */
};

/* called for a problem with the Maildir itself: path and reason */
typedef void (*maildir_err_fn)(void *arg, const char *path, const char *why);

/*
 * The name a message gets once marked: base (the unique part, before the
 * first ':') with ":2," and the old flags plus add (e.g. "S" or "FS"),
 * flags in ASCII order without repeats: "a:2,x" becomes "a:2,Sx".  Info
 * other than "2," ("a:1,x", experimental in the Maildir spec) carries no
 * flags and is dropped.  When that name is taken in cur/, marking uses
 * "BASE.N:2,FLAGS" (N from 1 to MAX_MAILDIR_NAME_TRIES).  Caller frees.
 */
char	*maildir_marked_name(const char *name, const char *add);

/*
 * Ingests every message of the Maildir dir and marks it as above.
 * Returns 0, or -1 when something could not be read or marked (err was
 * called) or the database failed (ingest reported it; the run stops and
 * the message stays unmarked).
 */
int	maildir_run(struct ingest *, const char *dir,
	    const struct maildir_opts *, maildir_err_fn err, void *arg);

#endif

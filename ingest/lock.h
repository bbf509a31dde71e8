/*
 * The run lock: one dmarc-ingest at a time per database, so that
 * overlapping cron runs, an MTA pipe and a manual run do not interleave
 * their reads of a mailbox.  An flock(2) on "<db>.lock" beside the
 * database; the kernel drops it when the holder exits or is killed, so a
 * lock file left behind never blocks anyone.  SQLite's own locking keeps
 * the database consistent either way; this lock keeps the work orderly.
 */
#ifndef DMARC_LOCK_H
#define DMARC_LOCK_H

#include <stddef.h>

/* poll interval while waiting for the lock, in milliseconds */
#define LOCK_POLL_MS		100
/* --lock-timeout default, in seconds: a cron minute */
#define LOCK_TIMEOUT_DEFAULT	60

enum lock_status {
	LOCK_OK,		/* held: release with lock_release */
	LOCK_BUSY,		/* another process held it for the whole wait */
	LOCK_ERROR,		/* the lock file cannot be opened or locked */
};

struct lock {
	int	 fd;		/* open lock file, -1 when not held */
	char	*path;		/* "<db>.lock", owned */
};

/*
 * Takes the exclusive lock on the database at dbpath, creating
 * "<dbpath>.lock" (mode 0600) if needed, waiting up to timeout seconds (0:
 * try once).  On LOCK_BUSY and LOCK_ERROR err holds a message ("another
 * dmarc-ingest holds the lock on 'DB' (waited 60 s)") and nothing needs
 * releasing.
 */
enum lock_status lock_acquire(struct lock *, const char *dbpath,
	    unsigned timeout, char *err, size_t errlen);
/* drops the lock; the file stays (unlinking it would race); NULL-safe */
void	lock_release(struct lock *);

#endif

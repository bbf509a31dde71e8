/*
 * Where inputs come from: paths named on the command line (a file, or a
 * directory walked recursively in byte order of names, so runs are
 * repeatable) and standard input, spooled to an unlinked temporary file so
 * it can be hashed, kept and read twice like any other input.  Mailbox
 * sources (mbox, Maildir, IMAP, --mail) follow mailsource.h instead.
 */
#ifndef DMARC_SOURCE_H
#define DMARC_SOURCE_H

#include <stddef.h>
#include <stdint.h>

#include "hash.h"

#include <sys/types.h>

struct pathlist {
	char	**v;		/* owned paths */
	size_t	  n;
	size_t	  cap;
};

/* the database file and its companions: -wal, -shm, -journal, .lock */
#define SOURCE_SKIP_FILES	5

/*
 * Files a walk leaves out, by device and inode (any name or link to them):
 * the database dmarc-ingest writes, so that a run in the report
 * directory does not ingest its own database.
 */
struct source_skip {
	dev_t		 dev[SOURCE_SKIP_FILES];
	ino_t		 ino[SOURCE_SKIP_FILES];
	size_t		 n;
};

/*
 * Fills skip with the files of the database at dbpath that exist now
 * (call it after the database is opened and the run lock taken).
 */
void	source_skip_db(struct source_skip *, const char *dbpath);

/* called for a path that could not be read: path and strerror text */
typedef void (*source_err_fn)(void *arg, const char *path, const char *why);

void	pathlist_init(struct pathlist *);
void	pathlist_release(struct pathlist *);

/*
 * Appends path to list if it is a file, or every regular file below it if
 * it is a directory.  Inside a directory, names starting with '.' and
 * symbolic links are skipped (a report tree has neither, and links could
 * lead out of it or loop), as are FIFOs, sockets and devices, and the
 * files in skip (may be NULL); subdirectories deeper than MAX_WALK_DEPTH
 * are not entered.  A path named that is in skip is an error.  Returns 0,
 * or -1 if something could not be read (err was called for it; the rest
 * is listed).
 */
int	source_collect(const char *path, struct pathlist *,
	    const struct source_skip *skip, source_err_fn err, void *arg);

/*
 * Copies everything readable from in_fd into an unlinked temporary file
 * in $TMPDIR (or /tmp) and returns its descriptor at offset 0.  Returns -1
 * with errno set on an I/O error, or with errno EFBIG when more than max
 * bytes arrive.
 */
int	source_spool(int in_fd, size_t max);
/*
 * As source_spool, and *size and sha get the length and SHA-256 of all
 * of in_fd's bytes: past max the rest is still read to its end, only to
 * be counted and hashed (for the ledger of a message too large to read),
 * and -1 with errno EFBIG is returned.
 */
int	source_spool_hashed(int in_fd, size_t max, uint8_t sha[HASH_LEN],
	    uint64_t *size);

#endif

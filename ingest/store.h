/*
 * Everything dmarc-ingest writes to the database: the ingest ledger (one
 * row per distinct input, with its original bytes), and the reports with
 * their records, each report atomic.  Prepared statements only.
 * The store does not parse; it takes the model and the diagnostics.
 */
#ifndef DMARC_STORE_H
#define DMARC_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "diag.h"
#include "hash.h"
#include "rua.h"

struct store;

enum outcome {
	OUTCOME_PENDING,	/* ledger row written, work not finished */
	OUTCOME_STORED,		/* every report read, at least one new */
	OUTCOME_DUPLICATE,	/* nothing new: every report was known */
	OUTCOME_REJECTED,	/* something in it could not be read: none of
				   its reports is stored (see reason) */
	OUTCOME_NOT_REPORT,	/* not an aggregate report at all */
};

/* the word used in the database and JSON: "stored", "rejected", ... */
const char *outcome_name(enum outcome);

/* what the ledger knows about an input */
struct input_info {
	int64_t		 id;		/* ledger row id */
	enum outcome	 outcome;
};

enum report_status {
	REPORT_STORED,		/* new report, committed */
	REPORT_DUPLICATE,	/* same key and same meaning already stored */
	REPORT_CONFLICT,	/* same key, other content: stored, flagged */
};

/*
 * Opens (creating and migrating) the database at path.  Returns NULL with
 * a message in err on failure.
 */
struct store *store_open(const char *path, char *err, size_t errlen);
void	 store_close(struct store *);
/* the last database error, for messages */
const char *store_errmsg(const struct store *);
/*
 * 1 when SQLite's code for the last database error says a later run gets
 * past it by itself (SQLITE_BUSY, SQLITE_LOCKED, SQLITE_FULL), else 0.
 */
int	 store_temporary(const struct store *);

/*
 * Transactions.  Work comes in units: an input (store_input_begin() to
 * store_input_finish() or store_input_commit()), or one call below made
 * outside an input.  A unit is a savepoint in an IMMEDIATE transaction:
 * the input's ledger row, kept bytes and reports are all there or none
 * is, and each report is a savepoint inside its input, so a duplicate or
 * rejected report is undone alone.  store_input_abort() and every
 * database error take the open unit back, and only it.
 *
 * A settled unit is committed at once, unless store_batch(s, 1) was
 * called: then it waits in the open transaction, later units join it, and
 * store_commit() makes them all durable at once (fewer WAL writes per
 * input; the caller decides when, and must commit before it acts on
 * what was stored, such as marking a message processed).  A run killed
 * meanwhile loses the waiting units whole, never part of one.
 */
void	 store_batch(struct store *, int on);
/* commits the waiting units; 0, or -1 (with store_errmsg) when they are
   lost */
int	 store_commit(struct store *);
/*
 * 1 (once) when waiting units were lost since the last call: a commit
 * failed or an error made SQLite roll the whole transaction back.
 */
int	 store_take_lost(struct store *);
int	 store_input_begin(struct store *);
int	 store_input_commit(struct store *);
void	 store_input_abort(struct store *);
/*
 * Opens, inside the input's unit and after its ledger row and kept bytes,
 * the savepoint that holds all its reports.  store_input_finish() keeps
 * them, or takes every one back when the outcome is OUTCOME_REJECTED: an
 * input is stored with all its reports or with none (its ledger row and
 * bytes stay, for --reprocess).  Returns 0, or -1 after aborting the unit.
 */
int	 store_input_reports(struct store *);

/*
 * Looks an input up by the SHA-256 of its bytes.  Returns 1 and fills
 * *info when known, 0 when new, -1 on a database error.
 */
int	 store_input_lookup(struct store *, const uint8_t sha[HASH_LEN],
	    struct input_info *info);
/*
 * Adds a ledger row (outcome pending) for a new input and keeps its bytes,
 * read from fd at offset 0 in chunks (plain XML is deflated first; gzip and
 * zip are kept as received).  source names it for humans (path, "-").
 * Commits before returning.  Returns the row id, or -1 on error.
 */
int64_t	 store_input_add(struct store *, const uint8_t sha[HASH_LEN],
	    const char *source, int fd);
/* notes that a known input was offered again (last_seen, seen_count) */
int	 store_input_seen(struct store *, int64_t input_id);
/*
 * Sets an input's final outcome with the reason (NULL when none), the
 * number of reports and records it contributed and its warnings.  With
 * store_input_reports() open, OUTCOME_REJECTED first rolls its reports
 * back (the caller passes 0 reports and records then).
 */
int	 store_input_finish(struct store *, int64_t input_id, enum outcome,
	    const char *reason, size_t n_reports, size_t n_records,
	    const struct diag *);

/*
 * Begins one report of an input (its savepoint) and inserts its row.
 * Called from the parser's begin handler.
 */
int	 store_report_begin(struct store *, int64_t input_id,
	    const char *where, const struct report *);
/* inserts one record (alignment already computed) with its results */
int	 store_record(struct store *, const struct record *);
/*
 * Completes the report: final counts, errors, warnings, doc_sha (the
 * SHA-256 of its XML, kept) and its canonical digest (canon.h, from r and
 * the records stored), then decides: a report with the same key
 * (org_name, email, report_id, policy domain) and the same canonical
 * digest is a duplicate and the report is rolled back (a report stored
 * before schema 6 has none: then the same doc_sha); same key with other
 * content is stored and flagged as a conflict; otherwise stored.
 * Returns the status, or -1 on a database error (the input's unit
 * rolled back).
 */
int	 store_report_end(struct store *, const struct report *,
	    const uint8_t doc_sha[HASH_LEN], const struct diag *);
/* rolls the current report back (parse failed); safe when none is open */
void	 store_report_abort(struct store *);

/*
 * Stores one SMTP TLS report (store_tls.c) inside its input's unit (a
 * savepoint of its own), doc_sha the SHA-256 of its JSON as received.
 * A report with the same key (organization-name case-folded, report-id)
 * and the same canonical digest (store_tls_digest) is a duplicate and
 * nothing is written; the same key with other content is stored and
 * flagged as a conflict; otherwise it is stored.  Returns the status, or
 * -1 on a database error (the input's unit rolled back).
 */
struct tlsrpt;
int	 store_tls_report(struct store *, int64_t input_id,
	    const char *where, const struct tlsrpt *,
	    const uint8_t doc_sha[HASH_LEN]);
/*
 * The meaning of a TLS report as one SHA-256: its fields, policies and
 * failure details, blind to JSON white space, member order and the order
 * of policies, mx-host patterns and failure details.
 */
void	 store_tls_digest(const struct tlsrpt *, uint8_t out[HASH_LEN]);

/*
 * Stores one DMARC failure report (store_ruf.c) inside its input's unit
 * (a savepoint of its own), doc_sha the SHA-256 of its document.  A
 * report with the same key (reported domain, source IP, arrival date,
 * original Message-ID) and the same ARF fields and original headers is a
 * duplicate and nothing is written; the same key with other content is
 * stored and flagged as a conflict; otherwise it is stored.  Returns the
 * status, or -1 on a database error (the input's unit rolled back).
 */
struct ruf;
int	 store_ruf_report(struct store *, int64_t input_id,
	    const char *where, const struct ruf *,
	    const uint8_t doc_sha[HASH_LEN]);

/*
 * Reprocessing: calls fn for each input whose outcome is rejected (all ==
 * 0) or any outcome (all != 0), in ledger order, with a temporary file
 * descriptor holding the original bytes at offset 0.  fn returns 0 to go
 * on, -1 to stop.  Returns 0, or -1 on a database or I/O error.
 */
typedef int (*store_input_fn)(void *arg, int64_t input_id,
	    const char *source, int fd);
int	 store_foreach_input(struct store *, int all, store_input_fn fn,
	    void *arg);
/*
 * Removes the reports (DMARC and TLS) an input contributed, before it is parsed again
 * (a unit of its own outside an input).
 */
int	 store_input_clear(struct store *, int64_t input_id);

/*
 * The mail ledger: one row per distinct message (by the SHA-256 of its
 * bytes), its headers, outcome and the inputs (report parts) found in it.
 * Its report parts are kept as inputs; the message's own bytes only when
 * something in it was not read (ingest_message keeps them as an input).
 */

/* what the mail ledger knows about a message */
struct message_info {
	int64_t		 id;		/* message row id */
	enum outcome	 outcome;
};

/* the headers kept in the mail ledger; any may be NULL */
struct message_head {
	const char	*message_id;
	const char	*from;
	const char	*subject;
	int64_t		 date;		/* seconds since the epoch */
	int		 has_date;	/* date is set */
};

/*
 * Looks a message up by the SHA-256 of its bytes.  Returns 1 and fills
 * *info when known, 0 when new, -1 on a database error.
 */
int	 store_message_lookup(struct store *, const uint8_t sha[HASH_LEN],
	    struct message_info *info);
/*
 * Adds a message row (outcome pending), committed before returning
 * unless a batch is open.
 * head may be NULL (the headers could not be read).  Returns the row id,
 * or -1 on error.
 */
int64_t	 store_message_add(struct store *, const uint8_t sha[HASH_LEN],
	    const char *source, int64_t size, const struct message_head *head);
/* notes that a known message was offered again (last_seen, seen_count) */
int	 store_message_seen(struct store *, int64_t message_id);
/*
 * Links an input to the message it came in, at location ("part 2
 * 'x.zip'"); linking twice is harmless.  Returns 0 or -1.
 */
int	 store_message_link(struct store *, int64_t message_id,
	    int64_t input_id, const char *location);
/* 1 when input_id is linked to message_id, 0 when not, -1 on error */
int	 store_message_linked(struct store *, int64_t message_id,
	    int64_t input_id);
/*
 * Settles a message: outcome, reason (NULL when none; for not_report what
 * the message was) and the number of report parts found.
 */
int	 store_message_finish(struct store *, int64_t message_id,
	    enum outcome, const char *reason, size_t n_reports);

#endif

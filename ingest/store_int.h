/*
 * Inside the store (store*.c), not for its callers: the prepared
 * statements, the store's state, the binder that binds parameters left
 * to right, and the units of work every write goes through.  store.c owns
 * these; store_input.c (the input ledger and kept bytes), store_rua.c
 * (reports and records), store_tls.c (SMTP TLS reports, with statements
 * of its own) and store_mail.c (the mail ledger) use them.
 */
#ifndef DMARC_STORE_INT_H
#define DMARC_STORE_INT_H

#include <stdint.h>

#include <sqlite3.h>

#include "canon.h"
#include "store.h"

/* bytes per input_chunk row and per read or write of original bytes */
#define STORE_CHUNK	((size_t)1 << 20)


enum st {
	ST_BEGIN,
	ST_COMMIT,
	ST_ROLLBACK,
	ST_SAVEPOINT,
	ST_RELEASE,
	ST_ROLLBACK_TO,
	ST_UNIT_SAVEPOINT,
	ST_UNIT_RELEASE,
	ST_UNIT_ROLLBACK_TO,
	ST_REPORTS_SAVEPOINT,
	ST_REPORTS_RELEASE,
	ST_REPORTS_ROLLBACK_TO,
	ST_INPUT_LOOKUP,
	ST_INPUT_ADD,
	ST_INPUT_SIZE,
	ST_CHUNK_ADD,
	ST_INPUT_SEEN,
	ST_INPUT_FINISH,
	ST_INPUT_RESET,
	ST_INPUT_IDS,
	ST_INPUT_GET,
	ST_CHUNKS,
	ST_WARN_CLEAR,
	ST_WARN_CLEAR_ALL,
	ST_WARN_ADD,
	ST_REPORT_ADD,
	ST_REPORT_MATCH,
	ST_REPORT_FINISH,
	ST_REPORT_PROMOTE,
	ST_REPORTS_CLEAR,
	ST_ERROR_ADD,
	ST_RECORD_ADD,
	ST_REASON_ADD,
	ST_DKIM_ADD,
	ST_SPF_ADD,
	ST_MSG_LOOKUP,
	ST_MSG_ADD,
	ST_MSG_SEEN,
	ST_MSG_LINK,
	ST_MSG_LINKED,
	ST_MSG_FINISH,
	ST__COUNT
};


struct store {
	sqlite3		*db;
	sqlite3_stmt	*st[ST__COUNT];
	int64_t		 report;	/* row id of the open report, 0: none */
	int		 in_tx;		/* the IMMEDIATE transaction is open */
	int		 in_unit;	/* a unit's savepoint is open in it */
	int		 in_input;	/* that unit is store_input_begin()'s:
					   reports are savepoints in it */
	int		 in_reports;	/* the input's reports savepoint is
					   open (store_input_reports()) */
	int		 batching;	/* store_batch(): settled units wait in
					   the transaction for store_commit() */
	int		 settled;	/* settled units are waiting */
	int		 lost;		/* a rollback took waiting units too */
	int64_t		 input;		/* its input's row id */
	int64_t		 seq;		/* next record seq in the report */
	struct canon	 canon;		/* the open report's records folded */
	struct store_tls *tls;		/* store_tls.c's statements, prepared
					   on first use; NULL before */
	struct store_ruf *ruf;		/* store_ruf.c's, the same way */
	char		 err[512];	/* last error, as it happened */
	int		 errcode;	/* SQLite's primary code for it */
	struct keepbufs	*keep;		/* store_input.c's buffers and deflate
					   state, kept from input to input;
					   NULL until the first */
};


/* binds parameters left to right, keeping the first failure */
struct binder {
	sqlite3_stmt	*st;
	int		 i;		/* last parameter bound */
	int		 rc;		/* first failing sqlite3_bind_* code */
};


/* frees s->keep (store_close); NULL-safe */
void	 store_keep_free(struct keepbufs *);
/* sets s->err to "what: SQLite's message"; returns -1 */
int	 store_seterr(struct store *, const char *what);
/* statement which, prepared on first use; NULL with s->err set */
sqlite3_stmt *store_stmt(struct store *, enum st which);
/*
 * Prepares the n statements sql[] into st[] (persistent: they live as
 * long as the store).  0, or -1 with s->err set and none left prepared.
 * Every statement set of the store (store.c's, store_tls.c's,
 * store_ruf.c's) is prepared and finalized through these two.
 */
int	 store_prepare_all(struct store *, const char *const *sql, size_t n,
	    sqlite3_stmt **st);
/* finalizes st[0..n) and sets them NULL; NULL entries are fine */
void	 store_finalize_all(sqlite3_stmt **st, size_t n);
/* starts binding a statement of another set (store_tls.c, store_ruf.c) */
void	 binder_use(struct binder *, sqlite3_stmt *);
/* starts binding statement which; returns it */
sqlite3_stmt *binder_start(struct binder *, struct store *, enum st which);
/* binds text (NULL binds SQL NULL), an integer, NULL, or a word as its
   normalised form and its raw text (two parameters) */
void	 binder_text(struct binder *, const char *);
void	 binder_int(struct binder *, int64_t);
void	 binder_null(struct binder *);
void	 binder_word(struct binder *, const struct word *);
/*
 * Binds text as a person reads it in the ledger views: as escape_term()
 * shows it (controls and invisible code points as \xNN; NULL binds
 * NULL).  Returns 1 when that differs from the text, 0 when not.
 */
int	 binder_visible(struct binder *, const char *);
/*
 * Steps a bound statement that returns no rows and resets it.  Returns 0,
 * or -1 with the error text in s->err.
 */
int	 binder_run(struct store *, struct binder *, const char *what);
/* runs a statement without parameters, or with one id */
int	 store_run(struct store *, enum st which, const char *what);
int	 store_run_id(struct store *, enum st which, int64_t id,
	    const char *what);
/*
 * Units of work (see store.h): store_unit_begin() opens a savepoint (and
 * the transaction unless a batch holds it open; nothing inside an input),
 * store_unit_commit() settles it (committed at once unless batching;
 * -1 after rolling back), store_unit_abort() takes the open unit back,
 * and only it.
 */
int	 store_unit_begin(struct store *, const char *what);
int	 store_unit_commit(struct store *, const char *what);
void	 store_unit_abort(struct store *);
/* steps an UPDATE of row id (bound last) of noun ("input") that must
   change one row */
int	 store_update_one(struct store *, struct binder *, int64_t id,
	    const char *what, const char *noun);
/* notes that row id was offered again (which: ST_INPUT_SEEN, ST_MSG_SEEN:
   last_seen = now, seen_count + 1) */
int	 store_seen(struct store *, enum st which, int64_t id,
	    const char *noun);
/* store_tls.c: finalizes its statements (store_close); NULL-safe */
void	 store_tls_close(struct store *);
/* store_tls.c: deletes the TLS reports of an input (store_input_clear) */
int	 store_tls_clear(struct store *, int64_t input_id);
/* store_ruf.c: the same for the failure reports */
void	 store_ruf_close(struct store *);
int	 store_ruf_clear(struct store *, int64_t input_id);
/* inserts the non-zero warning counts of d; report_id 0: the input's */
int	 store_warnings_add(struct store *, int64_t input_id,
	    int64_t report_id, const struct diag *);
/* the ledger word ("stored") as an outcome; 0, or -1 when unknown */
int	 store_outcome_parse(const char *, enum outcome *);
/*
 * Looks a row of the input or message ledger up by SHA-256 with
 * statement which ("SELECT id, outcome ... WHERE sha256 = ?"); noun names
 * it in messages.  Returns 1 with *id and *o set, 0 when unknown, -1 on
 * an error.
 */
int	 store_find_sha(struct store *, enum st which,
	    const uint8_t sha[HASH_LEN], const char *noun, int64_t *id,
	    enum outcome *o);

#endif

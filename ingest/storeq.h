/*
 * The hand-over between the parser and the store.  Parsing (libxml2,
 * inflate, hashing) and storing (alignment, SQLite) take about the same
 * time for a big report, so they run on two threads: the parser pushes
 * each complete record into a small bounded queue and goes on, a worker
 * thread takes records off it and stores them.  Memory stays bounded by
 * the queue length, whatever the report size.
 */
#ifndef DMARC_STOREQ_H
#define DMARC_STOREQ_H

#include "rua.h"

/* records waiting between parser and store at most */
#define STOREQ_LEN	256

struct storeq;

/*
 * Runs in the worker thread for each record, in push order; rec is
 * released by the queue afterwards.  Returns 0, or -1 to fail: the
 * records after it are then dropped unhandled until storeq_sync().
 */
typedef int (*storeq_fn)(void *arg, struct record *rec);

/* starts the worker; fn(arg, rec) handles each record */
struct storeq *storeq_new(storeq_fn fn, void *arg);
/* stops and joins the worker (queued records are dropped); NULL is fine */
void	 storeq_free(struct storeq *);
/*
 * Moves the contents of *rec into the queue, leaving rec empty, and
 * blocks while the queue is full.  Returns 0, or -1 when a handler failed
 * since the last sync (nothing is queued then: stop pushing).
 */
int	 storeq_push(struct storeq *, struct record *rec);
/*
 * Waits until every pushed record is handled.  Returns 0, or -1 if a
 * handler failed since the last sync; either way the queue is empty and
 * ready for the next report afterwards.
 */
int	 storeq_sync(struct storeq *);

#endif

/*
 * Bounded single-producer single-consumer record queue with its worker
 * thread.  The worker takes everything queued in one go, so the lock is
 * taken once per batch rather than once per record, and each side wakes
 * the other only when it is asleep and there is enough to do: a futex
 * call per record would cost more than storing it.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "storeq.h"
#include "xalloc.h"

/* records queued before a sleeping worker is woken */
#define STOREQ_WAKE	64

struct storeq {
	pthread_mutex_t	 lock;
	pthread_cond_t	 more;		/* records queued, or stop */
	pthread_cond_t	 room;		/* space freed, or worker idle */
	struct record	 ring[STOREQ_LEN];
	size_t		 head;		/* next to take */
	size_t		 n;		/* queued */
	int		 busy;		/* worker is handling a batch */
	int		 worker_asleep;	/* waiting on more */
	int		 producer_asleep; /* waiting on room */
	int		 failed;	/* a handler failed since the sync */
	int		 stop;
	storeq_fn	 fn;
	void		*arg;
	pthread_t	 thread;
	struct record	 batch[STOREQ_LEN]; /* the worker's own copy */
};

/* handles one batch outside the lock */
static void
run_batch(struct storeq *q, size_t n, int failed)
{
	for (size_t i = 0; i < n; i++) {
		if (!failed && q->fn(q->arg, &q->batch[i]) == -1)
			failed = 1;
		record_release(&q->batch[i]);
	}
	pthread_mutex_lock(&q->lock);
	if (failed)
		q->failed = 1;
	q->busy = 0;
	if (q->producer_asleep)
		pthread_cond_signal(&q->room);
	pthread_mutex_unlock(&q->lock);
}

static void *
worker(void *v)
{
	struct storeq *q = v;
	size_t n, k;
	int failed;

	for (;;) {
		pthread_mutex_lock(&q->lock);
		while (q->n == 0 && !q->stop) {
			q->worker_asleep = 1;
			pthread_cond_wait(&q->more, &q->lock);
			q->worker_asleep = 0;
		}
		if (q->n == 0 && q->stop) {
			pthread_mutex_unlock(&q->lock);
			return NULL;
		}
		for (n = 0; q->n > 0; n++, q->n--) {
			k = q->head;
			q->batch[n] = q->ring[k];
			q->head = (k + 1) % STOREQ_LEN;
		}
		q->busy = 1;
		failed = q->failed;
		if (q->producer_asleep)
			pthread_cond_signal(&q->room);
		pthread_mutex_unlock(&q->lock);
		run_batch(q, n, failed);
	}
}

struct storeq *
storeq_new(storeq_fn fn, void *arg)
{
	struct storeq *q = xcalloc(1, sizeof(*q));

	q->fn = fn;
	q->arg = arg;
	if (pthread_mutex_init(&q->lock, NULL) != 0 ||
	    pthread_cond_init(&q->more, NULL) != 0 ||
	    pthread_cond_init(&q->room, NULL) != 0 ||
	    pthread_create(&q->thread, NULL, worker, q) != 0)
		abort();	/* no thread resources: a system failure */
	return q;
}

void
storeq_free(struct storeq *q)
{
	if (q == NULL)
		return;
	pthread_mutex_lock(&q->lock);
	q->stop = 1;
	q->failed = 1;	/* drop what is still queued */
	pthread_cond_signal(&q->more);
	pthread_mutex_unlock(&q->lock);
	pthread_join(q->thread, NULL);
	pthread_mutex_destroy(&q->lock);
	pthread_cond_destroy(&q->more);
	pthread_cond_destroy(&q->room);
	free(q);
}

int
storeq_push(struct storeq *q, struct record *rec)
{
	int rc = -1;

	pthread_mutex_lock(&q->lock);
	while (q->n == STOREQ_LEN && !q->failed) {
		q->producer_asleep = 1;
		pthread_cond_wait(&q->room, &q->lock);
		q->producer_asleep = 0;
	}
	if (!q->failed) {
		q->ring[(q->head + q->n) % STOREQ_LEN] = *rec;
		q->n++;
		record_init(rec);
		if (q->worker_asleep && q->n >= STOREQ_WAKE)
			pthread_cond_signal(&q->more);
		rc = 0;
	}
	pthread_mutex_unlock(&q->lock);
	return rc;
}

int
storeq_sync(struct storeq *q)
{
	int failed;

	pthread_mutex_lock(&q->lock);
	while (q->n > 0 || q->busy) {
		if (q->worker_asleep)
			pthread_cond_signal(&q->more);
		q->producer_asleep = 1;
		pthread_cond_wait(&q->room, &q->lock);
		q->producer_asleep = 0;
	}
	failed = q->failed;
	q->failed = 0;
	pthread_mutex_unlock(&q->lock);
	return failed ? -1 : 0;
}

/*
 * The DMARC aggregate report row of the document kinds (dockind.h): one
 * XML document through the report grammar (rua_parse.c), each record
 * aligned (align.c) and stored (store_rua.c) as it comes, the first
 * DIRECT_RECORDS on the parser's thread and the rest through the store
 * thread (storeq.c), then the report settled in the store.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "align.h"
#include "dockind.h"
#include "ingest_int.h"
#include "rua_parse.h"
#include "storeq.h"

/*
 * Records of a report stored on the parser's own thread before the rest
 * goes through the store thread: small reports, the vast majority, never
 * pay for a thread.
 */
#define DIRECT_RECORDS	1000

/* one report on its way from the parser to the store */
struct rua_doc {
	struct doc	*doc;
	struct store	*store;
	int		 began;		/* the store has the report open */
	int		 store_failed;
	const struct policy *policy;	/* the report's, for the store thread */
	size_t		 n_direct;	/* records stored on this thread */
	struct storeq	*q;		/* the store thread, once started */
	struct diag	 dq;		/* warnings counted by the store thread */
};

static int
on_begin(void *arg, const struct report *rep)
{
	struct rua_doc *rd = arg;

	if (store_report_begin(rd->store, rd->doc->input_id, rd->doc->where,
	    rep) == -1) {
		rd->store_failed = 1;
		return -1;
	}
	rd->began = 1;
	return 0;
}

/* aligns and stores one record; d is the calling thread's own */
static int
store_one(struct rua_doc *rd, const struct policy *pol, struct record *rec,
    struct diag *d)
{
	align_record(pol, rec);
	if (rec->receiver_pass != -1 && rec->receiver_pass != rec->dmarc_pass)
		diag_warn(d, DIAG_ALIGN_DISAGREES);
	return store_record(rd->store, rec);
}

/*
 * The store thread's handler.  The policy it aligns against is complete
 * before the first record and never changes after (rua_parse.h), so
 * reading it here while the parser goes on is safe.
 */
static int
store_queued(void *arg, struct record *rec)
{
	struct rua_doc *rd = arg;

	return store_one(rd, rd->policy, rec, &rd->dq);
}

static int
on_record(void *arg, const struct report *rep, struct record *rec)
{
	struct rua_doc *rd = arg;

	if (rd->q == NULL && rd->n_direct < DIRECT_RECORDS) {
		rd->n_direct++;
		if (store_one(rd, &rep->policy, rec, &rd->doc->d) == 0)
			return 0;
		rd->store_failed = 1;
		return -1;
	}
	if (rd->q == NULL) {
		rd->policy = &rep->policy;
		rd->q = storeq_new(store_queued, rd);
	}
	if (storeq_push(rd->q, rec) == -1) {
		rd->store_failed = 1;
		return -1;
	}
	return 0;
}

/* waits for the store thread to finish the report's records and ends it */
static void
rua_drain(struct rua_doc *rd)
{
	if (rd->q == NULL)
		return;
	if (storeq_sync(rd->q) == -1)
		rd->store_failed = 1;
	storeq_free(rd->q);
	rd->q = NULL;
	diag_merge(&rd->doc->d, &rd->dq);
}

/* settles one parsed report in the store */
static void
rua_settle(struct rua_doc *rd, struct report *rep, struct doc_result *r)
{
	uint8_t sha[HASH_LEN];
	int st;

	doc_finish(rd->doc, sha);
	st = store_report_end(rd->store, rep, sha, &rd->doc->d);
	switch (st) {
	case REPORT_STORED:
		r->status = DOC_STORED;
		r->records = rep->n_records;
		r->messages = (uint64_t)rep->messages;
		break;
	case REPORT_DUPLICATE:
		r->status = DOC_DUPLICATE;
		break;
	case REPORT_CONFLICT:
		r->status = DOC_CONFLICT;
		r->records = rep->n_records;
		break;
	default:
		r->status = DOC_FAILED;
		r->why = store_errmsg(rd->store);
		break;
	}
}

static const struct parse_handler handler = { on_begin, on_record };

void
rua_ingest(struct doc *doc, struct doc_result *r)
{
	struct rua_doc rd;
	struct report rep;
	int rc;

	memset(&rd, 0, sizeof(rd));
	rd.doc = doc;
	rd.store = doc->ing->store;
	diag_init(&rd.dq);
	report_init(&rep);
	rc = parse_report(doc_read, doc, &handler, &rd, &rep, &doc->d);
	rua_drain(&rd);
	if (rc == 0 && rd.store_failed) {
		/* the store thread failed after the last record was queued */
		store_report_abort(rd.store);
		r->status = DOC_FAILED;
		r->why = store_errmsg(rd.store);
	} else if (rc == 0) {
		if (!rd.began && on_begin(&rd, &rep) == -1)
			r->status = DOC_FAILED;	/* why: none said */
		else
			rua_settle(&rd, &rep, r);
	} else {
		store_report_abort(rd.store);
		r->status = rd.store_failed ? DOC_FAILED : DOC_REJECTED;
		if (rd.store_failed)
			r->why = store_errmsg(rd.store);
		else if (stream_error(doc->in)[0] != '\0')
			r->why = stream_error(doc->in);
		else
			r->why = doc->d.error;
	}
	report_release(&rep);
}

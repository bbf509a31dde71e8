/*
 * The DMARC failure report row of the document kinds (dockind.h): the
 * document mail_ruf.c built through the failure report parser
 * (ruf_parse.c, bounded by the MAX_RUF_* limits), then stored
 * (store_ruf.c).  An original body in a document kept by a run with
 * --keep-failure-bodies is dropped again when this run does not keep
 * them (--reprocess).
 */
#include <stdint.h>
#include <stdlib.h>

#include "dockind.h"
#include "ingest_int.h"
#include "mail.h"
#include "ruf.h"

void
ruf_ingest(struct doc *doc, struct doc_result *r)
{
	struct ruf rep;
	uint8_t sha[HASH_LEN];
	int st;

	mail_init();
	if (ruf_parse(doc_read, doc, &rep, &doc->d) == -1) {
		r->status = DOC_REJECTED;
		r->why = doc->d.error;
		return;
	}
	doc_finish(doc, sha);
	if (!doc->ing->keep_failure_bodies) {
		free(rep.orig_body);
		rep.orig_body = NULL;
	}
	st = store_ruf_report(doc->ing->store, doc->input_id, doc->where,
	    &rep, sha);
	switch (st) {
	case REPORT_STORED:
		r->status = DOC_STORED;
		r->records = 1;
		break;
	case REPORT_DUPLICATE:
		r->status = DOC_DUPLICATE;
		break;
	case REPORT_CONFLICT:
		r->status = DOC_CONFLICT;
		r->records = 1;
		break;
	default:
		r->status = DOC_FAILED;
		r->why = store_errmsg(doc->ing->store);
		break;
	}
	ruf_release(&rep);
}

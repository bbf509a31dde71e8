/*
 * The SMTP TLS report row of the document kinds (dockind.h): one JSON
 * document through the TLS report parser (tlsrpt_parse.c, bounded by
 * the MAX_TLSRPT_* limits), then stored whole (store_tls.c).  A report
 * is kilobytes: no store thread, no streaming of policies.
 */
#include <stdint.h>
#include <string.h>

#include "dockind.h"
#include "ingest_int.h"
#include "tlsrpt.h"

void
tls_ingest(struct doc *doc, struct doc_result *r)
{
	struct tlsrpt rep;
	uint8_t sha[HASH_LEN];
	int st;

	if (tlsrpt_parse(doc_read, doc, &rep, &doc->d) == -1) {
		r->status = DOC_REJECTED;
		/* a broken gzip says so better than "cannot be read" */
		r->why = stream_error(doc->in)[0] != '\0' ?
		    stream_error(doc->in) : doc->d.error;
		return;
	}
	doc_finish(doc, sha);
	st = store_tls_report(doc->ing->store, doc->input_id, doc->where,
	    &rep, sha);
	switch (st) {
	case REPORT_STORED:
		r->status = DOC_STORED;
		r->records = rep.n_policies;
		break;
	case REPORT_DUPLICATE:
		r->status = DOC_DUPLICATE;
		break;
	case REPORT_CONFLICT:
		r->status = DOC_CONFLICT;
		r->records = rep.n_policies;
		break;
	default:
		r->status = DOC_FAILED;
		r->why = store_errmsg(doc->ing->store);
		break;
	}
	tlsrpt_release(&rep);
}

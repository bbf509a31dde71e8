/*
 * The DMARC aggregate report grammar: an XML document in, a report and a
 * stream of records out.  libxml2's xmlTextReader pulls bytes through a
 * read callback, so a report of any size is parsed in constant memory;
 * each record is handed to the caller as soon as it is complete and
 * forgotten afterwards.  The parser does no file, network or database
 * I/O.
 */
#ifndef DMARC_RUA_PARSE_H
#define DMARC_RUA_PARSE_H

#include "diag.h"
#include "docread.h"
#include "rua.h"

struct parse_handler {
	/*
	 * Called once, when report_metadata and policy_published are complete:
	 * at the first <record>, or at </feedback> when there is none.  The
	 * report's errors and counters may still grow afterwards.
	 */
	int	(*begin)(void *arg, const struct report *);
	/*
	 * Called for each complete record; the parser releases rec when the
	 * handler returns.  Alignment is not yet computed.
	 */
	int	(*record)(void *arg, const struct report *, struct record *rec);
	/* both return 0 to go on, -1 to stop parsing (the parse then fails) */
};

/*
 * Parses one aggregate report from read(ctx).  On success returns 0 and
 * *rep holds the whole report (caller releases it with report_release).
 * Returns -1 when the document is rejected: not well-formed, a DOCTYPE or
 * entity, wrong root, a required key field missing, a limit passed, or a
 * handler stopped; d->error says why and names the line of the element
 * it is about (exact up to line 65534, libxml2's limit for node lines),
 * or where the document ends when it ends before its root element
 * closes ("truncated: the document ends inside <x>").  Tolerated quirks
 * are counted in d as warnings.
 */
int	parse_report(parse_read_fn read, void *ctx,
	    const struct parse_handler *h, void *arg,
	    struct report *rep, struct diag *d);

#endif

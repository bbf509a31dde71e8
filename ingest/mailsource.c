/*
 * The mailbox sources' rule for after ingest_message() (mailsource.h):
 * a message is marked only once its reports are committed.
 */
#include "mailsource.h"

enum mailsource_mark
mailsource_after(int rc, enum outcome oc)
{
	if (rc == -1 || oc == OUTCOME_PENDING)
		return MAILSOURCE_LEAVE;
	return oc == OUTCOME_REJECTED ? MAILSOURCE_DONE_REJECTED :
	    MAILSOURCE_DONE;
}

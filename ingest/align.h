/*
 * DMARC identifier alignment (RFC 7489 section 3.1, RFC 9989): is the
 * DKIM d= or the SPF MAIL FROM domain aligned with header_from under the
 * published adkim/aspf?  Relaxed means the same organizational domain,
 * strict the same name (lib/orgdomain.h compares the names).
 */
#ifndef DMARC_ALIGN_H
#define DMARC_ALIGN_H

#include "rua.h"

/*
 * Sets rec->dkim_aligned (a DKIM result "pass" for an aligned d=),
 * rec->spf_aligned (an SPF result "pass" with scope mfrom or absent, for
 * an aligned domain), rec->dmarc_pass (either) and rec->receiver_pass
 * (from policy_evaluated).  adkim/aspf default to relaxed when absent.
 * A record without header_from aligns with nothing.
 */
void	align_record(const struct policy *, struct record *);

#endif

/*
 * DMARC identifier alignment (RFC 7489 section 3.1, RFC 9989): is the
 * DKIM d= or the SPF MAIL FROM domain aligned with header_from under the
 * published adkim/aspf?  Relaxed means the same organizational domain,
 * found with libpsl; strict means the same name.
 */
#ifndef DMARC_ALIGN_H
#define DMARC_ALIGN_H

#include "model.h"

/*
 * Sets rec->dkim_aligned (a DKIM result "pass" for an aligned d=),
 * rec->spf_aligned (an SPF result "pass" with scope mfrom or absent, for
 * an aligned domain), rec->dmarc_pass (either) and rec->receiver_pass
 * (from policy_evaluated).  adkim/aspf default to relaxed when absent.
 * A record without header_from aligns with nothing.
 */
void	align_record(const struct policy *, struct record *);

/*
 * 1 if a and b are aligned: equal (case-insensitively) when strict, the
 * same organizational domain when relaxed; 0 otherwise or when either is
 * NULL or empty.
 */
int	align_domains(const char *a, const char *b, int strict);

/*
 * The organizational domain of name (libpsl registrable domain, or name
 * itself when it is a public suffix or unknown): borrowed pointer into
 * name, never NULL.
 */
const char *align_org_domain(const char *name);

#endif

/*
 * Sender classification: which well-known sending service a source is
 * (Google Workspace, SendGrid, Amazon SES ...), from its reverse DNS name,
 * the d= of the DKIM signatures that passed, and the domains SPF passed
 * for.  The table is report/services.txt, built into the program
 * (classify_builtin) and installed as share/dmarc-rua/services.txt; a
 * user's own file (--services FILE) is loaded first so its lines win.
 * Used by the digest (digest.h); sources and readiness call
 * classify_source() to show the service beside each source.
 *
 * File format, one entry per line, fields separated by blanks:
 *
 *	# a comment (a line whose first non-blank byte is '#')
 *	ptr   .outbound.protection.outlook.com  Microsoft 365
 *	dkim  sendgrid.net                      SendGrid
 *	spf   amazonses.com                     Amazon SES
 *
 * KIND is "ptr" (the reverse DNS name), "dkim" (d= of a passing DKIM
 * signature) or "spf" (the domain SPF passed for: the MAIL FROM, where a
 * service's include: hint shows up).  DOMAIN matches as in senders.h:
 * "name" is the name and every name below it, ".name" only names below.
 * NAME is the rest of the line, required.  Blank lines are ignored, a
 * trailing CR dropped.  Parsing is strict: an unknown kind, a malformed
 * domain, a missing name, a NUL byte, invalid UTF-8 or a control
 * character is an error naming the file and line.  Matching is pure (no
 * DNS); the first matching entry in load order wins.
 */
#ifndef DMARC_CLASSIFY_H
#define DMARC_CLASSIFY_H

#include <stddef.h>

#include "limits.h"
#include "model.h"

enum service_kind {
	SERVICE_PTR,
	SERVICE_DKIM,
	SERVICE_SPF,
};

struct service {
	enum service_kind kind;
	char		*domain;	/* lower case, no dots at the ends;
					   owned */
	int		 below_only;	/* written ".name" */
	char		*name;		/* the service, owned */
	char		*file;		/* owned: where it was read */
	size_t		 line;		/* line number, from 1 */
};

struct classify {
	struct service	*v;
	size_t		 n;
	size_t		 cap;
};

void	classify_init(struct classify *);
/* frees every entry; safe on an initialised or zeroed struct */
void	classify_release(struct classify *);

/*
 * Parses text[0..len) (need not be NUL-terminated) and appends its
 * entries.  file names the input in messages.  Returns 0, or -1 with
 * "FILE:LINE: error: what went wrong: 'detail'" in err (entries before
 * the bad line stay; release c).
 */
int	classify_parse(struct classify *, const char *text, size_t len,
	    const char *file, char *err, size_t errlen);
/* reads path (at most MAX_SERVICES_BYTES) and parses it; 0 or -1 */
int	classify_load(struct classify *, const char *path, char *err,
	    size_t errlen);
/* appends the built-in table (report/services.txt); 0 or -1 */
int	classify_builtin(struct classify *, char *err, size_t errlen);

/* the built-in table's text, embedded at build time */
extern const char	classify_builtin_text[];
extern const size_t	classify_builtin_len;

/*
 * The first entry of kind matching name (NULL if none or name is NULL).
 * Borrowed from c.
 */
const struct service *classify_match(const struct classify *,
	    enum service_kind, const char *name);

/*
 * The service a source is: its ptr (model.h: filled by sources_resolve)
 * against the ptr entries, then each DKIM d= whose result is "pass"
 * against the dkim entries, then each SPF domain whose result is "pass"
 * against the spf entries; the first hit by that order wins.  Returns
 * the service's name (borrowed from c) or NULL when nothing matches.
 * c may be NULL (then NULL).
 */
const char *classify_source(const struct classify *,
	    const struct msource *);

/* "ptr" "dkim" "spf" */
const char *service_kind_name(enum service_kind);

#endif

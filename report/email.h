/*
 * The digest as a complete RFC 5322 message for `sendmail -t`
 * (--format email): headers From, To, Subject, Date, Message-ID,
 * MIME-Version, Auto-Submitted, and a multipart/alternative body with the
 * text digest (text/plain, UTF-8, quoted-printable) and the HTML digest
 * (text/html, UTF-8, base64: byte for byte the --format html output).
 * Body lines are at most 76 characters; a Subject with non-ASCII text is
 * written as RFC 2047 encoded words.  Lines end in LF, the local
 * convention of a sendmail pipe (the MTA writes CRLF on the wire).
 * Message-ID and boundary derive from a SHA-256 of the content and the
 * time, so a run is reproducible with --now.
 */
#ifndef DMARC_EMAIL_H
#define DMARC_EMAIL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "digest.h"

/* recipients of one digest (To: addresses) */
#define MAX_EMAIL_TO		64
/* bytes of one address or of the subject as given */
#define MAX_EMAIL_HEADER	900

struct email_opts {
	const char	*from;		/* required */
	const char *const *to;		/* required, n_to >= 1 */
	size_t		 n_to;
	const char	*subject;	/* NULL: digest_subject() */
};

/*
 * Checks one address as given to --from or --to: printable ASCII (no
 * control character, so no header injection), at most MAX_EMAIL_HEADER
 * bytes, with an '@'; "Name <user@host>" is fine.  Returns 0, or -1 with
 * a message in err.
 */
int	email_check_address(const char *addr, char *err, size_t errlen);

/*
 * Writes the message to f.  Returns 0, or -1 with a message in err (a
 * bad or missing address, a write error).
 */
int	digest_render_email(FILE *f, const struct digest *,
	    const struct email_opts *, char *err, size_t errlen);

/* exposed for tests: the encoders, appending to f */
void	email_qp(FILE *f, const char *p, size_t n);
void	email_base64(FILE *f, const unsigned char *p, size_t n);
/* "Subject: ..." with RFC 2047 words when s is not printable ASCII */
void	email_subject(FILE *f, const char *s);

#endif

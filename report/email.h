/*
 * The digest as a complete RFC 5322 message for `sendmail -t`
 * (--format email): headers From, To, Subject, Date, Message-ID,
 * MIME-Version, Auto-Submitted, and a multipart/alternative body with the
 * text digest (text/plain, UTF-8, quoted-printable) and the HTML digest
 * (text/html, UTF-8, base64: byte for byte the --format html output).
 * Body lines are at most 76 characters; a Subject or display name with
 * non-ASCII text is written as RFC 2047 encoded words.  Without a From,
 * dmarc-report@ the host's FQDN; without a To, the invoking user's login
 * name (email_default_from/to).  Lines end in LF, the local
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
#include "limits.h"

struct email_opts {
	const char	*from;		/* NULL: email_default_from() */
	const char *const *to;		/* n_to 0: email_default_to() */
	size_t		 n_to;
	const char	*subject;	/* NULL: digest_subject() */
};

/* one address as given to --from or --to, parsed */
struct email_addr {
	char		 name[MAX_EMAIL_HEADER + 1]; /* display name, UTF-8,
					   unquoted; "" if none */
	char		 spec[MAX_EMAIL_HEADER + 1]; /* user@host, ASCII */
};

/*
 * Parses "user@host", "Name <user@host>" or "\"Name\" <user@host>": at
 * most MAX_EMAIL_HEADER bytes of valid UTF-8 without any control
 * character (CR, LF, TAB...: no header injection); the addr-spec is
 * ASCII atext and dots with one '@' and something on both sides; only
 * the display name may be non-ASCII.  Returns 0, or -1 with a message
 * in err.
 */
int	email_parse_address(const char *addr, struct email_addr *,
	    char *err, size_t errlen);
/* email_parse_address() without keeping the result */
int	email_check_address(const char *addr, char *err, size_t errlen);
/*
 * Writes " Name <user@host>" (or " user@host") after a header name
 * that ends at column col: a non-ASCII name as RFC 2047 encoded words, a
 * name with specials as a quoted-string; folds before '<' past column
 * 78.
 */
void	email_address(FILE *f, const struct email_addr *, size_t col);
/*
 * The defaults: From "dmarc-report@" the fully qualified host name;
 * To the login name of the invoking user, unqualified (the MTA qualifies
 * it, as for cron mail).  Return 0, or -1 when there is none usable.
 */
int	email_default_from(char *out, size_t outlen);
int	email_default_to(char *out, size_t outlen);

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

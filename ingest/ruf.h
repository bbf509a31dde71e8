/*
 * The DMARC failure report (ruf: RFC 9991, in the Abuse Reporting Format
 * of RFC 5965 with the auth-failure fields of RFC 6591) as its parser
 * hands it to the store.  The document is the one mail.c builds from a
 * message: an optional first line RUF_DOC_MAGIC, then a MIME entity
 * multipart/report holding the message/feedback-report part and the
 * original message's headers (text/rfc822-headers), or, with
 * --keep-failure-bodies, the original message (message/rfc822).  All
 * strings are clean UTF-8 without NUL or control bytes (tab aside),
 * owned by the struct, NULL when the field was absent.
 */
#ifndef DMARC_RUF_H
#define DMARC_RUF_H

#include <stddef.h>
#include <stdint.h>

#include "diag.h"
#include "docread.h"

/*
 * The first line of a failure report document as mail.c writes it: not
 * a header field, so --reprocess does not take the kept document for an
 * e-mail message, and sniff.c knows it by it.
 */
#define RUF_DOC_MAGIC		"%dmarc-rua failure report 1\n"
#define RUF_DOC_MAGIC_LEN	(sizeof(RUF_DOC_MAGIC) - 1)

/* one field as received, folded lines joined */
struct ruf_field {
	char		*name;		/* as written: "Reported-Domain" */
	char		*value;		/* trimmed */
};

struct ruf {
	/* the ARF part (RFC 5965 3.1, RFC 6591 3.1): every field in order */
	struct ruf_field *fields;
	size_t		 n_fields;
	/* the key fields, copies of the first of each name (NULL: absent) */
	char		*feedback_type;	/* lower case: "auth-failure" */
	char		*user_agent;
	char		*version;
	char		*arrival_raw;	/* Arrival-Date (Received-Date) */
	int64_t		 arrival;	/* epoch seconds, if has_arrival */
	int		 has_arrival;
	char		*source_ip_raw;
	char		*source_ip;	/* canonical, NULL when not an IP */
	char		*reported_domain; /* lower case */
	char		*original_mail_from;
	char		*original_rcpt_to;	/* every one, ", " between */
	char		*auth_failure;		/* every one, ", " between */
	char		*authentication_results;
	char		*identity_alignment;	/* RFC 9991 */
	char		*delivery_result;	/* lower case */
	char		*dkim_domain;
	char		*dkim_selector;
	char		*spf_dns;
	/* the original message */
	char		*orig_headers;	/* "Name: value\n" each, unfolded */
	size_t		 n_orig_headers;
	char		*orig_message_id;	/* without <> */
	char		*orig_from;	/* RFC 2047 decoded */
	char		*orig_subject;	/* RFC 2047 decoded */
	int64_t		 orig_date;
	int		 has_orig_date;
	char		*orig_body;	/* only when the document holds it */
};

/*
 * Parses one failure report document from read(ctx), at most
 * MAX_RUF_BYTES.  Returns 0 with rep filled (release with ruf_release),
 * or -1 with d->error saying why: too large, not MIME, no
 * message/feedback-report part, a Feedback-Type other than auth-failure.
 * Malformed ARF (lines that are no field, a wrong container, a missing
 * required field, no original headers, fields past MAX_RUF_FIELDS or
 * MAX_RUF_HEADERS, bad bytes) is counted in d as named warnings.
 * mail_init() (GMime) must have been called.
 */
int	ruf_parse(parse_read_fn read, void *ctx, struct ruf *rep,
	    struct diag *d);
void	ruf_release(struct ruf *);

#endif

/*
 * The MIME layer of dmarc-ingest: one e-mail message in, its candidate
 * report parts out.  GMime 3 parses the message (RFC 5322, MIME, RFC 2047
 * and 2231, broken real-world headers); this module walks the tree at any
 * depth (multipart, forwarded message/rfc822, a report that is the whole
 * body), decodes each leaf part (base64, quoted-printable, binary) and
 * decides by its first decoded bytes whether it may be a report (gzip,
 * zip, XML whose root is <feedback>, or the JSON of an SMTP TLS report
 * in an application/tlsrpt+json or .json part), using the MIME type and
 * file name only as hints; a multipart whose message/feedback-report part
 * says auth-failure is a DMARC failure report, handed on as one document
 * (mail_ruf.h); a TNEF part (winmail.dat) is passed on too, to
 * be kept and refused with its reason.  A message without such a part is
 * classified: by its message/feedback-report part's Feedback-Type
 * ("DMARC failure report", "abuse report"), else by its report type or
 * part types ("read receipt", "delivery status notification", ...),
 * else by its Subject ("DMARC failure report?").  Nothing here touches
 * the database.
 */
#ifndef DMARC_MAIL_H
#define DMARC_MAIL_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "hash.h"
#include "limits.h"

struct mail;

/* the ledger's view of a message's headers; strings owned by the mail */
struct mail_meta {
	const char	*message_id;	/* without <>, or NULL */
	const char	*from;		/* decoded, or NULL */
	const char	*subject;	/* RFC 2047 decoded, or NULL */
	int64_t		 date;		/* seconds since the epoch */
	int		 has_date;	/* date is valid */
};

/* one candidate report part, valid during the callback */
struct mail_part {
	int		 fd;		/* decoded bytes, seekable, at 0 */
	const char	*type;		/* declared MIME type, lower case */
	const char	*filename;	/* decoded file name, or NULL */
	const char	*where;		/* "part 2.1 'report.xml.gz'" */
};

/*
 * Called for each candidate part.  Return 0 to go on, -1 to stop the walk
 * (a system error: mail_walk then returns -1).
 */
typedef int (*mail_part_fn)(void *arg, const struct mail_part *);

/* what a walk found */
struct mail_result {
	size_t		 n_parts;	/* leaf parts looked at */
	size_t		 n_candidates;	/* parts passed to the callback */
	size_t		 n_skipped;	/* candidates past max_reports */
	int		 too_deep;	/* nesting beyond MAX_MIME_DEPTH cut */
	int		 too_many;	/* parts beyond MAX_MIME_PARTS cut */
	/* without candidates: what the message is, for the ledger */
	char		 what[256];
};

/*
 * Parses the message readable from fd from offset lead on (the struct
 * mail_scan's lead: a leading mbox "From " line and blank lines are not
 * part of it); the fd stays the caller's and must stay open until
 * mail_free.  Call it only for a message that mail_scan_refusal() let
 * through: that bounds what GMime builds.  Returns NULL with a reason in
 * err when GMime finds no message at all.  g_mime_init() must have been
 * called (mail_init).
 */
struct mail *mail_open(int fd, off_t lead, char *err, size_t errlen);
/* the message's headers for the ledger */
const struct mail_meta *mail_meta(const struct mail *);
/*
 * Walks the message's parts, calling fn for each of the first max_reports
 * (MAX_MAIL_REPORTS) candidate report parts with its decoded bytes in an
 * unlinked temporary file (at most MAX_INPUT_BYTES + 1 bytes are decoded:
 * the pipeline rejects larger ones); later candidates are counted in
 * n_skipped.  Returns 0, or -1 when fn returned -1 or a temporary file
 * could not be written (err says why).
 */
int	mail_walk(struct mail *, size_t max_reports, mail_part_fn fn,
	    void *arg, struct mail_result *, char *err, size_t errlen);
/*
 * Whether the walk keeps the original message's body in the document of
 * a DMARC failure report (default 0: only its headers; ruf.h).
 */
void	mail_keep_bodies(struct mail *, int keep);
/* frees the parsed message; NULL is fine */
void	mail_free(struct mail *);

/* bytes sniffed after any leading blank lines */
#define MAIL_SNIFF_BYTES	64
/* bytes to give mail_sniff: the blank lines tolerated and the sniff */
#define MAIL_PEEK_BYTES		(MAX_MAIL_LEADING_SPACE + MAIL_SNIFF_BYTES)

/*
 * Whether the first n bytes of a file (up to MAIL_PEEK_BYTES) look like
 * an e-mail message: a header field or an mbox "From " line first, after
 * at most MAX_MAIL_LEADING_SPACE bytes of blank or white-space lines.
 * Such inputs take the mail path instead of the report path.
 */
int	mail_sniff(const void *p, size_t n);

/* initialises GMime once per process; safe to call again */
void	mail_init(void);

#endif

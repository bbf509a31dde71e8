/*
 * One e-mail message through GMime: digest, parse, and a walk over the
 * MIME tree that hands every part that may hold an aggregate report to
 * the pipeline as decoded bytes in a temporary file.  GMime keeps leaf
 * contents as windows on the message's file (persistent stream), so
 * memory holds headers and structure only; a part is decoded on demand,
 * first 4 KiB to decide, then streamed to the temporary file.  Which part
 * is a report is decided by content; the declared type and name are hints
 * (XML must have a <feedback> root, JSON the keys of an SMTP TLS report
 * or the type application/tlsrpt+json or a .json name).
 * A message without a report is named by what its parts say it is, the
 * ARF part's Feedback-Type first (RFC 5965, RFC 6591).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <gmime/gmime.h>

#include "fdio.h"
#include "limits.h"
#include "mail.h"
#include "mail_ruf.h"
#include "mailscan.h"
#include "sniff.h"
#include "tlsrpt.h"
#include "xalloc.h"

/* decoded bytes looked at to decide whether a part is a report */
#define PEEK_BYTES	4096
/* leaf types listed in the description of a message without a report */
#define TYPES_LISTED	6

struct mail {
	GMimeStream	*stream;	/* the message's bytes (borrows fd) */
	GMimeMessage	*msg;
	struct mail_meta meta;
	char		*message_id, *from, *subject;	/* owned */
	int		 keep_bodies;	/* failure reports: original bodies
					   kept (mail_keep_bodies) */
};

/* state of one walk */
struct walker {
	mail_part_fn		 fn;
	void			*arg;
	size_t			 max_reports;	/* candidates offered */
	struct mail_result	*res;
	int			 note_rank;	/* strength of res->what */
	char			 types[200];	/* leaf types seen, listed */
	size_t			 n_types;
	char			*err;
	size_t			 errlen;
	int			 failed;
	int			 keep_bodies;	/* the mail's */
};

void
mail_init(void)
{
	static int done;

	if (!done) {
		g_mime_init();
		done = 1;
	}
}

int
mail_sniff(const void *v, size_t n)
{
	const char *p = v, *what = NULL;
	size_t skip = 0;

	/* white space before the header, as mail clients tolerate it */
	while (skip < n && skip < MAX_MAIL_LEADING_SPACE &&
	    strchr(" \t\r\n", p[skip]) != NULL && p[skip] != '\0')
		skip++;
	if (skip > 0 && (skip == n || p[skip - 1] != '\n'))
		return 0;	/* not whole blank lines */
	p += skip;
	n -= skip;
	if (n > MAIL_SNIFF_BYTES)
		n = MAIL_SNIFF_BYTES;
	/* sniff names this class; the text is part of its contract */
	return sniff(p, n, &what) == CONTAINER_OTHER && what != NULL &&
	    strcmp(what, "e-mail message") == 0;
}

/* a copy of a header value: valid UTF-8, at most MAX_MAIL_HEADER bytes */
static char *
header_copy(const char *s)
{
	char *v, *out;
	size_t len;

	if (s == NULL)
		return NULL;
	v = g_utf8_make_valid(s, -1);
	if ((len = strlen(v)) > MAX_MAIL_HEADER) {
		/* cut before a character, not inside one */
		len = MAX_MAIL_HEADER;
		while (len > 0 && ((unsigned char)v[len] & 0xc0) == 0x80)
			len--;
	}
	out = xstrndup(v, len);
	g_free(v);
	return out;
}

static void
meta_fill(struct mail *m)
{
	InternetAddressList *from;
	GDateTime *date;
	char *s;

	m->message_id = header_copy(g_mime_message_get_message_id(m->msg));
	m->subject = header_copy(g_mime_message_get_subject(m->msg));
	if ((from = g_mime_message_get_from(m->msg)) != NULL &&
	    internet_address_list_length(from) > 0) {
		s = internet_address_list_to_string(from, NULL, FALSE);
		m->from = header_copy(s);
		g_free(s);
	}
	if ((date = g_mime_message_get_date(m->msg)) != NULL) {
		m->meta.date = g_date_time_to_unix(date);
		m->meta.has_date = 1;
	}
	m->meta.message_id = m->message_id;
	m->meta.from = m->from;
	m->meta.subject = m->subject;
}

struct mail *
mail_open(int fd, off_t lead, char *err, size_t errlen)
{
	struct mail *m = xcalloc(1, sizeof(*m));
	GMimeStream *fs;
	GMimeParser *parser;
	GMimeParserOptions *o;

	fs = g_mime_stream_fs_new_with_bounds(fd, lead, -1);
	g_mime_stream_fs_set_owner(GMIME_STREAM_FS(fs), FALSE);
	m->stream = fs;
	parser = g_mime_parser_new_with_stream(fs);
	g_mime_parser_set_format(parser, GMIME_FORMAT_MESSAGE);
	g_mime_parser_set_persist_stream(parser, TRUE);
	o = mail_parser_options();
	m->msg = g_mime_parser_construct_message(parser, o);
	g_mime_parser_options_free(o);
	g_object_unref(parser);
	if (m->msg == NULL) {
		snprintf(err, errlen, "not an e-mail message: no header "
		    "found");
		mail_free(m);
		return NULL;
	}
	meta_fill(m);
	return m;
}

void
mail_keep_bodies(struct mail *m, int keep)
{
	m->keep_bodies = keep;
}

const struct mail_meta *
mail_meta(const struct mail *m)
{
	return &m->meta;
}

void
mail_free(struct mail *m)
{
	if (m == NULL)
		return;
	if (m->msg != NULL)
		g_object_unref(m->msg);
	if (m->stream != NULL)
		g_object_unref(m->stream);
	free(m->message_id);
	free(m->from);
	free(m->subject);
	free(m);
}

/*
 * Notes what the message is, for a message without a report; a stronger
 * note (a report type named by the sender) replaces a weaker one.
 */
static void
note(struct walker *w, int rank, const char *what, const char *detail)
{
	if (rank <= w->note_rank)
		return;
	w->note_rank = rank;
	snprintf(w->res->what, sizeof(w->res->what), "%s (%s)", what,
	    detail);
}

/* the note for a multipart/report of a type that is not ours */
static void
note_report_type(struct walker *w, const char *rt)
{
	char detail[128];

	snprintf(detail, sizeof(detail), "multipart/report; report-type=%.64s",
	    rt);
	if (strcasecmp(rt, "feedback-report") == 0)
		note(w, 3, "feedback report without its "
		    "message/feedback-report part", detail);
	else if (strcasecmp(rt, "delivery-status") == 0)
		note(w, 3, "delivery status notification (bounce)", detail);
	else if (strcasecmp(rt, "disposition-notification") == 0)
		note(w, 3, "read receipt", detail);
	else if (strcasecmp(rt, "tlsrpt") == 0)
		note(w, 3, "SMTP TLS report", detail);
	else
		note(w, 2, "other report", detail);
}

static void
list_type(struct walker *w, const char *type)
{
	size_t n = strlen(w->types);

	if (w->n_types == TYPES_LISTED)
		snprintf(w->types + n, sizeof(w->types) - n, ", ...");
	else if (w->n_types < TYPES_LISTED)
		snprintf(w->types + n, sizeof(w->types) - n, "%s%.40s",
		    n > 0 ? ", " : "", type);
	w->n_types++;
}

/*
 * The declared type, lower case (Trustwave's "ContentType:" too); name
 * gets the latter's name parameter, a copy the caller g_frees (never
 * interned: each distinct hostile name would be kept for good).
 */
static char *
part_type(GMimeObject *obj, char **name)
{
	GMimeContentType *ct = g_mime_object_get_content_type(obj);
	GMimeContentType *alt = NULL;
	const char *raw;
	char *t;

	*name = NULL;
	if (g_mime_object_get_header(obj, "Content-Type") == NULL &&
	    (raw = g_mime_object_get_header(obj, "ContentType")) != NULL) {
		alt = g_mime_content_type_parse(NULL, raw);
		ct = alt;
		*name = g_strdup(g_mime_content_type_get_parameter(ct,
		    "name"));
	}
	t = g_mime_content_type_get_mime_type(ct);
	for (char *p = t; *p != '\0'; p++)
		*p = (char)g_ascii_tolower(*p);
	if (alt != NULL)
		g_object_unref(alt);
	return t;
}

/* the part's content, decoded as it is read; caller unrefs */
static GMimeStream *
decoded_stream(GMimePart *part)
{
	GMimeDataWrapper *dw = g_mime_part_get_content(part);
	GMimeContentEncoding enc;
	GMimeStream *raw, *f;
	GMimeFilter *filter;

	if (dw == NULL || (raw = g_mime_data_wrapper_get_stream(dw)) == NULL)
		return NULL;
	g_mime_stream_reset(raw);
	enc = g_mime_data_wrapper_get_encoding(dw);
	f = g_mime_stream_filter_new(raw);
	if (enc == GMIME_CONTENT_ENCODING_BASE64 ||
	    enc == GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE ||
	    enc == GMIME_CONTENT_ENCODING_UUENCODE) {
		filter = g_mime_filter_basic_new(enc, FALSE);
		g_mime_stream_filter_add(GMIME_STREAM_FILTER(f), filter);
		g_object_unref(filter);
	}
	return f;
}

/* reads up to n bytes, fewer only at the end; -1 on error */
static ssize_t
read_some(GMimeStream *s, char *buf, size_t n)
{
	size_t got = 0;
	ssize_t r;

	while (got < n) {
		r = g_mime_stream_read(s, buf + got, n - got);
		if (r < 0)
			return -1;
		if (r == 0)
			break;
		got += (size_t)r;
	}
	return (ssize_t)got;
}

static int
ends_with(const char *s, const char *suffix)
{
	size_t n, k = strlen(suffix);

	if (s == NULL || (n = strlen(s)) < k)
		return 0;
	return strcasecmp(s + n - k, suffix) == 0;
}

/*
 * Whether XML text's root element is <feedback> (any prefix): a BOM,
 * white space, declaration, processing instructions and comments may come
 * first.  An HTML body also starts with '<' and must not qualify.
 */
static int
root_is_feedback(const char *p, size_t n)
{
	const char *end = p + n, *q;

	if (n >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0)
		p += 3;
	for (;;) {
		while (p < end && strchr(" \t\r\n", *p) != NULL)
			p++;
		if (end - p >= 4 && memcmp(p, "<!--", 4) == 0)
			q = memmem(p, (size_t)(end - p), "-->", 3);
		else if (end - p >= 2 && memcmp(p, "<?", 2) == 0)
			q = memmem(p, (size_t)(end - p), "?>", 2);
		else
			break;
		if (q == NULL)
			return 0;
		p = q + 2;
	}
	if (p >= end || *p++ != '<')
		return 0;
	for (q = p; q < end && (g_ascii_isalnum(*q) || *q == '_' ||
	    *q == '-' || *q == '.'); q++)
		;
	if (q < end && *q == ':')
		p = q + 1;	/* a namespace prefix */
	return end - p > 8 && memcmp(p, "feedback", 8) == 0 &&
	    strchr(" \t\r\n>/", p[8]) != NULL;
}

/*
 * Whether the first decoded bytes make the part a report candidate: gzip
 * or zip (an aggregate report, or an SMTP TLS report's .json.gz), XML
 * with a <feedback> root (a declared XML type or .xml name is enough for
 * UTF-16 text), or a JSON object with a TLS report's keys (the declared
 * type application/tlsrpt+json or a .json name is enough).
 */
static int
is_candidate(const char *p, size_t n, const char *type, const char *name)
{
	switch (sniff(p, n, NULL)) {
	case CONTAINER_GZIP:
	case CONTAINER_ZIP:
		return 1;
	case CONTAINER_JSON:
		return tlsrpt_sniff(p, n) || strncmp(type,
		    "application/tlsrpt", 18) == 0 || ends_with(name, ".json");
	case CONTAINER_TNEF:
		return 1;	/* may hold one: kept, refused with a reason */
	case CONTAINER_XML:
		return root_is_feedback(p, n) || ends_with(type, "/xml") ||
		    ends_with(name, ".xml");
	default:
		return 0;
	}
}

/*
 * Writes the peeked bytes and the rest of the decoded part to a new
 * temporary file; stops one byte past MAX_INPUT_BYTES (the pipeline
 * rejects the part for its size).  Returns the fd at offset 0, or -1.
 */
static int
spool_part(GMimeStream *dec, const char *peek, size_t n)
{
	char *chunk = xmalloc(65536);
	size_t total = n;
	ssize_t got;
	int fd = fd_temp("dmarc-part");

	if (fd == -1 || fd_write_all(fd, peek, n) == -1)
		goto fail;
	while (total <= MAX_INPUT_BYTES &&
	    (got = read_some(dec, chunk, 65536)) > 0) {
		if (fd_write_all(fd, chunk, (size_t)got) == -1)
			goto fail;
		total += (size_t)got;
	}
	if (lseek(fd, 0, SEEK_SET) == -1)
		goto fail;
	free(chunk);
	return fd;
fail:
	free(chunk);
	if (fd != -1)
		close(fd);
	return -1;
}

/* 1 when another candidate may be offered; else it is counted skipped */
static int
room(struct walker *w)
{
	if (w->res->n_candidates < w->max_reports)
		return 1;
	w->res->n_skipped++;
	return 0;
}

/* hands a candidate whose bytes are in mp->fd (-1: not written) on */
static void
offer_fd(struct walker *w, struct mail_part *mp)
{
	if (mp->fd == -1) {
		snprintf(w->err, w->errlen, "cannot write temporary file: %s",
		    strerror(errno));
		w->failed = 1;
		return;
	}
	w->res->n_candidates++;
	if (w->fn(w->arg, mp) == -1) {
		if (w->err[0] == '\0')
			snprintf(w->err, w->errlen, "stopped");
		w->failed = 1;
	}
	close(mp->fd);
}

/* hands a candidate part to the callback */
static void
offer(struct walker *w, GMimeStream *dec, const char *peek, size_t n,
    struct mail_part *mp)
{
	if (!room(w))
		return;
	mp->fd = spool_part(dec, peek, n);
	offer_fd(w, mp);
}

/*
 * The Feedback-Type field of the n bytes of a message/feedback-report
 * body (RFC 5965 section 3.1) into out, lower case: "" when there is
 * none or its value is not a token.
 */
static void
arf_type(const char *p, size_t n, char *out, size_t len)
{
	static const char key[] = "feedback-type:";
	const char *end = p + n, *eol;
	size_t k;

	out[0] = '\0';
	for (; p < end; p = eol + 1) {
		if ((eol = memchr(p, '\n', (size_t)(end - p))) == NULL)
			eol = end;
		if ((size_t)(eol - p) < sizeof(key) - 1 ||
		    g_ascii_strncasecmp(p, key, sizeof(key) - 1) != 0)
			continue;
		p += sizeof(key) - 1;
		while (p < eol && (*p == ' ' || *p == '\t'))
			p++;
		for (k = 0; p < eol && k + 1 < len &&
		    (g_ascii_isalnum(*p) || *p == '-'); p++)
			out[k++] = g_ascii_tolower(*p);
		out[k] = '\0';
		while (p < eol && strchr(" \t\r", *p) != NULL)
			p++;
		if (p != eol)
			out[0] = '\0';	/* "abuse; x" or junk: not a token */
		return;
	}
}

/* the Feedback-Type of an ARF part, lower case, "" if none */
static void
part_arf_type(GMimePart *part, char *ft, size_t len)
{
	char *peek = xmalloc(PEEK_BYTES);
	GMimeStream *dec;
	ssize_t n = 0;

	if ((dec = decoded_stream(part)) != NULL)
		n = read_some(dec, peek, PEEK_BYTES);
	arf_type(peek, n > 0 ? (size_t)n : 0, ft, len);
	if (dec != NULL)
		g_object_unref(dec);
	free(peek);
}

/*
 * Names the message by its message/feedback-report part (ARF, RFC 5965):
 * the Feedback-Type says what it is, whatever the Subject or the
 * container claim.  auth-failure (RFC 6591) is a DMARC failure report;
 * abuse, fraud, virus and other are abuse reports.
 */
static void
arf_note(struct walker *w, GMimePart *part)
{
	static const char *const abuse[] = { "abuse", "fraud", "virus",
		"other", NULL };
	char ft[33], detail[96];
	const char *what = "feedback report (ARF)";

	part_arf_type(part, ft, sizeof(ft));
	if (strcmp(ft, "auth-failure") == 0)
		what = "DMARC failure report";
	for (size_t i = 0; abuse[i] != NULL; i++)
		if (strcmp(ft, abuse[i]) == 0)
			what = "abuse report";
	if (ft[0] != '\0')
		snprintf(detail, sizeof(detail), "message/feedback-report, "
		    "Feedback-Type: %s", ft);
	else
		snprintf(detail, sizeof(detail), "message/feedback-report "
		    "without a Feedback-Type");
	note(w, 4, what, detail);
}

static void
walk_leaf(struct walker *w, GMimePart *part, const char *num)
{
	char *type, where[300], *peek, *hint;
	const char *name = NULL;
	struct mail_part mp;
	GMimeStream *dec;
	ssize_t n;

	type = part_type(GMIME_OBJECT(part), &hint);
	if ((name = g_mime_part_get_filename(part)) == NULL)
		name = hint;
	list_type(w, type);
	if (strcmp(type, "message/feedback-report") == 0) {
		arf_note(w, part);
		g_free(type);
		g_free(hint);
		return;
	}
	/* said only when the part turns out not to be a candidate */
	if (strncmp(type, "application/tlsrpt", 18) == 0)
		note(w, 3, "SMTP TLS report part that is neither gzip "
		    "nor JSON", type);
	else if (ends_with(name, ".json.gz") || ends_with(name, ".json"))
		note(w, 2, "SMTP TLS report?", "a .json part");
	peek = xmalloc(PEEK_BYTES);
	if ((dec = decoded_stream(part)) != NULL &&
	    (n = read_some(dec, peek, PEEK_BYTES)) > 0 &&
	    is_candidate(peek, (size_t)n, type, name)) {
		snprintf(where, sizeof(where), "%s%s%s%.200s%s",
		    num[0] != '\0' ? "part " : "message body", num,
		    name != NULL ? " '" : "", name != NULL ? name : "",
		    name != NULL ? "'" : "");
		mp.type = type;
		mp.filename = name;
		mp.where = where;
		offer(w, dec, peek, (size_t)n, &mp);
	}
	if (dec != NULL)
		g_object_unref(dec);
	free(peek);
	g_free(type);
	g_free(hint);
}

static void walk(struct walker *, GMimeObject *, const char *, int);

/* the multipart's ARF part when it says auth-failure (RFC 6591), else NULL */
static GMimeObject *
failure_arf(GMimeMultipart *mp)
{
	GMimeObject *o;
	char ft[33];
	int n = g_mime_multipart_get_count(mp);

	for (int i = 0; i < n && i < MAX_MIME_PARTS; i++) {
		o = g_mime_multipart_get_part(mp, i);
		if (o == NULL || !GMIME_IS_PART(o) ||
		    !g_mime_content_type_is_type(
		    g_mime_object_get_content_type(o), "message",
		    "feedback-report"))
			continue;
		part_arf_type(GMIME_PART(o), ft, sizeof(ft));
		return strcmp(ft, "auth-failure") == 0 ? o : NULL;
	}
	return NULL;
}

/* a DMARC failure report: its document (mail_ruf.h) is the candidate */
static void
offer_failure(struct walker *w, GMimeMultipart *mp, GMimeObject *arf,
    const char *num)
{
	struct mail_part part;
	char where[300], *doc;
	size_t len;

	w->res->n_parts += (size_t)g_mime_multipart_get_count(mp);
	if (!room(w))
		return;
	doc = mail_ruf_doc(mp, arf, w->keep_bodies, &len);
	snprintf(where, sizeof(where), "%s%s (DMARC failure report)",
	    num[0] != '\0' ? "part " : "message body", num);
	part.type = "message/feedback-report";
	part.filename = NULL;
	part.where = where;
	if ((part.fd = fd_temp("dmarc-ruf")) != -1 &&
	    (fd_write_all(part.fd, doc, len) == -1 ||
	    lseek(part.fd, 0, SEEK_SET) == -1)) {
		close(part.fd);
		part.fd = -1;
	}
	g_free(doc);
	offer_fd(w, &part);
}

/* a direct child of a multipart/report: only its ARF part is read */
static void
report_child(struct walker *w, GMimeObject *obj)
{
	GMimeContentType *ct;

	if (obj == NULL || !GMIME_IS_PART(obj) ||
	    ++w->res->n_parts > MAX_MIME_PARTS)
		return;
	ct = g_mime_object_get_content_type(obj);
	if (g_mime_content_type_is_type(ct, "message", "feedback-report"))
		arf_note(w, GMIME_PART(obj));
}

static void
walk_multipart(struct walker *w, GMimeMultipart *mp, const char *num,
    int depth)
{
	GMimeContentType *ct = g_mime_object_get_content_type(
	    GMIME_OBJECT(mp));
	const char *rt;
	char child[256];
	int n = g_mime_multipart_get_count(mp);
	GMimeObject *arf;

	/* a DMARC failure report (RFC 9991) is ours, in any multipart */
	if ((arf = failure_arf(mp)) != NULL) {
		offer_failure(w, mp, arf, num);
		return;
	}
	/* an SMTP TLS report (RFC 8460 5.3) is ours: its parts are walked */
	if (g_mime_content_type_is_type(ct, "multipart", "report") &&
	    (rt = g_mime_content_type_get_parameter(ct, "report-type")) !=
	    NULL && strcasecmp(rt, "tlsrpt") != 0) {
		/*
		 * Another kind of report: its parts are not ours, except
		 * that its own message/feedback-report part says what it is
		 * (the original message beside it is a stranger's mail).
		 */
		note_report_type(w, rt);
		for (int i = 0; i < n; i++)
			report_child(w, g_mime_multipart_get_part(mp, i));
		return;
	}
	for (int i = 0; i < n && !w->failed; i++) {
		snprintf(child, sizeof(child), "%s%s%d", num,
		    num[0] != '\0' ? "." : "", i + 1);
		walk(w, g_mime_multipart_get_part(mp, i), child, depth + 1);
	}
}

static void
walk(struct walker *w, GMimeObject *obj, const char *num, int depth)
{
	GMimeMessage *inner;

	if (obj == NULL || w->failed)
		return;
	if (depth > MAX_MIME_DEPTH) {
		w->res->too_deep = 1;
		return;
	}
	if (++w->res->n_parts > MAX_MIME_PARTS) {
		w->res->too_many = 1;
		return;
	}
	if (GMIME_IS_MESSAGE_PART(obj)) {
		inner = g_mime_message_part_get_message(
		    GMIME_MESSAGE_PART(obj));
		if (inner != NULL)
			walk(w, g_mime_message_get_mime_part(inner), num,
			    depth + 1);
	} else if (GMIME_IS_MULTIPART(obj))
		walk_multipart(w, GMIME_MULTIPART(obj), num, depth);
	else if (GMIME_IS_PART(obj))
		walk_leaf(w, GMIME_PART(obj), num);
}

/*
 * Whether a Subject names a DMARC failure report the way senders without
 * ARF write it (Exim: "DMARC Forensic Report for example.org from IP
 * ..."): a hint only, weaker than any part.
 */
static int
subject_failure(const char *s)
{
	static const char *const pre[] = { "DMARC Forensic Report",
		"DMARC Failure Report", NULL };

	if (s == NULL)
		return 0;
	while (*s == ' ' || *s == '\t')
		s++;
	for (size_t i = 0; pre[i] != NULL; i++)
		if (g_ascii_strncasecmp(s, pre[i], strlen(pre[i])) == 0)
			return 1;
	return 0;
}

int
mail_walk(struct mail *m, size_t max_reports, mail_part_fn fn, void *arg,
    struct mail_result *res, char *err, size_t errlen)
{
	struct walker w;

	memset(res, 0, sizeof(*res));
	memset(&w, 0, sizeof(w));
	w.max_reports = max_reports;
	w.fn = fn;
	w.arg = arg;
	w.res = res;
	w.err = err;
	w.errlen = errlen;
	w.keep_bodies = m->keep_bodies;
	err[0] = '\0';
	walk(&w, g_mime_message_get_mime_part(m->msg), "", 0);
	if (res->n_candidates == 0 && subject_failure(m->subject))
		note(&w, 1, "DMARC failure report?", "no "
		    "message/feedback-report part; its Subject says so");
	if (res->n_candidates == 0 && w.note_rank == 0)
		snprintf(res->what, sizeof(res->what), "no aggregate report "
		    "in it (%s)", w.n_types > 0 ? w.types : "no body");
	return w.failed ? -1 : 0;
}

/*
 * The pre-scan of a message (mailscan.h): a line-at-a-time state machine
 * that mirrors the structure GMime 3's parser builds.  A header block
 * runs to the first empty line (GMime checks no boundary inside one);
 * its Content-Type, parsed by GMime itself with the options mail_open
 * uses, says what follows: a multipart pushes its boundary and its
 * prologue follows, message/rfc822 (not base64 or quoted-printable
 * encoded) opens the embedded message's header block, anything else is a
 * leaf whose bytes GMime never holds (persistent stream).  In a body, a
 * line "--BOUNDARY" of any boundary on the stack (innermost first, the
 * closing "--BOUNDARY--" checked first, white space allowed after) ends
 * the parts above it, as in GMime.  Only a line's first LINE_KEEP bytes
 * are kept; the rest is only counted.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <gmime/gmime.h>

#include "limits.h"
#include "mailscan.h"
#include "xalloc.h"

/* bytes of a line kept: the longest boundary line, or a field name */
#define LINE_KEEP	(MAX_MIME_TYPE_HEADER + 8)
/* bytes kept of a Content-Transfer-Encoding value */
#define CTE_KEEP	32

enum scan_state {
	SCAN_LEAD,		/* before the header: From line, blank lines */
	SCAN_HEADER,		/* in a header block */
	SCAN_LEAF,		/* the content of a leaf part */
	SCAN_FACE,		/* a multipart's prologue or epilogue */
};

enum scan_field {
	FIELD_OTHER,
	FIELD_ADDRESS,		/* From, To, Cc, ...: GMime parses addresses */
	FIELD_PARAMS,		/* Content-Type, Content-Disposition */
};

/* one multipart boundary on the stack */
struct bound {
	char	*text;		/* "--" and the boundary, owned */
	size_t	 len;
	int	 digest;	/* multipart/digest: parts default to rfc822 */
};

struct scanner {
	struct mail_scan *out;
	enum scan_state	 state;
	size_t		 lines;		/* lines seen */
	uint64_t	 lead_space;	/* bytes of blank lines before the
					   header */
	/* the current line */
	char		*line;		/* LINE_KEEP bytes */
	size_t		 len;		/* bytes kept in line */
	uint64_t	 total;		/* its length without the newline */
	int		 rest_blank;	/* bytes past line[] are all blank */
	size_t		 seps;		/* ',' ';' ':' in it */
	/* the current header block */
	int		 first_line;	/* an embedded message's first line */
	int		 parent_digest;	/* a part of a multipart/digest */
	enum scan_field	 field;		/* the field being read */
	uint64_t	 field_bytes;	/* its length so far */
	int		 typing;	/* it is the block's first Content-Type */
	char		*type;		/* Content-Type value, NUL-ended */
	size_t		 type_len;
	int		 have_type, have_cte;
	char		 cte[CTE_KEEP];
	struct bound	*stack;		/* innermost last */
	size_t		 depth;
	GMimeParserOptions *options;
};

GMimeParserOptions *
mail_parser_options(void)
{
	GMimeParserOptions *o = g_mime_parser_options_new();

	g_mime_parser_options_set_address_compliance_mode(o,
	    GMIME_RFC_COMPLIANCE_LOOSE);
	g_mime_parser_options_set_parameter_compliance_mode(o,
	    GMIME_RFC_COMPLIANCE_LOOSE);
	g_mime_parser_options_set_rfc2047_compliance_mode(o,
	    GMIME_RFC_COMPLIANCE_LOOSE);
	return o;
}

static int
is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

/* the kept bytes from off on, and any bytes past them, are blank */
static int
blank_from(const struct scanner *s, size_t off)
{
	for (size_t i = off; i < s->len; i++)
		if (!is_blank(s->line[i]))
			return 0;
	return s->rest_blank;
}

/* the line is "--BOUNDARY" (final: "--BOUNDARY--"), blanks after */
static int
is_delimiter(const struct scanner *s, const struct bound *b, int final)
{
	size_t n = b->len + (final ? 2 : 0);

	if (s->len < n || memcmp(s->line, b->text, b->len) != 0)
		return 0;
	if (final && memcmp(s->line + b->len, "--", 2) != 0)
		return 0;
	return blank_from(s, n);
}

static void
block_open(struct scanner *s, int parent_digest, int first_line)
{
	s->out->blocks++;
	s->state = SCAN_HEADER;
	s->first_line = first_line;
	s->parent_digest = parent_digest;
	s->field = FIELD_OTHER;
	s->have_type = s->have_cte = 0;
	s->type_len = 0;
	s->type[0] = '\0';
	s->cte[0] = '\0';
}

/* a boundary of the stack: 1 when the line is one (and handled) */
static int
delimiter(struct scanner *s)
{
	if (s->len < 2 || s->line[0] != '-' || s->line[1] != '-')
		return 0;
	for (size_t k = s->depth; k-- > 0;) {
		if (is_delimiter(s, &s->stack[k], 1)) {
			s->out->delimiters++;
			while (s->depth > k)
				free(s->stack[--s->depth].text);
			s->state = SCAN_FACE;	/* the epilogue */
			return 1;
		}
		if (is_delimiter(s, &s->stack[k], 0)) {
			s->out->delimiters++;
			while (s->depth > k + 1)
				free(s->stack[--s->depth].text);
			block_open(s, s->stack[k].digest, 0);
			return 1;
		}
	}
	return 0;
}

static void
push(struct scanner *s, const char *boundary, int digest)
{
	size_t n = strlen(boundary);
	struct bound *b;

	/* past MAX_MIME_PARTS the message is refused: stop growing */
	if (s->depth > MAX_MIME_PARTS || n > MAX_MIME_TYPE_HEADER)
		return;
	s->stack = xreallocarray(s->stack, s->depth + 1, sizeof(*s->stack));
	b = &s->stack[s->depth++];
	b->len = n + 2;
	b->text = xmalloc(n + 3);
	memcpy(b->text, "--", 2);
	memcpy(b->text + 2, boundary, n + 1);
	b->digest = digest;
}

/* message/rfc822 and its kin, as GMime reads them: not when encoded */
static int
is_message(const struct scanner *s, const char *type, const char *sub)
{
	GMimeContentEncoding enc;

	if (type == NULL ? !s->parent_digest :
	    g_ascii_strcasecmp(type, "message") != 0 ||
	    (g_ascii_strcasecmp(sub, "rfc822") != 0 &&
	    g_ascii_strcasecmp(sub, "rfc2822") != 0 &&
	    g_ascii_strcasecmp(sub, "global") != 0 &&
	    g_ascii_strcasecmp(sub, "news") != 0))
		return 0;
	if (!s->have_cte)
		return 1;
	enc = g_mime_content_encoding_from_string(s->cte);
	return enc != GMIME_CONTENT_ENCODING_BASE64 &&
	    enc != GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE &&
	    enc != GMIME_CONTENT_ENCODING_UUENCODE;
}

/* the empty line after a header block: what comes next */
static void
block_end(struct scanner *s)
{
	GMimeContentType *ct = NULL;
	const char *type = NULL, *sub = NULL, *boundary;

	if (s->have_type && (ct = g_mime_content_type_parse(s->options,
	    s->type)) != NULL) {
		type = g_mime_content_type_get_media_type(ct);
		sub = g_mime_content_type_get_media_subtype(ct);
	}
	if (type != NULL && g_ascii_strcasecmp(type, "multipart") == 0) {
		boundary = g_mime_content_type_get_parameter(ct, "boundary");
		if (boundary != NULL)
			push(s, boundary, sub != NULL &&
			    g_ascii_strcasecmp(sub, "digest") == 0);
		s->state = SCAN_FACE;	/* the prologue */
	} else if (is_message(s, type, sub))
		block_open(s, 0, 1);
	else
		s->state = SCAN_LEAF;
	if (ct != NULL)
		g_object_unref(ct);
}

/* a line of a field with parameters: counted, the type kept */
static void
params_add(struct scanner *s, const char *p, size_t n, int newline)
{
	s->out->params += s->seps;
	s->field_bytes += s->total + 1;
	if (s->field_bytes > MAX_MIME_TYPE_HEADER) {
		s->out->long_type = 1;
		return;
	}
	if (!s->typing)
		return;
	if (newline)
		s->type[s->type_len++] = '\n';
	memcpy(s->type + s->type_len, p, n);
	s->type_len += n;
	s->type[s->type_len] = '\0';
}

static int
name_is(const char *name, size_t n, const char *want)
{
	return strlen(want) == n && strncasecmp(name, want, n) == 0;
}

static int
is_address_field(const char *name, size_t n)
{
	static const char *const fields[] = { "from", "sender", "reply-to",
	    "to", "cc", "bcc" };

	if (n > 7 && strncasecmp(name, "resent-", 7) == 0) {
		name += 7;
		n -= 7;
	}
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		if (name_is(name, n, fields[i]))
			return 1;
	return 0;
}

/* the first line of a header field */
static void
field_start(struct scanner *s)
{
	const char *colon = memchr(s->line, ':', s->len), *v;
	size_t n, vn;

	s->out->fields++;
	s->field = FIELD_OTHER;
	s->field_bytes = 0;
	s->typing = 0;
	if (colon == NULL)
		return;
	for (n = (size_t)(colon - s->line); n > 0 && is_blank(s->line[n - 1]);
	    n--)
		;
	v = colon + 1;
	vn = s->len - (size_t)(v - s->line);
	if (is_address_field(s->line, n)) {
		s->field = FIELD_ADDRESS;
		/* one for the field, one per separator, not the colon */
		s->out->addresses += s->seps;
	} else if (name_is(s->line, n, "content-type") ||
	    name_is(s->line, n, "content-disposition")) {
		/* GMime parses the parameters of every one of them */
		s->field = FIELD_PARAMS;
		if (!s->have_type && name_is(s->line, n, "content-type"))
			s->have_type = s->typing = 1;
		s->seps--;	/* not the colon */
		params_add(s, v, vn, 0);
	} else if (name_is(s->line, n, "content-transfer-encoding") &&
	    !s->have_cte) {
		s->have_cte = 1;
		while (vn > 0 && is_blank(*v))
			v++, vn--;
		while (vn > 0 && is_blank(v[vn - 1]))
			vn--;
		snprintf(s->cte, sizeof(s->cte), "%.*s", (int)(vn <
		    CTE_KEEP ? vn : CTE_KEEP - 1), v);
	}
}

static void
header_line(struct scanner *s)
{
	if (s->first_line) {
		/* GMime: an embedded message may be empty */
		s->first_line = 0;
		if (delimiter(s))
			return;
	}
	if (s->total == 0 || (s->total == 1 && s->line[0] == '\r')) {
		block_end(s);
		return;
	}
	s->out->header_bytes += s->total + 1;
	if (s->line[0] != ' ' && s->line[0] != '\t') {
		field_start(s);
		return;
	}
	if (s->field == FIELD_ADDRESS)
		s->out->addresses += s->seps;
	else if (s->field == FIELD_PARAMS)
		params_add(s, s->line, s->len, 1);
}

/* before the header: one mbox "From " line, then blank lines */
static int
lead_line(struct scanner *s)
{
	if (s->lines == 0 && s->len >= 5 && memcmp(s->line, "From ", 5) == 0) {
		s->out->lead += (off_t)s->total + 1;
		return 1;
	}
	if (blank_from(s, 0) && s->lead_space + s->total + 1 <=
	    MAX_MAIL_LEADING_SPACE) {
		s->lead_space += s->total + 1;
		s->out->lead += (off_t)s->total + 1;
		return 1;
	}
	return 0;
}

static void
line_end(struct scanner *s)
{
	switch (s->state) {
	case SCAN_LEAD:
		if (lead_line(s))
			break;
		block_open(s, 0, 0);
		header_line(s);
		break;
	case SCAN_HEADER:
		header_line(s);
		break;
	case SCAN_FACE:
		if (!delimiter(s))
			s->out->face_bytes += s->total + 1;
		break;
	case SCAN_LEAF:
		(void)delimiter(s);
		break;
	}
	s->lines++;
	s->len = 0;
	s->total = 0;
	s->seps = 0;
	s->rest_blank = 1;
}

static void
feed(struct scanner *s, const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char c = p[i];

		if (c == '\n') {
			line_end(s);
			continue;
		}
		if (s->len < LINE_KEEP)
			s->line[s->len++] = c;
		else if (!is_blank(c))
			s->rest_blank = 0;
		s->total++;
		if (c == ',' || c == ';' || c == ':')
			s->seps++;
	}
}

int
mail_scan(int fd, uint8_t sha[HASH_LEN], struct mail_scan *out)
{
	struct scanner s;
	struct hash h;
	char *chunk = xmalloc(65536);
	ssize_t got;
	int rc = -1;

	memset(out, 0, sizeof(*out));
	memset(&s, 0, sizeof(s));
	s.out = out;
	s.line = xmalloc(LINE_KEEP);
	s.type = xmalloc(MAX_MIME_TYPE_HEADER + 1);
	s.rest_blank = 1;
	s.options = mail_parser_options();
	hash_init(&h);
	if (lseek(fd, 0, SEEK_SET) == -1)
		goto out;
	while ((got = read(fd, chunk, 65536)) != 0) {
		if (got == -1 && errno == EINTR)
			continue;
		if (got == -1)
			goto out;
		hash_add(&h, chunk, (size_t)got);
		feed(&s, chunk, (size_t)got);
	}
	if (s.total > 0)
		line_end(&s);
	hash_final(&h, sha);
	rc = 0;
out:
	while (s.depth > 0)
		free(s.stack[--s.depth].text);
	free(s.stack);
	free(s.type);
	free(s.line);
	free(chunk);
	g_mime_parser_options_free(s.options);
	return rc;
}

const char *
mail_scan_refusal(const struct mail_scan *sc, char *buf, size_t n)
{
	if (sc->blocks > MAX_MIME_PARTS)
		snprintf(buf, n, "more than %d MIME parts (MAX_MIME_PARTS): "
		    "%zu header blocks, %zu boundary lines; not parsed",
		    MAX_MIME_PARTS, sc->blocks, sc->delimiters);
	else if (sc->fields > MAX_MAIL_HEADER_FIELDS)
		snprintf(buf, n, "more than %d header fields "
		    "(MAX_MAIL_HEADER_FIELDS): %zu; not parsed",
		    MAX_MAIL_HEADER_FIELDS, sc->fields);
	else if (sc->header_bytes > MAX_MAIL_HEADER_BYTES)
		snprintf(buf, n, "more than %lu KiB of headers "
		    "(MAX_MAIL_HEADER_BYTES): %llu bytes; not parsed",
		    MAX_MAIL_HEADER_BYTES / 1024,
		    (unsigned long long)sc->header_bytes);
	else if (sc->addresses > MAX_MAIL_ADDRESSES)
		snprintf(buf, n, "more than %d addresses in address headers "
		    "(MAX_MAIL_ADDRESSES): %zu; not parsed",
		    MAX_MAIL_ADDRESSES, sc->addresses);
	else if (sc->face_bytes > MAX_MIME_FACE_BYTES)
		snprintf(buf, n, "more than %lu KiB of multipart prologue and "
		    "epilogue text (MAX_MIME_FACE_BYTES): %llu bytes; not "
		    "parsed", MAX_MIME_FACE_BYTES / 1024,
		    (unsigned long long)sc->face_bytes);
	else if (sc->params > MAX_MIME_PARAMS)
		snprintf(buf, n, "more than %d Content-Type and "
		    "Content-Disposition parameters (MAX_MIME_PARAMS): %zu; "
		    "not parsed", MAX_MIME_PARAMS, sc->params);
	else if (sc->long_type)
		snprintf(buf, n, "a Content-Type or Content-Disposition header "
		    "longer than %d bytes (MAX_MIME_TYPE_HEADER); not parsed",
		    MAX_MIME_TYPE_HEADER);
	else
		return NULL;
	return buf;
}

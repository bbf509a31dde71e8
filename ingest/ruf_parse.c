/*
 * The DMARC failure report parser (ruf.h): the document's bytes read
 * whole (MAX_RUF_BYTES), parsed by GMime as one MIME entity, its
 * message/feedback-report part read as fields (ruf_fields.c) and the key
 * fields of RFC 5965, RFC 6591 and RFC 9991 picked out; the original
 * message's headers read the same way, its body kept only when the
 * document holds it (mail.c leaves it out unless told).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <gmime/gmime.h>

#include "buf.h"
#include "domain.h"
#include "ipaddr.h"
#include "limits.h"
#include "ruf_int.h"
#include "xalloc.h"

/* reads the whole document into b; -1 when it is over MAX_RUF_BYTES */
static int
slurp(parse_read_fn read, void *ctx, struct buf *b, struct diag *d)
{
	char chunk[8192];
	int n;

	buf_init(b, MAX_RUF_BYTES);
	while ((n = read(ctx, chunk, sizeof(chunk))) > 0)
		if (buf_add(b, chunk, (size_t)n) == -1) {
			diag_error(d, "failure report larger than "
			    "MAX_RUF_BYTES (" LIMIT_STR(MAX_RUF_BYTES) ")");
			return -1;
		}
	if (n < 0) {
		diag_error(d, "failure report cannot be read");
		return -1;
	}
	return 0;
}

/* the decoded content of a leaf part, NUL-terminated; caller g_frees */
static GByteArray *
part_bytes(GMimePart *part)
{
	GMimeDataWrapper *dw = g_mime_part_get_content(part);
	GMimeStream *mem;
	GByteArray *a;

	if (dw == NULL)
		return NULL;
	mem = g_mime_stream_mem_new();
	g_mime_stream_mem_set_owner(GMIME_STREAM_MEM(mem), FALSE);
	(void)g_mime_data_wrapper_write_to_stream(dw, mem);
	a = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(mem));
	g_object_unref(mem);
	return a;
}

static const char *
field(const struct ruf_field *f, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (g_ascii_strcasecmp(f[i].name, name) == 0)
			return f[i].value;
	return NULL;
}

static char *
dup_field(const struct ruf *r, const char *name)
{
	const char *v = field(r->fields, r->n_fields, name);

	return v != NULL ? xstrdup(v) : NULL;
}

/* every value of name, ", " between; NULL when there is none */
static char *
join_fields(const struct ruf *r, const char *name)
{
	struct buf b;
	int any = 0;

	buf_init(&b, MAX_RUF_FIELD_BYTES);
	for (size_t i = 0; i < r->n_fields; i++) {
		if (g_ascii_strcasecmp(r->fields[i].name, name) != 0)
			continue;
		if ((any && buf_adds(&b, ", ") == -1) ||
		    buf_adds(&b, r->fields[i].value) == -1)
			break;		/* the rest past the cap: cut */
		any = 1;
	}
	if (!any) {
		buf_release(&b);
		return NULL;
	}
	return buf_detach(&b, NULL);
}

static char *
lower_dup(const char *v)
{
	char *s = v != NULL ? xstrdup(v) : NULL;

	for (char *p = s; p != NULL && *p != '\0'; p++)
		*p = (char)g_ascii_tolower(*p);
	return s;
}

static int
header_date(const char *v, int64_t *out)
{
	GDateTime *t;

	if (v == NULL || (t = g_mime_utils_header_decode_date(v)) == NULL)
		return 0;
	*out = g_date_time_to_unix(t);
	g_date_time_unref(t);
	return 1;
}

/* RFC 2047 decoded and cleaned again */
static char *
decoded(const char *v, struct diag *d)
{
	char *t, *out;

	if (v == NULL)
		return NULL;
	t = g_mime_utils_header_decode_text(NULL, v);
	out = ruf_clean(t != NULL ? t : v, strlen(t != NULL ? t : v), d);
	g_free(t);
	return out;
}

static void
key_fields(struct ruf *r, struct diag *d)
{
	static const char *const required[] = { "User-Agent", "Version",
		"Auth-Failure", "Authentication-Results", "Reported-Domain",
		NULL };
	char ip[IPADDR_TEXT_LEN];

	for (size_t i = 0; required[i] != NULL; i++)
		if (field(r->fields, r->n_fields, required[i]) == NULL)
			diag_warn(d, DIAG_MISSING_FIELD);
	r->user_agent = dup_field(r, "User-Agent");
	r->version = dup_field(r, "Version");
	if ((r->arrival_raw = dup_field(r, "Arrival-Date")) == NULL)
		r->arrival_raw = dup_field(r, "Received-Date");
	r->has_arrival = header_date(r->arrival_raw, &r->arrival);
	if ((r->source_ip_raw = dup_field(r, "Source-IP")) != NULL) {
		if (ipaddr_normalize(r->source_ip_raw, ip) != 0)
			r->source_ip = xstrdup(ip);
		else
			diag_warn(d, DIAG_BAD_SOURCE_IP);
	}
	if ((r->reported_domain = dup_field(r, "Reported-Domain")) != NULL &&
	    domain_normalize(r->reported_domain) == -1)
		diag_warn(d, DIAG_BAD_DOMAIN);
	r->original_mail_from = dup_field(r, "Original-Mail-From");
	r->original_rcpt_to = join_fields(r, "Original-Rcpt-To");
	r->auth_failure = join_fields(r, "Auth-Failure");
	r->authentication_results = join_fields(r, "Authentication-Results");
	r->identity_alignment = dup_field(r, "Identity-Alignment");
	r->delivery_result = lower_dup(field(r->fields, r->n_fields,
	    "Delivery-Result"));
	r->dkim_domain = lower_dup(field(r->fields, r->n_fields,
	    "DKIM-Domain"));
	r->dkim_selector = dup_field(r, "DKIM-Selector");
	r->spf_dns = dup_field(r, "SPF-DNS");
}

/* the ARF part: its fields, then Feedback-Type must be auth-failure */
static int
read_arf(struct ruf *r, GMimePart *part, struct diag *d)
{
	GByteArray *a = part_bytes(part);

	if (a != NULL) {
		ruf_fields_parse((const char *)a->data, a->len, MAX_RUF_FIELDS,
		    &r->fields, &r->n_fields, d);
		g_byte_array_unref(a);
	}
	r->feedback_type = lower_dup(field(r->fields, r->n_fields,
	    "Feedback-Type"));
	if (r->feedback_type == NULL) {
		diag_error(d, "RFC 5965 3.1: the feedback report has no "
		    "Feedback-Type");
		return -1;
	}
	if (strcmp(r->feedback_type, "auth-failure") != 0) {
		diag_error(d, "not a DMARC failure report: Feedback-Type "
		    "'%.64s', not 'auth-failure' (RFC 6591)", r->feedback_type);
		return -1;
	}
	key_fields(r, d);
	return 0;
}

/* the original's header text as kept: "Name: value\n" up to the cap */
static void
orig_fields(struct ruf *r, const struct ruf_field *f, size_t n,
    struct diag *d)
{
	struct buf b;
	const char *v;
	size_t kept = 0;

	buf_init(&b, MAX_RUF_HEADER_BYTES);
	for (size_t i = 0; i < n; i++, kept++)
		if (buf_adds(&b, f[i].name) == -1 || buf_adds(&b, ": ") == -1 ||
		    buf_adds(&b, f[i].value) == -1 || buf_addc(&b, '\n') == -1) {
			diag_warn(d, DIAG_ARF_FIELDS_CUT);
			break;
		}
	r->n_orig_headers = kept;
	r->orig_headers = buf_detach(&b, NULL);
	if ((v = field(f, n, "Message-ID")) != NULL) {
		r->orig_message_id = xstrdup(v + (v[0] == '<'));
		r->orig_message_id[strcspn(r->orig_message_id, ">")] = '\0';
	}
	r->orig_from = decoded(field(f, n, "From"), d);
	r->orig_subject = decoded(field(f, n, "Subject"), d);
	r->has_orig_date = header_date(field(f, n, "Date"), &r->orig_date);
}

/* the original message (text) p[0..n): headers, then its body if with */
static void
read_original(struct ruf *r, const char *p, size_t n, int with_body,
    struct diag *d)
{
	struct ruf_field *f;
	size_t nf;
	const char *body;

	ruf_fields_parse(p, n, MAX_RUF_HEADERS, &f, &nf, d);
	orig_fields(r, f, nf, d);
	ruf_fields_free(f, nf);
	if (!with_body)
		return;
	if ((body = g_strstr_len(p, (gssize)n, "\n\n")) != NULL ||
	    (body = g_strstr_len(p, (gssize)n, "\r\n\r\n")) != NULL) {
		body += body[0] == '\n' ? 2 : 4;
		n -= (size_t)(body - p);
		if (n > MAX_RUF_BODY_BYTES) {
			n = MAX_RUF_BODY_BYTES;
			diag_warn(d, DIAG_TEXT_TRUNCATED);
		}
		if (n > 0)
			r->orig_body = ruf_clean_lines(body, n, d);
	}
}

static void
original_message(struct ruf *r, GMimeMessagePart *mp, struct diag *d)
{
	GMimeMessage *m = g_mime_message_part_get_message(mp);
	char *t;

	if (m == NULL || (t = g_mime_object_to_string(GMIME_OBJECT(m),
	    NULL)) == NULL)
		return;
	read_original(r, t, strlen(t), 1, d);
	g_free(t);
}

static void
original_headers(struct ruf *r, GMimePart *part, struct diag *d)
{
	GByteArray *a = part_bytes(part);

	if (a == NULL)
		return;
	read_original(r, (const char *)a->data, a->len, 0, d);
	g_byte_array_unref(a);
}

static int
is_type(GMimeObject *o, const char *type, const char *sub)
{
	return g_mime_content_type_is_type(g_mime_object_get_content_type(o),
	    type, sub);
}

/* the parts of the multipart/report: the ARF part and the original */
static int
read_parts(struct ruf *r, GMimeMultipart *mp, struct diag *d)
{
	GMimeObject *arf = NULL, *orig = NULL, *o;
	int n = g_mime_multipart_get_count(mp);

	for (int i = 0; i < n; i++) {
		o = g_mime_multipart_get_part(mp, i);
		if (arf == NULL && GMIME_IS_PART(o) &&
		    is_type(o, "message", "feedback-report"))
			arf = o;
		else if (orig == NULL && (GMIME_IS_MESSAGE_PART(o) ||
		    (GMIME_IS_PART(o) && (is_type(o, "text", "rfc822-headers") ||
		    is_type(o, "message", "rfc822-headers")))))
			orig = o;
	}
	if (arf == NULL) {
		diag_error(d, "RFC 5965 2: no message/feedback-report part");
		return -1;
	}
	if (read_arf(r, GMIME_PART(arf), d) == -1)
		return -1;
	if (orig == NULL)
		diag_warn(d, DIAG_ARF_NO_ORIGINAL);
	else if (GMIME_IS_MESSAGE_PART(orig))
		original_message(r, GMIME_MESSAGE_PART(orig), d);
	else
		original_headers(r, GMIME_PART(orig), d);
	return 0;
}

static int
parse_entity(struct ruf *r, const char *p, size_t n, struct diag *d)
{
	GMimeStream *s = g_mime_stream_mem_new_with_buffer(p, n);
	GMimeParser *parser = g_mime_parser_new_with_stream(s);
	GMimeObject *o = g_mime_parser_construct_part(parser, NULL);
	const char *rt;
	int rc = -1;

	if (o == NULL || !GMIME_IS_MULTIPART(o)) {
		diag_error(d, "failure report is not a MIME multipart "
		    "(RFC 6591 3: multipart/report)");
		goto out;
	}
	rt = g_mime_content_type_get_parameter(
	    g_mime_object_get_content_type(o), "report-type");
	if (!is_type(o, "multipart", "report") || rt == NULL ||
	    g_ascii_strcasecmp(rt, "feedback-report") != 0)
		diag_warn(d, DIAG_ARF_CONTAINER);
	rc = read_parts(r, GMIME_MULTIPART(o), d);
out:
	if (o != NULL)
		g_object_unref(o);
	g_object_unref(parser);
	g_object_unref(s);
	return rc;
}

int
ruf_parse(parse_read_fn read, void *ctx, struct ruf *r, struct diag *d)
{
	struct buf b;
	const char *p;
	size_t n;
	int rc = -1;

	memset(r, 0, sizeof(*r));
	if (slurp(read, ctx, &b, d) == 0) {
		p = b.len > 0 ? buf_cstr(&b) : "";
		n = b.len;
		if (n >= RUF_DOC_MAGIC_LEN && memcmp(p, RUF_DOC_MAGIC,
		    RUF_DOC_MAGIC_LEN) == 0) {
			p += RUF_DOC_MAGIC_LEN;
			n -= RUF_DOC_MAGIC_LEN;
		}
		rc = parse_entity(r, p, n, d);
	}
	buf_release(&b);
	if (rc == -1)
		ruf_release(r);
	return rc;
}

void
ruf_release(struct ruf *r)
{
	char **s[] = { &r->feedback_type, &r->user_agent, &r->version,
		&r->arrival_raw, &r->source_ip_raw, &r->source_ip,
		&r->reported_domain, &r->original_mail_from,
		&r->original_rcpt_to, &r->auth_failure,
		&r->authentication_results, &r->identity_alignment,
		&r->delivery_result, &r->dkim_domain, &r->dkim_selector,
		&r->spf_dns, &r->orig_headers, &r->orig_message_id,
		&r->orig_from, &r->orig_subject, &r->orig_body };

	ruf_fields_free(r->fields, r->n_fields);
	for (size_t i = 0; i < sizeof(s) / sizeof(s[0]); i++)
		free(*s[i]);
	memset(r, 0, sizeof(*r));
}

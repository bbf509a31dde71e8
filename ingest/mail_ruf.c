/*
 * Building a failure report document from a message (mail_ruf.h):
 * GMime writes the parts back; nothing is parsed here.
 */
#include <string.h>

#include <gmime/gmime.h>

#include "mail_ruf.h"
#include "ruf.h"

/* v if it is a MIME token (RFC 2045 5.1) that needs no quoting, else "" */
static const char *
token(const char *v)
{
	static const char ok[] = "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'()+_,-./:=? ";

	if (v == NULL || v[0] == '\0' || strlen(v) > 200 ||
	    v[strspn(v, ok)] != '\0')
		return "";
	return v;
}

/* the direct child holding the original message or its headers */
static GMimeObject *
original(GMimeMultipart *mp)
{
	GMimeContentType *ct;
	GMimeObject *o;
	int n = g_mime_multipart_get_count(mp);

	for (int i = 0; i < n; i++) {
		o = g_mime_multipart_get_part(mp, i);
		if (GMIME_IS_MESSAGE_PART(o))
			return o;
		ct = g_mime_object_get_content_type(o);
		if (GMIME_IS_PART(o) && (g_mime_content_type_is_type(ct,
		    "text", "rfc822-headers") || g_mime_content_type_is_type(ct,
		    "message", "rfc822-headers")))
			return o;
	}
	return NULL;
}

/* the original as written into the document */
static void
put_original(GString *s, GMimeObject *o, int keep_body)
{
	GMimeMessage *m;
	char *t;

	if (keep_body || !GMIME_IS_MESSAGE_PART(o)) {
		t = g_mime_object_to_string(o, NULL);
	} else if ((m = g_mime_message_part_get_message(
	    GMIME_MESSAGE_PART(o))) != NULL) {
		g_string_append(s, "Content-Type: text/rfc822-headers\n\n");
		t = g_mime_header_list_to_string(g_mime_object_get_header_list(
		    GMIME_OBJECT(m)), NULL);
	} else
		return;
	if (t != NULL)
		g_string_append(s, t);
	g_free(t);
}

char *
mail_ruf_doc(GMimeMultipart *mp, GMimeObject *arf, int keep_body,
    size_t *len)
{
	GMimeContentType *ct = g_mime_object_get_content_type(
	    GMIME_OBJECT(mp));
	const char *b = g_mime_multipart_get_boundary(mp);
	GMimeObject *orig = original(mp);
	GString *s = g_string_new(RUF_DOC_MAGIC);
	char *t;

	if (token(b)[0] == '\0')
		b = "dmarc-rua-failure-report";
	t = g_mime_content_type_get_mime_type(ct);
	/* the type as sent, so the parser can say when it is not ARF's */
	g_string_append_printf(s, "Content-Type: %s; report-type=\"%s\"; "
	    "boundary=\"%s\"\n\n--%s\n", t, token(
	    g_mime_content_type_get_parameter(ct, "report-type")), b, b);
	g_free(t);
	t = g_mime_object_to_string(arf, NULL);
	g_string_append(s, t != NULL ? t : "");
	g_free(t);
	if (orig != NULL) {
		g_string_append_printf(s, "\n--%s\n", b);
		put_original(s, orig, keep_body);
	}
	g_string_append_printf(s, "\n--%s--\n", b);
	*len = s->len;
	return g_string_free(s, FALSE);
}

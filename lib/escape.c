/*
 * Output escaping, one function per sink, for report/ and for diagnostics
 * printed by the tools.  Each function appends a whole escaped value or
 * nothing: on hitting the buffer ceiling the buffer is cut back to where
 * it was, so a half-escaped value (an open CSV quote, a dangling "\u00")
 * never reaches a sink.
 */
#include <stdint.h>
#include <string.h>

#include "escape.h"
#include "utf8.h"

static const char hexdig[] = "0123456789abcdef";

/* undoes a partial append: back to the length the value started at */
static int
escape_undo(struct buf *b, size_t start)
{
	b->len = start;
	if (b->data != NULL)
		b->data[start] = '\0';
	return -1;
}

/* appends "\xNN" for byte c */
static int
escape_hexbyte(struct buf *b, uint8_t c)
{
	char x[4] = { '\\', 'x', hexdig[c >> 4], hexdig[c & 0xF] };

	return buf_add(b, x, sizeof(x));
}

int
escape_json(struct buf *b, const char *s)
{
	size_t start = b->len;
	const char *e;
	int rc;

	for (; *s != '\0'; s++) {
		uint8_t c = (uint8_t)*s;

		e = NULL;
		switch (c) {
		case '"': e = "\\\""; break;
		case '\\': e = "\\\\"; break;
		case '\n': e = "\\n"; break;
		case '\r': e = "\\r"; break;
		case '\t': e = "\\t"; break;
		case '\b': e = "\\b"; break;
		case '\f': e = "\\f"; break;
		}
		if (e != NULL)
			rc = buf_adds(b, e);
		else if (c < 0x20) {
			char u[6] = { '\\', 'u', '0', '0', hexdig[c >> 4],
			    hexdig[c & 0xF] };

			rc = buf_add(b, u, sizeof(u));
		} else
			rc = buf_addc(b, (char)c);
		if (rc == -1)
			return escape_undo(b, start);
	}
	return 0;
}

int
escape_csv(struct buf *b, const char *s)
{
	size_t start = b->len;
	int quote, rc = 0;

	quote = s[strcspn(s, ",\"\r\n")] != '\0';
	if (quote)
		rc = buf_addc(b, '"');
	/* a spreadsheet would run "=cmd" or "@SUM(...)": make it text */
	if (rc == 0 && *s != '\0' && strchr("=+-@\t\r", *s) != NULL)
		rc = buf_addc(b, '\'');
	for (; rc == 0 && *s != '\0'; s++) {
		if (*s == '"')
			rc = buf_add(b, "\"\"", 2);
		else
			rc = buf_addc(b, *s);
	}
	if (rc == 0 && quote)
		rc = buf_addc(b, '"');
	if (rc == -1)
		return escape_undo(b, start);
	return 0;
}

int
escape_html(struct buf *b, const char *s)
{
	size_t start = b->len;
	const char *e;
	int rc;

	for (; *s != '\0'; s++) {
		switch (*s) {
		case '&': e = "&amp;"; break;
		case '<': e = "&lt;"; break;
		case '>': e = "&gt;"; break;
		case '"': e = "&quot;"; break;
		case '\'': e = "&#39;"; break;
		default: e = NULL; break;
		}
		rc = e != NULL ? buf_adds(b, e) : buf_addc(b, *s);
		if (rc == -1)
			return escape_undo(b, start);
	}
	return 0;
}

/*
 * Code points a terminal acts on although they are valid text: C1
 * controls (U+009B is CSI on some terminals) and the bidirectional
 * controls that make a line display in an order other than its bytes'.
 */
static int
escape_term_control(uint32_t cp)
{
	return (cp >= 0x80 && cp <= 0x9F) || cp == 0x061C ||
	    cp == 0x200E || cp == 0x200F ||
	    (cp >= 0x202A && cp <= 0x202E) ||
	    (cp >= 0x2066 && cp <= 0x2069);
}

int
escape_term(struct buf *b, const char *s)
{
	size_t start = b->len, n = strlen(s), i = 0, len;
	uint32_t cp;
	int rc = 0;

	while (rc == 0 && i < n) {
		uint8_t c = (uint8_t)s[i];

		if (c < 0x20 || c == 0x7F) {
			rc = escape_hexbyte(b, c);
			i++;
		} else if (c < 0x80) {
			rc = buf_addc(b, (char)c);
			i++;
		} else if ((len = utf8_decode(s + i, n - i, &cp)) == 0) {
			rc = escape_hexbyte(b, c);
			i++;
		} else if (escape_term_control(cp)) {
			/* every byte shown, so the output names the bytes */
			for (size_t k = 0; rc == 0 && k < len; k++)
				rc = escape_hexbyte(b, (uint8_t)s[i + k]);
			i += len;
		} else {
			rc = buf_add(b, s + i, len);
			i += len;
		}
	}
	if (rc == -1)
		return escape_undo(b, start);
	return 0;
}

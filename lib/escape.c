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
 * controls (U+009B is CSI on some terminals), the bidirectional controls
 * that make a line display in an order other than its bytes', the line
 * and paragraph separators that fake a line break, and the invisible
 * zero width space and byte order mark that make two names look alike.
 */
static int
escape_term_control(uint32_t cp)
{
	return (cp >= 0x80 && cp <= 0x9F) || cp == 0x061C ||
	    cp == 0x200B || cp == 0x200E || cp == 0x200F ||
	    cp == 0x2028 || cp == 0x2029 ||
	    (cp >= 0x202A && cp <= 0x202E) ||
	    (cp >= 0x2066 && cp <= 0x2069) || cp == 0xFEFF;
}

/*
 * Appends the character at s[*i] (of n bytes) as the terminal shows it:
 * C0 controls (but those in keep) and DEL, invalid UTF-8 bytes and the
 * code points above as \xNN for each byte; anything else as it is.
 */
static int
escape_visible_char(struct buf *b, const char *s, size_t n, size_t *i,
    const char *keep)
{
	uint8_t c = (uint8_t)s[*i];
	uint32_t cp;
	size_t len;
	int rc = 0;

	if (c < 0x20 || c == 0x7F) {
		(*i)++;
		if (c != 0 && strchr(keep, (char)c) != NULL)
			return buf_addc(b, (char)c);
		return escape_hexbyte(b, c);
	}
	if (c < 0x80) {
		(*i)++;
		return buf_addc(b, (char)c);
	}
	if ((len = utf8_decode(s + *i, n - *i, &cp)) == 0) {
		(*i)++;
		return escape_hexbyte(b, c);
	}
	if (escape_term_control(cp)) {
		/* every byte shown, so the output names the bytes */
		for (size_t k = 0; rc == 0 && k < len; k++)
			rc = escape_hexbyte(b, (uint8_t)s[*i + k]);
	} else
		rc = buf_add(b, s + *i, len);
	*i += len;
	return rc;
}

int
escape_term(struct buf *b, const char *s)
{
	size_t start = b->len, n = strlen(s), i = 0;
	int rc = 0;

	while (rc == 0 && i < n)
		rc = escape_visible_char(b, s, n, &i, "");
	if (rc == -1)
		return escape_undo(b, start);
	return 0;
}

int
escape_csv(struct buf *b, const char *s)
{
	size_t start = b->len, n = strlen(s), i;
	int quote, rc = 0;

	quote = s[strcspn(s, ",\"\r\n")] != '\0';
	if (quote)
		rc = buf_addc(b, '"');
	/* a spreadsheet would run "=cmd" or "@SUM(...)": make it text */
	if (rc == 0 && *s != '\0' && strchr("=+-@\t\r", *s) != NULL)
		rc = buf_addc(b, '\'');
	for (i = 0; rc == 0 && i < n;) {
		if (s[i] == '"') {
			rc = buf_add(b, "\"\"", 2);
			i++;
		} else
			rc = escape_visible_char(b, s, n, &i, "\t\r\n");
	}
	if (rc == 0 && quote)
		rc = buf_addc(b, '"');
	if (rc == -1)
		return escape_undo(b, start);
	return 0;
}

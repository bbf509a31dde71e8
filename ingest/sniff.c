/*
 * Content sniffing for unpack: the first bytes of a payload say whether it
 * is gzip, zip, XML (optionally behind a UTF-8 or UTF-16 byte order mark),
 * a JSON object (the SMTP TLS report of RFC 8460), nothing at all, or
 * something that is not a report, which is named so the rejection
 * message tells the user what arrived instead ("PNG image", "JSON array
 * (not a report)", the 6-byte "unused" Yahoo sent).
 */
#include <stddef.h>
#include <string.h>

#include "ruf.h"
#include "sniff.h"

static int
is_xml_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static int
has_prefix(const unsigned char *p, size_t n, const char *magic, size_t m)
{
	return n >= m && memcmp(p, magic, m) == 0;
}

/*
 * UTF-16 text from p (after any BOM): XML white space, then '<'.  Returns
 * CONTAINER_XML, CONTAINER_EMPTY (only white space) or CONTAINER_OTHER.
 */
static enum container
sniff_utf16(const unsigned char *p, size_t n, int big_endian)
{
	unsigned int u;

	for (; n >= 2; p += 2, n -= 2) {
		u = big_endian ? (p[0] << 8 | p[1]) : (p[1] << 8 | p[0]);
		if (u < 0x80 && is_xml_space((unsigned char)u))
			continue;
		return u == '<' ? CONTAINER_XML : CONTAINER_OTHER;
	}
	return CONTAINER_EMPTY;
}

/* length of the UTF-8 sequence at p, 0 if invalid; cut at n is valid */
static size_t
utf8_len(const unsigned char *p, size_t n)
{
	size_t len, i;

	if (p[0] < 0x80)
		return 1;
	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		len = 2;
	else if (p[0] >= 0xe0 && p[0] <= 0xef)
		len = 3;
	else if (p[0] >= 0xf0 && p[0] <= 0xf4)
		len = 4;
	else
		return 0;
	for (i = 1; i < len; i++) {
		if (i >= n)
			return n;	/* cut by the sniff window */
		if ((p[i] & 0xc0) != 0x80)
			return 0;
	}
	return len;
}

/* printable ASCII, white space and valid UTF-8 only */
static int
is_text(const unsigned char *p, size_t n)
{
	size_t len;

	while (n > 0) {
		if (p[0] < 0x20 && !is_xml_space(p[0]))
			return 0;
		if (p[0] == 0x7f)
			return 0;
		if ((len = utf8_len(p, n)) == 0)
			return 0;
		p += len;
		n -= len;
	}
	return 1;
}

/*
 * An RFC 5322 message or an mbox: the first line is "From " or a header
 * field, a name of printable ASCII up to a colon ("Received:").
 */
static int
is_mail(const unsigned char *p, size_t n)
{
	size_t i;

	if (has_prefix(p, n, "From ", 5))
		return 1;
	for (i = 0; i < n && p[i] > 0x20 && p[i] < 0x7f && p[i] != ':'; i++)
		;
	return i > 0 && i < n && p[i] == ':';
}

static enum container
sniff_text(const unsigned char *p, size_t n, const char **what)
{
	while (n > 0 && is_xml_space(*p)) {
		p++;
		n--;
	}
	if (n == 0) {
		*what = "empty input";
		return CONTAINER_EMPTY;
	}
	if (*p == '<') {
		*what = "XML";
		return CONTAINER_XML;
	}
	if (*p == '{') {
		*what = "JSON";
		return CONTAINER_JSON;
	}
	if (*p == '[')
		*what = "JSON array (not a report)";
	else if (is_text(p, n) && is_mail(p, n))
		*what = "e-mail message";
	else if (is_text(p, n))
		*what = "plain text";
	else
		*what = "binary data";
	return CONTAINER_OTHER;
}

static enum container
sniff_bom16(const unsigned char *p, size_t n, int big_endian,
    const char **what)
{
	enum container c = sniff_utf16(p, n, big_endian);

	*what = c == CONTAINER_XML ? "XML" :
	    c == CONTAINER_EMPTY ? "empty input" : "binary data";
	return c;
}

enum container
sniff(const void *v, size_t n, const char **what)
{
	const unsigned char *p = v;
	const char *dummy;

	if (what == NULL)
		what = &dummy;
	if (n == 0) {
		*what = "empty input";
		return CONTAINER_EMPTY;
	}
	if (has_prefix(p, n, "\x1f\x8b", 2)) {
		*what = "gzip";
		return CONTAINER_GZIP;
	}
	if (has_prefix(p, n, "PK\3\4", 4) || has_prefix(p, n, "PK\5\6", 4)) {
		*what = "zip";
		return CONTAINER_ZIP;
	}
	if (has_prefix(p, n, RUF_DOC_MAGIC, RUF_DOC_MAGIC_LEN)) {
		*what = "DMARC failure report";
		return CONTAINER_ARF;
	}
	/* TNEF's signature 0x223e9f78, little-endian (MS-OXTNEF 2.1.3.1) */
	if (has_prefix(p, n, "\x78\x9f\x3e\x22", 4)) {
		*what = "TNEF";
		return CONTAINER_TNEF;
	}
	if (has_prefix(p, n, "\x89PNG\r\n\x1a\n", 8)) {
		*what = "PNG image";
		return CONTAINER_OTHER;
	}
	if (has_prefix(p, n, "%PDF-", 5)) {
		*what = "PDF document";
		return CONTAINER_OTHER;
	}
	if (has_prefix(p, n, "\xff\xfe", 2))
		return sniff_bom16(p + 2, n - 2, 0, what);
	if (has_prefix(p, n, "\xfe\xff", 2))
		return sniff_bom16(p + 2, n - 2, 1, what);
	if (has_prefix(p, n, "<\0?\0", 4))
		return sniff_bom16(p, n, 0, what);
	if (has_prefix(p, n, "\0<\0?", 4))
		return sniff_bom16(p, n, 1, what);
	if (has_prefix(p, n, "\xef\xbb\xbf", 3))
		return sniff_text(p + 3, n - 3, what);
	return sniff_text(p, n, what);
}

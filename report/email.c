/*
 * The RFC 5322 message of email.h: renders the text and HTML digests into
 * memory, then writes headers and the two parts with their transfer
 * encodings (quoted-printable, RFC 2045 6.7; base64, RFC 2045 6.8) and
 * the Subject as RFC 2047 encoded words when it needs them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "email.h"
#include "hash.h"
#include "utf8.h"

/* characters per encoded body line (RFC 2045: at most 76) */
#define LINE		76
/* UTF-8 bytes per encoded word: 4 * 39 / 3 + 12 = 64 columns, after
   "Subject: " 73 */
#define WORD_BYTES	39

int
email_check_address(const char *a, char *err, size_t errlen)
{
	size_t i, n = a ? strlen(a) : 0;

	if (n == 0 || n > MAX_EMAIL_HEADER) {
		snprintf(err, errlen, "not an e-mail address (empty or too "
		    "long): '%.80s'", a ? a : "");
		return -1;
	}
	for (i = 0; i < n; i++)
		if ((unsigned char)a[i] < 0x20 || (unsigned char)a[i] > 0x7e) {
			snprintf(err, errlen, "e-mail address with a control "
			    "or non-ASCII character: '%.80s'", a);
			return -1;
		}
	if (strchr(a, '@') == NULL) {
		snprintf(err, errlen, "e-mail address without '@': '%.80s'",
		    a);
		return -1;
	}
	return 0;
}

void
email_qp(FILE *f, const char *p, size_t n)
{
	size_t i, col = 0;
	unsigned char c;
	char enc[4];
	size_t w;

	for (i = 0; i < n; i++) {
		c = (unsigned char)p[i];
		if (c == '\n') {
			fputc('\n', f);
			col = 0;
			continue;
		}
		/*
		 * Blanks before a line end and every non-printable are coded;
		 * so are a '.' or 'F' starting a line, which a sendmail pipe
		 * could take for the end of input or an mbox "From ".
		 */
		if (col == 0 && (c == '.' || c == 'F'))
			snprintf(enc, sizeof(enc), "=%02X", c);
		else if ((c >= 33 && c <= 126 && c != '=') || ((c == ' ' ||
		    c == '\t') && i + 1 < n && p[i + 1] != '\n')) {
			enc[0] = (char)c;
			enc[1] = '\0';
		} else
			snprintf(enc, sizeof(enc), "=%02X", c);
		w = strlen(enc);
		if (col + w > LINE - 1) {
			fputs("=\n", f);
			col = 0;
		}
		fputs(enc, f);
		col += w;
	}
	if (col > 0)
		fputs("=\n", f);
}

static const char b64[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* base64 of p[0..n) without line breaks */
static void
b64_run(FILE *f, const unsigned char *p, size_t n, size_t *col)
{
	size_t i;
	unsigned long v;

	for (i = 0; i < n; i += 3) {
		v = (unsigned long)p[i] << 16;
		if (i + 1 < n)
			v |= (unsigned long)p[i + 1] << 8;
		if (i + 2 < n)
			v |= p[i + 2];
		fputc(b64[(v >> 18) & 63], f);
		fputc(b64[(v >> 12) & 63], f);
		fputc(i + 1 < n ? b64[(v >> 6) & 63] : '=', f);
		fputc(i + 2 < n ? b64[v & 63] : '=', f);
		if (col != NULL && (*col += 4) >= LINE) {
			fputc('\n', f);
			*col = 0;
		}
	}
}

void
email_base64(FILE *f, const unsigned char *p, size_t n)
{
	size_t col = 0;

	b64_run(f, p, n, &col);
	if (col > 0)
		fputc('\n', f);
}

void
email_subject(FILE *f, const char *s)
{
	size_t i, n = strlen(s), len;
	int plain = 1;

	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] > 0x7e)
			plain = 0;
	if (plain) {
		fprintf(f, "Subject: %s\n", s);
		return;
	}
	fputs("Subject:", f);
	for (i = 0; i < n; i += len) {
		/* whole UTF-8 sequences only; a bad byte goes alone */
		for (len = 0; i + len < n && len < WORD_BYTES;) {
			size_t k = utf8_decode(s + i + len, n - i - len, NULL);

			if (k == 0)
				k = 1;
			if (len + k > WORD_BYTES)
				break;
			len += k;
		}
		fputs(i ? "\n =?UTF-8?B?" : " =?UTF-8?B?", f);
		b64_run(f, (const unsigned char *)s + i, len, NULL);
		fputs("?=", f);
	}
	fputs("\n", f);
}

/* RFC 5322 date-time of t, UTC */
static void
date_header(FILE *f, int64_t t)
{
	static const char *const wd[] = { "Sun", "Mon", "Tue", "Wed", "Thu",
	    "Fri", "Sat" };
	static const char *const mo[] = { "Jan", "Feb", "Mar", "Apr", "May",
	    "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	time_t tt = (time_t)t;
	struct tm tm;

	gmtime_r(&tt, &tm);
	fprintf(f, "Date: %s, %d %s %04d %02d:%02d:%02d +0000\n",
	    wd[tm.tm_wday], tm.tm_mday, mo[tm.tm_mon], tm.tm_year + 1900,
	    tm.tm_hour, tm.tm_min, tm.tm_sec);
}

/* the host part of an address for Message-ID: "user@host>" gives host */
static void
id_host(const char *from, char *out, size_t outlen)
{
	const char *at = strrchr(from, '@');
	size_t n = 0;

	if (at != NULL)
		for (at++; at[n] != '\0' && at[n] != '>' && at[n] != ' ' &&
		    n + 1 < outlen; n++)
			out[n] = at[n];
	out[n] = '\0';
	if (n == 0)
		snprintf(out, outlen, "dmarc-report.invalid");
}

/* renders one format into memory; *p caller frees */
static int
capture(const struct digest *d, int html, char **p, size_t *n)
{
	FILE *m;
	int rc;

	*p = NULL;
	*n = 0;
	if ((m = open_memstream(p, n)) == NULL)
		return -1;
	rc = html ? digest_render_html(m, d) : digest_render_text(m, d);
	if (fclose(m) != 0)
		rc = -1;
	return rc;
}

static int
check_opts(const struct email_opts *o, char *err, size_t errlen)
{
	size_t i;

	if (o->from == NULL) {
		snprintf(err, errlen, "--format email: no sender: give --from "
		    "or 'from =' in the config file");
		return -1;
	}
	if (o->n_to == 0) {
		snprintf(err, errlen, "--format email: no recipient: give --to "
		    "or 'to =' in the config file");
		return -1;
	}
	if (email_check_address(o->from, err, errlen) == -1)
		return -1;
	for (i = 0; i < o->n_to; i++)
		if (email_check_address(o->to[i], err, errlen) == -1)
			return -1;
	return 0;
}

static void
headers(FILE *f, const struct digest *d, const struct email_opts *o,
    const char *hex)
{
	char subject[512], host[256], label[64];
	size_t i;

	if (o->subject != NULL)
		snprintf(subject, sizeof(subject), "%s", o->subject);
	else
		digest_subject(d, subject, sizeof(subject));
	digest_label(d, label, sizeof(label));
	id_host(o->from, host, sizeof(host));
	fprintf(f, "From: %s\nTo: ", o->from);
	for (i = 0; i < o->n_to; i++)
		fprintf(f, "%s%s", i ? ",\n " : "", o->to[i]);
	fputs("\n", f);
	email_subject(f, subject);
	date_header(f, d->now);
	fprintf(f, "Message-ID: <dmarc-digest.%.24s@%s>\n", hex, host);
	fprintf(f, "MIME-Version: 1.0\nAuto-Submitted: auto-generated\n"
	    "Content-Type: multipart/alternative;\n boundary=\"=_dmarc-"
	    "digest-%.32s\"\n\nThis is a digest in MIME format: a text and "
	    "an HTML version.\n", hex);
	(void)label;
}

int
digest_render_email(FILE *f, const struct digest *d,
    const struct email_opts *o, char *err, size_t errlen)
{
	char *text = NULL, *html = NULL, hex[HASH_HEX_LEN];
	uint8_t dig[HASH_LEN];
	struct hash h;
	size_t nt, nh;
	int rc = -1;

	if (check_opts(o, err, errlen) == -1)
		return -1;
	if (capture(d, 0, &text, &nt) == -1 ||
	    capture(d, 1, &html, &nh) == -1) {
		snprintf(err, errlen, "cannot render the digest in memory");
		goto out;
	}
	hash_init(&h);
	hash_add(&h, text, nt);
	hash_add(&h, html, nh);
	hash_add(&h, &d->now, sizeof(d->now));
	hash_final(&h, dig);
	hash_hex(dig, hex);
	headers(f, d, o, hex);
	fprintf(f, "\n--=_dmarc-digest-%.32s\nContent-Type: text/plain; "
	    "charset=UTF-8\nContent-Transfer-Encoding: quoted-printable\n\n",
	    hex);
	email_qp(f, text, nt);
	fprintf(f, "\n--=_dmarc-digest-%.32s\nContent-Type: text/html; "
	    "charset=UTF-8\nContent-Transfer-Encoding: base64\n\n", hex);
	email_base64(f, (const unsigned char *)html, nh);
	fprintf(f, "\n--=_dmarc-digest-%.32s--\n", hex);
	if (ferror(f))
		snprintf(err, errlen, "write failed");
	else
		rc = 0;
out:
	free(text);
	free(html);
	return rc;
}

/*
 * The RFC 5322 message of email.h: renders the text and HTML digests into
 * memory, then writes headers and the two parts with their transfer
 * encodings (quoted-printable, RFC 2045 6.7; base64, RFC 2045 6.8) and
 * the Subject and non-ASCII display names as RFC 2047 encoded words.
 */
#include <sys/socket.h>

#include <netdb.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "domain.h"
#include "email.h"
#include "hash.h"
#include "limits.h"
#include "utf8.h"
#include "xalloc.h"

/* characters per encoded body line (RFC 2045: at most 76) */
#define LINE		76
/* UTF-8 bytes per encoded word: 4 * 39 / 3 + 12 = 64 columns, after
   "Subject: " 73 */
#define WORD_BYTES	39

/* RFC 5322 atext, for a display name that needs no quoting */
static int
is_atext(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || (c != '\0' &&
	    strchr("!#$%&'*+-/=?^_`{|}~", c) != NULL);
}

/* the addr-spec: ASCII local@domain, no blank, no special */
static int
check_spec(const char *s, size_t n, const char *in, char *err,
    size_t errlen)
{
	size_t i, at = n;

	for (i = 0; i < n; i++) {
		if ((unsigned char)s[i] > 0x7e) {
			snprintf(err, errlen, "e-mail address with a non-ASCII "
			    "character outside the display name (only the "
			    "name may be UTF-8): '%.80s'", in);
			return -1;
		}
		if (s[i] == '@' && at == n)
			at = i;
		else if (!is_atext(s[i]) && s[i] != '.' && s[i] != '-') {
			snprintf(err, errlen, "not an e-mail address (give "
			    "user@host or 'Name <user@host>'): '%.80s'", in);
			return -1;
		}
	}
	if (at == n || at == 0 || at + 1 == n) {
		snprintf(err, errlen, "e-mail address without 'user@host': "
		    "'%.80s'", in);
		return -1;
	}
	return 0;
}

static void
trim(const char **s, size_t *n)
{
	while (*n > 0 && **s == ' ') {
		(*s)++;
		(*n)--;
	}
	while (*n > 0 && (*s)[*n - 1] == ' ')
		(*n)--;
}

/* the display name, its quotes (and their backslashes) taken off */
static void
copy_name(struct email_addr *a, const char *s, size_t n)
{
	size_t i, k = 0;

	if (n >= 2 && s[0] == '"' && s[n - 1] == '"') {
		s++;
		n -= 2;
		for (i = 0; i < n; i++) {
			if (s[i] == '\\' && i + 1 < n)
				i++;
			a->name[k++] = s[i];
		}
	} else {
		memcpy(a->name, s, n);
		k = n;
	}
	a->name[k] = '\0';
}

int
email_parse_address(const char *in, struct email_addr *a, char *err,
    size_t errlen)
{
	const char *s = in ? in : "", *lt, *spec = s;
	size_t i, n = strlen(s), sn = n;

	memset(a, 0, sizeof(*a));
	if (n == 0 || n > MAX_EMAIL_HEADER) {
		snprintf(err, errlen, "not an e-mail address (empty or too "
		    "long): '%.80s'", s);
		return -1;
	}
	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f) {
			/* not echoed: it would reach the terminal raw */
			snprintf(err, errlen, "e-mail address with a control "
			    "character (CR, LF...: header injection) at byte "
			    "%zu", i + 1);
			return -1;
		}
	if (!utf8_valid(s, n)) {
		snprintf(err, errlen, "e-mail address not valid UTF-8: "
		    "'%.80s'", s);
		return -1;
	}
	if (s[n - 1] == '>' && (lt = strrchr(s, '<')) != NULL) {
		spec = lt + 1;
		sn = (size_t)(s + n - 1 - spec);
		i = (size_t)(lt - s);
		trim(&s, &i);
		copy_name(a, s, i);
	}
	trim(&spec, &sn);
	if (check_spec(spec, sn, in, err, errlen) == -1)
		return -1;
	memcpy(a->spec, spec, sn);
	a->spec[sn] = '\0';
	return 0;
}

int
email_check_address(const char *in, char *err, size_t errlen)
{
	struct email_addr a;

	return email_parse_address(in, &a, err, errlen);
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

/*
 * s[0..n) as RFC 2047 "B" encoded words of whole UTF-8 sequences, the
 * first after a blank, the others each on a folded line.  Returns the
 * column after the last word, counted from col.
 */
static size_t
encoded_words(FILE *f, const char *s, size_t n, size_t col)
{
	size_t i, len, k, whole;

	for (i = 0; i < n; i += len) {
		/*
		 * Whole UTF-8 sequences only (a bad byte goes alone), and a
		 * multiple of 3 bytes where one fits: decoders that join the
		 * words of one charset before decoding (GMime) stop at a
		 * '=' pad in the middle.
		 */
		for (len = whole = 0; i + len < n && len < WORD_BYTES;
		    len += k) {
			if ((k = utf8_decode(s + i + len, n - i - len,
			    NULL)) == 0)
				k = 1;
			if (len + k > WORD_BYTES)
				break;
			if ((len + k) % 3 == 0)
				whole = len + k;
		}
		if (whole > 0 && i + len < n)
			len = whole;
		fputs(i ? "\n =?UTF-8?B?" : " =?UTF-8?B?", f);
		col = (i ? 1 : col + 1) + 12 + 4 * ((len + 2) / 3);
		b64_run(f, (const unsigned char *)s + i, len, NULL);
		fputs("?=", f);
	}
	return col;
}

static int
printable_ascii(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7e)
			return 0;
	return 1;
}

void
email_subject(FILE *f, const char *s)
{
	if (printable_ascii(s)) {
		/* folded at spaces so that no line passes 78 (RFC 5322 2.1.1) */
		size_t col = strlen("Subject:");

		fputs("Subject:", f);

		while (*s != '\0') {
			size_t sp = strspn(s, " "), w = strcspn(s + sp, " ");

			if (col + 1 + w > 78 && col > 9) {
				fputs("\n", f);
				col = 0;
			}
			fprintf(f, " %.*s", (int)w, s + sp);
			col += 1 + w;
			s += sp + w;
		}
		fputs("\n", f);
	} else {
		fputs("Subject:", f);
		encoded_words(f, s, strlen(s), 8);
		fputs("\n", f);
	}
}

void
email_address(FILE *f, const struct email_addr *a, size_t col)
{
	const char *p;
	int atoms = 1;

	if (a->name[0] == '\0') {
		fprintf(f, " %s", a->spec);
		return;
	}
	for (p = a->name; *p != '\0'; p++)
		if (!is_atext(*p) && *p != ' ')
			atoms = 0;
	if (!printable_ascii(a->name))
		col = encoded_words(f, a->name, strlen(a->name), col);
	else if (atoms)
		col += fprintf(f, " %s", a->name);
	else {
		/* a quoted-string: only '"' and '\' need a backslash */
		fputs(" \"", f);
		for (p = a->name; *p != '\0'; p++)
			fprintf(f, "%s%c", *p == '"' || *p == '\\' ? "\\" :
			    "", *p);
		fputs("\"", f);
		col += strlen(a->name) + 3;
	}
	fputs(col + strlen(a->spec) + 3 > 78 ? "\n <" : " <", f);
	fprintf(f, "%s>", a->spec);
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

/*
 * The sender when none is configured: dmarc-report@ the fully qualified
 * host name (the canonical name of gethostname(), as the resolver knows
 * it), else the bare host name.  Returns 0, or -1 if neither is a
 * usable domain.
 */
int
email_default_from(char *out, size_t outlen)
{
	struct addrinfo hints, *res = NULL;
	char host[MAX_DOMAIN_LEN + 2], norm[MAX_DOMAIN_LEN + 2];
	const char *name = host;
	int rc = -1;

	if (gethostname(host, sizeof(host)) == -1)
		return -1;
	host[sizeof(host) - 1] = '\0';
	memset(&hints, 0, sizeof(hints));
	hints.ai_flags = AI_CANONNAME;
	if (strchr(host, '.') == NULL && getaddrinfo(host, NULL, &hints,
	    &res) == 0 && res->ai_canonname != NULL)
		name = res->ai_canonname;
	if ((size_t)snprintf(norm, sizeof(norm), "%s", name) < sizeof(norm) &&
	    domain_normalize(norm) == 0 && (size_t)snprintf(out, outlen,
	    "dmarc-report@%s", norm) < outlen)
		rc = 0;
	if (res != NULL)
		freeaddrinfo(res);
	return rc;
}

/*
 * The recipient when none is configured: the login name of the user
 * running the command, unqualified, as cron mails a job's output; the
 * MTA behind sendmail -t qualifies it and delivers it locally (aliases
 * usually send root to the postmaster).  Returns 0, or -1 if the user
 * has no passwd entry or an unusual name.
 */
int
email_default_to(char *out, size_t outlen)
{
	struct passwd *pw = getpwuid(getuid());
	const char *p;

	if (pw == NULL || pw->pw_name == NULL || pw->pw_name[0] == '\0' ||
	    pw->pw_name[0] == '-')
		return -1;
	for (p = pw->pw_name; *p != '\0'; p++)
		if (!is_atext(*p) && *p != '.')
			return -1;
	return (size_t)snprintf(out, outlen, "%s", pw->pw_name) < outlen ?
	    0 : -1;
}

/* the parsed From and To addresses of one message */
struct addrs {
	struct email_addr from;
	struct email_addr to[MAX_EMAIL_TO];
	size_t		 n_to;
};

static int
check_opts(const struct email_opts *o, struct addrs *ad, char *err,
    size_t errlen)
{
	char def[MAX_EMAIL_HEADER + 1];
	size_t i;

	if (o->from != NULL) {
		if (email_parse_address(o->from, &ad->from, err, errlen) == -1)
			return -1;
	} else if (email_default_from(def, sizeof(def)) == -1 ||
	    email_parse_address(def, &ad->from, err, errlen) == -1) {
		snprintf(err, errlen, "--format email: no sender: the host "
		    "name is not a domain; give --from or 'from =' in the "
		    "config file");
		return -1;
	}
	if (o->n_to > MAX_EMAIL_TO) {
		snprintf(err, errlen, "--format email: %zu recipients; at most "
		    "%d", o->n_to, MAX_EMAIL_TO);
		return -1;
	}
	for (i = 0; i < o->n_to; i++)
		if (email_parse_address(o->to[i], &ad->to[i], err,
		    errlen) == -1)
			return -1;
	ad->n_to = i;
	if (ad->n_to == 0) {
		if (email_default_to(ad->to[0].spec,
		    sizeof(ad->to[0].spec)) == -1) {
			snprintf(err, errlen, "--format email: no recipient: "
			    "the user has no usable login name; give --to or "
			    "'to =' in the config file");
			return -1;
		}
		ad->n_to = 1;
	}
	return 0;
}

static void
headers(FILE *f, const struct digest *d, const struct email_opts *o,
    const struct addrs *ad, const char *hex)
{
	char subject[512];
	size_t i;

	if (o->subject != NULL)
		snprintf(subject, sizeof(subject), "%s", o->subject);
	else
		digest_subject(d, subject, sizeof(subject));
	fputs("From:", f);
	email_address(f, &ad->from, 5);
	fputs("\nTo:", f);
	for (i = 0; i < ad->n_to; i++) {
		if (i > 0)
			fputs(",\n", f);
		email_address(f, &ad->to[i], i ? 0 : 3);
	}
	fputs("\n", f);
	email_subject(f, subject);
	date_header(f, d->now);
	fprintf(f, "Message-ID: <dmarc-digest.%.24s@%s>\n", hex,
	    strchr(ad->from.spec, '@') + 1);
	fprintf(f, "MIME-Version: 1.0\nAuto-Submitted: auto-generated\n"
	    "Content-Type: multipart/alternative;\n boundary=\"=_dmarc-"
	    "digest-%.32s\"\n\nThis is a digest in MIME format: a text and "
	    "an HTML version.\n", hex);
}

int
digest_render_email(FILE *f, const struct digest *d,
    const struct email_opts *o, char *err, size_t errlen)
{
	char *text = NULL, *html = NULL, hex[HASH_HEX_LEN];
	uint8_t dig[HASH_LEN];
	struct hash h;
	struct addrs *ad = xcalloc(1, sizeof(*ad));
	size_t nt, nh;
	int rc = -1;

	if (check_opts(o, ad, err, errlen) == -1)
		goto out;
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
	headers(f, d, o, ad, hex);
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
	free(ad);
	free(text);
	free(html);
	return rc;
}

/*
 * The IMAP source (imap.h).  libcurl opens the connection and does what is
 * hard to get right: TLS and its verification, STARTTLS, the netrc file,
 * the login (CURLOPT_CONNECT_ONLY stops right after it).  The session is
 * then ours, spoken over curl_easy_send/curl_easy_recv, because libcurl's
 * own IMAP requests cannot do what this source needs: they cut response
 * lines at about 8 KB and untagged answers at 300 KB, fetch with BODY[]
 * (which sets \Seen) and SELECT again per request.  The reader below takes
 * one response line at a time, at most MAX_IMAP_LINE bytes, streams the
 * message literal of a FETCH straight to a temporary file, and treats any
 * line it needs but could not read whole as an error.
 *
 * One SELECT per run.  The mailbox is walked in windows of MAX_IMAP_SEARCH
 * message sequence numbers: "UID SEARCH lo:hi UNSEEN UNDELETED" answers
 * with at most that many UIDs, whatever the mailbox holds; the window
 * cursor follows the server's EXPUNGE responses, so messages moved away
 * meanwhile shift nothing out of sight.  Each message is fetched with
 * BODY.PEEK[], ingested, and marked (\Seen, moved) after its batch's
 * commit.
 */
#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <curl/curl.h>

#include "buf.h"
#include "curlload.h"
#include "fdio.h"
#include "imap.h"
#include "ingest.h"
#include "limits.h"
#include "mailsource.h"
#include "xalloc.h"

/* what the response reader does with the untagged lines it meets */
enum want {
	WANT_NONE,
	WANT_SEARCH,		/* * SEARCH: UIDs into uids[] */
	WANT_BODY,		/* * n FETCH (... BODY[] {n}: into fd */
	WANT_SIZE,		/* * n FETCH (... RFC822.SIZE n */
};

/* one run's session */
struct imap {
	const struct imap_options *opt;
	CURL		*curl;
	curl_socket_t	 sock;
	char		 errbuf[CURL_ERROR_SIZE];
	char		*err;		/* the caller's message buffer */
	size_t		 errlen;
	enum imap_status status;	/* class of the error in err */
	char		*url;		/* mailbox URL, normalised */
	char		*mailbox;	/* mailbox, IMAP quoted string */
	char		*folder;	/* --imap-move-to, quoted, or NULL */
	int		 has_move;	/* RFC 6851 MOVE */
	int		 has_uidplus;	/* RFC 4315 UID EXPUNGE */
	unsigned	 tag;		/* number of the last command's tag */
	char		 in[16384];	/* received, not yet read */
	size_t		 in_pos, in_len;
	struct buf	 line;		/* the response line at hand */
	int		 line_cut;	/* longer than MAX_IMAP_LINE: cut */
	char		 last;		/* its last byte before CRLF */
	uint32_t	 uidvalidity;
	uint32_t	 exists;	/* messages in the mailbox */
	uint32_t	 next;		/* first sequence number not searched */
	enum want	 want;
	uint32_t	 uids[MAX_IMAP_SEARCH];	/* a window's UIDs */
	size_t		 n_uids;
	uint32_t	 uid;		/* WANT_BODY, WANT_SIZE: the message */
	int		 fd;		/* temporary file for one message */
	int		 got_body;	/* the literal reached fd */
	int		 got_uid;	/* the FETCH line named uid */
	int		 too_large;	/* over MAX_MESSAGE_BYTES: discarded */
	uint64_t	 size;		/* WANT_SIZE: RFC822.SIZE */
	size_t		 listed;	/* LIST lines of the last command */
	uint32_t	 marks[IMAP_MARK_BATCH]; /* settled, not yet marked */
	uint64_t	 mark_batch[IMAP_MARK_BATCH]; /* their batches */
	size_t		 n_marks;
	int		 failed;	/* err holds the first error */
};

/* writes "URL: what" into the caller's err, with the error's class */
static int
failf(struct imap *im, enum imap_status status, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (im->failed)
		return -1;	/* the first error is the one to tell */
	im->failed = 1;
	n = snprintf(im->err, im->errlen, "%s: ", im->url != NULL ? im->url :
	    im->opt->url);
	va_start(ap, fmt);
	if (n >= 0 && (size_t)n < im->errlen)
		vsnprintf(im->err + n, im->errlen - (size_t)n, fmt, ap);
	va_end(ap);
	im->status = status;
	return -1;
}

/*
 * Appends s as an IMAP quoted string (RFC 3501 section 4.3); -1 for bytes
 * a quoted string cannot hold or that we do not send (controls, 8-bit).
 */
static int
quote_mailbox(struct buf *b, const char *s)
{
	buf_addc(b, '"');
	for (; *s != '\0'; s++) {
		if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7e)
			return -1;
		if (*s == '"' || *s == '\\')
			buf_addc(b, '\\');
		buf_addc(b, *s);
	}
	return buf_addc(b, '"');
}

/* the part of u, or NULL when absent (caller frees with curl_free) */
static char *
url_part(CURLU *u, CURLUPart what, unsigned flags)
{
	char *p = NULL;

	if (curl_api.url_get(u, what, &p, flags) != CURLUE_OK)
		return NULL;
	return p;
}

/* checks the URL's parts; on success sets the normalised path */
static int
url_check_parts(CURLU *u, char *err, size_t errlen)
{
	char *scheme = url_part(u, CURLUPART_SCHEME, 0);
	char *pass = url_part(u, CURLUPART_PASSWORD, 0);
	char *query = url_part(u, CURLUPART_QUERY, 0);
	char *frag = url_part(u, CURLUPART_FRAGMENT, 0);
	char *path = url_part(u, CURLUPART_PATH, 0);
	int rc = -1;

	if (scheme == NULL || (strcmp(scheme, "imap") != 0 &&
	    strcmp(scheme, "imaps") != 0))
		snprintf(err, errlen, "the URL must begin with imaps:// "
		    "or imap://");
	else if (pass != NULL)
		snprintf(err, errlen, "the URL must not hold a password: "
		    "set $%s or use a netrc file", IMAP_PASSWORD_ENV);
	else if (query != NULL || frag != NULL)
		snprintf(err, errlen, "the URL must name a mailbox, without "
		    "'?' or '#'");
	else if (path != NULL && strchr(path, ';') != NULL)
		snprintf(err, errlen, "the URL must name a mailbox, not a "
		    "message (';' in its path)");
	else
		rc = 0;
	curl_api.free(scheme);
	curl_api.free(pass);
	curl_api.free(query);
	curl_api.free(frag);
	curl_api.free(path);
	return rc;
}

/*
 * Parses the URL: checked, with its path reduced to the mailbox (INBOX
 * when empty).  Returns 0 with the URL in *url and the decoded mailbox in
 * *mailbox (both caller frees, either pointer may be NULL), or -1.
 */
static int
url_parse(const char *s, char **url, char **mailbox, char *err,
    size_t errlen)
{
	CURLU *u = curl_api.url();
	char *path = NULL, *dec = NULL, *full = NULL;
	size_t n;
	int rc = -1;

	if (u == NULL)
		abort();
	if (curl_api.url_set(u, CURLUPART_URL, s, 0) != CURLUE_OK) {
		snprintf(err, errlen, "'%s' is not a URL", s);
		goto out;
	}
	if (url_check_parts(u, err, errlen) == -1)
		goto out;
	path = url_part(u, CURLUPART_PATH, 0);
	n = path == NULL ? 0 : strlen(path);
	while (n > 0 && path[n - 1] == '/')
		path[--n] = '\0';
	if (curl_api.url_set(u, CURLUPART_PATH, n == 0 ? "/INBOX" : path, 0) !=
	    CURLUE_OK || (dec = url_part(u, CURLUPART_PATH,
	    CURLU_URLDECODE)) == NULL ||
	    (full = url_part(u, CURLUPART_URL, 0)) == NULL) {
		snprintf(err, errlen, "'%s' is not a usable IMAP URL", s);
		goto out;
	}
	if (url != NULL)
		*url = xstrdup(full);
	if (mailbox != NULL)
		*mailbox = xstrdup(dec + 1);
	rc = 0;
out:
	curl_api.free(path);
	curl_api.free(dec);
	curl_api.free(full);
	curl_api.url_cleanup(u);
	return rc;
}

/* quotes name for a command; NULL when it cannot be sent */
static char *
quoted(const char *name)
{
	struct buf b;

	buf_init(&b, 4 * MAX_SHORT_TEXT);
	if (*name == '\0' || quote_mailbox(&b, name) == -1) {
		buf_release(&b);
		return NULL;
	}
	return buf_detach(&b, NULL);
}

int
imap_check(const struct imap_options *o, char *err, size_t errlen)
{
	char *mailbox = NULL, *q = NULL;
	int rc = -1;

	if (curl_load(err, errlen) == -1)
		return -1;
	if (url_parse(o->url, NULL, &mailbox, err, errlen) == -1)
		goto out;
	if ((q = quoted(mailbox)) == NULL) {
		snprintf(err, errlen, "the mailbox name in the URL must be "
		    "printable ASCII");
		goto out;
	}
	free(q);
	q = NULL;
	if (o->move_to != NULL && (q = quoted(o->move_to)) == NULL) {
		snprintf(err, errlen, "--imap-move-to takes a folder name in "
		    "printable ASCII");
		goto out;
	}
	rc = 0;
out:
	free(q);
	free(mailbox);
	return rc;
}

static void
warn(struct imap *im, const char *msg)
{
	if (im->opt->warn != NULL)
		im->opt->warn(im->opt->warn_arg, msg);
}

/* a netrc file others may read gives the password away: say so */
static void
netrc_check_mode(struct imap *im, const char *path)
{
	struct stat sb;
	char msg[4200];

	if (stat(path, &sb) == 0 && (sb.st_mode & 077) != 0) {
		snprintf(msg, sizeof(msg), "%s: warning: the netrc file is "
		    "readable by group or others (mode %03o): chmod 600 it",
		    path, (unsigned)(sb.st_mode & 0777));
		warn(im, msg);
	}
}

/* where the password comes from: $DMARC_IMAP_PASSWORD, else netrc */
static int
set_credentials(struct imap *im)
{
	const char *pw = getenv(IMAP_PASSWORD_ENV), *home;
	char path[4096];

	if (pw != NULL) {
		curl_api.easy_setopt(im->curl, CURLOPT_PASSWORD, pw);
		return 0;
	}
	if (im->opt->netrc_file != NULL)
		snprintf(path, sizeof(path), "%s", im->opt->netrc_file);
	else if ((home = getenv("HOME")) != NULL)
		snprintf(path, sizeof(path), "%s/.netrc", home);
	else
		path[0] = '\0';
	if (path[0] == '\0' || access(path, R_OK) == -1) {
		if (im->opt->netrc_file != NULL && path[0] != '\0')
			return failf(im, IMAP_CONFIG, "cannot read netrc file "
			    "'%s': %s", path, strerror(errno));
		return failf(im, IMAP_CONFIG, "no password: set $%s or put "
		    "the account in ~/.netrc (or name a file with "
		    "--netrc-file)", IMAP_PASSWORD_ENV);
	}
	netrc_check_mode(im, path);
	curl_api.easy_setopt(im->curl, CURLOPT_NETRC, (long)CURL_NETRC_OPTIONAL);
	curl_api.easy_setopt(im->curl, CURLOPT_NETRC_FILE, path);
	return 0;
}

/* whether the URL's host is this machine: imap:// stays plain there */
static int
is_loopback(const char *url)
{
	CURLU *u = curl_api.url();
	char *host = NULL;
	int yes = 0;

	if (u != NULL && curl_api.url_set(u, CURLUPART_URL, url, 0) ==
	    CURLUE_OK && (host = url_part(u, CURLUPART_HOST, 0)) != NULL)
		yes = strcmp(host, "localhost") == 0 ||
		    strcmp(host, "127.0.0.1") == 0 ||
		    strcmp(host, "[::1]") == 0;
	curl_api.free(host);
	curl_api.url_cleanup(u);
	return yes;
}

/*
 * What a failed connection and login means: a later run can fix a server
 * that is down or unreachable; a refused login, an untrusted certificate,
 * a server without STARTTLS need the operator.
 */
static enum imap_status
connect_status(CURLcode rc)
{
	switch (rc) {
	case CURLE_LOGIN_DENIED:
	case CURLE_AUTH_ERROR:
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_ISSUER_ERROR:
	case CURLE_USE_SSL_FAILED:
	case CURLE_URL_MALFORMAT:
	case CURLE_UNSUPPORTED_PROTOCOL:
	case CURLE_NOT_BUILT_IN:
		return IMAP_CONFIG;
	default:
		return IMAP_TEMPORARY;
	}
}

/*
 * Connects and logs in.  imap:// must upgrade with STARTTLS (verified
 * like imaps://) unless the server is this machine (localhost, 127.0.0.1,
 * ::1), where it stays plain: the password never crosses a network in
 * clear, and a local server needs no certificate.
 */
static int
session_connect(struct imap *im)
{
	CURL *c = im->curl;
	CURLcode rc;

	curl_api.easy_setopt(c, CURLOPT_URL, im->url);
	curl_api.easy_setopt(c, CURLOPT_ERRORBUFFER, im->errbuf);
#if LIBCURL_VERSION_NUM >= 0x075500
	curl_api.easy_setopt(c, CURLOPT_PROTOCOLS_STR, "imap,imaps");
#endif
	curl_api.easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_api.easy_setopt(c, CURLOPT_CONNECTTIMEOUT, IMAP_CONNECT_TIMEOUT);
	curl_api.easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_api.easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
	curl_api.easy_setopt(c, CURLOPT_USE_SSL, is_loopback(im->url) ?
	    (long)CURLUSESSL_NONE : (long)CURLUSESSL_ALL);
	if (im->opt->cacert != NULL)
		curl_api.easy_setopt(c, CURLOPT_CAINFO, im->opt->cacert);
	if (im->opt->verbose)
		curl_api.easy_setopt(c, CURLOPT_VERBOSE, 1L);
	curl_api.easy_setopt(c, CURLOPT_CONNECT_ONLY, 1L);
	if (set_credentials(im) == -1)
		return -1;
	if ((rc = curl_api.easy_perform(c)) != CURLE_OK)
		return failf(im, connect_status(rc), "%s",
		    im->errbuf[0] != '\0' ? im->errbuf :
		    curl_api.easy_strerror(rc));
	if (curl_api.easy_getinfo(c, CURLINFO_ACTIVESOCKET, &im->sock) !=
	    CURLE_OK || im->sock == CURL_SOCKET_BAD)
		return failf(im, IMAP_TEMPORARY, "no connection after login");
	return 0;
}

/* waits until the socket is ready for events, at most the stall time */
static int
net_wait(struct imap *im, short events)
{
	struct pollfd p = { .fd = im->sock, .events = events };
	int n;

	while ((n = poll(&p, 1, (int)IMAP_STALL_TIMEOUT * 1000)) == -1 &&
	    errno == EINTR)
		;
	if (n == 0)
		return failf(im, IMAP_TEMPORARY, "no answer for %ld s",
		    IMAP_STALL_TIMEOUT);
	if (n == -1)
		return failf(im, IMAP_TEMPORARY, "poll: %s", strerror(errno));
	return 0;
}

/* refills im->in from the connection */
static int
net_recv(struct imap *im)
{
	size_t n = 0;
	CURLcode rc;

	while ((rc = curl_api.easy_recv(im->curl, im->in, sizeof(im->in), &n)) ==
	    CURLE_AGAIN)
		if (net_wait(im, POLLIN) == -1)
			return -1;
	if (rc != CURLE_OK)
		return failf(im, IMAP_TEMPORARY, "connection lost: %s",
		    curl_api.easy_strerror(rc));
	if (n == 0)
		return failf(im, IMAP_TEMPORARY, "the server closed the "
		    "connection");
	im->in_pos = 0;
	im->in_len = n;
	return 0;
}

static int
net_send(struct imap *im, const char *p, size_t len)
{
	size_t n;
	CURLcode rc;

	while (len > 0) {
		n = 0;
		rc = curl_api.easy_send(im->curl, p, len, &n);
		if (rc == CURLE_AGAIN) {
			if (net_wait(im, POLLOUT) == -1)
				return -1;
			continue;
		}
		if (rc != CURLE_OK)
			return failf(im, IMAP_TEMPORARY, "connection lost: "
			    "%s", curl_api.easy_strerror(rc));
		p += n;
		len -= n;
	}
	return 0;
}

/*
 * Reads up to the end of a line into im->line (CRLF dropped); a line
 * longer than MAX_IMAP_LINE keeps its beginning and sets line_cut.
 */
static int
read_line_part(struct imap *im)
{
	const char *p, *nl;
	size_t take;

	im->last = '\0';
	for (;;) {
		if (im->in_pos == im->in_len && net_recv(im) == -1)
			return -1;
		p = im->in + im->in_pos;
		nl = memchr(p, '\n', im->in_len - im->in_pos);
		take = nl != NULL ? (size_t)(nl - p) + 1 :
		    im->in_len - im->in_pos;
		if (!im->line_cut && buf_add(&im->line, p, take) == -1)
			im->line_cut = 1;
		for (const char *q = p + take; q > p; )
			if (*--q != '\r' && *q != '\n') {
				im->last = *q;
				break;
			}
		im->in_pos += take;
		if (nl != NULL)
			break;
	}
	if (!im->line_cut) {
		im->line.data[--im->line.len] = '\0';
		if (im->line.len > 0 && im->line.data[im->line.len - 1] ==
		    '\r')
			im->line.data[--im->line.len] = '\0';
	}
	return 0;
}

/*
 * Reads digits at *p into *v, at most max; advances *p.  -1 when there
 * are none or the value passes max (no digit-joining overflow).
 */
static int
take_number(const char **p, uint64_t max, uint64_t *v)
{
	const char *s = *p;

	*v = 0;
	if (*s < '0' || *s > '9')
		return -1;
	for (; *s >= '0' && *s <= '9'; s++) {
		if (*v > (max - (uint64_t)(*s - '0')) / 10)
			return -1;
		*v = *v * 10 + (uint64_t)(*s - '0');
	}
	*p = s;
	return 0;
}

/* the size n of a "{n}" or "{n+}" ending the line part, or -1 for none */
static int
literal_size(const struct imap *im, uint64_t *n)
{
	const char *s = buf_cstr(&im->line), *open;
	size_t len = im->line.len;

	if (im->line_cut || len < 3 || s[len - 1] != '}')
		return -1;
	for (open = s + len - 2; open > s && *open != '{'; open--)
		;
	if (*open++ != '{')
		return -1;
	if (take_number(&open, UINT64_MAX / 2, n) == -1)
		return -1;
	if (*open == '+')
		open++;
	return *open == '}' ? 0 : -1;
}

/* whether the line part holds a "* n FETCH (... BODY[] {" literal */
static int
is_body_literal(const struct imap *im)
{
	const char *s = buf_cstr(&im->line), *brace = strrchr(s, '{');

	return im->want == WANT_BODY && strncmp(s, "* ", 2) == 0 &&
	    strstr(s, " FETCH (") != NULL && brace != NULL &&
	    brace - s >= 7 && strncasecmp(brace - 7, "BODY[] ", 7) == 0;
}

/* the message's n bytes into im->fd, or read and dropped when too large */
static int
read_literal(struct imap *im, uint64_t n, int to_file)
{
	size_t take;

	if (to_file && im->got_body)
		return failf(im, IMAP_FAILED, "UID FETCH %u: malformed "
		    "response: two message bodies", im->uid);
	if (to_file && n > MAX_MESSAGE_BYTES)
		im->too_large = 1;
	if (!to_file && n > MAX_IMAP_LINE)
		return failf(im, IMAP_FAILED, "unexpected literal of %llu "
		    "bytes in the server's response", (unsigned long long)n);
	while (n > 0) {
		if (im->in_pos == im->in_len && net_recv(im) == -1)
			return -1;
		take = im->in_len - im->in_pos;
		if (take > n)
			take = (size_t)n;
		if (to_file && !im->too_large &&
		    fd_write_all(im->fd, im->in + im->in_pos, take) == -1)
			return failf(im, IMAP_FAILED, "temporary file: %s",
			    strerror(errno));
		im->in_pos += take;
		n -= take;
	}
	im->got_body |= to_file;
	return 0;
}

/* reads one whole response line, literals passed to read_literal */
static int
read_response(struct imap *im)
{
	uint64_t n;

	buf_reset(&im->line);
	im->line_cut = 0;
	for (;;) {
		if (read_line_part(im) == -1)
			return -1;
		/* a literal we cannot size would be read as responses */
		if (im->line_cut && im->last == '}')
			return failf(im, IMAP_FAILED, "response line longer "
			    "than %lu bytes (MAX_IMAP_LINE) before a literal",
			    MAX_IMAP_LINE);
		if (literal_size(im, &n) == -1)
			break;
		if (read_literal(im, n, is_body_literal(im)) == -1)
			return -1;
	}
	if (!im->line_cut && memchr(buf_cstr(&im->line), '\0',
	    im->line.len) != NULL)
		return failf(im, IMAP_FAILED, "malformed response: NUL byte");
	return 0;
}

/* "* SEARCH n n n": the window's UIDs */
static int
on_search(struct imap *im, const char *p)
{
	uint64_t v;

	while (*p == ' ')
		p++;
	while (*p != '\0') {
		if (take_number(&p, UINT32_MAX, &v) == -1 || v == 0 ||
		    (*p != ' ' && *p != '\0'))
			return failf(im, IMAP_FAILED, "UID SEARCH: malformed "
			    "response");
		if (im->n_uids == MAX_IMAP_SEARCH)
			return failf(im, IMAP_FAILED, "UID SEARCH: more UIDs "
			    "than messages asked for");
		im->uids[im->n_uids++] = (uint32_t)v;
		while (*p == ' ')
			p++;
	}
	return 0;
}

/* the number after the FETCH item name ("UID", "RFC822.SIZE"), or -1 */
static int
fetch_item(const char *p, const char *name, uint64_t max, uint64_t *v)
{
	size_t len = strlen(name);

	for (p = strchr(p, '('); p != NULL && *p != '\0'; p++) {
		if ((*p == '(' || *p == ' ') && strncasecmp(p + 1, name,
		    len) == 0 && p[1 + len] == ' ') {
			p += len + 2;
			return take_number(&p, max, v);
		}
	}
	return -1;
}

/* "* n FETCH (...)": whether it is the message asked for */
static int
on_fetch(struct imap *im, const char *p)
{
	uint64_t v;

	if (im->want != WANT_BODY && im->want != WANT_SIZE)
		return 0;
	if (fetch_item(p, "UID", UINT32_MAX, &v) == -1)
		return failf(im, IMAP_FAILED, "UID FETCH %u: malformed "
		    "response (no UID)", im->uid);
	if (v != im->uid)
		return 0;	/* news about another message */
	im->got_uid = 1;
	if (im->want == WANT_SIZE && fetch_item(p, "RFC822.SIZE",
	    UINT64_MAX / 2, &im->size) == -1)
		return failf(im, IMAP_FAILED, "UID FETCH %u: malformed "
		    "response (no RFC822.SIZE)", im->uid);
	return 0;
}

/* whether the capability line p holds word */
static int
has_word(const char *p, const char *word)
{
	size_t len = strlen(word);

	for (; *p != '\0'; p += strcspn(p, " ")) {
		p += strspn(p, " ");
		if (strncasecmp(p, word, len) == 0 && (p[len] == ' ' ||
		    p[len] == '\0'))
			return 1;
	}
	return 0;
}

/* "* n EXISTS", "* n EXPUNGE": the mailbox changed */
static int
on_count(struct imap *im, uint64_t n, const char *what)
{
	if (strcasecmp(what, "EXISTS") == 0)
		im->exists = (uint32_t)n;
	else if (strcasecmp(what, "EXPUNGE") == 0) {
		if (n == 0 || n > im->exists)
			return failf(im, IMAP_FAILED, "malformed response: "
			    "EXPUNGE of message %llu of %u",
			    (unsigned long long)n, im->exists);
		im->exists--;
		if (n < im->next)
			im->next--;
	}
	return 0;
}

/* an untagged response; the lines we rely on must have come whole */
static int
on_untagged(struct imap *im, const char *p)
{
	uint64_t n;

	if (*p >= '0' && *p <= '9') {
		if (im->line_cut || take_number(&p, UINT32_MAX, &n) == -1 ||
		    *p++ != ' ')
			return failf(im, IMAP_FAILED, "malformed response: "
			    "'%.40s'", buf_cstr(&im->line));
		if (strncasecmp(p, "FETCH ", 6) == 0)
			return on_fetch(im, p + 6);
		return on_count(im, n, p);
	}
	if (strncasecmp(p, "SEARCH", 6) == 0 && (p[6] == ' ' ||
	    p[6] == '\0')) {
		if (im->want != WANT_SEARCH)
			return 0;
		if (im->line_cut)
			return failf(im, IMAP_FAILED, "UID SEARCH: response "
			    "longer than %lu bytes (MAX_IMAP_LINE)",
			    MAX_IMAP_LINE);
		return on_search(im, p + 6);
	}
	if (im->line_cut)
		return 0;	/* FLAGS, PERMANENTFLAGS: not needed */
	if (strncasecmp(p, "CAPABILITY ", 11) == 0) {
		im->has_move = has_word(p + 11, "MOVE");
		im->has_uidplus = has_word(p + 11, "UIDPLUS");
	} else if (strncasecmp(p, "OK [UIDVALIDITY ", 16) == 0) {
		p += 16;
		if (take_number(&p, UINT32_MAX, &n) == -1 || *p != ']')
			return failf(im, IMAP_FAILED, "malformed UIDVALIDITY");
		im->uidvalidity = (uint32_t)n;
	} else if (strncasecmp(p, "LIST ", 5) == 0)
		im->listed++;
	return 0;
}

/*
 * Sends one command and reads its responses up to the tagged one.  A
 * refusal (NO, BAD) is an error of class refused, with the server's words.
 */
static int
command(struct imap *im, enum imap_status refused, const char *fmt, ...)
{
	char cmd[4 * MAX_SHORT_TEXT + 16 * IMAP_MARK_BATCH + 128], tag[16];
	const char *p;
	size_t tl;
	va_list ap;
	int n;

	snprintf(tag, sizeof(tag), "d%u ", ++im->tag);
	tl = strlen(tag);
	memcpy(cmd, tag, tl);
	va_start(ap, fmt);
	n = vsnprintf(cmd + tl, sizeof(cmd) - tl - 2, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(cmd) - tl - 2)
		abort();
	memcpy(cmd + tl + (size_t)n, "\r\n", 3);
	if (net_send(im, cmd, tl + (size_t)n + 2) == -1)
		return -1;
	for (;;) {
		if (read_response(im) == -1)
			return -1;
		p = buf_cstr(&im->line);
		if (strncmp(p, "* ", 2) == 0) {
			if (on_untagged(im, p + 2) == -1)
				return -1;
			continue;
		}
		if (im->line_cut || strncmp(p, tag, tl) != 0)
			return failf(im, IMAP_FAILED, "%.*s: malformed "
			    "response: '%.40s'", n, cmd + tl, p);
		break;
	}
	p += tl;
	if (strncasecmp(p, "OK", 2) == 0 && (p[2] == ' ' || p[2] == '\0'))
		return 0;
	return failf(im, refused, "%.*s: the server refused: %.200s", n,
	    cmd + tl, p);
}

/* what --imap-move-to needs: MOVE or UIDPLUS, and the folder */
static int
prepare_move(struct imap *im)
{
	if (!im->has_move && !im->has_uidplus) {
		warn(im, "error: the server offers neither MOVE (RFC 6851) "
		    "nor UIDPLUS (RFC 4315): --imap-move-to refused, messages "
		    "are only marked \\Seen");
		free(im->folder);
		im->folder = NULL;
		return 1;
	}
	im->listed = 0;
	if (command(im, IMAP_FAILED, "LIST \"\" %s", im->folder) == -1)
		return -1;
	if (im->listed > 0)
		return 0;
	return command(im, IMAP_CONFIG, "CREATE %s", im->folder);
}

static int
cmp_uid(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/*
 * The UIDs of the messages lo:hi (sequence numbers) to take, ascending,
 * into im->uids; extra narrows the search further.
 */
static int
search(struct imap *im, uint32_t lo, uint32_t hi, const char *extra)
{
	im->n_uids = 0;
	im->want = WANT_SEARCH;
	if (command(im, IMAP_FAILED, "UID SEARCH %u:%u %sUNDELETED%s", lo,
	    hi, im->opt->all ? "" : "UNSEEN ", extra) == -1)
		return -1;
	im->want = WANT_NONE;
	if (im->n_uids > 1)
		qsort(im->uids, im->n_uids, sizeof(*im->uids), cmp_uid);
	return 0;
}

/* whether uid is among the window's too large messages, big[0..n) */
static int
is_big(const uint32_t *big, size_t n, uint32_t uid)
{
	for (size_t i = 0; i < n; i++)
		if (big[i] == uid)
			return 1;
	return 0;
}

enum fetched {
	FETCH_OK,		/* the message is in im->fd */
	FETCH_TOO_LARGE,	/* over MAX_MESSAGE_BYTES: not kept */
	FETCH_GONE,		/* expunged meanwhile by another client */
};

/* downloads message uid into im->fd without setting \Seen */
static int
fetch(struct imap *im, uint32_t uid)
{
	if (ftruncate(im->fd, 0) == -1 || lseek(im->fd, 0, SEEK_SET) == -1)
		return failf(im, IMAP_FAILED, "temporary file: %s",
		    strerror(errno));
	im->want = WANT_BODY;
	im->uid = uid;
	im->got_body = im->got_uid = im->too_large = 0;
	if (command(im, IMAP_FAILED, "UID FETCH %u BODY.PEEK[]", uid) == -1)
		return -1;
	im->want = WANT_NONE;
	if (!im->got_body && !im->got_uid)
		return FETCH_GONE;
	if (!im->got_body || !im->got_uid)
		return failf(im, IMAP_FAILED, "UID FETCH %u: malformed "
		    "response (%s)", uid, im->got_body ? "no UID" :
		    "no body");
	return im->too_large ? FETCH_TOO_LARGE : FETCH_OK;
}

/* the UID set of uids[0..n) (ascending), runs as ranges: "3:7,9" */
static void
uid_set(char *p, size_t len, const uint32_t *uids, size_t n)
{
	size_t off = 0, j;

	p[0] = '\0';
	for (size_t i = 0; i < n && off < len; i = j + 1) {
		for (j = i; j + 1 < n && uids[j + 1] == uids[j] + 1; j++)
			;
		if (j == i)
			off += (size_t)snprintf(p + off, len - off, "%s%u",
			    i == 0 ? "" : ",", uids[i]);
		else
			off += (size_t)snprintf(p + off, len - off, "%s%u:%u",
			    i == 0 ? "" : ",", uids[i], uids[j]);
	}
}

/*
 * Commits the batch, then marks the messages waiting in im->marks whose
 * batch is committed: \Seen, then moved when asked; the others (their
 * batch was lost) are left unseen.  Batched because the server syncs its
 * mailbox on every command that changes it (about 15 ms for Dovecot on
 * Maildir).
 */
static int
flush_marks(struct imap *im, struct ingest *ing, struct imap_stats *st)
{
	char set[16 * IMAP_MARK_BATCH];
	uint64_t durable;
	size_t n = 0;
	int lost;

	lost = ingest_commit(ing) == -1;
	durable = ingest_durable(ing);
	while (n < im->n_marks && im->mark_batch[n] <= durable)
		n++;
	im->n_marks = 0;
	if (lost)
		(void)failf(im, ingest_temporary(ing) ? IMAP_TEMPORARY :
		    IMAP_FAILED, ": messages not committed (database error): "
		    "left unseen on the server");
	if (n == 0)
		return lost ? -1 : 0;
	uid_set(set, sizeof(set), im->marks, n);
	if (command(im, IMAP_FAILED, "UID STORE %s +FLAGS.SILENT (\\Seen)",
	    set) == -1)
		return -1;
	st->marked += n;
	if (im->folder == NULL)
		return lost ? -1 : 0;
	if (im->has_move)
		return command(im, IMAP_FAILED, "UID MOVE %s %s", set,
		    im->folder) == -1 || lost ? -1 : 0;
	if (command(im, IMAP_FAILED, "UID COPY %s %s", set,
	    im->folder) == -1 || command(im, IMAP_FAILED, "UID STORE %s "
	    "+FLAGS.SILENT (\\Deleted)", set) == -1)
		return -1;
	return command(im, IMAP_FAILED, "UID EXPUNGE %s", set) == -1 ||
	    lost ? -1 : 0;
}

/* queues a settled message for marking once its batch is committed */
static int
mark(struct imap *im, struct ingest *ing, uint32_t uid,
    struct imap_stats *st)
{
	im->marks[im->n_marks] = uid;
	im->mark_batch[im->n_marks++] = ingest_batch_no(ing);
	return im->n_marks == IMAP_MARK_BATCH ? flush_marks(im, ing, st) : 0;
}

/*
 * A message over MAX_MESSAGE_BYTES: not downloaded (again), recorded in
 * the mail ledger as rejected under its IMAP address, then flagged
 * \Flagged and \Seen on the server, where it stays for the operator.
 */
static int
refuse_large(struct imap *im, struct ingest *ing, const char *source)
{
	char why[200];
	enum outcome oc;

	im->want = WANT_SIZE;
	im->size = 0;
	im->got_uid = 0;
	if (command(im, IMAP_FAILED, "UID FETCH %u RFC822.SIZE",
	    im->uid) == -1)
		return -1;
	im->want = WANT_NONE;
	snprintf(why, sizeof(why), "message larger than the %lu MiB limit "
	    "(MAX_MESSAGE_BYTES): not downloaded, flagged on the server",
	    MAX_MESSAGE_BYTES >> 20);
	if (ingest_message_unread(ing, source, (int64_t)im->size, why,
	    &oc) == -1)
		return failf(im, ingest_temporary(ing) ? IMAP_TEMPORARY :
		    IMAP_FAILED, ";UID=%u: not recorded (database error): "
		    "left unseen on the server", im->uid);
	return command(im, IMAP_FAILED, "UID STORE %u +FLAGS.SILENT "
	    "(\\Seen \\Flagged)", im->uid);
}

/* fetch, ingest, mark: one message */
static int
one_message(struct imap *im, struct ingest *ing, uint32_t uid, int big,
    struct imap_stats *st)
{
	char source[8192];
	enum outcome oc = OUTCOME_PENDING;
	int f = FETCH_TOO_LARGE, rc;

	snprintf(source, sizeof(source), "%s;UIDVALIDITY=%u/;UID=%u",
	    im->url, im->uidvalidity, uid);
	im->uid = uid;
	if (!big && (f = fetch(im, uid)) == -1)
		return -1;
	if (f == FETCH_GONE)
		return 0;
	if (f == FETCH_TOO_LARGE) {
		st->too_large++;
		return refuse_large(im, ing, source);
	}
	st->fetched++;
	/* marked (\Seen, moved) only once committed: mailsource.h */
	rc = ingest_message(ing, im->fd, source, &oc);
	if (mailsource_after(rc, oc) == MAILSOURCE_LEAVE)
		return failf(im, ingest_temporary(ing) ? IMAP_TEMPORARY :
		    IMAP_FAILED, ";UIDVALIDITY=%u/;UID=%u: not processed "
		    "(database error): left unseen on the server",
		    im->uidvalidity, uid);
	return mark(im, ing, uid, st);
}

/*
 * One window of the mailbox: its messages to take, the too large ones
 * among them known from the server's sizes (SEARCH LARGER) so that they
 * are never downloaded.  Returns how many were taken, or -1.
 */
static long
window(struct imap *im, struct ingest *ing, uint32_t lo, uint32_t hi,
    size_t room, struct imap_stats *st)
{
	uint32_t big[MAX_IMAP_SEARCH], uids[MAX_IMAP_SEARCH];
	char larger[32];
	size_t n_big, n;

	snprintf(larger, sizeof(larger), " LARGER %lu", MAX_MESSAGE_BYTES);
	if (search(im, lo, hi, larger) == -1)
		return -1;
	n_big = im->n_uids;
	memcpy(big, im->uids, n_big * sizeof(*big));
	if (search(im, lo, hi, "") == -1)
		return -1;
	n = im->n_uids;
	memcpy(uids, im->uids, n * sizeof(*uids));
	st->listed += n;
	if (room > 0 && n > room)
		n = room;
	for (size_t i = 0; i < n; i++)
		if (one_message(im, ing, uids[i], is_big(big, n_big, uids[i]),
		    st) == -1)
			return -1;
	/* before the next window: its sequence numbers follow the moves */
	if (flush_marks(im, ing, st) == -1)
		return -1;
	return (long)n;
}

/* the mailbox, window after window, up to --max-messages */
static int
walk(struct imap *im, struct ingest *ing, struct imap_stats *st)
{
	size_t done = 0, max = im->opt->max_messages;
	uint32_t lo, hi;
	long n;

	for (im->next = 1; im->next <= im->exists; ) {
		lo = im->next;
		hi = im->exists - lo < MAX_IMAP_SEARCH ? im->exists :
		    lo + MAX_IMAP_SEARCH - 1;
		/* EXPUNGE responses while we work pull next back */
		im->next = hi + 1;
		if ((n = window(im, ing, lo, hi, max == 0 ? 0 : max - done,
		    st)) == -1)
			return -1;
		done += (size_t)n;
		if (max > 0 && done >= max)
			break;
	}
	return 0;
}

/* parses the options into the session and opens the handle */
static int
session_open(struct imap *im)
{
	char *mailbox = NULL;
	int rc = -1;

	if (url_parse(im->opt->url, &im->url, &mailbox, im->err,
	    im->errlen) == -1) {
		im->status = IMAP_CONFIG;
		goto out;
	}
	if ((im->mailbox = quoted(mailbox)) == NULL ||
	    (im->opt->move_to != NULL &&
	    (im->folder = quoted(im->opt->move_to)) == NULL)) {
		failf(im, IMAP_CONFIG, "mailbox names must be printable "
		    "ASCII");
		goto out;
	}
	if ((im->fd = fd_temp("dmarc-imap")) == -1) {
		failf(im, IMAP_FAILED, "temporary file: %s", strerror(errno));
		goto out;
	}
	if ((im->curl = curl_api.easy_init()) == NULL) {
		failf(im, IMAP_FAILED, "libcurl cannot start");
		goto out;
	}
	rc = session_connect(im);
out:
	free(mailbox);
	return rc;
}

static void
session_close(struct imap *im)
{
	if (im->curl != NULL)
		curl_api.easy_cleanup(im->curl);
	if (im->fd != -1)
		close(im->fd);
	free(im->url);
	free(im->mailbox);
	free(im->folder);
	buf_release(&im->line);
}

/* after login: what the server can do, the mailbox, the folder */
static int
session_start(struct imap *im, struct imap_stats *st)
{
	int m;

	if (command(im, IMAP_FAILED, "CAPABILITY") == -1)
		return -1;
	if (command(im, IMAP_CONFIG, "SELECT %s", im->mailbox) == -1)
		return -1;
	if (im->folder != NULL) {
		if ((m = prepare_move(im)) == -1)
			return -1;
		st->move_refused = m == 1;
	}
	return 0;
}

enum imap_status
imap_run(const struct imap_options *o, struct ingest *ing,
    struct imap_stats *st, char *err, size_t errlen)
{
	struct imap im;
	enum imap_status rc;

	memset(st, 0, sizeof(*st));
	memset(&im, 0, sizeof(im));
	im.opt = o;
	im.fd = -1;
	im.err = err;
	im.errlen = errlen;
	im.status = IMAP_FAILED;
	buf_init(&im.line, MAX_IMAP_LINE);
	if (curl_load(err, errlen) == -1)
		return IMAP_FAILED;
	if (curl_api.global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		snprintf(err, errlen, "libcurl cannot start");
		return IMAP_FAILED;
	}
	if (session_open(&im) == -1 || session_start(&im, st) == -1 ||
	    walk(&im, ing, st) == -1) {
		/* what was committed before the error is still marked */
		if (im.status != IMAP_TEMPORARY)
			(void)flush_marks(&im, ing, st);
		rc = im.status;
	} else
		rc = IMAP_OK;
	session_close(&im);
	curl_api.global_cleanup();
	return rc;
}

/*
 * The IMAP source (imap.h).  One libcurl easy handle keeps one connection
 * for the whole run; every step is a request on the mailbox URL: a
 * CUSTOMREQUEST for commands (CAPABILITY, EXAMINE, SELECT, UID SEARCH, UID
 * STORE, UID MOVE/COPY, EXPUNGE), whose untagged responses libcurl hands
 * to the write callback, and a plain ";UID=N" URL for the fetch, whose
 * literal it writes to our temporary file.  libcurl fetches with BODY[],
 * which sets \Seen in a read-write session, so each fetch happens after an
 * EXAMINE and each mark after a SELECT of the same mailbox.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <curl/curl.h>

#include "buf.h"
#include "fdio.h"
#include "imap.h"
#include "ingest.h"
#include "limits.h"
#include "num.h"
#include "xalloc.h"

/* one run's session */
struct imap {
	const struct imap_options *opt;
	CURL		*curl;
	char		 errbuf[CURL_ERROR_SIZE];
	char		*url;		/* mailbox URL, normalised */
	char		*mailbox;	/* mailbox, IMAP quoted string */
	char		*folder;	/* --imap-move-to, quoted */
	struct buf	 resp;		/* last command's untagged lines */
	int		 resp_overflow;	/* resp passed MAX_IMAP_RESPONSE */
	int		 fd;		/* temporary file for one message */
	size_t		 got;		/* message bytes written to fd */
	int		 too_large;	/* over MAX_MESSAGE_BYTES */
	int		 write_error;	/* errno of a failed write, or 0 */
	int		 has_move;	/* server has RFC 6851 MOVE */
	int		 has_uidplus;	/* server has RFC 4315 UID EXPUNGE */
	uint32_t	*uids;		/* selected messages, ascending */
	size_t		 n_uids;
	size_t		 cap_uids;
	int		 rw;		/* 1 SELECTed, 0 EXAMINEd, -1 unsure */
};

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

	if (curl_url_get(u, what, &p, flags) != CURLUE_OK)
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
	curl_free(scheme);
	curl_free(pass);
	curl_free(query);
	curl_free(frag);
	curl_free(path);
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
	CURLU *u = curl_url();
	char *path = NULL, *dec = NULL, *full = NULL;
	size_t n;
	int rc = -1;

	if (u == NULL)
		abort();
	if (curl_url_set(u, CURLUPART_URL, s, 0) != CURLUE_OK) {
		snprintf(err, errlen, "'%s' is not a URL", s);
		goto out;
	}
	if (url_check_parts(u, err, errlen) == -1)
		goto out;
	path = url_part(u, CURLUPART_PATH, 0);
	n = path == NULL ? 0 : strlen(path);
	while (n > 0 && path[n - 1] == '/')
		path[--n] = '\0';
	if (curl_url_set(u, CURLUPART_PATH, n == 0 ? "/INBOX" : path, 0) !=
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
	curl_free(path);
	curl_free(dec);
	curl_free(full);
	curl_url_cleanup(u);
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

/* untagged responses of a command, bounded */
static size_t
on_response(char *p, size_t size, size_t n, void *arg)
{
	struct imap *im = arg;

	if (buf_add(&im->resp, p, size * n) == -1) {
		im->resp_overflow = 1;
		return 0;
	}
	return size * n;
}

/* the message's bytes, into the temporary file, bounded */
static size_t
on_message(char *p, size_t size, size_t n, void *arg)
{
	struct imap *im = arg;
	size_t len = size * n, off = 0;
	ssize_t w;

	if (len > MAX_MESSAGE_BYTES - im->got) {
		im->too_large = 1;
		return 0;
	}
	while (off < len) {
		if ((w = write(im->fd, p + off, len - off)) == -1) {
			if (errno == EINTR)
				continue;
			im->write_error = errno;
			return 0;
		}
		off += (size_t)w;
	}
	im->got += len;
	return len;
}

/* where the password comes from: $DMARC_IMAP_PASSWORD, else netrc */
static int
set_credentials(struct imap *im, char *err, size_t errlen)
{
	const char *pw = getenv(IMAP_PASSWORD_ENV), *home;
	char path[4096];

	if (pw != NULL) {
		curl_easy_setopt(im->curl, CURLOPT_PASSWORD, pw);
		return 0;
	}
	if (im->opt->netrc_file != NULL)
		snprintf(path, sizeof(path), "%s", im->opt->netrc_file);
	else if ((home = getenv("HOME")) != NULL)
		snprintf(path, sizeof(path), "%s/.netrc", home);
	else
		path[0] = '\0';
	if (path[0] == '\0' || access(path, R_OK) == -1) {
		snprintf(err, errlen, "%s: no password: set $%s or put the "
		    "account in %s", im->url, IMAP_PASSWORD_ENV,
		    im->opt->netrc_file != NULL ? "the --netrc-file" :
		    "~/.netrc (or name a file with --netrc-file)");
		if (im->opt->netrc_file != NULL && path[0] != '\0')
			snprintf(err, errlen, "%s: cannot read netrc file "
			    "'%s': %s", im->url, path, strerror(errno));
		return -1;
	}
	curl_easy_setopt(im->curl, CURLOPT_NETRC, (long)CURL_NETRC_OPTIONAL);
	curl_easy_setopt(im->curl, CURLOPT_NETRC_FILE, path);
	return 0;
}

/* whether the URL's host is this machine: imap:// stays plain there */
static int
is_loopback(const char *url)
{
	CURLU *u = curl_url();
	char *host = NULL;
	int yes = 0;

	if (u != NULL && curl_url_set(u, CURLUPART_URL, url, 0) ==
	    CURLUE_OK && (host = url_part(u, CURLUPART_HOST, 0)) != NULL)
		yes = strcmp(host, "localhost") == 0 ||
		    strcmp(host, "127.0.0.1") == 0 ||
		    strcmp(host, "[::1]") == 0;
	curl_free(host);
	curl_url_cleanup(u);
	return yes;
}

/*
 * The options every request shares.  imap:// must upgrade with STARTTLS
 * (verified like imaps://) unless the server is this machine (localhost,
 * 127.0.0.1, ::1), where it stays plain: the password never crosses a
 * network in clear, and a local server needs no certificate.
 */
static int
session_setup(struct imap *im, char *err, size_t errlen)
{
	CURL *c = im->curl;

	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, im->errbuf);
#if LIBCURL_VERSION_NUM >= 0x075500
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "imap,imaps");
#endif
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, IMAP_CONNECT_TIMEOUT);
	curl_easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1L);
	curl_easy_setopt(c, CURLOPT_LOW_SPEED_TIME, IMAP_STALL_TIMEOUT);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 2L);
	curl_easy_setopt(c, CURLOPT_USE_SSL, is_loopback(im->url) ?
	    (long)CURLUSESSL_NONE : (long)CURLUSESSL_ALL);
	if (im->opt->cacert != NULL)
		curl_easy_setopt(c, CURLOPT_CAINFO, im->opt->cacert);
	if (im->opt->verbose)
		curl_easy_setopt(c, CURLOPT_VERBOSE, 1L);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, im);
	return set_credentials(im, err, errlen);
}

/* formats a failed request: server, step, libcurl's words */
static int
fail(struct imap *im, CURLcode rc, const char *what, char *err,
    size_t errlen)
{
	snprintf(err, errlen, "%s: %s: %s", im->url, what,
	    im->errbuf[0] != '\0' ? im->errbuf : curl_easy_strerror(rc));
	return -1;
}

/* runs one command on the mailbox; its untagged responses in im->resp */
static int
command(struct imap *im, const char *cmd, char *err, size_t errlen)
{
	CURLcode rc;

	buf_reset(&im->resp);
	im->errbuf[0] = '\0';
	im->resp_overflow = 0;
	curl_easy_setopt(im->curl, CURLOPT_URL, im->url);
	curl_easy_setopt(im->curl, CURLOPT_CUSTOMREQUEST, cmd);
	curl_easy_setopt(im->curl, CURLOPT_WRITEFUNCTION, on_response);
	if ((rc = curl_easy_perform(im->curl)) != CURLE_OK) {
		if (im->resp_overflow)
			snprintf(im->errbuf, sizeof(im->errbuf), "response "
			    "larger than %lu bytes (MAX_IMAP_RESPONSE)",
			    MAX_IMAP_RESPONSE);
		return fail(im, rc, cmd, err, errlen);
	}
	return 0;
}

/* switches the session to read-only (EXAMINE, rw 0) or read-write (1) */
static int
session_mode(struct imap *im, int rw, char *err, size_t errlen)
{
	char cmd[4 * MAX_SHORT_TEXT + 16];

	if (im->rw == rw)
		return 0;
	snprintf(cmd, sizeof(cmd), "%s %s", rw ? "SELECT" : "EXAMINE",
	    im->mailbox);
	im->rw = -1;
	if (command(im, cmd, err, errlen) == -1)
		return -1;
	im->rw = rw;
	return 0;
}

/* whether the untagged response line tag ("CAPABILITY") holds word */
static int
response_has(const struct imap *im, const char *tag, const char *word)
{
	const char *p = buf_cstr(&im->resp), *e;
	size_t tl = strlen(tag), wl = strlen(word);
	int in = 0;

	for (; *p != '\0'; p = e) {
		e = p + strcspn(p, " \r\n");
		if (e == p) {
			if (*p == '\n')
				in = 0;
			e++;
			continue;
		}
		if (!in && (size_t)(e - p) == tl && strncasecmp(p, tag, tl)
		    == 0)
			in = 1;
		else if (in && (size_t)(e - p) == wl &&
		    strncasecmp(p, word, wl) == 0)
			return 1;
	}
	return 0;
}

/* what --imap-move-to needs: MOVE or UIDPLUS known, the folder exists */
static int
prepare_move(struct imap *im, char *err, size_t errlen)
{
	char cmd[4 * MAX_SHORT_TEXT + 16];

	if (command(im, "CAPABILITY", err, errlen) == -1)
		return -1;
	im->has_move = response_has(im, "CAPABILITY", "MOVE");
	im->has_uidplus = response_has(im, "CAPABILITY", "UIDPLUS");
	snprintf(cmd, sizeof(cmd), "LIST \"\" %s", im->folder);
	if (command(im, cmd, err, errlen) == -1)
		return -1;
	if (im->resp.len > 0)		/* "* LIST (...) "/" folder" */
		return 0;
	snprintf(cmd, sizeof(cmd), "CREATE %s", im->folder);
	return command(im, cmd, err, errlen);
}

static int
cmp_uid(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* adds the UIDs of one "* SEARCH n n n" line */
static int
search_line(struct imap *im, char *line)
{
	char *p = line + strlen("* SEARCH"), *e;
	int64_t v;

	for (; *p != '\0'; p = e) {
		while (*p == ' ')
			p++;
		if (*p == '\0' || *p == '(')	/* (MODSEQ n) of CONDSTORE */
			break;
		e = p + strcspn(p, " ");
		if (*e != '\0')
			*e++ = '\0';
		if (num_i64(p, 1, UINT32_MAX, &v) == -1)
			return -1;
		if (im->n_uids == im->cap_uids) {
			im->cap_uids = im->cap_uids == 0 ? 64 :
			    2 * im->cap_uids;
			im->uids = xreallocarray(im->uids, im->cap_uids,
			    sizeof(*im->uids));
		}
		im->uids[im->n_uids++] = (uint32_t)v;
	}
	return 0;
}

/* the UIDs to process, ascending */
static int
search(struct imap *im, char *err, size_t errlen)
{
	char *text, *line, *next;
	int rc = 0;

	if (command(im, im->opt->all ? "UID SEARCH UNDELETED" :
	    "UID SEARCH UNSEEN UNDELETED", err, errlen) == -1)
		return -1;
	text = buf_detach(&im->resp, NULL);
	for (line = text; line != NULL && rc == 0; line = next) {
		if ((next = strchr(line, '\n')) != NULL)
			*next++ = '\0';
		line[strcspn(line, "\r")] = '\0';
		if (strncasecmp(line, "* SEARCH", 8) == 0 &&
		    (line[8] == ' ' || line[8] == '\0'))
			rc = search_line(im, line);
	}
	free(text);
	if (rc == -1) {
		snprintf(err, errlen, "%s: UID SEARCH: malformed response",
		    im->url);
		return -1;
	}
	if (im->n_uids > 1)
		qsort(im->uids, im->n_uids, sizeof(*im->uids), cmp_uid);
	return 0;
}

enum fetched {
	FETCH_OK,		/* the message is in im->fd */
	FETCH_TOO_LARGE,	/* over MAX_MESSAGE_BYTES: not read */
	FETCH_GONE,		/* expunged meanwhile by another client */
};

/*
 * Downloads message uid into im->fd.  A fetch that needed a new connection
 * ran after libcurl's own read-write SELECT and so set \Seen: that is
 * undone and the fetch repeated read-only.  Returns an enum fetched, or -1.
 */
static int
fetch(struct imap *im, uint32_t uid, const char *url, char *err,
    size_t errlen)
{
	char cmd[64];
	long conns = 0;
	CURLcode rc;

	for (int tries = 0; tries < 2; tries++) {
		if (session_mode(im, 0, err, errlen) == -1)
			return -1;
		if (ftruncate(im->fd, 0) == -1 ||
		    lseek(im->fd, 0, SEEK_SET) == -1) {
			snprintf(err, errlen, "temporary file: %s",
			    strerror(errno));
			return -1;
		}
		im->got = 0;
		im->too_large = im->write_error = 0;
		im->errbuf[0] = '\0';
		curl_easy_setopt(im->curl, CURLOPT_URL, url);
		curl_easy_setopt(im->curl, CURLOPT_CUSTOMREQUEST, NULL);
		curl_easy_setopt(im->curl, CURLOPT_WRITEFUNCTION, on_message);
		rc = curl_easy_perform(im->curl);
		curl_easy_getinfo(im->curl, CURLINFO_NUM_CONNECTS, &conns);
		if (conns == 0)
			break;
		im->rw = 1;
		if (im->opt->all)
			break;
		snprintf(cmd, sizeof(cmd), "UID STORE %u -FLAGS.SILENT "
		    "(\\Seen)", uid);
		if (command(im, cmd, err, errlen) == -1)
			return -1;
	}
	if (im->too_large)
		return FETCH_TOO_LARGE;
	if (im->write_error != 0) {
		snprintf(err, errlen, "temporary file: %s",
		    strerror(im->write_error));
		return -1;
	}
	if (rc == CURLE_REMOTE_FILE_NOT_FOUND)
		return FETCH_GONE;
	if (rc != CURLE_OK)
		return fail(im, rc, "UID FETCH", err, errlen);
	return FETCH_OK;
}

/* sets \Seen on a committed message, then moves it when asked */
static int
mark(struct imap *im, uint32_t uid, char *err, size_t errlen)
{
	char cmd[4 * MAX_SHORT_TEXT + 64];

	if (session_mode(im, 1, err, errlen) == -1)
		return -1;
	snprintf(cmd, sizeof(cmd), "UID STORE %u +FLAGS.SILENT (\\Seen)",
	    uid);
	if (command(im, cmd, err, errlen) == -1)
		return -1;
	if (im->folder == NULL)
		return 0;
	if (im->has_move) {
		snprintf(cmd, sizeof(cmd), "UID MOVE %u %s", uid, im->folder);
		return command(im, cmd, err, errlen);
	}
	snprintf(cmd, sizeof(cmd), "UID COPY %u %s", uid, im->folder);
	if (command(im, cmd, err, errlen) == -1)
		return -1;
	snprintf(cmd, sizeof(cmd), "UID STORE %u +FLAGS.SILENT (\\Deleted)",
	    uid);
	if (command(im, cmd, err, errlen) == -1)
		return -1;
	if (im->has_uidplus)
		snprintf(cmd, sizeof(cmd), "UID EXPUNGE %u", uid);
	else
		snprintf(cmd, sizeof(cmd), "EXPUNGE");
	return command(im, cmd, err, errlen);
}

/* a message over the size limit: rejected, left on the server as it is */
static void
too_large(struct ingest *ing, const char *source)
{
	char why[160];

	snprintf(why, sizeof(why), "message larger than %lu bytes "
	    "(MAX_MESSAGE_BYTES): left on the server unread",
	    MAX_MESSAGE_BYTES);
	ing->stats.inputs++;
	ing->stats.rejected++;
	if (ing->report != NULL)
		ing->report(ing->report_arg, source, OUTCOME_REJECTED, why, 1);
}

/* fetch, ingest, mark: one message */
static int
one_message(struct imap *im, struct ingest *ing, uint32_t uid,
    struct imap_stats *st, char *err, size_t errlen)
{
	char source[8192];
	enum outcome oc = OUTCOME_PENDING;
	int f;

	snprintf(source, sizeof(source), "%s;UID=%u", im->url, uid);
	if ((f = fetch(im, uid, source, err, errlen)) == -1)
		return -1;
	if (f == FETCH_GONE)
		return 0;
	if (f == FETCH_TOO_LARGE) {
		st->too_large++;
		too_large(ing, source);
		return 0;
	}
	st->fetched++;
	if (ingest_message(ing, im->fd, source, &oc) == -1 ||
	    oc == OUTCOME_PENDING) {
		snprintf(err, errlen, "%s: not processed (database error): "
		    "left unseen on the server", source);
		return -1;
	}
	if (mark(im, uid, err, errlen) == -1)
		return -1;
	st->marked++;
	return 0;
}

/* parses the options into the session and opens the handle */
static int
session_open(struct imap *im, char *err, size_t errlen)
{
	char *mailbox = NULL;
	int rc = -1;

	if (url_parse(im->opt->url, &im->url, &mailbox, err, errlen) == -1)
		goto out;
	if ((im->mailbox = quoted(mailbox)) == NULL ||
	    (im->opt->move_to != NULL &&
	    (im->folder = quoted(im->opt->move_to)) == NULL)) {
		snprintf(err, errlen, "%s: mailbox names must be printable "
		    "ASCII", im->opt->url);
		goto out;
	}
	if ((im->fd = fd_temp("dmarc-imap")) == -1) {
		snprintf(err, errlen, "temporary file: %s", strerror(errno));
		goto out;
	}
	if ((im->curl = curl_easy_init()) == NULL) {
		snprintf(err, errlen, "libcurl cannot start");
		goto out;
	}
	rc = session_setup(im, err, errlen);
out:
	free(mailbox);
	return rc;
}

static void
session_close(struct imap *im)
{
	if (im->curl != NULL)
		curl_easy_cleanup(im->curl);
	if (im->fd != -1)
		close(im->fd);
	free(im->url);
	free(im->mailbox);
	free(im->folder);
	free(im->uids);
	buf_release(&im->resp);
}

int
imap_run(const struct imap_options *o, struct ingest *ing,
    struct imap_stats *st, char *err, size_t errlen)
{
	struct imap im;
	size_t n;
	int rc = -1;

	memset(st, 0, sizeof(*st));
	memset(&im, 0, sizeof(im));
	im.opt = o;
	im.fd = -1;
	im.rw = -1;
	buf_init(&im.resp, MAX_IMAP_RESPONSE);
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		snprintf(err, errlen, "libcurl cannot start");
		return -1;
	}
	if (session_open(&im, err, errlen) == -1)
		goto out;
	if (im.folder != NULL && prepare_move(&im, err, errlen) == -1)
		goto out;
	if (search(&im, err, errlen) == -1)
		goto out;
	st->listed = im.n_uids;
	n = im.n_uids;
	if (o->max_messages > 0 && n > o->max_messages)
		n = o->max_messages;
	for (size_t i = 0; i < n; i++)
		if (one_message(&im, ing, im.uids[i], st, err, errlen) == -1)
			goto out;
	rc = 0;
out:
	session_close(&im);
	curl_global_cleanup();
	return rc;
}

/*
 * Mail-source test fixtures (mailtest.h): report messages, Maildir files
 * and a private Dovecot.  Setup failures abort; only Dovecot's absence is
 * reported to the caller, which then skips.
 */
#include <errno.h>
#include <dirent.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <check.h>

#include "buf.h"
#include "mailtest.h"
#include "testutil.h"
#include "xalloc.h"

#define DOVECOT_BIN	"/usr/sbin/dovecot"

static const char b64[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static void
base64_lines(struct buf *b, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i += 3) {
		uint32_t v = (uint32_t)p[i] << 16;

		if (i + 1 < n)
			v |= (uint32_t)p[i + 1] << 8;
		if (i + 2 < n)
			v |= p[i + 2];
		buf_addc(b, b64[v >> 18 & 63]);
		buf_addc(b, b64[v >> 12 & 63]);
		buf_addc(b, i + 1 < n ? b64[v >> 6 & 63] : '=');
		buf_addc(b, i + 2 < n ? b64[v & 63] : '=');
		if ((i / 3 + 1) % 19 == 0 || i + 3 >= n)
			buf_addc(b, '\n');
	}
}

char *
mt_report_xml(size_t i, size_t *len)
{
	char path[1024], id[64];
	const char *open_tag = "<report_id>", *close_tag = "</report_id>";
	char *x, *a, *z;
	size_t n;
	struct buf b;

	snprintf(path, sizeof(path), "%s/samples/yahoo.com!example.org!"
	    "1794960000!1795046399.xml", TEST_SOURCE_DIR);
	if ((x = (char *)tu_slurp(path, &n)) == NULL ||
	    (a = strstr(x, open_tag)) == NULL ||
	    (z = strstr(a, close_tag)) == NULL)
		abort();
	snprintf(id, sizeof(id), "imaper-test-%zu", i);
	buf_init(&b, n + 1024);
	buf_add(&b, x, (size_t)(a - x) + strlen(open_tag));
	buf_adds(&b, id);
	buf_adds(&b, z);
	free(x);
	return buf_detach(&b, len);
}

char *
mt_message(size_t i, size_t *len)
{
	struct buf b;
	char *xml, head[1024];
	uint8_t *gz;
	size_t xn, gn;

	xml = mt_report_xml(i, &xn);
	gz = tu_gzip(xml, xn, &gn);
	buf_init(&b, (size_t)1 << 26);
	snprintf(head, sizeof(head),
	    "From: \"Yahoo DMARC\" <noreply@dmarc.yahoo.com>\n"
	    "To: rua@example.org\n"
	    "Subject: Report Domain: example.org Submitter: yahoo.com "
	    "Report-ID: <imaper-test-%zu>\n"
	    "Message-ID: <%zu.imaper@test.example>\n"
	    "Date: Mon, 24 Nov 2025 12:00:00 +0000\n"
	    "MIME-Version: 1.0\n"
	    "Content-Type: multipart/mixed; boundary=\"b-%zu\"\n\n"
	    "--b-%zu\nContent-Type: text/plain\n\n"
	    "This is an aggregate report from yahoo.com.\n\n"
	    "--b-%zu\nContent-Type: application/gzip; "
	    "name=\"yahoo.com!example.org!%zu.xml.gz\"\n"
	    "Content-Transfer-Encoding: base64\n"
	    "Content-Disposition: attachment; "
	    "filename=\"yahoo.com!example.org!%zu.xml.gz\"\n\n",
	    i, i, i, i, i, i, i);
	buf_adds(&b, head);
	base64_lines(&b, gz, gn);
	snprintf(head, sizeof(head), "\n--b-%zu--\n", i);
	buf_adds(&b, head);
	free(xml);
	free(gz);
	return buf_detach(&b, len);
}

char *
mt_plain_message(size_t i, size_t *len)
{
	struct buf b;
	char m[1024];

	snprintf(m, sizeof(m), "From: someone@example.net\n"
	    "To: rua@example.org\nSubject: hello %zu\n"
	    "Message-ID: <plain-%zu@test.example>\n"
	    "Date: Mon, 24 Nov 2025 12:00:00 +0000\n\n"
	    "Not a report, just mail to the rua address.\n", i, i);
	buf_init(&b, sizeof(m));
	buf_adds(&b, m);
	return buf_detach(&b, len);
}

int
mt_maildir_make(const char *dir)
{
	char p[1024];
	const char *sub[] = { "", "/cur", "/new", "/tmp" };

	for (size_t i = 0; i < 4; i++) {
		snprintf(p, sizeof(p), "%s%s", dir, sub[i]);
		if (mkdir(p, 0700) == -1 && errno != EEXIST)
			return -1;
	}
	return 0;
}

/*
 * As mt_maildir_put, with suffix after the unique name (",S=123"); into
 * cur/ when suffix holds Maildir flags (":2,S")
 */
static int
maildir_put_named(const char *dir, const char *p, size_t n, uid_t uid,
    gid_t gid, const char *suffix)
{
	const char *sub = strstr(suffix, ":2,") != NULL ? "cur" : "new";
	static unsigned long seq;
	char tmp[1024], fin[1024];
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	seq++;
	snprintf(tmp, sizeof(tmp), "%s/tmp/%lld.M%ldP%dQ%lu.test%s", dir,
	    (long long)ts.tv_sec, ts.tv_nsec / 1000, (int)getpid(), seq,
	    suffix);
	snprintf(fin, sizeof(fin), "%s/%s/%lld.M%ldP%dQ%lu.test%s", dir,
	    sub, (long long)ts.tv_sec, ts.tv_nsec / 1000, (int)getpid(), seq,
	    suffix);
	if (tu_write(tmp, p, n) == -1)
		return -1;
	if (uid != (uid_t)-1 && chown(tmp, uid, gid) == -1)
		return -1;
	return rename(tmp, fin);
}

int
mt_maildir_put(const char *dir, const char *p, size_t n, uid_t uid,
    gid_t gid)
{
	return maildir_put_named(dir, p, n, uid, gid, "");
}

void
mt_maildir_fill(const char *dir, size_t lo, size_t hi)
{
	char *m;
	size_t n;

	ck_assert_int_eq(mt_maildir_make(dir), 0);
	for (size_t i = lo; i < hi; i++) {
		m = mt_message(i, &n);
		ck_assert_int_eq(mt_maildir_put(dir, m, n, (uid_t)-1, 0), 0);
		free(m);
	}
}

void
mt_report_dir(const char *dir, size_t lo, size_t hi)
{
	char path[1024], *x;
	size_t n;

	ck_assert_int_eq(mkdir(dir, 0755), 0);
	for (size_t i = lo; i < hi; i++) {
		x = mt_report_xml(i, &n);
		snprintf(path, sizeof(path), "%s/r%zu.xml", dir, i);
		ck_assert_int_eq(tu_write(path, x, n), 0);
		free(x);
	}
}

long
mt_message_number(const char *path)
{
	size_t n;
	char *m = (char *)tu_slurp(path, &n), *p;
	long v = -1;

	if (m != NULL && (p = strstr(m, "Message-ID: <")) != NULL)
		v = strtol(p + strlen("Message-ID: <"), NULL, 10);
	free(m);
	return v;
}

/* whether a Maildir file name carries the S (seen) flag */
static int
name_seen(const char *name)
{
	const char *f = strstr(name, ":2,");

	return f != NULL && strchr(f + 3, 'S') != NULL;
}

size_t
mt_maildir_count(const char *dir, int seen)
{
	const char *sub[] = { "new", "cur" };
	char p[1024];
	struct dirent *e;
	size_t n = 0;
	DIR *d;

	for (size_t i = 0; i < 2; i++) {
		snprintf(p, sizeof(p), "%s/%s", dir, sub[i]);
		if ((d = opendir(p)) == NULL)
			continue;
		while ((e = readdir(d)) != NULL)
			if (e->d_name[0] != '.' &&
			    name_seen(e->d_name) == (seen != 0))
				n++;
		closedir(d);
	}
	return n;
}

/* a port on 127.0.0.1 nobody listens on now */
static int
free_port(void)
{
	struct sockaddr_in a;
	socklen_t al = sizeof(a);
	int s = socket(AF_INET, SOCK_STREAM, 0), port = -1;

	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (s != -1 && bind(s, (struct sockaddr *)&a, sizeof(a)) == 0 &&
	    getsockname(s, (struct sockaddr *)&a, &al) == 0)
		port = ntohs(a.sin_port);
	if (s != -1)
		close(s);
	return port;
}

static int
port_open(int port)
{
	struct sockaddr_in a;
	int s = socket(AF_INET, SOCK_STREAM, 0), ok;

	memset(&a, 0, sizeof(a));
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	a.sin_port = htons((uint16_t)port);
	ok = s != -1 && connect(s, (struct sockaddr *)&a, sizeof(a)) == 0;
	if (s != -1)
		close(s);
	return ok;
}

/*
 * Who runs what.  As root, Dovecot refuses root for its login processes
 * and for mail users, so the Debian package's users serve; otherwise
 * everything runs as the current user.
 */
static int
dovecot_users(struct mt_dovecot *d, char *login, char *internal,
    size_t n, char *why, size_t whylen)
{
	struct passwd *pw;

	if (geteuid() != 0) {
		if ((pw = getpwuid(geteuid())) == NULL) {
			snprintf(why, whylen, "no passwd entry for uid %d",
			    (int)geteuid());
			return -1;
		}
		snprintf(login, n, "%s", pw->pw_name);
		snprintf(internal, n, "%s", pw->pw_name);
		d->uid = pw->pw_uid;
		d->gid = pw->pw_gid;
		return 0;
	}
	if (getpwnam("dovenull") == NULL || (pw = getpwnam("dovecot")) ==
	    NULL) {
		snprintf(why, whylen, "running as root without the users "
		    "dovecot and dovenull");
		return -1;
	}
	snprintf(login, n, "dovenull");
	snprintf(internal, n, "dovecot");
	d->uid = pw->pw_uid;
	d->gid = pw->pw_gid;
	return 0;
}

static int
write_config(struct mt_dovecot *d, const char *login, const char *internal)
{
	char path[1024], conf[4096];

	snprintf(path, sizeof(path), "%s/passwd", d->dir);
	snprintf(conf, sizeof(conf), "%s:{PLAIN}%s:%d:%d::%s/home::\n",
	    MT_USER, MT_PASSWORD, (int)d->uid, (int)d->gid, d->dir);
	if (tu_write(path, conf, strlen(conf)) == -1)
		return -1;
	snprintf(conf, sizeof(conf),
	    "base_dir = %1$s/run\nstate_dir = %1$s/state\n"
	    "log_path = %1$s/log\ninfo_log_path = %1$s/log\n"
	    "protocols = imap\nlisten = 127.0.0.1, 127.0.0.2\n"
	    "default_login_user = %2$s\ndefault_internal_user = %3$s\n"
	    "first_valid_uid = 1\n"
	    "ssl = yes\nssl_cert = <%1$s/cert.pem\nssl_key = <%1$s/key.pem\n"
	    "disable_plaintext_auth = no\nauth_mechanisms = plain login\n"
	    "mail_location = maildir:%1$s/home/Maildir\n"
	    "passdb {\n  driver = passwd-file\n  args = %1$s/passwd\n}\n"
	    "userdb {\n  driver = passwd-file\n  args = %1$s/passwd\n}\n"
	    "service imap-login {\n  chroot =\n"
	    "  inet_listener imap {\n    address = 127.0.0.1, 127.0.0.2\n"
	    "    port = %4$d\n  }\n"
	    "  inet_listener imaps {\n    address = 127.0.0.1\n"
	    "    port = %5$d\n    ssl = yes\n  }\n}\n"
	    "service anvil {\n  chroot =\n}\n",
	    d->dir, login, internal, d->port, d->tls_port);
	snprintf(path, sizeof(path), "%s/dovecot.conf", d->dir);
	return tu_write(path, conf, strlen(conf));
}

/* the self-signed certificate for CN=localhost */
static int
make_cert(struct mt_dovecot *d)
{
	char cmd[2048];

	snprintf(cmd, sizeof(cmd), "openssl req -x509 -newkey rsa:2048 "
	    "-nodes -subj /CN=localhost "
	    "-addext subjectAltName=DNS:localhost,IP:127.0.0.2 -days 1 "
	    "-keyout '%1$s/key.pem' -out '%1$s/cert.pem' >/dev/null 2>&1",
	    d->dir);
	snprintf(d->cacert, sizeof(d->cacert), "%s/cert.pem", d->dir);
	return tu_run(cmd, NULL) == 0 ? 0 : -1;
}

/* the home and INBOX Maildir, owned by the mail user */
static int
make_home(struct mt_dovecot *d)
{
	char p[1024];

	snprintf(p, sizeof(p), "%s/home", d->dir);
	if (mkdir(p, 0700) == -1)
		return -1;
	snprintf(d->maildir, sizeof(d->maildir), "%s/home/Maildir", d->dir);
	if (mt_maildir_make(d->maildir) == -1)
		return -1;
	snprintf(p, sizeof(p), "chown -R %d:%d '%s/home' && chmod 711 '%s'",
	    (int)d->uid, (int)d->gid, d->dir, d->dir);
	return geteuid() == 0 && tu_run(p, NULL) != 0 ? -1 : 0;
}

static void
log_tail(const struct mt_dovecot *d, char *why, size_t whylen)
{
	char p[1024], *log, *last;
	size_t n;

	snprintf(p, sizeof(p), "%s/log", d->dir);
	if ((log = (char *)tu_slurp(p, &n)) == NULL)
		return;
	while (n > 0 && log[n - 1] == '\n')
		log[--n] = '\0';
	last = strrchr(log, '\n');
	snprintf(why + strlen(why), whylen - strlen(why), ": %s",
	    last != NULL ? last + 1 : log);
	free(log);
}

/* forks dovecot -F and waits up to 10 s for both ports */
static int
launch(struct mt_dovecot *d, char *why, size_t whylen)
{
	char conf[1024], out[1024];

	snprintf(conf, sizeof(conf), "%s/dovecot.conf", d->dir);
	snprintf(out, sizeof(out), "%s/stderr", d->dir);
	if ((d->pid = fork()) == 0) {
		int fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0600);

		if (fd != -1) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		setpgid(0, 0);
		execl(DOVECOT_BIN, "dovecot", "-F", "-c", conf, (char *)NULL);
		_exit(127);
	}
	for (int i = 0; i < 100; i++) {
		struct timespec ts = { 0, 100000000L };
		int st;

		if (port_open(d->port) && port_open(d->tls_port))
			return 0;
		if (waitpid(d->pid, &st, WNOHANG) == d->pid) {
			d->pid = 0;
			snprintf(why, whylen, "dovecot exited");
			log_tail(d, why, whylen);
			return -1;
		}
		nanosleep(&ts, NULL);
	}
	snprintf(why, whylen, "dovecot did not listen within 10 s");
	log_tail(d, why, whylen);
	return -1;
}

int
mt_dovecot_start(struct mt_dovecot *d, char *why, size_t whylen)
{
	char login[64], internal[64];

	memset(d, 0, sizeof(*d));
	if (access(DOVECOT_BIN, X_OK) == -1) {
		snprintf(why, whylen, "%s: %s", DOVECOT_BIN, strerror(errno));
		return -1;
	}
	d->dir = tu_tmpdir();
	if (dovecot_users(d, login, internal, sizeof(login), why,
	    whylen) == -1)
		return -1;
	d->port = free_port();
	d->tls_port = free_port();
	while (d->tls_port == d->port)
		d->tls_port = free_port();
	if (d->port == -1 || d->tls_port == -1 ||
	    write_config(d, login, internal) == -1 || make_home(d) == -1) {
		snprintf(why, whylen, "cannot set up the server's files");
		return -1;
	}
	if (make_cert(d) == -1) {
		snprintf(why, whylen, "openssl cannot make a certificate");
		return -1;
	}
	return launch(d, why, whylen);
}

void
mt_dovecot_stop(struct mt_dovecot *d)
{
	int st;

	if (d->pid > 0) {
		kill(d->pid, SIGTERM);
		for (int i = 0; i < 50; i++) {
			struct timespec ts = { 0, 100000000L };

			if (waitpid(d->pid, &st, WNOHANG) == d->pid)
				break;
			if (i == 49) {
				kill(-d->pid, SIGKILL);
				waitpid(d->pid, &st, 0);
			}
			nanosleep(&ts, NULL);
		}
		d->pid = 0;
	}
	tu_rmtree(d->dir);
	free(d->dir);
	d->dir = NULL;
}

int
mt_dovecot_put(struct mt_dovecot *d, const char *p, size_t n)
{
	return mt_maildir_put(d->maildir, p, n, geteuid() == 0 ? d->uid :
	    (uid_t)-1, d->gid);
}

void
mt_dovecot_fill(struct mt_dovecot *d, size_t lo, size_t hi, int seen)
{
	char *m;
	size_t n;

	for (size_t i = lo; i < hi; i++) {
		m = mt_message(i, &n);
		ck_assert_int_eq(maildir_put_named(d->maildir, m, n,
		    geteuid() == 0 ? d->uid : (uid_t)-1, d->gid,
		    seen ? ":2,S" : ""), 0);
		free(m);
	}
}

int
mt_dovecot_put_claiming(struct mt_dovecot *d, const char *p, size_t n,
    unsigned long long size)
{
	char suffix[64];

	snprintf(suffix, sizeof(suffix), ",S=%llu,W=%llu", size, size);
	return maildir_put_named(d->maildir, p, n, geteuid() == 0 ? d->uid :
	    (uid_t)-1, d->gid, suffix);
}

int
mt_dovecot_next_uid(struct mt_dovecot *d, unsigned long uid)
{
	char path[1024], head[128];

	snprintf(path, sizeof(path), "%s/dovecot-uidlist", d->maildir);
	snprintf(head, sizeof(head), "3 V%lld N%lu\n", (long long)time(NULL),
	    uid);
	if (tu_write(path, head, strlen(head)) == -1)
		return -1;
	return geteuid() == 0 && chown(path, d->uid, d->gid) == -1 ? -1 : 0;
}

void
mt_dovecot_url(const struct mt_dovecot *d, int tls, char *url, size_t n)
{
	if (tls)
		snprintf(url, n, "imaps://%s@localhost:%d/INBOX", MT_USER,
		    d->tls_port);
	else
		snprintf(url, n, "imap://%s@127.0.0.1:%d/INBOX", MT_USER,
		    d->port);
}

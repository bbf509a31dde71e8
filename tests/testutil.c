/*
 * Test helpers: temp directories, fixture access, running commands,
 * querying result databases and a real dnsmasq for DNS tests.  Test code may abort on setup failure; the
 * checks themselves use Check's assertions.
 */
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <check.h>
#include <zlib.h>

#include "buf.h"
#include "testutil.h"
#include "xalloc.h"

/* the skip count, in memory shared with Check's forks once set up */
static unsigned long skips_local;
static unsigned long *skips = &skips_local;

void
tu_skip_init(void)
{
	void *p;

	p = mmap(NULL, sizeof(*skips), PROT_READ | PROT_WRITE,
	    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED) {
		perror("mmap");
		abort();
	}
	skips = p;
	*skips = 0;
}

unsigned long
tu_skips(void)
{
	return __atomic_load_n(skips, __ATOMIC_SEQ_CST);
}

void
tu_skip(enum tu_skip kind, const char *test, const char *fmt, ...)
{
	const char *ci = getenv("CI");
	char reason[1024];
	size_t n = strlen(test);
	va_list ap;

	if (n > 3 && strcmp(test + n - 3, "_fn") == 0)
		n -= 3;
	va_start(ap, fmt);
	vsnprintf(reason, sizeof(reason), fmt, ap);
	va_end(ap);
	if (kind == TU_SKIP_SERVER && ci != NULL && strcmp(ci, "true") == 0)
		ck_abort_msg("%.*s: %s (CI=true: a skip is a failure)",
		    (int)n, test, reason);
	__atomic_add_fetch(skips, 1, __ATOMIC_SEQ_CST);
	printf("SKIP %.*s: %s\n", (int)n, test, reason);
	fflush(stdout);
}

double
tu_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

long
tu_self_rss_kb(void)
{
	struct rusage ru;

	if (getrusage(RUSAGE_SELF, &ru) == -1)
		return -1;
	return ru.ru_maxrss;
}

void
tu_fixture_db(const char *db, const char *inputs, int status)
{
	char *cmd;

	cmd = xasprintf("cd '%s' && '%s' --db '%s' %s >/dev/null 2>&1",
	    TEST_SOURCE_DIR, TEST_INGEST_BIN, db, inputs);
	ck_assert_msg(tu_run(cmd, NULL) == status, "%s: not exit %d", cmd,
	    status);
	free(cmd);
}

void
tu_stored_lookup(const char *db, const char *dom, long long at,
    const char *status, const char *raw)
{
	sqlite3_stmt *st;
	sqlite3 *h;

	ck_assert_int_eq(sqlite3_open(db, &h), SQLITE_OK);
	/* a record found is found at the domain itself */
	ck_assert_int_eq(sqlite3_prepare_v2(h, "INSERT INTO dmarc_lookup "
	    "(domain, looked_up_at, status, raw_record, record_domain) "
	    "VALUES (?1, ?2, ?3, ?4, CASE ?3 WHEN 'found' THEN ?1 END)",
	    -1, &st, NULL), SQLITE_OK);
	sqlite3_bind_text(st, 1, dom, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, at);
	sqlite3_bind_text(st, 3, status, -1, SQLITE_STATIC);
	if (raw != NULL)
		sqlite3_bind_text(st, 4, raw, -1, SQLITE_STATIC);
	ck_assert_int_eq(sqlite3_step(st), SQLITE_DONE);
	sqlite3_finalize(st);
	sqlite3_close(h);
}

void
tu_stored_check(const char *db, const char *dom, long long at,
    const char *worst, const struct tu_check_item *items, size_t n)
{
	sqlite3_stmt *st;
	sqlite3 *h;
	sqlite3_int64 id;

	ck_assert_int_eq(sqlite3_open(db, &h), SQLITE_OK);
	ck_assert_int_eq(sqlite3_prepare_v2(h, "INSERT INTO dns_check "
	    "(domain, checked_at, worst, window_since, window_until, "
	    "messages) VALUES (?1, ?2, ?3, ?2 - 30 * 86400, ?2, 0)", -1, &st,
	    NULL), SQLITE_OK);
	sqlite3_bind_text(st, 1, dom, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, at);
	sqlite3_bind_text(st, 3, worst, -1, SQLITE_STATIC);
	ck_assert_int_eq(sqlite3_step(st), SQLITE_DONE);
	sqlite3_finalize(st);
	id = sqlite3_last_insert_rowid(h);
	ck_assert_int_eq(sqlite3_prepare_v2(h, "INSERT INTO dns_check_item "
	    "(check_id, seq, verdict, area, code, subject, text) VALUES "
	    "(?1, ?2, ?3, ?4, ?5, ?6, ?7)", -1, &st, NULL), SQLITE_OK);
	for (size_t i = 0; i < n; i++) {
		sqlite3_bind_int64(st, 1, id);
		sqlite3_bind_int64(st, 2, (sqlite3_int64)i);
		sqlite3_bind_text(st, 3, items[i].verdict, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 4, items[i].area, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 5, items[i].code, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 6, items[i].subject, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 7, items[i].text, -1, SQLITE_STATIC);
		ck_assert_int_eq(sqlite3_step(st), SQLITE_DONE);
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	sqlite3_close(h);
}

char *
tu_tmpdir(void)
{
	const char *base = getenv("TMPDIR");
	char *dir;
	size_t n;

	if (base == NULL || *base == '\0')
		base = "/tmp";
	n = strlen(base) + 32;
	dir = xmalloc(n);
	snprintf(dir, n, "%s/dmarc-test.XXXXXX", base);
	if (mkdtemp(dir) == NULL) {
		perror("mkdtemp");
		abort();
	}
	return dir;
}

void
tu_rmtree(const char *dir)
{
	char *cmd;
	size_t n;

	if (dir == NULL || strncmp(dir, "/", 1) != 0 || strlen(dir) < 6)
		return;
	n = strlen(dir) + 16;
	cmd = xmalloc(n);
	snprintf(cmd, n, "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "warning: could not remove %s\n", dir);
	free(cmd);
}

char *
tu_data(const char *rel)
{
	size_t n = strlen(TEST_DATA) + strlen(rel) + 2;
	char *p = xmalloc(n);

	snprintf(p, n, "%s/%s", TEST_DATA, rel);
	return p;
}

uint8_t *
tu_slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	struct buf b;
	char chunk[65536];
	size_t got;

	if (f == NULL)
		return NULL;
	buf_init(&b, (size_t)1 << 31);
	while ((got = fread(chunk, 1, sizeof(chunk), f)) > 0)
		if (buf_add(&b, chunk, got) == -1)
			abort();
	fclose(f);
	return (uint8_t *)buf_detach(&b, len);
}

int
tu_write(const char *path, const void *p, size_t n)
{
	FILE *f = fopen(path, "wb");
	int rc = 0;

	if (f == NULL)
		return -1;
	if (n > 0 && fwrite(p, 1, n, f) != n)
		rc = -1;
	if (fclose(f) != 0)
		rc = -1;
	return rc;
}

uint8_t *
tu_gzip(const void *p, size_t n, size_t *outlen)
{
	z_stream z;
	uint8_t *out;
	size_t cap = n + n / 100 + 1024;

	memset(&z, 0, sizeof(z));
	if (deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8,
	    Z_DEFAULT_STRATEGY) != Z_OK)
		abort();
	out = xmalloc(cap);
	z.next_in = (Bytef *)(uintptr_t)p;
	z.avail_in = (uInt)n;
	z.next_out = out;
	z.avail_out = (uInt)cap;
	if (deflate(&z, Z_FINISH) != Z_STREAM_END)
		abort();
	*outlen = z.total_out;
	deflateEnd(&z);
	return out;
}

int
tu_run(const char *cmd, char **out)
{
	FILE *f = popen(cmd, "r");
	struct buf b;
	char chunk[4096];
	size_t got;
	int st;

	if (f == NULL)
		return -1;
	buf_init(&b, (size_t)1 << 28);
	while ((got = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_add(&b, chunk, got);
	st = pclose(f);
	if (out != NULL)
		*out = buf_detach(&b, NULL);
	else
		buf_release(&b);
	if (st == -1 || !WIFEXITED(st))
		return -1;
	return WEXITSTATUS(st);
}

static sqlite3_stmt *
query(const char *db, const char *sql, sqlite3 **hp)
{
	sqlite3_stmt *st = NULL;

	*hp = NULL;
	if (sqlite3_open_v2(db, hp, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
		return NULL;
	if (sqlite3_prepare_v2(*hp, sql, -1, &st, NULL) != SQLITE_OK) {
		fprintf(stderr, "tu_query: %s: %s\n", sql, sqlite3_errmsg(*hp));
		return NULL;
	}
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_finalize(st);
		return NULL;
	}
	return st;
}

int64_t
tu_query_int(const char *db, const char *sql)
{
	sqlite3 *h;
	sqlite3_stmt *st = query(db, sql, &h);
	int64_t v = -1;

	if (st != NULL && sqlite3_column_type(st, 0) != SQLITE_NULL)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(h);
	return v;
}

char *
tu_query_text(const char *db, const char *sql)
{
	sqlite3 *h;
	sqlite3_stmt *st = query(db, sql, &h);
	char *v = NULL;

	if (st != NULL && sqlite3_column_text(st, 0) != NULL)
		v = xstrdup((const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	sqlite3_close(h);
	return v;
}

int
tu_rss_main(int argc, char *argv[])
{
	struct rusage ru;
	pid_t b;
	int st, i, o;

	if (argc < 4)
		return 2;
	if ((b = fork()) == 0) {
		i = open(argv[2], O_RDONLY);
		o = open("/dev/null", O_WRONLY);
		if (i == -1 || o == -1 || dup2(i, 0) == -1 || dup2(o, 1) == -1 ||
		    dup2(o, 2) == -1)
			_exit(126);
		execv(argv[3], argv + 3);
		_exit(127);
	}
	if (b == -1 || waitpid(b, &st, 0) != b ||
	    getrusage(RUSAGE_CHILDREN, &ru) == -1)
		return 2;
	printf("%d %ld\n", WIFEXITED(st) ? WEXITSTATUS(st) : -1,
	    ru.ru_maxrss);
	return 0;
}

/* "STATUS RSS\n" from the runner: 0, or -1 */
static int
rss_parse(const char *s, int *status, long *rss)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || end == s || *end != ' ')
		return -1;
	*status = (int)v;
	s = end + 1;
	*rss = strtol(s, &end, 10);
	return errno != 0 || end == s || *end != '\n' ? -1 : 0;
}

int
tu_run_rss(const char *const *args, const char *in, long *rss_kb)
{
	const char *argv[64];
	char out[64];
	size_t n = 0;
	ssize_t got;
	int pfd[2], st, status = -1;
	pid_t a;

	/* a fresh, small runner: a fork of this process would carry its RSS */
	argv[n++] = "dmarc-tests";
	argv[n++] = "--rss-run";
	argv[n++] = in != NULL ? in : "/dev/null";
	argv[n++] = TEST_INGEST_BIN;
	for (size_t i = 1; args[i] != NULL && n < 63; i++)
		argv[n++] = args[i];
	argv[n] = NULL;
	ck_assert_int_eq(pipe(pfd), 0);
	if ((a = fork()) == 0) {
		if (dup2(pfd[1], 1) == -1)
			_exit(126);
		close(pfd[0]);
		execv("/proc/self/exe", (char *const *)(uintptr_t)argv);
		_exit(127);
	}
	ck_assert_int_ne(a, -1);
	close(pfd[1]);
	got = read(pfd[0], out, sizeof(out) - 1);
	close(pfd[0]);
	ck_assert_int_eq(waitpid(a, &st, 0), a);
	ck_assert_msg(got > 0 && WIFEXITED(st) && WEXITSTATUS(st) == 0,
	    "the RSS runner failed");
	out[got] = '\0';
	*rss_kb = -1;
	ck_assert_int_eq(rss_parse(out, &status, rss_kb), 0);
	return status;
}

/* ------------------------------------------------------------------ */
/* dnsmasq                                                            */

int
tu_udp_loopback(int *port)
{
	struct sockaddr_in sa;
	socklen_t len = sizeof(sa);
	int s;

	if ((s = socket(AF_INET, SOCK_DGRAM, 0)) == -1)
		return -1;
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(s, (struct sockaddr *)&sa, sizeof(sa)) == -1 ||
	    getsockname(s, (struct sockaddr *)&sa, &len) == -1) {
		close(s);
		return -1;
	}
	*port = ntohs(sa.sin_port);
	return s;
}

void
tu_quiet_child(void)
{
	int devnull = open("/dev/null", O_WRONLY);

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (devnull != -1) {
		dup2(devnull, 1);
		dup2(devnull, 2);
		close(devnull);
	}
}

/* 1 once something is bound to the UDP port (dnsmasq is listening) */
static int
port_taken(int port)
{
	struct sockaddr_in sa;
	int s, taken;

	if ((s = socket(AF_INET, SOCK_DGRAM, 0)) == -1)
		return 0;
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sa.sin_port = htons((uint16_t)port);
	taken = bind(s, (struct sockaddr *)&sa, sizeof(sa)) == -1 &&
	    errno == EADDRINUSE;
	close(s);
	return taken;
}

/* the child: dnsmasq with the fixed options, then the zone */
static void
dnsmasq_exec(const struct tu_dnsmasq *dm, const char *dir,
    const char *const *zone, size_t n)
{
	static const char *const fixed[] = { "dnsmasq", "--no-daemon",
	    "--no-resolv", "--no-hosts", "--listen-address=127.0.0.1",
	    "--bind-interfaces", "--local-ttl=300", "--local=/test/",
	    "--local=/arpa/" };
	size_t nf = sizeof(fixed) / sizeof(fixed[0]), k = 0;
	char port[32], pid[1024];
	char **argv = xcalloc(nf + n + 3, sizeof(*argv));

	tu_quiet_child();
	snprintf(port, sizeof(port), "--port=%d", dm->port);
	snprintf(pid, sizeof(pid), "--pid-file=%s/dnsmasq.pid", dir);
	/* copies: execv's argv is not const; the child execs or exits */
	for (size_t i = 0; i < nf; i++)
		argv[k++] = xstrdup(fixed[i]);
	argv[k++] = port;
	argv[k++] = pid;
	for (size_t i = 0; i < n; i++)
		argv[k++] = xstrdup(zone[i]);
	argv[k] = NULL;
	execv(TU_DNSMASQ, argv);
	_exit(127);
}

int
tu_dnsmasq_start(struct tu_dnsmasq *dm, const char *dir,
    const char *const *zone, size_t n)
{
	int s, status;

	dm->pid = -1;
	if (access(TU_DNSMASQ, X_OK) == -1 ||
	    (s = tu_udp_loopback(&dm->port)) == -1)
		return -1;
	/* freed before the fork: dnsmasq binds it */
	close(s);
	snprintf(dm->resolver, sizeof(dm->resolver), "127.0.0.1:%d",
	    dm->port);
	if ((dm->pid = fork()) == 0)
		dnsmasq_exec(dm, dir, zone, n);
	for (int i = 0; i < 100 && dm->pid > 0; i++) {
		if (port_taken(dm->port))
			return 0;
		if (waitpid(dm->pid, &status, WNOHANG) == dm->pid) {
			dm->pid = -1;
			return -1;
		}
		usleep(50000);
	}
	tu_dnsmasq_stop(dm);
	return -1;
}

void
tu_dnsmasq_stop(struct tu_dnsmasq *dm)
{
	int status;

	if (dm->pid > 0) {
		kill(dm->pid, SIGTERM);
		waitpid(dm->pid, &status, 0);
	}
	dm->pid = -1;
}

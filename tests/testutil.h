/*
 * Helpers shared by the test suites: temporary directories and files,
 * reading fixtures, running the dmarc-ingest binary, small SQLite
 * queries for checking what was stored, and a real dnsmasq.
 */
#ifndef DMARC_TESTUTIL_H
#define DMARC_TESTUTIL_H

#include <sys/types.h>

#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

/* a fresh directory under $TMPDIR; caller frees the string */
char	*tu_tmpdir(void);
/* removes a directory tree (rm -rf); NULL is fine */
void	 tu_rmtree(const char *);
/* path of a fixture below tests/data; caller frees */
char	*tu_data(const char *rel);
/* whole file into memory (caller frees), NULL if unreadable */
uint8_t	*tu_slurp(const char *path, size_t *len);
/* writes n bytes to path; 0 or -1 */
int	 tu_write(const char *path, const void *, size_t n);
/* gzip-compresses p[0..n) into a new buffer (caller frees) */
uint8_t	*tu_gzip(const void *p, size_t n, size_t *outlen);
/*
 * Runs the shell command line cmd (sh -c), returns its exit status (or
 * -1), and, when out is not NULL, its standard output (caller frees).
 */
int	 tu_run(const char *cmd, char **out);
/*
 * One integer from a query on the database at path (opened read-only);
 * -1 when the query fails or returns no row.
 */
int64_t	 tu_query_int(const char *db, const char *sql);
/* one text value from a query, caller frees; NULL on failure */
char	*tu_query_text(const char *db, const char *sql);

/* seconds on the monotonic clock, for timing a step */
double	 tu_now(void);
/* this process's peak RSS so far (getrusage RUSAGE_SELF), in KiB */
long	 tu_self_rss_kb(void);
/*
 * How much slower a sanitizer build runs: time bounds are multiplied by
 * it, as TU_RSS_LIMIT_KB is by TEST_RSS_FACTOR.
 */
#define TU_SLOW		TEST_SLOW_FACTOR

/*
 * A fixture database at db: dmarc-ingest --db DB INPUTS run in the source
 * tree, inputs being shell words relative to it ("tests/data/digest",
 * "samples"), so stored source names are stable; asserts it exits with
 * status (1 when an input is rejected on purpose).
 */
void	 tu_fixture_db(const char *db, const char *inputs, int status);
/*
 * Adds a stored DMARC lookup of dom to the database at db, as
 * "dmarc-report policy" stores it: looked up at epoch at, status 'found',
 * 'none', 'invalid' or 'dns-error', the raw TXT record (or NULL), found at
 * dom itself.  Asserts.
 */
void	 tu_stored_lookup(const char *db, const char *dom, long long at,
	    const char *status, const char *raw);

/* one item of a stored check (tu_stored_check) */
struct tu_check_item {
	const char	*verdict;	/* ok, info, warning, error */
	const char	*area;		/* dmarc, spf, dkim, mx */
	const char	*code;
	const char	*subject;
	const char	*text;
};
/*
 * Adds a check of dom to the database at db, as "dmarc-report check"
 * stores it (dns_check, dns_check_item): checked at epoch at, its worst
 * verdict, items[0..n) in that order, about no mail.  Asserts.
 */
void	 tu_stored_check(const char *db, const char *dom, long long at,
	    const char *worst, const struct tu_check_item *items, size_t n);

/*
 * A real dnsmasq on 127.0.0.1 for any suite: tu_dnsmasq_start() runs it
 * in the foreground of a child at a free UDP (and TCP) port, local (never
 * forwarded) for /test/ and /arpa/, TTL 300, serving the zone given as
 * dnsmasq options ("--txt-record=NAME,TEXT", "--mx-host=...",
 * "--server=/zone/127.0.0.1#PORT" to forward one zone to a test server),
 * with no resolv.conf or hosts file.  The child dies with the runner and
 * writes nothing to its output.  Returns 0 with dm filled once dnsmasq
 * listens (dm->resolver is "127.0.0.1:PORT" for --resolver), or -1 when
 * dnsmasq is missing or did not start: the caller skips with
 * TU_SKIP(TU_SKIP_SERVER, ...).  tu_dnsmasq_stop() ends it (dm->pid -1:
 * nothing to do).
 */
#define TU_DNSMASQ	"/usr/sbin/dnsmasq"
struct tu_dnsmasq {
	pid_t	 pid;		/* the child, -1 when not running */
	int	 port;
	char	 resolver[32];
};
int	 tu_dnsmasq_start(struct tu_dnsmasq *dm, const char *dir,
	    const char *const *zone, size_t n);
void	 tu_dnsmasq_stop(struct tu_dnsmasq *dm);
/* a UDP socket bound to a free port of 127.0.0.1 (*port), or -1 */
int	 tu_udp_loopback(int *port);
/*
 * In a server child: dies with the runner (PR_SET_DEATHSIG), standard
 * output and error to /dev/null, so that a crashed runner (CK_FORK=no)
 * leaves no one holding ctest's pipe.
 */
void	 tu_quiet_child(void);

/* what a skipped test lacked */
enum tu_skip {
	TU_SKIP_HOST,	/* the host cannot: no root, no tmpfs, old libzip */
	TU_SKIP_SERVER	/* a real server the test runs against: Dovecot, dnsmasq */
};
/*
 * The one way a test does not run: prints "SKIP <test>: <reason>" and
 * counts it (tu_skips).  With CI=true in the environment a TU_SKIP_SERVER
 * skip fails the test instead (ck_abort_msg with the reason): CI installs
 * every server (contrib/setup-debian.sh).  test is __func__; its "_fn"
 * suffix (Check's START_TEST) is dropped.  Use TU_SKIP, which returns.
 */
void	 tu_skip(enum tu_skip, const char *test, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));
#define TU_SKIP(kind, ...) do {						\
	tu_skip((kind), __func__, __VA_ARGS__);				\
	return;								\
} while (0)
/*
 * Makes the skip count survive Check's forked tests (shared memory);
 * call once before srunner_run_all.
 */
void	 tu_skip_init(void);
/* how many tests skipped so far, in this process and its forks */
unsigned long tu_skips(void);

/*
 * Runs dmarc-ingest with args (args[0] is its name, NULL-ended) and
 * standard input from in (NULL: /dev/null; output to /dev/null) as the
 * only child of a fresh runner (this binary exec'd again: a fork of the
 * test process would count its pages), so that RUSAGE_CHILDREN there,
 * after waitpid, is dmarc-ingest's own peak RSS, returned in *rss_kb
 * (KiB).  Returns the exit status, -1 when it did not exit.
 */
int	 tu_run_rss(const char *const *args, const char *in, long *rss_kb);
/*
 * The peak RSS a dmarc-ingest run may reach on hostile mail, in KiB: 64 MB
 * (the ingest's usual ~25 MB and room), times 4 in a sanitizer build,
 * whose shadow memory and quarantine inflate it; a regression to
 * gigabytes fails either way.
 */
#define TU_RSS_LIMIT_KB	(64L * 1024 * TEST_RSS_FACTOR)
/*
 * The runner's side: "dmarc-tests --rss-run IN PROG ARGS..." runs PROG
 * with standard input from IN and prints "STATUS RSS_KB".  For main().
 */
int	 tu_rss_main(int argc, char *argv[]);

#endif

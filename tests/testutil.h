/*
 * Helpers shared by the test suites: temporary directories and files,
 * reading fixtures, running the dmarc-ingest binary, and small SQLite
 * queries for checking what was stored.
 */
#ifndef DMARC_TESTUTIL_H
#define DMARC_TESTUTIL_H

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

/*
 * The IMAP source against a real Dovecot on 127.0.0.1 (tests/mailtest.c
 * starts one per test): reports stored, \Seen set only after commit, moves
 * to a folder, --max-messages, reruns storing nothing new, TLS with and
 * without the right CA, login and database failures leaving mail unseen,
 * netrc.  Without Dovecot each server test prints SKIP (tu_skip; with
 * CI=true it fails).
 * The URL and option checks need no server.
 */
#include <dirent.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <check.h>
#include <sqlite3.h>

#include "imap.h"
#include "ingest.h"
#include "mailtest.h"
#include "store.h"
#include "testutil.h"

Suite *imap_suite(void);

static struct mt_dovecot dv;
static int up;			/* dovecot runs */
static char why[1024];		/* why it does not */
static char *tmp;
static char db[512];
static char url[512];

static void
setup(void)
{
	tmp = tu_tmpdir();
	snprintf(db, sizeof(db), "%s/t.db", tmp);
	setenv(IMAP_PASSWORD_ENV, MT_PASSWORD, 1);
	up = mt_dovecot_start(&dv, why, sizeof(why)) == 0;
	if (up)
		mt_dovecot_url(&dv, 0, url, sizeof(url));
}

/* no server: tests of the options alone */
static void
setup_local(void)
{
	tmp = tu_tmpdir();
	snprintf(db, sizeof(db), "%s/t.db", tmp);
	memset(&dv, 0, sizeof(dv));
	up = 0;
}

static void
teardown(void)
{
	mt_dovecot_stop(&dv);
	tu_rmtree(tmp);
	free(tmp);
}

#define NEED_DOVECOT() do {						\
	if (!up)							\
		TU_SKIP(TU_SKIP_SERVER, "dovecot cannot be started: %s",	\
		    why);						\
} while (0)

/* puts n report messages numbered from first into the INBOX */
static void
put_reports(size_t first, size_t n)
{
	for (size_t i = first; i < first + n; i++) {
		size_t len;
		char *m = mt_message(i, &len);

		ck_assert_int_eq(mt_dovecot_put(&dv, m, len), 0);
		free(m);
	}
}

/* runs the IMAP source in process on the test database */
static int
run(const struct imap_options *o, struct imap_stats *st, char *err,
    size_t errlen)
{
	struct store *s;
	struct ingest ing;
	int rc;

	s = store_open(db, err, errlen);
	ck_assert_msg(s != NULL, "%s", err);
	ingest_init(&ing, s);
	rc = imap_run(o, &ing, st, err, errlen);
	store_close(s);
	return rc;
}

static void
opts(struct imap_options *o)
{
	memset(o, 0, sizeof(*o));
	o->url = url;
}

static int64_t
reports(void)
{
	return tu_query_int(db, "SELECT count(DISTINCT report_id) FROM "
	    "report WHERE report_id LIKE 'imaper-test-%'");
}

static int64_t
report_rows(void)
{
	return tu_query_int(db, "SELECT count(*) FROM report");
}

START_TEST(test_imap_stores_then_marks_seen)
{
	struct imap_options o;
	struct imap_stats st;
	char err[1024];

	NEED_DOVECOT();
	put_reports(0, 5);
	opts(&o);
	ck_assert_msg(run(&o, &st, err, sizeof(err)) == 0, "%s", err);
	ck_assert_uint_eq(st.listed, 5);
	ck_assert_uint_eq(st.fetched, 5);
	ck_assert_uint_eq(st.marked, 5);
	ck_assert_int_eq(reports(), 5);
	ck_assert_int_eq(report_rows(), 5);
	ck_assert_uint_eq(mt_maildir_count(dv.maildir, 1), 5);
	ck_assert_uint_eq(mt_maildir_count(dv.maildir, 0), 0);
	ck_assert_int_eq(tu_query_int(db, "SELECT count(*) FROM message "
	    "WHERE outcome = 'stored' AND source LIKE 'imap://rua@127.0.0.1:%"
	    "/INBOX;UIDVALIDITY=%/;UID=_'"), 5);
}
END_TEST

START_TEST(test_imap_second_run_stores_nothing_new)
{
	struct imap_options o;
	struct imap_stats st;
	char err[1024];

	NEED_DOVECOT();
	put_reports(0, 3);
	opts(&o);
	ck_assert_msg(run(&o, &st, err, sizeof(err)) == 0, "%s", err);
	ck_assert_msg(run(&o, &st, err, sizeof(err)) == 0, "%s", err);
	ck_assert_uint_eq(st.listed, 0);
	ck_assert_uint_eq(st.fetched, 0);
	/* --all fetches the seen ones again: known, nothing stored twice */
	o.all = 1;
	ck_assert_msg(run(&o, &st, err, sizeof(err)) == 0, "%s", err);
	ck_assert_uint_eq(st.listed, 3);
	ck_assert_uint_eq(st.fetched, 3);
	ck_assert_int_eq(report_rows(), 3);
	ck_assert_int_eq(tu_query_int(db, "SELECT sum(seen_count) FROM "
	    "message"), 6);
	/* a new message after that is the only one the next run takes */
	put_reports(3, 1);
	o.all = 0;
	ck_assert_msg(run(&o, &st, err, sizeof(err)) == 0, "%s", err);
	ck_assert_uint_eq(st.listed, 1);
	ck_assert_int_eq(report_rows(), 4);
}
END_TEST

START_TEST(test_imap_fetch_alone_leaves_unseen)
{
	struct imap_options o;
	struct imap_stats st;
	char err[1024];
	sqlite3 *h;

	NEED_DOVECOT();
	put_reports(0, 2);
	opts(&o);
	/* a first run creates the schema; then the database refuses */
	ck_assert_msg(run(&o, &st, err, sizeof(err)) == 0, "%s", err);
	put_reports(2, 2);
	ck_assert_int_eq(sqlite3_open(db, &h), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(h, "CREATE TRIGGER refuse BEFORE "
	    "INSERT ON message BEGIN SELECT RAISE(ABORT, 'test refuses'); "
	    "END", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(h);
	ck_assert_int_ne(run(&o, &st, err, sizeof(err)), IMAP_OK);
	ck_assert_msg(strstr(err, "not processed (database error): left "
	    "unseen on the server") != NULL, "%s", err);
	ck_assert_uint_eq(st.fetched, 1);
	ck_assert_uint_eq(st.marked, 0);
	/* the message was downloaded, yet stays unseen: EXAMINE */
	ck_assert_uint_eq(mt_maildir_count(dv.maildir, 0), 2);
	ck_assert_uint_eq(mt_maildir_count(dv.maildir, 1), 2);
	ck_assert_int_eq(sqlite3_open(db, &h), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(h, "DROP TRIGGER refuse", NULL, NULL,
	    NULL), SQLITE_OK);
	sqlite3_close(h);
	ck_assert_msg(run(&o, &st, err, sizeof(err)) == 0, "%s", err);
	ck_assert_uint_eq(st.marked, 2);
	ck_assert_int_eq(reports(), 4);
	ck_assert_uint_eq(mt_maildir_count(dv.maildir, 1), 4);
}
END_TEST

START_TEST(test_imap_moves_after_commit)
{
	struct imap_options o;
	struct imap_stats st;
	char err[1024], folder[600];

	NEED_DOVECOT();
	put_reports(0, 4);
	opts(&o);
	o.move_to = "Processed";
	ck_assert_msg(run(&o, &st, err, sizeof(err)) == 0, "%s", err);
	ck_assert_uint_eq(st.marked, 4);
	ck_assert_int_eq(reports(), 4);
	snprintf(folder, sizeof(folder), "%s/.Processed", dv.maildir);
	ck_assert_uint_eq(mt_maildir_count(folder, 1), 4);
	ck_assert_uint_eq(mt_maildir_count(folder, 0), 0);
	ck_assert_uint_eq(mt_maildir_count(dv.maildir, 1), 0);
	ck_assert_uint_eq(mt_maildir_count(dv.maildir, 0), 0);
	/* the folder exists now: a second run with new mail reuses it */
	put_reports(4, 1);
	ck_assert_msg(run(&o, &st, err, sizeof(err)) == 0, "%s", err);
	ck_assert_uint_eq(mt_maildir_count(folder, 1), 5);
	ck_assert_int_eq(reports(), 5);
}
END_TEST

START_TEST(test_imap_max_messages_per_run)
{
	struct imap_options o;
	struct imap_stats st;
	char err[1024];

	NEED_DOVECOT();
	put_reports(0, 5);
	opts(&o);
	o.max_messages = 2;
	ck_assert_msg(run(&o, &st, err, sizeof(err)) == 0, "%s", err);
	ck_assert_uint_eq(st.listed, 5);
	ck_assert_uint_eq(st.fetched, 2);
	ck_assert_int_eq(reports(), 2);
	ck_assert_uint_eq(mt_maildir_count(dv.maildir, 0), 3);
	ck_assert_msg(run(&o, &st, err, sizeof(err)) == 0, "%s", err);
	ck_assert_msg(run(&o, &st, err, sizeof(err)) == 0, "%s", err);
	ck_assert_int_eq(reports(), 5);
	ck_assert_uint_eq(mt_maildir_count(dv.maildir, 0), 0);
}
END_TEST

START_TEST(test_imap_non_reports_are_marked)
{
	struct imap_options o;
	struct imap_stats st;
	char err[1024], *m;
	size_t n;

	NEED_DOVECOT();
	m = mt_plain_message(1, &n);
	ck_assert_int_eq(mt_dovecot_put(&dv, m, n), 0);
	free(m);
	put_reports(0, 1);
	opts(&o);
	ck_assert_msg(run(&o, &st, err, sizeof(err)) == 0, "%s", err);
	ck_assert_uint_eq(st.marked, 2);
	ck_assert_int_eq(tu_query_int(db, "SELECT count(*) FROM message "
	    "WHERE outcome = 'not_report'"), 1);
	ck_assert_uint_eq(mt_maildir_count(dv.maildir, 1), 2);
}
END_TEST

START_TEST(test_imap_tls_needs_the_ca)
{
	struct imap_options o;
	struct imap_stats st;
	char err[1024];

	NEED_DOVECOT();
	put_reports(0, 2);
	mt_dovecot_url(&dv, 1, url, sizeof(url));
	opts(&o);
	ck_assert_int_ne(run(&o, &st, err, sizeof(err)), IMAP_OK);
	ck_assert_msg(strstr(err, url) != NULL && strstr(err,
	    "certificate") != NULL, "%s", err);
	ck_assert_int_eq(reports(), 0);
	ck_assert_uint_eq(mt_maildir_count(dv.maildir, 0), 2);
	o.cacert = dv.cacert;
	ck_assert_msg(run(&o, &st, err, sizeof(err)) == 0, "%s", err);
	ck_assert_int_eq(reports(), 2);
	ck_assert_uint_eq(mt_maildir_count(dv.maildir, 1), 2);
}
END_TEST

START_TEST(test_imap_starttls_verified)
{
	struct imap_options o;
	struct imap_stats st;
	char err[1024];

	NEED_DOVECOT();
	put_reports(0, 1);
	/* imap:// to another host must STARTTLS, verified like imaps:// */
	snprintf(url, sizeof(url), "imap://%s@127.0.0.2:%d/INBOX", MT_USER,
	    dv.port);
	opts(&o);
	ck_assert_int_ne(run(&o, &st, err, sizeof(err)), IMAP_OK);
	ck_assert_msg(strstr(err, "certificate") != NULL, "%s", err);
	o.cacert = dv.cacert;
	ck_assert_msg(run(&o, &st, err, sizeof(err)) == 0, "%s", err);
	ck_assert_int_eq(reports(), 1);
}
END_TEST

START_TEST(test_imap_login_failure_names_server)
{
	struct imap_options o;
	struct imap_stats st;
	char err[1024];

	NEED_DOVECOT();
	put_reports(0, 1);
	setenv(IMAP_PASSWORD_ENV, "wrong", 1);
	opts(&o);
	ck_assert_int_ne(run(&o, &st, err, sizeof(err)), IMAP_OK);
	ck_assert_msg(strstr(err, url) != NULL && strstr(err, "Login "
	    "denied") != NULL, "%s", err);
	ck_assert_uint_eq(mt_maildir_count(dv.maildir, 0), 1);
}
END_TEST

START_TEST(test_imap_netrc_password)
{
	struct imap_options o;
	struct imap_stats st;
	char err[1024], netrc[600], line[256];

	NEED_DOVECOT();
	put_reports(0, 1);
	unsetenv(IMAP_PASSWORD_ENV);
	snprintf(netrc, sizeof(netrc), "%s/netrc", tmp);
	snprintf(line, sizeof(line), "machine 127.0.0.1 login %s password "
	    "%s\n", MT_USER, MT_PASSWORD);
	ck_assert_int_eq(tu_write(netrc, line, strlen(line)), 0);
	opts(&o);
	o.netrc_file = netrc;
	ck_assert_msg(run(&o, &st, err, sizeof(err)) == 0, "%s", err);
	ck_assert_int_eq(reports(), 1);
}
END_TEST

START_TEST(test_imap_no_password_is_error)
{
	struct imap_options o;
	struct imap_stats st;
	struct store *s;
	struct ingest ing;
	char err[1024];

	unsetenv(IMAP_PASSWORD_ENV);
	setenv("HOME", tmp, 1);
	snprintf(url, sizeof(url), "imaps://rua@127.0.0.1:1/INBOX");
	opts(&o);
	s = store_open(db, err, sizeof(err));
	ck_assert_ptr_nonnull(s);
	ingest_init(&ing, s);
	ck_assert_int_eq(imap_run(&o, &ing, &st, err, sizeof(err)), IMAP_CONFIG);
	ck_assert_msg(strstr(err, "no password: set $DMARC_IMAP_PASSWORD") !=
	    NULL, "%s", err);
	o.netrc_file = "/nonexistent/netrc";
	ck_assert_int_eq(imap_run(&o, &ing, &st, err, sizeof(err)), IMAP_CONFIG);
	ck_assert_msg(strstr(err, "cannot read netrc file "
	    "'/nonexistent/netrc'") != NULL, "%s", err);
	store_close(s);
}
END_TEST

START_TEST(test_imap_url_checks)
{
	static const struct {
		const char *url, *move_to, *err;
	} t[] = {
		{ "imaps://rua@mail.example:993/INBOX", NULL, NULL },
		{ "imap://rua@127.0.0.1/", "Processed/DMARC", NULL },
		{ "imaps://rua@mail.example", NULL, NULL },
		{ "imaps://rua:pw@mail.example/INBOX", NULL,
		    "must not hold a password" },
		{ "imaps://rua:@mail.example/INBOX", NULL,
		    "must not hold a password" },
		{ "https://mail.example/INBOX", NULL, "imaps:// or imap://" },
		{ "imaps://rua@mail.example/INBOX;UID=3", NULL,
		    "not a message" },
		{ "imaps://rua@mail.example/INBOX?UNSEEN", NULL,
		    "without '?'" },
		{ "imaps://rua@mail.example/%C3%A9", NULL, "printable ASCII" },
		{ "imaps://rua@mail.example/%0Abad", NULL, "not a usable" },
		{ "imaps://rua@mail.example/INBOX", "a\r\nb",
		    "--imap-move-to" },
		{ "imaps://rua@mail.example/INBOX", "", "--imap-move-to" },
		{ "not a url", NULL, "not a URL" },
	};
	struct imap_options o;
	char err[512];

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		memset(&o, 0, sizeof(o));
		o.url = t[i].url;
		o.move_to = t[i].move_to;
		err[0] = '\0';
		if (t[i].err == NULL)
			ck_assert_msg(imap_check(&o, err, sizeof(err)) == 0,
			    "%s: %s", t[i].url, err);
		else
			ck_assert_msg(imap_check(&o, err, sizeof(err)) == -1 &&
			    strstr(err, t[i].err) != NULL, "%s: '%s'",
			    t[i].url, err);
	}
}
END_TEST

/* the lowest and highest UID of the mail ledger's IMAP sources */
static int64_t
ledger_uid(const char *agg)
{
	char sql[256];

	snprintf(sql, sizeof(sql), "SELECT %s(CAST(substr(source, "
	    "instr(source, ';UID=') + 5) AS INTEGER)) FROM message", agg);
	return tu_query_int(db, sql);
}

/* one run takes a whole backlog of n unseen messages: each stored once */
static void
check_backlog(size_t n)
{
	struct imap_options o;
	struct imap_stats st;
	char err[1024];

	opts(&o);
	ck_assert_msg(run(&o, &st, err, sizeof(err)) == IMAP_OK, "%s", err);
	ck_assert_uint_eq(st.listed, n);
	ck_assert_uint_eq(st.fetched, n);
	ck_assert_uint_eq(st.marked, n);
	ck_assert_int_eq(reports(), (int64_t)n);
	ck_assert_int_eq(report_rows(), (int64_t)n);
	ck_assert_uint_eq(mt_maildir_count(dv.maildir, 0), 0);
	ck_assert_uint_eq(mt_maildir_count(dv.maildir, 1), n);
}

/*
 * 5,000 unseen messages would answer one UID SEARCH with 24 KB of UIDs,
 * past libcurl's 8 KB line: every one is listed, stored and marked.
 */
START_TEST(test_imap_backlog_5000)
{
	NEED_DOVECOT();
	mt_dovecot_fill(&dv, 0, 5000, 0);
	check_backlog(5000);
	ck_assert_int_eq(ledger_uid("min"), 1);
	ck_assert_int_eq(ledger_uid("max"), 5000);
}
END_TEST

/* UIDs from 4,000,001 (8 digits each): the same backlog listed whole */
START_TEST(test_imap_backlog_high_uids)
{
	NEED_DOVECOT();
	ck_assert_int_eq(mt_dovecot_next_uid(&dv, 4000001), 0);
	mt_dovecot_fill(&dv, 0, 5000, 0);
	check_backlog(5000);
	ck_assert_int_eq(ledger_uid("min"), 4000001);
	ck_assert_int_eq(ledger_uid("max"), 4005000);
}
END_TEST

/* --all on 5,000 messages, half of them seen already: all taken */
START_TEST(test_imap_backlog_all)
{
	struct imap_options o;
	struct imap_stats st;
	char err[1024];

	NEED_DOVECOT();
	mt_dovecot_fill(&dv, 0, 2500, 1);
	mt_dovecot_fill(&dv, 2500, 5000, 0);
	ck_assert_uint_eq(mt_maildir_count(dv.maildir, 0), 2500);
	opts(&o);
	o.all = 1;
	ck_assert_msg(run(&o, &st, err, sizeof(err)) == IMAP_OK, "%s", err);
	ck_assert_uint_eq(st.listed, 5000);
	ck_assert_uint_eq(st.fetched, 5000);
	ck_assert_uint_eq(st.marked, 5000);
	ck_assert_int_eq(reports(), 5000);
	ck_assert_int_eq(report_rows(), 5000);
	ck_assert_uint_eq(mt_maildir_count(dv.maildir, 0), 0);
	ck_assert_uint_eq(mt_maildir_count(dv.maildir, 1), 5000);
}
END_TEST

/* messages of the INBOX with the F flag (\\Flagged) */
static size_t
flagged(void)
{
	char p[1024];
	struct dirent *e;
	const char *f;
	size_t n = 0;
	DIR *d;

	snprintf(p, sizeof(p), "%s/cur", dv.maildir);
	ck_assert_ptr_nonnull(d = opendir(p));
	while ((e = readdir(d)) != NULL)
		if ((f = strstr(e->d_name, ":2,")) != NULL &&
		    strchr(f + 3, 'F') != NULL)
			n++;
	closedir(d);
	return n;
}

/*
 * A message over MAX_MESSAGE_BYTES by the server's size (Dovecot believes
 * the S= and W= of its Maildir name): recorded as rejected under its
 * UIDVALIDITY and UID, flagged, never downloaded, and with
 * --max-messages 1 it holds nothing up.
 */
START_TEST(test_imap_too_large_recorded_flagged)
{
	struct imap_options o;
	struct imap_stats st;
	char err[1024], *m;
	size_t n;

	NEED_DOVECOT();
	m = mt_message(0, &n);
	ck_assert_int_eq(mt_dovecot_put_claiming(&dv, m, n,
	    MAX_MESSAGE_BYTES + 1), 0);
	free(m);
	put_reports(1, 2);
	opts(&o);
	o.max_messages = 1;
	ck_assert_msg(run(&o, &st, err, sizeof(err)) == IMAP_OK, "%s", err);
	ck_assert_uint_eq(st.too_large, 1);
	ck_assert_uint_eq(st.fetched, 0);
	ck_assert_int_eq(reports(), 0);
	ck_assert_int_eq(tu_query_int(db, "SELECT count(*) FROM message "
	    "WHERE outcome = 'rejected' AND source LIKE '%;UIDVALIDITY=%/"
	    ";UID=1' AND reason LIKE '%MAX_MESSAGE_BYTES%' AND size = 402653185"),
	    1);
	/* \Seen and \Flagged: Dovecot's Maildir name gets "FS" */
	ck_assert_uint_eq(flagged(), 1);
	ck_assert_uint_eq(mt_maildir_count(dv.maildir, 1), 1);
	ck_assert_msg(run(&o, &st, err, sizeof(err)) == IMAP_OK, "%s", err);
	ck_assert_msg(run(&o, &st, err, sizeof(err)) == IMAP_OK, "%s", err);
	ck_assert_int_eq(reports(), 2);
	ck_assert_uint_eq(mt_maildir_count(dv.maildir, 0), 0);
	/* --all lists it again: known, not downloaded, not stored twice */
	o.all = 1;
	o.max_messages = 0;
	ck_assert_msg(run(&o, &st, err, sizeof(err)) == IMAP_OK, "%s", err);
	ck_assert_uint_eq(st.too_large, 1);
	ck_assert_uint_eq(st.fetched, 2);
	ck_assert_int_eq(tu_query_int(db, "SELECT seen_count FROM message "
	    "WHERE outcome = 'rejected'"), 2);
	ck_assert_int_eq(tu_query_int(db, "SELECT count(*) FROM message"), 3);
}
END_TEST

/* the scripted server (tests/fakeimap.c) of the "fake" test case */
static pid_t fake_pid;
static char fake_log[600];

/* starts dmarc-fakeimap with scenario; sets url */
static void
fake_start(const char *scenario)
{
	char portfile[600], msg[600], *m, *p = NULL;
	size_t n;

	snprintf(portfile, sizeof(portfile), "%s/port", tmp);
	snprintf(fake_log, sizeof(fake_log), "%s/log", tmp);
	snprintf(msg, sizeof(msg), "%s/msg.eml", tmp);
	unlink(portfile);
	unlink(fake_log);
	m = mt_message(1, &n);
	ck_assert_int_eq(tu_write(msg, m, n), 0);
	free(m);
	if ((fake_pid = fork()) == 0) {
		execl(TEST_FAKEIMAP_BIN, "dmarc-fakeimap", scenario, portfile,
		    fake_log, msg, (char *)NULL);
		_exit(127);
	}
	ck_assert_int_gt(fake_pid, 0);
	for (int i = 0; i < 100 && (p == NULL || strchr(p, '\n') == NULL);
	    i++) {
		struct timespec ts = { 0, 20000000L };

		free(p);
		nanosleep(&ts, NULL);
		p = (char *)tu_slurp(portfile, &n);
	}
	ck_assert_msg(p != NULL && strchr(p, '\n') != NULL, "no fake server");
	snprintf(url, sizeof(url), "imap://rua@127.0.0.1:%ld/INBOX",
	    strtol(p, NULL, 10));
	free(p);
}

static void
fake_stop(void)
{
	int st;

	if (fake_pid > 0) {
		kill(fake_pid, SIGTERM);
		waitpid(fake_pid, &st, 0);
	}
	fake_pid = 0;
}

/* whether a command line the fake server received holds s */
static int
fake_saw(const char *s)
{
	size_t n;
	char *log = (char *)tu_slurp(fake_log, &n);
	int yes = log != NULL && strstr(log, s) != NULL;

	free(log);
	return yes;
}

/* whether it received a plain EXPUNGE (the tag, then EXPUNGE) */
static int
fake_saw_plain_expunge(void)
{
	size_t n;
	char *log = (char *)tu_slurp(fake_log, &n), *l, *next;
	int yes = 0;

	for (l = log; l != NULL && *l != '\0'; l = next) {
		if ((next = strchr(l, '\n')) != NULL)
			*next++ = '\0';
		l += strcspn(l, " ");
		yes |= strncmp(l, " EXPUNGE", 8) == 0;
	}
	free(log);
	return yes;
}

static void
teardown_fake(void)
{
	fake_stop();
	teardown();
}

/* what o->warn said */
static char warned[1024];

static void
on_warn(void *arg, const char *msg)
{
	(void)arg;
	snprintf(warned, sizeof(warned), "%s", msg);
}

/* the scripted server answering as it should: stored, marked, moved */
START_TEST(test_imap_fake_server_works)
{
	struct imap_options o;
	struct imap_stats st;
	char err[1024];

	setenv(IMAP_PASSWORD_ENV, MT_PASSWORD, 1);
	fake_start("plain");
	opts(&o);
	o.move_to = "Done";
	ck_assert_msg(run(&o, &st, err, sizeof(err)) == IMAP_OK, "%s", err);
	ck_assert_int_eq(reports(), 1);
	ck_assert_uint_eq(st.marked, 1);
	ck_assert(fake_saw("UID FETCH 7 BODY.PEEK[]"));
	ck_assert(fake_saw("UID STORE 7 +FLAGS.SILENT (\\Seen)"));
	ck_assert(fake_saw("UID MOVE 7 \"Done\""));
	ck_assert(!fake_saw("EXAMINE"));
	ck_assert(!fake_saw_plain_expunge());
}
END_TEST

/*
 * Answers that cannot be read whole: an error naming what broke, nothing
 * stored, nothing marked.
 */
START_TEST(test_imap_fake_bad_answers)
{
	static const struct {
		const char *scenario, *err;
		enum imap_status status;
	} t[] = {
		{ "longsearch", "UID SEARCH: response longer than 65536 "
		    "bytes (MAX_IMAP_LINE)", IMAP_FAILED },
		{ "badsearch", "UID SEARCH: malformed response", IMAP_FAILED },
		{ "bigsearch", "UID SEARCH: malformed response", IMAP_FAILED },
		{ "manysearch", "UID SEARCH: more UIDs than messages asked "
		    "for", IMAP_FAILED },
		{ "longfetch", "longer than 65536 bytes (MAX_IMAP_LINE) "
		    "before a literal", IMAP_FAILED },
		{ "fetchnouid", "UID FETCH 7: malformed response (no UID)",
		    IMAP_FAILED },
		{ "fetchshort", "the server closed the connection",
		    IMAP_TEMPORARY },
	};
	struct imap_options o;
	struct imap_stats st;
	char err[1024];

	setenv(IMAP_PASSWORD_ENV, MT_PASSWORD, 1);
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		fake_start(t[i].scenario);
		opts(&o);
		err[0] = '\0';
		ck_assert_msg(run(&o, &st, err, sizeof(err)) ==
		    (int)t[i].status &&
		    strstr(err, t[i].err) != NULL && strstr(err, url) != NULL,
		    "%s: %s", t[i].scenario, err);
		ck_assert_msg(!fake_saw("STORE"), "%s", t[i].scenario);
		ck_assert_uint_eq(st.marked, 0);
		ck_assert_int_eq(reports(), 0);
		fake_stop();
	}
}
END_TEST

/* no MOVE, no UIDPLUS: the move is refused, messages still marked */
START_TEST(test_imap_move_refused_without_move_or_uidplus)
{
	struct imap_options o;
	struct imap_stats st;
	char err[1024], cmd[2048];

	setenv(IMAP_PASSWORD_ENV, MT_PASSWORD, 1);
	fake_start("nomove");
	opts(&o);
	o.move_to = "Done";
	o.warn = on_warn;
	warned[0] = '\0';
	ck_assert_msg(run(&o, &st, err, sizeof(err)) == IMAP_OK, "%s", err);
	ck_assert_int_eq(st.move_refused, 1);
	ck_assert_msg(strstr(warned, "neither MOVE (RFC 6851) nor UIDPLUS "
	    "(RFC 4315): --imap-move-to refused") != NULL, "%s", warned);
	ck_assert_int_eq(reports(), 1);
	ck_assert(fake_saw("UID STORE 7 +FLAGS.SILENT (\\Seen)"));
	ck_assert(!fake_saw("COPY"));
	ck_assert(!fake_saw("Deleted"));
	ck_assert(!fake_saw("EXPUNGE"));
	fake_stop();
	/* the binary does the work and says the setup is wrong: 78 */
	fake_start("nomove");
	snprintf(cmd, sizeof(cmd), "'%s' --db '%s' --imap '%s' "
	    "--imap-move-to Done 2>/dev/null", TEST_INGEST_BIN, db, url);
	ck_assert_int_eq(tu_run(cmd, NULL), 78);
}
END_TEST

/* UIDPLUS without MOVE: COPY, \Deleted, UID EXPUNGE of those UIDs only */
START_TEST(test_imap_move_with_uid_expunge)
{
	struct imap_options o;
	struct imap_stats st;
	char err[1024];

	setenv(IMAP_PASSWORD_ENV, MT_PASSWORD, 1);
	fake_start("uidplus");
	opts(&o);
	o.move_to = "Done";
	ck_assert_msg(run(&o, &st, err, sizeof(err)) == IMAP_OK, "%s", err);
	ck_assert(fake_saw("UID COPY 7 \"Done\""));
	ck_assert(fake_saw("UID STORE 7 +FLAGS.SILENT (\\Deleted)"));
	ck_assert(fake_saw("UID EXPUNGE 7"));
	ck_assert(!fake_saw_plain_expunge());
}
END_TEST

/* runs the binary with args; its exit status, its stderr in *out */
static int
run_bin(const char *args, char **out)
{
	char cmd[4096];

	snprintf(cmd, sizeof(cmd), "'%s' --db '%s' %s 2>&1", TEST_INGEST_BIN,
	    db, args);
	return tu_run(cmd, out);
}

/* the number of lines of s */
static size_t
lines(const char *s)
{
	size_t n = 0;

	for (; s != NULL && *s != '\0'; s++)
		n += *s == '\n';
	return n;
}

/*
 * Setup errors need the operator, not a retry: a wrong password, no
 * password and an untrusted certificate exit 78 (EX_CONFIG) with one line;
 * a server that is down exits 75.
 */
START_TEST(test_imap_exit_codes)
{
	char args[2048], *out = NULL;

	NEED_DOVECOT();
	put_reports(0, 1);
	snprintf(args, sizeof(args), "--imap '%s'", url);
	setenv(IMAP_PASSWORD_ENV, "wrong", 1);
	ck_assert_int_eq(run_bin(args, &out), 78);
	ck_assert_msg(strstr(out, "Login denied") != NULL && lines(out) == 1,
	    "%s", out);
	free(out);
	unsetenv(IMAP_PASSWORD_ENV);
	setenv("HOME", tmp, 1);
	ck_assert_int_eq(run_bin(args, &out), 78);
	ck_assert_msg(strstr(out, "no password") != NULL && lines(out) == 1,
	    "%s", out);
	free(out);
	setenv(IMAP_PASSWORD_ENV, MT_PASSWORD, 1);
	mt_dovecot_url(&dv, 1, url, sizeof(url));
	snprintf(args, sizeof(args), "--imap '%s'", url);
	ck_assert_int_eq(run_bin(args, &out), 78);
	ck_assert_msg(strstr(out, "certificate") != NULL && lines(out) == 1,
	    "%s", out);
	free(out);
	ck_assert_uint_eq(mt_maildir_count(dv.maildir, 0), 1);
	snprintf(args, sizeof(args), "--imap 'imaps://rua@localhost/%%0A'");
	ck_assert_int_eq(run_bin(args, &out), 78);
	ck_assert_msg(lines(out) == 1, "%s", out);
	free(out);
	snprintf(args, sizeof(args), "--cacert '%s' --imap '%s'", dv.cacert,
	    url);
	ck_assert_int_eq(run_bin(args, NULL), 0);
	ck_assert_int_eq(reports(), 1);
	mt_dovecot_stop(&dv);
	ck_assert_int_eq(run_bin(args, NULL), 75);
}
END_TEST

/* a netrc file others can read: a warning naming it, the run goes on */
START_TEST(test_imap_netrc_mode_warning)
{
	char netrc[600], line[256], args[2048], *out = NULL;

	NEED_DOVECOT();
	put_reports(0, 1);
	unsetenv(IMAP_PASSWORD_ENV);
	snprintf(netrc, sizeof(netrc), "%s/netrc", tmp);
	snprintf(line, sizeof(line), "machine 127.0.0.1 login %s password "
	    "%s\n", MT_USER, MT_PASSWORD);
	ck_assert_int_eq(tu_write(netrc, line, strlen(line)), 0);
	ck_assert_int_eq(chmod(netrc, 0644), 0);
	snprintf(args, sizeof(args), "--netrc-file '%s' --imap '%s'", netrc,
	    url);
	ck_assert_int_eq(run_bin(args, &out), 0);
	ck_assert_msg(strstr(out, "netrc: warning: the netrc file is "
	    "readable by group or others (mode 644): chmod 600 it") != NULL,
	    "%s", out);
	free(out);
	ck_assert_int_eq(reports(), 1);
	ck_assert_int_eq(chmod(netrc, 0600), 0);
	put_reports(1, 1);
	ck_assert_int_eq(run_bin(args, &out), 0);
	ck_assert_msg(strstr(out, "warning") == NULL, "%s", out);
	free(out);
}
END_TEST

/* the binary: --imap stores the reports and moves the messages */
START_TEST(test_imap_binary)
{
	char cmd[4096];

	NEED_DOVECOT();
	put_reports(0, 3);
	snprintf(cmd, sizeof(cmd), "'%s' --db '%s' --imap '%s' "
	    "--imap-move-to Done 2>&1", TEST_INGEST_BIN, db, url);
	ck_assert_int_eq(tu_run(cmd, NULL), 0);
	ck_assert_int_eq(reports(), 3);
	snprintf(cmd, sizeof(cmd), "%s/.Done", dv.maildir);
	ck_assert_uint_eq(mt_maildir_count(cmd, 1), 3);
	/* a password in the URL is a configuration error */
	snprintf(cmd, sizeof(cmd), "'%s' --db '%s' --imap "
	    "'imap://rua:x@127.0.0.1:%d/INBOX' 2>/dev/null", TEST_INGEST_BIN,
	    db, dv.port);
	ck_assert_int_eq(tu_run(cmd, NULL), 78);
	/* the server gone: a temporary failure */
	mt_dovecot_stop(&dv);
	snprintf(cmd, sizeof(cmd), "'%s' --db '%s' --imap '%s' 2>/dev/null",
	    TEST_INGEST_BIN, db, url);
	ck_assert_int_eq(tu_run(cmd, NULL), 75);
}
END_TEST

Suite *
imap_suite(void)
{
	Suite *s = suite_create("imap");
	TCase *tc = tcase_create("dovecot");
	TCase *tu = tcase_create("options");
	TCase *tf = tcase_create("fake");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_imap_stores_then_marks_seen);
	tcase_add_test(tc, test_imap_second_run_stores_nothing_new);
	tcase_add_test(tc, test_imap_fetch_alone_leaves_unseen);
	tcase_add_test(tc, test_imap_moves_after_commit);
	tcase_add_test(tc, test_imap_max_messages_per_run);
	tcase_add_test(tc, test_imap_non_reports_are_marked);
	tcase_add_test(tc, test_imap_tls_needs_the_ca);
	tcase_add_test(tc, test_imap_starttls_verified);
	tcase_add_test(tc, test_imap_login_failure_names_server);
	tcase_add_test(tc, test_imap_netrc_password);
	tcase_add_test(tc, test_imap_binary);
	tcase_add_test(tc, test_imap_backlog_5000);
	tcase_add_test(tc, test_imap_backlog_high_uids);
	tcase_add_test(tc, test_imap_backlog_all);
	tcase_add_test(tc, test_imap_too_large_recorded_flagged);
	tcase_add_test(tc, test_imap_exit_codes);
	tcase_add_test(tc, test_imap_netrc_mode_warning);
	suite_add_tcase(s, tc);
	tcase_add_checked_fixture(tu, setup_local, teardown);
	tcase_add_test(tu, test_imap_url_checks);
	tcase_add_test(tu, test_imap_no_password_is_error);
	suite_add_tcase(s, tu);
	tcase_add_checked_fixture(tf, setup_local, teardown_fake);
	tcase_add_test(tf, test_imap_fake_server_works);
	tcase_add_test(tf, test_imap_fake_bad_answers);
	tcase_add_test(tf, test_imap_move_refused_without_move_or_uidplus);
	tcase_add_test(tf, test_imap_move_with_uid_expunge);
	suite_add_tcase(s, tf);
	return s;
}

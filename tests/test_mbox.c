/*
 * mbox reading: messages are split at "From " marker lines and handed
 * over one at a time, ">From " lines are unquoted (mboxrd), a "From "
 * line inside a body splits the message as in every mboxo reader, and
 * through dmarc-ingest --mbox every report is stored once however often
 * the mbox is read.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>
#include <glib.h>

#include "mbox.h"
#include "testutil.h"
#include "xalloc.h"

Suite *mbox_suite(void);

/* what the callback saw */
struct seen {
	GString		*all;		/* every message, separated by '|' */
	long		 n;
	char		 last[256];	/* last source name */
};

static int
collect(void *arg, int fd, const char *source)
{
	struct seen *s = arg;
	char buf[4096];
	ssize_t got;

	ck_assert_int_ne(fd, -1);
	while ((got = read(fd, buf, sizeof(buf))) > 0)
		g_string_append_len(s->all, buf, got);
	g_string_append_c(s->all, '|');
	s->n++;
	snprintf(s->last, sizeof(s->last), "%s", source);
	return 0;
}

/* counts messages and their bytes, keeping none of them */
static int
count_only(void *arg, int fd, const char *source)
{
	struct seen *s = arg;
	char buf[4096];

	(void)source;
	ck_assert_int_ne(fd, -1);
	while (read(fd, buf, sizeof(buf)) > 0)
		;
	s->n++;
	return 0;
}

static char *
write_mbox(const char *dir, const char *text)
{
	char *path = g_strdup_printf("%s/mbox", dir);

	ck_assert_int_eq(tu_write(path, text, strlen(text)), 0);
	return path;
}

START_TEST(test_mbox_split_and_unquoted)
{
	char *dir = tu_tmpdir(), *path, err[256];
	struct seen s = { g_string_new(NULL), 0, "" };

	path = write_mbox(dir,
	    "From a@x Mon Nov 17 10:00:00 2026\n"
	    "Subject: one\n\nbody one\n>From quoted\n>>From twice\n\n"
	    "From b@x Mon Nov 17 10:00:01 2026\n"
	    "Subject: two\n\nbody two\n>Fro not a quote\n");
	ck_assert_int_eq(mbox_read(path, collect, &s, err, sizeof(err)), 2);
	ck_assert_str_eq(s.all->str,
	    "Subject: one\n\nbody one\nFrom quoted\n>From twice\n\n|"
	    "Subject: two\n\nbody two\n>Fro not a quote\n|");
	ck_assert(g_str_has_suffix(s.last, "/mbox#2"));
	g_string_free(s.all, TRUE);
	g_free(path);
	tu_rmtree(dir);
	free(dir);
}
END_TEST

START_TEST(test_mbox_not_an_mbox_is_an_error)
{
	char *dir = tu_tmpdir(), *path, err[256];
	struct seen s = { g_string_new(NULL), 0, "" };

	path = write_mbox(dir, "Subject: no marker\n\nbody\n");
	ck_assert_int_eq(mbox_read(path, collect, &s, err, sizeof(err)), -1);
	ck_assert(strstr(err, "not an mbox") != NULL);
	ck_assert_int_eq(mbox_read("/nonexistent/mbox", collect, &s, err,
	    sizeof(err)), -1);
	g_string_free(s.all, TRUE);
	g_free(path);
	tu_rmtree(dir);
	free(dir);
}
END_TEST

/*
 * The bounds of the 11 MB hostile mbox below, generous (a regression to
 * quadratic time or a copy of the mbox in memory fails, a slow machine
 * does not): mbox_read's time and growth of the test's peak RSS, and
 * dmarc-ingest's time (its RSS: TU_RSS_LIMIT_KB).  Here mbox_read takes
 * ~1 s and grows nothing, dmarc-ingest ~2 s and 18 MB; sanitizer builds
 * get TU_SLOW times more, and no bound on the test's own RSS: ASan's
 * quarantine keeps what mbox_read frees (75 MB here), so there only the
 * dmarc-ingest child's RSS is bounded.
 */
#define MBOX_READ_SECONDS	(10.0 * TU_SLOW)
#define MBOX_READ_GROWTH_KB	(8L * 1024)
#define MBOX_INGEST_SECONDS	(60.0 * TU_SLOW)

START_TEST(test_mbox_unquoted_from_in_body_bounded)
{
	char *dir = tu_tmpdir(), *path, err[256], db[600];
	struct seen s = { NULL, 0, "" };
	FILE *f;
	const char *args[] = { "dmarc-ingest", "--db", db, "--mbox", NULL,
	    NULL };
	long rss, rss0;
	double t0, secs;

	/* written as a stream: the test itself never holds the mbox */
	path = g_strdup_printf("%s/mbox", dir);
	ck_assert_ptr_nonnull(f = fopen(path, "w"));
	/* 5,000 bare "From " lines: each starts a message, nothing more */
	for (int i = 0; i < 5000; i++)
		fprintf(f, "From x%d@x Mon Nov 17 2026\n"
		    "Subject: %d\n\nFrom the body\n", i, i);
	/* and one message of 1,400,000 boundary-only parts */
	fputs("From bomb@x Mon Nov 17 2026\nContent-Type: "
	    "multipart/mixed; boundary=b\n\n", f);
	for (int i = 0; i < 1400000; i++)
		fputs("--b\n\nx\n", f);
	ck_assert_int_eq(fclose(f), 0);
	rss0 = tu_self_rss_kb();
	t0 = tu_now();
	ck_assert_int_eq(mbox_read(path, count_only, &s, err, sizeof(err)),
	    10001);
	ck_assert_int_eq(s.n, 10001);
	secs = tu_now() - t0;
	rss = tu_self_rss_kb();
	printf("mbox: mbox_read %.2f s, peak RSS +%ld KiB\n", secs,
	    rss - rss0);
	ck_assert_msg(secs < MBOX_READ_SECONDS, "mbox_read took %.1f s",
	    secs);
#if TEST_RSS_FACTOR == 1
	ck_assert_msg(rss - rss0 < MBOX_READ_GROWTH_KB, "mbox_read grew the "
	    "peak RSS by %ld KiB", rss - rss0);
#endif
	/* through dmarc-ingest: every message settled in bounded memory */
	snprintf(db, sizeof(db), "%s/t.db", dir);
	args[4] = path;
	t0 = tu_now();
	ck_assert_int_eq(tu_run_rss(args, NULL, &rss), 1);
	secs = tu_now() - t0;
	printf("mbox: dmarc-ingest %.2f s, peak RSS %ld KiB\n", secs, rss);
	ck_assert_msg(rss < TU_RSS_LIMIT_KB, "peak RSS %ld KiB", rss);
	ck_assert_msg(secs < MBOX_INGEST_SECONDS, "dmarc-ingest took %.1f s",
	    secs);
	/* 5,000 "Subject: N", one empty message 5,000 times, the bomb */
	ck_assert_int_eq(tu_query_int(db, "SELECT count(*) FROM v_messages"),
	    5002);
	ck_assert_int_eq(tu_query_int(db, "SELECT sum(seen_count) FROM "
	    "v_messages"), 10001);
	ck_assert_int_eq(tu_query_int(db, "SELECT count(*) FROM v_messages "
	    "WHERE reason LIKE '%MAX_MIME_PARTS%'"), 1);
	g_free(path);
	tu_rmtree(dir);
	free(dir);
}
END_TEST

/* an mbox holding every fixture message of tests/data/mail, quoted */
static char *
fixture_mbox(const char *dir)
{
	static const char *const files[] = { "m01_zip_body.eml",
	    "m12_two_reports.eml", "m11_bounce.eml",
	    "m03_forwarded_rfc822.eml" };
	GString *t = g_string_new(NULL);
	char *rel, *p, *path;
	size_t n;
	uint8_t *m;

	for (size_t i = 0; i < 4; i++) {
		rel = g_strdup_printf("mail/%s", files[i]);
		p = tu_data(rel);
		m = tu_slurp(p, &n);
		g_string_append(t, "From MAILER-DAEMON Mon Nov 17 10:00:00 "
		    "2026\n");
		g_string_append_len(t, (char *)m, (gssize)n);
		g_string_append(t, "\n>From a quoted line at the end\n\n");
		free(m);
		free(p);
		g_free(rel);
	}
	path = write_mbox(dir, t->str);
	g_string_free(t, TRUE);
	return path;
}

START_TEST(test_mbox_cli_stores_each_report_once)
{
	char *dir = tu_tmpdir(), *path = fixture_mbox(dir), *cmd, *out;
	char db[600];

	snprintf(db, sizeof(db), "%s/t.db", dir);
	cmd = g_strdup_printf("'%s' --db '%s' --json --mbox '%s'",
	    TEST_INGEST_BIN, db, path);
	ck_assert_int_eq(tu_run(cmd, &out), 0);
	ck_assert_msg(strstr(out, "\"mail_messages\":4") != NULL, "%s", out);
	ck_assert(strstr(out, "\"not_report\":1") != NULL);
	free(out);
	ck_assert_int_eq(tu_query_int(db, "SELECT count(*) FROM v_reports"),
	    3);
	ck_assert_int_eq(tu_run(cmd, &out), 0);
	ck_assert_msg(strstr(out, "\"mail_duplicates\":4") != NULL, "%s",
	    out);
	free(out);
	ck_assert_int_eq(tu_query_int(db, "SELECT count(*) FROM v_reports"),
	    3);
	ck_assert_int_eq(tu_query_int(db, "SELECT count(*) FROM v_messages "
	    "WHERE seen_count = 2"), 4);
	g_free(cmd);
	g_free(path);
	tu_rmtree(dir);
	free(dir);
}
END_TEST

Suite *
mbox_suite(void)
{
	Suite *s = suite_create("mbox");
	TCase *tc = tcase_create("mbox");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_mbox_split_and_unquoted);
	tcase_add_test(tc, test_mbox_not_an_mbox_is_an_error);
	tcase_add_test(tc, test_mbox_unquoted_from_in_body_bounded);
	tcase_add_test(tc, test_mbox_cli_stores_each_report_once);
	suite_add_tcase(s, tc);
	return s;
}

/*
 * Maildir: new/ and cur/ are read, tmp/, dotfiles and symbolic links are
 * not; a message is marked (S, or F and S when a report was rejected) or
 * moved only after its reports are committed; a run killed between the
 * commit and the rename is finished by the next run without duplicates.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <check.h>
#include <glib.h>

#include "ingest.h"
#include "mail.h"
#include "maildir.h"
#include "mailtest.h"
#include "testutil.h"
#include "xalloc.h"

Suite *maildir_suite(void);

START_TEST(test_maildir_marked_name_adds_flags_sorted)
{
	static const struct {
		const char *name, *add, *want;
	} t[] = {
		{ "123.M1P2.host", "S", "123.M1P2.host:2,S" },
		{ "123.host:2,", "S", "123.host:2,S" },
		{ "123.host:2,RT", "S", "123.host:2,RST" },
		{ "123.host:2,S", "S", "123.host:2,S" },
		{ "123.host:2,Sa", "FS", "123.host:2,FSa" },
		{ "123.host:1,experimental", "S", "123.host:2,S" },
		{ "a:2,x", "S", "a:2,Sx" },
		{ "a:2,xS", "FS", "a:2,FSx" },
	};
	char *got;

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		got = maildir_marked_name(t[i].name, t[i].add);
		ck_assert_str_eq(got, t[i].want);
		free(got);
	}
}
END_TEST

static void
put(const char *dir, const char *rel, const char *fixture)
{
	char *src = g_strdup_printf("mail/%s", fixture), *p = tu_data(src);
	char *dst = g_strdup_printf("%s/%s", dir, rel);
	size_t n;
	uint8_t *m = tu_slurp(p, &n);

	ck_assert_ptr_nonnull(m);
	ck_assert_int_eq(tu_write(dst, m, n), 0);
	free(m);
	free(p);
	g_free(src);
	g_free(dst);
}

static int
exists(const char *dir, const char *rel)
{
	char *p = g_strdup_printf("%s/%s", dir, rel);
	struct stat sb;
	int rc = lstat(p, &sb) == 0;

	g_free(p);
	return rc;
}

/* a Maildir with a report, a bounce, a rejected report and decoys */
static char *
make_maildir(const char *base)
{
	char *md = g_strdup_printf("%s/Maildir", base), *p;
	static const char *const sub[] = { "", "/new", "/cur", "/tmp" };
	static const char bad[] = "From: a@x\nContent-Type: application/zip"
	    "\n\nPK\3\4 this zip is broken\n";

	for (size_t i = 0; i < 4; i++) {
		p = g_strdup_printf("%s%s", md, sub[i]);
		ck_assert_int_eq(mkdir(p, 0700), 0);
		g_free(p);
	}
	put(md, "new/1.a.host", "m01_zip_body.eml");
	put(md, "new/2.b.host", "m11_bounce.eml");
	put(md, "cur/3.c.host:2,RT", "m12_two_reports.eml");
	put(md, "tmp/4.d.host", "m02_nested_related.eml");
	put(md, "new/.hidden", "m02_nested_related.eml");
	p = g_strdup_printf("%s/new/5.e.host", md);
	ck_assert_int_eq(tu_write(p, bad, sizeof(bad) - 1), 0);
	g_free(p);
	p = g_strdup_printf("%s/new/6.link", md);
	ck_assert_int_eq(symlink("/etc/passwd", p), 0);
	g_free(p);
	return md;
}

static void
noerr(void *arg, const char *path, const char *why)
{
	(void)arg;
	ck_abort_msg("%s: %s", path, why);
}

/* one maildir_run on a database in dir */
static void
run(const char *dir, const char *md, const struct maildir_opts *o,
    struct ingest_stats *stats)
{
	char err[256], *db = g_strdup_printf("%s/t.db", dir);
	struct store *st = store_open(db, err, sizeof(err));
	struct ingest ing;

	mail_init();
	ck_assert_ptr_nonnull(st);
	ingest_init(&ing, st);
	ck_assert_int_eq(maildir_run(&ing, md, o, noerr, NULL), 0);
	if (stats != NULL)
		*stats = ing.stats;
	store_close(st);
	g_free(db);
}

START_TEST(test_maildir_marks_after_commit_and_skips_decoys)
{
	char *dir = tu_tmpdir(), *md = make_maildir(dir);
	char *db = g_strdup_printf("%s/t.db", dir);
	struct maildir_opts o = { NULL, NULL };
	struct ingest_stats s;

	run(dir, md, &o, &s);
	ck_assert_int_eq(s.mails, 4);
	ck_assert(exists(md, "cur/1.a.host:2,S"));
	ck_assert(exists(md, "cur/2.b.host:2,S"));
	ck_assert(exists(md, "cur/3.c.host:2,RST"));
	ck_assert(exists(md, "cur/5.e.host:2,FS"));
	ck_assert(!exists(md, "new/1.a.host"));
	ck_assert(exists(md, "tmp/4.d.host"));
	ck_assert(exists(md, "new/.hidden"));
	ck_assert(exists(md, "new/6.link"));
	ck_assert_int_eq(tu_query_int(db, "SELECT count(*) FROM v_reports"),
	    3);
	ck_assert_int_eq(tu_query_int(db, "SELECT count(*) FROM v_messages "
	    "WHERE outcome = 'rejected'"), 1);
	/* a second run: nothing new, nothing renamed */
	run(dir, md, &o, &s);
	ck_assert_int_eq(s.mail_duplicates, 4);
	ck_assert_int_eq(s.reports, 0);
	ck_assert(exists(md, "cur/5.e.host:2,FS"));
	ck_assert_int_eq(tu_query_int(db, "SELECT count(*) FROM v_reports"),
	    3);
	g_free(db);
	g_free(md);
	tu_rmtree(dir);
	free(dir);
}
END_TEST

START_TEST(test_maildir_move_to_and_failed_to)
{
	char *dir = tu_tmpdir(), *md = make_maildir(dir);
	char *done = g_strdup_printf("%s/Done", dir);
	char *failed = g_strdup_printf("%s/Failed", dir);
	struct maildir_opts o = { done, failed };

	run(dir, md, &o, NULL);
	ck_assert(exists(done, "cur/1.a.host:2,S"));
	ck_assert(exists(done, "cur/2.b.host:2,S"));
	ck_assert(exists(done, "cur/3.c.host:2,RST"));
	ck_assert(exists(failed, "cur/5.e.host:2,S"));
	ck_assert(exists(done, "new"));
	ck_assert(!exists(md, "new/1.a.host"));
	ck_assert(!exists(md, "cur/3.c.host:2,RT"));
	g_free(done);
	g_free(failed);
	g_free(md);
	tu_rmtree(dir);
	free(dir);
}
END_TEST

START_TEST(test_maildir_killed_before_rename_finished_next_run)
{
	char *dir = tu_tmpdir(), *md = make_maildir(dir);
	char *db = g_strdup_printf("%s/t.db", dir), err[256];
	char *path = g_strdup_printf("%s/new/1.a.host", md);
	struct maildir_opts o = { NULL, NULL };
	struct store *st;
	struct ingest ing;
	enum outcome oc;
	int fd;

	/* the reports of new/1.a.host are committed, then the run dies */
	mail_init();
	st = store_open(db, err, sizeof(err));
	ingest_init(&ing, st);
	fd = open(path, O_RDONLY);
	ck_assert_int_eq(ingest_message(&ing, fd, "maildir:x", &oc), 0);
	ck_assert_int_eq(ingest_commit(&ing), 0);
	close(fd);
	store_close(st);
	ck_assert_int_eq(tu_query_int(db, "SELECT count(*) FROM v_reports"),
	    1);
	run(dir, md, &o, NULL);
	ck_assert(exists(md, "cur/1.a.host:2,S"));
	ck_assert_int_eq(tu_query_int(db, "SELECT count(*) FROM v_reports"),
	    3);
	ck_assert_int_eq(tu_query_int(db, "SELECT count(*) FROM input"), 4);
	g_free(path);
	g_free(db);
	g_free(md);
	tu_rmtree(dir);
	free(dir);
}
END_TEST

START_TEST(test_maildir_kill9_then_rerun_stores_each_once)
{
	char *dir = tu_tmpdir(), *md = g_strdup_printf("%s/Maildir", dir);
	char *db = g_strdup_printf("%s/t.db", dir), *cmd;
	static const char *const fx[] = { "m01_zip_body.eml",
	    "m12_two_reports.eml", "m03_forwarded_rfc822.eml",
	    "m02_nested_related.eml", "m04_alternative_top.eml" };
	int64_t want;

	cmd = g_strdup_printf("mkdir -p '%s/new' '%s/cur' '%s/tmp'", md, md,
	    md);
	ck_assert_int_eq(tu_run(cmd, NULL), 0);
	g_free(cmd);
	for (int i = 0; i < 2000; i++) {
		char rel[64];

		snprintf(rel, sizeof(rel), "new/%04d.x.host", i);
		put(md, rel, fx[i % 5]);
	}
	/* kill -9 at several moments, then finish */
	for (int k = 1; k <= 3; k++) {
		cmd = g_strdup_printf("('%s' --db '%s' --maildir '%s' "
		    ">/dev/null 2>&1 & pid=$!; sleep 0.0%d; kill -9 $pid; "
		    "wait $pid) 2>/dev/null; true", TEST_INGEST_BIN, db, md,
		    k * 2);
		tu_run(cmd, NULL);
		g_free(cmd);
	}
	cmd = g_strdup_printf("'%s' --db '%s' --maildir '%s'",
	    TEST_INGEST_BIN, db, md);
	ck_assert_int_eq(tu_run(cmd, NULL), 0);
	g_free(cmd);
	cmd = g_strdup_printf("ls '%s/new' | wc -l", md);
	want = 0;
	{
		char *out;

		tu_run(cmd, &out);
		want = strtoll(out, NULL, 10);
		free(out);
	}
	ck_assert_int_eq(want, 0);
	g_free(cmd);
	/* 4 distinct reports across the 5 fixtures, each stored once */
	ck_assert_int_eq(tu_query_int(db, "SELECT count(*) FROM v_reports"),
	    4);
	ck_assert_int_eq(tu_query_int(db, "SELECT count(*) FROM v_messages "
	    "WHERE outcome = 'pending'"), 0);
	ck_assert_int_eq(tu_query_int(db, "SELECT count(*) FROM v_messages"),
	    5);
	g_free(db);
	g_free(md);
	tu_rmtree(dir);
	free(dir);
}
END_TEST

START_TEST(test_maildir_flags_kept_and_names_never_collide)
{
	char *dir = tu_tmpdir(), *md = make_maildir(dir), *p;
	struct maildir_opts o = { NULL, NULL };
	struct ingest_stats s;

	/* the same unique part, two infos: two different messages */
	put(md, "cur/9.z.host:2,x", "m04_alternative_top.eml");
	put(md, "cur/8.y.host:1,x", "m02_nested_related.eml");
	put(md, "cur/8.y.host:1,y", "m07_rfc2047_subject.eml");
	run(dir, md, &o, &s);
	ck_assert_int_eq(s.mails, 7);
	ck_assert(exists(md, "cur/9.z.host:2,Sx"));
	ck_assert(exists(md, "cur/8.y.host:2,S"));
	ck_assert(exists(md, "cur/8.y.host.1:2,S"));
	ck_assert(!exists(md, "cur/8.y.host:1,x"));
	ck_assert(!exists(md, "cur/8.y.host:1,y"));
	/* later runs: every message known, no rename fails (noerr) */
	run(dir, md, &o, &s);
	ck_assert_int_eq(s.mail_duplicates, 7);
	run(dir, md, &o, &s);
	ck_assert(exists(md, "cur/8.y.host.1:2,S"));
	ck_assert_int_eq(mt_maildir_count(md, 1), 7);
	p = g_strdup_printf("%s/t.db", dir);
	ck_assert_int_eq(tu_query_int(p, "SELECT count(*) FROM v_messages"),
	    7);
	g_free(p);
	g_free(md);
	tu_rmtree(dir);
	free(dir);
}
END_TEST

Suite *
maildir_suite(void)
{
	Suite *s = suite_create("maildir");
	TCase *tc = tcase_create("maildir");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_maildir_marked_name_adds_flags_sorted);
	tcase_add_test(tc, test_maildir_marks_after_commit_and_skips_decoys);
	tcase_add_test(tc, test_maildir_move_to_and_failed_to);
	tcase_add_test(tc, test_maildir_flags_kept_and_names_never_collide);
	tcase_add_test(tc, test_maildir_killed_before_rename_finished_next_run);
	tcase_add_test(tc, test_maildir_kill9_then_rerun_stores_each_once);
	suite_add_tcase(s, tc);
	return s;
}

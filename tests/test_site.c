/*
 * dmarc-report site as cron runs it, on the fixtures of tests/data/site
 * (two reports for example.com, two hostile ones, one rejected input):
 * the hand-computed numbers on the pages, every href resolving to a file
 * of the site, hostile strings shown as text with no file outside DIR,
 * unchanged pages keeping their mtime, --domain, and a directory that is
 * not a site left alone.
 */
#include <sys/file.h>
#include <sys/stat.h>

#include <check.h>
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "testutil.h"

Suite *site_suite(void);

/* 2026-11-23 07:00 UTC: the default 90 days hold 2026-11-16 and 17 */
#define NOW	"1795417200"

/* a.xml and b.xml alone (example.com) or every fixture */
static char *
fixture_db(const char *tmp, const char *only)
{
	char cmd[4096], *data = tu_data("site");

	snprintf(cmd, sizeof(cmd), "'%s' --db '%s/t.db' %s%s%s >/dev/null "
	    "2>&1", TEST_INGEST_BIN, tmp, only ? "" : "'", only ? only :
	    data, only ? "" : "'");
	tu_run(cmd, NULL);
	free(data);
	snprintf(cmd, sizeof(cmd), "%s/t.db", tmp);
	return strdup(cmd);
}

static int
site(const char *db, const char *dir, const char *args)
{
	char cmd[4096];

	snprintf(cmd, sizeof(cmd), "'%s' site --db '%s' --now " NOW
	    " -o '%s' %s >/dev/null 2>&1", TEST_REPORT_BIN, db, dir, args);
	return tu_run(cmd, NULL);
}

static char *
page(const char *dir, const char *name)
{
	char path[4096];
	size_t n;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return (char *)tu_slurp(path, &n);
}

#define HAS(text, s) ck_assert_msg(strstr((text), (s)) != NULL, \
	"page lacks '%s'", (s))

START_TEST(test_site_pages_show_the_hand_computed_numbers)
{
	char *tmp = tu_tmpdir(), dir[1024], *db, *p;

	db = fixture_db(tmp, NULL);
	snprintf(dir, sizeof(dir), "%s/site", tmp);
	ck_assert_int_eq(site(db, dir, ""), 0);
	/* a: 10 + 5 + 3 (13 pass), b: 7 failing: 25, 52.0% */
	p = page(dir, "index.html");
	ck_assert_ptr_nonnull(p);
	HAS(p, "<a href=\"d/example.com.html\">example.com</a></td>"
	    "<td class=\"n\">25</td><td class=\"n\">52.0%</td>");
	HAS(p, "p=quarantine sp=none");
	HAS(p, "Content-Security-Policy");
	free(p);
	p = page(dir, "d/example.com.html");
	ck_assert_ptr_nonnull(p);
	HAS(p, "25 messages, 52.0% passed DMARC");
	HAS(p, "<td><a href=\"../day/2026-11-16.html\">2026-11-16</a></td>"
	    "<td class=\"n\">18</td>"
	    "<td class=\"n\">13</td><td class=\"n\">72.2%</td>");
	HAS(p, "<td><a href=\"../day/2026-11-17.html\">2026-11-17</a></td>"
	    "<td class=\"n\">7</td>"
	    "<td class=\"n\">0</td><td class=\"n\">0.0%</td>");
	/* the worst source first: 198.51.100.2, 12 failing of 12 */
	HAS(p, "Sources, most failing first</h2>\n<table>\n<thead>");
	ck_assert_ptr_nonnull(strstr(p, "198.51.100.2</a></code></td>"
	    "<td class=\"n\">12</td><td class=\"n\">12</td>"));
	ck_assert(strstr(p, "198.51.100.2.html") <
	    strstr(p, "198.51.100.1.html"));
	HAS(p, "<tr><td>no DKIM signature</td><td class=\"n\">12</td>");
	free(p);
	p = page(dir, "s/2001-db8--5.html");
	ck_assert_ptr_nonnull(p);
	HAS(p, "Source 2001:db8::5");
	free(p);
	/* the day of a.xml: its three sources, Alpha's one report */
	p = page(dir, "day/2026-11-16.html");
	ck_assert_ptr_nonnull(p);
	HAS(p, "example.com</a></td><td class=\"n\">18</td>"
	    "<td class=\"n\">13</td><td class=\"n\">72.2%</td>");
	HAS(p, "18 messages, 72.2% passed DMARC");
	HAS(p, "198.51.100.2</a></code></td><td class=\"n\">5</td>"
	    "<td class=\"n\">5</td><td class=\"n\">0.0%</td>");
	HAS(p, "2001:db8::5</a></code></td><td class=\"n\">3</td>");
	HAS(p, ">Alpha</a></td><td class=\"n\">18</td>"
	    "<td class=\"n\">72.2%</td><td class=\"n\">1</td>");
	free(p);
	p = page(dir, "index.html");
	HAS(p, "<a href=\"day/2026-11-16.html\">2026-11-16</a></td>"
	    "<td class=\"n\">18</td>");
	free(p);
	p = page(dir, "health.html");
	ck_assert_ptr_nonnull(p);
	HAS(p, "not a report: plain text");
	HAS(p, "z-rejected.xml");
	free(p);
	tu_rmtree(tmp);
	free(tmp);
	free(db);
}
END_TEST

/* every href of page path (in dir rel) names a file of the site */
static size_t
check_links(const char *root, const char *path, const char *reldir)
{
	char *p, *q, *end, target[PATH_MAX], real[PATH_MAX];
	char rroot[PATH_MAX];
	size_t n, links = 0;
	struct stat st;

	ck_assert_ptr_nonnull(realpath(root, rroot));
	p = (char *)tu_slurp(path, &n);
	ck_assert_ptr_nonnull(p);
	ck_assert_msg(strstr(p, " src=") == NULL, "%s: a src=", path);
	for (q = p; (q = strstr(q, "href=\"")) != NULL; q = end) {
		q += 6;
		ck_assert_ptr_nonnull(end = strchr(q, '"'));
		*end++ = '\0';
		if (q[0] == '#')
			continue;
		ck_assert_msg(strchr(q, ':') == NULL && q[0] != '/',
		    "%s: not a relative link: %s", path, q);
		snprintf(target, sizeof(target), "%s/%s%s", root, reldir, q);
		ck_assert_msg(realpath(target, real) != NULL,
		    "%s: link to nothing: %s", path, q);
		ck_assert_msg(strncmp(real, rroot, strlen(rroot)) == 0 &&
		    real[strlen(rroot)] == '/', "%s: outside: %s", path, q);
		ck_assert(stat(real, &st) == 0 && S_ISREG(st.st_mode));
		links++;
	}
	free(p);
	return links;
}

static size_t
walk_links(const char *root)
{
	static const char *const dirs[] = { "", "d/", "s/", "o/", "r/",
	    "day/" };
	char path[PATH_MAX];
	struct dirent *e;
	size_t i, links = 0, n;
	DIR *d;

	for (i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", root, dirs[i]);
		ck_assert_ptr_nonnull(d = opendir(path));
		while ((e = readdir(d)) != NULL) {
			n = strlen(e->d_name);
			if (n < 6 || strcmp(e->d_name + n - 5, ".html") != 0)
				continue;
			snprintf(path, sizeof(path), "%s/%s%s", root, dirs[i],
			    e->d_name);
			links += check_links(root, path, dirs[i]);
		}
		closedir(d);
	}
	return links;
}

START_TEST(test_site_every_link_resolves_to_a_file_of_the_site)
{
	char *tmp = tu_tmpdir(), dir[1024], *db;

	db = fixture_db(tmp, NULL);
	snprintf(dir, sizeof(dir), "%s/site", tmp);
	ck_assert_int_eq(site(db, dir, ""), 0);
	/* nav, domains, sources, reporters, reports, downloads */
	ck_assert_uint_gt(walk_links(dir), 60);
	tu_rmtree(tmp);
	free(tmp);
	free(db);
}
END_TEST

/* the file names under dir: safe characters only, none path-like */
static size_t
check_names(const char *dir, int depth)
{
	char path[PATH_MAX];
	struct dirent *e;
	struct stat st;
	size_t n = 0;
	const char *c;
	DIR *d = opendir(dir);

	ck_assert_ptr_nonnull(d);
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		for (c = e->d_name; *c != '\0'; c++)
			ck_assert_msg(strchr("abcdefghijklmnopqrstuvwxyz"
			    "0123456789._-", *c) != NULL, "file name %s",
			    e->d_name);
		ck_assert(strstr(e->d_name, "escape") == NULL &&
		    strstr(e->d_name, "javascript") == NULL);
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		ck_assert(lstat(path, &st) == 0);
		ck_assert(S_ISREG(st.st_mode) || (S_ISDIR(st.st_mode) &&
		    depth == 0));
		if (S_ISDIR(st.st_mode))
			n += check_names(path, 1);
		else
			n++;
	}
	closedir(d);
	return n;
}

START_TEST(test_site_hostile_strings_are_text_and_no_file_leaves_dir)
{
	char *tmp = tu_tmpdir(), dir[1024], path[1100], *db, *p;
	struct dirent *e;
	size_t n = 0;
	DIR *d;

	db = fixture_db(tmp, NULL);
	snprintf(dir, sizeof(dir), "%s/site", tmp);
	ck_assert_int_eq(site(db, dir, ""), 0);
	ck_assert_uint_gt(check_names(dir, 0), 20);
	/* beside DIR: only the database's files (no temporary tree) */
	ck_assert_ptr_nonnull(d = opendir(tmp));
	while ((e = readdir(d)) != NULL)
		if (e->d_name[0] != '.' && strcmp(e->d_name, "site") != 0)
			ck_assert_msg(strncmp(e->d_name, "t.db", 4) == 0,
			    "%s beside the site", e->d_name);
	closedir(d);
	snprintf(path, sizeof(path), "%s/../escape.example.html", dir);
	ck_assert_int_ne(access(path, F_OK), 0);
	p = page(dir, "index.html");
	HAS(p, "javascript:alert(3)</a>");
	HAS(p, "../../escape.example</a>");
	ck_assert(strstr(p, "href=\"javascript") == NULL);
	/* the index's one script, the filter */
	ck_assert_ptr_nonnull(strstr(p, "<script>(function(){"));
	ck_assert_ptr_null(strstr(strstr(p, "<script>") + 1, "<script"));
	free(p);
	/* the hostile reports' pages: r/3.html and r/4.html */
	for (n = 3; n <= 4; n++) {
		snprintf(path, sizeof(path), "r/%zu.html", n);
		ck_assert_ptr_nonnull(p = page(dir, path));
		ck_assert_msg(strstr(p, "<script") == NULL, "%s", path);
		ck_assert(strstr(p, "<a href=\"javascript") == NULL);
		ck_assert(strstr(p, "&lt;script&gt;alert(") != NULL);
		free(p);
	}
	p = page(dir, "r/3.html");
	HAS(p, "../../../tmp/evil&lt;script&gt;alert(2)&lt;/script&gt;");
	HAS(p, "&lt;a href=&quot;javascript:alert(5)&quot;&gt;");
	free(p);
	p = page(dir, "r/4.html");
	HAS(p, "<title>Report from &lt;/title&gt;&lt;script&gt;alert(6)");
	free(p);
	p = page(dir, "health.html");
	HAS(p, "Ingest health");
	ck_assert(strstr(p, "<script") == NULL);
	free(p);
	tu_rmtree(tmp);
	free(tmp);
	free(db);
}
END_TEST

static int64_t
mtime(const char *dir, const char *name)
{
	char path[4096];
	struct stat st;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (stat(path, &st) == -1)
		return -1;
	return (int64_t)st.st_mtime;
}

static void
age(const char *dir, const char *name)
{
	char path[4096];
	struct timespec ts[2] = { { 1000000000, 0 }, { 1000000000, 0 } };

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	ck_assert_int_eq(utimensat(AT_FDCWD, path, ts, 0), 0);
}

START_TEST(test_site_rewrites_only_the_pages_that_changed)
{
	char *tmp = tu_tmpdir(), dir[1024], only[2048], *db, *data;

	data = tu_data("site");
	snprintf(only, sizeof(only), "'%s/a-alpha.xml'", data);
	db = fixture_db(tmp, only);
	snprintf(dir, sizeof(dir), "%s/site", tmp);
	ck_assert_int_eq(site(db, dir, ""), 0);
	age(dir, "s/198.51.100.1.html");
	age(dir, "r/1.html");
	age(dir, "in/1.xml.gz");
	age(dir, "d/example.com.html");
	/* Beta's report adds a day to example.com only */
	snprintf(only, sizeof(only), "'%s/b-beta.xml'", data);
	free(fixture_db(tmp, only));
	ck_assert_int_eq(site(db, dir, ""), 0);
	ck_assert_int_eq(mtime(dir, "s/198.51.100.1.html"), 1000000000);
	ck_assert_int_eq(mtime(dir, "r/1.html"), 1000000000);
	ck_assert_int_eq(mtime(dir, "in/1.xml.gz"), 1000000000);
	ck_assert_int_gt(mtime(dir, "d/example.com.html"), 1000000000);
	ck_assert_int_gt(mtime(dir, "r/2.html"), 0);
	free(data);
	tu_rmtree(tmp);
	free(tmp);
	free(db);
}
END_TEST

START_TEST(test_site_domain_option_limits_the_pages)
{
	char *tmp = tu_tmpdir(), dir[1024], path[1100], *db;
	struct dirent *e;
	size_t n = 0;
	DIR *d;

	db = fixture_db(tmp, NULL);
	snprintf(dir, sizeof(dir), "%s/site", tmp);
	ck_assert_int_eq(site(db, dir, "--domain EXAMPLE.com."), 0);
	snprintf(path, sizeof(path), "%s/d", dir);
	ck_assert_ptr_nonnull(d = opendir(path));
	while ((e = readdir(d)) != NULL)
		if (e->d_name[0] != '.') {
			ck_assert_str_eq(e->d_name, "example.com.html");
			n++;
		}
	closedir(d);
	ck_assert_uint_eq(n, 1);
	/* the hostile reports' source is not in the site */
	ck_assert_int_eq(mtime(dir, "s/192.0.2.66.html"), -1);
	tu_rmtree(tmp);
	free(tmp);
	free(db);
}
END_TEST

START_TEST(test_site_leaves_a_directory_that_is_not_a_site_alone)
{
	char *tmp = tu_tmpdir(), dir[1024], path[1100], *db;

	db = fixture_db(tmp, NULL);
	snprintf(dir, sizeof(dir), "%s/mine", tmp);
	ck_assert_int_eq(mkdir(dir, 0755), 0);
	snprintf(path, sizeof(path), "%s/notes.txt", dir);
	ck_assert_int_eq(tu_write(path, "keep", 4), 0);
	ck_assert_int_eq(site(db, dir, ""), 2);
	ck_assert_int_eq(access(path, F_OK), 0);
	ck_assert_int_eq(mtime(dir, "index.html"), -1);
	/* and a file is not replaced by a directory */
	ck_assert_int_eq(site(db, path, ""), 2);
	ck_assert_int_eq(access(path, F_OK), 0);
	tu_rmtree(tmp);
	free(tmp);
	free(db);
}
END_TEST

/* a tree as a run leaves it: the mark and one page in d/ */
static void
tree(const char *path)
{
	char f[1200];

	ck_assert_int_eq(mkdir(path, 0755), 0);
	snprintf(f, sizeof(f), "%s/.dmarc-report-site", path);
	ck_assert_int_eq(tu_write(f, "dmarc-report site\n", 18), 0);
	snprintf(f, sizeof(f), "%s/d", path);
	ck_assert_int_eq(mkdir(f, 0755), 0);
	snprintf(f, sizeof(f), "%s/d/x.html", path);
	ck_assert_int_eq(tu_write(f, "x", 1), 0);
}

START_TEST(test_site_removes_the_tree_a_killed_run_left_not_a_running_one)
{
	char *tmp = tu_tmpdir(), dir[1024], dead[1100], busy[1100],
	    other[1100], *db;
	int fd;

	db = fixture_db(tmp, NULL);
	snprintf(dir, sizeof(dir), "%s/site", tmp);
	snprintf(dead, sizeof(dead), "%s.tmp-AbC123", dir);
	snprintf(busy, sizeof(busy), "%s.tmp-XyZ789", dir);
	snprintf(other, sizeof(other), "%s/sitex.tmp-AbC123", tmp);
	tree(dead);
	tree(busy);
	tree(other);
	/* a run still building busy holds its lock */
	ck_assert_int_ne(fd = open(busy, O_RDONLY | O_DIRECTORY), -1);
	ck_assert_int_eq(flock(fd, LOCK_EX), 0);
	ck_assert_int_eq(site(db, dir, ""), 0);
	ck_assert_int_eq(access(dead, F_OK), -1);
	ck_assert_int_eq(access(busy, F_OK), 0);
	/* another site's tree is not this one's to remove */
	ck_assert_int_eq(access(other, F_OK), 0);
	ck_assert_int_gt(mtime(dir, "index.html"), 0);
	close(fd);
	/* released: the next run sweeps it */
	ck_assert_int_eq(site(db, dir, ""), 0);
	ck_assert_int_eq(access(busy, F_OK), -1);
	tu_rmtree(tmp);
	free(tmp);
	free(db);
}
END_TEST

Suite *
site_suite(void)
{
	Suite *s = suite_create("site");
	TCase *tc = tcase_create("site");

	tcase_add_test(tc, test_site_pages_show_the_hand_computed_numbers);
	tcase_add_test(tc, test_site_every_link_resolves_to_a_file_of_the_site);
	tcase_add_test(tc,
	    test_site_hostile_strings_are_text_and_no_file_leaves_dir);
	tcase_add_test(tc, test_site_rewrites_only_the_pages_that_changed);
	tcase_add_test(tc, test_site_domain_option_limits_the_pages);
	tcase_add_test(tc,
	    test_site_leaves_a_directory_that_is_not_a_site_alone);
	tcase_add_test(tc,
	    test_site_removes_the_tree_a_killed_run_left_not_a_running_one);
	suite_add_tcase(s, tc);
	return s;
}

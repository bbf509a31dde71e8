/*
 * dmarc-report as a user runs it, on the fixture database (test_query.c):
 * exit statuses, the default window from --now / DMARC_REPORT_NOW, the
 * empty-window line, -o written atomically, the JSON structure of
 * dmarc-report(1) checked by parsing with SQLite's JSON functions, and
 * the policy and readiness modes dispatched.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/un.h>

#include <dirent.h>
#include <unistd.h>

#include "reportfix.h"

Suite *reportcli_suite(void);

/* 2026-11-18 10:00 UTC: the default window is 11-11 .. 11-17 */
#define NOW	"1794996000"

static int
report(const char *args, char **out)
{
	char cmd[4096];

	snprintf(cmd, sizeof(cmd), "NO_COLOR= DMARC_REPORT_NOW=" NOW
	    " '%s' --db '%s' --no-dns %s 2>'%s/err'", TEST_REPORT_BIN,
	    rf_db, args, rf_tmp);
	return tu_run(cmd, out);
}

static char *
err_text(void)
{
	char path[700];
	size_t n;

	snprintf(path, sizeof(path), "%s/err", rf_tmp);
	return (char *)tu_slurp(path, &n);
}

START_TEST(test_reportcli_default_window_is_last_seven_days)
{
	char *out = NULL;

	ck_assert_int_eq(report("", &out), 0);
	ck_assert_ptr_nonnull(strstr(out,
	    "summary: 2026-11-11 .. 2026-11-17 (7 days, UTC)"));
	/* 226 example.com messages, 7 example.net */
	ck_assert_ptr_nonnull(strstr(out, "messages                226\n"));
	ck_assert_ptr_nonnull(strstr(out, "messages                  7\n"));
	free(out);
}
END_TEST

START_TEST(test_reportcli_empty_window_says_so_and_exits_0)
{
	char *out = NULL;

	ck_assert_int_eq(report("--week 2026-W40", &out), 0);
	ck_assert_ptr_nonnull(strstr(out, "no reports in the window\n"));
	free(out);
}
END_TEST

START_TEST(test_reportcli_usage_errors_exit_2)
{
	char *e;

	ck_assert_int_eq(report("--bogus", NULL), 2);
	ck_assert_int_eq(report("frobnicate", NULL), 2);
	ck_assert_int_eq(report("--week 2026-W99", NULL), 2);
	e = err_text();
	ck_assert_ptr_nonnull(strstr(e, "dmarc-report: error: --week"));
	free(e);
	ck_assert_int_eq(report("--format xml", NULL), 2);
	ck_assert_int_eq(report("--last 7d --since 2026-01-01", NULL), 2);
	ck_assert_int_eq(report("policy", NULL), 2);
}
END_TEST

START_TEST(test_reportcli_missing_database_exits_2)
{
	char cmd[2048];

	snprintf(cmd, sizeof(cmd), "'%s' --db '%s/none.db' 2>/dev/null",
	    TEST_REPORT_BIN, rf_tmp);
	ck_assert_int_eq(tu_run(cmd, NULL), 2);
}
END_TEST

START_TEST(test_reportcli_output_file_written_whole_without_leftovers)
{
	char args[1024], path[700], *out = NULL;
	uint8_t *data;
	struct dirent *de;
	DIR *d;
	size_t n;

	snprintf(path, sizeof(path), "%s/out.csv", rf_tmp);
	snprintf(args, sizeof(args), "sources --format csv -o '%s'", path);
	ck_assert_int_eq(report(args, &out), 0);
	ck_assert_str_eq(out, "");
	ck_assert_ptr_nonnull(data = tu_slurp(path, &n));
	ck_assert_ptr_nonnull(strstr((char *)data, "domain,ip,ptr,"));
	free(data);
	free(out);
	/* a directory that does not exist: error, exit 2 */
	snprintf(args, sizeof(args), "-o '%s/no/such/dir/x'", rf_tmp);
	ck_assert_int_eq(report(args, NULL), 2);
	ck_assert_ptr_nonnull(d = opendir(rf_tmp));
	while ((de = readdir(d)) != NULL)
		ck_assert_ptr_null(strstr(de->d_name, ".tmp."));
	closedir(d);
}
END_TEST

/* the file below rf_tmp; static buffer */
static const char *
tpath(const char *name)
{
	static char p[700];

	snprintf(p, sizeof(p), "%s/%s", rf_tmp, name);
	return p;
}

/* dmarc-report summary -o path; the exit status */
static int
report_to(const char *path)
{
	char args[1024];

	snprintf(args, sizeof(args), "-o '%s'", path);
	return report(args, NULL);
}

/* no "NAME.tmp." file left in dir */
static void
no_leftovers(const char *dir)
{
	struct dirent *de;
	DIR *d;

	ck_assert_ptr_nonnull(d = opendir(dir));
	while ((de = readdir(d)) != NULL)
		ck_assert_msg(strstr(de->d_name, ".tmp.") == NULL, "%s/%s left",
		    dir, de->d_name);
	closedir(d);
}

/* an existing 0600 file is replaced with its mode kept */
START_TEST(test_reportcli_output_keeps_the_mode_of_a_file)
{
	struct stat st;
	uint8_t *data;

	ck_assert_int_eq(tu_write(tpath("keep"), "old\n", 4), 0);
	ck_assert_int_eq(chmod(tpath("keep"), 0600), 0);
	ck_assert_int_eq(report_to(tpath("keep")), 0);
	ck_assert_int_eq(lstat(tpath("keep"), &st), 0);
	ck_assert(S_ISREG(st.st_mode));
	ck_assert_uint_eq(st.st_mode & 07777, 0600);
	ck_assert_ptr_nonnull(data = tu_slurp(tpath("keep"), NULL));
	ck_assert_ptr_nonnull(strstr((char *)data, "summary: "));
	free(data);
	no_leftovers(rf_tmp);
}
END_TEST

/* a symbolic link stays a link; the regular file it names is replaced */
START_TEST(test_reportcli_output_writes_through_a_symlink)
{
	struct stat st;
	uint8_t *data;

	ck_assert_int_eq(tu_write(tpath("target"), "old\n", 4), 0);
	ck_assert_int_eq(chmod(tpath("target"), 0640), 0);
	ck_assert_int_eq(symlink("target", tpath("link")), 0);
	ck_assert_int_eq(report_to(tpath("link")), 0);
	ck_assert_int_eq(lstat(tpath("link"), &st), 0);
	ck_assert(S_ISLNK(st.st_mode));
	ck_assert_int_eq(stat(tpath("target"), &st), 0);
	ck_assert_uint_eq(st.st_mode & 07777, 0640);
	ck_assert_ptr_nonnull(data = tu_slurp(tpath("target"), NULL));
	ck_assert_ptr_nonnull(strstr((char *)data, "summary: "));
	free(data);
	/* a dangling link is refused, and not created through */
	ck_assert_int_eq(symlink("nowhere", tpath("dangling")), 0);
	ck_assert_int_eq(report_to(tpath("dangling")), 2);
	ck_assert_int_eq(access(tpath("nowhere"), F_OK), -1);
	no_leftovers(rf_tmp);
}
END_TEST

/* a FIFO is written in place: the reader gets the report */
START_TEST(test_reportcli_output_writes_into_a_fifo)
{
	char cmd[4096];
	struct stat st;
	uint8_t *data;

	ck_assert_int_eq(mkfifo(tpath("fifo"), 0600), 0);
	snprintf(cmd, sizeof(cmd), "cat '%s/fifo' >'%s/fifo.out' & "
	    "NO_COLOR= DMARC_REPORT_NOW=" NOW " '%s' --db '%s' --no-dns "
	    "-o '%s/fifo'; rc=$?; wait; exit $rc", rf_tmp, rf_tmp,
	    TEST_REPORT_BIN, rf_db, rf_tmp);
	ck_assert_int_eq(tu_run(cmd, NULL), 0);
	ck_assert_int_eq(lstat(tpath("fifo"), &st), 0);
	ck_assert(S_ISFIFO(st.st_mode));
	ck_assert_ptr_nonnull(data = tu_slurp(tpath("fifo.out"), NULL));
	ck_assert_ptr_nonnull(strstr((char *)data, "summary: 2026-11-11"));
	free(data);
	no_leftovers(rf_tmp);
}
END_TEST

/*
 * A character device is written, never replaced: a null device made here
 * if the file system allows it, else /dev/null itself (checked to stay a
 * character device with the same numbers).
 */
START_TEST(test_reportcli_output_leaves_a_device_a_device)
{
	const char *dev = tpath("null");
	struct stat before, st;

	if (mknod(dev, S_IFCHR | 0666, makedev(1, 3)) == -1 ||
	    report_to(dev) != 0)
		dev = "/dev/null";
	else
		no_leftovers(rf_tmp);
	ck_assert_int_eq(stat(dev, &before), 0);
	ck_assert(S_ISCHR(before.st_mode));
	ck_assert_int_eq(report_to(dev), 0);
	ck_assert_int_eq(lstat(dev, &st), 0);
	ck_assert(S_ISCHR(st.st_mode));
	ck_assert(st.st_rdev == before.st_rdev);
	ck_assert_uint_eq(st.st_mode & 07777, before.st_mode & 07777);
	if (strcmp(dev, "/dev/null") == 0)
		no_leftovers("/dev");
}
END_TEST

/* /dev/stdout names the caller's descriptor: appended, not replaced */
START_TEST(test_reportcli_output_dev_stdout_writes_the_descriptor)
{
	char cmd[4096];
	struct stat before, st;
	uint8_t *data;

	ck_assert_int_eq(tu_write(tpath("log"), "old\n", 4), 0);
	ck_assert_int_eq(stat(tpath("log"), &before), 0);
	snprintf(cmd, sizeof(cmd), "NO_COLOR= DMARC_REPORT_NOW=" NOW " '%s' "
	    "--db '%s' --no-dns -o /dev/stdout >>'%s'", TEST_REPORT_BIN,
	    rf_db, tpath("log"));
	ck_assert_int_eq(tu_run(cmd, NULL), 0);
	ck_assert_int_eq(stat(tpath("log"), &st), 0);
	ck_assert(st.st_ino == before.st_ino);
	ck_assert_ptr_nonnull(data = tu_slurp(tpath("log"), NULL));
	ck_assert(strncmp((char *)data, "old\ndmarc-report summary: ", 26) ==
	    0);
	free(data);
	no_leftovers(rf_tmp);
}
END_TEST

/* a directory and a socket are refused with the reason, and unchanged */
START_TEST(test_reportcli_output_refuses_a_directory_or_socket)
{
	struct sockaddr_un sun;
	struct stat st;
	char *e;
	int s;

	ck_assert_int_eq(mkdir(tpath("dir"), 0755), 0);
	ck_assert_int_eq(report_to(tpath("dir")), 2);
	ck_assert_int_eq(lstat(tpath("dir"), &st), 0);
	ck_assert(S_ISDIR(st.st_mode));
	e = err_text();
	ck_assert_ptr_nonnull(strstr(e, "/dir': cannot write a report to a "
	    "directory: give a regular file, a FIFO, a character device or "
	    "'-'"));
	free(e);
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	ck_assert_uint_lt(strlen(tpath("sock")), sizeof(sun.sun_path));
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", tpath("sock"));
	ck_assert_int_ne(s = socket(AF_UNIX, SOCK_STREAM, 0), -1);
	ck_assert_int_eq(bind(s, (struct sockaddr *)&sun, sizeof(sun)), 0);
	ck_assert_int_eq(report_to(tpath("sock")), 2);
	close(s);
	ck_assert_int_eq(lstat(tpath("sock"), &st), 0);
	ck_assert(S_ISSOCK(st.st_mode));
	e = err_text();
	ck_assert_ptr_nonnull(strstr(e, "to a socket: "));
	free(e);
	/* a block device, where the file system lets us make one */
	if (mknod(tpath("blk"), S_IFBLK | 0600, makedev(7, 0)) == 0) {
		ck_assert_int_eq(report_to(tpath("blk")), 2);
		ck_assert_int_eq(lstat(tpath("blk"), &st), 0);
		ck_assert(S_ISBLK(st.st_mode));
		e = err_text();
		ck_assert_ptr_nonnull(strstr(e, "to a block device: "));
		free(e);
	}
	no_leftovers(rf_tmp);
}
END_TEST

/* json_type of each path in the document must equal the expected type */
static void
check_types(const char *json, const char *const (*pt)[2], size_t n)
{
	sqlite3 *mem;
	sqlite3_stmt *st;
	size_t i;

	ck_assert_int_eq(sqlite3_open(":memory:", &mem), SQLITE_OK);
	ck_assert_int_eq(sqlite3_prepare_v2(mem, "SELECT json_valid(?1), "
	    "json_type(?1, ?2)", -1, &st, NULL), SQLITE_OK);
	for (i = 0; i < n; i++) {
		sqlite3_bind_text(st, 1, json, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, pt[i][0], -1, SQLITE_STATIC);
		ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
		ck_assert_int_eq(sqlite3_column_int(st, 0), 1);
		ck_assert_msg(sqlite3_column_text(st, 1) != NULL &&
		    strcmp((const char *)sqlite3_column_text(st, 1),
		    pt[i][1]) == 0, "%s: %s, expected %s", pt[i][0],
		    sqlite3_column_text(st, 1), pt[i][1]);
		sqlite3_reset(st);
	}
	sqlite3_finalize(st);
	sqlite3_close(mem);
}

/*
 * readiness JSON opens as summary's: format, version, mode and the
 * window in epochs (2026-11-11 00:00 UTC is 1794355200, the exclusive
 * end after 2026-11-17 is 1794960000).
 */
START_TEST(test_reportcli_json_readiness_shares_the_summary_header)
{
	static const char *const pt[][2] = {
		{ "$.format", "text" }, { "$.version", "integer" },
		{ "$.mode", "text" }, { "$.window.since", "integer" },
		{ "$.window.until", "integer" }, { "$.window.days", "integer" },
		{ "$.window.first_day", "text" },
		{ "$.window.last_day", "text" },
		{ "$.criteria.min_days", "integer" },
		{ "$.domains[0].verdict", "text" },
	};
	static const char head[] = "\"window\":{\"since\":1794355200,"
	    "\"until\":1794960000,\"first_day\":\"2026-11-11\",\"last_day\":"
	    "\"2026-11-17\",\"days\":7}";
	char *out = NULL;

	ck_assert_int_eq(report("readiness --since 2026-11-11 --until "
	    "2026-11-17 --format json", &out), 0);
	check_types(out, pt, sizeof(pt) / sizeof(pt[0]));
	ck_assert_ptr_nonnull(strstr(out, "{\"format\":\"dmarc-report\","
	    "\"version\":1,\"mode\":\"readiness\","));
	ck_assert_ptr_nonnull(strstr(out, head));
	free(out);
	ck_assert_int_eq(report("--since 2026-11-11 --until 2026-11-17 "
	    "--format json", &out), 0);
	ck_assert_ptr_nonnull(strstr(out, head));
	free(out);
}
END_TEST

/* one report of org for sorted.example: count messages, stored at day */
static void
write_report(const char *dir, const char *org, int day, int count)
{
	char path[800], xml[2048];
	long long b = RF_D1 + day * RF_DAY;
	int n;

	snprintf(path, sizeof(path), "%s/%s.xml", dir, org);
	n = snprintf(xml, sizeof(xml), "<?xml version=\"1.0\"?>\n<feedback>"
	    "<report_metadata><org_name>%s</org_name><email>r@r.example"
	    "</email><report_id>%s-%d</report_id><date_range><begin>%lld"
	    "</begin><end>%lld</end></date_range></report_metadata>"
	    "<policy_published><domain>sorted.example</domain><p>none</p>"
	    "</policy_published><record><row><source_ip>192.0.2.1"
	    "</source_ip><count>%d</count><policy_evaluated><disposition>"
	    "none</disposition><dkim>pass</dkim><spf>pass</spf>"
	    "</policy_evaluated></row><identifiers><header_from>"
	    "sorted.example</header_from></identifiers><auth_results><spf>"
	    "<domain>sorted.example</domain><result>pass</result></spf>"
	    "</auth_results></record></feedback>\n", org, org, day, b,
	    b + RF_DAY - 1, count);
	ck_assert_int_eq(tu_write(path, xml, (size_t)n), 0);
}

/*
 * Reporters by messages, then name, whatever order they were stored in:
 * Zeta (5 messages) first, then Beta and Alpha (50 each) a day later
 * each: listed Alpha 50, Beta 50, Zeta 5.
 */
START_TEST(test_reportcli_reporters_sorted_by_volume)
{
	char dir[700], cmd[4096], *out = NULL, *a, *b, *z;

	snprintf(dir, sizeof(dir), "%s/sorted", rf_tmp);
	ck_assert_int_eq(mkdir(dir, 0755), 0);
	write_report(dir, "Zeta", 0, 5);
	write_report(dir, "Beta", 1, 50);
	write_report(dir, "Alpha", 2, 50);
	/* stored one by one, in date order */
	snprintf(cmd, sizeof(cmd), "for f in Zeta Beta Alpha; do '%s' --db "
	    "'%s/sorted.db' \"%s/$f.xml\" >/dev/null 2>&1 || exit 1; done; "
	    "NO_COLOR= '%s' --db '%s/sorted.db' --no-dns --since 2026-11-16 "
	    "--until 2026-11-18", TEST_INGEST_BIN, rf_tmp, dir,
	    TEST_REPORT_BIN, rf_tmp);
	ck_assert_int_eq(tu_run(cmd, &out), 0);
	ck_assert_ptr_nonnull(a = strstr(out, "Alpha "));
	ck_assert_ptr_nonnull(b = strstr(out, "Beta "));
	ck_assert_ptr_nonnull(z = strstr(out, "Zeta "));
	ck_assert_msg(a < b && b < z, "%s", out);
	free(out);
}
END_TEST

START_TEST(test_reportcli_json_summary_has_the_documented_structure)
{
	static const char *const pt[][2] = {
		{ "$.format", "text" }, { "$.version", "integer" },
		{ "$.mode", "text" }, { "$.window.since", "integer" },
		{ "$.window.first_day", "text" }, { "$.dns", "false" },
		{ "$.domains", "array" },
		{ "$.domains[0].domain", "text" },
		{ "$.domains[0].reports", "integer" },
		{ "$.domains[0].days_covered", "integer" },
		{ "$.domains[0].messages", "integer" },
		{ "$.domains[0].messages_exact", "real" },
		{ "$.domains[0].dmarc.pass", "integer" },
		{ "$.domains[0].dmarc.fail_pct", "real" },
		{ "$.domains[0].dkim_aligned.pct", "real" },
		{ "$.domains[0].spf_aligned.messages", "integer" },
		{ "$.domains[0].dispositions.quarantine", "integer" },
		{ "$.domains[0].failures.no-dkim-signature", "integer" },
		{ "$.domains[0].reasons[0].value", "text" },
		{ "$.domains[0].reporters[0].org", "text" },
		{ "$.domains[0].reporters[0].reports", "integer" },
		{ "$.domains[0].days[0].date", "text" },
		{ "$.domains[0].published_policies[0].p", "text" },
		{ "$.domains[0].published_policies[0].pct", "null" },
		{ "$.domains[0].live_policy", "object" },
		{ "$.domains[0].live_policy.status", "text" },
		{ "$.domains[0].mismatches", "array" },
		{ "$.rejected_inputs.count", "integer" },
		{ "$.rejected_inputs.recent", "array" },
	};
	char *out = NULL;

	ck_assert_int_eq(report("--since 2026-11-16 --until 2026-11-17 "
	    "--format json", &out), 0);
	check_types(out, pt, sizeof(pt) / sizeof(pt[0]));
	ck_assert_ptr_null(strstr(out, "\"sources\""));
	/* the 12:00-12:00 report split over the two days: 203 + 23 */
	ck_assert_ptr_nonnull(strstr(out, "\"days\":[{\"date\":\"2026-11-16\","
	    "\"messages\":203},{\"date\":\"2026-11-17\",\"messages\":23}]"));
	free(out);
}
END_TEST

START_TEST(test_reportcli_json_sources_and_failures_structure)
{
	static const char *const pt[][2] = {
		{ "$.mode", "text" }, { "$.sources", "array" },
		{ "$.sources[0].domain", "text" },
		{ "$.sources[0].ip", "text" },
		{ "$.sources[0].ptr", "null" },
		{ "$.sources[0].ptr_status", "text" },
		{ "$.sources[0].messages", "integer" },
		{ "$.sources[0].failures.dkim-other-domain", "integer" },
		{ "$.sources[0].header_from[0].value", "text" },
		{ "$.sources[0].envelope_from[0].messages", "integer" },
		{ "$.sources[0].dkim[0].selector", "text" },
		{ "$.sources[0].spf[0].scope", "text" },
		{ "$.sources[0].reasons", "array" },
		{ "$.sources[0].reporters[0].other", "false" },
		{ "$.sources_dropped", "integer" },
	};
	char *out = NULL;

	ck_assert_int_eq(report("failures --since 2026-11-16 --until "
	    "2026-11-17 --format json", &out), 0);
	check_types(out, pt, sizeof(pt) / sizeof(pt[0]));
	ck_assert_ptr_nonnull(strstr(out, "\"mode\":\"failures\""));
	ck_assert_ptr_nonnull(strstr(out, "\"ptr_status\":\"not-looked-up\""));
	free(out);
	ck_assert_int_eq(report("sources --week 2026-W47 --format json "
	    "--domain EXAMPLE.NET.", &out), 0);
	ck_assert_ptr_nonnull(strstr(out, "\"sources\":[{\"domain\":"
	    "\"example.net\",\"ip\":\"192.0.2.9\""));
	free(out);
}
END_TEST

/*
 * The tables of modes and formats (mode.c, format.c): every mode prints
 * exactly the formats its row lists, and refuses every other with exit
 * 2 and the list it does print, before any database is opened.
 */
START_TEST(test_reportcli_each_mode_prints_exactly_its_formats)
{
	static const struct {
		const char	*mode;
		const char	*formats;	/* what it prints */
		const char	*list;		/* as the refusal lists them */
	} rows[] = {
		{ "summary", " text json csv ", "text, json or csv" },
		{ "sources", " text json csv ", "text, json or csv" },
		{ "failures", " text json csv ", "text, json or csv" },
		{ "readiness", " text json csv ", "text, json or csv" },
		{ "policy example.com", " text json ", "text or json" },
		{ "digest", " text markdown html email ",
		    "text, markdown, html or email" },
	};
	static const char *const formats[] = { "text", "json", "csv",
	    "markdown", "html", "email" };
	char args[256], word[32], want[256], *out, *e;

	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		for (size_t j = 0; j < 6; j++) {
			int rc;

			snprintf(args, sizeof(args), "%s --format %s "
			    "--to a@b.test --from r@x.test", rows[i].mode,
			    formats[j]);
			snprintf(word, sizeof(word), " %s ", formats[j]);
			out = NULL;
			rc = report(args, &out);
			free(out);
			e = err_text();
			if (strstr(rows[i].formats, word) != NULL) {
				/* policy offline with nothing stored: 2 */
				ck_assert_msg(strstr(e, "not available") ==
				    NULL, "%s: %s", args, e);
				ck_assert_msg(rc == (i == 4 ? 2 : 0),
				    "%s: exit %d: %s", args, rc, e);
			} else {
				snprintf(want, sizeof(want), "dmarc-report: "
				    "error: %.*s: --format %s is not "
				    "available (%s)\n",
				    (int)strcspn(rows[i].mode, " "),
				    rows[i].mode, formats[j], rows[i].list);
				ck_assert_int_eq(rc, 2);
				ck_assert_str_eq(e, want);
			}
			free(e);
		}
	}
}
END_TEST

START_TEST(test_reportcli_policy_and_readiness_modes_dispatch)
{
	char *out = NULL;

	char *e;

	/* offline and never looked up: unknown, not "no record": exit 2 */
	ck_assert_int_eq(report("policy example.com", &out), 2);
	ck_assert_ptr_nonnull(strstr(out, "status       not-looked-up\n"));
	free(out);
	e = err_text();
	ck_assert_ptr_nonnull(strstr(e, "dmarc-report: error: no stored "
	    "lookup of example.com: run without --no-dns\n"));
	free(e);
	out = NULL;
	ck_assert_int_eq(report("policy 'bad domain'", &out), 2);
	free(out);
	out = NULL;
	ck_assert_int_ne(report("readiness --since 2026-11-16 --until "
	    "2026-11-17", &out), 2);
	ck_assert_ptr_nonnull(strstr(out, "example.com"));
	free(out);
}
END_TEST

/*
 * The live policy beside the seen one: with --no-dns, summary shows the
 * latest stored lookup; the fixture reports all said p=none sp=none, the
 * stored record says p=quarantine (sp absent: as p, so sp differs too).
 */
START_TEST(test_reportcli_summary_calls_out_live_policy_mismatch)
{
	sqlite3 *db;
	char *out = NULL;

	ck_assert_int_eq(sqlite3_open(rf_db, &db), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(db, "INSERT INTO dmarc_lookup (domain, "
	    "looked_up_at, status, record_domain, org_domain, raw_record, "
	    "valid, p) VALUES ('example.com', 1794990000, 'found', "
	    "'example.com', 'example.com', 'v=DMARC1; p=quarantine; "
	    "rua=mailto:d@example.com', 1, 'quarantine')", NULL, NULL, NULL),
	    SQLITE_OK);
	sqlite3_close(db);
	ck_assert_int_eq(report("--since 2026-11-16 --until 2026-11-17 "
	    "--domain example.com --format json", &out), 0);
	ck_assert_ptr_nonnull(strstr(out, "\"live_policy\":{\"status\":"
	    "\"found\",\"source\":\"stored\",\"looked_up_at\":1794990000"));
	ck_assert_ptr_nonnull(strstr(out, "\"receivers saw p=none in 3 "
	    "reports; the live record says p=quarantine\""));
	ck_assert_ptr_nonnull(strstr(out, "\"receivers saw sp=none in 3 "
	    "reports; the live record says sp=quarantine\""));
	free(out);
	out = NULL;
	ck_assert_int_eq(report("--since 2026-11-16 --until 2026-11-17 "
	    "--domain example.com", &out), 0);
	ck_assert_ptr_nonnull(strstr(out, "MISMATCH         receivers saw "
	    "p=none in 3 reports"));
	free(out);
}
END_TEST

/*
 * issue 12 point 3: --domain in U-label form selects the reports stored
 * under its A-label form
 */
START_TEST(test_reportcli_domain_filter_takes_either_idn_form)
{
	char *dir = tu_tmpdir(), *xml = tu_data("valid/idn/report.xml");
	char db[600], cmd[2048], *out = NULL;
	static const char *const forms[] = { "'BÜCHER.example'",
	    "xn--bcher-kva.example" };

	snprintf(db, sizeof(db), "%s/i.db", dir);
	snprintf(cmd, sizeof(cmd), "'%s' --db '%s' '%s' >/dev/null 2>&1",
	    TEST_INGEST_BIN, db, xml);
	ck_assert_int_eq(tu_run(cmd, NULL), 0);
	for (size_t i = 0; i < 2; i++) {
		snprintf(cmd, sizeof(cmd), "NO_COLOR= '%s' --db '%s' --no-dns "
		    "--since 2023-11-14 --until 2023-11-16 --domain %s "
		    "2>/dev/null", TEST_REPORT_BIN, db, forms[i]);
		ck_assert_int_eq(tu_run(cmd, &out), 0);
		ck_assert_msg(strstr(out, "\nxn--bcher-kva.example\n  reports"
		    "                   1\n") != NULL, "%s", out);
		ck_assert_ptr_nonnull(strstr(out, "messages                 12"
		    "\n"));
		free(out);
		out = NULL;
	}
	free(xml);
	tu_rmtree(dir);
	free(dir);
}
END_TEST

Suite *
reportcli_suite(void)
{
	Suite *s = suite_create("reportcli");
	TCase *tc = tcase_create("reportcli");

	tcase_add_unchecked_fixture(tc, rf_build, rf_unbuild);
	tcase_add_test(tc, test_reportcli_default_window_is_last_seven_days);
	tcase_add_test(tc, test_reportcli_empty_window_says_so_and_exits_0);
	tcase_add_test(tc, test_reportcli_usage_errors_exit_2);
	tcase_add_test(tc, test_reportcli_missing_database_exits_2);
	tcase_add_test(tc,
	    test_reportcli_output_file_written_whole_without_leftovers);
	tcase_add_test(tc, test_reportcli_output_keeps_the_mode_of_a_file);
	tcase_add_test(tc, test_reportcli_output_writes_through_a_symlink);
	tcase_add_test(tc, test_reportcli_output_writes_into_a_fifo);
	tcase_add_test(tc, test_reportcli_output_leaves_a_device_a_device);
	tcase_add_test(tc,
	    test_reportcli_output_dev_stdout_writes_the_descriptor);
	tcase_add_test(tc,
	    test_reportcli_output_refuses_a_directory_or_socket);
	tcase_add_test(tc,
	    test_reportcli_json_summary_has_the_documented_structure);
	tcase_add_test(tc,
	    test_reportcli_json_readiness_shares_the_summary_header);
	tcase_add_test(tc, test_reportcli_reporters_sorted_by_volume);
	tcase_add_test(tc, test_reportcli_json_sources_and_failures_structure);
	tcase_add_test(tc, test_reportcli_each_mode_prints_exactly_its_formats);
	tcase_add_test(tc, test_reportcli_policy_and_readiness_modes_dispatch);
	tcase_add_test(tc,
	    test_reportcli_summary_calls_out_live_policy_mismatch);
	tcase_add_test(tc, test_reportcli_domain_filter_takes_either_idn_form);
	suite_add_tcase(s, tc);
	return s;
}

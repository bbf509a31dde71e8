/*
 * dmarc-report tls on a database that dmarc-ingest filled from the TLS
 * report mail of tests/data/tlsmail (Google, Microsoft, a small sender):
 * the hand-computed totals and failure rows in text, JSON (checked with
 * SQLite's JSON functions) and CSV, the window rule (the middle of a
 * report's range), --domain, hostile strings escaped for each sink, and
 * an explanation for every RFC 8460 result type.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>
#include <sqlite3.h>

#include "testutil.h"
#include "tls.h"

Suite	*tlsreport_suite(void);

static char *tmp;
static char db[512];

static int
run(const char *prog, const char *args, char **out)
{
	char cmd[4096];

	snprintf(cmd, sizeof(cmd), "NO_COLOR= '%s' --db '%s' %s 2>'%s/err'",
	    prog, db, args, tmp);
	return tu_run(cmd, out);
}

static void
setup(void)
{
	char args[2048], *g, *m, *p;

	tmp = tu_tmpdir();
	snprintf(db, sizeof(db), "%s/t.db", tmp);
	g = tu_data("tlsmail/google.eml");
	m = tu_data("tlsmail/microsoft.eml");
	p = tu_data("tlsmail/plain_json.eml");
	snprintf(args, sizeof(args), "'%s' '%s' '%s'", g, m, p);
	ck_assert_int_eq(run(TEST_INGEST_BIN, args, NULL), 0);
	free(g);
	free(m);
	free(p);
}

static void
teardown(void)
{
	tu_rmtree(tmp);
	free(tmp);
}

/* the report for the week of 2026-11-16 with extra arguments */
static char *
week(const char *extra, int want_rc)
{
	char args[1024], *out = NULL;

	snprintf(args, sizeof(args), "tls --since 2026-11-16 --until "
	    "2026-11-22 %s", extra);
	ck_assert_int_eq(run(TEST_REPORT_BIN, args, &out), want_rc);
	ck_assert_ptr_nonnull(out);
	return out;
}

static void
has(const char *out, const char *s)
{
	ck_assert_msg(strstr(out, s) != NULL, "'%s' not in:\n%s", s, out);
}

/*
 * example.org: 1234 + 310 + 56 successful, 7 + 40 + 3 failed, so 1650
 * sessions and 50 / 1650 = 3.03 % failed; sub.example.org: none
 */
START_TEST(test_tlsreport_text_totals_and_failures)
{
	char *out = week("", 0);

	has(out, "SMTP TLS reports (RFC 8460), 2026-11-16 to 2026-11-22 "
	    "(7 days, UTC)");
	has(out, "example.org: 1650 sessions, 50 failed (3.03%); 3 reports "
	    "from 3 organizations");
	has(out, "          25  starttls-not-supported       "
	    "mx1.example.org              Microsoft Corporation\n");
	has(out, "           7  certificate-host-mismatch    "
	    "mx2.example.org              Google Inc.\n");
	has(out, "           3  certificate-host-mismatch    "
	    "mx2.example.org              Mail Example Ltd\n");
	/* most failed sessions first */
	ck_assert(strstr(out, "25  starttls") < strstr(out,
	    "10  certificate-expired"));
	has(out, "  certificate-expired: the MX's certificate has expired\n"
	    "    fix: renew the certificate");
	has(out, "  tls-version-too-old: a result type outside RFC 8460 4.3");
	/* each result type explained once */
	ck_assert_ptr_eq(strstr(strstr(out, "certificate-host-mismatch: ") +
	    1, "certificate-host-mismatch: "), NULL);
	has(out, "sub.example.org: 0 sessions, 0 failed (0.00%); 1 report "
	    "from 1 organization; policy tlsa\n  no session reported\n");
	free(out);
}
END_TEST

/* one value of the JSON text json at path, as text; caller frees */
static char *
json_at(const char *json, const char *path)
{
	sqlite3 *h;
	sqlite3_stmt *st;
	char *v = NULL;

	ck_assert_int_eq(sqlite3_open(":memory:", &h), SQLITE_OK);
	ck_assert_int_eq(sqlite3_prepare_v2(h, "SELECT json_valid(?1), "
	    "json_extract(?1, ?2)", -1, &st, NULL), SQLITE_OK);
	sqlite3_bind_text(st, 1, json, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, path, -1, SQLITE_STATIC);
	ck_assert_int_eq(sqlite3_step(st), SQLITE_ROW);
	ck_assert_int_eq(sqlite3_column_int(st, 0), 1);
	if (sqlite3_column_type(st, 1) != SQLITE_NULL)
		v = strdup((const char *)sqlite3_column_text(st, 1));
	sqlite3_finalize(st);
	sqlite3_close(h);
	return v;
}

static void
json_is(const char *json, const char *path, const char *want)
{
	char *v = json_at(json, path);

	ck_assert_msg(v != NULL && strcmp(v, want) == 0, "%s: '%s', not "
	    "'%s'", path, v != NULL ? v : "(null)", want);
	free(v);
}

START_TEST(test_tlsreport_json_fields)
{
	char *out = week("--format json", 0);

	json_is(out, "$.mode", "tls");
	json_is(out, "$.window.since", "2026-11-16");
	json_is(out, "$.window.days", "7");
	json_is(out, "$.domains[0].domain", "example.org");
	json_is(out, "$.domains[0].successful_sessions", "1600");
	json_is(out, "$.domains[0].failed_sessions", "50");
	json_is(out, "$.domains[0].failure_pct", "3.03");
	json_is(out, "$.domains[0].organizations", "3");
	json_is(out, "$.domains[0].failures[0].result_type",
	    "starttls-not-supported");
	json_is(out, "$.domains[0].failures[0].sessions", "25");
	json_is(out, "$.domains[0].failures[3].result_type",
	    "tls-version-too-old");
	json_is(out, "$.domains[0].failures[3].known", "0");
	json_is(out, "$.domains[0].failures[1].receiving_mx",
	    "mx2.example.org");
	json_is(out, "$.domains[1].domain", "sub.example.org");
	json_is(out, "$.domains[1].failures", "[]");
	json_is(out, "$.dropped", "0");
	free(out);
}
END_TEST

START_TEST(test_tlsreport_csv_rows)
{
	char *out = week("--format csv", 0), *p;
	int lines = 0;

	ck_assert(strncmp(out, "domain,successful_sessions,failed_sessions,"
	    "failure_pct,result_type,receiving_mx,organization,sessions,"
	    "means,fix\r\n", 101) == 0);
	has(out, "\r\nexample.org,1600,50,3.03,starttls-not-supported,"
	    "mx1.example.org,Microsoft Corporation,25,");
	/* a domain without failures has every field, empty */
	has(out, "\r\nsub.example.org,0,0,0.00,,,,,,\r\n");
	for (p = out; (p = strstr(p, "\r\n")) != NULL; p += 2)
		lines++;
	ck_assert_int_eq(lines, 1 + 5 + 1);
	free(out);
}
END_TEST

/*
 * Microsoft's day begins 2026-11-19T23:00Z: it counts in 11-20, the day
 * that holds its middle; --domain narrows the model
 */
START_TEST(test_tlsreport_window_and_domain)
{
	char *out = NULL;

	ck_assert_int_eq(run(TEST_REPORT_BIN, "tls --since 2026-11-19 "
	    "--until 2026-11-19", &out), 0);
	has(out, "no TLS report in the window");
	free(out);
	ck_assert_int_eq(run(TEST_REPORT_BIN, "tls --since 2026-11-20 "
	    "--until 2026-11-20", &out), 0);
	has(out, "example.org: 1650 sessions");
	free(out);
	out = week("--domain SUB.Example.org.", 0);
	has(out, "sub.example.org: 0 sessions");
	ck_assert_ptr_null(strstr(out, "\nexample.org:"));
	free(out);
	out = week("--format html", 2);
	free(out);
}
END_TEST

/* an organization and MX name chosen to do harm, shown harmless */
START_TEST(test_tlsreport_hostile_strings_escaped)
{
	static const char json[] = "{\"organization-name\":\"=cmd|' /C "
	    "calc'!A0\\u001b[31m\",\"date-range\":{\"start-datetime\":"
	    "\"2026-11-18T00:00:00Z\",\"end-datetime\":\"2026-11-18T23:59:59Z\""
	    "},\"report-id\":\"h\",\"policies\":[{\"policy\":{\"policy-type\":"
	    "\"sts\",\"policy-domain\":\"evil.example\"},\"summary\":{"
	    "\"total-successful-session-count\":1,"
	    "\"total-failure-session-count\":1},\"failure-details\":[{"
	    "\"result-type\":\"x\\u001b]0;pwn\\u0007\",\"receiving-mx-hostname\":"
	    "\"<b>mx</b>\",\"failed-session-count\":1}]}]}";
	char path[600], *out;

	snprintf(path, sizeof(path), "%s/h.json", tmp);
	ck_assert_int_eq(tu_write(path, json, sizeof(json) - 1), 0);
	snprintf(path, sizeof(path), "'%s/h.json'", tmp);
	ck_assert_int_eq(run(TEST_INGEST_BIN, path, NULL), 0);
	out = week("--domain evil.example", 0);
	ck_assert_ptr_null(strchr(out, '\x1b'));
	ck_assert_ptr_null(strchr(out, '\x07'));
	has(out, "x\\x1b]0;pwn\\x07");
	free(out);
	out = week("--domain evil.example --format csv", 0);
	ck_assert_ptr_null(strchr(out, '\x1b'));
	has(out, ",'=cmd|' /C calc'!A0\\x1b[31m,");
	free(out);
	out = week("--domain evil.example --format json", 0);
	json_is(out, "$.domains[0].failures[0].organization",
	    "=cmd|' /C calc'!A0\x1b[31m");
	json_is(out, "$.domains[0].failures[0].receiving_mx", "<b>mx</b>");
	free(out);
}
END_TEST

/* every RFC 8460 4.3 result type has its own explanation */
START_TEST(test_tlsreport_every_result_type_explained)
{
	static const char *const types[] = { "starttls-not-supported",
	    "certificate-host-mismatch", "certificate-expired",
	    "certificate-not-trusted", "validation-failure", "tlsa-invalid",
	    "dnssec-invalid", "dane-required", "sts-policy-fetch-error",
	    "sts-policy-invalid", "sts-webpki-invalid" };
	const struct tls_advice *u = tls_advice("no-such-type", 0);

	ck_assert_ptr_null(u->result);
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		const struct tls_advice *a = tls_advice(types[i], 1);

		ck_assert_ptr_ne(a, u);
		ck_assert_str_eq(a->result, types[i]);
		ck_assert(strlen(a->means) > 10 && strlen(a->fix) > 10);
		/* a known word the sender did not use is not explained */
		ck_assert_ptr_eq(tls_advice(types[i], 0), u);
	}
}
END_TEST

Suite *
tlsreport_suite(void)
{
	Suite *s = suite_create("tlsreport");
	TCase *tc = tcase_create("tlsreport");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_tlsreport_text_totals_and_failures);
	tcase_add_test(tc, test_tlsreport_json_fields);
	tcase_add_test(tc, test_tlsreport_csv_rows);
	tcase_add_test(tc, test_tlsreport_window_and_domain);
	tcase_add_test(tc, test_tlsreport_hostile_strings_escaped);
	tcase_add_test(tc, test_tlsreport_every_result_type_explained);
	suite_add_tcase(s, tc);
	return s;
}

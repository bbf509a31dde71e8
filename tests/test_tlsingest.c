/*
 * SMTP TLS reports (RFC 8460) through the whole of dmarc-ingest: mail
 * modelled on what Google and Microsoft send (tests/data/tlsmail, written
 * by us) stored with hand-computed totals; .json.gz and .json files; the
 * Maildir, mbox, --mail and IMAP (a real Dovecot; skipped without one)
 * paths each storing a TLS report from a mixed mailbox; re-sent reports as duplicates and the same key with other
 * content as a conflict; hostile JSON rejected with its reason and its
 * bytes kept; --reprocess.
 */
#include <sys/stat.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>
#include <sqlite3.h>
#include <zlib.h>

#include "imap.h"
#include "ingest.h"
#include "mailtest.h"
#include "store.h"
#include "testutil.h"
#include "xalloc.h"

Suite	*tlsingest_suite(void);

static char *tmp;
static char db[512];
static struct store *st;
static struct ingest ing;

static void
setup(void)
{
	char err[256];

	tmp = tu_tmpdir();
	snprintf(db, sizeof(db), "%s/t.db", tmp);
	st = store_open(db, err, sizeof(err));
	ck_assert_msg(st != NULL, "%s", err);
	ingest_init(&ing, st);
}

static void
teardown(void)
{
	store_close(st);
	tu_rmtree(tmp);
	free(tmp);
}

static int64_t
q(const char *sql)
{
	return tu_query_int(db, sql);
}

/* ingests one file in tmp holding p[0..n); returns ingest_file's result */
static int
ingest_bytes(const char *name, const void *p, size_t n)
{
	char path[1024];
	int rc;

	snprintf(path, sizeof(path), "%s/%s", tmp, name);
	ck_assert_int_eq(tu_write(path, p, n), 0);
	rc = ingest_file(&ing, path);
	ck_assert_int_eq(ingest_commit(&ing), 0);
	return rc;
}

static int
ingest_fixture(const char *rel)
{
	char *path = tu_data(rel);
	int rc = ingest_file(&ing, path);

	ck_assert_int_eq(ingest_commit(&ing), 0);
	free(path);
	return rc;
}

static uint8_t *
fixture(const char *rel, size_t *n)
{
	char *path = tu_data(rel);
	uint8_t *p = tu_slurp(path, n);

	ck_assert_ptr_nonnull(p);
	free(path);
	return p;
}

/*
 * Google's report (1234 successful, 7 failed: certificate-host-mismatch
 * at mx2), Microsoft's (example.org: 310 and 40, 25 starttls-not-supported
 * at mx1, 10 certificate-expired at mx2, 5 of an unknown type at mx3;
 * sub.example.org 0 and 0) and a small sender's +json part (56 and 3,
 * certificate-host-mismatch at mx2, contact-info null): every field
 * where the views show it.
 */
START_TEST(test_tlsingest_google_microsoft_mail_totals)
{
	ck_assert_int_eq(ingest_fixture("tlsmail/google.eml"), 0);
	ck_assert_int_eq(ingest_fixture("tlsmail/microsoft.eml"), 0);
	ck_assert_int_eq(ingest_fixture("tlsmail/plain_json.eml"), 0);
	ck_assert_uint_eq(ing.stats.mail_stored, 3);
	ck_assert_int_eq(q("SELECT count(*) FROM v_tls_reports"), 3);
	ck_assert_int_eq(q("SELECT count(*) FROM v_reports"), 0);
	ck_assert_int_eq(q("SELECT sum(successful_sessions) FROM "
	    "v_tls_policies WHERE policy_domain = 'example.org'"), 1600);
	ck_assert_int_eq(q("SELECT sum(failed_sessions) FROM "
	    "v_tls_policies WHERE policy_domain = 'example.org'"), 50);
	ck_assert_int_eq(q("SELECT sum(failed_sessions) FROM v_tls_failures "
	    "WHERE result_type = 'certificate-host-mismatch' AND "
	    "receiving_mx_hostname = 'mx2.example.org'"), 10);
	/* the unknown type is kept raw, its word NULL */
	ck_assert_int_eq(q("SELECT failed_sessions FROM v_tls_failures WHERE "
	    "result_type IS NULL AND result_type_raw = "
	    "'tls-version-too-old'"), 5);
	/* Microsoft omits sending-mta-ip: kept as NULL, not rejected */
	ck_assert_int_eq(q("SELECT count(*) FROM v_tls_failures WHERE "
	    "org_name = 'Microsoft Corporation' AND sending_mta_ip IS NULL"),
	    3);
	ck_assert_int_eq(q("SELECT count(*) FROM v_tls_failures WHERE "
	    "sending_mta_ip = '2001:db8:abcd:12::1'"), 1);
	ck_assert_int_eq(q("SELECT count(*) FROM v_tls_failures WHERE "
	    "failure_reason_code = 'X509_V_ERR_CERT_HAS_EXPIRED' AND "
	    "additional_information = 'https://example.org/tls-help' AND "
	    "receiving_mx_helo = 'mx2.example.org'"), 1);
	/* +01:00 offsets: 2026-11-19T23:00:00Z */
	ck_assert_int_eq(q("SELECT begin_utc FROM v_tls_reports WHERE "
	    "org_name = 'Microsoft Corporation'"), 1795129200);
	ck_assert_int_eq(q("SELECT count(*) FROM v_tls_reports WHERE "
	    "contact_info IS NULL"), 1);
	ck_assert_int_eq(q("SELECT count(*) FROM tls_policy_line WHERE "
	    "kind = 'policy-string'"), 5 + 1 + 4);
	ck_assert_int_eq(q("SELECT count(*) FROM v_tls_policies WHERE "
	    "policy_domain = 'sub.example.org' AND policy_type = 'tlsa' AND "
	    "mx_hosts = 'mx.sub.example.org'"), 1);
	/* the quirks are named warnings of the inputs */
	ck_assert_int_gt(q("SELECT count FROM warning WHERE code = "
	    "'enum-unknown'"), 0);
	ck_assert_int_eq(q("SELECT count(*) FROM v_ingest WHERE outcome <> "
	    "'stored'"), 0);
}
END_TEST

/* a .json.gz file as Google names it and a plain .json file */
START_TEST(test_tlsingest_json_gz_and_json_files)
{
	uint8_t *json, *gz;
	size_t n, gn;

	json = fixture("tlsrpt/google-sts.json", &n);
	gz = tu_gzip(json, n, &gn);
	ck_assert_int_eq(ingest_bytes("google.com!example.org!1795132800!"
	    "1795219199!001.json.gz", gz, gn), 0);
	free(json);
	free(gz);
	json = fixture("tlsrpt/microsoft-offsets.json", &n);
	ck_assert_int_eq(ingest_bytes("ms.json", json, n), 0);
	free(json);
	ck_assert_uint_eq(ing.stats.stored, 2);
	ck_assert_int_eq(q("SELECT count(*) FROM v_tls_reports"), 2);
	ck_assert_int_eq(q("SELECT count(*) FROM v_ingest WHERE container = "
	    "'gzip' AND outcome = 'stored' AND n_reports = 1"), 1);
	/* plain JSON is kept deflated, like plain XML */
	ck_assert_int_eq(q("SELECT stored_deflated FROM input WHERE source "
	    "LIKE '%ms.json'"), 1);
}
END_TEST

/*
 * The same report re-sent with other white space and member order is a
 * duplicate; the same organization and report-id with another count is
 * a conflict, stored and left out of the views.
 */
START_TEST(test_tlsingest_duplicate_and_conflict)
{
	static const char a[] = "{\"organization-name\":\"Org\","
	    "\"date-range\":{\"start-datetime\":\"2026-11-20T00:00:00Z\","
	    "\"end-datetime\":\"2026-11-20T23:59:59Z\"},\"contact-info\":"
	    "\"c@org.example\",\"report-id\":\"r1\",\"policies\":["
	    "{\"policy\":{\"policy-type\":\"sts\",\"policy-domain\":"
	    "\"example.org\"},\"summary\":{\"total-successful-session-count\":"
	    "5,\"total-failure-session-count\":1},\"failure-details\":["
	    "{\"result-type\":\"certificate-expired\",\"failed-session-count\":"
	    "1}]},{\"policy\":{\"policy-type\":\"sts\",\"policy-domain\":"
	    "\"example.net\"},\"summary\":{\"total-successful-session-count\":"
	    "2,\"total-failure-session-count\":0}}]}";
	/* the same meaning: order of members and policies, white space */
	static const char b[] = "{ \"report-id\": \"r1\",\n \"policies\": [\n"
	    "  {\"summary\": {\"total-failure-session-count\": 0,"
	    " \"total-successful-session-count\": 2}, \"policy\": "
	    "{\"policy-domain\": \"example.net\", \"policy-type\": \"sts\"}},\n"
	    "  {\"failure-details\": [{\"failed-session-count\": 1, "
	    "\"result-type\": \"certificate-expired\"}], \"policy\": "
	    "{\"policy-type\": \"sts\", \"policy-domain\": \"example.org\"}, "
	    "\"summary\": {\"total-successful-session-count\": 5, "
	    "\"total-failure-session-count\": 1}}],\n"
	    " \"organization-name\": \"Org\", \"contact-info\": "
	    "\"c@org.example\", \"date-range\": {\"end-datetime\": "
	    "\"2026-11-20T23:59:59Z\", \"start-datetime\": "
	    "\"2026-11-20T00:00:00Z\"}}\n";
	char *c = xstrdup(a), *p;

	ck_assert_int_eq(ingest_bytes("a.json", a, sizeof(a) - 1), 0);
	ck_assert_int_eq(ingest_bytes("b.json", b, sizeof(b) - 1), 0);
	ck_assert_uint_eq(ing.stats.stored, 1);
	ck_assert_uint_eq(ing.stats.duplicates, 1);
	ck_assert_int_eq(q("SELECT count(*) FROM tls_report"), 1);
	/* another count under the same key: a conflict */
	p = strstr(c, "5,");
	ck_assert_ptr_nonnull(p);
	*p = '6';
	ck_assert_int_eq(ingest_bytes("c.json", c, strlen(c)), 0);
	ck_assert_uint_eq(ing.stats.conflicts, 1);
	ck_assert_int_eq(q("SELECT count(*) FROM tls_report"), 2);
	ck_assert_int_eq(q("SELECT count(*) FROM v_tls_reports"), 1);
	ck_assert_int_eq(q("SELECT successful_sessions FROM v_tls_reports"),
	    7);
	ck_assert_int_eq(q("SELECT count(*) FROM tls_report WHERE status = "
	    "'conflict' AND conflict_of = (SELECT id FROM v_tls_reports)"), 1);
	/* the organization's case does not make it another key */
	p = strstr(c, "\"Org\"");
	p[1] = 'O';
	p[2] = 'R';
	ck_assert_int_eq(ingest_bytes("d.json", c, strlen(c)), 0);
	ck_assert_uint_eq(ing.stats.conflicts, 2);
	ck_assert_int_eq(q("SELECT count(*) FROM v_tls_reports"), 1);
	free(c);
}
END_TEST

/* gzip of n bytes of ' ' after head, streamed (never held whole) */
static uint8_t *
gzip_flood(const char *head, size_t n, size_t *outlen)
{
	static char spaces[65536];
	size_t cap = n / 512 + 65536, left = n;
	uint8_t *out = xmalloc(cap);
	z_stream z;

	memset(spaces, ' ', sizeof(spaces));
	memset(&z, 0, sizeof(z));
	ck_assert_int_eq(deflateInit2(&z, 9, Z_DEFLATED, 15 + 16, 9,
	    Z_DEFAULT_STRATEGY), Z_OK);
	z.next_out = out;
	z.avail_out = (uInt)cap;
	z.next_in = (Bytef *)(uintptr_t)head;
	z.avail_in = (uInt)strlen(head);
	ck_assert_int_eq(deflate(&z, Z_NO_FLUSH), Z_OK);
	while (left > 0) {
		size_t k = left < sizeof(spaces) ? left : sizeof(spaces);

		z.next_in = (Bytef *)spaces;
		z.avail_in = (uInt)k;
		ck_assert_int_eq(deflate(&z, Z_NO_FLUSH), Z_OK);
		left -= k;
	}
	ck_assert_int_eq(deflate(&z, Z_FINISH), Z_STREAM_END);
	*outlen = z.total_out;
	deflateEnd(&z);
	return out;
}

/* the input's reason, caller frees */
static char *
reason_of(const char *name)
{
	char sql[512];

	snprintf(sql, sizeof(sql), "SELECT reason FROM v_ingest WHERE "
	    "source LIKE '%%/%s' AND outcome = 'rejected'", name);
	return tu_query_text(db, sql);
}

static void
assert_rejected(const char *name, const char *phrase)
{
	char *r = reason_of(name), sql[512];

	ck_assert_msg(r != NULL, "%s: not rejected", name);
	ck_assert_msg(strstr(r, phrase) != NULL, "%s: reason '%s', not '%s'",
	    name, r, phrase);
	free(r);
	/* kept for --reprocess */
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM input_chunk c JOIN "
	    "input i ON i.id = c.input_id WHERE i.source LIKE '%%/%s'", name);
	ck_assert_int_gt(q(sql), 0);
}

/*
 * Hostile JSON: nesting 10,000 deep, 1 GB of white space through gzip,
 * a count past 2^63, duplicate keys, invalid UTF-8 and a NUL byte: each
 * rejected with its reason, its bytes kept, in bounded memory.
 */
START_TEST(test_tlsingest_hostile_json_rejected_and_kept)
{
	static const char big[] = "{\"organization-name\":\"o\",\"date-range\":"
	    "{\"start-datetime\":\"2026-11-20T00:00:00Z\",\"end-datetime\":"
	    "\"2026-11-21T00:00:00Z\"},\"report-id\":\"r\",\"policies\":[{"
	    "\"policy\":{\"policy-type\":\"sts\",\"policy-domain\":\"a.example\""
	    "},\"summary\":{\"total-successful-session-count\":"
	    "99999999999999999999,\"total-failure-session-count\":0}}]}";
	static const char dup[] = "{\"organization-name\":\"o\","
	    "\"organization-name\":\"p\"}";
	static const char bad8[] = "{\"organization-name\":\"\xc3\x28\"}";
	static const char nul[] = "{\"organization-name\":\"a\0b\"}";
	size_t depth = 10000, n;
	char *deep = xmalloc(2 * depth + 32);
	uint8_t *gz;

	memcpy(deep, "{\"policies\":", 12);
	memset(deep + 12, '[', depth);
	memset(deep + 12 + depth, ']', depth);
	memcpy(deep + 12 + 2 * depth, "}", 2);
	ck_assert_int_eq(ingest_bytes("deep.json", deep, strlen(deep)), 0);
	assert_rejected("deep.json", "not valid JSON");
	free(deep);

	gz = gzip_flood("{\"organization-name\":", (size_t)1 << 30, &n);
	ck_assert_int_eq(ingest_bytes("flood.json.gz", gz, n), 0);
	assert_rejected("flood.json.gz", "inflates more than");
	free(gz);
	/* under the inflate ratio, the JSON bound stops it */
	gz = gzip_flood("{\"organization-name\":", (size_t)64 << 20, &n);
	ck_assert_int_eq(ingest_bytes("flood2.json", gz, n), 0);
	free(gz);
	{
		char *r = reason_of("flood2.json");

		ck_assert_ptr_nonnull(r);
		ck_assert_msg(strstr(r, "bytes of JSON") != NULL ||
		    strstr(r, "inflates more than") != NULL, "%s", r);
		free(r);
	}

	ck_assert_int_eq(ingest_bytes("big.json", big, sizeof(big) - 1), 0);
	assert_rejected("big.json", "too big integer");
	ck_assert_int_eq(ingest_bytes("dup.json", dup, sizeof(dup) - 1), 0);
	assert_rejected("dup.json", "duplicate");
	ck_assert_int_eq(ingest_bytes("bad8.json", bad8, sizeof(bad8) - 1), 0);
	assert_rejected("bad8.json", "invalid UTF-8 at line 1");
	ck_assert_int_eq(ingest_bytes("nul.json", nul, sizeof(nul) - 1), 0);
	assert_rejected("nul.json", "a NUL byte");
	/* JSON that is no TLS report says so */
	ck_assert_int_eq(ingest_bytes("other.json", "{\"a\":1}", 7), 0);
	assert_rejected("other.json", "not an SMTP TLS report");
	ck_assert_int_eq(q("SELECT count(*) FROM tls_report"), 0);
}
END_TEST

/* --reprocess=all parses the kept bytes again: nothing twice */
START_TEST(test_tlsingest_reprocess_restores_each_once)
{
	ck_assert_int_eq(ingest_fixture("tlsmail/google.eml"), 0);
	ck_assert_int_eq(ingest_fixture("tlsmail/microsoft.eml"), 0);
	ck_assert_int_eq(q("SELECT count(*) FROM tls_failure"), 4);
	ingest_init(&ing, st);
	ck_assert_int_eq(ingest_reprocess(&ing, 1), 0);
	ck_assert_int_eq(ingest_commit(&ing), 0);
	ck_assert_uint_eq(ing.stats.inputs, 2);
	ck_assert_uint_eq(ing.stats.stored, 2);
	ck_assert_int_eq(q("SELECT count(*) FROM tls_report"), 2);
	ck_assert_int_eq(q("SELECT count(*) FROM tls_failure"), 4);
	ck_assert_int_eq(q("SELECT sum(failed_sessions) FROM v_tls_reports"),
	    47);
}
END_TEST

/* a rejected TLS input comes back stored once the cause is gone */
START_TEST(test_tlsingest_reprocess_rejected_input)
{
	uint8_t *json;
	size_t n;

	json = fixture("tlsrpt/google-sts.json", &n);
	ck_assert_int_eq(ingest_bytes("g.json", json, n), 0);
	free(json);
	/* as a version that could not read TLS reports left it */
	store_close(st);
	{
		char err[256];
		sqlite3 *h;

		ck_assert_int_eq(sqlite3_open(db, &h), SQLITE_OK);
		ck_assert_int_eq(sqlite3_exec(h, "PRAGMA foreign_keys = ON; "
		    "DELETE FROM tls_report; "
		    "UPDATE input SET outcome = 'rejected', n_reports = 0, "
		    "reason = 'not a report: JSON (an SMTP TLS report?)'",
		    NULL, NULL, NULL), SQLITE_OK);
		sqlite3_close(h);
		st = store_open(db, err, sizeof(err));
		ck_assert_msg(st != NULL, "%s", err);
	}
	ingest_init(&ing, st);
	ck_assert_int_eq(ingest_reprocess(&ing, 0), 0);
	ck_assert_int_eq(ingest_commit(&ing), 0);
	ck_assert_uint_eq(ing.stats.stored, 1);
	ck_assert_int_eq(q("SELECT count(*) FROM v_tls_reports"), 1);
	ck_assert_int_eq(q("SELECT count(*) FROM v_ingest WHERE outcome = "
	    "'stored'"), 1);
}
END_TEST

/* a mixed reporting mailbox: DMARC, TLS (gzip and json), spam */
static const char *const mixed[] = { "mail/m01_zip_body.eml",
    "tlsmail/google.eml", "mail/m11_spam.eml", "tlsmail/microsoft.eml",
    "tlsmail/plain_json.eml" };
#define N_MIXED	(sizeof(mixed) / sizeof(mixed[0]))

static void
assert_mixed_stored(void)
{
	ck_assert_int_eq(q("SELECT count(*) FROM v_reports"), 1);
	ck_assert_int_eq(q("SELECT count(*) FROM v_tls_reports"), 3);
	ck_assert_int_eq(q("SELECT count(*) FROM v_messages"), N_MIXED);
	ck_assert_int_eq(q("SELECT count(*) FROM v_messages WHERE outcome = "
	    "'not_report'"), 1);
	ck_assert_int_eq(q("SELECT sum(failed_sessions) FROM v_tls_reports"),
	    50);
}

static int
run_ingest(const char *args)
{
	char cmd[2048];

	snprintf(cmd, sizeof(cmd), "'%s' --db '%s' %s >/dev/null 2>&1",
	    TEST_INGEST_BIN, db, args);
	return tu_run(cmd, NULL);
}

START_TEST(test_tlsingest_mbox_mixed_mailbox)
{
	char mbox[1024], args[1200];
	FILE *f;

	snprintf(mbox, sizeof(mbox), "%s/mixed.mbox", tmp);
	ck_assert_ptr_nonnull(f = fopen(mbox, "w"));
	for (size_t i = 0; i < N_MIXED; i++) {
		size_t n;
		uint8_t *p = fixture(mixed[i], &n);

		fprintf(f, "From tlsrpt@example.net Sat Nov 21 00:00:00 2026\n");
		fwrite(p, 1, n, f);
		fprintf(f, "\n");
		free(p);
	}
	fclose(f);
	snprintf(args, sizeof(args), "--mbox '%s'", mbox);
	ck_assert_int_eq(run_ingest(args), 0);
	assert_mixed_stored();
}
END_TEST

START_TEST(test_tlsingest_maildir_mixed_mailbox)
{
	char dir[1024], path[1200], args[1200];

	snprintf(dir, sizeof(dir), "%s/Maildir", tmp);
	ck_assert_int_eq(mkdir(dir, 0700), 0);
	for (size_t i = 0; i < 3; i++) {
		static const char *const sub[] = { "new", "cur", "tmp" };

		snprintf(path, sizeof(path), "%s/%s", dir, sub[i]);
		ck_assert_int_eq(mkdir(path, 0700), 0);
	}
	for (size_t i = 0; i < N_MIXED; i++) {
		size_t n;
		uint8_t *p = fixture(mixed[i], &n);

		snprintf(path, sizeof(path), "%s/new/17950000%02zu.M1P1.host",
		    dir, i);
		ck_assert_int_eq(tu_write(path, p, n), 0);
		free(p);
	}
	snprintf(args, sizeof(args), "--maildir '%s'", dir);
	ck_assert_int_eq(run_ingest(args), 0);
	assert_mixed_stored();
}
END_TEST

START_TEST(test_tlsingest_mail_pipe_mixed_mailbox)
{
	char args[1200];

	for (size_t i = 0; i < N_MIXED; i++) {
		char *path = tu_data(mixed[i]);

		snprintf(args, sizeof(args), "--mail - < '%s'", path);
		ck_assert_int_eq(run_ingest(args), 0);
		free(path);
	}
	assert_mixed_stored();
}
END_TEST

/* the IMAP source: its own setup, the store opened by the run */
static struct mt_dovecot dv;
static int dv_up;
static char dv_why[1024];

static void
setup_imap(void)
{
	tmp = tu_tmpdir();
	snprintf(db, sizeof(db), "%s/t.db", tmp);
	setenv(IMAP_PASSWORD_ENV, MT_PASSWORD, 1);
	dv_up = mt_dovecot_start(&dv, dv_why, sizeof(dv_why)) == 0;
}

static void
teardown_imap(void)
{
	mt_dovecot_stop(&dv);
	tu_rmtree(tmp);
	free(tmp);
}

START_TEST(test_tlsingest_imap_mixed_mailbox)
{
	struct imap_options o;
	struct imap_stats ist;
	struct store *s;
	struct ingest in;
	char url[512], err[1024];

	if (!dv_up) {
		printf("skipped: dovecot cannot be started: %s\n", dv_why);
		return;
	}
	for (size_t i = 0; i < N_MIXED; i++) {
		size_t n;
		uint8_t *p = fixture(mixed[i], &n);

		ck_assert_int_eq(mt_dovecot_put(&dv, (const char *)p, n), 0);
		free(p);
	}
	mt_dovecot_url(&dv, 0, url, sizeof(url));
	memset(&o, 0, sizeof(o));
	o.url = url;
	s = store_open(db, err, sizeof(err));
	ck_assert_msg(s != NULL, "%s", err);
	ingest_init(&in, s);
	ck_assert_msg(imap_run(&o, &in, &ist, err, sizeof(err)) == IMAP_OK,
	    "%s", err);
	store_close(s);
	ck_assert_uint_eq(ist.marked, N_MIXED);
	assert_mixed_stored();
}
END_TEST

Suite *
tlsingest_suite(void)
{
	Suite *s = suite_create("tlsingest");
	TCase *tc = tcase_create("tlsingest");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_tlsingest_google_microsoft_mail_totals);
	tcase_add_test(tc, test_tlsingest_json_gz_and_json_files);
	tcase_add_test(tc, test_tlsingest_duplicate_and_conflict);
	tcase_add_test(tc, test_tlsingest_hostile_json_rejected_and_kept);
	tcase_add_test(tc, test_tlsingest_reprocess_restores_each_once);
	tcase_add_test(tc, test_tlsingest_reprocess_rejected_input);
	tcase_add_test(tc, test_tlsingest_mbox_mixed_mailbox);
	tcase_add_test(tc, test_tlsingest_maildir_mixed_mailbox);
	tcase_add_test(tc, test_tlsingest_mail_pipe_mixed_mailbox);
	suite_add_tcase(s, tc);
	tc = tcase_create("imap");
	tcase_add_checked_fixture(tc, setup_imap, teardown_imap);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_tlsingest_imap_mixed_mailbox);
	suite_add_tcase(s, tc);
	return s;
}

/*
 * The MIME layer and ingest_message: every QUIRKS.md B.1 fixture in
 * tests/data/mail ends with the expected outcome and reports, headers are
 * decoded into the mail ledger, a message seen again is skipped, a
 * message left pending by a killed run is redone without duplicates, and
 * hostile MIME (C.3) is settled in bounded time.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <check.h>
#include <glib.h>

#include "buf.h"
#include "ingest.h"
#include "mail.h"
#include "mailscan.h"
#include "testutil.h"
#include "xalloc.h"

Suite *mail_suite(void);

/* a database and an ingest run in a fresh directory */
struct fx {
	char		*dir;
	char		 db[512];
	struct store	*st;
	struct ingest	 ing;
};

static void
fx_open(struct fx *f)
{
	char err[256];

	mail_init();
	f->dir = tu_tmpdir();
	snprintf(f->db, sizeof(f->db), "%s/t.db", f->dir);
	f->st = store_open(f->db, err, sizeof(err));
	ck_assert_msg(f->st != NULL, "%s", err);
	ingest_init(&f->ing, f->st);
}

static void
fx_close(struct fx *f)
{
	store_close(f->st);
	tu_rmtree(f->dir);
	free(f->dir);
}

/*
 * ingests a file as a message and commits it, as a source does before it
 * marks; returns ingest_message's value, or -1 when the commit failed
 */
static int
ingest_path(struct fx *f, const char *path, enum outcome *oc)
{
	int fd = open(path, O_RDONLY), rc;

	ck_assert_int_ne(fd, -1);
	rc = ingest_message(&f->ing, fd, path, oc);
	close(fd);
	if (rc == 0 && ingest_commit(&f->ing) == -1)
		rc = -1;
	return rc;
}

/* ingests bytes written to a file in the fixture's directory */
static int
ingest_bytes(struct fx *f, const void *p, size_t n, enum outcome *oc)
{
	char path[600];

	snprintf(path, sizeof(path), "%s/msg.eml", f->dir);
	ck_assert_int_eq(tu_write(path, p, n), 0);
	return ingest_path(f, path, oc);
}

static const struct {
	const char	*file;
	enum outcome	 outcome;
	int		 reports;	/* in v_reports, v_tls_reports and
					   v_failure_reports afterwards */
	const char	*reason;	/* phrase of the message's reason */
} cases[] = {
	{ "m01_zip_body.eml", OUTCOME_STORED, 1, NULL },
	{ "m01_gzip_body_crlf.eml", OUTCOME_STORED, 1, NULL },
	{ "m02_nested_related.eml", OUTCOME_STORED, 1, NULL },
	{ "m03_forwarded_rfc822.eml", OUTCOME_STORED, 1, NULL },
	{ "m04_alternative_top.eml", OUTCOME_STORED, 1, NULL },
	{ "m05_trustwave.eml", OUTCOME_STORED, 1, NULL },
	{ "m06_boundaries.eml", OUTCOME_STORED, 1, NULL },
	{ "m07_rfc2047_subject.eml", OUTCOME_STORED, 1, NULL },
	{ "m08_binary_top.eml", OUTCOME_STORED, 1, NULL },
	{ "m08_qp_xml.eml", OUTCOME_STORED, 1, NULL },
	{ "m09_rfc2231_name.eml", OUTCOME_STORED, 1, NULL },
	{ "m12_two_reports.eml", OUTCOME_STORED, 2, NULL },
	/* issue 17: SMTP TLS reports are stored (in v_tls_reports) */
	{ "m11_tlsrpt.eml", OUTCOME_STORED, 1, NULL },
	{ "m11_tlsrpt_json_only.eml", OUTCOME_STORED, 1, NULL },
	/* issue 17 point 4: DMARC failure reports are stored (in
	   v_failure_reports), in multipart/mixed too (NetEase) */
	{ "m11_failure_report.eml", OUTCOME_STORED, 1, NULL },
	{ "m11_failure_netease_mixed.eml", OUTCOME_STORED, 1, NULL },
	{ "m11_failure_exim_plain.eml", OUTCOME_NOT_REPORT, 0,
	    "DMARC failure report? (no message/feedback-report part; its "
	    "Subject says so)" },
	{ "m11_abuse_labelled_failure.eml", OUTCOME_NOT_REPORT, 0,
	    "abuse report (message/feedback-report, Feedback-Type: abuse)" },
	{ "m11_report_without_arf.eml", OUTCOME_NOT_REPORT, 0,
	    "feedback report without its message/feedback-report part "
	    "(multipart/report; report-type=feedback-report)" },
	{ "m11_bounce.eml", OUTCOME_NOT_REPORT, 0, "bounce" },
	{ "m11_spam.eml", OUTCOME_NOT_REPORT, 0, "text/plain, text/html" },
};

START_TEST(test_mail_quirk_fixture_settles_as_expected)
{
	char rel[128], *path, *reason;
	struct fx f;
	enum outcome oc;

	fx_open(&f);
	snprintf(rel, sizeof(rel), "mail/%s", cases[_i].file);
	path = tu_data(rel);
	ck_assert_int_eq(ingest_path(&f, path, &oc), 0);
	ck_assert_msg(oc == cases[_i].outcome, "%s: outcome %s",
	    cases[_i].file, outcome_name(oc));
	ck_assert_int_eq(tu_query_int(f.db, "SELECT (SELECT count(*) FROM "
	    "v_reports) + (SELECT count(*) FROM v_tls_reports) + (SELECT "
	    "count(*) FROM v_failure_reports)"),
	    cases[_i].reports);
	ck_assert_int_eq(tu_query_int(f.db, "SELECT count(*) FROM "
	    "v_messages"), 1);
	ck_assert_int_eq(tu_query_int(f.db, "SELECT inputs FROM v_messages"),
	    cases[_i].reports > 0 ? (cases[_i].reports == 2 ? 2 : 1) : 0);
	if (cases[_i].reason != NULL) {
		reason = tu_query_text(f.db, "SELECT reason FROM v_messages");
		ck_assert_ptr_nonnull(reason);
		ck_assert_msg(strstr(reason, cases[_i].reason) != NULL,
		    "%s: reason '%s'", cases[_i].file, reason);
		free(reason);
	}
	free(path);
	fx_close(&f);
}
END_TEST

/*
 * Every Feedback-Type of RFC 5965 (and RFC 6591's auth-failure) names
 * the message, inside multipart/report or any other multipart; a value
 * that is not a token names nothing.
 */
START_TEST(test_mail_feedback_type_names_the_message)
{
	static const struct {
		const char	*container;
		const char	*field;
		const char	*want;
	} t[] = {
		/* NULL: a DMARC failure report, stored (issue 17 point 4) */
		{ "report; report-type=feedback-report", "auth-failure",
		    NULL },
		{ "mixed", "AUTH-Failure", NULL },
		{ "report; report-type=feedback-report", "fraud",
		    "abuse report (message/feedback-report, Feedback-Type: "
		    "fraud)" },
		{ "mixed", "virus", "abuse report (" },
		{ "related", "other", "abuse report (" },
		{ "report; report-type=feedback-report", "not-spam",
		    "feedback report (ARF) (message/feedback-report, "
		    "Feedback-Type: not-spam)" },
		{ "mixed", "abuse; junk", "feedback report (ARF) "
		    "(message/feedback-report without a Feedback-Type)" },
		{ "mixed", "\033[31mabuse", "feedback report (ARF) "
		    "(message/feedback-report without a Feedback-Type)" },
	};
	struct fx f;
	enum outcome oc;
	char *msg, *reason;

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		fx_open(&f);
		msg = g_strdup_printf("From: a@example.net\nSubject: DMARC "
		    "failure report %zu\nContent-Type: multipart/%s; "
		    "boundary=\"b\"\n\n--b\nContent-Type: text/plain\n\n"
		    "report\n--b\nContent-Type: message/feedback-report\n\n"
		    "Version: 1\nFeedback-Type: %s\nUser-Agent: x/1\n\n"
		    "--b--\n", i, t[i].container, t[i].field);
		ck_assert_int_eq(ingest_bytes(&f, msg, strlen(msg), &oc), 0);
		ck_assert_int_eq(tu_query_int(f.db, "SELECT count(*) FROM "
		    "v_failure_reports"), t[i].want == NULL);
		if (t[i].want == NULL) {
			ck_assert_int_eq(oc, OUTCOME_STORED);
			g_free(msg);
			fx_close(&f);
			continue;
		}
		ck_assert_int_eq(oc, OUTCOME_NOT_REPORT);
		reason = tu_query_text(f.db, "SELECT reason FROM v_messages");
		ck_assert_ptr_nonnull(reason);
		ck_assert_msg(strncmp(reason, t[i].want, strlen(t[i].want)) ==
		    0, "%zu: reason '%s', want '%s'", i, reason, t[i].want);
		free(reason);
		g_free(msg);
		fx_close(&f);
	}
}
END_TEST

/*
 * A report in Outlook's TNEF (winmail.dat) is not read, but never lost:
 * the part is kept as a rejected input with its bytes (for --reprocess)
 * and a reason that says so, and the message is rejected, not
 * not_report (issue 12 point 4).
 */
START_TEST(test_mail_tnef_part_kept_and_refused_with_reason)
{
	struct fx f;
	enum outcome oc;
	char *path = tu_data("invalid/tnef_winmail/message.eml"), *reason;

	fx_open(&f);
	ck_assert_int_eq(ingest_path(&f, path, &oc), 0);
	ck_assert_int_eq(oc, OUTCOME_REJECTED);
	ck_assert_int_eq(tu_query_int(f.db, "SELECT count(*) FROM v_reports"),
	    0);
	reason = tu_query_text(f.db, "SELECT reason FROM v_ingest");
	ck_assert_ptr_nonnull(reason);
	ck_assert_msg(strstr(reason, "TNEF attachment not read") != NULL,
	    "reason '%s'", reason);
	ck_assert_int_eq(tu_query_int(f.db, "SELECT count(*) FROM v_ingest "
	    "WHERE outcome = 'rejected' AND source LIKE '%winmail.dat%'"), 1);
	ck_assert_int_eq(tu_query_int(f.db, "SELECT rejected_inputs FROM "
	    "v_messages"), 1);
	ck_assert_int_ge(tu_query_int(f.db, "SELECT count(*) FROM "
	    "input_chunk"), 1);
	free(reason);
	free(path);
	fx_close(&f);
}
END_TEST

START_TEST(test_mail_headers_decoded_into_ledger)
{
	struct fx f;
	enum outcome oc;
	char *path = tu_data("mail/m07_rfc2047_subject.eml"), *v;

	fx_open(&f);
	ck_assert_int_eq(ingest_path(&f, path, &oc), 0);
	v = tu_query_text(f.db, "SELECT subject FROM v_messages");
	ck_assert_str_eq(v, "Report Domain: example.org Submitter: "
	    "protection.outlook.com R\xc3\xa9port");
	free(v);
	v = tu_query_text(f.db, "SELECT message_id FROM v_messages");
	ck_assert_str_eq(v, "m07@example.net");
	free(v);
	v = tu_query_text(f.db, "SELECT from_addr FROM v_messages");
	ck_assert_str_eq(v, "DMARC Report <dmarcreport@microsoft.com>");
	free(v);
	ck_assert_int_eq(tu_query_int(f.db, "SELECT date_utc FROM "
	    "v_messages"), 1794909600);
	free(path);
	fx_close(&f);
}
END_TEST

START_TEST(test_mail_rfc2231_file_name_decoded_in_location)
{
	struct fx f;
	enum outcome oc;
	char *path = tu_data("mail/m09_rfc2231_name.eml"), *v;

	fx_open(&f);
	ck_assert_int_eq(ingest_path(&f, path, &oc), 0);
	v = tu_query_text(f.db, "SELECT location FROM message_input");
	ck_assert_str_eq(v, "part 1 'amazonses.com!example.org!r\xc3\xa9"
	    "port.xml.gz'");
	free(v);
	free(path);
	fx_close(&f);
}
END_TEST

START_TEST(test_mail_seen_again_is_skipped_with_earlier_outcome)
{
	struct fx f;
	enum outcome oc;
	char *rep = tu_data("mail/m12_two_reports.eml");
	char *tls = tu_data("mail/m11_tlsrpt.eml");

	fx_open(&f);
	ck_assert_int_eq(ingest_path(&f, rep, &oc), 0);
	ck_assert_int_eq(oc, OUTCOME_STORED);
	ck_assert_int_eq(ingest_path(&f, rep, &oc), 0);
	ck_assert_int_eq(oc, OUTCOME_DUPLICATE);
	ck_assert_int_eq(ingest_path(&f, tls, &oc), 0);
	ck_assert_int_eq(oc, OUTCOME_STORED);
	ck_assert_int_eq(ingest_path(&f, tls, &oc), 0);
	ck_assert_int_eq(oc, OUTCOME_DUPLICATE);
	ck_assert_int_eq(f.ing.stats.mails, 4);
	ck_assert_int_eq(f.ing.stats.mail_duplicates, 2);
	/* skipped before any part was looked at: m12's two, the TLS one */
	ck_assert_int_eq(f.ing.stats.inputs, 3);
	ck_assert_int_eq(tu_query_int(f.db, "SELECT seen_count FROM "
	    "v_messages WHERE message_id = 'm12@example.net'"), 2);
	ck_assert_int_eq(tu_query_int(f.db, "SELECT count(*) FROM "
	    "v_reports"), 2);
	free(rep);
	free(tls);
	fx_close(&f);
}
END_TEST

START_TEST(test_mail_pending_message_redone_without_duplicates)
{
	struct fx f;
	enum outcome oc;
	char *path = tu_data("mail/m12_two_reports.eml"), *cmd;
	size_t n;

	fx_open(&f);
	ck_assert_int_eq(ingest_path(&f, path, &oc), 0);
	store_close(f.st);
	/* as if killed after the reports were committed */
	n = strlen(f.db) + 128;
	cmd = xmalloc(n);
	snprintf(cmd, n, "sqlite3 '%s' \"UPDATE message SET outcome = "
	    "'pending'\"", f.db);
	ck_assert_int_eq(tu_run(cmd, NULL), 0);
	free(cmd);
	f.st = store_open(f.db, (char[256]){ 0 }, 256);
	ingest_init(&f.ing, f.st);
	ck_assert_int_eq(ingest_path(&f, path, &oc), 0);
	ck_assert_int_eq(oc, OUTCOME_STORED);
	ck_assert_int_eq(tu_query_int(f.db, "SELECT count(*) FROM "
	    "v_reports"), 2);
	ck_assert_int_eq(tu_query_int(f.db, "SELECT count(*) FROM "
	    "message_input"), 2);
	ck_assert_int_eq(f.ing.stats.reports, 0);
	free(path);
	fx_close(&f);
}
END_TEST

START_TEST(test_mail_rejected_part_kept_and_message_rejected)
{
	static const uint8_t png[] = "\x89PNG\r\n\x1a\nnot a report at all";
	struct fx f;
	enum outcome oc;
	uint8_t *gz;
	size_t n;
	char *b64, *msg;

	fx_open(&f);
	gz = tu_gzip(png, sizeof(png) - 1, &n);
	b64 = g_base64_encode(gz, n);
	msg = g_strdup_printf("From: a@example.net\nSubject: x\n"
	    "Content-Type: application/gzip\nContent-Transfer-Encoding: "
	    "base64\n\n%s\n", b64);
	ck_assert_int_eq(ingest_bytes(&f, msg, strlen(msg), &oc), 0);
	ck_assert_int_eq(oc, OUTCOME_REJECTED);
	ck_assert_int_eq(tu_query_int(f.db, "SELECT count(*) FROM v_ingest "
	    "WHERE outcome = 'rejected' AND reason LIKE '%PNG%'"), 1);
	ck_assert_int_eq(tu_query_int(f.db, "SELECT rejected_inputs FROM "
	    "v_messages"), 1);
	ck_assert_int_eq(tu_query_int(f.db, "SELECT count(*) FROM "
	    "input_chunk"), 1);
	g_free(msg);
	g_free(b64);
	free(gz);
	fx_close(&f);
}
END_TEST

/* no ESC, BEL or newline left in column col of view */
static void
assert_visible(const char *db, const char *view, const char *col)
{
	char sql[512];

	snprintf(sql, sizeof(sql), "SELECT count(*) FROM %s WHERE "
	    "instr(%s, char(27)) OR instr(%s, char(7)) OR instr(%s, "
	    "char(10))", view, col, col, col);
	ck_assert_msg(tu_query_int(db, sql) == 0, "%s.%s", view, col);
}

START_TEST(test_mail_control_characters_visible_in_ledger)
{
	static const uint8_t png[] = "\x89PNG\r\n\x1a\nnot a report at all";
	struct fx f;
	enum outcome oc;
	uint8_t *gz;
	size_t n;
	char *b64, *msg, *v;

	fx_open(&f);
	gz = tu_gzip(png, sizeof(png) - 1, &n);
	b64 = g_base64_encode(gz, n);
	msg = g_strdup_printf("From: =?UTF-8?Q?Evil=1B=07?= "
	    "<a@example.net>\nSubject: =?UTF-8?Q?clear=1B[2J?=\n"
	    "Message-ID: <id\x07@example.net>\nMIME-Version: 1.0\n"
	    "Content-Type: multipart/mixed; boundary=\"b\"\n\n--b\n"
	    "Content-Type: text/plain\n\nhi\n--b\n"
	    "Content-Type: application/gzip\nContent-Disposition: attachment; "
	    "filename*=UTF-8''bad%%1B%%07%%0Aname.xml.gz\n"
	    "Content-Transfer-Encoding: base64\n\n%s\n--b--\n", b64);
	ck_assert_int_eq(ingest_bytes(&f, msg, strlen(msg), &oc), 0);
	ck_assert_int_eq(oc, OUTCOME_REJECTED);
	v = tu_query_text(f.db, "SELECT reason FROM v_messages");
	ck_assert_str_eq(v, "part 2 'bad\\x1b\\x07\\x0aname.xml.gz': report "
	    "rejected (see v_ingest)");
	free(v);
	v = tu_query_text(f.db, "SELECT subject || ' / ' || from_addr FROM "
	    "v_messages");
	ck_assert_str_eq(v, "clear\\x1b[2J / Evil\\x1b\\x07 <a@example.net>");
	free(v);
	assert_visible(f.db, "v_messages", "message_id");
	assert_visible(f.db, "v_messages", "source");
	assert_visible(f.db, "v_ingest", "source");
	assert_visible(f.db, "v_ingest", "reason");
	ck_assert_int_eq(tu_query_int(f.db, "SELECT count(*) FROM v_ingest "
	    "WHERE source LIKE '%part 2 ''bad\\x1b\\x07\\x0aname.xml.gz'''"),
	    1);
	/* the name as received stays in the table */
	ck_assert_int_eq(tu_query_int(f.db, "SELECT instr(source_raw, "
	    "char(27) || char(7) || char(10)) > 0 FROM input"), 1);
	g_free(msg);
	g_free(b64);
	free(gz);
	fx_close(&f);
}
END_TEST

/* a message nested depth levels deep, the report in the innermost */
static char *
nested(int depth, const char *innermost)
{
	GString *b = g_string_new(NULL);

	g_string_append_printf(b, "From: a@example.net\nSubject: deep\n");
	for (int i = 0; i < depth; i++)
		g_string_append_printf(b, "Content-Type: multipart/mixed; "
		    "boundary=\"b%d\"\n\n--b%d\n", i, i);
	g_string_append_printf(b, "%s", innermost);
	for (int i = depth - 1; i >= 0; i--)
		g_string_append_printf(b, "\n--b%d--\n", i);
	return g_string_free(b, FALSE);
}

static char *
report_part(void)
{
	size_t n;
	char *path = tu_data("mail/m12_two_reports.eml");
	uint8_t *p = tu_slurp(path, &n);
	char *s = strstr((char *)p, "Content-Type: application/gzip");
	char *e = strstr(s, "\n--two");
	char *out = xstrndup(s, (size_t)(e - s));

	free(p);
	free(path);
	return out;
}

START_TEST(test_mail_thousand_levels_refused_before_parsing)
{
	struct fx f;
	enum outcome oc;
	char *rep = report_part(), *msg = nested(1000, rep);
	double t0 = tu_now();

	fx_open(&f);
	ck_assert_int_eq(ingest_bytes(&f, msg, strlen(msg), &oc), 0);
	ck_assert_int_eq(oc, OUTCOME_REJECTED);
	ck_assert_int_eq(tu_query_int(f.db, "SELECT count(*) FROM v_messages "
	    "WHERE reason LIKE '%MAX_MIME_PARTS%'"), 1);
	ck_assert(tu_now() - t0 < 5);
	g_free(msg);
	free(rep);
	fx_close(&f);
}
END_TEST

START_TEST(test_mail_depth_capped_at_max_mime_depth)
{
	struct fx f;
	enum outcome oc;
	char *rep = report_part(), *msg;

	fx_open(&f);
	msg = nested(MAX_MIME_DEPTH - 2, rep);
	ck_assert_int_eq(ingest_bytes(&f, msg, strlen(msg), &oc), 0);
	ck_assert_int_eq(oc, OUTCOME_STORED);
	g_free(msg);
	msg = nested(MAX_MIME_DEPTH + 20, rep);
	ck_assert_int_eq(ingest_bytes(&f, msg, strlen(msg), &oc), 0);
	ck_assert_int_eq(oc, OUTCOME_REJECTED);
	ck_assert_int_eq(tu_query_int(f.db, "SELECT count(*) FROM v_messages "
	    "WHERE reason LIKE '%MAX_MIME_DEPTH%'"), 1);
	g_free(msg);
	free(rep);
	fx_close(&f);
}
END_TEST

START_TEST(test_mail_thousands_of_parts_refused)
{
	struct fx f;
	enum outcome oc;
	GString *b = g_string_new(NULL);
	char *msg;
	double t0 = tu_now();

	fx_open(&f);
	g_string_append_printf(b, "From: a@example.net\nContent-Type: "
	    "multipart/mixed; boundary=x\n\n");
	for (int i = 0; i < 5000; i++)
		g_string_append_printf(b, "--x\nContent-Type: text/plain\n\n"
		    "part %d\n", i);
	g_string_append_printf(b, "--x--\n");
	msg = g_string_free(b, FALSE);
	ck_assert_int_eq(ingest_bytes(&f, msg, strlen(msg), &oc), 0);
	ck_assert_int_eq(oc, OUTCOME_REJECTED);
	ck_assert(tu_now() - t0 < 5);
	g_free(msg);
	fx_close(&f);
}
END_TEST

/* a message with n Received lines, a Subject of subject_len and a report */
static char *
long_headers(int n, int subject_len)
{
	GString *b = g_string_new(NULL);
	char *rep = report_part();

	for (int i = 0; i < n; i++)
		g_string_append_printf(b, "Received: from relay%d.example."
		    "net\n", i);
	g_string_append_printf(b, "Subject: ");
	for (int i = 0; i < subject_len; i++)
		g_string_append_c(b, 'S');
	g_string_append_printf(b, "\nNoColonHeaderLine\n%s\n", rep);
	free(rep);
	return g_string_free(b, FALSE);
}

START_TEST(test_mail_huge_headers_bounded)
{
	struct fx f;
	enum outcome oc;
	char *msg, *q;
	double t0 = tu_now();

	fx_open(&f);
	/* within the limits: read, the Subject kept to MAX_MAIL_HEADER */
	msg = long_headers(5000, 256 * 1024);
	ck_assert_int_eq(ingest_bytes(&f, msg, strlen(msg), &oc), 0);
	ck_assert_int_eq(oc, OUTCOME_STORED);
	ck_assert_int_eq(tu_query_int(f.db, "SELECT length(subject) FROM "
	    "v_messages"), MAX_MAIL_HEADER);
	g_free(msg);
	/* 100,000 fields: refused before GMime, kept whole */
	msg = long_headers(100000, 1 << 20);
	ck_assert_int_eq(ingest_bytes(&f, msg, strlen(msg), &oc), 0);
	ck_assert_int_eq(oc, OUTCOME_REJECTED);
	ck_assert_int_eq(tu_query_int(f.db, "SELECT count(*) FROM v_messages "
	    "WHERE reason LIKE 'more than 10000 header fields "
	    "(MAX_MAIL_HEADER_FIELDS)%'"), 1);
	q = g_strdup_printf("SELECT count(*) FROM v_ingest WHERE outcome = "
	    "'rejected' AND reason LIKE '%%MAX_MAIL_HEADER_FIELDS%%' AND "
	    "size = %zu", strlen(msg));
	ck_assert_int_eq(tu_query_int(f.db, q), 1);	/* the bytes kept */
	g_free(q);
	ck_assert_msg(tu_now() - t0 < 20, "took %.1f s", tu_now() - t0);
	g_free(msg);
	fx_close(&f);
}
END_TEST

START_TEST(test_mail_missing_boundaries_and_bad_base64_settle)
{
	static const char *const msgs[] = {
		/* boundary never appears */
		"From: a@x\nContent-Type: multipart/mixed; boundary=nope\n\n"
		"just text\n",
		/* empty boundary, no closing delimiter */
		"From: a@x\nContent-Type: multipart/mixed; boundary=\"\"\n\n"
		"--\nContent-Type: text/plain\n\nx\n",
		/* base64 garbage that decodes to nothing useful */
		"From: a@x\nContent-Type: application/gzip\n"
		"Content-Transfer-Encoding: base64\n\n!!!***&&&\x01\x02\n",
		/* no headers at all in a part */
		"From: a@x\nContent-Type: multipart/mixed; boundary=b\n\n"
		"--b\n\n--b--\n",
	};
	struct fx f;
	enum outcome oc;

	fx_open(&f);
	for (size_t i = 0; i < sizeof(msgs) / sizeof(msgs[0]); i++) {
		ck_assert_int_eq(ingest_bytes(&f, msgs[i], strlen(msgs[i]),
		    &oc), 0);
		ck_assert_msg(oc == OUTCOME_NOT_REPORT, "message %zu: %s", i,
		    outcome_name(oc));
	}
	fx_close(&f);
}
END_TEST

START_TEST(test_mail_truncated_base64_report_rejected_not_lost)
{
	struct fx f;
	enum outcome oc;
	char *rep = report_part(), *msg;

	fx_open(&f);
	/* cut the base64 in the middle: a truncated gzip */
	rep[strlen(rep) / 2] = '\0';
	msg = g_strdup_printf("From: a@x\nContent-Type: multipart/mixed; "
	    "boundary=b\n\n--b\n%s", rep);
	ck_assert_int_eq(ingest_bytes(&f, msg, strlen(msg), &oc), 0);
	ck_assert_int_eq(oc, OUTCOME_REJECTED);
	ck_assert_int_eq(tu_query_int(f.db, "SELECT count(*) FROM v_ingest "
	    "WHERE outcome = 'rejected' AND reason LIKE '%gzip%'"), 1);
	g_free(msg);
	free(rep);
	fx_close(&f);
}
END_TEST

/*
 * A limit that left a report unread keeps the whole message; once the
 * limit allows, --reprocess reads the message again and stores the rest.
 */
START_TEST(test_mail_unread_report_kept_then_reprocess_stores_it)
{
	struct fx f;
	enum outcome oc;
	char *path = tu_data("mail/m12_two_reports.eml");
	size_t n;
	uint8_t *m = tu_slurp(path, &n);
	char *q;

	fx_open(&f);
	f.ing.max_mail_reports = 1;
	ck_assert_int_eq(ingest_bytes(&f, m, n, &oc), 0);
	ck_assert_int_eq(oc, OUTCOME_REJECTED);
	ck_assert_int_eq(tu_query_int(f.db, "SELECT count(*) FROM v_reports"),
	    1);
	q = g_strdup_printf("SELECT count(*) FROM v_ingest WHERE outcome = "
	    "'rejected' AND reason LIKE 'more report parts than "
	    "MAX_MAIL_REPORTS%%' AND size = %zu", n);
	ck_assert_int_eq(tu_query_int(f.db, q), 1);
	g_free(q);
	ck_assert_int_eq(tu_query_int(f.db, "SELECT rejected_inputs FROM "
	    "v_messages"), 1);
	/* the same message again is known: nothing more is read */
	ck_assert_int_eq(ingest_bytes(&f, m, n, &oc), 0);
	ck_assert_int_eq(tu_query_int(f.db, "SELECT count(*) FROM v_reports"),
	    1);
	f.ing.max_mail_reports = MAX_MAIL_REPORTS;
	ck_assert_int_eq(ingest_reprocess(&f.ing, 0), 0);
	ck_assert_int_eq(ingest_commit(&f.ing), 0);
	ck_assert_int_eq(tu_query_int(f.db, "SELECT count(*) FROM v_reports"),
	    2);
	ck_assert_int_eq(tu_query_int(f.db, "SELECT count(*) FROM v_messages "
	    "WHERE outcome = 'stored' AND rejected_inputs = 0 AND reason IS "
	    "NULL"), 1);
	ck_assert_int_eq(tu_query_int(f.db, "SELECT count(*) FROM v_ingest "
	    "WHERE outcome = 'rejected'"), 0);
	/* and again: nothing twice */
	ck_assert_int_eq(ingest_reprocess(&f.ing, 1), 0);
	ck_assert_int_eq(ingest_commit(&f.ing), 0);
	ck_assert_int_eq(tu_query_int(f.db, "SELECT count(*) FROM v_reports"),
	    2);
	free(m);
	free(path);
	fx_close(&f);
}
END_TEST

START_TEST(test_mail_whitespace_lines_before_header_tolerated)
{
	static const char *const leads[] = { "\n", "\r\n\r\n", " \t \n",
	    "  \r\n\n" };
	struct fx f;
	enum outcome oc;
	char *path = tu_data("mail/m01_zip_body.eml"), *msg;
	size_t n;
	uint8_t *m = tu_slurp(path, &n);
	GString *b;

	fx_open(&f);
	for (size_t i = 0; i < sizeof(leads) / sizeof(leads[0]); i++) {
		b = g_string_new(leads[i]);
		g_string_append_len(b, (char *)m, (gssize)n);
		ck_assert(mail_sniff(b->str, b->len));
		ck_assert_int_eq(ingest_bytes(&f, b->str, b->len, &oc), 0);
		ck_assert_msg(oc == (i == 0 ? OUTCOME_STORED :
		    OUTCOME_DUPLICATE), "lead %zu: %s", i, outcome_name(oc));
		g_string_free(b, TRUE);
	}
	ck_assert_int_eq(tu_query_int(f.db, "SELECT count(*) FROM v_messages "
	    "WHERE from_addr IS NOT NULL"), 4);
	/* past MAX_MAIL_LEADING_SPACE it is not read as a message */
	msg = g_strnfill(MAX_MAIL_LEADING_SPACE + 1, '\n');
	ck_assert(!mail_sniff(msg, strlen(msg)));
	g_free(msg);
	ck_assert(!mail_sniff("   From: x\n", 11));	/* not a blank line */
	free(m);
	free(path);
	fx_close(&f);
}
END_TEST

/* scans bytes written to a file in the fixture's directory */
static void
scan_bytes(struct fx *f, const char *p, struct mail_scan *sc)
{
	char path[600];
	uint8_t sha[HASH_LEN];
	int fd;

	snprintf(path, sizeof(path), "%s/scan.eml", f->dir);
	ck_assert_int_eq(tu_write(path, p, strlen(p)), 0);
	fd = open(path, O_RDONLY);
	ck_assert_int_ne(fd, -1);
	ck_assert_int_eq(mail_scan(fd, sha, sc), 0);
	close(fd);
}

/*
 * The pre-scan follows the structure GMime builds: only declared
 * boundaries delimit, a message/rfc822 part opens a header block (not
 * when base64), a multipart/digest part without a type is a message,
 * prologue and epilogue are counted; counts computed by hand.
 */
START_TEST(test_mail_scan_follows_gmime_structure)
{
	static const char a[] =
	    "From x@y Mon Nov 17 10:00:00 2026\n"
	    "\n"
	    "From: a@x\n"
	    "To: b@x, c@x\n"
	    "Content-Type: multipart/mixed; boundary=\"o\"\n"
	    "\n"
	    "prologue text\n"
	    "--o\n"
	    "Content-Type: text/plain\n"
	    "\n"
	    "--x not a boundary\n"
	    "--o\n"
	    "Content-Type: message/rfc822\n"
	    "\n"
	    "From: inner@x\n"
	    "Subject: s\n"
	    "\n"
	    "body\n"
	    "--o--\n"
	    "epilogue\n";
	static const char b[] =
	    "From: a@x\n"
	    "Content-Type: multipart/digest; boundary=d\n"
	    "\n"
	    "--d\n"
	    "\n"
	    "From: e1@x\n"
	    "\n"
	    "--d\n"
	    "Content-Type: message/rfc822\n"
	    "Content-Transfer-Encoding: base64\n"
	    "\n"
	    "RnJvbTogYUB4Cg==\n"
	    "--d--\n";
	struct fx f;
	struct mail_scan sc;
	char why[256];

	fx_open(&f);
	scan_bytes(&f, a, &sc);
	ck_assert_int_eq(sc.lead, 35);		/* the From line, a blank */
	ck_assert_uint_eq(sc.blocks, 4);	/* message, 2 parts, inner */
	ck_assert_uint_eq(sc.delimiters, 3);
	ck_assert_uint_eq(sc.fields, 7);
	ck_assert_uint_eq(sc.header_bytes, 146);
	ck_assert_uint_eq(sc.addresses, 4);	/* a, b, c, inner */
	ck_assert_uint_eq(sc.params, 1);	/* boundary */
	ck_assert_uint_eq(sc.face_bytes, 14 + 9);
	ck_assert_ptr_null(mail_scan_refusal(&sc, why, sizeof(why)));
	scan_bytes(&f, b, &sc);
	ck_assert_int_eq(sc.lead, 0);
	ck_assert_uint_eq(sc.blocks, 4);	/* message, 2 parts, e1 */
	ck_assert_uint_eq(sc.delimiters, 3);
	ck_assert_uint_eq(sc.fields, 5);
	ck_assert_uint_eq(sc.header_bytes, 127);
	ck_assert_uint_eq(sc.addresses, 2);
	ck_assert_uint_eq(sc.face_bytes, 0);
	fx_close(&f);
}
END_TEST

START_TEST(test_mail_sniff_routes_messages_only)
{
	ck_assert(mail_sniff("Received: from x\n", 17));
	ck_assert(mail_sniff("From a@b Mon Nov 17 10:00:00 2026\n", 34));
	ck_assert(!mail_sniff("<?xml version=\"1.0\"?>", 21));
	ck_assert(!mail_sniff("\x1f\x8b\x08\x00", 4));
	ck_assert(!mail_sniff("plain words here", 16));
}
END_TEST

/*
 * Fuzzer finding (fuzz-mail, LeakSanitizer): the name of a Trustwave
 * "ContentType:" part was interned, so every distinct hostile name stayed
 * in GLib's quark table for the life of the process (and GLib leaks the
 * table's old array when it grows).  The name is still used, not kept.
 */
START_TEST(test_mail_contenttype_name_not_interned)
{
	static const char unique[] = "q-8f1c2e!example.org.xml.gz";
	struct fx f;
	enum outcome oc;
	char *path = tu_data("mail/m05_trustwave.eml"), *m, *at, *v;
	size_t n;
	struct buf b;

	m = (char *)tu_slurp(path, &n);
	ck_assert_ptr_nonnull(m);
	at = strstr(m, "trustwave!example.org.xml.gz");
	ck_assert_ptr_nonnull(at);
	buf_init(&b, n + sizeof(unique));
	buf_add(&b, m, (size_t)(at - m));
	buf_adds(&b, unique);
	buf_add(&b, at + strlen("trustwave!example.org.xml.gz"),
	    n - (size_t)(at - m) - strlen("trustwave!example.org.xml.gz"));
	fx_open(&f);
	ck_assert_int_eq(ingest_bytes(&f, b.data, b.len, &oc), 0);
	ck_assert_int_eq(oc, OUTCOME_STORED);
	v = tu_query_text(f.db, "SELECT location FROM message_input");
	ck_assert_ptr_nonnull(strstr(v, unique));
	ck_assert_uint_eq(g_quark_try_string(unique), 0);
	free(v);
	buf_release(&b);
	free(m);
	free(path);
	fx_close(&f);
}
END_TEST

Suite *
mail_suite(void)
{
	Suite *s = suite_create("mail");
	TCase *tc = tcase_create("mail");

	tcase_set_timeout(tc, 120);
	tcase_add_loop_test(tc, test_mail_quirk_fixture_settles_as_expected,
	    0, (int)(sizeof(cases) / sizeof(cases[0])));
	tcase_add_test(tc, test_mail_headers_decoded_into_ledger);
	tcase_add_test(tc, test_mail_rfc2231_file_name_decoded_in_location);
	tcase_add_test(tc,
	    test_mail_seen_again_is_skipped_with_earlier_outcome);
	tcase_add_test(tc, test_mail_pending_message_redone_without_duplicates);
	tcase_add_test(tc, test_mail_rejected_part_kept_and_message_rejected);
	tcase_add_test(tc, test_mail_control_characters_visible_in_ledger);
	tcase_add_test(tc, test_mail_thousand_levels_refused_before_parsing);
	tcase_add_test(tc, test_mail_depth_capped_at_max_mime_depth);
	tcase_add_test(tc, test_mail_thousands_of_parts_refused);
	tcase_add_test(tc, test_mail_huge_headers_bounded);
	tcase_add_test(tc, test_mail_missing_boundaries_and_bad_base64_settle);
	tcase_add_test(tc, test_mail_truncated_base64_report_rejected_not_lost);
	tcase_add_test(tc, test_mail_sniff_routes_messages_only);
	tcase_add_test(tc, test_mail_scan_follows_gmime_structure);
	tcase_add_test(tc,
	    test_mail_unread_report_kept_then_reprocess_stores_it);
	tcase_add_test(tc, test_mail_whitespace_lines_before_header_tolerated);
	tcase_add_test(tc, test_mail_contenttype_name_not_interned);
	tcase_add_test(tc, test_mail_feedback_type_names_the_message);
	tcase_add_test(tc, test_mail_tnef_part_kept_and_refused_with_reason);
	suite_add_tcase(s, tc);
	return s;
}

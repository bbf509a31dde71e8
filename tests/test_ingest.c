/*
 * The pipeline in-process (ingest.c with the real unpacker, parser, store):
 * outcomes per input, the Windows-1252 repair, several reports in one zip,
 * conflicts, nothing half-stored, hostile text stored verbatim, and a run
 * killed half-way being completed by the next.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>
#include <zip.h>

#include "buf.h"
#include "dockind.h"
#include "hash.h"
#include "ingest.h"
#include "mailsource.h"
#include "store.h"
#include "testutil.h"
#include "xalloc.h"

Suite *ingest_suite(void);

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

/*
 * A small RFC 7489 report: org, report_id, one record per count in
 * counts (source 192.0.2.N, DKIM pass for example.org).  head_extra is
 * inserted after <feedback>; caller frees.
 */
static char *
report_xml(const char *org, const char *rid, const int *counts, size_t n,
    const char *tail)
{
	struct buf b;
	char rec[1024];

	buf_init(&b, 1 << 26);
	buf_adds(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<feedback>"
	    "<report_metadata><org_name>");
	buf_adds(&b, org);
	buf_adds(&b, "</org_name><email>dmarc@reporter.example</email>"
	    "<report_id>");
	buf_adds(&b, rid);
	buf_adds(&b, "</report_id><date_range><begin>1794787200</begin>"
	    "<end>1794873599</end></date_range></report_metadata>"
	    "<policy_published><domain>example.org</domain><adkim>r</adkim>"
	    "<aspf>r</aspf><p>none</p><sp>none</sp><pct>100</pct>"
	    "</policy_published>");
	for (size_t i = 0; i < n; i++) {
		snprintf(rec, sizeof(rec), "<record><row><source_ip>192.0.2.%zu"
		    "</source_ip><count>%d</count><policy_evaluated>"
		    "<disposition>none</disposition><dkim>pass</dkim>"
		    "<spf>fail</spf></policy_evaluated></row><identifiers>"
		    "<envelope_from>example.org</envelope_from><header_from>"
		    "example.org</header_from></identifiers><auth_results><dkim>"
		    "<domain>mail.example.org</domain><selector>s1</selector>"
		    "<result>pass</result></dkim><spf><domain>example.org"
		    "</domain><scope>mfrom</scope><result>softfail</result>"
		    "</spf></auth_results></record>", i % 250 + 1, counts[i]);
		buf_adds(&b, rec);
	}
	buf_adds(&b, tail != NULL ? tail : "</feedback>\n");
	return buf_detach(&b, NULL);
}

/* ingests a file and commits, as dmarc-ingest does at the end of a run */
static int
ingest_path(const char *path)
{
	int rc = ingest_file(&ing, path);

	return ingest_commit(&ing) == -1 ? -1 : rc;
}

/* writes content to tmp/name and ingests it; returns ingest_path's rc */
static int
ingest_bytes(const char *name, const void *p, size_t n)
{
	char path[600];

	snprintf(path, sizeof(path), "%s/%s", tmp, name);
	ck_assert_int_eq(tu_write(path, p, n), 0);
	return ingest_path(path);
}

static int
ingest_text(const char *name, const char *text)
{
	return ingest_bytes(name, text, strlen(text));
}

static int64_t
q(const char *sql)
{
	return tu_query_int(db, sql);
}

START_TEST(test_ingest_report_stored_with_alignment)
{
	static const int counts[] = { 5, 7 };
	char *x = report_xml("Reporter", "r-1", counts, 2, NULL);

	ck_assert_int_eq(ingest_text("a.xml", x), 0);
	ck_assert_uint_eq(ing.stats.stored, 1);
	ck_assert_uint_eq(ing.stats.records, 2);
	ck_assert_uint_eq(ing.stats.messages, 12);
	/* DKIM d=mail.example.org aligns relaxed; SPF softfail does not */
	ck_assert_int_eq(q("SELECT sum(dkim_aligned) + 10 * sum(spf_aligned) "
	    "+ 100 * sum(dmarc_pass) FROM v_records"), 2 + 0 + 200);
	ck_assert_int_eq(q("SELECT count(*) FROM v_ingest WHERE outcome = "
	    "'stored' AND n_reports = 1 AND n_records = 2"), 1);
	free(x);
}
END_TEST

START_TEST(test_ingest_windows_1252_bytes_transcoded_with_warning)
{
	static const int counts[] = { 1 };
	char *x = report_xml("Sue\xf1o \x93Mail\x94", "r-1252", counts, 1,
	    NULL);
	char *org;

	ck_assert_int_eq(ingest_text("w.xml", x), 0);
	ck_assert_uint_eq(ing.stats.stored, 1);
	org = tu_query_text(db, "SELECT org_name FROM v_reports");
	ck_assert_str_eq(org, "Sue\xc3\xb1o \xe2\x80\x9cMail\xe2\x80\x9d");
	ck_assert_int_eq(q("SELECT sum(count) FROM v_warnings WHERE code = "
	    "'windows-1252-transcoded'"), 1);
	free(org);
	free(x);
}
END_TEST

START_TEST(test_ingest_declared_windows_1252_decoded_without_warning)
{
	static const int counts[] = { 1 };
	char *x = report_xml("Sue\xf1o", "r-decl", counts, 1, NULL), *org;
	struct buf b;

	buf_init(&b, 1 << 20);
	buf_adds(&b, "<?xml version='1.0' encoding='windows-1252'?>");
	buf_adds(&b, strchr(x, '\n'));
	ck_assert_int_eq(ingest_text("d.xml", buf_cstr(&b)), 0);
	buf_release(&b);
	org = tu_query_text(db, "SELECT org_name FROM v_reports");
	ck_assert_str_eq(org, "Sue\xc3\xb1o");
	ck_assert_int_eq(q("SELECT count(*) FROM v_warnings WHERE code = "
	    "'windows-1252-transcoded'"), 0);
	free(org);
	free(x);
}
END_TEST

START_TEST(test_ingest_broken_report_leaves_nothing_half_stored)
{
	static const int counts[] = { 1, 2, 3 };
	char *x = report_xml("Reporter", "r-broken", counts, 3,
	    "<record><row><source_ip>1.2.3.4</source_ip></row");

	ck_assert_int_eq(ingest_text("b.xml", x), 0);
	ck_assert_uint_eq(ing.stats.rejected, 1);
	ck_assert_int_eq(q("SELECT count(*) FROM report"), 0);
	ck_assert_int_eq(q("SELECT count(*) FROM record"), 0);
	ck_assert_int_eq(q("SELECT count(*) FROM v_ingest WHERE outcome = "
	    "'rejected' AND reason LIKE "
	    "'%truncated: the document ends inside <row>%'"), 1);
	free(x);
}
END_TEST

START_TEST(test_ingest_same_key_other_content_is_flagged_conflict)
{
	static const int one[] = { 1 }, two[] = { 1, 2 };
	char *a = report_xml("Reporter", "r-9", one, 1, NULL);
	char *b = report_xml("Reporter", "r-9", two, 2, NULL);

	ck_assert_int_eq(ingest_text("a.xml", a), 0);
	ck_assert_int_eq(ingest_text("b.xml", b), 0);
	ck_assert_uint_eq(ing.stats.conflicts, 1);
	ck_assert_int_eq(q("SELECT count(*) FROM v_reports"), 1);
	ck_assert_int_eq(q("SELECT rows FROM v_conflicts"), 2);
	ck_assert_int_eq(q("SELECT original_rows FROM v_conflicts"), 1);
	free(a);
	free(b);
}
END_TEST

START_TEST(test_ingest_two_orgs_with_one_report_id_both_stored)
{
	static const int one[] = { 4 };
	char *a = report_xml("Alpha Mail", "12345", one, 1, NULL);
	char *b = report_xml("Beta Mail", "12345", one, 1, NULL);

	ck_assert_int_eq(ingest_text("a.xml", a), 0);
	ck_assert_int_eq(ingest_text("b.xml", b), 0);
	ck_assert_uint_eq(ing.stats.reports, 2);
	ck_assert_int_eq(q("SELECT count(*) FROM v_reports WHERE "
	    "report_id = '12345'"), 2);
	free(a);
	free(b);
}
END_TEST

START_TEST(test_ingest_zip_with_two_reports_stores_both)
{
	static const int one[] = { 3 }, two[] = { 4, 5 };
	char *a = report_xml("Zip Mail", "z-1", one, 1, NULL);
	char *b = report_xml("Zip Mail", "z-2", two, 2, NULL);
	char path[600];
	zip_t *za;
	int err;

	snprintf(path, sizeof(path), "%s/two.zip", tmp);
	za = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, &err);
	ck_assert_ptr_nonnull(za);
	zip_file_add(za, "one.xml", zip_source_buffer(za, a, strlen(a), 0),
	    0);
	zip_file_add(za, "two.xml", zip_source_buffer(za, b, strlen(b), 0),
	    0);
	ck_assert_int_eq(zip_close(za), 0);
	ck_assert_int_eq(ingest_path(path), 0);
	ck_assert_uint_eq(ing.stats.reports, 2);
	ck_assert_int_eq(q("SELECT sum(messages) FROM v_reports"), 12);
	ck_assert_int_eq(q("SELECT n_reports FROM v_ingest"), 2);
	free(a);
	free(b);
}
END_TEST

/* writes a zip of the given XML texts to tmp/name; returns the path */
static char *
make_zip(const char *name, char *const *xml, size_t n)
{
	char *path = xmalloc(600), entry[32];
	zip_int64_t idx;
	zip_t *za;
	int err;

	snprintf(path, 600, "%s/%s", tmp, name);
	za = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, &err);
	ck_assert_ptr_nonnull(za);
	for (size_t i = 0; i < n; i++) {
		snprintf(entry, sizeof(entry), "r%zu.xml", i);
		/* stored, not deflated: a test may edit an entry's bytes */
		idx = zip_file_add(za, entry, zip_source_buffer(za, xml[i],
		    strlen(xml[i]), 0), 0);
		ck_assert_int_ge(idx, 0);
		zip_set_file_compression(za, (zip_uint64_t)idx, ZIP_CM_STORE,
		    0);
	}
	ck_assert_int_eq(zip_close(za), 0);
	return path;
}

/* a zip of n one-record reports "lim-0".."lim-<n-1>", entries stored */
static char *
zip_of_reports(const char *name, size_t n)
{
	static const int one[] = { 2 };
	char **x = xcalloc(n, sizeof(*x)), rid[32], *path;

	for (size_t i = 0; i < n; i++) {
		snprintf(rid, sizeof(rid), "lim-%zu", i);
		x[i] = report_xml("Zip Mail", rid, one, 1, NULL);
	}
	path = make_zip(name, x, n);
	for (size_t i = 0; i < n; i++)
		free(x[i]);
	free(x);
	return path;
}

START_TEST(test_ingest_zip_over_report_limit_stores_none_of_it)
{
	char *path = zip_of_reports("z17.zip", 17), *reason;

	ck_assert_int_eq(ingest_path(path), 0);
	ck_assert_uint_eq(ing.stats.rejected, 1);
	ck_assert_uint_eq(ing.stats.stored, 0);
	ck_assert_uint_eq(ing.stats.reports, 0);
	ck_assert_uint_eq(ing.stats.records, 0);
	ck_assert_int_eq(q("SELECT count(*) FROM report"), 0);
	ck_assert_int_eq(q("SELECT count(*) FROM record"), 0);
	ck_assert_int_eq(q("SELECT count(*) FROM warning WHERE report_id IS "
	    "NOT NULL"), 0);
	ck_assert_int_eq(q("SELECT n_reports + n_records FROM v_ingest"), 0);
	reason = tu_query_text(db, "SELECT outcome || ': ' || reason FROM "
	    "v_ingest");
	ck_assert_str_eq(reason, "rejected: input: more than 16 reports; "
	    "none of its reports is stored (16 could be read)");
	/* its bytes are kept for --reprocess */
	ck_assert_int_gt(q("SELECT count(*) FROM input_chunk"), 0);
	free(reason);
	free(path);
}
END_TEST

START_TEST(test_ingest_zip_at_report_limit_is_stored_whole)
{
	char *path = zip_of_reports("z16.zip", 16);

	ck_assert_int_eq(ingest_path(path), 0);
	ck_assert_uint_eq(ing.stats.stored, 1);
	ck_assert_uint_eq(ing.stats.reports, 16);
	ck_assert_int_eq(q("SELECT count(*) FROM v_reports"), 16);
	ck_assert_int_eq(q("SELECT n_reports FROM v_ingest"), 16);
	free(path);
}
END_TEST

START_TEST(test_ingest_zip_with_bad_crc_in_second_entry_stores_none)
{
	char *path = zip_of_reports("crc.zip", 2), *p, *reason;
	size_t n, i;
	uint8_t *z;

	/* entries are stored, so the XML is in the file: change one byte */
	z = tu_slurp(path, &n);
	ck_assert_ptr_nonnull(z);
	for (p = NULL, i = 0; p == NULL && i + 17 <= n; i++)
		if (memcmp(z + i, "lim-1</report_id>", 17) == 0)
			p = (char *)z + i;
	ck_assert_ptr_nonnull(p);
	p[4] = '7';
	ck_assert_int_eq(tu_write(path, z, n), 0);
	ck_assert_int_eq(ingest_path(path), 0);
	ck_assert_uint_eq(ing.stats.rejected, 1);
	ck_assert_uint_eq(ing.stats.reports, 0);
	ck_assert_int_eq(q("SELECT count(*) FROM report"), 0);
	reason = tu_query_text(db, "SELECT reason FROM v_ingest WHERE "
	    "outcome = 'rejected' AND n_reports = 0");
	ck_assert_ptr_nonnull(reason);
	ck_assert_msg(strstr(reason, "r1.xml") != NULL &&
	    strstr(reason, "none of its reports is stored (1 could be "
	    "read)") != NULL, "%s", reason);
	free(reason);
	free(z);
	free(path);
}
END_TEST

START_TEST(test_ingest_rejected_zip_stored_whole_by_reprocess)
{
	static const int one[] = { 3 };
	char *x[2], *path;
	int *many = xcalloc(400, sizeof(int));

	for (int i = 0; i < 400; i++)
		many[i] = 1;
	x[0] = report_xml("Zip Mail", "small", one, 1, NULL);
	x[1] = report_xml("Zip Mail", "large", many, 400, NULL);
	path = make_zip("limit.zip", x, 2);
	/* the second report passes the XML limit of this run */
	ing.max_xml_bytes = strlen(x[0]) + 100;
	ck_assert_int_eq(ingest_path(path), 0);
	ck_assert_uint_eq(ing.stats.rejected, 1);
	ck_assert_int_eq(q("SELECT count(*) FROM report"), 0);
	ingest_init(&ing, st);
	ck_assert_int_eq(ingest_reprocess(&ing, 0), 0);
	ck_assert_int_eq(ingest_commit(&ing), 0);
	ck_assert_uint_eq(ing.stats.stored, 1);
	ck_assert_uint_eq(ing.stats.reports, 2);
	ck_assert_int_eq(q("SELECT sum(messages) FROM v_reports"), 403);
	ck_assert_int_eq(q("SELECT n_reports FROM v_ingest WHERE outcome = "
	    "'stored'"), 2);
	free(many);
	free(x[0]);
	free(x[1]);
	free(path);
}
END_TEST

START_TEST(test_ingest_second_report_without_records_in_zip_is_stored)
{
	static const int one[] = { 3 };
	char *x[2], *path;

	x[0] = report_xml("Zip Mail", "z-a", one, 1, NULL);
	x[1] = report_xml("Zip Mail", "z-empty", NULL, 0, NULL);
	path = make_zip("empty2.zip", x, 2);
	ck_assert_int_eq(ingest_path(path), 0);
	ck_assert_uint_eq(ing.stats.reports, 2);
	ck_assert_uint_eq(ing.stats.rejected, 0);
	ck_assert_int_eq(q("SELECT count(*) FROM v_reports WHERE rows = 0"), 1);
	free(x[0]);
	free(x[1]);
	free(path);
}
END_TEST

START_TEST(test_ingest_big_report_through_store_thread_is_whole)
{
	enum { N = 2500 };	/* past DIRECT_RECORDS: the store thread runs */
	int *counts = xcalloc(N, sizeof(int));
	char *x, *dup[2], *path;

	for (int i = 0; i < N; i++)
		counts[i] = i % 7;
	x = report_xml("Big Mail", "big-1", counts, N, NULL);
	/* the same report twice in one zip: the second is undone alone */
	dup[0] = dup[1] = x;
	path = make_zip("big.zip", dup, 2);
	ck_assert_int_eq(ingest_path(path), 0);
	ck_assert_uint_eq(ing.stats.reports, 1);
	ck_assert_uint_eq(ing.stats.report_duplicates, 1);
	ck_assert_int_eq(q("SELECT count(*) FROM record"), N);
	/* sum of i % 7 for i < 2500: 357 full cycles of 21, then 0..0 */
	ck_assert_int_eq(q("SELECT sum(messages) FROM v_records"),
	    357 * 21 + 0);
	ck_assert_int_eq(q("SELECT count(*) FROM v_records WHERE "
	    "dkim_aligned = 1"), N);
	ck_assert_int_eq(q("SELECT count(DISTINCT seq) FROM record"), N);
	free(counts);
	free(x);
	free(path);
}
END_TEST

START_TEST(test_ingest_hostile_text_stored_verbatim)
{
	static const int one[] = { 1 };
	static const char evil[] = "x'); DROP TABLE report;-- "
	    "&lt;script&gt;alert(1)&lt;/script&gt; %_\\";
	char *x = report_xml(evil, "&lt;img src=x onerror=alert(1)&gt;", one,
	    1, NULL), *org, *rid;

	ck_assert_int_eq(ingest_text("e.xml", x), 0);
	org = tu_query_text(db, "SELECT org_name FROM v_reports");
	rid = tu_query_text(db, "SELECT report_id FROM v_reports");
	ck_assert_str_eq(org, "x'); DROP TABLE report;-- "
	    "<script>alert(1)</script> %_\\");
	ck_assert_str_eq(rid, "<img src=x onerror=alert(1)>");
	free(org);
	free(rid);
	free(x);
}
END_TEST

START_TEST(test_ingest_pending_input_of_killed_run_is_redone)
{
	static const int one[] = { 6 };
	char *x = report_xml("Reporter", "r-k", one, 1, NULL), path[600];
	uint8_t sha[HASH_LEN];
	struct hash h;
	int fd;

	/* a run that wrote the ledger row and was killed before the report */
	snprintf(path, sizeof(path), "%s/k.xml", tmp);
	ck_assert_int_eq(tu_write(path, x, strlen(x)), 0);
	hash_init(&h);
	hash_add(&h, x, strlen(x));
	hash_final(&h, sha);
	fd = open(path, O_RDONLY);
	ck_assert_int_gt(store_input_add(st, sha, path, fd), 0);
	ck_assert_int_eq(store_commit(st), 0);
	close(fd);
	ck_assert_int_eq(q("SELECT count(*) FROM v_ingest WHERE outcome = "
	    "'pending'"), 1);
	ck_assert_int_eq(ingest_path(path), 0);
	ck_assert_int_eq(q("SELECT count(*) FROM v_ingest WHERE outcome = "
	    "'stored'"), 1);
	ck_assert_int_eq(q("SELECT messages FROM v_reports"), 6);
	free(x);
}
END_TEST

START_TEST(test_ingest_reprocess_rejected_keeps_it_rejected)
{
	ck_assert_int_eq(ingest_text("j.json", "{\"organization-name\":1}"), 0);
	ck_assert_uint_eq(ing.stats.rejected, 1);
	ingest_init(&ing, st);
	ck_assert_int_eq(ingest_reprocess(&ing, 0), 0);
	ck_assert_int_eq(ingest_commit(&ing), 0);
	ck_assert_uint_eq(ing.stats.inputs, 1);
	ck_assert_uint_eq(ing.stats.rejected, 1);
	ck_assert_int_eq(q("SELECT count(*) FROM v_ingest WHERE outcome = "
	    "'rejected' AND reason LIKE '%TLS report%'"), 1);
}
END_TEST

START_TEST(test_ingest_receiver_disagreement_counted)
{
	static const int one[] = { 2 };
	char *x = report_xml("Reporter", "r-d", one, 1, NULL);
	char *dk = strstr(x, "<dkim>pass</dkim>");

	/* the receiver says DKIM failed, but its own auth result passed */
	memcpy(dk, "<dkim>fail</dkim>", 17);
	ck_assert_int_eq(ingest_text("d.xml", x), 0);
	ck_assert_int_eq(q("SELECT receiver_pass || dmarc_pass FROM "
	    "v_records"), 1);
	ck_assert_uint_eq(ing.stats.warnings.count[DIAG_ALIGN_DISAGREES], 1);
	free(x);
}
END_TEST

/* a mailbox source marks a message only once ingest_message committed it */
START_TEST(test_ingest_mailsource_marks_only_committed_messages)
{
	ck_assert_int_eq(mailsource_after(-1, OUTCOME_STORED),
	    MAILSOURCE_LEAVE);
	ck_assert_int_eq(mailsource_after(-1, OUTCOME_PENDING),
	    MAILSOURCE_LEAVE);
	ck_assert_int_eq(mailsource_after(0, OUTCOME_PENDING),
	    MAILSOURCE_LEAVE);
	ck_assert_int_eq(mailsource_after(0, OUTCOME_STORED), MAILSOURCE_DONE);
	ck_assert_int_eq(mailsource_after(0, OUTCOME_DUPLICATE),
	    MAILSOURCE_DONE);
	ck_assert_int_eq(mailsource_after(0, OUTCOME_NOT_REPORT),
	    MAILSOURCE_DONE);
	ck_assert_int_eq(mailsource_after(0, OUTCOME_REJECTED),
	    MAILSOURCE_DONE_REJECTED);
}
END_TEST

/*
 * XML documents go to the DMARC aggregate report row, JSON objects to
 * the SMTP TLS report row; archives, TNEF and the rest have no row, so
 * unpack refuses or opens them
 */
START_TEST(test_ingest_document_kinds_found_by_sniff_result)
{
	static const enum container none[] = { CONTAINER_EMPTY,
	    CONTAINER_GZIP, CONTAINER_ZIP, CONTAINER_TNEF, CONTAINER_OTHER };
	const struct doc_kind *k = dockind_find(CONTAINER_XML);

	ck_assert_ptr_nonnull(k);
	ck_assert_ptr_eq(k->ingest, rua_ingest);
	ck_assert_int_eq(k->utf8_repair, 1);
	for (size_t i = 0; i < sizeof(none) / sizeof(none[0]); i++)
		ck_assert_ptr_null(dockind_find(none[i]));
	k = dockind_find(CONTAINER_JSON);
	ck_assert_ptr_nonnull(k);
	ck_assert_ptr_eq(k->ingest, tls_ingest);
	ck_assert_int_eq(k->utf8_repair, 0);
}
END_TEST

/*
 * issue 12 point 3: a report mixing U-labels and A-labels aligns as the
 * receiver aligned it (no alignment-disagrees), stores A-labels with the
 * U-label forms beside them, and counts the names that are no IDN
 */
START_TEST(test_ingest_idn_report_aligns_and_keeps_both_forms)
{
	char *path = tu_data("valid/idn/report.xml");

	ck_assert_int_eq(ingest_path(path), 0);
	ck_assert_uint_eq(ing.stats.stored, 1);
	ck_assert_uint_eq(ing.stats.warnings.count[DIAG_ALIGN_DISAGREES], 0);
	ck_assert_uint_eq(ing.stats.warnings.count[DIAG_BAD_IDN], 3);
	ck_assert_int_eq(q("SELECT count(*) FROM v_reports WHERE "
	    "policy_domain = 'xn--bcher-kva.example' AND "
	    "policy_domain_unicode = 'bücher.example'"), 1);
	/* adkim=s: d= in the other form aligns, mail.bücher does not */
	ck_assert_int_eq(q("SELECT count(*) FROM v_records WHERE "
	    "source_ip = '192.0.2.1' AND dkim_aligned = 1 AND spf_aligned = 1 "
	    "AND header_from = 'xn--bcher-kva.example' AND "
	    "header_from_unicode = 'bücher.example'"), 1);
	ck_assert_int_eq(q("SELECT count(*) FROM v_records WHERE "
	    "source_ip = '192.0.2.2' AND dkim_aligned = 0 AND spf_aligned = 1 "
	    "AND header_from_unicode IS NULL"), 1);
	ck_assert_int_eq(q("SELECT count(*) FROM v_records WHERE "
	    "dmarc_pass = 1 AND receiver_pass = 1"), 3);
	ck_assert_int_eq(q("SELECT count(*) FROM record_dkim WHERE "
	    "domain = 'mail.xn--bcher-kva.example' AND "
	    "domain_unicode = 'mail.bücher.example'"), 1);
	ck_assert_int_eq(q("SELECT count(*) FROM record_spf WHERE "
	    "domain = 'bounce.xn--bcher-kva.example' AND "
	    "domain_unicode = 'bounce.bücher.example'"), 1);
	ck_assert_int_eq(q("SELECT count FROM v_warnings WHERE "
	    "code = 'invalid-idn'"), 3);
	free(path);
}
END_TEST

Suite *
ingest_suite(void)
{
	Suite *s = suite_create("ingest");
	TCase *tc = tcase_create("ingest");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_ingest_report_stored_with_alignment);
	tcase_add_test(tc,
	    test_ingest_windows_1252_bytes_transcoded_with_warning);
	tcase_add_test(tc,
	    test_ingest_declared_windows_1252_decoded_without_warning);
	tcase_add_test(tc, test_ingest_broken_report_leaves_nothing_half_stored);
	tcase_add_test(tc,
	    test_ingest_same_key_other_content_is_flagged_conflict);
	tcase_add_test(tc, test_ingest_two_orgs_with_one_report_id_both_stored);
	tcase_add_test(tc, test_ingest_zip_with_two_reports_stores_both);
	tcase_add_test(tc,
	    test_ingest_second_report_without_records_in_zip_is_stored);
	tcase_add_test(tc,
	    test_ingest_zip_over_report_limit_stores_none_of_it);
	tcase_add_test(tc, test_ingest_zip_at_report_limit_is_stored_whole);
	tcase_add_test(tc,
	    test_ingest_zip_with_bad_crc_in_second_entry_stores_none);
	tcase_add_test(tc, test_ingest_rejected_zip_stored_whole_by_reprocess);
	tcase_add_test(tc,
	    test_ingest_big_report_through_store_thread_is_whole);
	tcase_add_test(tc, test_ingest_hostile_text_stored_verbatim);
	tcase_add_test(tc, test_ingest_pending_input_of_killed_run_is_redone);
	tcase_add_test(tc, test_ingest_reprocess_rejected_keeps_it_rejected);
	tcase_add_test(tc, test_ingest_receiver_disagreement_counted);
	tcase_add_test(tc,
	    test_ingest_mailsource_marks_only_committed_messages);
	tcase_add_test(tc, test_ingest_document_kinds_found_by_sniff_result);
	tcase_add_test(tc, test_ingest_idn_report_aligns_and_keeps_both_forms);
	suite_add_tcase(s, tc);
	return s;
}

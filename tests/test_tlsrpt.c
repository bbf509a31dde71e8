/*
 * Tests for ingest/tlsrpt_parse.c and lib/datetime.c: reports modelled on
 * what Google and Microsoft send (tests/data/tlsrpt, written by us) read
 * field by field with hand-computed values and the named quirks; hostile
 * JSON (deep nesting, a flood of white space, numbers past 2^63,
 * duplicate keys, invalid UTF-8, NUL) rejected with a reason in bounded
 * memory; the sniffer; RFC 3339 date-times.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "datetime.h"
#include "limits.h"
#include "testutil.h"
#include "tlsrpt.h"

Suite	*tlsrpt_suite(void);

/* a memory buffer read in small pieces, or a generated flood */
struct src {
	const char	*p;
	size_t		 n, off;
	size_t		 flood;		/* bytes of ' ' after p, then "}" */
	int		 chunk;		/* bytes per read */
};

static int
src_read(void *arg, char *buf, int len)
{
	struct src *s = arg;
	int n = len < s->chunk ? len : s->chunk;

	if (s->off < s->n) {
		if ((size_t)n > s->n - s->off)
			n = (int)(s->n - s->off);
		memcpy(buf, s->p + s->off, (size_t)n);
		s->off += (size_t)n;
		return n;
	}
	if (s->flood == 0)
		return 0;
	if ((size_t)n > s->flood)
		n = (int)s->flood;
	memset(buf, ' ', (size_t)n);
	s->flood -= (size_t)n;
	return n;
}

/* parses the string json; returns tlsrpt_parse's result */
static int
parse_str(const char *json, size_t n, struct tlsrpt *rep, struct diag *d)
{
	struct src s = { json, n, 0, 0, 7 };

	diag_init(d);
	return tlsrpt_parse(src_read, &s, rep, d);
}

static int
parse_file(const char *name, struct tlsrpt *rep, struct diag *d)
{
	char rel[128], *path;
	uint8_t *buf;
	size_t n;
	int rc;

	snprintf(rel, sizeof(rel), "tlsrpt/%s", name);
	path = tu_data(rel);
	buf = tu_slurp(path, &n);
	ck_assert_ptr_nonnull(buf);
	rc = parse_str((const char *)buf, n, rep, d);
	free(buf);
	free(path);
	return rc;
}

START_TEST(test_tlsrpt_google_report_every_field)
{
	struct tlsrpt r;
	struct diag d;
	const struct tlsrpt_policy *p;
	const struct tlsrpt_failure *f;

	ck_assert_int_eq(parse_file("google-sts.json", &r, &d), 0);
	ck_assert_str_eq(r.org_name, "Google Inc.");
	ck_assert_str_eq(r.contact_info, "smtp-tls-reporting@google.com");
	ck_assert_str_eq(r.report_id, "2026-11-20T00:00:00Z_example.org");
	ck_assert_int_eq(r.begin, 1795132800);
	ck_assert_int_eq(r.end, 1795219199);
	ck_assert_uint_eq(r.n_policies, 1);
	p = &r.policies[0];
	ck_assert_str_eq(p->type, "sts");
	ck_assert_str_eq(p->domain, "example.org");
	ck_assert_uint_eq(p->n_policy_strings, 5);
	ck_assert_str_eq(p->policy_strings[1], "mode: testing");
	ck_assert_uint_eq(p->n_mx_hosts, 2);
	ck_assert_str_eq(p->mx_hosts[1], "mx2.example.org");
	ck_assert_int_eq(p->successful, 1234);
	ck_assert_int_eq(p->failed, 7);
	ck_assert_uint_eq(p->n_failures, 1);
	f = &p->failures[0];
	ck_assert_str_eq(f->result, "certificate-host-mismatch");
	/* RFC 5952 form of 2001:db8:abcd:0012::1 */
	ck_assert_str_eq(f->sending_mta_ip, "2001:db8:abcd:12::1");
	ck_assert_str_eq(f->receiving_ip, "192.0.2.25");
	ck_assert_int_eq(f->failed_sessions, 7);
	ck_assert_uint_eq(diag_nwarnings(&d), 0);
	tlsrpt_release(&r);
}
END_TEST

START_TEST(test_tlsrpt_microsoft_quirks_are_warnings)
{
	struct tlsrpt r;
	struct diag d;
	const struct tlsrpt_policy *p;

	ck_assert_int_eq(parse_file("microsoft-offsets.json", &r, &d), 0);
	/* +01:00 offsets: 2026-11-19T23:00:00Z to 2026-11-20T23:00:00Z */
	ck_assert_int_eq(r.begin, 1795129200);
	ck_assert_int_eq(r.end, 1795215600);
	ck_assert_uint_eq(d.count[DIAG_FRACTIONAL_TIME], 2);
	ck_assert_uint_eq(r.n_policies, 2);
	p = &r.policies[0];
	ck_assert_str_eq(p->type, "no-policy-found");
	ck_assert_str_eq(p->domain, "example.org");
	ck_assert_uint_eq(p->n_failures, 3);
	/* three entries without sending-mta-ip */
	ck_assert_uint_eq(d.count[DIAG_MISSING_FIELD], 3);
	ck_assert_ptr_null(p->failures[0].sending_mta_ip);
	ck_assert_str_eq(p->failures[1].failure_reason_code,
	    "X509_V_ERR_CERT_HAS_EXPIRED");
	ck_assert_str_eq(p->failures[1].receiving_mx_helo, "mx2.example.org");
	/* an unknown result type is kept raw, never read as a known one */
	ck_assert_ptr_null(p->failures[2].result);
	ck_assert_str_eq(p->failures[2].result_raw, "tls-version-too-old");
	ck_assert_uint_eq(d.count[DIAG_ENUM_UNKNOWN], 1);
	ck_assert_int_eq(p->failures[0].failed_sessions +
	    p->failures[1].failed_sessions + p->failures[2].failed_sessions,
	    p->failed);
	/* mx-host as a lone string */
	ck_assert_uint_eq(r.policies[1].n_mx_hosts, 1);
	ck_assert_uint_eq(d.count[DIAG_MISNAMED_ELEMENT], 1);
	ck_assert_str_eq(r.policies[1].type, "tlsa");
	tlsrpt_release(&r);
}
END_TEST

/* each rejected with its reason, nothing leaked (ASan in CI) */
START_TEST(test_tlsrpt_invalid_documents_rejected)
{
	static const struct {
		const char *json, *why;
	} bad[] = {
		{ "[1,2]", "not a JSON object" },
		{ "{\"organization-name\":\"x\"", "not valid JSON" },
		{ "{\"organization-name\":\"a\",\"organization-name\":\"b\"}",
		    "not valid JSON" },
		{ "{\"organization-name\":\"a\xff\"}", "not valid JSON" },
		{ "{\"organization-name\":\"a\\u0000b\"}", "not valid JSON" },
		{ "{\"organization-name\":\"x\",\"report-id\":\"r\","
		    "\"date-range\":{\"start-datetime\":\"2026-11-20T00:00:00Z\","
		    "\"end-datetime\":\"2026-11-20T00:00:00Z\"},\"policies\":[{"
		    "\"policy\":{\"policy-type\":\"sts\",\"policy-domain\":\"e.x"
		    "\"},\"summary\":{\"total-successful-session-count\":"
		    "9223372036854775808,\"total-failure-session-count\":0}}]}",
		    "not valid JSON" },
		{ "{\"organization-name\":\"x\",\"report-id\":\"r\","
		    "\"date-range\":{\"start-datetime\":\"2026-11-20T00:00:00Z\","
		    "\"end-datetime\":\"2026-11-20T00:00:00Z\"},\"policies\":[{"
		    "\"policy\":{\"policy-type\":\"sts\",\"policy-domain\":\"e.x"
		    "\"},\"summary\":{\"total-successful-session-count\":-1,"
		    "\"total-failure-session-count\":0}}]}",
		    "'total-successful-session-count' is not a session count" },
		{ "{\"report-id\":\"r\"}", "'organization-name' is missing" },
		{ "{\"organization-name\":\"x\",\"report-id\":\"r\","
		    "\"date-range\":{\"start-datetime\":\"2026-11-20\","
		    "\"end-datetime\":\"2026-11-20T00:00:00Z\"},\"policies\":[]}",
		    "'start-datetime' is not an RFC 3339 date-time" },
		{ "{\"organization-name\":\"x\",\"report-id\":\"r\","
		    "\"date-range\":{\"start-datetime\":\"2026-11-21T00:00:00Z\","
		    "\"end-datetime\":\"2026-11-20T00:00:00Z\"},\"policies\":[]}",
		    "ends before it begins" },
		{ "{\"organization-name\":7}", "'organization-name' is not a "
		    "string" },
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct tlsrpt r;
		struct diag d;

		ck_assert_msg(parse_str(bad[i].json, strlen(bad[i].json), &r,
		    &d) == -1, "%s: accepted", bad[i].json);
		ck_assert_msg(strstr(d.error, bad[i].why) != NULL,
		    "%s: error '%s', not '%s'", bad[i].json, d.error,
		    bad[i].why);
		ck_assert_ptr_null(r.policies);
	}
}
END_TEST

/* small senders send "contact-info": null: tolerated, a named warning */
START_TEST(test_tlsrpt_null_contact_info_tolerated)
{
	const char json[] = "{\"organization-name\":\"o\",\"date-range\":"
	    "{\"start-datetime\":\"2026-11-20T00:00:00Z\",\"end-datetime\":"
	    "\"2026-11-21T00:00:00Z\"},\"contact-info\":null,"
	    "\"report-id\":\"r\",\"policies\":[]}";
	struct tlsrpt r;
	struct diag d;

	ck_assert_int_eq(parse_str(json, sizeof(json) - 1, &r, &d), 0);
	ck_assert_ptr_null(r.contact_info);
	ck_assert_uint_eq(d.count[DIAG_EMPTY_FIELD], 1);
	tlsrpt_release(&r);
	/* a required field null is still missing */
	ck_assert_int_eq(parse_str("{\"organization-name\":null}", 26, &r,
	    &d), -1);
	ck_assert_ptr_nonnull(strstr(d.error, "'organization-name'"));
}
END_TEST

/* a raw NUL byte inside a string is not JSON */
START_TEST(test_tlsrpt_nul_byte_rejected)
{
	const char json[] = "{\"organization-name\":\"a\0b\"}";
	struct tlsrpt r;
	struct diag d;

	ck_assert_int_eq(parse_str(json, sizeof(json) - 1, &r, &d), -1);
	ck_assert_str_eq(d.error, "TLS report: a NUL byte at offset 23 (JSON "
	    "text holds none)");
}
END_TEST

START_TEST(test_tlsrpt_deep_nesting_bounded)
{
	size_t depth = 10000, n = 0;
	char *json = malloc(2 * depth + 64);
	struct tlsrpt r;
	struct diag d;

	n += (size_t)snprintf(json, 64, "{\"organization-name\":");
	for (size_t i = 0; i < depth; i++)
		json[n++] = '[';
	for (size_t i = 0; i < depth; i++)
		json[n++] = ']';
	json[n++] = '}';
	ck_assert_int_eq(parse_str(json, n, &r, &d), -1);
	ck_assert_ptr_nonnull(strstr(d.error, "not valid JSON"));
	free(json);
}
END_TEST

/* what 1 GB of white space through gzip would give: stopped at the cap */
START_TEST(test_tlsrpt_whitespace_flood_bounded)
{
	struct src s = { "{", 1, 0, (size_t)1 << 30, 65536 };
	struct tlsrpt r;
	struct diag d;

	diag_init(&d);
	ck_assert_int_eq(tlsrpt_parse(src_read, &s, &r, &d), -1);
	ck_assert_ptr_nonnull(strstr(d.error, "more than 8388608 bytes"));
	/* it stopped soon after the cap, never reading the whole gigabyte */
	ck_assert_uint_gt(s.flood, ((size_t)1 << 30) - MAX_TLSRPT_BYTES -
	    65536 * 2);
}
END_TEST

/* a document whose tree would pass the memory cap is refused */
START_TEST(test_tlsrpt_memory_capped)
{
	size_t n = 0, cap = MAX_TLSRPT_BYTES - 16;
	char *json = malloc(cap + 16);
	struct tlsrpt r;
	struct diag d;

	/* {"x":[[],[],...]}: each 3-byte "[]," is an array in the tree */
	n += (size_t)snprintf(json, 16, "{\"x\":[");
	while (n + 8 < cap) {
		memcpy(json + n, "[],", 3);
		n += 3;
	}
	memcpy(json + n, "[]]}", 4);
	n += 4;
	ck_assert_int_eq(parse_str(json, n, &r, &d), -1);
	ck_assert_ptr_nonnull(strstr(d.error, "bytes of memory"));
	free(json);
}
END_TEST

START_TEST(test_tlsrpt_sniff)
{
	const char *yes = "  \n{\"organization-name\":\"Google Inc.\"}";
	const char *yes2 = "{\"policies\":[],\"x\":1}";
	const char *no[] = { "<feedback/>", "{\"foo\":1}", "", "   ",
	    "[{\"policies\":1}]" };

	ck_assert(tlsrpt_sniff(yes, strlen(yes)));
	ck_assert(tlsrpt_sniff(yes2, strlen(yes2)));
	for (size_t i = 0; i < sizeof(no) / sizeof(no[0]); i++)
		ck_assert_msg(!tlsrpt_sniff(no[i], strlen(no[i])), "%s",
		    no[i]);
}
END_TEST

START_TEST(test_datetime_rfc3339_forms)
{
	int64_t t;
	int frac;

	ck_assert_int_eq(datetime_rfc3339("2026-11-20T00:00:00Z", &t, &frac),
	    0);
	ck_assert_int_eq(t, 1795132800);
	ck_assert_int_eq(frac, 0);
	ck_assert_int_eq(datetime_rfc3339("2026-11-20t23:59:59.999z", &t,
	    &frac), 0);
	ck_assert_int_eq(t, 1795219199);
	ck_assert_int_eq(frac, 1);
	ck_assert_int_eq(datetime_rfc3339("2026-11-20 00:00:00-01:00", &t,
	    &frac), 0);
	ck_assert_int_eq(t, 1795132800 + 3600);
	ck_assert_int_eq(datetime_rfc3339("2000-02-29T12:00:00Z", &t, &frac),
	    0);
	ck_assert_int_eq(t, 951825600);
	ck_assert_int_eq(datetime_rfc3339("9999-12-31T23:59:59Z", &t, &frac),
	    0);
	ck_assert_int_eq(t, MAX_TIMESTAMP);
	/* leap second */
	ck_assert_int_eq(datetime_rfc3339("2016-12-31T23:59:60Z", &t, &frac),
	    0);
	ck_assert_int_eq(datetime_days(1970, 1, 1), 0);
	ck_assert_int_eq(datetime_days(2026, 11, 20), 1795132800 / 86400);
}
END_TEST

START_TEST(test_datetime_rfc3339_rejects)
{
	static const char *bad[] = {
		"2026-11-20", "2026-11-20T00:00:00", "2026-13-01T00:00:00Z",
		"2026-02-29T00:00:00Z", "2026-11-31T00:00:00Z",
		"2026-11-20T24:00:00Z", "2026-11-20T00:60:00Z",
		"2026-11-20T00:00:61Z", "2026-11-20T00:00:00.Z",
		"2026-11-20T00:00:00+0100", "2026-11-20T00:00:00+24:00",
		"1969-12-31T23:59:59Z", "2026-11-20X00:00:00Z",
		"2026-11-20T00:00:00Z ", "+026-11-20T00:00:00Z",
		"1970-01-01T00:00:00+00:01",
	};
	int64_t t = 42;
	int frac;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(datetime_rfc3339(bad[i], &t, &frac) == -1,
		    "%s accepted", bad[i]);
	ck_assert_int_eq(t, 42);
}
END_TEST

Suite *
tlsrpt_suite(void)
{
	Suite *s = suite_create("tlsrpt");
	TCase *tc = tcase_create("parse");

	tcase_add_test(tc, test_tlsrpt_google_report_every_field);
	tcase_add_test(tc, test_tlsrpt_microsoft_quirks_are_warnings);
	tcase_add_test(tc, test_tlsrpt_invalid_documents_rejected);
	tcase_add_test(tc, test_tlsrpt_null_contact_info_tolerated);
	tcase_add_test(tc, test_tlsrpt_nul_byte_rejected);
	tcase_add_test(tc, test_tlsrpt_deep_nesting_bounded);
	tcase_add_test(tc, test_tlsrpt_whitespace_flood_bounded);
	tcase_add_test(tc, test_tlsrpt_memory_capped);
	tcase_add_test(tc, test_tlsrpt_sniff);
	tcase_add_test(tc, test_datetime_rfc3339_forms);
	tcase_add_test(tc, test_datetime_rfc3339_rejects);
	suite_add_tcase(s, tc);
	return s;
}

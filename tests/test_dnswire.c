/*
 * Tests for report/dns_wire.c, the DNS response parser, on the messages
 * of tests/data/dns (written by make.py there): well-formed answers (one
 * TXT record, strings split, two records with the smaller TTL kept,
 * NUL and invalid UTF-8 replaced, another class skipped, NXDOMAIN with
 * the SOA's negative TTL, NODATA without SOA, a TTL over the ceiling, a
 * PTR lower-cased, an insane PTR dropped) and hostile ones (empty, a
 * short header, compression loops, pointers out of bounds and forward,
 * a label past the end, truncated records, RDLENGTH and counts lying, a
 * TXT string longer than its record, a short SOA, too many answers, an
 * oversized TXT record).  Each is parsed as the question it answers and
 * as the other type too, and cut at every length, which must never read
 * outside the message (ASan watches).
 */
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "dns_wire.h"
#include "testutil.h"
#include "utf8.h"

Suite	*dnswire_suite(void);

/* one fixture and what the parser must make of it */
struct wire_case {
	const char	*file;
	enum dns_qtype	 type;
	int		 rc;		/* dns_wire_parse's return */
	int		 rcode;
	size_t		 n_rrs;
	const char	*rr0;		/* first record, NULL: not checked */
	int64_t		 ttl;
};

static const struct wire_case cases[] = {
	{ "txt-one.bin", DNS_TXT, 0, 0, 1, "v=DMARC1; p=reject", 3600 },
	{ "txt-split.bin", DNS_TXT, 0, 0, 1, "v=DMARC1; p=none", 600 },
	{ "txt-two.bin", DNS_TXT, 0, 0, 2, "v=DMARC1; p=none", 300 },
	{ "txt-nul-utf8.bin", DNS_TXT, 0, 0, 1,
	    "v=DMARC1;\xef\xbf\xbdp=\xef\xbf\xbdnone", 60 },
	{ "txt-other-class.bin", DNS_TXT, 0, 0, 0, NULL, DNS_NEGATIVE_TTL },
	{ "nxdomain-soa.bin", DNS_TXT, 0, 3, 0, NULL, 120 },
	{ "nodata-nosoa.bin", DNS_TXT, 0, 0, 0, NULL, DNS_NEGATIVE_TTL },
	{ "ttl-huge.bin", DNS_TXT, 0, 0, 1, "v=DMARC1; p=none", MAX_DNS_TTL },
	{ "ptr-one.bin", DNS_PTR, 0, 0, 1, "mail.example.org", 86400 },
	{ "ptr-insane.bin", DNS_PTR, 0, 0, 0, NULL, DNS_NEGATIVE_TTL },
	{ "ptr-loop.bin", DNS_PTR, 0, 0, 0, NULL, DNS_NEGATIVE_TTL },
	{ "soa-short.bin", DNS_TXT, 0, 3, 0, NULL, DNS_NEGATIVE_TTL },
	{ "txt-len-lies.bin", DNS_TXT, 0, 0, 1, "v=DMARC1; p=none", 60 },
	{ "many-answers.bin", DNS_TXT, 0, 0, MAX_DNS_ANSWERS, "r0", 60 },
	{ "short-header.bin", DNS_TXT, -1, -1, 0, NULL, 0 },
	{ "loop-question.bin", DNS_TXT, -1, -1, 0, NULL, 0 },
	{ "loop-two.bin", DNS_TXT, -1, -1, 0, NULL, 0 },
	{ "pointer-out.bin", DNS_TXT, -1, -1, 0, NULL, 0 },
	{ "pointer-forward.bin", DNS_TXT, -1, -1, 0, NULL, 0 },
	{ "label-past-end.bin", DNS_TXT, -1, -1, 0, NULL, 0 },
	{ "truncated-rr.bin", DNS_TXT, -1, -1, 0, NULL, 0 },
	{ "truncated-fixed.bin", DNS_TXT, -1, -1, 0, NULL, 0 },
	{ "rdlen-lies.bin", DNS_TXT, -1, -1, 0, NULL, 0 },
	{ "count-lies.bin", DNS_TXT, -1, -1, 0, NULL, 0 },
	{ "qdcount-lies.bin", DNS_TXT, -1, -1, 0, NULL, 0 },
};

static unsigned char *
fixture(const char *file, size_t *len)
{
	char rel[128], *path;
	unsigned char *p;

	snprintf(rel, sizeof(rel), "dns/%s", file);
	path = tu_data(rel);
	p = tu_slurp(path, len);
	ck_assert_msg(p != NULL, "cannot read %s", path);
	free(path);
	return p;
}

/* the invariants every answer keeps, whatever the message */
static void
check_bounds(const struct dns_answer *a, enum dns_qtype type)
{
	ck_assert_uint_le(a->n_rrs, MAX_DNS_ANSWERS);
	ck_assert_int_ge(a->ttl, 0);
	ck_assert_int_le(a->ttl, MAX_DNS_TTL);
	for (size_t i = 0; i < a->n_rrs; i++) {
		size_t n = strlen(a->rrs[i]);

		ck_assert_uint_le(n, MAX_DNS_TXT_LEN);
		ck_assert(utf8_valid((const unsigned char *)a->rrs[i], n));
		if (type == DNS_PTR)
			ck_assert_ptr_null(strpbrk(a->rrs[i],
			    "ABCDEFGHIJKLMNOPQRSTUVWXYZ "));
	}
}

START_TEST(test_dnswire_fixture_gives_its_answer)
{
	const struct wire_case *c = &cases[_i];
	struct dns_answer a;
	unsigned char *msg;
	size_t len;
	int rc;

	msg = fixture(c->file, &len);
	rc = dns_wire_parse(msg, len, c->type, &a);
	ck_assert_msg(rc == c->rc, "%s: rc %d", c->file, rc);
	ck_assert_msg(a.rcode == c->rcode, "%s: rcode %d", c->file, a.rcode);
	ck_assert_msg(a.n_rrs == c->n_rrs, "%s: %zu records", c->file,
	    a.n_rrs);
	if (c->rc == 0)
		ck_assert_msg(a.ttl == c->ttl, "%s: ttl %lld", c->file,
		    (long long)a.ttl);
	if (c->rr0 != NULL)
		ck_assert_str_eq(a.rrs[0], c->rr0);
	check_bounds(&a, c->type);
	dns_answer_release(&a);
	free(msg);
}
END_TEST

/* a failed parse leaves nothing to free and no RCODE */
START_TEST(test_dnswire_malformed_leaves_answer_empty)
{
	struct dns_answer a;
	unsigned char *msg;
	size_t len;

	msg = fixture("count-lies.bin", &len);
	ck_assert_int_eq(dns_wire_parse(msg, len, DNS_TXT, &a), -1);
	ck_assert_ptr_null(a.rrs);
	ck_assert_uint_eq(a.n_rrs, 0);
	ck_assert_int_eq(a.rcode, -1);
	dns_answer_release(&a);
	dns_answer_release(NULL);
	free(msg);
}
END_TEST

/* an empty message (no header at all) is refused, as either type */
START_TEST(test_dnswire_empty_message_refused)
{
	static const unsigned char none[1];
	struct dns_answer a;

	ck_assert_int_eq(dns_wire_parse(none, 0, DNS_TXT, &a), -1);
	ck_assert_uint_eq(a.n_rrs, 0);
	ck_assert_int_eq(dns_wire_parse(none, 0, DNS_PTR, &a), -1);
	ck_assert_uint_eq(a.n_rrs, 0);
	dns_answer_release(&a);
}
END_TEST

/* every prefix of every fixture, as either type, stays in bounds */
START_TEST(test_dnswire_every_prefix_stays_in_bounds)
{
	const struct wire_case *c = &cases[_i];
	unsigned char *msg, *cut;
	size_t len;

	msg = fixture(c->file, &len);
	for (size_t n = 0; n <= len; n++) {
		/* a copy of exactly n bytes, so ASan sees a read past it */
		cut = malloc(n > 0 ? n : 1);
		ck_assert_ptr_nonnull(cut);
		memcpy(cut, msg, n);
		for (int t = DNS_TXT; t <= DNS_PTR; t++) {
			struct dns_answer a;

			if (dns_wire_parse(cut, n, (enum dns_qtype)t, &a) == 0)
				check_bounds(&a, (enum dns_qtype)t);
			else
				ck_assert_uint_eq(a.n_rrs, 0);
			dns_answer_release(&a);
		}
		free(cut);
	}
	free(msg);
}
END_TEST

/* a message longer than any DNS message is refused before parsing */
START_TEST(test_dnswire_oversized_message_refused)
{
	struct dns_answer a;
	unsigned char *msg = calloc(DNS_MAX_MESSAGE + 1, 1);

	ck_assert_ptr_nonnull(msg);
	ck_assert_int_eq(dns_wire_parse(msg, DNS_MAX_MESSAGE + 1, DNS_TXT,
	    &a), -1);
	/* the same zeroed header at a legal size: no question, no record */
	ck_assert_int_eq(dns_wire_parse(msg, DNS_HDR_LEN, DNS_TXT, &a), 0);
	ck_assert_uint_eq(a.n_rrs, 0);
	dns_answer_release(&a);
	free(msg);
}
END_TEST

/* the oversized TXT record is cut at MAX_DNS_TXT_LEN, not refused */
START_TEST(test_dnswire_long_txt_capped)
{
	struct dns_answer a;
	unsigned char *msg;
	size_t len;

	msg = fixture("txt-long.bin", &len);
	ck_assert_int_eq(dns_wire_parse(msg, len, DNS_TXT, &a), 0);
	ck_assert_uint_eq(a.n_rrs, 1);
	ck_assert_uint_eq(strlen(a.rrs[0]), MAX_DNS_TXT_LEN);
	dns_answer_release(&a);
	free(msg);
}
END_TEST

Suite *
dnswire_suite(void)
{
	Suite *s = suite_create("dnswire");
	TCase *tc = tcase_create("core");
	int n = (int)(sizeof(cases) / sizeof(cases[0]));

	tcase_add_loop_test(tc, test_dnswire_fixture_gives_its_answer, 0, n);
	tcase_add_test(tc, test_dnswire_malformed_leaves_answer_empty);
	tcase_add_test(tc, test_dnswire_empty_message_refused);
	tcase_add_loop_test(tc, test_dnswire_every_prefix_stays_in_bounds, 0,
	    n);
	tcase_add_test(tc, test_dnswire_oversized_message_refused);
	tcase_add_test(tc, test_dnswire_long_txt_capped);
	suite_add_tcase(s, tc);
	return s;
}

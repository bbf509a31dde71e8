/*
 * Tests for lib/ipaddr.c: only inet_pton forms are addresses, and the
 * output is canonical so spellings of one address compare equal.
 */
#include <string.h>

#include <check.h>

#include "ipaddr.h"

Suite	*ipaddr_suite(void);

static void
expect(const char *in, int family, const char *canon)
{
	char out[IPADDR_TEXT_LEN];

	memset(out, 'x', sizeof(out));
	ck_assert_msg(ipaddr_normalize(in, out) == family,
	    "\"%s\": family %d expected", in, family);
	ck_assert_str_eq(out, canon);
}

START_TEST(test_ipaddr_ipv4_canonical)
{
	expect("192.0.2.1", 4, "192.0.2.1");
	expect("0.0.0.0", 4, "0.0.0.0");
	expect("255.255.255.255", 4, "255.255.255.255");
}
END_TEST

START_TEST(test_ipaddr_ipv6_rfc5952)
{
	expect("2001:DB8:0:0:0:0:0:1", 6, "2001:db8::1");
	expect("2001:0db8:0000:0000:0000:0000:0000:0001", 6, "2001:db8::1");
	expect("2a01:4f9::1", 6, "2a01:4f9::1");
	expect("::", 6, "::");
	expect("::1", 6, "::1");
	expect("2001:db8:0:1:0:0:0:1", 6, "2001:db8:0:1::1");
}
END_TEST

START_TEST(test_ipaddr_v4mapped_becomes_ipv4)
{
	expect("::ffff:192.0.2.7", 4, "192.0.2.7");
	expect("::FFFF:c000:0207", 4, "192.0.2.7");
	expect("0:0:0:0:0:ffff:192.0.2.7", 4, "192.0.2.7");
	/* IPv4-compatible (deprecated) is not mapped: stays IPv6 */
	expect("::192.0.2.7", 6, "::192.0.2.7");
}
END_TEST

START_TEST(test_ipaddr_rejects_non_addresses)
{
	static const char *const bad[] = {
		"", " 192.0.2.1", "192.0.2.1 ", "999.1.1.1", "1.2.3",
		"1.2.3.4.5", "01.02.03.04", "192.0.2.01", "0x7f.0.0.1",
		"127.1", "fe80::1%eth0", "1.2.3.4/24", "2001:db8::/32",
		"[2001:db8::1]", "mail.example.com", "localhost",
		"1:2:3:4:5:6:7:8:9",
		"2001:db8:::1", "::ffff:01.2.3.4", "192.0.2.1\n", "-1.2.3.4",
	};
	char out[IPADDR_TEXT_LEN];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memcpy(out, "junk", 5);
		ck_assert_msg(ipaddr_normalize(bad[i], out) == 0,
		    "accepted \"%s\"", bad[i]);
		ck_assert_str_eq(out, "");
	}
}
END_TEST

START_TEST(test_ipaddr_rejects_long_input)
{
	char big[10240], out[IPADDR_TEXT_LEN];
	/* 45 bytes: the longest text inet_pton takes, still accepted */
	const char *longest = "0000:0000:0000:0000:0000:ffff:255.255.255.255";

	ck_assert_uint_eq(strlen(longest), IPADDR_TEXT_LEN - 1);
	ck_assert_int_eq(ipaddr_normalize(longest, out), 4);
	ck_assert_str_eq(out, "255.255.255.255");
	memset(big, '1', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	ck_assert_int_eq(ipaddr_normalize(big, out), 0);
	ck_assert_str_eq(out, "");
	ck_assert_int_eq(ipaddr_normalize(NULL, out), 0);
}
END_TEST

Suite *
ipaddr_suite(void)
{
	Suite *s = suite_create("ipaddr");
	TCase *tc = tcase_create("ipaddr");

	tcase_add_test(tc, test_ipaddr_ipv4_canonical);
	tcase_add_test(tc, test_ipaddr_ipv6_rfc5952);
	tcase_add_test(tc, test_ipaddr_v4mapped_becomes_ipv4);
	tcase_add_test(tc, test_ipaddr_rejects_non_addresses);
	tcase_add_test(tc, test_ipaddr_rejects_long_input);
	suite_add_tcase(s, tc);
	return s;
}

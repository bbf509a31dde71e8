/*
 * Tests for lib/num.c: the strict decimal parser accepts only plain digit
 * strings in range, and num_epoch drops a digit-only fraction.
 */
#include <stdint.h>

#include <check.h>

#include "limits.h"
#include "num.h"

Suite	*num_suite(void);

START_TEST(test_num_accepts_plain_digits)
{
	int64_t v = -1;

	ck_assert_int_eq(num_i64("0", 0, 10, &v), 0);
	ck_assert_int_eq(v, 0);
	ck_assert_int_eq(num_i64("42", 0, 100, &v), 0);
	ck_assert_int_eq(v, 42);
	ck_assert_int_eq(num_i64("007", 0, 100, &v), 0);
	ck_assert_int_eq(v, 7);
	ck_assert_int_eq(num_i64("9223372036854775807", 0, INT64_MAX, &v), 0);
	ck_assert(v == INT64_MAX);
}
END_TEST

START_TEST(test_num_rejects_junk_and_keeps_out)
{
	static const char *const bad[] = {
		"", " 1", "1 ", "+5", "-5", "0x10", "1e9", "1.5", "12a", "a",
		"\t7", "7\n", "1,000", "--1", " ", "0x", "1_000",
	};
	int64_t v = 1234;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ck_assert_msg(num_i64(bad[i], INT64_MIN, INT64_MAX, &v) == -1,
		    "accepted \"%s\"", bad[i]);
		ck_assert_int_eq(v, 1234);
	}
	ck_assert_int_eq(num_i64(NULL, 0, 1, &v), -1);
}
END_TEST

START_TEST(test_num_checks_range_and_overflow)
{
	int64_t v = 99;

	ck_assert_int_eq(num_i64("11", 0, 10, &v), -1);
	ck_assert_int_eq(num_i64("4", 5, 10, &v), -1);
	ck_assert_int_eq(v, 99);
	ck_assert_int_eq(num_i64("10", 0, 10, &v), 0);
	ck_assert_int_eq(v, 10);
	ck_assert_int_eq(num_i64("9223372036854775808", 0, INT64_MAX, &v), -1);
	ck_assert_int_eq(num_i64("99999999999999999999999", 0, INT64_MAX,
	    &v), -1);
	ck_assert_int_eq(v, 10);
	ck_assert_int_eq(num_i64("1099511627777", 0, MAX_RECORD_COUNT, &v),
	    -1);
	ck_assert_int_eq(num_i64("1099511627776", 0, MAX_RECORD_COUNT, &v),
	    0);
}
END_TEST

START_TEST(test_num_epoch_truncates_fraction)
{
	int64_t v = 0;
	int frac = -1;

	ck_assert_int_eq(num_epoch("1234567890", 0, MAX_TIMESTAMP, &v,
	    &frac), 0);
	ck_assert_int_eq(v, 1234567890);
	ck_assert_int_eq(frac, 0);
	ck_assert_int_eq(num_epoch("1234567890.999", 0, MAX_TIMESTAMP, &v,
	    &frac), 0);
	ck_assert_int_eq(v, 1234567890);
	ck_assert_int_eq(frac, 1);
	ck_assert_int_eq(num_epoch("5.0", 0, 10, &v, &frac), 0);
	ck_assert_int_eq(v, 5);
	ck_assert_int_eq(frac, 1);
	ck_assert_int_eq(num_epoch("6", 0, 10, &v, NULL), 0);
	ck_assert_int_eq(v, 6);
}
END_TEST

START_TEST(test_num_epoch_rejects_bad_fraction)
{
	static const char *const bad[] = {
		"1.", ".5", "1..2", "1.2.3", "1.5e3", "1.-5", "1. 5", "-1.5",
		"1.5 ", "", ".", "1.a", "2025-01-01T00:00:00Z", "+", "++1",
		"+-1", "-+1", "+.5", "+ 1", "-1", "-0",
	};
	int64_t v = 77;
	int frac = 9;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ck_assert_msg(num_epoch(bad[i], 0, MAX_TIMESTAMP, &v,
		    &frac) == -1, "accepted \"%s\"", bad[i]);
		ck_assert_int_eq(v, 77);
		ck_assert_int_eq(frac, 9);
	}
	/* range applies to the integer part */
	ck_assert_int_eq(num_epoch("253402300800.5", 0, MAX_TIMESTAMP, &v,
	    &frac), -1);
	ck_assert_int_eq(num_epoch("99999999999999999999.5", 0, INT64_MAX,
	    &v, &frac), -1);
}
END_TEST

/* XML Schema integer form: one optional sign (issue 12 point 8) */
START_TEST(test_num_xsd_takes_schema_sign)
{
	static const char *const bad[] = {
		"", "+", "-", "++5", "+-5", "-+5", "+ 5", " +5", "+5 ", "+0x10",
		"+1e9", "+1.5", "5+", "-5", "-1", "+101",
	};
	int64_t v = -1;
	int frac = 0;

	ck_assert_int_eq(num_xsd("+5", 0, 100, &v), 0);
	ck_assert_int_eq(v, 5);
	ck_assert_int_eq(num_xsd("+007", 0, 100, &v), 0);
	ck_assert_int_eq(v, 7);
	ck_assert_int_eq(num_xsd("-0", 0, 100, &v), 0);
	ck_assert_int_eq(v, 0);
	ck_assert_int_eq(num_xsd("42", 0, 100, &v), 0);
	ck_assert_int_eq(v, 42);
	ck_assert_int_eq(num_xsd("-42", -100, 100, &v), 0);
	ck_assert_int_eq(v, -42);
	ck_assert_int_eq(num_xsd("+9223372036854775807", 0, INT64_MAX, &v),
	    0);
	ck_assert(v == INT64_MAX);
	v = 1234;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ck_assert_msg(num_xsd(bad[i], 0, 100, &v) == -1,
		    "accepted \"%s\"", bad[i]);
		ck_assert_int_eq(v, 1234);
	}
	ck_assert_int_eq(num_xsd(NULL, 0, 1, &v), -1);
	/* timestamps: a leading '+' too, with or without a fraction */
	ck_assert_int_eq(num_epoch("+1700000000", 0, MAX_TIMESTAMP, &v,
	    &frac), 0);
	ck_assert_int_eq(v, 1700000000);
	ck_assert_int_eq(frac, 0);
	ck_assert_int_eq(num_epoch("+1700000000.25", 0, MAX_TIMESTAMP, &v,
	    &frac), 0);
	ck_assert_int_eq(v, 1700000000);
	ck_assert_int_eq(frac, 1);
}
END_TEST

START_TEST(test_num_size_takes_binary_suffixes)
{
	int64_t v = 0;

	ck_assert_int_eq(num_size("4096", 0, INT64_MAX, &v), 0);
	ck_assert_int_eq(v, 4096);
	ck_assert_int_eq(num_size("2k", 0, INT64_MAX, &v), 0);
	ck_assert_int_eq(v, 2048);
	ck_assert_int_eq(num_size("512M", 0, INT64_MAX, &v), 0);
	ck_assert_int_eq(v, 512LL << 20);
	ck_assert_int_eq(num_size("2G", 0, INT64_MAX, &v), 0);
	ck_assert_int_eq(v, 2LL << 30);
}
END_TEST

START_TEST(test_num_size_rejects_junk_range_and_overflow)
{
	int64_t v = 7;

	ck_assert_int_eq(num_size("", 0, INT64_MAX, &v), -1);
	ck_assert_int_eq(num_size("M", 0, INT64_MAX, &v), -1);
	ck_assert_int_eq(num_size("1T", 0, INT64_MAX, &v), -1);
	ck_assert_int_eq(num_size("1MB", 0, INT64_MAX, &v), -1);
	ck_assert_int_eq(num_size("-1M", 0, INT64_MAX, &v), -1);
	ck_assert_int_eq(num_size("1 M", 0, INT64_MAX, &v), -1);
	ck_assert_int_eq(num_size("1M", 0, (1 << 20) - 1, &v), -1);
	ck_assert_int_eq(num_size("1k", 2048, INT64_MAX, &v), -1);
	/* would overflow once multiplied */
	ck_assert_int_eq(num_size("9007199254740993G", 0, INT64_MAX, &v),
	    -1);
	ck_assert_int_eq(v, 7);
}
END_TEST

Suite *
num_suite(void)
{
	Suite *s = suite_create("num");
	TCase *tc = tcase_create("num");

	tcase_add_test(tc, test_num_accepts_plain_digits);
	tcase_add_test(tc, test_num_rejects_junk_and_keeps_out);
	tcase_add_test(tc, test_num_checks_range_and_overflow);
	tcase_add_test(tc, test_num_epoch_truncates_fraction);
	tcase_add_test(tc, test_num_epoch_rejects_bad_fraction);
	tcase_add_test(tc, test_num_xsd_takes_schema_sign);
	tcase_add_test(tc, test_num_size_takes_binary_suffixes);
	tcase_add_test(tc, test_num_size_rejects_junk_range_and_overflow);
	suite_add_tcase(s, tc);
	return s;
}

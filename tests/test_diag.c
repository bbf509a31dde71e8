/*
 * Tests for lib/diag.c: warning counters, the first-error slot (kept,
 * truncated, never overwritten), merging, and the stable code names.
 */
#include <ctype.h>
#include <string.h>

#include <check.h>

#include "diag.h"

Suite	*diag_suite(void);

START_TEST(test_diag_init_is_clean)
{
	struct diag d;

	memset(&d, 0xA5, sizeof(d));
	diag_init(&d);
	ck_assert_int_eq(d.failed, 0);
	ck_assert_str_eq(d.error, "");
	ck_assert_uint_eq(diag_nwarnings(&d), 0);
	for (int i = 0; i < DIAG__COUNT; i++)
		ck_assert_uint_eq(d.count[i], 0);
}
END_TEST

START_TEST(test_diag_warn_counts_by_code)
{
	struct diag d;

	diag_init(&d);
	diag_warn(&d, DIAG_CP1252);
	diag_warn(&d, DIAG_CP1252);
	diag_warn(&d, DIAG_ENUM_CASE);
	ck_assert_uint_eq(d.count[DIAG_CP1252], 2);
	ck_assert_uint_eq(d.count[DIAG_ENUM_CASE], 1);
	ck_assert_uint_eq(d.count[DIAG_NO_RECORDS], 0);
	ck_assert_uint_eq(diag_nwarnings(&d), 3);
	ck_assert_int_eq(d.failed, 0);
}
END_TEST

START_TEST(test_diag_warn_ignores_bad_code)
{
	struct diag d;

	diag_init(&d);
	diag_warn(&d, DIAG__COUNT);
	diag_warn(&d, (enum diag_code)1000);
	diag_warn(&d, (enum diag_code)-1);
	ck_assert_uint_eq(diag_nwarnings(&d), 0);
}
END_TEST

START_TEST(test_diag_first_error_wins)
{
	struct diag d;

	diag_init(&d);
	diag_error(&d, "not a report: root element '%s'", "html");
	diag_error(&d, "second: %d", 2);
	ck_assert_int_eq(d.failed, 1);
	ck_assert_str_eq(d.error, "not a report: root element 'html'");
}
END_TEST

START_TEST(test_diag_long_error_truncated)
{
	struct diag d;
	char big[2000];

	memset(big, 'e', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	diag_init(&d);
	diag_error(&d, "too long: %s", big);
	ck_assert_int_eq(d.failed, 1);
	ck_assert_uint_eq(strlen(d.error), DIAG_ERROR_LEN - 1);
	ck_assert(strncmp(d.error, "too long: eee", 13) == 0);
}
END_TEST

START_TEST(test_diag_error_text_not_format)
{
	struct diag d;

	/* untrusted text goes through %s: its % signs stay literal */
	diag_init(&d);
	diag_error(&d, "bad value: '%s'", "%s%n%x");
	ck_assert_str_eq(d.error, "bad value: '%s%n%x'");
}
END_TEST

START_TEST(test_diag_merge_adds_counts_not_errors)
{
	struct diag a, b;

	diag_init(&a);
	diag_init(&b);
	diag_warn(&a, DIAG_STRAY_TEXT);
	diag_warn(&b, DIAG_STRAY_TEXT);
	diag_warn(&b, DIAG_GZIP_TRAILING);
	diag_error(&b, "broken: here");
	diag_merge(&a, &b);
	ck_assert_uint_eq(a.count[DIAG_STRAY_TEXT], 2);
	ck_assert_uint_eq(a.count[DIAG_GZIP_TRAILING], 1);
	ck_assert_uint_eq(diag_nwarnings(&a), 3);
	ck_assert_int_eq(a.failed, 0);
	ck_assert_str_eq(a.error, "");
	/* the source is not changed */
	ck_assert_uint_eq(diag_nwarnings(&b), 2);
}
END_TEST

START_TEST(test_diag_names_stable_and_unique)
{
	ck_assert_str_eq(diag_name(DIAG_ENUM_CASE), "enum-case");
	ck_assert_str_eq(diag_name(DIAG_CP1252), "windows-1252-transcoded");
	ck_assert_str_eq(diag_name(DIAG_FRACTIONAL_TIME),
	    "fractional-timestamp");
	ck_assert_str_eq(diag_name(DIAG_ZIP_ENTRY_SKIPPED),
	    "zip-entry-skipped");
	ck_assert_str_eq(diag_name(DIAG__COUNT), "unknown");
	ck_assert_str_eq(diag_name((enum diag_code)-1), "unknown");
	for (int i = 0; i < DIAG__COUNT; i++) {
		const char *n = diag_name((enum diag_code)i);

		ck_assert_msg(strcmp(n, "unknown") != 0, "code %d unnamed", i);
		for (const char *p = n; *p != '\0'; p++)
			ck_assert_msg(islower((unsigned char)*p) ||
			    isdigit((unsigned char)*p) || *p == '-',
			    "bad name %s", n);
		for (int j = 0; j < i; j++)
			ck_assert_str_ne(n, diag_name((enum diag_code)j));
	}
}
END_TEST

Suite *
diag_suite(void)
{
	Suite *s = suite_create("diag");
	TCase *tc = tcase_create("diag");

	tcase_add_test(tc, test_diag_init_is_clean);
	tcase_add_test(tc, test_diag_warn_counts_by_code);
	tcase_add_test(tc, test_diag_warn_ignores_bad_code);
	tcase_add_test(tc, test_diag_first_error_wins);
	tcase_add_test(tc, test_diag_long_error_truncated);
	tcase_add_test(tc, test_diag_error_text_not_format);
	tcase_add_test(tc, test_diag_merge_adds_counts_not_errors);
	tcase_add_test(tc, test_diag_names_stable_and_unique);
	suite_add_tcase(s, tc);
	return s;
}

/*
 * Tests for lib/buf.c: the ceiling is exact and a failed append leaves the
 * buffer as it was; contents survive growth; reset, detach and release.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "buf.h"
#include "limits.h"

Suite	*buf_suite(void);

START_TEST(test_buf_empty_is_empty_string)
{
	struct buf b;

	buf_init(&b, 16);
	ck_assert_ptr_null(b.data);
	ck_assert_str_eq(buf_cstr(&b), "");
	ck_assert_uint_eq(b.len, 0);
	ck_assert_int_eq(buf_add(&b, NULL, 0), 0);
	ck_assert_str_eq(buf_cstr(&b), "");
	buf_release(&b);
}
END_TEST

START_TEST(test_buf_appends_and_terminates)
{
	struct buf b;

	buf_init(&b, 64);
	ck_assert_int_eq(buf_adds(&b, "ab"), 0);
	ck_assert_int_eq(buf_addc(&b, 'c'), 0);
	ck_assert_int_eq(buf_add(&b, "defXYZ", 3), 0);
	ck_assert_str_eq(buf_cstr(&b), "abcdef");
	ck_assert_uint_eq(b.len, 6);
	ck_assert_int_eq(b.data[b.len], '\0');
	ck_assert_uint_gt(b.cap, b.len);
	buf_release(&b);
}
END_TEST

START_TEST(test_buf_ceiling_is_exact)
{
	struct buf b;

	buf_init(&b, 5);
	ck_assert_int_eq(buf_adds(&b, "abc"), 0);
	ck_assert_int_eq(buf_adds(&b, "def"), -1);
	ck_assert_str_eq(buf_cstr(&b), "abc");
	ck_assert_uint_eq(b.len, 3);
	ck_assert_int_eq(buf_adds(&b, "de"), 0);
	ck_assert_str_eq(buf_cstr(&b), "abcde");
	ck_assert_int_eq(buf_addc(&b, 'f'), -1);
	ck_assert_int_eq(buf_add(&b, "", 0), 0);
	ck_assert_uint_eq(b.len, 5);
	buf_release(&b);
}
END_TEST

START_TEST(test_buf_huge_length_refused)
{
	struct buf b;

	buf_init(&b, MAX_SHORT_TEXT);
	ck_assert_int_eq(buf_adds(&b, "x"), 0);
	/* len + n would wrap: must be refused before any arithmetic */
	ck_assert_int_eq(buf_add(&b, "y", SIZE_MAX), -1);
	ck_assert_int_eq(buf_add(&b, "y", SIZE_MAX - 1), -1);
	ck_assert_int_eq(buf_add(&b, "y", MAX_SHORT_TEXT), -1);
	ck_assert_str_eq(buf_cstr(&b), "x");
	buf_release(&b);
}
END_TEST

START_TEST(test_buf_growth_keeps_contents)
{
	struct buf b;
	char c;

	buf_init(&b, 100000);
	for (size_t i = 0; i < 100000; i++) {
		c = (char)('a' + i % 26);
		ck_assert_int_eq(buf_addc(&b, c), 0);
	}
	ck_assert_int_eq(buf_addc(&b, 'x'), -1);
	ck_assert_uint_eq(b.len, 100000);
	ck_assert_uint_eq(strlen(buf_cstr(&b)), 100000);
	for (size_t i = 0; i < 100000; i++)
		ck_assert_int_eq(b.data[i], 'a' + i % 26);
	buf_release(&b);
}
END_TEST

START_TEST(test_buf_holds_binary_bytes)
{
	struct buf b;

	buf_init(&b, 16);
	ck_assert_int_eq(buf_add(&b, "a\0b", 3), 0);
	ck_assert_uint_eq(b.len, 3);
	ck_assert_mem_eq(b.data, "a\0b\0", 4);
	buf_release(&b);
}
END_TEST

START_TEST(test_buf_reset_keeps_storage)
{
	struct buf b;
	char *p;
	size_t cap;

	buf_init(&b, 64);
	ck_assert_int_eq(buf_adds(&b, "hello"), 0);
	p = b.data;
	cap = b.cap;
	buf_reset(&b);
	ck_assert_str_eq(buf_cstr(&b), "");
	ck_assert_uint_eq(b.len, 0);
	ck_assert_ptr_eq(b.data, p);
	ck_assert_uint_eq(b.cap, cap);
	ck_assert_int_eq(buf_adds(&b, "again"), 0);
	ck_assert_str_eq(buf_cstr(&b), "again");
	buf_release(&b);
	/* reset of a never-used buffer is harmless */
	buf_init(&b, 8);
	buf_reset(&b);
	ck_assert_str_eq(buf_cstr(&b), "");
}
END_TEST

START_TEST(test_buf_detach_hands_over)
{
	struct buf b;
	char *s;
	size_t len = 99;

	buf_init(&b, 32);
	ck_assert_int_eq(buf_adds(&b, "owned"), 0);
	s = buf_detach(&b, &len);
	ck_assert_str_eq(s, "owned");
	ck_assert_uint_eq(len, 5);
	ck_assert_ptr_null(b.data);
	ck_assert_uint_eq(b.len, 0);
	ck_assert_uint_eq(b.max, 32);
	free(s);
	/* detaching an empty buffer still gives a string to free */
	s = buf_detach(&b, NULL);
	ck_assert_str_eq(s, "");
	free(s);
	/* the ceiling survives detach */
	ck_assert_int_eq(buf_add(&b, "0123456789012345678901234567890123",
	    34), -1);
	buf_release(&b);
}
END_TEST

START_TEST(test_buf_release_allows_reuse)
{
	struct buf b;

	buf_init(&b, 4);
	ck_assert_int_eq(buf_adds(&b, "abcd"), 0);
	buf_release(&b);
	ck_assert_ptr_null(b.data);
	ck_assert_uint_eq(b.len, 0);
	ck_assert_uint_eq(b.max, 4);
	ck_assert_int_eq(buf_adds(&b, "wxyz"), 0);
	ck_assert_str_eq(buf_cstr(&b), "wxyz");
	buf_release(&b);
	buf_release(&b);
}
END_TEST

Suite *
buf_suite(void)
{
	Suite *s = suite_create("buf");
	TCase *tc = tcase_create("buf");

	tcase_add_test(tc, test_buf_empty_is_empty_string);
	tcase_add_test(tc, test_buf_appends_and_terminates);
	tcase_add_test(tc, test_buf_ceiling_is_exact);
	tcase_add_test(tc, test_buf_huge_length_refused);
	tcase_add_test(tc, test_buf_growth_keeps_contents);
	tcase_add_test(tc, test_buf_holds_binary_bytes);
	tcase_add_test(tc, test_buf_reset_keeps_storage);
	tcase_add_test(tc, test_buf_detach_hands_over);
	tcase_add_test(tc, test_buf_release_allows_reuse);
	suite_add_tcase(s, tc);
	return s;
}

/*
 * Tests for lib/utf8.c: strict validation, decoding, and the incremental
 * Windows-1252 repair, including that every way of cutting the input into
 * chunks gives the same output as one call.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "utf8.h"

Suite	*utf8_suite(void);

#define S(x)	(x), sizeof(x) - 1

/*
 * Runs the repair over in[0..n) cut at the offsets in cuts[0..ncuts)
 * (ascending), last chunk flagged.  Each output buffer is allocated at
 * exactly the documented bound so ASan sees any overrun.  Returns the
 * output (caller frees) and its length, and the fixed count.
 */
static uint8_t *
fix_chunks(const void *vin, size_t n, const size_t *cuts, size_t ncuts,
    size_t *outlen, unsigned long *fixed)
{
	const uint8_t *in = vin;
	struct utf8fix f;
	uint8_t *all = malloc(3 * (n + 4) + 1), *tmp;
	size_t at = 0, len = 0, end, w;

	utf8fix_init(&f);
	for (size_t c = 0; c <= ncuts; c++) {
		end = c < ncuts ? cuts[c] : n;
		tmp = malloc(3 * (end - at + 4));
		w = utf8fix_run(&f, in + at, end - at, tmp, c == ncuts);
		ck_assert_uint_le(w, 3 * (end - at + 4));
		memcpy(all + len, tmp, w);
		len += w;
		free(tmp);
		at = end;
	}
	ck_assert_uint_eq(f.n_pend, 0);
	*outlen = len;
	if (fixed != NULL)
		*fixed = f.n_fixed;
	return all;
}

static void
expect_fix(const char *in, size_t n, const char *want, size_t wn,
    unsigned long nfixed)
{
	size_t len;
	unsigned long fixed;
	uint8_t *out = fix_chunks(in, n, NULL, 0, &len, &fixed);

	ck_assert_uint_eq(len, wn);
	ck_assert_mem_eq(out, want, wn);
	ck_assert_uint_eq(fixed, nfixed);
	free(out);
}

START_TEST(test_utf8_valid_accepts_well_formed)
{
	ck_assert(utf8_valid(S("")));
	ck_assert(utf8_valid(S("plain ascii <>&")));
	ck_assert(utf8_valid(S("\xc2\x80 \xc3\xb1 \xdf\xbf")));
	ck_assert(utf8_valid(S("\xe0\xa0\x80 \xe2\x82\xac \xef\xbf\xbd")));
	ck_assert(utf8_valid(S("\xed\x9f\xbf \xee\x80\x80")));	/* D7FF E000 */
	ck_assert(utf8_valid(S("\xf0\x90\x80\x80 \xf4\x8f\xbf\xbf")));
}
END_TEST

START_TEST(test_utf8_valid_rejects_ill_formed)
{
	static const char *const bad[] = {
		"\xc0\x80", "\xc1\xbf",			/* overlong 2 */
		"\xe0\x80\x80", "\xe0\x9f\xbf",		/* overlong 3 */
		"\xf0\x80\x80\x80", "\xf0\x8f\xbf\xbf",	/* overlong 4 */
		"\xed\xa0\x80", "\xed\xbf\xbf",		/* surrogates */
		"\xed\xa0\xbd\xed\xb8\x80",		/* CESU-8 pair */
		"\xf4\x90\x80\x80", "\xf5\x80\x80\x80",	/* > U+10FFFF */
		"\xf8\x88\x80\x80\x80", "\xff", "\xfe",
		"\x80", "\xbf", "a\x80z",		/* stray trail */
		"\xe2\x82", "\xc3", "\xf0\x9f\x98",	/* truncated */
		"\xe2\x28\xa1", "\xc3\x28",		/* bad trail */
		"Espa\xf1" "a",				/* Latin-1 */
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(!utf8_valid(bad[i], strlen(bad[i])),
		    "accepted case %zu", i);
	/* the length is honoured: a cut sequence is invalid */
	ck_assert(!utf8_valid("\xe2\x82\xac", 2));
	ck_assert(utf8_valid("\xe2\x82\xac", 3));
}
END_TEST

START_TEST(test_utf8_decode_code_points)
{
	uint32_t cp = 0;

	ck_assert_uint_eq(utf8_decode("A", 1, &cp), 1);
	ck_assert_uint_eq(cp, 0x41);
	ck_assert_uint_eq(utf8_decode("\xc2\x9b", 2, &cp), 2);
	ck_assert_uint_eq(cp, 0x9B);
	ck_assert_uint_eq(utf8_decode("\xe2\x80\xae!", 4, &cp), 3);
	ck_assert_uint_eq(cp, 0x202E);
	ck_assert_uint_eq(utf8_decode("\xf4\x8f\xbf\xbf", 4, &cp), 4);
	ck_assert_uint_eq(cp, 0x10FFFF);
	ck_assert_uint_eq(utf8_decode("\xe2\x82\xac", 2, &cp), 0);
	ck_assert_uint_eq(utf8_decode("\xed\xa0\x80", 3, &cp), 0);
	ck_assert_uint_eq(utf8_decode("", 0, &cp), 0);
	ck_assert_uint_eq(utf8_decode("\xc3\xb1", 2, NULL), 2);
}
END_TEST

START_TEST(test_utf8_fix_smart_quote_0x91)
{
	expect_fix(S("\x91quoted\x92"), S("\xe2\x80\x98quoted\xe2\x80\x99"), 2);
	expect_fix(S("\x80 \x85 \x99"), S("\xe2\x82\xac \xe2\x80\xa6 "
	    "\xe2\x84\xa2"), 3);
}
END_TEST

START_TEST(test_utf8_fix_latin1_n_tilde)
{
	/* 0xF1 could start a 4-byte sequence, but 'a' ends that hope */
	expect_fix(S("Espa\xf1" "a"), S("Espa\xc3\xb1" "a"), 1);
	expect_fix(S("\xe9t\xe9"), S("\xc3\xa9t\xc3\xa9"), 2);
	/* a lead byte at the very end is flushed as 1252 */
	expect_fix(S("Mu\xf1"), S("Mu\xc3\xb1"), 1);
	expect_fix(S("\xff\xa0"), S("\xc3\xbf\xc2\xa0"), 2);
}
END_TEST

START_TEST(test_utf8_fix_valid_passes_unchanged)
{
	static const char in[] = "ascii \xc3\xb1 \xe2\x82\xac \xf0\x9f\x98\x80"
	    " \xef\xbf\xbd \xf4\x8f\xbf\xbf";

	expect_fix(S(in), S(in), 0);
	expect_fix(S(""), S(""), 0);
}
END_TEST

START_TEST(test_utf8_fix_undefined_bytes_replacement)
{
	expect_fix(S("\x81\x8d\x8f\x90\x9d"), S("\xef\xbf\xbd\xef\xbf\xbd"
	    "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"), 5);
}
END_TEST

START_TEST(test_utf8_fix_ill_formed_bytes_one_by_one)
{
	/* overlong C0 80: both bytes transcoded (U+00C0, U+20AC) */
	expect_fix(S("\xc0\x80"), S("\xc3\x80\xe2\x82\xac"), 2);
	/* surrogate ED A0 80: each byte is 1252 */
	expect_fix(S("\xed\xa0\x80"), S("\xc3\xad\xc2\xa0\xe2\x82\xac"), 3);
	/* truncated E2 82 then valid U+00F1: the valid one is kept */
	expect_fix(S("\xe2\x82\xc3\xb1"), S("\xc3\xa2\xe2\x80\x9a\xc3\xb1"),
	    2);
}
END_TEST

START_TEST(test_utf8_fix_n_fixed_accumulates)
{
	struct utf8fix f;
	uint8_t out[64];

	utf8fix_init(&f);
	ck_assert_uint_eq(utf8fix_run(&f, (const uint8_t *)"\x91", 1, out, 0),
	    3);
	ck_assert_uint_eq(f.n_fixed, 1);
	ck_assert_uint_eq(utf8fix_run(&f, (const uint8_t *)"ok\xe9", 3, out,
	    0), 2);
	/* 0xE9 might be a lead byte: held for the next chunk */
	ck_assert_uint_eq(f.n_pend, 1);
	ck_assert_uint_eq(f.n_fixed, 1);
	ck_assert_uint_eq(utf8fix_run(&f, NULL, 0, out, 1), 2);
	ck_assert_mem_eq(out, "\xc3\xa9", 2);
	ck_assert_uint_eq(f.n_fixed, 2);
	ck_assert_uint_eq(f.n_pend, 0);
}
END_TEST

START_TEST(test_utf8_fix_held_sequence_completed)
{
	struct utf8fix f;
	uint8_t out[64];
	size_t n;

	utf8fix_init(&f);
	n = utf8fix_run(&f, (const uint8_t *)"x\xf0\x9f", 3, out, 0);
	ck_assert_uint_eq(n, 1);
	ck_assert_uint_eq(f.n_pend, 2);
	n = utf8fix_run(&f, (const uint8_t *)"\x98", 1, out, 0);
	ck_assert_uint_eq(n, 0);
	ck_assert_uint_eq(f.n_pend, 3);
	n = utf8fix_run(&f, (const uint8_t *)"\x80y", 2, out, 1);
	ck_assert_uint_eq(n, 5);
	ck_assert_mem_eq(out, "\xf0\x9f\x98\x80y", 5);
	ck_assert_uint_eq(f.n_fixed, 0);
}
END_TEST

/* a mix of ASCII, valid 2/3/4-byte UTF-8, 1252 and cut sequences */
static const char mixed[] = "A\xc3\xb1\x91q\x92 \xe2\x82\xac\xf1z"
    "\xf0\x9f\x98\x80\xe2\x82\xc3\xa9\x81\xed\xa0\x80\xc0\xaf"
    "\xf4\x8f\xbf\xbf\xf4\x90\xe9\xe9\xe9\xf0\x9f";

START_TEST(test_utf8_fix_every_two_way_split_matches)
{
	size_t n = sizeof(mixed) - 1, len1, len2;
	unsigned long fix1, fix2;
	uint8_t *one = fix_chunks(mixed, n, NULL, 0, &len1, &fix1), *two;

	ck_assert(utf8_valid(one, len1));
	ck_assert_uint_gt(fix1, 0);
	for (size_t k = 0; k <= n; k++) {
		two = fix_chunks(mixed, n, &k, 1, &len2, &fix2);
		ck_assert_msg(len2 == len1 && memcmp(one, two, len1) == 0,
		    "split at %zu differs", k);
		ck_assert_uint_eq(fix2, fix1);
		free(two);
	}
	free(one);
}
END_TEST

START_TEST(test_utf8_fix_every_three_way_split_matches)
{
	size_t n = sizeof(mixed) - 1, len1, len2, cuts[2];
	unsigned long fix1, fix2;
	uint8_t *one = fix_chunks(mixed, n, NULL, 0, &len1, &fix1), *two;

	for (cuts[0] = 0; cuts[0] <= n; cuts[0]++) {
		for (cuts[1] = cuts[0]; cuts[1] <= n; cuts[1]++) {
			two = fix_chunks(mixed, n, cuts, 2, &len2, &fix2);
			ck_assert_msg(len2 == len1 &&
			    memcmp(one, two, len1) == 0,
			    "split at %zu,%zu differs", cuts[0], cuts[1]);
			ck_assert_uint_eq(fix2, fix1);
			free(two);
		}
	}
	free(one);
}
END_TEST

START_TEST(test_utf8_fix_byte_at_a_time_matches)
{
	size_t n = sizeof(mixed) - 1, len1, len2, cuts[sizeof(mixed)];
	unsigned long fix1, fix2;
	uint8_t *one = fix_chunks(mixed, n, NULL, 0, &len1, &fix1), *two;

	for (size_t i = 0; i < n; i++)
		cuts[i] = i + 1;
	two = fix_chunks(mixed, n, cuts, n, &len2, &fix2);
	ck_assert_uint_eq(len2, len1);
	ck_assert_mem_eq(one, two, len1);
	ck_assert_uint_eq(fix2, fix1);
	free(one);
	free(two);
}
END_TEST

START_TEST(test_utf8_fix_worst_case_fits_bound)
{
	uint8_t in[256];
	size_t len;
	unsigned long fixed;
	uint8_t *out;

	/* every byte expands to 3: 0x80..0x9F and undefined ones */
	for (size_t i = 0; i < sizeof(in); i++)
		in[i] = (uint8_t)(0x80 + i % 32);
	out = fix_chunks(in, sizeof(in), NULL, 0, &len, &fixed);
	ck_assert_uint_eq(fixed, sizeof(in));
	ck_assert(utf8_valid(out, len));
	free(out);
}
END_TEST

Suite *
utf8_suite(void)
{
	Suite *s = suite_create("utf8");
	TCase *tc = tcase_create("utf8");

	tcase_add_test(tc, test_utf8_valid_accepts_well_formed);
	tcase_add_test(tc, test_utf8_valid_rejects_ill_formed);
	tcase_add_test(tc, test_utf8_decode_code_points);
	tcase_add_test(tc, test_utf8_fix_smart_quote_0x91);
	tcase_add_test(tc, test_utf8_fix_latin1_n_tilde);
	tcase_add_test(tc, test_utf8_fix_valid_passes_unchanged);
	tcase_add_test(tc, test_utf8_fix_undefined_bytes_replacement);
	tcase_add_test(tc, test_utf8_fix_ill_formed_bytes_one_by_one);
	tcase_add_test(tc, test_utf8_fix_n_fixed_accumulates);
	tcase_add_test(tc, test_utf8_fix_held_sequence_completed);
	tcase_add_test(tc, test_utf8_fix_every_two_way_split_matches);
	tcase_add_test(tc, test_utf8_fix_every_three_way_split_matches);
	tcase_add_test(tc, test_utf8_fix_byte_at_a_time_matches);
	tcase_add_test(tc, test_utf8_fix_worst_case_fits_bound);
	suite_add_tcase(s, tc);
	return s;
}

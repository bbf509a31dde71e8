/*
 * Tests for lib/hash.c: SHA-256 against the FIPS 180-2 vectors, in one
 * piece and fed incrementally, and the lower-case hex form.
 */
#include <stdint.h>
#include <string.h>

#include <check.h>

#include "hash.h"

Suite	*hash_suite(void);

static void
hex_of(const void *p, size_t n, char out[HASH_HEX_LEN])
{
	struct hash h;
	uint8_t d[HASH_LEN];

	hash_init(&h);
	hash_add(&h, p, n);
	hash_final(&h, d);
	hash_hex(d, out);
}

START_TEST(test_hash_empty_vector)
{
	char hex[HASH_HEX_LEN];

	hex_of("", 0, hex);
	ck_assert_str_eq(hex, "e3b0c44298fc1c149afbf4c8996fb924"
	    "27ae41e4649b934ca495991b7852b855");
}
END_TEST

START_TEST(test_hash_abc_vector)
{
	char hex[HASH_HEX_LEN];

	hex_of("abc", 3, hex);
	ck_assert_str_eq(hex, "ba7816bf8f01cfea414140de5dae2223"
	    "b00361a396177a9cb410ff61f20015ad");
	hex_of("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
	    56, hex);
	ck_assert_str_eq(hex, "248d6a61d20638b8e5c026930c3e6039"
	    "a33ce45964ff2167f6ecedd419db06c1");
}
END_TEST

START_TEST(test_hash_incremental_equals_one_shot)
{
	struct hash h;
	uint8_t d[HASH_LEN], a[1000];
	char hex[HASH_HEX_LEN];

	/* one million 'a', fed in uneven pieces and empty ones */
	memset(a, 'a', sizeof(a));
	hash_init(&h);
	for (size_t left = 1000000, k = 1; left > 0; k = k % 997 + 1) {
		size_t n = k < left ? k : left;

		hash_add(&h, a, n);
		hash_add(&h, a, 0);
		left -= n;
	}
	hash_final(&h, d);
	hash_hex(d, hex);
	ck_assert_str_eq(hex, "cdc76e5c9914fb9281a1c7e284d73e67"
	    "f1809a48a497200e046d39ccc7112cd0");
}
END_TEST

START_TEST(test_hash_reinit_gives_same_digest)
{
	struct hash h;
	uint8_t d1[HASH_LEN], d2[HASH_LEN];

	hash_init(&h);
	hash_add(&h, "x", 1);
	hash_final(&h, d1);
	hash_init(&h);
	hash_add(&h, "x", 1);
	hash_final(&h, d2);
	ck_assert_mem_eq(d1, d2, HASH_LEN);
	hash_init(&h);
	hash_add(&h, "y", 1);
	hash_final(&h, d2);
	ck_assert(memcmp(d1, d2, HASH_LEN) != 0);
}
END_TEST

START_TEST(test_hash_hex_lower_case)
{
	uint8_t d[HASH_LEN];
	char hex[HASH_HEX_LEN];

	for (size_t i = 0; i < HASH_LEN; i++)
		d[i] = (uint8_t)(0xF0 + i % 16);
	memset(hex, 'X', sizeof(hex));
	hash_hex(d, hex);
	ck_assert_uint_eq(strlen(hex), 64);
	ck_assert(strncmp(hex, "f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff", 32) == 0);
	ck_assert_int_eq(hex[HASH_HEX_LEN - 1], '\0');
}
END_TEST

Suite *
hash_suite(void)
{
	Suite *s = suite_create("hash");
	TCase *tc = tcase_create("hash");

	tcase_add_test(tc, test_hash_empty_vector);
	tcase_add_test(tc, test_hash_abc_vector);
	tcase_add_test(tc, test_hash_incremental_equals_one_shot);
	tcase_add_test(tc, test_hash_reinit_gives_same_digest);
	tcase_add_test(tc, test_hash_hex_lower_case);
	suite_add_tcase(s, tc);
	return s;
}

/*
 * Tests for report/dkimkey.c: RSA key lengths read from real keys (made
 * with openssl for these tests: 512, 1024 and 2048 bits, as
 * SubjectPublicKeyInfo and as a bare PKCS#1 RSAPublicKey), Ed25519, the
 * revoked key, t=y, s=, h=, v= rules and the malformed records receivers
 * discard.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "dkimkey.h"
#include "limits.h"

Suite	*dkimkey_suite(void);

#define SPKI_512	"MFwwDQYJKoZIhvcNAQEBBQADSwAwSAJBANL+DmhrNcg7pKRFvz6c/ry7eTmnyKLVqqrig7YA6knmhWY3fnhom4Ajd5IERhfRuYVX9+GGc6sFlCpX4JsIQxMCAwEAAQ=="
#define SPKI_1024	"MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQCoXjaFKo9CrKIJexiN23P9WEqm1YI+DvBCcVIxcaH94+n13VQ9o6vA3/tAr/qXXRMVAFWWYl6Tmo7430H148C8woTrdPA0SE1RdESYCG20J4AToN+ZyerL6xDOTzYPVnV9WwQCrh4aGQbpnC7Gw6Anf4OU2lUJ+zQtksec/uqI5QIDAQAB"
#define SPKI_2048	"MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAmV6aEFUJzzI8JDBQQW7SUALD3mskICsIkTFHMfhGXJJ27LPYje+6u81jCctJpoSiT6qeRTVTh0EOrwIDDS8sqBj3BMfGfaTdS8crO4F/M+GF7xZx7MP1FcMAUrug2zGwybYXbsYLMUdM7O7D5nRGzsOn9P3ftIkNQ7Ap6EYefV2z26zzsoXRAelNSdzWd0Sw4lnn801nTFWzGwUxOi9jwA6Gxja9Xr0+ZY8PADgjNQYafSBgmhuDBmkf6TCzFkKo4jnG0zZHAqZ9xGlGgoyEwWS3hZlDUf2KSiwusgph7v6ohrrRq4rJbShXAbk1TzAK7c/qoBkPeIjP/Xkxl2mhZwIDAQAB"
#define PKCS1_1024	"MIGJAoGBAKheNoUqj0Ksogl7GI3bc/1YSqbVgj4O8EJxUjFxof3j6fXdVD2jq8Df+0Cv+pddExUAVZZiXpOajvjfQfXjwLzChOt08DRITVF0RJgIbbQngBOg35nJ6svrEM5PNg9WdX1bBAKuHhoZBumcLsbDoCd/g5TaVQn7NC2Sx5z+6ojlAgMBAAE="
#define ED25519_KEY	"aXSbi0PjfT0XivHaI80yxk4Kbm5/XbdJcPSTHnLGFts="

/* the severity of the note with this code; -1 if absent */
static int
nsev(const struct dkimkey *k, const char *code)
{
	const struct recnote *n = recnotes_find(&k->notes, code);

	return n != NULL ? (int)n->sev : -1;
}

START_TEST(test_dkimkey_rsa_lengths_judged)
{
	struct dkimkey k;

	ck_assert_int_eq(dkimkey_parse("v=DKIM1; k=rsa; p=" SPKI_2048, &k),
	    0);
	ck_assert(k.is_dkim && k.valid && !k.revoked);
	ck_assert_int_eq(k.type, DKIMKEY_RSA);
	ck_assert_uint_eq(k.bits, 2048);
	ck_assert_uint_eq(k.notes.n, 0);
	dkimkey_release(&k);
	ck_assert_int_eq(dkimkey_parse("v=DKIM1; p=" SPKI_1024, &k), 0);
	ck_assert_uint_eq(k.bits, 1024);
	ck_assert_int_eq(nsev(&k, "short-key"), RECNOTE_WARNING);
	dkimkey_release(&k);
	ck_assert_int_eq(dkimkey_parse("p=" SPKI_512, &k), -1);
	ck_assert_uint_eq(k.bits, 512);
	ck_assert_int_eq(nsev(&k, "weak-key"), RECNOTE_ERROR);
	ck_assert(k.is_dkim && !k.valid);
	dkimkey_release(&k);
}
END_TEST

/* a key split over TXT strings arrives with spaces; FWS is allowed */
START_TEST(test_dkimkey_whitespace_and_pkcs1)
{
	char txt[2048];
	struct dkimkey k;

	snprintf(txt, sizeof(txt), " v = DKIM1 ;\tk=rsa ; p= %.100s %s ; ",
	    SPKI_2048, SPKI_2048 + 100);
	ck_assert_int_eq(dkimkey_parse(txt, &k), 0);
	ck_assert_uint_eq(k.bits, 2048);
	dkimkey_release(&k);
	ck_assert_int_eq(dkimkey_parse("v=DKIM1; p=" PKCS1_1024, &k), 0);
	ck_assert_uint_eq(k.bits, 1024);
	ck_assert_int_eq(nsev(&k, "pkcs1-key"), RECNOTE_WARNING);
	dkimkey_release(&k);
}
END_TEST

START_TEST(test_dkimkey_ed25519)
{
	struct dkimkey k;

	ck_assert_int_eq(dkimkey_parse("v=DKIM1; k=ed25519; p=" ED25519_KEY,
	    &k), 0);
	ck_assert_int_eq(k.type, DKIMKEY_ED25519);
	ck_assert_uint_eq(k.bits, 256);
	ck_assert_str_eq(dkimkey_type_name(k.type), "ed25519");
	dkimkey_release(&k);
	/* an RSA key labelled ed25519 is not 32 bytes */
	ck_assert_int_eq(dkimkey_parse("v=DKIM1; k=ed25519; p=" SPKI_1024,
	    &k), -1);
	ck_assert_int_eq(nsev(&k, "bad-key"), RECNOTE_ERROR);
	dkimkey_release(&k);
}
END_TEST

START_TEST(test_dkimkey_revoked_and_testing)
{
	struct dkimkey k;

	ck_assert_int_eq(dkimkey_parse("v=DKIM1; k=rsa; p=", &k), -1);
	ck_assert(k.is_dkim && k.revoked);
	ck_assert_uint_eq(k.bits, 0);
	ck_assert_int_eq(nsev(&k, "revoked"), RECNOTE_ERROR);
	dkimkey_release(&k);
	ck_assert_int_eq(dkimkey_parse("v=DKIM1; t=y:s; p=" SPKI_2048, &k), 0);
	ck_assert(k.testing && k.strict);
	ck_assert_int_eq(nsev(&k, "testing"), RECNOTE_WARNING);
	dkimkey_release(&k);
	ck_assert_int_eq(dkimkey_parse("v=DKIM1; t=s; p=" SPKI_2048, &k), 0);
	ck_assert(!k.testing && k.strict);
	dkimkey_release(&k);
}
END_TEST

START_TEST(test_dkimkey_use_restrictions)
{
	struct dkimkey k;

	ck_assert_int_eq(dkimkey_parse("v=DKIM1; h=sha1; p=" SPKI_2048, &k),
	    -1);
	ck_assert_int_eq(nsev(&k, "sha1-only"), RECNOTE_ERROR);
	dkimkey_release(&k);
	ck_assert_int_eq(dkimkey_parse("v=DKIM1; h=sha1:sha256; p=" SPKI_2048,
	    &k), 0);
	dkimkey_release(&k);
	ck_assert_int_eq(dkimkey_parse("v=DKIM1; s=tls; p=" SPKI_2048, &k),
	    -1);
	ck_assert_int_eq(nsev(&k, "not-email"), RECNOTE_ERROR);
	dkimkey_release(&k);
	ck_assert_int_eq(dkimkey_parse("v=DKIM1; s=email:tls; p=" SPKI_2048,
	    &k), 0);
	dkimkey_release(&k);
	ck_assert_int_eq(dkimkey_parse("v=DKIM1; k=dsa; p=" SPKI_2048, &k),
	    -1);
	ck_assert_int_eq(nsev(&k, "unknown-k"), RECNOTE_ERROR);
	dkimkey_release(&k);
}
END_TEST

START_TEST(test_dkimkey_discarded_records)
{
	static const struct {
		const char *txt, *code;
	} bad[] = {
		{ "k=rsa; v=DKIM1; p=" SPKI_2048, "not-dkim" },
		{ "v=DKIM2; p=" SPKI_2048, "not-dkim" },
		{ "v=DKIM1; k=rsa", "no-key" },
		{ "v=spf1 -all", "not-dkim" },
		{ "v=DKIM1; garbage; p=" SPKI_2048, "syntax" },
		{ "v=DKIM1; p=" SPKI_2048 "; p=" SPKI_2048, "duplicate-tag" },
		{ "v=DKIM1; p=MIGfMA0G!!!", "bad-key" },
		{ "v=DKIM1; p=" ED25519_KEY, "bad-key" },
		{ "v=DKIM1; p=MAA=", "bad-key" },
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct dkimkey k;

		ck_assert_msg(dkimkey_parse(bad[i].txt, &k) == -1,
		    "%s: accepted", bad[i].txt);
		ck_assert_msg(nsev(&k, bad[i].code) == RECNOTE_ERROR,
		    "%s: no '%s' error", bad[i].txt, bad[i].code);
		dkimkey_release(&k);
	}
}
END_TEST

/* hostile DER: lengths past the end, huge length fields, truncation */
START_TEST(test_dkimkey_hostile_der_bounded)
{
	static const char *bad[] = {
		"p=MIQAAAAA",			/* 30 84 00 00 00 00 */
		"p=MIT/////",			/* 30 84 ff ff ff ff */
		"p=MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQ==",
		"p=AgEA",			/* INTEGER 0 */
		"p=MAUCAQACAA==",		/* modulus 0 */
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct dkimkey k;

		ck_assert_int_eq(dkimkey_parse(bad[i], &k), -1);
		ck_assert_uint_eq(k.bits, 0);
		dkimkey_release(&k);
	}
}
END_TEST

START_TEST(test_dkimkey_size_and_tags_bounded)
{
	char *big = malloc(MAX_DKIM_RECORD_BYTES + 2);
	struct dkimkey k;
	size_t n = 0;

	memset(big, 'A', MAX_DKIM_RECORD_BYTES + 1);
	big[MAX_DKIM_RECORD_BYTES + 1] = '\0';
	ck_assert_int_eq(dkimkey_parse(big, &k), -1);
	ck_assert_int_eq(nsev(&k, "too-long"), RECNOTE_ERROR);
	dkimkey_release(&k);
	for (int i = 0; i < MAX_DKIM_TAGS + 1; i++)
		n += (size_t)snprintf(big + n, MAX_DKIM_RECORD_BYTES - n,
		    "x%d=1;", i);
	ck_assert_int_eq(dkimkey_parse(big, &k), -1);
	ck_assert_int_eq(nsev(&k, "syntax"), RECNOTE_ERROR);
	dkimkey_release(&k);
	free(big);
}
END_TEST

Suite *
dkimkey_suite(void)
{
	Suite *s = suite_create("dkimkey");
	TCase *tc = tcase_create("parse");

	tcase_add_test(tc, test_dkimkey_rsa_lengths_judged);
	tcase_add_test(tc, test_dkimkey_whitespace_and_pkcs1);
	tcase_add_test(tc, test_dkimkey_ed25519);
	tcase_add_test(tc, test_dkimkey_revoked_and_testing);
	tcase_add_test(tc, test_dkimkey_use_restrictions);
	tcase_add_test(tc, test_dkimkey_discarded_records);
	tcase_add_test(tc, test_dkimkey_hostile_der_bounded);
	tcase_add_test(tc, test_dkimkey_size_and_tags_bounded);
	suite_add_tcase(s, tc);
	return s;
}

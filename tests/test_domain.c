/*
 * Tests for lib/domain.c: normalisation (lower case, one trailing dot)
 * and the DNS sanity check, and extracting the domain of an address;
 * lib/idna.c: A-label and U-label forms of internationalised names.
 */
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "domain.h"
#include "idna.h"
#include "limits.h"

Suite	*domain_suite(void);

/* normalises a copy of in; checks the result code and the new text */
static void
expect(const char *in, int rc, const char *want)
{
	char s[1024];

	ck_assert_uint_lt(strlen(in), sizeof(s));
	memcpy(s, in, strlen(in) + 1);
	ck_assert_msg(domain_normalize(s) == rc, "\"%s\": %d expected", in,
	    rc);
	ck_assert_str_eq(s, want);
}

/* "aaa...a.bbb...b..." built from labels of the given lengths */
static char *
make_name(const size_t *labels, size_t n)
{
	char *s = malloc(2048), *p = s;

	for (size_t i = 0; i < n; i++) {
		if (i > 0)
			*p++ = '.';
		memset(p, 'a' + (int)i % 26, labels[i]);
		p += labels[i];
	}
	*p = '\0';
	return s;
}

START_TEST(test_domain_lowercases_and_drops_one_dot)
{
	expect("Example.COM", 0, "example.com");
	expect("example.com.", 0, "example.com");
	expect("MAIL.Example.ORG.", 0, "mail.example.org");
	/* lower-cased even when rejected, so raw values compare equal */
	expect("BAD NAME.Example", -1, "bad name.example");
	expect("example.com..", -1, "example.com.");
}
END_TEST

START_TEST(test_domain_accepts_sane_names)
{
	expect("com", 0, "com");
	expect("a-b.example", 0, "a-b.example");
	expect("_dmarc.example.com", 0, "_dmarc.example.com");
	expect("s1._domainkey.example", 0, "s1._domainkey.example");
	expect("123.example", 0, "123.example");
	/* U-labels arrive as UTF-8 bytes: "bücher.example" */
	expect("b\xc3\xbc" "cher.example", 0, "b\xc3\xbc" "cher.example");
	expect("xn--bcher-kva.example", 0, "xn--bcher-kva.example");
}
END_TEST

START_TEST(test_domain_rejects_malformed)
{
	static const char *const bad[] = {
		"", ".", "..", "a..b", ".example.com", "exa mple.com",
		" example.com", "example.com ", "user@example.com",
		"*.example.com", "exa/mple", "<example.com>", "ex\tample",
		"example.com/", "a,b",
	};
	char s[64];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memcpy(s, bad[i], strlen(bad[i]) + 1);
		ck_assert_msg(domain_normalize(s) == -1, "accepted \"%s\"",
		    bad[i]);
	}
	ck_assert_int_eq(domain_normalize(NULL), -1);
}
END_TEST

START_TEST(test_domain_label_limit_is_63)
{
	size_t ok[] = { MAX_LABEL_LEN, 7 }, over[] = { MAX_LABEL_LEN + 1, 7 };
	char *a = make_name(ok, 2), *b = make_name(over, 2);

	ck_assert_int_eq(domain_normalize(a), 0);
	ck_assert_int_eq(domain_normalize(b), -1);
	free(a);
	free(b);
}
END_TEST

START_TEST(test_domain_name_limit_is_253)
{
	/* 63+1+63+1+63+1+61 = 253 bytes */
	size_t ok[] = { 63, 63, 63, 61 }, over[] = { 63, 63, 63, 62 };
	char *a = make_name(ok, 4), *b = make_name(over, 4), *c;
	size_t n;

	ck_assert_uint_eq(strlen(a), MAX_DOMAIN_LEN);
	ck_assert_uint_eq(strlen(b), MAX_DOMAIN_LEN + 1);
	ck_assert_int_eq(domain_normalize(a), 0);
	ck_assert_int_eq(domain_normalize(b), -1);
	/* 253 plus the trailing dot of the absolute form is fine */
	n = strlen(a);
	c = malloc(n + 2);
	memcpy(c, a, n);
	memcpy(c + n, ".", 2);
	ck_assert_int_eq(domain_normalize(c), 0);
	ck_assert_uint_eq(strlen(c), MAX_DOMAIN_LEN);
	free(a);
	free(b);
	free(c);
}
END_TEST

START_TEST(test_domain_rejects_10k_name)
{
	char *s = malloc(10241);

	for (size_t i = 0; i < 10240; i++)
		s[i] = (i % 10 == 9) ? '.' : 'A';
	s[10240] = '\0';
	ck_assert_int_eq(domain_normalize(s), -1);
	ck_assert_int_eq(s[0], 'a');
	free(s);
}
END_TEST

START_TEST(test_domain_of_address_parts)
{
	char *d;

	ck_assert_str_eq(domain_of_address("a@b.example"), "b.example");
	ck_assert_str_eq(domain_of_address("b.example"), "b.example");
	ck_assert_str_eq(domain_of_address("\"a@b\"@c.example"), "c.example");
	ck_assert_str_eq(domain_of_address("<x@y>"), "y>");
	ck_assert_str_eq(domain_of_address(""), "");
	ck_assert_str_eq(domain_of_address("user@"), "");
	ck_assert_str_eq(domain_of_address(NULL), "");
	d = domain_of_address_dup("<x@y>");
	ck_assert_str_eq(d, "y");
	free(d);
	d = domain_of_address_dup("<bounce@Mail.Example>");
	ck_assert_str_eq(d, "Mail.Example");
	ck_assert_int_eq(domain_normalize(d), 0);
	ck_assert_str_eq(d, "mail.example");
	free(d);
	d = domain_of_address_dup("plain.example");
	ck_assert_str_eq(d, "plain.example");
	free(d);
	d = domain_of_address_dup("<>");
	ck_assert_str_eq(d, "");
	free(d);
}
END_TEST

/* converts in; checks the form, the A-label text and the reason */
static void
expect_idna(const char *in, enum idna_form form, const char *want,
    const char *why_part)
{
	char a[MAX_DOMAIN_LEN + 2];
	const char *why = NULL;

	ck_assert_msg(idna_to_alabels(in, a, &why) == form, "\"%s\": form %d "
	    "expected", in, (int)form);
	ck_assert_str_eq(a, want);
	if (why_part != NULL)
		ck_assert_msg(why != NULL && strstr(why, why_part) != NULL,
		    "\"%s\": reason \"%s\", want \"%s\"", in, why ? why : "",
		    why_part);
}

START_TEST(test_domain_idna_alabel_forms)
{
	expect_idna("bücher.example", IDNA_ULABELS, "xn--bcher-kva.example",
	    NULL);
	expect_idna("BÜCHER.Example", IDNA_ULABELS, "xn--bcher-kva.example",
	    NULL);
	expect_idna("XN--BCHER-KVA.example", IDNA_ALABELS,
	    "xn--bcher-kva.example", NULL);
	expect_idna("Example.COM", IDNA_ASCII, "example.com", NULL);
	/* plain ASCII keeps what domain.c accepts: '_' and odd hyphens */
	expect_idna("_dmarc.-odd-.example", IDNA_ASCII, "_dmarc.-odd-.example",
	    NULL);
	expect_idna("_dmarc.bücher.example", IDNA_ULABELS,
	    "_dmarc.xn--bcher-kva.example", NULL);
	/* UTS #46: an ideographic full stop is a dot; ß is kept */
	expect_idna("bücher\xe3\x80\x82" "example", IDNA_ULABELS,
	    "xn--bcher-kva.example", NULL);
	expect_idna("straße.example", IDNA_ULABELS, "xn--strae-oqa.example",
	    NULL);
	expect_idna("bücher.example.", IDNA_ULABELS, "xn--bcher-kva.example.",
	    NULL);
}
END_TEST

START_TEST(test_domain_idna_invalid_names_say_why)
{
	char name[600];
	size_t n = 0;

	expect_idna("xn--zz.example", IDNA_INVALID, "", "punycode");
	expect_idna("XN--.example", IDNA_INVALID, "", "punycode");
	expect_idna("a\xe2\x98\x83" "b.example", IDNA_INVALID, "",
	    "does not allow");
	/* U+202E RIGHT-TO-LEFT OVERRIDE and U+200D ZWJ out of context */
	expect_idna("a\xe2\x80\xae" "b.example", IDNA_INVALID, "",
	    "does not allow");
	expect_idna("a\xe2\x80\x8d" "b.example", IDNA_INVALID, "",
	    "does not allow");
	expect_idna("-bü.example", IDNA_INVALID, "", "hyphen");
	/* 60 ü: 120 bytes of UTF-8, an A-label over 63 bytes */
	for (size_t i = 0; i < 60; i++)
		memcpy(name + 2 * i, "\xc3\xbc", 2);
	memcpy(name + 120, ".example", sizeof(".example"));
	expect_idna(name, IDNA_INVALID, "", "longer than 63");
	/* eight labels of 20 "bü": each fits, the name is over 253 */
	for (size_t i = 0; i < 8; i++) {
		for (size_t j = 0; j < 20; j++, n += 3)
			memcpy(name + n, "b\xc3\xbc", 3);
		name[n++] = i < 7 ? '.' : '\0';
	}
	expect_idna(name, IDNA_INVALID, "", "longer than 253");
	ck_assert_int_eq(idna_to_alabels(NULL, name, NULL), IDNA_INVALID);
	ck_assert_int_eq(idna_to_alabels("", name, NULL), IDNA_INVALID);
}
END_TEST

START_TEST(test_domain_idna_ulabel_form_for_display)
{
	char *u;

	u = idna_to_ulabels("xn--bcher-kva.example");
	ck_assert_str_eq(u, "bücher.example");
	free(u);
	u = idna_to_ulabels("BÜCHER.example");
	ck_assert_str_eq(u, "bücher.example");
	free(u);
	ck_assert_ptr_null(idna_to_ulabels("example.com"));
	ck_assert_ptr_null(idna_to_ulabels("xn--zz.example"));
	ck_assert_ptr_null(idna_to_ulabels(NULL));
}
END_TEST

Suite *
domain_suite(void)
{
	Suite *s = suite_create("domain");
	TCase *tc = tcase_create("domain");

	tcase_add_test(tc, test_domain_lowercases_and_drops_one_dot);
	tcase_add_test(tc, test_domain_accepts_sane_names);
	tcase_add_test(tc, test_domain_rejects_malformed);
	tcase_add_test(tc, test_domain_label_limit_is_63);
	tcase_add_test(tc, test_domain_name_limit_is_253);
	tcase_add_test(tc, test_domain_rejects_10k_name);
	tcase_add_test(tc, test_domain_of_address_parts);
	tcase_add_test(tc, test_domain_idna_alabel_forms);
	tcase_add_test(tc, test_domain_idna_invalid_names_say_why);
	tcase_add_test(tc, test_domain_idna_ulabel_form_for_display);
	suite_add_tcase(s, tc);
	return s;
}

/*
 * Tests for sniff.c: containers and XML are told apart by their first
 * bytes, and what is not a report gets the description the rejection
 * message shows.
 */
#include <string.h>

#include <check.h>

#include "sniff.h"

Suite	*sniff_suite(void);

static enum container
sniff_str(const char *s, size_t n, const char **what)
{
	*what = NULL;
	return sniff(s, n, what);
}

#define SNIFF(lit, what) sniff_str((lit), sizeof(lit) - 1, (what))

START_TEST(test_sniff_xml_plain_bom_and_space)
{
	const char *what;

	ck_assert_int_eq(SNIFF("<?xml version=\"1.0\"?>", &what),
	    CONTAINER_XML);
	ck_assert_str_eq(what, "XML");
	ck_assert_int_eq(SNIFF("<feedback>", &what), CONTAINER_XML);
	ck_assert_int_eq(SNIFF("\xef\xbb\xbf<?xml", &what), CONTAINER_XML);
	ck_assert_int_eq(SNIFF("\xef\xbb\xbf \r\n\t<feedback>", &what),
	    CONTAINER_XML);
	ck_assert_int_eq(SNIFF(" \r\n\t<feedback>", &what), CONTAINER_XML);
}
END_TEST

START_TEST(test_sniff_xml_utf16)
{
	const char *what;

	ck_assert_int_eq(SNIFF("\xff\xfe<\0?\0x\0", &what), CONTAINER_XML);
	ck_assert_int_eq(SNIFF("\xfe\xff\0<\0?\0x", &what), CONTAINER_XML);
	ck_assert_int_eq(SNIFF("\xff\xfe \0\n\0<\0", &what), CONTAINER_XML);
	ck_assert_int_eq(SNIFF("<\0?\0x\0m\0", &what), CONTAINER_XML);
	ck_assert_int_eq(SNIFF("\0<\0?\0x\0m", &what), CONTAINER_XML);
	ck_assert_int_eq(SNIFF("\xff\xfeh\0i\0", &what), CONTAINER_OTHER);
}
END_TEST

START_TEST(test_sniff_containers_by_magic)
{
	const char *what;

	ck_assert_int_eq(SNIFF("\x1f\x8b\x08\0\0\0", &what), CONTAINER_GZIP);
	ck_assert_str_eq(what, "gzip");
	ck_assert_int_eq(SNIFF("PK\3\4\x14\0", &what), CONTAINER_ZIP);
	ck_assert_str_eq(what, "zip");
	ck_assert_int_eq(SNIFF("PK\5\6\0\0", &what), CONTAINER_ZIP);
	/* too short to be sure: not a container */
	ck_assert_int_eq(SNIFF("\x1f", &what), CONTAINER_OTHER);
	ck_assert_int_eq(SNIFF("PK\3", &what), CONTAINER_OTHER);
}
END_TEST

START_TEST(test_sniff_empty_and_whitespace_only)
{
	const char *what;

	ck_assert_int_eq(sniff_str("", 0, &what), CONTAINER_EMPTY);
	ck_assert_str_eq(what, "empty input");
	ck_assert_int_eq(SNIFF(" \r\n\t  \n", &what), CONTAINER_EMPTY);
	ck_assert_str_eq(what, "empty input");
	ck_assert_int_eq(SNIFF("\xef\xbb\xbf\n", &what), CONTAINER_EMPTY);
}
END_TEST

/* a JSON object is a document of its own kind: the SMTP TLS report */
START_TEST(test_sniff_json_object_is_a_document)
{
	const char *what;

	ck_assert_int_eq(SNIFF("{\"organization-name\":", &what),
	    CONTAINER_JSON);
	ck_assert_str_eq(what, "JSON");
	ck_assert_int_eq(SNIFF(" \r\n\t{}", &what), CONTAINER_JSON);
	ck_assert_int_eq(SNIFF("\xef\xbb\xbf{\"a\":1}", &what),
	    CONTAINER_JSON);
}
END_TEST

START_TEST(test_sniff_names_what_is_not_a_report)
{
	const char *what;

	ck_assert_int_eq(SNIFF("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", &what),
	    CONTAINER_OTHER);
	ck_assert_str_eq(what, "PNG image");
	ck_assert_int_eq(SNIFF("\x78\x9f\x3e\x22\x01\x02", &what),
	    CONTAINER_TNEF);
	ck_assert_str_eq(what, "TNEF");
	ck_assert_int_eq(SNIFF("%PDF-1.4\n", &what), CONTAINER_OTHER);
	ck_assert_str_eq(what, "PDF document");
	ck_assert_int_eq(SNIFF("\n [1,2]", &what), CONTAINER_OTHER);
	ck_assert_str_eq(what, "JSON array (not a report)");
	ck_assert_int_eq(SNIFF("unused", &what), CONTAINER_OTHER);
	ck_assert_str_eq(what, "plain text");
	ck_assert_int_eq(SNIFF("caf\xc3\xa9 ok\r\n", &what), CONTAINER_OTHER);
	ck_assert_str_eq(what, "plain text");
	ck_assert_int_eq(SNIFF("\0\1\2\3binary", &what), CONTAINER_OTHER);
	ck_assert_str_eq(what, "binary data");
	ck_assert_int_eq(SNIFF("abc\xff", &what), CONTAINER_OTHER);
	ck_assert_str_eq(what, "binary data");
}
END_TEST

START_TEST(test_sniff_utf8_cut_by_window_is_still_text)
{
	const char *what;

	/* the window may end inside a multibyte character */
	ck_assert_int_eq(SNIFF("caf\xc3", &what), CONTAINER_OTHER);
	ck_assert_str_eq(what, "plain text");
	ck_assert_int_eq(SNIFF("caf\xc3x", &what), CONTAINER_OTHER);
	ck_assert_str_eq(what, "binary data");
}
END_TEST

START_TEST(test_sniff_names_mail_messages)
{
	const char *what;

	ck_assert_int_eq(SNIFF("Received: from mx.example (x)\r\n", &what),
	    CONTAINER_OTHER);
	ck_assert_str_eq(what, "e-mail message");
	ck_assert_int_eq(SNIFF("From dmarc@google.com Mon Nov 16\n", &what),
	    CONTAINER_OTHER);
	ck_assert_str_eq(what, "e-mail message");
	ck_assert_int_eq(SNIFF("no header here: spaces", &what),
	    CONTAINER_OTHER);
	ck_assert_str_eq(what, "plain text");
}
END_TEST

START_TEST(test_sniff_accepts_null_what)
{
	ck_assert_int_eq(sniff("<a/>", 4, NULL), CONTAINER_XML);
}
END_TEST

Suite *
sniff_suite(void)
{
	Suite *s = suite_create("sniff");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_sniff_xml_plain_bom_and_space);
	tcase_add_test(tc, test_sniff_xml_utf16);
	tcase_add_test(tc, test_sniff_containers_by_magic);
	tcase_add_test(tc, test_sniff_empty_and_whitespace_only);
	tcase_add_test(tc, test_sniff_json_object_is_a_document);
	tcase_add_test(tc, test_sniff_names_what_is_not_a_report);
	tcase_add_test(tc, test_sniff_utf8_cut_by_window_is_still_text);
	tcase_add_test(tc, test_sniff_names_mail_messages);
	tcase_add_test(tc, test_sniff_accepts_null_what);
	suite_add_tcase(s, tc);
	return s;
}

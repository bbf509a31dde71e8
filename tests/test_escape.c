/*
 * Tests for lib/escape.c: each sink's escaping of hostile values (XSS,
 * formula injection, terminal control sequences) and that a value that
 * does not fit the buffer's ceiling leaves the buffer untouched.
 */
#include <string.h>

#include <check.h>

#include "buf.h"
#include "escape.h"
#include "limits.h"

Suite	*escape_suite(void);

typedef int (*escape_fn)(struct buf *, const char *);

static void
expect(escape_fn fn, const char *in, const char *want)
{
	struct buf b;

	buf_init(&b, MAX_LONG_TEXT);
	ck_assert_int_eq(fn(&b, in), 0);
	ck_assert_str_eq(buf_cstr(&b), want);
	ck_assert_uint_eq(b.len, strlen(want));
	buf_release(&b);
}

START_TEST(test_escape_json_specials)
{
	expect(escape_json, "plain", "plain");
	expect(escape_json, "a\"b\\c", "a\\\"b\\\\c");
	expect(escape_json, "l1\nl2\r\t\b\f", "l1\\nl2\\r\\t\\b\\f");
	expect(escape_json, "\x01\x1b[31m\x1f", "\\u0001\\u001b[31m\\u001f");
	expect(escape_json, "", "");
}
END_TEST

START_TEST(test_escape_json_keeps_del_and_utf8)
{
	expect(escape_json, "x\x7fy", "x\x7fy");
	expect(escape_json, "Espa\xc3\xb1" "a \xe2\x82\xac </script>",
	    "Espa\xc3\xb1" "a \xe2\x82\xac </script>");
}
END_TEST

START_TEST(test_escape_csv_quoting)
{
	expect(escape_csv, "plain", "plain");
	expect(escape_csv, "", "");
	expect(escape_csv, "a,b", "\"a,b\"");
	expect(escape_csv, "say \"hi\"", "\"say \"\"hi\"\"\"");
	expect(escape_csv, "two\nlines", "\"two\nlines\"");
	expect(escape_csv, "cr\rhere", "\"cr\rhere\"");
	expect(escape_csv, "tab\tinside", "tab\tinside");
}
END_TEST

START_TEST(test_escape_csv_formula_injection)
{
	expect(escape_csv, "=HYPERLINK(\"http://x\")",
	    "\"'=HYPERLINK(\"\"http://x\"\")\"");
	expect(escape_csv, "+1", "'+1");
	expect(escape_csv, "-5", "'-5");
	expect(escape_csv, "@SUM(A1:A9)", "'@SUM(A1:A9)");
	expect(escape_csv, "\tcmd", "'\tcmd");
	expect(escape_csv, "\r=1", "\"'\r=1\"");
	expect(escape_csv, "=1,2", "\"'=1,2\"");
	/* only the first character matters */
	expect(escape_csv, "a=b", "a=b");
	expect(escape_csv, "5-3", "5-3");
}
END_TEST

START_TEST(test_escape_html_specials)
{
	expect(escape_html, "<script>alert('x')</script>",
	    "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;");
	expect(escape_html, "a & \"b\"", "a &amp; &quot;b&quot;");
	expect(escape_html, "&amp;", "&amp;amp;");
	expect(escape_html, "\xc3\xb1 ok", "\xc3\xb1 ok");
}
END_TEST

START_TEST(test_escape_term_controls)
{
	expect(escape_term, "\x1b[2J\x1b]0;x\x07", "\\x1b[2J\\x1b]0;x\\x07");
	expect(escape_term, "fake\nline\r", "fake\\x0aline\\x0d");
	expect(escape_term, "del\x7f", "del\\x7f");
	expect(escape_term, "tab\there", "tab\\x09here");
	/* C1 CSI U+009B as UTF-8 */
	expect(escape_term, "a\xc2\x9b" "31m", "a\\xc2\\x9b31m");
	expect(escape_term, "\xc2\x80\xc2\x9f", "\\xc2\\x80\\xc2\\x9f");
}
END_TEST

START_TEST(test_escape_term_utf8_kept_invalid_shown)
{
	expect(escape_term, "Espa\xc3\xb1" "a \xe2\x82\xac \xf0\x9f\x98\x80",
	    "Espa\xc3\xb1" "a \xe2\x82\xac \xf0\x9f\x98\x80");
	expect(escape_term, "\xc2\xa0nbsp", "\xc2\xa0nbsp");
	expect(escape_term, "Espa\xf1" "a", "Espa\\xf1a");
	expect(escape_term, "\xc0\xaf", "\\xc0\\xaf");
	expect(escape_term, "\xed\xa0\x80", "\\xed\\xa0\\x80");
	expect(escape_term, "cut\xe2\x82", "cut\\xe2\\x82");
	/* a bare C1 byte (not UTF-8) is invalid, so shown too */
	expect(escape_term, "\x9b" "31m", "\\x9b31m");
}
END_TEST

START_TEST(test_escape_term_bidi_controls)
{
	/* U+202E RIGHT-TO-LEFT OVERRIDE reverses what follows on screen */
	expect(escape_term, "invoice\xe2\x80\xae" "fdp.exe",
	    "invoice\\xe2\\x80\\xaefdp.exe");
	expect(escape_term, "\xe2\x81\xa6x\xe2\x81\xa9",
	    "\\xe2\\x81\\xa6x\\xe2\\x81\\xa9");
	expect(escape_term, "\xe2\x80\x8f", "\\xe2\\x80\\x8f");
	/* neighbours of the bidi range are ordinary text */
	expect(escape_term, "\xe2\x80\x94", "\xe2\x80\x94");
}
END_TEST

START_TEST(test_escape_term_separators_and_invisible)
{
	/* U+2028/9 fake a line break, U+200B and U+FEFF are invisible */
	expect(escape_term, "a\xe2\x80\xa8" "b\xe2\x80\xa9" "c",
	    "a\\xe2\\x80\\xa8b\\xe2\\x80\\xa9c");
	expect(escape_term, "pay\xe2\x80\x8bpal", "pay\\xe2\\x80\\x8bpal");
	expect(escape_term, "\xef\xbb\xbfx", "\\xef\\xbb\\xbfx");
	/* U+200C/D join letters and emoji: kept */
	expect(escape_term, "\xe2\x80\x8d", "\xe2\x80\x8d");
}
END_TEST

START_TEST(test_escape_csv_shows_controls_like_terminal)
{
	expect(escape_csv, "invoice\xe2\x80\xae" "fdp.exe",
	    "invoice\\xe2\\x80\\xaefdp.exe");
	expect(escape_csv, "a\xe2\x80\xa8" "b", "a\\xe2\\x80\\xa8b");
	expect(escape_csv, "a\xe2\x80\xa9" "b\xe2\x80\x8b" "c",
	    "a\\xe2\\x80\\xa9b\\xe2\\x80\\x8bc");
	expect(escape_csv, "nel\xc2\x85" "csi\xc2\x9b",
	    "nel\\xc2\\x85csi\\xc2\\x9b");
	expect(escape_csv, "\x1b[31mred", "\\x1b[31mred");
	expect(escape_csv, "bad\xff", "bad\\xff");
	/* RFC 4180 keeps its own: quoted line ends, tabs, UTF-8 text */
	expect(escape_csv, "two\r\nlines", "\"two\r\nlines\"");
	expect(escape_csv, "M\xc3\xbcller \xe2\x82\xac",
	    "M\xc3\xbcller \xe2\x82\xac");
	expect(escape_csv, "=\xe2\x80\xae", "'=\\xe2\\x80\\xae");
}
END_TEST

START_TEST(test_escape_ceiling_leaves_buffer_unchanged)
{
	static const escape_fn fns[] = {
		escape_json, escape_csv, escape_html, escape_term,
	};
	struct buf b;

	for (size_t i = 0; i < sizeof(fns) / sizeof(fns[0]); i++) {
		buf_init(&b, 12);
		ck_assert_int_eq(buf_adds(&b, "keep|"), 0);
		/* each sink expands this past the 7 bytes left */
		ck_assert_int_eq(fns[i](&b, "=\"<a>\x1b\",\n"), -1);
		ck_assert_str_eq(buf_cstr(&b), "keep|");
		ck_assert_uint_eq(b.len, 5);
		ck_assert_int_eq(fns[i](&b, "ok"), 0);
		ck_assert_str_eq(buf_cstr(&b), "keep|ok");
		buf_release(&b);
	}
}
END_TEST

START_TEST(test_escape_appends_after_existing)
{
	struct buf b;

	buf_init(&b, MAX_SHORT_TEXT);
	ck_assert_int_eq(escape_csv(&b, "a,b"), 0);
	ck_assert_int_eq(buf_addc(&b, ','), 0);
	ck_assert_int_eq(escape_csv(&b, "=c"), 0);
	ck_assert_str_eq(buf_cstr(&b), "\"a,b\",'=c");
	buf_release(&b);
}
END_TEST

Suite *
escape_suite(void)
{
	Suite *s = suite_create("escape");
	TCase *tc = tcase_create("escape");

	tcase_add_test(tc, test_escape_json_specials);
	tcase_add_test(tc, test_escape_json_keeps_del_and_utf8);
	tcase_add_test(tc, test_escape_csv_quoting);
	tcase_add_test(tc, test_escape_csv_formula_injection);
	tcase_add_test(tc, test_escape_csv_shows_controls_like_terminal);
	tcase_add_test(tc, test_escape_term_separators_and_invisible);
	tcase_add_test(tc, test_escape_html_specials);
	tcase_add_test(tc, test_escape_term_controls);
	tcase_add_test(tc, test_escape_term_utf8_kept_invalid_shown);
	tcase_add_test(tc, test_escape_term_bidi_controls);
	tcase_add_test(tc, test_escape_ceiling_leaves_buffer_unchanged);
	tcase_add_test(tc, test_escape_appends_after_existing);
	suite_add_tcase(s, tc);
	return s;
}

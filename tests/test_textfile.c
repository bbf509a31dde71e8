/*
 * The operator text file reader (report/textfile.c) under the services,
 * config and senders parsers: line splitting (CRLF, no final LF), the
 * byte, line-length and line-count caps, NUL / control / invalid UTF-8
 * refused with file:line in the one wording and check order all three
 * share, a missing file allowed or refused, and the callback's own error
 * passed through.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "../report/config.h"
#include "../report/textfile.h"
#include "testutil.h"

Suite	*textfile_suite(void);

/* what the callback saw: "N[text]" per line */
struct seen {
	char	 log[2048];
	size_t	 calls;
	size_t	 fail_at;	/* line to fail on with an error; 0 never */
};

static char err[512];

static int
collect(void *arg, struct textfile *t, char *line)
{
	struct seen *s = arg;
	size_t n = strlen(s->log);

	s->calls++;
	if (t->line == s->fail_at)
		return textfile_error(t, "no good: '%s'", line);
	snprintf(s->log + n, sizeof(s->log) - n, "%zu[%s]", t->line, line);
	line[0] = 'X';		/* the copy is the callback's to cut up */
	return 0;
}

static struct textfile
tf(size_t max_line, size_t max_lines)
{
	struct textfile t = { .file = "f.txt", .max_bytes = 64,
	    .max_line = max_line, .max_lines = max_lines, .err = err,
	    .errlen = sizeof(err) };

	err[0] = '\0';
	return t;
}

/* parses text (len bytes) with t; returns the result, s filled */
static int
parse(struct textfile t, const char *text, size_t len, struct seen *s)
{
	memset(s, 0, sizeof(*s));
	return textfile_parse(&t, text, len, collect, s);
}

/* the error of a parse that must fail, after which fn saw calls lines */
static const char *
refused(struct textfile t, const char *text, size_t len, size_t calls)
{
	struct seen s;

	ck_assert_int_eq(parse(t, text, len, &s), -1);
	ck_assert_uint_eq(s.calls, calls);
	return err;
}

START_TEST(test_textfile_crlf_and_last_line_without_newline)
{
	const char text[] = "a b\r\n\tc\n\r\n\nlast\r";
	struct seen s;

	ck_assert_int_eq(parse(tf(8, 0), text, sizeof(text) - 1, &s), 0);
	ck_assert_str_eq(s.log, "1[a b]2[\tc]3[]4[]5[last]");
	/* a final LF ends the last line and starts none */
	ck_assert_int_eq(parse(tf(8, 0), "x\n", 2, &s), 0);
	ck_assert_str_eq(s.log, "1[x]");
	ck_assert_int_eq(parse(tf(8, 0), "", 0, &s), 0);
	ck_assert_uint_eq(s.calls, 0);
	/* a CR that does not end a line is a control character */
	ck_assert_str_eq(refused(tf(8, 0), "ok\na\rb\n", 7, 1),
	    "f.txt:2: error: control character 0x0d in line");
}
END_TEST

/* writes text to dir/name, loads it with t; returns the result */
static int
load(char *dir, const char *name, const char *text, size_t len,
    struct textfile t, int must_exist, struct seen *s)
{
	char path[600];
	int rc;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (text != NULL)
		ck_assert_int_eq(tu_write(path, text, len), 0);
	t.file = path;
	memset(s, 0, sizeof(*s));
	rc = textfile_load(&t, must_exist, collect, s);
	if (rc == -1)	/* drop the tmpdir from the message */
		memmove(err, err + strlen(dir) + 1, strlen(err) - strlen(dir));
	return rc;
}

START_TEST(test_textfile_size_cap)
{
	char big[66], *dir = tu_tmpdir();
	struct seen s;

	memset(big, 'a', sizeof(big));
	big[31] = big[63] = '\n';
	ck_assert_int_eq(load(dir, "64", big, 64, tf(40, 0), 1, &s), 0);
	ck_assert_uint_eq(s.calls, 2);
	ck_assert_int_eq(load(dir, "65", big, 65, tf(40, 0), 1, &s), -1);
	ck_assert_str_eq(err, "65: error: file larger than 64 bytes");
	ck_assert_uint_eq(s.calls, 0);
	tu_rmtree(dir);
	free(dir);
}
END_TEST

START_TEST(test_textfile_line_length_cap)
{
	struct seen s;

	/* max_line bytes pass, the CR of CRLF not counted */
	ck_assert_int_eq(parse(tf(4, 0), "abcd\r\nefgh", 10, &s), 0);
	ck_assert_str_eq(s.log, "1[abcd]2[efgh]");
	ck_assert_str_eq(refused(tf(4, 0), "ab\nabcde\n", 9, 1),
	    "f.txt:2: error: line longer than 4 bytes");
	ck_assert_str_eq(refused(tf(4, 0), "abcde", 5, 0),
	    "f.txt:1: error: line longer than 4 bytes");
	/* the caps come before the bytes: too long is named, not 0x01 */
	ck_assert_str_eq(refused(tf(4, 0), "a\x01\xff" "de", 5, 0),
	    "f.txt:1: error: line longer than 4 bytes");
}
END_TEST

START_TEST(test_textfile_line_count_cap)
{
	struct seen s;

	ck_assert_int_eq(parse(tf(4, 3), "a\n\nc\n", 5, &s), 0);
	ck_assert_uint_eq(s.calls, 3);
	/* blank lines count too; the line past the cap is not handed on */
	ck_assert_str_eq(refused(tf(4, 3), "\n\n\nd", 4, 3),
	    "f.txt:4: error: more than 3 lines");
	/* the line count comes first: line 2 is past it, however long */
	ck_assert_str_eq(refused(tf(4, 1), "a\nbcdefg\x01", 9, 1),
	    "f.txt:2: error: more than 1 lines");
	ck_assert_str_eq(refused(tf(4, 1), "a\nb\n", 4, 1),
	    "f.txt:2: error: more than 1 lines");
}
END_TEST

/* line 2 of "ok\n" + bad, refused with want */
static void
bad_line(const char *bad, const char *want)
{
	char text[64];
	size_t n = 3 + 1 + strlen(bad + 1);	/* bad may start with NUL */

	memcpy(text, "ok\n", 3);
	memcpy(text + 3, bad, n - 3);
	ck_assert_str_eq(refused(tf(16, 0), text, n, 1), want);
}

START_TEST(test_textfile_nul_control_and_bad_utf8_refused_with_line)
{
	struct seen s;
	const char good[] = "tab\there caf\xc3\xa9 \xf0\x9f\x93\xa7";

	bad_line("\0ab", "f.txt:2: error: NUL byte in line");
	bad_line("a\x1b[31m", "f.txt:2: error: control character 0x1b in line");
	bad_line("del\x7f", "f.txt:2: error: control character 0x7f in line");
	bad_line("x\xff", "f.txt:2: error: invalid UTF-8 in line");
	bad_line("\xc0\xaf", "f.txt:2: error: invalid UTF-8 in line");
	bad_line("cut \xe2\x82", "f.txt:2: error: invalid UTF-8 in line");
	/* both faults: a NUL or control byte is named before bad UTF-8 */
	bad_line("\x01\xff", "f.txt:2: error: control character 0x01 in line");
	/* tab and non-ASCII UTF-8 are text */
	ck_assert_int_eq(parse(tf(32, 0), good, sizeof(good) - 1, &s), 0);
	ck_assert_uint_eq(s.calls, 1);
}
END_TEST

START_TEST(test_textfile_missing_file_allowed_or_refused)
{
	char *dir = tu_tmpdir();
	struct seen s;

	ck_assert_int_eq(load(dir, "none", NULL, 0, tf(8, 0),
	    0, &s), 1);
	ck_assert_uint_eq(s.calls, 0);
	ck_assert_str_eq(err, "");
	ck_assert_int_eq(load(dir, "none", NULL, 0, tf(8, 0),
	    1, &s), -1);
	ck_assert_str_eq(err, "none: error: cannot read: No such file or "
	    "directory");
	/* only a missing file is allowed: a directory is not a file */
	ck_assert_int_eq(load(dir, ".", NULL, 0, tf(8, 0),
	    0, &s), -1);
	ck_assert_str_eq(err, ".: error: cannot read: Is a directory");
	ck_assert_int_eq(load(dir, "ok", "a\nb", 3, tf(8, 0),
	    0, &s), 0);
	ck_assert_str_eq(s.log, "1[a]2[b]");
	ck_assert_int_eq(load(dir, "ok/x", NULL, 0, tf(8, 0),
	    0, &s), -1);
	ck_assert_str_eq(err, "ok/x: error: cannot read: Not a directory");
	tu_rmtree(dir);
	free(dir);
}
END_TEST

static int
fail_bad(void *arg, struct textfile *t, char *line)
{
	(void)arg;
	return textfile_bad(t, "unknown thing", line);
}

START_TEST(test_textfile_callback_error_passed_through)
{
	char long_line[200];
	struct textfile t = tf(256, 0);
	struct seen s;

	memset(&s, 0, sizeof(s));
	s.fail_at = 2;
	ck_assert_int_eq(textfile_parse(&t, "a\nb c\nd\n", 8, collect, &s),
	    -1);
	ck_assert_str_eq(err, "f.txt:2: error: no good: 'b c'");
	ck_assert_uint_eq(s.calls, 2);		/* line 3 never reached */
	ck_assert_uint_eq(t.line, 2);
	/* textfile_bad quotes the detail, cut at 80 bytes */
	memset(long_line, 'y', sizeof(long_line));
	ck_assert_int_eq(textfile_parse(&t, long_line, sizeof(long_line),
	    fail_bad, NULL), -1);
	ck_assert_uint_eq(strlen(err), strlen("f.txt:1: error: unknown "
	    "thing: ''") + 80);
	ck_assert_int_eq(strncmp(err, "f.txt:1: error: unknown thing: 'yyy",
	    35), 0);
}
END_TEST

/* config.c once took every byte >= 0x80 for a control character */
START_TEST(test_textfile_config_accepts_utf8_text)
{
	const char text[] = "subject = DMARC \xe2\x80\x94 \xc3\xa9t\xc3\xa9\n";
	struct config c;

	config_init(&c);
	ck_assert_int_eq(config_parse(&c, text, sizeof(text) - 1, "cfg", err,
	    sizeof(err)), 0);
	ck_assert_str_eq(c.subject, "DMARC \xe2\x80\x94 \xc3\xa9t\xc3\xa9");
	config_release(&c);
}
END_TEST

Suite *
textfile_suite(void)
{
	Suite *s = suite_create("textfile");
	TCase *tc = tcase_create("textfile");

	tcase_add_test(tc, test_textfile_crlf_and_last_line_without_newline);
	tcase_add_test(tc, test_textfile_size_cap);
	tcase_add_test(tc, test_textfile_line_length_cap);
	tcase_add_test(tc, test_textfile_line_count_cap);
	tcase_add_test(tc,
	    test_textfile_nul_control_and_bad_utf8_refused_with_line);
	tcase_add_test(tc, test_textfile_missing_file_allowed_or_refused);
	tcase_add_test(tc, test_textfile_callback_error_passed_through);
	tcase_add_test(tc, test_textfile_config_accepts_utf8_text);
	suite_add_tcase(s, tc);
	return s;
}

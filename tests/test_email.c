/*
 * report/email.c: the --format email message parsed back with GMime 3:
 * headers, the multipart/alternative structure, charsets, the HTML part
 * byte for byte the --format html output, RFC 2047 for a non-ASCII
 * Subject and display names, body lines within 78 characters, the
 * default sender and recipient, and addresses checked against header
 * injection.  Runs on the bundled samples/.
 */
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>
#include <gmime/gmime.h>

#include "email.h"
#include "testutil.h"

Suite *email_suite(void);

/* 2026-11-23 07:00 UTC: --week last is 2026-W47 */
#define NOW	"1795417200"

static char *tmp;

static void
setup(void)
{
	char db[600];

	tmp = tu_tmpdir();
	snprintf(db, sizeof(db), "%s/t.db", tmp);
	tu_fixture_db(db, "samples", 0);
	g_mime_init();
}

static void
teardown(void)
{
	tu_rmtree(tmp);
	free(tmp);
}

static int
digest(const char *args, char **out)
{
	char cmd[4096];

	snprintf(cmd, sizeof(cmd), "'%s' digest --db '%s/t.db' --now " NOW
	    " --no-dns %s 2>'%s/err'", TEST_REPORT_BIN, tmp, args, tmp);
	return tu_run(cmd, out);
}

static GMimeMessage *
parse(const char *text)
{
	GMimeStream *st = g_mime_stream_mem_new_with_buffer(text,
	    strlen(text));
	GMimeParser *p = g_mime_parser_new_with_stream(st);
	GMimeMessage *m = g_mime_parser_construct_message(p, NULL);

	g_object_unref(p);
	g_object_unref(st);
	ck_assert_ptr_nonnull(m);
	return m;
}

/* the decoded content of a part, caller frees */
static char *
content(GMimeObject *o, size_t *n)
{
	GMimeDataWrapper *w = g_mime_part_get_content(GMIME_PART(o));
	GMimeStream *mem = g_mime_stream_mem_new();
	GByteArray *a;
	char *s;

	g_mime_data_wrapper_write_to_stream(w, mem);
	a = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(mem));
	*n = a->len;
	s = malloc(a->len + 1);
	memcpy(s, a->data, a->len);
	s[a->len] = '\0';
	g_object_unref(mem);
	return s;
}

START_TEST(test_email_parses_back_with_both_parts)
{
	char *mail = NULL, *html = NULL, *part, *addr, *type;
	GMimeMessage *m;
	GMimeObject *body, *text, *hp;
	GMimeMultipart *mp;
	size_t n;

	ck_assert_int_eq(digest("--format email --from 'DMARC <dmarc@example."
	    "org>' --to postmaster@example.org --to boss@example.org", &mail),
	    0);
	ck_assert_int_eq(digest("--format html", &html), 0);
	m = parse(mail);
	ck_assert_str_eq(g_mime_message_get_subject(m),
	    "DMARC weekly 2026-W47: example.org 71.3% pass, NOT READY, 2 new "
	    "sources");
	addr = internet_address_list_to_string(g_mime_message_get_from(m),
	    NULL, FALSE);
	ck_assert_str_eq(addr, "DMARC <dmarc@example.org>");
	g_free(addr);
	addr = internet_address_list_to_string(g_mime_message_get_to(m),
	    NULL, FALSE);
	ck_assert_str_eq(addr, "postmaster@example.org, boss@example.org");
	g_free(addr);
	ck_assert_ptr_nonnull(strstr(mail, "\nDate: Mon, 23 Nov 2026 07:00:00 "
	    "+0000\n"));
	ck_assert_ptr_nonnull(g_mime_message_get_message_id(m));
	ck_assert_ptr_nonnull(strstr(g_mime_message_get_message_id(m),
	    "@example.org"));
	body = g_mime_message_get_mime_part(m);
	ck_assert(GMIME_IS_MULTIPART(body));
	ck_assert_str_eq(g_mime_content_type_get_media_subtype(
	    g_mime_object_get_content_type(body)), "alternative");
	mp = GMIME_MULTIPART(body);
	ck_assert_int_eq(g_mime_multipart_get_count(mp), 2);
	text = g_mime_multipart_get_part(mp, 0);
	hp = g_mime_multipart_get_part(mp, 1);
	type = g_mime_content_type_get_mime_type(
	    g_mime_object_get_content_type(text));
	ck_assert_str_eq(type, "text/plain");
	g_free(type);
	type = g_mime_content_type_get_mime_type(
	    g_mime_object_get_content_type(hp));
	ck_assert_str_eq(type, "text/html");
	g_free(type);
	ck_assert_str_eq(g_mime_object_get_content_type_parameter(text,
	    "charset"), "UTF-8");
	ck_assert_str_eq(g_mime_object_get_content_type_parameter(hp,
	    "charset"), "UTF-8");
	part = content(text, &n);
	ck_assert_ptr_nonnull(strstr(part, "71.3% of 2,695 messages passed "
	    "DMARC"));
	ck_assert_ptr_nonnull(strstr(part, "Pass rate of 167.89.100.12 "
	    "(SendGrid) dropped from 100.0% to 0.0%"));
	free(part);
	part = content(hp, &n);
	ck_assert_uint_eq(n, strlen(html));
	ck_assert(memcmp(part, html, n) == 0);
	free(part);
	g_object_unref(m);
	free(mail);
	free(html);
}
END_TEST

START_TEST(test_email_lines_short_and_non_ascii_subject_encoded)
{
	char *mail = NULL, *p, *nl;
	GMimeMessage *m;

	ck_assert_int_eq(digest("--format email --from a@example.org --to "
	    "b@example.org --subject 'Wöchentlicher DMARC-Bericht für "
	    "example.org – alles grün? ✓'", &mail), 0);
	for (p = mail; *p != '\0'; p = nl + 1) {
		if ((nl = strchr(p, '\n')) == NULL)
			nl = p + strlen(p) - 1;
		ck_assert_msg(nl - p <= 78, "line too long: %.90s", p);
	}
	ck_assert_ptr_nonnull(strstr(mail, "Subject: =?UTF-8?B?"));
	m = parse(mail);
	ck_assert_str_eq(g_mime_message_get_subject(m), "Wöchentlicher "
	    "DMARC-Bericht für example.org – alles grün? ✓");
	g_object_unref(m);
	free(mail);
}
END_TEST

/* the text of the last run's standard error, caller frees */
static char *
err_text(void)
{
	char path[700];

	snprintf(path, sizeof(path), "%s/err", tmp);
	return (char *)tu_slurp(path, NULL);
}

/*
 * Without --from or --to (the README's cron line): From is
 * dmarc-report@ the host name (its fully qualified form when the
 * resolver knows one, so it starts with gethostname()'s), To the login
 * name of the user running it.
 */
START_TEST(test_email_defaults_sender_and_recipient)
{
	char *mail = NULL, *addr, host[256], want[300];
	struct passwd *pw = getpwuid(getuid());
	GMimeMessage *m;

	ck_assert_int_eq(digest("--format email", &mail), 0);
	ck_assert_int_eq(gethostname(host, sizeof(host)), 0);
	snprintf(want, sizeof(want), "\nFrom: dmarc-report@%s", host);
	ck_assert_msg(strncmp(mail, want + 1, strlen(want) - 1) == 0,
	    "%.80s", mail);
	ck_assert_ptr_nonnull(pw);
	snprintf(want, sizeof(want), "\nTo: %s\n", pw->pw_name);
	ck_assert_ptr_nonnull(strstr(mail, want));
	m = parse(mail);
	addr = internet_address_list_to_string(g_mime_message_get_from(m),
	    NULL, FALSE);
	ck_assert_ptr_nonnull(strstr(addr, "dmarc-report@"));
	g_free(addr);
	g_object_unref(m);
	free(mail);
}
END_TEST

/* UTF-8 display names become RFC 2047 words; specials are quoted */
START_TEST(test_email_non_ascii_display_names_encoded)
{
	char *mail = NULL, *p, *nl;
	InternetAddressList *to;
	InternetAddress *a;
	GMimeMessage *m;

	ck_assert_int_eq(digest("--format email --from 'Jörg Müller – "
	    "DMARC-Überwachung für die Firma <dmarc@example.org>' --to "
	    "'Smith, John \"JJ\" <j@example.org>' --to '\"Ünal\" "
	    "<u@example.org>'", &mail), 0);
	ck_assert_ptr_nonnull(strstr(mail, "From: =?UTF-8?B?"));
	ck_assert_ptr_nonnull(strstr(mail, "To: \"Smith, John \\\"JJ\\\"\" "
	    "<j@example.org>,\n =?UTF-8?B?w5xuYWw=?= <u@example.org>\n"));
	for (p = mail; *p != '\0'; p = nl + 1) {
		if ((nl = strchr(p, '\n')) == NULL)
			break;
		ck_assert_msg(nl - p <= 78, "line too long: %.90s", p);
	}
	m = parse(mail);
	a = internet_address_list_get_address(g_mime_message_get_from(m), 0);
	ck_assert_str_eq(internet_address_get_name(a), "Jörg Müller – "
	    "DMARC-Überwachung für die Firma");
	ck_assert_str_eq(internet_address_mailbox_get_addr(
	    INTERNET_ADDRESS_MAILBOX(a)), "dmarc@example.org");
	to = g_mime_message_get_to(m);
	ck_assert_int_eq(internet_address_list_length(to), 2);
	a = internet_address_list_get_address(to, 0);
	ck_assert_str_eq(internet_address_get_name(a), "Smith, John \"JJ\"");
	a = internet_address_list_get_address(to, 1);
	ck_assert_str_eq(internet_address_get_name(a), "Ünal");
	ck_assert_str_eq(internet_address_mailbox_get_addr(
	    INTERNET_ADDRESS_MAILBOX(a)), "u@example.org");
	g_object_unref(m);
	free(mail);
}
END_TEST

/* CR/LF, a non-ASCII addr-spec or no user@host: refused, nothing sent */
START_TEST(test_email_refuses_header_injection)
{
	char *out = NULL, *err;

	ck_assert_int_eq(digest("--format email --from a@example.org --to "
	    "\"$(printf 'b@example.org\\r\\nBcc: c@evil.example')\"", &out), 2);
	ck_assert_str_eq(out, "");
	free(out);
	err = err_text();
	ck_assert_ptr_nonnull(strstr(err, "control character (CR, LF...: "
	    "header injection) at byte 14"));
	ck_assert_ptr_null(strstr(err, "Bcc"));
	free(err);
	ck_assert_int_eq(digest("--format email --from "
	    "\"$(printf 'Name\\n <a@example.org>')\"", &out), 2);
	ck_assert_str_eq(out, "");
	free(out);
	ck_assert_int_eq(digest("--format email --to 'b@exämple.org'", &out),
	    2);
	free(out);
	err = err_text();
	ck_assert_ptr_nonnull(strstr(err, "non-ASCII character outside the "
	    "display name"));
	free(err);
	ck_assert_int_eq(digest("--format email --to 'Name <b@x.org> c@y.org'",
	    &out), 2);
	free(out);
	ck_assert_int_eq(digest("--format email --to 'a <b>'", &out), 2);
	free(out);
	err = err_text();
	ck_assert_ptr_nonnull(strstr(err, "without 'user@host'"));
	free(err);
}
END_TEST

START_TEST(test_email_encoders)
{
	char *buf = NULL;
	size_t n;
	FILE *f = open_memstream(&buf, &n);

	email_qp(f, "caf\xc3\xa9 = ok \n.\nFrom x\n", 21);
	fclose(f);
	ck_assert_str_eq(buf, "caf=C3=A9 =3D ok=20\n=2E\n=46rom x\n");
	free(buf);
	f = open_memstream(&buf, &n);
	email_base64(f, (const unsigned char *)"hello", 5);
	fclose(f);
	ck_assert_str_eq(buf, "aGVsbG8=\n");
	free(buf);
}
END_TEST

Suite *
email_suite(void)
{
	Suite *s = suite_create("email");
	TCase *tc = tcase_create("email");

	tcase_add_unchecked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_email_parses_back_with_both_parts);
	tcase_add_test(tc, test_email_lines_short_and_non_ascii_subject_encoded);
	tcase_add_test(tc, test_email_defaults_sender_and_recipient);
	tcase_add_test(tc, test_email_non_ascii_display_names_encoded);
	tcase_add_test(tc, test_email_refuses_header_injection);
	tcase_add_test(tc, test_email_encoders);
	suite_add_tcase(s, tc);
	return s;
}

/*
 * report/classify.c: the built-in services table parses, matching by
 * reverse name, passing DKIM d= and passing SPF domain in that order, the
 * user's file winning over the built-in table, and strict parsing with
 * line-numbered errors.
 */
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "../report/model.h"
#include "classify.h"

Suite *classify_suite(void);

static void
builtin(struct classify *c)
{
	char err[512];

	classify_init(c);
	ck_assert_msg(classify_builtin(c, err, sizeof(err)) == 0, "%s", err);
	ck_assert_uint_gt(c->n, 100);
}

static const char *
name_of(const struct service *s)
{
	return s ? s->name : "(none)";
}

START_TEST(test_classify_builtin_table_names_the_big_services)
{
	struct classify c;

	builtin(&c);
	ck_assert_str_eq(name_of(classify_match(&c, SERVICE_PTR,
	    "mail-ed1-f41.google.com")), "Google Workspace");
	ck_assert_str_eq(name_of(classify_match(&c, SERVICE_PTR,
	    "mail-am6eur05on2093.outbound.protection.outlook.com")),
	    "Microsoft 365");
	ck_assert_str_eq(name_of(classify_match(&c, SERVICE_PTR,
	    "a8-31.smtp-out.amazonses.com")), "Amazon SES");
	ck_assert_str_eq(name_of(classify_match(&c, SERVICE_DKIM,
	    "mcsv.net")), "Mailchimp");
	ck_assert_str_eq(name_of(classify_match(&c, SERVICE_SPF,
	    "bounces.sendgrid.net")), "SendGrid");
	/* ".google.com" matches only names below google.com */
	ck_assert_ptr_null(classify_match(&c, SERVICE_PTR, "google.com"));
	/* a label boundary: notsendgrid.net is not sendgrid.net */
	ck_assert_ptr_null(classify_match(&c, SERVICE_SPF, "notsendgrid.net"));
	classify_release(&c);
}
END_TEST

static void
source(struct msource *s, const char *ptr)
{
	memset(s, 0, sizeof(*s));
	model_values_init(&s->dkim, MAX_MODEL_VALUES);
	model_values_init(&s->spf, MAX_MODEL_VALUES);
	s->ptr = ptr ? strdup(ptr) : NULL;
}

START_TEST(test_classify_source_uses_only_passing_results)
{
	struct classify c;
	struct msource s;

	builtin(&c);
	source(&s, NULL);
	/* a failing d= proves nothing: anyone can write it */
	model_values_add(&s.dkim, "sendgrid.net", "s1", "fail", 10, 1);
	ck_assert_ptr_null(classify_source(&c, &s));
	model_values_add(&s.spf, "amazonses.com", "mfrom", "pass", 10, 1);
	ck_assert_str_eq(classify_source(&c, &s), "Amazon SES");
	/* DKIM comes before SPF, the PTR before both */
	model_values_add(&s.dkim, "sendgrid.net", "s1", "pass", 10, 1);
	ck_assert_str_eq(classify_source(&c, &s), "SendGrid");
	s.ptr = strdup("o1.mail.zendesk.com");
	ck_assert_str_eq(classify_source(&c, &s), "Zendesk");
	ck_assert_ptr_null(classify_source(NULL, &s));
	msource_release(&s);
	classify_release(&c);
}
END_TEST

START_TEST(test_classify_user_file_wins_over_builtin)
{
	static const char user[] = "# ours\n\nptr .sendgrid.net   Our "
	    "newsletter (SendGrid)  \r\ndkim example.net Billing\n";
	struct classify c;
	char err[512];
	const struct service *s;

	classify_init(&c);
	ck_assert_int_eq(classify_parse(&c, user, sizeof(user) - 1, "u",
	    err, sizeof(err)), 0);
	ck_assert_int_eq(classify_builtin(&c, err, sizeof(err)), 0);
	s = classify_match(&c, SERVICE_PTR, "o1.ptr1.sendgrid.net");
	ck_assert_str_eq(name_of(s), "Our newsletter (SendGrid)");
	ck_assert_str_eq(s->file, "u");
	ck_assert_uint_eq(s->line, 3);
	ck_assert_str_eq(name_of(classify_match(&c, SERVICE_DKIM,
	    "mail.example.net")), "Billing");
	classify_release(&c);
}
END_TEST

static void
bad(const char *text, size_t len, const char *want)
{
	struct classify c;
	char err[512];

	classify_init(&c);
	ck_assert_int_eq(classify_parse(&c, text, len, "svc.txt", err,
	    sizeof(err)), -1);
	ck_assert_msg(strstr(err, want) != NULL, "'%s' lacks '%s'", err, want);
	classify_release(&c);
}

START_TEST(test_classify_strict_parsing_names_file_and_line)
{
	bad("ptr .a.example A\nsmtp b.example B\n", 34,
	    "svc.txt:2: error: unknown kind (not ptr, dkim or spf): 'smtp");
	bad("# c\n\ndkim x.example\n", 20,
	    "svc.txt:3: error: service name missing");
	bad("spf bad..example X\n", 19, "svc.txt:1: error: not a domain");
	bad("ptr\n", 4, "svc.txt:1: error: domain missing");
	bad("ptr a.example A\0B\n", 18, "svc.txt:1: error: NUL byte in line");
	bad("ptr a.example \xff\n", 16,
	    "svc.txt:1: error: invalid UTF-8 in line");
	bad("ptr a.example A\x1b[31m\n", 21,
	    "svc.txt:1: error: control character 0x1b in line");
	bad("PTR a.example A\n", 16, "unknown kind");
}
END_TEST

START_TEST(test_classify_load_missing_file_says_so)
{
	struct classify c;
	char err[512];

	classify_init(&c);
	ck_assert_int_eq(classify_load(&c, "/nonexistent/services.txt", err,
	    sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "/nonexistent/services.txt: error: "
	    "cannot read"));
	classify_release(&c);
}
END_TEST

Suite *
classify_suite(void)
{
	Suite *s = suite_create("classify");
	TCase *tc = tcase_create("classify");

	tcase_add_test(tc, test_classify_builtin_table_names_the_big_services);
	tcase_add_test(tc, test_classify_source_uses_only_passing_results);
	tcase_add_test(tc, test_classify_user_file_wins_over_builtin);
	tcase_add_test(tc, test_classify_strict_parsing_names_file_and_line);
	tcase_add_test(tc, test_classify_load_missing_file_says_so);
	suite_add_tcase(s, tc);
	return s;
}

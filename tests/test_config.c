/*
 * report/config.c and the digest's merging of flags with the config file:
 * the key = value grammar, line-numbered errors, the readiness criteria,
 * the default path, and flags winning over the file end to end.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "config.h"
#include "testutil.h"

Suite *config_suite(void);

static const char good[] =
    "# dmarc-rua\n"
    "db = /var/lib/dmarc/dmarc.db\n"
    "  domain=example.org  \n"
    "domain = example.net\n"
    "to = Postmaster <postmaster@example.org>\n"
    "to = boss@example.org\r\n"
    "from = dmarc@example.org\n"
    "\n"
    "min-days = 3\n"
    "max-legit-fail-pct = 1.5\n";

START_TEST(test_config_parses_keys_and_repeats)
{
	struct config c;
	struct readiness_opts ro;
	char err[512];

	config_init(&c);
	ck_assert_int_eq(config_parse(&c, good, sizeof(good) - 1, "cfg", err,
	    sizeof(err)), 0);
	ck_assert_str_eq(c.db, "/var/lib/dmarc/dmarc.db");
	ck_assert_uint_eq(c.n_domains, 2);
	ck_assert_str_eq(c.domains[0], "example.org");
	ck_assert_str_eq(c.domains[1], "example.net");
	ck_assert_uint_eq(c.n_to, 2);
	ck_assert_str_eq(c.to[0], "Postmaster <postmaster@example.org>");
	ck_assert_str_eq(c.to[1], "boss@example.org");
	ck_assert_str_eq(c.from, "dmarc@example.org");
	ck_assert_ptr_null(c.subject);
	readiness_opts_init(&ro);
	ck_assert_int_eq(config_readiness(&c, &ro, err, sizeof(err)), 0);
	ck_assert_int_eq(ro.min_days, 3);
	ck_assert(ro.max_legit_fail_pct > 1.49 && ro.max_legit_fail_pct < 1.51);
	config_release(&c);
}
END_TEST

static void
bad(const char *text, const char *want)
{
	struct config c;
	char err[512];

	config_init(&c);
	ck_assert_int_eq(config_parse(&c, text, strlen(text), "cfg", err,
	    sizeof(err)), -1);
	ck_assert_msg(strstr(err, want) != NULL, "'%s' lacks '%s'", err, want);
	config_release(&c);
}

START_TEST(test_config_errors_name_the_line)
{
	bad("db = a\n\nrecipient = x\n", "cfg:3: error: unknown key: "
	    "'recipient'");
	bad("from = a@b\nfrom = c@d\n", "cfg:2: error: key given twice: "
	    "'from'");
	bad("db /x\n", "cfg:1: error: not 'key = value'");
	bad("subject =   \n", "cfg:1: error: empty value: 'subject'");
	bad("to = a@b\x01\n", "cfg:1: error: control character 0x01 in "
	    "line");
}
END_TEST

START_TEST(test_config_bad_criterion_value_names_the_line)
{
	static const char t[] = "\nmin-days = lots\n";
	struct config c;
	struct readiness_opts ro;
	char err[512];

	config_init(&c);
	ck_assert_int_eq(config_parse(&c, t, sizeof(t) - 1, "cfg", err,
	    sizeof(err)), 0);
	readiness_opts_init(&ro);
	ck_assert_int_eq(config_readiness(&c, &ro, err, sizeof(err)), -1);
	ck_assert_msg(strstr(err, "config:2: error:") != NULL, "%s", err);
	config_release(&c);
}
END_TEST

START_TEST(test_config_default_path_follows_xdg)
{
	char *p;

	setenv("XDG_CONFIG_HOME", "/x/conf", 1);
	p = config_default_path();
	ck_assert_str_eq(p, "/x/conf/dmarc-rua/config");
	free(p);
	unsetenv("XDG_CONFIG_HOME");
	setenv("HOME", "/home/u", 1);
	p = config_default_path();
	ck_assert_str_eq(p, "/home/u/.config/dmarc-rua/config");
	free(p);
}
END_TEST

START_TEST(test_config_missing_file_only_an_error_when_named)
{
	struct config c;
	char err[512];

	config_init(&c);
	ck_assert_int_eq(config_load(&c, "/nonexistent/config", 0, err,
	    sizeof(err)), 0);
	ck_assert_int_eq(config_load(&c, "/nonexistent/config", 1, err,
	    sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "cannot read"));
	config_release(&c);
}
END_TEST

/* the digest reads db, domain, from and to from the file; flags win */
START_TEST(test_config_flags_win_over_the_file)
{
	char *tmp = tu_tmpdir(), cfg[600], cmd[4096], text[1400], *out = NULL;

	snprintf(cfg, sizeof(cfg), "%s/t.db", tmp);
	tu_fixture_db(cfg, "tests/data/digest", 0);
	snprintf(cfg, sizeof(cfg), "%s/config", tmp);
	snprintf(text, sizeof(text), "db = %s/t.db\ndomain = d.example\n"
	    "from = cfg@d.example\nto = a@d.example\nsubject = From the "
	    "file\n", tmp);
	ck_assert_int_eq(tu_write(cfg, text, strlen(text)), 0);
	snprintf(cmd, sizeof(cmd), "HOME=/nonexistent '%s' digest --config "
	    "'%s' --week 2026-W47 --now 1795417200 --no-dns --format email "
	    "--from flag@d.example", TEST_REPORT_BIN, cfg);
	ck_assert_int_eq(tu_run(cmd, &out), 0);
	ck_assert_ptr_nonnull(strstr(out, "From: flag@d.example\n"));
	ck_assert_ptr_nonnull(strstr(out, "To: a@d.example\n"));
	ck_assert_ptr_nonnull(strstr(out, "Subject: From the file\n"));
	ck_assert_ptr_null(strstr(out, "quiet.example"));
	free(out);
	/* --domain replaces the file's list */
	snprintf(cmd, sizeof(cmd), "'%s' digest --config '%s' --week 2026-W47 "
	    "--now 1795417200 --no-dns --domain quiet.example",
	    TEST_REPORT_BIN, cfg);
	ck_assert_int_eq(tu_run(cmd, &out), 0);
	ck_assert_ptr_nonnull(strstr(out, "quiet.example"));
	ck_assert_ptr_null(strstr(out, "d.example\n"));
	free(out);
	tu_rmtree(tmp);
	free(tmp);
}
END_TEST

/*
 * Every mode reads the file: plain summary finds the database by 'db =',
 * readiness applies the file's criteria and agrees with the digest's
 * verdict on the same data (470 messages over 3 days from 1 reporter:
 * with min-messages 100, min-days 3, min-reporters 1 the 11.70% failing
 * legitimate mail makes it NOT READY, not NOT ENOUGH DATA); a flag beats
 * the file's criterion; a named file that cannot be read exits 2.
 */
START_TEST(test_config_every_mode_reads_the_file)
{
	char *tmp = tu_tmpdir(), cfg[600], cmd[4096], text[1400], *out = NULL;

	snprintf(cfg, sizeof(cfg), "%s/t.db", tmp);
	tu_fixture_db(cfg, "tests/data/digest", 0);
	snprintf(cfg, sizeof(cfg), "%s/config", tmp);
	snprintf(text, sizeof(text), "db = %s/t.db\nmin-messages = 100\n"
	    "min-days = 3\nmin-reporters = 1\n", tmp);
	ck_assert_int_eq(tu_write(cfg, text, strlen(text)), 0);
	snprintf(cmd, sizeof(cmd), "HOME=/nonexistent DMARC_DB= '%s' "
	    "--config '%s' --week 2026-W47 --no-dns", TEST_REPORT_BIN, cfg);
	ck_assert_int_eq(tu_run(cmd, &out), 0);
	ck_assert_ptr_nonnull(strstr(out, "d.example\n"));
	free(out);
	snprintf(cmd, sizeof(cmd), "HOME=/nonexistent '%s' readiness "
	    "--config '%s' --now 1795417200 --no-dns", TEST_REPORT_BIN, cfg);
	ck_assert_int_eq(tu_run(cmd, &out), 0);
	ck_assert_ptr_nonnull(strstr(out, "at least 100 messages, 3 days, "
	    "1 reporters"));
	ck_assert_ptr_nonnull(strstr(out, "d.example: NOT READY for "));
	free(out);
	snprintf(cmd, sizeof(cmd), "HOME=/nonexistent '%s' digest --config "
	    "'%s' --week 2026-W47 --now 1795417200 --no-dns",
	    TEST_REPORT_BIN, cfg);
	ck_assert_int_eq(tu_run(cmd, &out), 0);
	ck_assert_ptr_nonnull(strstr(out, "policy p=none, NOT READY\n"));
	free(out);
	snprintf(cmd, sizeof(cmd), "HOME=/nonexistent '%s' readiness "
	    "--config '%s' --now 1795417200 --no-dns --min-days 14",
	    TEST_REPORT_BIN, cfg);
	ck_assert_int_eq(tu_run(cmd, &out), 0);
	ck_assert_ptr_nonnull(strstr(out, "at least 100 messages, 14 days"));
	free(out);
	snprintf(cmd, sizeof(cmd), "'%s' --config '%s/none' --db '%s/t.db' "
	    "2>'%s/err'", TEST_REPORT_BIN, tmp, tmp, tmp);
	ck_assert_int_eq(tu_run(cmd, NULL), 2);
	snprintf(cfg, sizeof(cfg), "%s/err", tmp);
	ck_assert_ptr_nonnull(out = (char *)tu_slurp(cfg, NULL));
	ck_assert_ptr_nonnull(strstr(out, "dmarc-report: "));
	ck_assert_ptr_nonnull(strstr(out, "/none: error: cannot read"));
	free(out);
	/* the default path missing is fine */
	snprintf(cmd, sizeof(cmd), "HOME=/nonexistent XDG_CONFIG_HOME= '%s' "
	    "--db '%s/t.db' --no-dns >/dev/null", TEST_REPORT_BIN, tmp);
	ck_assert_int_eq(tu_run(cmd, NULL), 0);
	tu_rmtree(tmp);
	free(tmp);
}
END_TEST

Suite *
config_suite(void)
{
	Suite *s = suite_create("config");
	TCase *tc = tcase_create("config");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_config_parses_keys_and_repeats);
	tcase_add_test(tc, test_config_errors_name_the_line);
	tcase_add_test(tc, test_config_bad_criterion_value_names_the_line);
	tcase_add_test(tc, test_config_default_path_follows_xdg);
	tcase_add_test(tc, test_config_missing_file_only_an_error_when_named);
	tcase_add_test(tc, test_config_flags_win_over_the_file);
	tcase_add_test(tc, test_config_every_mode_reads_the_file);
	suite_add_tcase(s, tc);
	return s;
}

/*
 * Tests for report/dmarcrec.c: valid DMARC records, every postmaster
 * warning, every syntax error class, the legacy tags RFC 9989 removed,
 * and the choice among several TXT records at one name.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "dmarcrec.h"

Suite	*dmarcrec_suite(void);

/* the first note with this code, or NULL */
static const struct dmarcrec_note *
note(const struct dmarcrec *r, const char *code)
{
	for (size_t i = 0; i < r->n_notes; i++)
		if (strcmp(r->notes[i].code, code) == 0)
			return &r->notes[i];
	return NULL;
}

/* the text of the note with this code; fails the test if absent */
static const char *
ntext(const struct dmarcrec *r, const char *code)
{
	const struct dmarcrec_note *n = note(r, code);

	ck_assert_msg(n != NULL, "no '%s' note", code);
	return n != NULL ? n->text : "";
}

static int
nsev(const struct dmarcrec *r, const char *code)
{
	const struct dmarcrec_note *n = note(r, code);

	ck_assert_msg(n != NULL, "no '%s' note", code);
	return n != NULL ? (int)n->sev : -1;
}

START_TEST(test_dmarcrec_valid_full_record)
{
	struct dmarcrec r;

	ck_assert_int_eq(dmarcrec_parse("v=DMARC1; p=reject; sp=reject; "
	    "np=reject; psd=n; t=n; adkim=s; aspf=r; "
	    "rua=mailto:a@example.org,mailto:b@example.net; "
	    "ruf=mailto:f@example.org; fo=1:d", &r), 0);
	ck_assert(r.is_dmarc && r.valid);
	ck_assert_int_eq(r.p, DMARCREC_P_REJECT);
	ck_assert_int_eq(r.sp, DMARCREC_P_REJECT);
	ck_assert_int_eq(r.np, DMARCREC_P_REJECT);
	ck_assert_int_eq(r.effective_p, DMARCREC_P_REJECT);
	ck_assert_int_eq(r.psd, 'n');
	ck_assert_int_eq(r.t, 'n');
	ck_assert_int_eq(r.adkim, 's');
	ck_assert_int_eq(r.aspf, 'r');
	ck_assert_int_eq(r.pct, -1);
	ck_assert_str_eq(r.rua, "mailto:a@example.org,mailto:b@example.net");
	ck_assert_str_eq(r.fo, "1:d");
	ck_assert_uint_eq(r.n_notes, 0);
	dmarcrec_release(&r);
}
END_TEST

START_TEST(test_dmarcrec_case_space_and_trailing_separator)
{
	struct dmarcrec r;

	ck_assert_int_eq(dmarcrec_parse("v = DMARC1 ;P = Quarantine ;  "
	    "RUA=mailto:x@example.org ;", &r), 0);
	ck_assert_int_eq(r.p, DMARCREC_P_QUARANTINE);
	ck_assert_str_eq(r.rua, "mailto:x@example.org");
	ck_assert_uint_eq(r.n_notes, 0);
	dmarcrec_release(&r);
}
END_TEST

START_TEST(test_dmarcrec_not_dmarc_when_v_not_first)
{
	static const char *const bad[] = { "p=reject; v=DMARC1",
	    "v=DMARC2; p=none", "v=dmarc1; p=none", "", "v=DMARC1 p=none",
	    "spf1 -all" };
	struct dmarcrec r;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ck_assert_int_eq(dmarcrec_parse(bad[i], &r), -1);
		ck_assert(!r.is_dmarc);
		ck_assert_ptr_nonnull(note(&r, "not-dmarc"));
		dmarcrec_release(&r);
	}
}
END_TEST

START_TEST(test_dmarcrec_p_none_and_no_rua_warned)
{
	struct dmarcrec r;

	ck_assert_int_eq(dmarcrec_parse("v=DMARC1; p=none", &r), 0);
	ck_assert(r.valid);
	ck_assert_int_eq(nsev(&r, "p-none"), DMARCREC_WARNING);
	ck_assert_int_eq(nsev(&r, "no-rua"), DMARCREC_WARNING);
	dmarcrec_release(&r);
}
END_TEST

START_TEST(test_dmarcrec_sp_np_weaker_than_p)
{
	struct dmarcrec r;

	dmarcrec_parse("v=DMARC1; p=reject; sp=none; np=quarantine; "
	    "rua=mailto:a@example.org", &r);
	ck_assert(r.valid);
	ck_assert_ptr_nonnull(note(&r, "sp-weaker"));
	ck_assert_ptr_nonnull(strstr(ntext(&r, "np-weaker"),
	    "np=quarantine"));
	dmarcrec_release(&r);
	dmarcrec_parse("v=DMARC1; p=quarantine; sp=reject; "
	    "rua=mailto:a@example.org", &r);
	ck_assert_ptr_null(note(&r, "sp-weaker"));
	dmarcrec_release(&r);
}
END_TEST

START_TEST(test_dmarcrec_pct_legacy_and_partial)
{
	struct dmarcrec r;

	dmarcrec_parse("v=DMARC1; p=quarantine; pct=20; rf=afrf; ri=3600; "
	    "rua=mailto:a@example.org", &r);
	ck_assert(r.valid);
	ck_assert_int_eq(r.pct, 20);
	ck_assert_str_eq(r.rf, "afrf");
	ck_assert_str_eq(r.ri, "3600");
	ck_assert_ptr_nonnull(strstr(ntext(&r, "pct-partial"), "20%"));
	ck_assert_ptr_nonnull(strstr(ntext(&r, "removed-tag"),
	    "RFC 9989"));
	dmarcrec_release(&r);
	ck_assert_int_eq(dmarcrec_parse("v=DMARC1; p=reject; pct=101; "
	    "rua=mailto:a@example.org", &r), -1);
	ck_assert_ptr_nonnull(strstr(ntext(&r, "bad-value"), "'pct'"));
	dmarcrec_release(&r);
}
END_TEST

START_TEST(test_dmarcrec_testing_mode_noted)
{
	struct dmarcrec r;

	dmarcrec_parse("v=DMARC1; p=reject; t=y; rua=mailto:a@example.org",
	    &r);
	ck_assert(r.valid);
	ck_assert_int_eq(r.t, 'y');
	ck_assert_ptr_nonnull(note(&r, "testing"));
	dmarcrec_release(&r);
}
END_TEST

START_TEST(test_dmarcrec_bad_values_named_with_offset)
{
	struct dmarcrec r;

	ck_assert_int_eq(dmarcrec_parse("v=DMARC1; p=bogus; "
	    "rua=mailto:a@example.org", &r), -1);
	ck_assert(r.is_dmarc);
	ck_assert_str_eq(ntext(&r, "bad-value"), "invalid value 'bogus' "
	    "for tag 'p' at offset 10: expected none, quarantine or reject");
	/* invalid p with a valid rua: receivers act as p=none */
	ck_assert_int_eq(r.effective_p, DMARCREC_P_NONE);
	dmarcrec_release(&r);
	static const char *const bad[] = { "adkim=x", "aspf=strict",
	    "psd=maybe", "t=1", "fo=2", "fo=1:", "sp=all", "np=" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char rec[128];

		snprintf(rec, sizeof(rec), "v=DMARC1; p=none; %s; "
		    "rua=mailto:a@example.org", bad[i]);
		ck_assert_int_eq(dmarcrec_parse(rec, &r), -1);
		ck_assert_msg(note(&r, "bad-value") != NULL, "%s", bad[i]);
		dmarcrec_release(&r);
	}
}
END_TEST

START_TEST(test_dmarcrec_syntax_errors)
{
	struct dmarcrec r;

	ck_assert_int_eq(dmarcrec_parse("v=DMARC1; p=none; garbage; "
	    "rua=mailto:a@example.org", &r), -1);
	ck_assert_str_eq(ntext(&r, "syntax"), "syntax error at offset "
	    "18: 'garbage' is not tag=value");
	dmarcrec_release(&r);
	ck_assert_int_eq(dmarcrec_parse("v=DMARC1; p=none; 9x=1", &r), -1);
	ck_assert_ptr_nonnull(strstr(ntext(&r, "syntax"), "bad tag name"));
	dmarcrec_release(&r);
	/* ";;" is only a warning */
	ck_assert_int_eq(dmarcrec_parse("v=DMARC1;; p=none; "
	    "rua=mailto:a@example.org", &r), 0);
	ck_assert_int_eq(nsev(&r, "syntax"), DMARCREC_WARNING);
	dmarcrec_release(&r);
}
END_TEST

START_TEST(test_dmarcrec_duplicate_and_unknown_tags)
{
	struct dmarcrec r;

	ck_assert_int_eq(dmarcrec_parse("v=DMARC1; p=reject; p=none; "
	    "foo=bar; rua=mailto:a@example.org", &r), -1);
	ck_assert_int_eq(r.p, DMARCREC_P_REJECT);
	ck_assert_ptr_nonnull(note(&r, "duplicate-tag"));
	ck_assert_int_eq(nsev(&r, "unknown-tag"), DMARCREC_INFO);
	ck_assert_ptr_nonnull(strstr(ntext(&r, "unknown-tag"), "'foo'"));
	dmarcrec_release(&r);
}
END_TEST

START_TEST(test_dmarcrec_missing_p)
{
	struct dmarcrec r;

	/* RFC 9989: no p but a valid rua acts as p=none */
	ck_assert_int_eq(dmarcrec_parse("v=DMARC1; rua=mailto:a@example.org",
	    &r), 0);
	ck_assert_int_eq(r.effective_p, DMARCREC_P_NONE);
	ck_assert_int_eq(nsev(&r, "missing-p"), DMARCREC_WARNING);
	dmarcrec_release(&r);
	ck_assert_int_eq(dmarcrec_parse("v=DMARC1", &r), -1);
	ck_assert_int_eq(r.effective_p, DMARCREC_P_UNSET);
	ck_assert_int_eq(nsev(&r, "missing-p"), DMARCREC_ERROR);
	dmarcrec_release(&r);
}
END_TEST

START_TEST(test_dmarcrec_uris_checked)
{
	struct dmarcrec r;

	ck_assert_int_eq(dmarcrec_parse("v=DMARC1; p=none; rua=example.org",
	    &r), -1);
	ck_assert_ptr_nonnull(note(&r, "bad-uri"));
	ck_assert_ptr_nonnull(note(&r, "no-rua"));
	dmarcrec_release(&r);
	ck_assert_int_eq(dmarcrec_parse("v=DMARC1; p=none; "
	    "rua=mailto:a@example.org!10m", &r), 0);
	ck_assert_int_eq(nsev(&r, "bad-uri"), DMARCREC_INFO);
	ck_assert_ptr_null(note(&r, "no-rua"));
	dmarcrec_release(&r);
	ck_assert_int_eq(dmarcrec_parse("v=DMARC1; p=none; "
	    "rua=https://example.org/r", &r), 0);
	ck_assert_int_eq(nsev(&r, "bad-uri"), DMARCREC_WARNING);
	ck_assert_ptr_nonnull(note(&r, "no-rua"));
	dmarcrec_release(&r);
}
END_TEST

START_TEST(test_dmarcrec_notes_bounded_and_quotes_capped)
{
	char rec[8192];
	size_t n;
	struct dmarcrec r;

	n = (size_t)snprintf(rec, sizeof(rec), "v=DMARC1; p=none");
	for (int i = 0; i < 200 && n < sizeof(rec) - 16; i++)
		n += (size_t)snprintf(rec + n, sizeof(rec) - n, "; x%d=1", i);
	dmarcrec_parse(rec, &r);
	ck_assert_uint_eq(r.n_notes, MAX_DMARCREC_NOTES);
	ck_assert(r.notes_dropped);
	dmarcrec_release(&r);
	memset(rec, 'a', 1000);
	memcpy(rec, "v=DMARC1; p=", 12);
	rec[1000] = '\0';
	dmarcrec_parse(rec, &r);
	ck_assert_uint_lt(strlen(ntext(&r, "bad-value")), 200);
	dmarcrec_release(&r);
}
END_TEST

START_TEST(test_dmarcrec_select_one_none_several)
{
	static char spf[] = "v=spf1 -all", hello[] = "hello";
	static char d1[] = "v=DMARC1; p=none", d2[] = "v=DMARC1; p=reject";
	char *one[] = { spf, d1 };
	char *none[] = { spf, hello };
	char *two[] = { d1, d2 };

	ck_assert_int_eq(dmarcrec_select(one, 2), 1);
	ck_assert_int_eq(dmarcrec_select(none, 2), -1);
	ck_assert_int_eq(dmarcrec_select(two, 2), -2);
	ck_assert_int_eq(dmarcrec_select(NULL, 0), -1);
}
END_TEST

/* why and the inferred record for one ignored TXT record */
static void
explain_is(const char *txt, const char *why, const char *fixed)
{
	char w[256];
	char *f = dmarcrec_explain(txt, w, sizeof(w));

	ck_assert_msg(strstr(w, why) != NULL, "%s: why '%s'", txt, w);
	if (fixed == NULL)
		ck_assert_msg(f == NULL, "%s: inferred '%s'", txt, f);
	else {
		ck_assert_msg(f != NULL, "%s: nothing inferred", txt);
		ck_assert_str_eq(f, fixed);
		ck_assert(dmarcrec_is_dmarc(f));
	}
	free(f);
}

START_TEST(test_dmarcrec_explain_ignored_records)
{
	ck_assert(!dmarcrec_is_dmarc("v=DMARC1 p=reject"));
	ck_assert(dmarcrec_is_dmarc("v=DMARC1"));
	ck_assert(dmarcrec_is_dmarc("v=DMARC1;"));
	explain_is("v=DMARC1 p=reject", "'v=DMARC1' is not followed by ';'",
	    "v=DMARC1; p=reject");
	explain_is("v=DMARC1 p=quarantine rua=mailto:a@example.org, "
	    "mailto:b@example.net",
	    "not followed by ';'", "v=DMARC1; p=quarantine; "
	    "rua=mailto:a@example.org, mailto:b@example.net");
	explain_is("p=none; v=DMARC1", "'v=DMARC1' is not the first tag",
	    "v=DMARC1; p=none");
	explain_is("p = reject ;rua=mailto:d@example.org; v = DMARC1 ;",
	    "not the first tag",
	    "v=DMARC1; p=reject; rua=mailto:d@example.org");
	explain_is("v=dmarc1; p=none", "'DMARC1' in upper case",
	    "v=DMARC1; p=none");
	explain_is("v=spf1 -all", "it is an SPF record", NULL);
	explain_is("  V=SPF1 include:_spf.example.org ~all",
	    "it is an SPF record", NULL);
	explain_is("v=DMARC2; p=none", "its version is not DMARC1", NULL);
	explain_is("google-site-verification=abc123",
	    "it does not start with 'v=DMARC1'", NULL);
	explain_is("hello world", "it does not start with 'v=DMARC1'", NULL);
	explain_is("", "it does not start with 'v=DMARC1'", NULL);
}
END_TEST

Suite *
dmarcrec_suite(void)
{
	Suite *s = suite_create("dmarcrec");
	TCase *tc = tcase_create("parse");

	tcase_add_test(tc, test_dmarcrec_valid_full_record);
	tcase_add_test(tc, test_dmarcrec_case_space_and_trailing_separator);
	tcase_add_test(tc, test_dmarcrec_not_dmarc_when_v_not_first);
	tcase_add_test(tc, test_dmarcrec_p_none_and_no_rua_warned);
	tcase_add_test(tc, test_dmarcrec_sp_np_weaker_than_p);
	tcase_add_test(tc, test_dmarcrec_pct_legacy_and_partial);
	tcase_add_test(tc, test_dmarcrec_testing_mode_noted);
	tcase_add_test(tc, test_dmarcrec_bad_values_named_with_offset);
	tcase_add_test(tc, test_dmarcrec_syntax_errors);
	tcase_add_test(tc, test_dmarcrec_duplicate_and_unknown_tags);
	tcase_add_test(tc, test_dmarcrec_missing_p);
	tcase_add_test(tc, test_dmarcrec_uris_checked);
	tcase_add_test(tc, test_dmarcrec_notes_bounded_and_quotes_capped);
	tcase_add_test(tc, test_dmarcrec_select_one_none_several);
	tcase_add_test(tc, test_dmarcrec_explain_ignored_records);
	suite_add_tcase(s, tc);
	return s;
}

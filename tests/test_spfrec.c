/*
 * Tests for report/spfrec.c: every mechanism and modifier with its
 * argument forms, the syntax error classes receivers fail a record for
 * (permerror), the postmaster warnings (+all, ?all, ptr, no all, terms
 * after all, a term glued across two TXT strings, a long record), the
 * lookup count of one record and the choice among several TXT records.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "limits.h"
#include "spfrec.h"

Suite	*spfrec_suite(void);

/* the severity of the note with this code; -1 if absent */
static int
nsev(const struct spfrec *r, const char *code)
{
	const struct recnote *n = recnotes_find(&r->notes, code);

	return n != NULL ? (int)n->sev : -1;
}

/* parses txt without joins; the caller releases r */
static int
parse(const char *txt, struct spfrec *r)
{
	return spfrec_parse(txt, NULL, 0, r);
}

START_TEST(test_spfrec_valid_record_terms_in_order)
{
	struct spfrec r;

	ck_assert_int_eq(parse("v=spf1 ip4:192.0.2.0/24 ip6:2001:db8::/32 "
	    "a mx:mail.example.org/28//64 include:_spf.google.com "
	    "exists:%{i}._spf.example.org ~all", &r), 0);
	ck_assert(r.is_spf && r.valid && r.has_all);
	ck_assert_uint_eq(r.n_terms, 7);
	ck_assert_int_eq(r.terms[0].mech, SPF_IP4);
	ck_assert_int_eq(r.terms[0].cidr4, 24);
	ck_assert_int_eq(r.terms[0].addr[0], 192);
	ck_assert_int_eq(r.terms[0].addr[2], 2);
	ck_assert_int_eq(r.terms[1].mech, SPF_IP6);
	ck_assert_int_eq(r.terms[1].cidr6, 32);
	ck_assert_int_eq(r.terms[1].addr[1], 0x01);
	ck_assert_int_eq(r.terms[1].addr[2], 0x0d);
	ck_assert_int_eq(r.terms[2].mech, SPF_A);
	ck_assert_ptr_null(r.terms[2].domain);
	ck_assert_int_eq(r.terms[2].cidr4, 32);
	ck_assert_int_eq(r.terms[2].cidr6, 128);
	ck_assert_int_eq(r.terms[3].mech, SPF_MX);
	ck_assert_str_eq(r.terms[3].domain, "mail.example.org");
	ck_assert_int_eq(r.terms[3].cidr4, 28);
	ck_assert_int_eq(r.terms[3].cidr6, 64);
	ck_assert_str_eq(r.terms[4].domain, "_spf.google.com");
	ck_assert_int_eq(r.terms[5].mech, SPF_EXISTS);
	ck_assert(r.terms[5].has_macro);
	ck_assert_int_eq(r.terms[6].mech, SPF_ALL);
	ck_assert_int_eq(r.terms[6].qual, SPF_SOFTFAIL);
	ck_assert_uint_eq(r.terms[6].off, strlen("v=spf1 ip4:192.0.2.0/24 "
	    "ip6:2001:db8::/32 a mx:mail.example.org/28//64 "
	    "include:_spf.google.com exists:%{i}._spf.example.org "));
	/* a, mx, include, exists */
	ck_assert_uint_eq(r.n_lookups, 4);
	ck_assert_uint_eq(r.notes.n, 0);
	spfrec_release(&r);
}
END_TEST

START_TEST(test_spfrec_case_qualifiers_and_cidr_forms)
{
	struct spfrec r;

	ck_assert_int_eq(parse("V=SPF1 +A/24 -MX//64 ?Ip4:10.0.0.1 "
	    "a:example.org/0 -ALL", &r), 0);
	ck_assert_uint_eq(r.n_terms, 5);
	ck_assert_int_eq(r.terms[0].qual, SPF_PASS);
	ck_assert_int_eq(r.terms[0].cidr4, 24);
	ck_assert_int_eq(r.terms[0].cidr6, 128);
	ck_assert_int_eq(r.terms[1].qual, SPF_FAIL);
	ck_assert_int_eq(r.terms[1].cidr4, 32);
	ck_assert_int_eq(r.terms[1].cidr6, 64);
	ck_assert_int_eq(r.terms[2].qual, SPF_NEUTRAL);
	ck_assert_int_eq(r.terms[2].cidr4, 32);
	ck_assert_int_eq(r.terms[3].cidr4, 0);
	ck_assert_int_eq(r.terms[4].qual, SPF_FAIL);
	ck_assert_int_eq(spf_qual_char(r.terms[4].qual), '-');
	ck_assert_str_eq(spf_mech_name(r.terms[3].mech), "a");
	spfrec_release(&r);
}
END_TEST

START_TEST(test_spfrec_not_spf)
{
	struct spfrec r;

	ck_assert_int_eq(parse("v=spf10 -all", &r), -1);
	ck_assert(!r.is_spf);
	ck_assert_int_eq(nsev(&r, "not-spf"), RECNOTE_ERROR);
	spfrec_release(&r);
	ck_assert_int_eq(parse("spf1 -all", &r), -1);
	spfrec_release(&r);
	/* the bare version is a valid record that says nothing */
	ck_assert_int_eq(parse("v=spf1", &r), 0);
	ck_assert_int_eq(nsev(&r, "no-all"), RECNOTE_WARNING);
	spfrec_release(&r);
}
END_TEST

/* each of these makes receivers fail the record: permerror */
START_TEST(test_spfrec_syntax_errors_are_errors)
{
	static const struct {
		const char *txt, *code;
	} bad[] = {
		{ "v=spf1 ip:192.0.2.1 -all", "unknown-mechanism" },
		{ "v=spf1 include -all", "syntax" },
		{ "v=spf1 include: -all", "bad-domain" },
		{ "v=spf1 all:x", "syntax" },
		{ "v=spf1 ip4:192.0.2.256 -all", "bad-ip" },
		{ "v=spf1 ip4:192.0.02.1 -all", "bad-ip" },
		{ "v=spf1 ip4:192.0.2 -all", "bad-ip" },
		{ "v=spf1 ip4:192.0.2.0/33 -all", "bad-cidr" },
		{ "v=spf1 ip4:192.0.2.0/024 -all", "bad-cidr" },
		{ "v=spf1 ip6:2001:db8::/129 -all", "bad-cidr" },
		{ "v=spf1 ip6:2001:db8::g -all", "bad-ip" },
		{ "v=spf1 a/33 -all", "bad-cidr" },
		{ "v=spf1 a:example -all", "bad-domain" },
		{ "v=spf1 a:example.123 -all", "bad-domain" },
		{ "v=spf1 a:exa..mple.org -all", "bad-domain" },
		{ "v=spf1 include:b\xc3\xbc" "cher.example -all", "bad-domain" },
		{ "v=spf1 exists:%{z}.example.org -all", "bad-domain" },
		{ "v=spf1 exists:%{i.example.org -all", "bad-domain" },
		{ "v=spf1 exists:%x.example.org -all", "bad-domain" },
		{ "v=spf1 redirect=a.example redirect=b.example",
		    "duplicate-modifier" },
		{ "v=spf1 exp=a.example.org exp=b.example.org -all",
		    "duplicate-modifier" },
		{ "v=spf1 1bad=x -all", "syntax" },
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct spfrec r;

		ck_assert_msg(parse(bad[i].txt, &r) == -1, "%s: accepted",
		    bad[i].txt);
		ck_assert_msg(nsev(&r, bad[i].code) == RECNOTE_ERROR,
		    "%s: no '%s' error (first note: %s)", bad[i].txt,
		    bad[i].code, r.notes.n ? r.notes.v[0].code : "none");
		ck_assert(r.is_spf && !r.valid);
		spfrec_release(&r);
	}
}
END_TEST

START_TEST(test_spfrec_macros_accepted)
{
	struct spfrec r;

	ck_assert_int_eq(parse("v=spf1 exists:%{ir}.%{l1r+-}._spf.%{d} "
	    "include:%{d2}.example.org a:%%.%_.%-.example.org "
	    "redirect=%{d}", &r), 0);
	ck_assert(r.terms[0].has_macro);
	ck_assert(r.terms[1].has_macro);
	ck_assert(r.terms[2].has_macro);
	ck_assert_str_eq(r.redirect, "%{d}");
	/* exists include a redirect */
	ck_assert_uint_eq(r.n_lookups, 4);
	spfrec_release(&r);
}
END_TEST

START_TEST(test_spfrec_all_qualifiers_judged)
{
	struct spfrec r;

	ck_assert_int_eq(parse("v=spf1 mx +all", &r), -1);
	ck_assert_int_eq(nsev(&r, "pass-all"), RECNOTE_ERROR);
	spfrec_release(&r);
	ck_assert_int_eq(parse("v=spf1 mx all", &r), -1);
	ck_assert_int_eq(nsev(&r, "pass-all"), RECNOTE_ERROR);
	spfrec_release(&r);
	ck_assert_int_eq(parse("v=spf1 mx ?all", &r), 0);
	ck_assert_int_eq(nsev(&r, "neutral-all"), RECNOTE_WARNING);
	spfrec_release(&r);
	ck_assert_int_eq(parse("v=spf1 mx -all a", &r), 0);
	ck_assert_int_eq(nsev(&r, "after-all"), RECNOTE_WARNING);
	spfrec_release(&r);
	ck_assert_int_eq(parse("v=spf1 mx ~all redirect=_spf.example.org",
	    &r), 0);
	ck_assert_int_eq(nsev(&r, "redirect-ignored"), RECNOTE_WARNING);
	spfrec_release(&r);
	ck_assert_int_eq(parse("v=spf1 redirect=_spf.example.org", &r), 0);
	ck_assert_int_eq(nsev(&r, "no-all"), -1);
	ck_assert(!r.has_all);
	spfrec_release(&r);
}
END_TEST

START_TEST(test_spfrec_ptr_and_modifiers_noted)
{
	struct spfrec r;

	ck_assert_int_eq(parse("v=spf1 ptr ptr:example.org include=x.example "
	    "foo=bar -all", &r), 0);
	ck_assert_int_eq(nsev(&r, "ptr"), RECNOTE_WARNING);
	ck_assert_int_eq(nsev(&r, "mechanism-as-modifier"), RECNOTE_WARNING);
	ck_assert_int_eq(nsev(&r, "unknown-modifier"), RECNOTE_INFO);
	ck_assert_str_eq(r.terms[1].domain, "example.org");
	/* the two ptr; include= is a modifier, no lookup */
	ck_assert_uint_eq(r.n_lookups, 2);
	spfrec_release(&r);
}
END_TEST

/* "include:a.example" "include:b.example" joins to one bad term */
START_TEST(test_spfrec_term_glued_across_strings)
{
	const char *txt = "v=spf1 include:a.example.orginclude:b.example.org"
	    " -all";
	size_t join = strlen("v=spf1 include:a.example.org");
	const char *ok = "v=spf1 ip4:192.0.2.1 -all";
	size_t mid = strlen("v=spf1 ip4:192.0");
	struct spfrec r;

	ck_assert_int_eq(spfrec_parse(txt, &join, 1, &r), -1);
	ck_assert_int_eq(nsev(&r, "glued-term"), RECNOTE_ERROR);
	ck_assert_ptr_nonnull(strstr(recnotes_find(&r.notes,
	    "glued-term")->text, "end the first string with a space"));
	spfrec_release(&r);
	/* split inside a term that stays one term: valid, and said */
	ck_assert_int_eq(spfrec_parse(ok, &mid, 1, &r), 0);
	ck_assert_int_eq(nsev(&r, "glued-term"), -1);
	ck_assert_int_eq(nsev(&r, "split-term"), RECNOTE_INFO);
	spfrec_release(&r);
	/* "ip4:192.0.2.1" "-all": the second term reads into the first */
	mid = strlen("v=spf1 ip4:192.0.2.1");
	ck_assert_int_eq(spfrec_parse("v=spf1 ip4:192.0.2.1-all", &mid, 1,
	    &r), -1);
	ck_assert_int_eq(nsev(&r, "glued-term"), RECNOTE_ERROR);
	spfrec_release(&r);
	/* a join at a space is how a long record is meant to be split */
	mid = strlen("v=spf1 ");
	ck_assert_int_eq(spfrec_parse(ok, &mid, 1, &r), 0);
	ck_assert_int_eq(nsev(&r, "glued-term"), -1);
	spfrec_release(&r);
}
END_TEST

START_TEST(test_spfrec_lookup_count_over_ten)
{
	struct spfrec r;

	ck_assert_int_eq(parse("v=spf1 a mx include:a.example.org "
	    "include:b.example.org include:c.example.org exists:d.example.org "
	    "ptr a:e.example.org mx:f.example.org include:g.example.org "
	    "-all", &r), 0);
	ck_assert_uint_eq(r.n_lookups, 10);
	spfrec_release(&r);
	ck_assert_int_eq(parse("v=spf1 a mx include:a.example.org "
	    "include:b.example.org include:c.example.org exists:d.example.org "
	    "ptr a:e.example.org mx:f.example.org include:g.example.org "
	    "redirect=h.example.org", &r), -1);
	ck_assert_uint_eq(r.n_lookups, 11);
	ck_assert_int_eq(nsev(&r, "too-many-lookups"), RECNOTE_ERROR);
	spfrec_release(&r);
}
END_TEST

START_TEST(test_spfrec_long_record_and_tabs)
{
	char big[MAX_SPF_RECORD_BYTES + 64];
	size_t n = 0;
	struct spfrec r;

	n += (size_t)snprintf(big, sizeof(big), "v=spf1");
	while (n < 600)
		n += (size_t)snprintf(big + n, sizeof(big) - n,
		    " ip4:192.0.2.%zu", n % 200);
	snprintf(big + n, sizeof(big) - n, " -all");
	ck_assert_int_eq(parse(big, &r), 0);
	ck_assert_int_eq(nsev(&r, "too-long"), RECNOTE_WARNING);
	spfrec_release(&r);
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	memcpy(big, "v=spf1 ", 7);
	ck_assert_int_eq(parse(big, &r), -1);
	ck_assert_int_eq(nsev(&r, "too-long"), RECNOTE_ERROR);
	spfrec_release(&r);
	ck_assert_int_eq(parse("v=spf1 mx\t-all", &r), 0);
	ck_assert_int_eq(nsev(&r, "whitespace"), RECNOTE_WARNING);
	ck_assert_uint_eq(r.n_terms, 2);
	spfrec_release(&r);
}
END_TEST

START_TEST(test_spfrec_terms_and_notes_bounded)
{
	char big[MAX_SPF_RECORD_BYTES];
	size_t n = 6;
	struct spfrec r;

	memcpy(big, "v=spf1", 6);
	while (n + 4 < sizeof(big)) {
		memcpy(big + n, " foo", 4);
		n += 4;
	}
	big[n] = '\0';
	/* thousands of unknown mechanisms: notes stop at the bound */
	parse(big, &r);
	ck_assert_uint_eq(r.notes.n, MAX_RECORD_NOTES);
	ck_assert(r.notes.dropped);
	spfrec_release(&r);
	n = 6;
	while (n + 2 < sizeof(big)) {
		memcpy(big + n, " a", 2);
		n += 2;
	}
	big[n] = '\0';
	ck_assert_int_eq(parse(big, &r), -1);
	ck_assert_uint_eq(r.n_terms, MAX_SPF_TERMS);
	ck_assert_int_eq(nsev(&r, "too-many-terms"), RECNOTE_ERROR);
	spfrec_release(&r);
}
END_TEST

START_TEST(test_spfrec_select_one_none_several)
{
	const char *one[] = { "google-site-verification=x", "v=spf1 -all" };
	const char *none[] = { "v=spf10 -all", "hello" };
	const char *two[] = { "v=spf1 mx -all", "V=SPF1 a -all" };

	ck_assert_int_eq(spfrec_select(one, 2), 1);
	ck_assert_int_eq(spfrec_select(none, 2), -1);
	ck_assert_int_eq(spfrec_select(two, 2), -2);
	ck_assert_int_eq(spfrec_select(NULL, 0), -1);
}
END_TEST

Suite *
spfrec_suite(void)
{
	Suite *s = suite_create("spfrec");
	TCase *tc = tcase_create("parse");

	tcase_add_test(tc, test_spfrec_valid_record_terms_in_order);
	tcase_add_test(tc, test_spfrec_case_qualifiers_and_cidr_forms);
	tcase_add_test(tc, test_spfrec_not_spf);
	tcase_add_test(tc, test_spfrec_syntax_errors_are_errors);
	tcase_add_test(tc, test_spfrec_macros_accepted);
	tcase_add_test(tc, test_spfrec_all_qualifiers_judged);
	tcase_add_test(tc, test_spfrec_ptr_and_modifiers_noted);
	tcase_add_test(tc, test_spfrec_term_glued_across_strings);
	tcase_add_test(tc, test_spfrec_lookup_count_over_ten);
	tcase_add_test(tc, test_spfrec_long_record_and_tabs);
	tcase_add_test(tc, test_spfrec_terms_and_notes_bounded);
	tcase_add_test(tc, test_spfrec_select_one_none_several);
	suite_add_tcase(s, tc);
	return s;
}

/*
 * Tests for ingest/align.c and lib/orgdomain.c: organizational domains
 * through libpsl, strict and relaxed comparison, and the per-record
 * DKIM/SPF alignment and receiver verdict that the store writes.
 */
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "align.h"
#include "rua.h"
#include "orgdomain.h"
#include "xalloc.h"

Suite	*align_suite(void);

/* shorter lines below */
#define ALIGNED(a, b, strict)	orgdomain_aligned((a), (b), (strict))

START_TEST(test_align_relaxed_subdomain)
{
	ck_assert_int_eq(ALIGNED("example.com", "mail.example.com", 0), 1);
	ck_assert_int_eq(ALIGNED("example.com", "mail.example.com", 1), 0);
	ck_assert_int_eq(ALIGNED("example.com", "example.com", 1), 1);
	ck_assert_int_eq(ALIGNED("example.com", "example.net", 0), 0);
	ck_assert_int_eq(ALIGNED("a.example.com", "b.example.com", 0), 1);
}
END_TEST

START_TEST(test_align_public_suffix_boundary)
{
	ck_assert_int_eq(ALIGNED("a.example.co.uk", "b.example.co.uk", 0), 1);
	ck_assert_int_eq(ALIGNED("example.co.uk", "other.co.uk", 0), 0);
	ck_assert_int_eq(ALIGNED("x.example.co.uk", "x.other.co.uk", 0), 0);
	ck_assert_str_eq(orgdomain_of("a.b.example.co.uk"), "example.co.uk");
	ck_assert_str_eq(orgdomain_of("mail.example.com"), "example.com");
	/* a public suffix is its own organizational domain */
	ck_assert_str_eq(orgdomain_of("co.uk"), "co.uk");
	ck_assert_int_eq(ALIGNED("co.uk", "example.co.uk", 0), 0);
}
END_TEST

START_TEST(test_align_case_insensitive)
{
	const char *n = "Mail.EXAMPLE.Com";

	ck_assert_int_eq(ALIGNED("EXAMPLE.com", "mail.example.COM", 0), 1);
	ck_assert_int_eq(ALIGNED("Example.Com", "example.com", 1), 1);
	ck_assert_int_eq(ALIGNED("A.Example.CO.UK", "b.example.co.uk", 0), 1);
	/* the result points into the argument, keeping its case */
	ck_assert_ptr_eq(orgdomain_of(n), n + 5);
	ck_assert_int_eq(ALIGNED("example.com.", "example.com", 1), 1);
	/* nothing aligns with a missing or empty name */
	ck_assert_int_eq(ALIGNED(NULL, "example.com", 0), 0);
	ck_assert_int_eq(ALIGNED("example.com", "", 0), 0);
	ck_assert_str_eq(orgdomain_of(NULL), "");
}
END_TEST

START_TEST(test_align_null_and_empty)
{
	ck_assert_int_eq(orgdomain_aligned(NULL, "example.com", 0), 0);
	ck_assert_int_eq(orgdomain_aligned("example.com", NULL, 1), 0);
	ck_assert_int_eq(orgdomain_aligned("", "", 0), 0);
	ck_assert_str_eq(orgdomain_of(""), "");
}
END_TEST

/* issue 12 point 3: U-labels and A-labels are one name */
START_TEST(test_align_ulabel_and_alabel_are_the_same_name)
{
	ck_assert_int_eq(ALIGNED("bücher.example", "xn--bcher-kva.example",
	    1), 1);
	ck_assert_int_eq(ALIGNED("xn--bcher-kva.example", "bücher.example",
	    0), 1);
	ck_assert_int_eq(ALIGNED("BÜCHER.example", "XN--BCHER-KVA.EXAMPLE",
	    1), 1);
	ck_assert_int_eq(ALIGNED("bücher.example.", "xn--bcher-kva.example",
	    1), 1);
	/* relaxed: subdomains in either form, the PSL boundary in A-labels */
	ck_assert_int_eq(ALIGNED("mail.bücher.example",
	    "xn--bcher-kva.example", 0), 1);
	ck_assert_int_eq(ALIGNED("mail.bücher.example",
	    "xn--bcher-kva.example", 1), 0);
	ck_assert_int_eq(ALIGNED("bücher.co.uk", "news.xn--bcher-kva.co.uk",
	    0), 1);
	ck_assert_int_eq(ALIGNED("bücher.co.uk", "bucher.co.uk", 0), 0);
	/* non-transitional: ß stays ß (xn--zca), it is not "ss" */
	ck_assert_int_eq(ALIGNED("straße.example", "xn--strae-oqa.example",
	    1), 1);
	ck_assert_int_eq(ALIGNED("straße.example", "strasse.example", 0), 0);
	/* the organizational domain keeps the spelling it was given */
	ck_assert_str_eq(orgdomain_of("mail.bücher.co.uk"), "bücher.co.uk");
	ck_assert_str_eq(orgdomain_of("mail.xn--bcher-kva.co.uk"),
	    "xn--bcher-kva.co.uk");
}
END_TEST

/* a name that is no IDN aligns only with its own spelling, never crashes */
START_TEST(test_align_invalid_idn_only_matches_itself)
{
	char longlabel[200] = "";

	for (size_t i = 0; i < 60; i++)
		memcpy(longlabel + 2 * i, "ü", 2);
	memcpy(longlabel + 120, ".example", sizeof(".example"));
	ck_assert_int_eq(ALIGNED("xn--zz.example", "xn--zz.example", 1), 1);
	ck_assert_int_eq(ALIGNED("xn--zz.example", "zz.example", 0), 0);
	ck_assert_int_eq(ALIGNED("a☃b.example", "xn--ab-xxx.example", 0), 0);
	ck_assert_int_eq(ALIGNED(longlabel, "example", 0), 0);
	ck_assert_int_eq(ALIGNED(longlabel, longlabel, 1), 1);
	ck_assert_ptr_eq(orgdomain_of(longlabel), longlabel);
}
END_TEST

static void
setw(struct word *w, const char *raw, const char *norm)
{
	w->raw = raw != NULL ? xstrdup(raw) : NULL;
	w->norm = norm;
}

static void
add_dkim(struct record *r, const char *domain, const char *result)
{
	r->dkim = xreallocarray(r->dkim, r->n_dkim + 1, sizeof(*r->dkim));
	memset(&r->dkim[r->n_dkim], 0, sizeof(r->dkim[0]));
	r->dkim[r->n_dkim].domain = xstrdup(domain);
	setw(&r->dkim[r->n_dkim].result, result, result);
	r->n_dkim++;
}

static void
add_spf(struct record *r, const char *domain, const char *scope,
    const char *result)
{
	r->spf = xreallocarray(r->spf, r->n_spf + 1, sizeof(*r->spf));
	memset(&r->spf[r->n_spf], 0, sizeof(r->spf[0]));
	r->spf[r->n_spf].domain = xstrdup(domain);
	setw(&r->spf[r->n_spf].scope, scope, scope);
	setw(&r->spf[r->n_spf].result, result, result);
	r->n_spf++;
}

static void
policy_init(struct policy *p, const char *adkim, const char *aspf)
{
	memset(p, 0, sizeof(*p));
	p->pct = -1;
	setw(&p->adkim, adkim, adkim);
	setw(&p->aspf, aspf, aspf);
}

static void
policy_free(struct policy *p)
{
	word_release(&p->adkim);
	word_release(&p->aspf);
}

START_TEST(test_align_dkim_pass_other_domain)
{
	struct policy pol;
	struct record r;

	policy_init(&pol, NULL, NULL);
	record_init(&r);
	r.header_from = xstrdup("example.com");
	add_dkim(&r, "esp.example.net", "pass");
	add_dkim(&r, "example.com", "fail");
	add_spf(&r, "bounce.esp.example.net", "mfrom", "pass");
	align_record(&pol, &r);
	ck_assert_int_eq(r.dkim_aligned, 0);
	ck_assert_int_eq(r.spf_aligned, 0);
	ck_assert_int_eq(r.dmarc_pass, 0);
	add_dkim(&r, "selector.example.com", "pass");
	align_record(&pol, &r);
	ck_assert_int_eq(r.dkim_aligned, 1);
	ck_assert_int_eq(r.dmarc_pass, 1);
	record_release(&r);
	policy_free(&pol);
}
END_TEST

START_TEST(test_align_strict_policy)
{
	struct policy pol;
	struct record r;

	policy_init(&pol, "s", "s");
	record_init(&r);
	r.header_from = xstrdup("example.com");
	add_dkim(&r, "mail.example.com", "pass");
	add_spf(&r, "bounce.example.com", NULL, "pass");
	align_record(&pol, &r);
	ck_assert_int_eq(r.dkim_aligned, 0);
	ck_assert_int_eq(r.spf_aligned, 0);
	policy_free(&pol);
	policy_init(&pol, "r", "r");
	align_record(&pol, &r);
	ck_assert_int_eq(r.dkim_aligned, 1);
	/* absent scope counts as mfrom */
	ck_assert_int_eq(r.spf_aligned, 1);
	record_release(&r);
	policy_free(&pol);
}
END_TEST

START_TEST(test_align_spf_helo_not_aligned)
{
	struct policy pol;
	struct record r;

	policy_init(&pol, NULL, NULL);
	record_init(&r);
	r.header_from = xstrdup("example.com");
	add_spf(&r, "example.com", "helo", "pass");
	add_spf(&r, "example.com", "mfrom", "softfail");
	align_record(&pol, &r);
	ck_assert_int_eq(r.spf_aligned, 0);
	ck_assert_int_eq(r.dmarc_pass, 0);
	add_spf(&r, "example.com", "mfrom", "pass");
	align_record(&pol, &r);
	ck_assert_int_eq(r.spf_aligned, 1);
	record_release(&r);
	policy_free(&pol);
}
END_TEST

START_TEST(test_align_no_header_from)
{
	struct policy pol;
	struct record r;

	policy_init(&pol, NULL, NULL);
	record_init(&r);
	add_dkim(&r, "example.com", "pass");
	add_spf(&r, "example.com", "mfrom", "pass");
	align_record(&pol, &r);
	ck_assert_int_eq(r.dkim_aligned, 0);
	ck_assert_int_eq(r.spf_aligned, 0);
	ck_assert_int_eq(r.dmarc_pass, 0);
	record_release(&r);
	policy_free(&pol);
}
END_TEST

/*
 * issue 12 point 3: header_from and the auth domains in mixed forms align
 * in both modes, so the receiver's pass is not flagged as a disagreement
 */
START_TEST(test_align_record_mixed_idn_forms)
{
	struct policy pol;
	struct record r;

	for (int strict = 0; strict <= 1; strict++) {
		policy_init(&pol, strict ? "s" : "r", strict ? "s" : "r");
		record_init(&r);
		r.header_from = xstrdup("bücher.example");
		add_dkim(&r, "xn--bcher-kva.example", "pass");
		add_spf(&r, "XN--BCHER-KVA.example", "mfrom", "pass");
		setw(&r.eval_dkim, "pass", "pass");
		align_record(&pol, &r);
		ck_assert_int_eq(r.dkim_aligned, 1);
		ck_assert_int_eq(r.spf_aligned, 1);
		ck_assert_int_eq(r.dmarc_pass, r.receiver_pass);
		record_release(&r);
		record_init(&r);
		r.header_from = xstrdup("xn--bcher-kva.example");
		add_dkim(&r, strict ? "BÜCHER.example" : "mail.bücher.example",
		    "pass");
		align_record(&pol, &r);
		ck_assert_int_eq(r.dkim_aligned, 1);
		record_release(&r);
		policy_free(&pol);
	}
}
END_TEST

START_TEST(test_align_receiver_verdict)
{
	struct policy pol;
	struct record r;

	policy_init(&pol, NULL, NULL);
	record_init(&r);
	align_record(&pol, &r);
	ck_assert_int_eq(r.receiver_pass, -1);
	setw(&r.eval_dkim, "fail", "fail");
	align_record(&pol, &r);
	ck_assert_int_eq(r.receiver_pass, 0);
	setw(&r.eval_spf, "pass", "pass");
	align_record(&pol, &r);
	ck_assert_int_eq(r.receiver_pass, 1);
	word_release(&r.eval_dkim);
	word_release(&r.eval_spf);
	/* a word we could not map is unknown, not a failure */
	setw(&r.eval_spf, "bogus", NULL);
	align_record(&pol, &r);
	ck_assert_int_eq(r.receiver_pass, -1);
	record_release(&r);
	policy_free(&pol);
}
END_TEST

Suite *
align_suite(void)
{
	Suite *s = suite_create("align");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_align_relaxed_subdomain);
	tcase_add_test(tc, test_align_public_suffix_boundary);
	tcase_add_test(tc, test_align_case_insensitive);
	tcase_add_test(tc, test_align_null_and_empty);
	tcase_add_test(tc, test_align_dkim_pass_other_domain);
	tcase_add_test(tc, test_align_strict_policy);
	tcase_add_test(tc, test_align_spf_helo_not_aligned);
	tcase_add_test(tc, test_align_no_header_from);
	tcase_add_test(tc, test_align_receiver_verdict);
	tcase_add_test(tc, test_align_ulabel_and_alabel_are_the_same_name);
	tcase_add_test(tc, test_align_invalid_idn_only_matches_itself);
	tcase_add_test(tc, test_align_record_mixed_idn_forms);
	suite_add_tcase(s, tc);
	return s;
}

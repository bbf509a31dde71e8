/*
 * report/render_html.c and render_digest_text.c on hostile data: markup
 * in org_name, the policy domain, DKIM domains and selectors, SPF domains
 * and human_result (tests/data/html/) renders as text.  No tag of the HTML
 * holds a URL, a script or an event handler; no external URL at all
 * outside text; the text output carries no escape byte; Markdown no raw
 * tag.  Also: the sample digest is one self-contained file.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <check.h>

#include "testutil.h"

Suite *html_suite(void);

#define NOW	"1795417200"	/* 2026-11-23 07:00 UTC */

static int
digest(const char *dir, const char *fmt, char **out)
{
	char cmd[4096], *tmp = tu_tmpdir();
	int rc;

	snprintf(cmd, sizeof(cmd), "'%s' --db '%s/t.db' '%s' >/dev/null 2>&1 "
	    "&& '%s' digest --db '%s/t.db' --now " NOW " --no-dns --format %s",
	    TEST_INGEST_BIN, tmp, dir, TEST_REPORT_BIN, tmp, fmt);
	rc = tu_run(cmd, out);
	tu_rmtree(tmp);
	free(tmp);
	return rc;
}

/* strcasestr, which is not standard C or POSIX */
static const char *
ci_find(const char *h, const char *n)
{
	size_t k = strlen(n);

	for (; *h != '\0'; h++)
		if (strncasecmp(h, n, k) == 0)
			return h;
	return NULL;
}

/* fails if a tag (between < and >) holds s, case-insensitively */
static void
no_tag_holds(const char *html, const char *s)
{
	const char *p = html, *end;
	size_t n = strlen(s);

	while ((p = strchr(p, '<')) != NULL) {
		end = strchr(p, '>');
		ck_assert_ptr_nonnull(end);
		for (const char *q = p; q + n <= end; q++)
			ck_assert_msg(strncasecmp(q, s, n) != 0,
			    "a tag holds '%s': %.120s", s, p);
		p = end + 1;
	}
}

START_TEST(test_html_hostile_strings_render_as_text)
{
	char *out = NULL, *dir = tu_data("html");

	ck_assert_int_eq(digest(dir, "html", &out), 0);
	ck_assert_ptr_null(ci_find(out, "<script"));
	ck_assert_ptr_null(ci_find(out, "<img"));
	/* the hostile values are there, as text */
	ck_assert_ptr_nonnull(strstr(out, "&lt;script&gt;alert(1)&lt;/script&gt;"
	    "&lt;img src=https:"));
	ck_assert_ptr_nonnull(strstr(out, "&lt;img src=x onerror=alert(4)"
	    "&gt;.example"));
	no_tag_holds(out, "http:");
	no_tag_holds(out, "https:");
	no_tag_holds(out, "//");
	no_tag_holds(out, "onerror");
	no_tag_holds(out, "onload");
	no_tag_holds(out, "src=");
	no_tag_holds(out, "href=");
	free(out);
	free(dir);
}
END_TEST

START_TEST(test_html_text_and_markdown_defuse_too)
{
	char *out = NULL, *dir = tu_data("html"), *p, *nl;

	ck_assert_int_eq(digest(dir, "text", &out), 0);
	ck_assert_ptr_null(strchr(out, '\x1b'));
	ck_assert_ptr_nonnull(strstr(out, "<script>alert(1)</script>"));
	free(out);
	ck_assert_int_eq(digest(dir, "markdown", &out), 0);
	/* no '<' outside indented code blocks, which Markdown keeps literal */
	for (p = out; p != NULL && *p != '\0'; p = nl ? nl + 1 : NULL) {
		nl = strchr(p, '\n');
		if (strncmp(p, "    ", 4) != 0)
			ck_assert_msg(memchr(p, '<', nl ? (size_t)(nl - p) :
			    strlen(p)) == NULL, "raw '<': %.80s", p);
	}
	ck_assert_ptr_nonnull(strstr(out, "&lt;script&gt;alert(1)"));
	/* a URL cannot become a link; a domain or address is left alone */
	ck_assert_ptr_nonnull(strstr(out, "src=https\\://evil.example/x.png"));
	ck_assert_ptr_nonnull(strstr(out, "\n- 192.0.2.67 (not looked up), "
	    "unknown service: 3 failing"));
	ck_assert_ptr_null(strstr(out, "\\."));
	free(out);
	free(dir);
}
END_TEST

START_TEST(test_html_sample_digest_is_self_contained)
{
	char *out = NULL, dir[600];

	snprintf(dir, sizeof(dir), "%s/samples", TEST_SOURCE_DIR);
	ck_assert_int_eq(digest(dir, "html", &out), 0);
	ck_assert(strncmp(out, "<!DOCTYPE html>", 15) == 0);
	ck_assert_ptr_null(strstr(out, "http:"));
	ck_assert_ptr_null(strstr(out, "https:"));
	ck_assert_ptr_null(strstr(out, "//"));
	ck_assert_ptr_null(ci_find(out, "<script"));
	ck_assert_ptr_null(ci_find(out, "<link"));
	ck_assert_ptr_null(ci_find(out, "url(http"));
	/* three charts per domain, each with a title */
	ck_assert_ptr_nonnull(strstr(out, "<title id=\"c0-day-t\">"));
	ck_assert_ptr_nonnull(strstr(out, "<title id=\"c0-src-t\">"));
	ck_assert_ptr_nonnull(strstr(out, "<title id=\"c0-trend-t\">"));
	ck_assert_ptr_nonnull(strstr(out, "71.3% of 2,695 messages passed "
	    "DMARC"));
	/*
	 * 7 days of reports only, but a known blocker: 657 of 4323
	 * legitimate-looking messages (15.20%) fail, SendGrid aligns 40%.
	 */
	ck_assert_ptr_null(strstr(out, "NOT ENOUGH DATA"));
	ck_assert_ptr_nonnull(strstr(out, ">NOT READY</span> (and only 7 days "
	    "of data)"));
	ck_assert_ptr_nonnull(strstr(out, "<b>First to fix for example.org:"
	    "</b> 167.89.100.12 (SendGrid), 657 failing messages: only 40.1% "
	    "of its mail aligns"));
	free(out);
	/* --no-dns and no stored lookup: the record keeps a rua= to fill */
	ck_assert_int_eq(digest(dir, "text", &out), 0);
	ck_assert_ptr_nonnull(strstr(out, "rejected inputs.\n\nFirst to fix "
	    "for example.org: 167.89.100.12 (SendGrid), 657 failing messages: "
	    "only 40.1% of its mail aligns: find the mail stream it sends "
	    "differently\n"));
	ck_assert_ptr_nonnull(strstr(out, "NOT READY (and only 7 days of "
	    "data), current step none\n"));
	ck_assert_ptr_nonnull(strstr(out, "_dmarc.example.org. IN TXT "
	    "\"v=DMARC1; p=quarantine; t=y; pct=0; "
	    "rua=mailto:YOUR-RUA-ADDRESS\"\n"));
	ck_assert_ptr_nonnull(strstr(out, "replace YOUR-RUA-ADDRESS with the "
	    "address that receives these reports"));
	free(out);
}
END_TEST

/* out with every <svg>...</svg> element cut out, in place */
static void
strip_svg(char *out)
{
	char *a, *b;

	while ((a = strstr(out, "<svg")) != NULL) {
		ck_assert_ptr_nonnull(b = strstr(a, "</svg>"));
		memmove(a, b + 6, strlen(b + 6) + 1);
	}
}

/*
 * Each chart's numbers stay in HTML once the SVG is gone (Gmail,
 * Outlook): the per-day table (2026-11-16: 636 passed, 275 failed, as the
 * text digest says), the top sources (209.85.220.41, 1,287 messages, all
 * passing) and the weeks; and the top failing mailing list 192.0.2.77
 * says nothing is to be fixed, in HTML and text alike.
 */
START_TEST(test_html_charts_keep_numbers_without_svg)
{
	char *out = NULL, dir[600];
	const char *p;

	snprintf(dir, sizeof(dir), "%s/samples", TEST_SOURCE_DIR);
	ck_assert_int_eq(digest(dir, "html", &out), 0);
	strip_svg(out);
	ck_assert_ptr_nonnull(p = strstr(out, "Messages per day</h3>"));
	ck_assert_ptr_nonnull(p = strstr(p, ">Day (UTC)</th>"));
	ck_assert_ptr_nonnull(p = strstr(p, ">2026-11-16</td>"));
	ck_assert_ptr_nonnull(p = strstr(p, ">636</td>"));
	ck_assert_ptr_nonnull(p = strstr(p, ">275</td>"));
	ck_assert_ptr_nonnull(p = strstr(p, "Top sources by volume</h3>"));
	ck_assert_ptr_nonnull(p = strstr(p, "<code>209.85.220.41</code>"));
	ck_assert_ptr_nonnull(p = strstr(p, ">1,287</td>"));
	ck_assert_ptr_nonnull(p = strstr(p, ">100.0%</td>"));
	ck_assert_ptr_nonnull(p = strstr(p, "last 8 weeks</h3>"));
	ck_assert_ptr_nonnull(p = strstr(p, ">Week of</th>"));
	ck_assert_ptr_nonnull(strstr(p, ">2026-11-16</td>"));
	ck_assert_ptr_nonnull(p = strstr(out, "<code style=\"word-break:"
	    "break-all\">192.0.2.77</code>"));
	ck_assert_ptr_nonnull(p = strstr(p, "forwarder or mailing list: "
	    "nothing to fix"));
	ck_assert_ptr_null(strstr(out, "hide-s"));
	free(out);
	ck_assert_int_eq(digest(dir, "text", &out), 0);
	ck_assert_ptr_nonnull(strstr(out, "- 2026-11-16: 636 / 275\n"));
	ck_assert_ptr_nonnull(strstr(out, "- 192.0.2.77 (not looked up), "
	    "unknown service: 62 failing, 0.0% pass; forwarder or mailing "
	    "list: nothing to fix"));
	free(out);
}
END_TEST

Suite *
html_suite(void)
{
	Suite *s = suite_create("html");
	TCase *tc = tcase_create("html");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_html_hostile_strings_render_as_text);
	tcase_add_test(tc, test_html_text_and_markdown_defuse_too);
	tcase_add_test(tc, test_html_sample_digest_is_self_contained);
	tcase_add_test(tc, test_html_charts_keep_numbers_without_svg);
	suite_add_tcase(s, tc);
	return s;
}

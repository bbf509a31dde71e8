/*
 * report/digest.c and digest_changes.c: the trend logic of the weekly
 * digest on a fixture database spanning three ISO weeks (tests/data/
 * digest/, ingested by dmarc-ingest) plus dmarc_lookup rows inserted here
 * for the record change.  Expectations are computed by hand below.
 *
 * d.example (reporter Alpha unless said otherwise):
 *   W45 (11-03)  198.51.100.1 100 pass (s=a); 198.51.100.2 50 pass (s=b)
 *   W46 (11-10)  .1 100 pass (s=a); .2 40 pass (s=b); Beta: .1 10 pass
 *   W47 (11-17)  .1 95 pass (s=c, new) + 5 fail; .2 20 pass + 20 fail;
 *                203.0.113.5 30 fail, SPF pass for bounces.sendgrid.net
 * quiet.example: W45 only (7 messages from Alpha).
 * So in W47: 170 messages, 115 pass; W46 150/150; W45 150/150.
 *   new source    203.0.113.5 (not in W43..W46)
 *   new service   SendGrid (spf bounces.sendgrid.net)
 *   drop          .2 from 100% (40) to 50% (40): 50 points; .1 lost only
 *                 5 points (110 -> 100 messages at 95%): not a drop
 *   new selector  d.example s=c (95 messages); s=b passed before
 *   silent        Beta (d.example), Alpha (quiet.example)
 *   quiet         quiet.example
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>
#include <sqlite3.h>

#include "../report/model.h"
#include "classify.h"
#include "db.h"
#include "digest.h"
#include "dns.h"
#include "testutil.h"

Suite *digest_suite(void);

#define W47	1794787200LL	/* 2026-11-16, Monday of ISO week 47 */
#define WEEK	(7 * 86400LL)

static char *tmp;
static char dbpath[600];

static void
setup(void)
{
	tmp = tu_tmpdir();
	snprintf(dbpath, sizeof(dbpath), "%s/t.db", tmp);
	tu_fixture_db(dbpath, "tests/data/digest", 0);
	tu_stored_lookup(dbpath, "d.example", 1794268800LL, "found",
	    "v=DMARC1; p=none; rua=mailto:r@d.example");
	tu_stored_lookup(dbpath, "d.example", 1794700000LL, "dns-error", NULL);
	tu_stored_lookup(dbpath, "d.example", 1794900000LL, "found",
	    "v=DMARC1; p=quarantine; rua=mailto:r@d.example");
	tu_stored_lookup(dbpath, "quiet.example", 1794268800LL, "found",
	    "v=DMARC1; p=reject");
	tu_stored_lookup(dbpath, "quiet.example", 1794900000LL, "found",
	    "v=DMARC1; p=reject");
}

static void
teardown(void)
{
	tu_rmtree(tmp);
	free(tmp);
}

/* builds the W47 digest with the built-in services and dns (or NULL) */
static void
build_dns(struct digest *d, struct classify *cl, const char *const *doms,
    size_t n, struct dns *dns)
{
	struct digest_opts o;
	struct window w = { W47, W47 + WEEK };
	char err[512];
	struct rdb *db = rdb_open(dbpath, RDB_READ, err, sizeof(err));

	ck_assert_msg(db != NULL, "%s", err);
	classify_init(cl);
	ck_assert_int_eq(classify_builtin(cl, err, sizeof(err)), 0);
	memset(&o, 0, sizeof(o));
	readiness_opts_init(&o.ro);
	o.services = cl;
	o.domains = doms;
	o.n_domains = n;
	o.now = W47 + WEEK + 3600;
	ck_assert_msg(digest_build(db, dns, &w, &o, d, err, sizeof(err)) == 0,
	    "%s", err);
	rdb_close(db);
}

/* the same without DNS */
static void
build(struct digest *d, struct classify *cl, const char *const *doms,
    size_t n)
{
	build_dns(d, cl, doms, n, NULL);
}

#define near(a, b) ck_assert_msg((a) > (b) - 1e-6 && (a) < (b) + 1e-6, \
	"%s = %f, expected %f", #a, (double)(a), (double)(b))

START_TEST(test_digest_new_sources_services_and_selectors)
{
	struct digest d;
	struct classify cl;
	const struct ddomain *dd;

	build(&d, &cl, NULL, 0);
	ck_assert_uint_eq(d.n_domains, 2);
	dd = &d.domains[0];
	ck_assert_str_eq(dd->domain, "d.example");
	near(dd->cur->t.messages, 170);
	near(dd->cur->t.dmarc_pass, 115);
	ck_assert_uint_eq(dd->new_sources.n, 1);
	ck_assert_str_eq(dd->new_sources.v[0].src->ip, "203.0.113.5");
	ck_assert_str_eq(dd->new_sources.v[0].service, "SendGrid");
	ck_assert_uint_eq(dd->n_new_services, 1);
	ck_assert_str_eq(dd->new_services[0], "SendGrid");
	ck_assert_uint_eq(dd->n_new_selectors, 1);
	ck_assert_str_eq(dd->new_selectors[0].d, "d.example");
	ck_assert_str_eq(dd->new_selectors[0].selector, "c");
	near(dd->new_selectors[0].messages, 95);
	ck_assert_uint_eq(d.n_new_sources, 1);
	digest_release(&d);
	classify_release(&cl);
}
END_TEST

START_TEST(test_digest_drop_needs_ten_points_and_volume)
{
	struct digest d;
	struct classify cl;
	const struct ddomain *dd;

	build(&d, &cl, NULL, 0);
	dd = &d.domains[0];
	ck_assert_uint_eq(dd->drops.n, 1);
	ck_assert_str_eq(dd->drops.v[0].src->ip, "198.51.100.2");
	near(dd->drops.v[0].prev_pct, 100);
	near(dd->drops.v[0].pass_pct, 50);
	near(dd->drops.v[0].prev_messages, 40);
	/* failing sources, largest first */
	ck_assert_uint_eq(dd->failing.n, 3);
	ck_assert_str_eq(dd->failing.v[0].src->ip, "203.0.113.5");
	ck_assert_str_eq(dd->failing.v[1].src->ip, "198.51.100.2");
	ck_assert_str_eq(dd->failing.v[2].src->ip, "198.51.100.1");
	near(dd->failing.v[2].key, 5);
	digest_release(&d);
	classify_release(&cl);
}
END_TEST

START_TEST(test_digest_history_and_trend)
{
	struct digest d;
	struct classify cl;
	const struct ddomain *dd;
	char t[64];
	int i;

	build(&d, &cl, NULL, 0);
	dd = &d.domains[0];
	for (i = 0; i < 5; i++)
		near(dd->hist_messages[i], 0);
	near(dd->hist_messages[5], 150);
	near(dd->hist_messages[6], 150);
	near(dd->hist_pass[6], 150);
	near(dd->hist_messages[7], 170);
	near(dd->hist_pass[7], 115);
	/* 115/170 = 67.647%, 100% before: down 32.4 points */
	ck_assert_int_eq(digest_trend(dd, t, sizeof(t)), -1);
	ck_assert_str_eq(t, "-32.4 pts");
	/* the Tuesday holds everything */
	ck_assert_int_eq(dd->n_days, 7);
	near(dd->day_pass[1], 115);
	near(dd->day_fail[1], 55);
	near(dd->day_pass[0] + dd->day_fail[0], 0);
	digest_release(&d);
	classify_release(&cl);
}
END_TEST

START_TEST(test_digest_heartbeat_silent_reporters_and_quiet_domain)
{
	struct digest d;
	struct classify cl;
	char **s;
	size_t n, i;
	int said = 0;

	build(&d, &cl, NULL, 0);
	ck_assert_uint_eq(d.domains[0].n_silent, 1);
	ck_assert_str_eq(d.domains[0].silent[0], "Beta");
	ck_assert_int_eq(d.domains[0].quiet, 0);
	ck_assert_str_eq(d.domains[1].domain, "quiet.example");
	ck_assert_int_eq(d.domains[1].quiet, 1);
	ck_assert_ptr_null(d.domains[1].cur);
	ck_assert_uint_eq(d.domains[1].n_silent, 1);
	ck_assert_str_eq(d.domains[1].silent[0], "Alpha");
	s = digest_sentences(&d, &d.domains[1], &n);
	for (i = 0; i < n; i++) {
		if (strstr(s[i], "No reports at all this week") != NULL)
			said = 1;
		free(s[i]);
	}
	free(s);
	ck_assert_int_eq(said, 1);
	digest_release(&d);
	classify_release(&cl);
}
END_TEST

/*
 * The latest stored lookup of d.example sends rua to a host that did not
 * authorize it: the heartbeat and the policy line say reports cannot
 * arrive and what to publish.
 */
START_TEST(test_digest_unauthorized_rua_in_heartbeat_and_policy)
{
	struct digest d;
	struct classify cl;
	struct digest_opts o;
	struct window w = { W47, W47 + WEEK };
	struct dns_opts dop;
	struct dns *dns;
	char err[512], **s;
	size_t n, i;
	int said = 0;
	struct rdb *db;
	sqlite3 *h;

	ck_assert_int_eq(sqlite3_open(dbpath, &h), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(h, "INSERT INTO dmarc_lookup (domain, "
	    "looked_up_at, status, record_domain, raw_record, report_dests) "
	    "VALUES ('d.example', 1794950000, 'found', 'd.example', "
	    "'v=DMARC1; p=none; rua=mailto:r@elsewhere.test', "
	    "'rua not-authorized elsewhere.test mailto:r@elsewhere.test\n')",
	    NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(h);
	memset(&dop, 0, sizeof(dop));
	dop.db_path = dbpath;
	dop.no_dns = 1;
	ck_assert_ptr_nonnull(dns = dns_new(&dop, err, sizeof(err)));
	db = rdb_open(dbpath, RDB_READ, err, sizeof(err));
	ck_assert_msg(db != NULL, "%s", err);
	classify_init(&cl);
	ck_assert_int_eq(classify_builtin(&cl, err, sizeof(err)), 0);
	memset(&o, 0, sizeof(o));
	readiness_opts_init(&o.ro);
	o.services = &cl;
	o.now = W47 + WEEK + 3600;
	ck_assert_msg(digest_build(db, dns, &w, &o, &d, err, sizeof(err)) ==
	    0, "%s", err);
	ck_assert_str_eq(d.domains[0].live_policy, "p=none (rua not "
	    "authorized)");
	s = digest_sentences(&d, &d.domains[0], &n);
	for (i = 0; i < n; i++) {
		if (strcmp(s[i], "Reports cannot arrive: rua destination not "
		    "authorized: publish `d.example._report._dmarc."
		    "elsewhere.test TXT \"v=DMARC1\"` (or `*._report._dmarc."
		    "elsewhere.test TXT \"v=DMARC1\"` for every domain): "
		    "receivers send no aggregate report to "
		    "mailto:r@elsewhere.test") == 0)
			said = 1;
		free(s[i]);
	}
	free(s);
	ck_assert_int_eq(said, 1);
	digest_release(&d);
	classify_release(&cl);
	rdb_close(db);
	dns_free(dns);
}
END_TEST

START_TEST(test_digest_domain_asked_for_without_reports_is_quiet)
{
	static const char *const doms[] = { "absent.example", "d.example" };
	struct digest d;
	struct classify cl;

	build(&d, &cl, doms, 2);
	ck_assert_uint_eq(d.n_domains, 2);
	ck_assert_str_eq(d.domains[0].domain, "absent.example");
	ck_assert_int_eq(d.domains[0].quiet, 1);
	ck_assert_int_eq(d.domains[0].first, 1);
	ck_assert_uint_eq(d.domains[0].new_sources.n, 0);
	near(d.messages, 170);
	digest_release(&d);
	classify_release(&cl);
}
END_TEST

START_TEST(test_digest_record_change_from_lookup_history)
{
	struct digest d;
	struct classify cl;
	const struct ddomain *dd;

	build(&d, &cl, NULL, 0);
	dd = &d.domains[0];
	ck_assert_int_eq(dd->record_changed, 1);
	ck_assert_str_eq(dd->record_old,
	    "v=DMARC1; p=none; rua=mailto:r@d.example");
	ck_assert_str_eq(dd->record_new,
	    "v=DMARC1; p=quarantine; rua=mailto:r@d.example");
	ck_assert_int_eq(dd->record_changed_at, 1794900000LL);
	/* the same record looked up twice is no change */
	ck_assert_int_eq(d.domains[1].record_changed, 0);
	digest_release(&d);
	classify_release(&cl);
}
END_TEST

/*
 * DNS health from stored checks.  d.example, checked 2026-11-18 00:00
 * (1794960000), then 2026-11-23 00:00 (1795392000), then after the run
 * (1795400000, the run being 1795395600: left out):
 *   before  ok dmarc, error spf too-many-lookups, warning dkim weak-key
 *           s1, warning mx no-mta-sts, warning spf soft-fail
 *   newest  ok dmarc, error dkim weak-key s1, warning mx no-mta-sts,
 *           error spf not-authorized 203.0.113.5, ok spf soft-fail,
 *           info mx no-bimi
 * So the newest has 2 errors and 1 warning; new: not-authorized (no
 * match before); changed: weak-key warning -> error; fixed: soft-fail
 * (matched, now ok; listed with its old text) and too-many-lookups (gone);
 * still: no-mta-sts; no-bimi is information, no line.  quiet.example has
 * one check (a warning): its problem is listed as it is.
 */
static const struct tu_check_item hc_before[] = {
	{ "ok", "dmarc", "record", "_dmarc.d.example", "p=none" },
	{ "error", "spf", "too-many-lookups", "d.example", "12 lookups" },
	{ "warning", "dkim", "weak-key", "s1._domainkey.d.example",
	    "1024 bits" },
	{ "warning", "mx", "no-mta-sts", "d.example", "no MTA-STS" },
	{ "warning", "spf", "soft-fail", "d.example", "~all" },
};
static const struct tu_check_item hc_newest[] = {
	{ "ok", "dmarc", "record", "_dmarc.d.example", "p=none" },
	{ "error", "dkim", "weak-key", "s1._domainkey.d.example",
	    "512 bits" },
	{ "warning", "mx", "no-mta-sts", "d.example", "no MTA-STS" },
	{ "error", "spf", "not-authorized", "203.0.113.5", "SendGrid" },
	{ "ok", "spf", "soft-fail", "d.example", "-all" },
	{ "info", "mx", "no-bimi", "d.example", "no BIMI" },
};
static const struct tu_check_item hc_quiet[] = {
	{ "warning", "mx", "no-mx", "quiet.example", "no MX" },
};

START_TEST(test_digest_dns_health_from_two_stored_checks)
{
	const struct dhealth *h;
	struct digest d;
	struct classify cl;
	char *sum, **l;
	size_t n;

	tu_stored_check(dbpath, "d.example", 1794960000LL, "error",
	    hc_before, 5);
	tu_stored_check(dbpath, "d.example", 1795392000LL, "error",
	    hc_newest, 6);
	tu_stored_check(dbpath, "d.example", 1795400000LL, "ok", NULL, 0);
	tu_stored_check(dbpath, "quiet.example", 1794960000LL, "warning",
	    hc_quiet, 1);
	build(&d, &cl, NULL, 0);
	ck_assert_str_eq(d.domains[0].domain, "d.example");
	h = &d.domains[0].health;
	ck_assert_uint_eq(h->n_checks, 2);
	ck_assert_int_eq(h->checks[0].checked_at, 1795392000LL);
	ck_assert_int_eq(h->checks[1].checked_at, 1794960000LL);
	ck_assert_uint_eq(h->n_errors, 2);
	ck_assert_uint_eq(h->n_warnings, 1);
	ck_assert_uint_eq(h->n_new, 1);
	ck_assert_uint_eq(h->n_changed, 1);
	ck_assert_uint_eq(h->n_fixed, 2);
	ck_assert_uint_eq(h->n_items, 5);
	ck_assert_int_eq(h->items[0].change, DHEALTH_NEW);
	ck_assert_str_eq(h->items[0].it->code, "not-authorized");
	ck_assert_int_eq(h->items[1].change, DHEALTH_CHANGED);
	ck_assert_str_eq(h->items[1].it->code, "weak-key");
	ck_assert_int_eq(h->items[1].was, CHECK_WARNING);
	ck_assert_int_eq(h->items[2].change, DHEALTH_FIXED);
	ck_assert_str_eq(h->items[2].it->text, "~all");
	ck_assert_int_eq(h->items[3].change, DHEALTH_FIXED);
	ck_assert_str_eq(h->items[3].it->code, "too-many-lookups");
	ck_assert_int_eq(h->items[4].change, DHEALTH_STILL);
	ck_assert_str_eq(h->items[4].it->code, "no-mta-sts");
	digest_health_words(&d.domains[0], &sum, &l, &n);
	ck_assert_str_eq(sum, "error: 2 errors, 1 warning in the check of "
	    "2026-11-23 00:00 UTC (before: error, 2026-11-18 00:00 UTC): "
	    "1 new, 1 changed, 2 fixed");
	ck_assert_uint_eq(n, 5);
	ck_assert_str_eq(l[0], "new error, spf '203.0.113.5': SendGrid");
	ck_assert_str_eq(l[1], "error, was warning, dkim "
	    "'s1._domainkey.d.example': 512 bits");
	ck_assert_str_eq(l[2], "fixed (was warning), spf 'd.example': ~all");
	ck_assert_str_eq(l[3], "fixed (was error), spf 'd.example': "
	    "12 lookups");
	ck_assert_str_eq(l[4], "warning, mx 'd.example': no MTA-STS");
	for (size_t i = 0; i < n; i++)
		free(l[i]);
	free(l);
	free(sum);
	/* one check: its problems as they are */
	h = &d.domains[1].health;
	ck_assert_uint_eq(h->n_checks, 1);
	ck_assert_uint_eq(h->n_items, 1);
	ck_assert_int_eq(h->items[0].change, DHEALTH_STILL);
	digest_health_words(&d.domains[1], &sum, &l, &n);
	ck_assert_str_eq(sum, "warning: 0 errors, 1 warning in the check of "
	    "2026-11-18 00:00 UTC: the first stored check");
	ck_assert_uint_eq(n, 1);
	free(l[0]);
	free(l);
	free(sum);
	digest_release(&d);
	classify_release(&cl);
}
END_TEST

/*
 * Without a stored check the section says how to get one (registered
 * before the test above, which stores checks in the shared database).
 */
START_TEST(test_digest_dns_health_without_stored_check)
{
	struct digest d;
	struct classify cl;
	char *sum, **l;
	size_t n;

	build(&d, &cl, NULL, 0);
	ck_assert_uint_eq(d.domains[0].health.n_checks, 0);
	digest_health_words(&d.domains[0], &sum, &l, &n);
	ck_assert_str_eq(sum, "No stored check: run 'dmarc-report check' "
	    "(with DNS) to store one");
	ck_assert_uint_eq(n, 0);
	free(l);
	free(sum);
	digest_release(&d);
	classify_release(&cl);
}
END_TEST

/*
 * The readiness window (30 days to the end of W47) holds W45..W47: 470
 * messages, 3 days, 2 reporters: thin.  Failing: 203.0.113.5 30 (SPF for
 * bounces.sendgrid.net: SendGrid, legitimate-looking), 198.51.100.2 20
 * and .1 5 (aligned sometimes): 55 of 470 (11.70%) fail, a blocker, so
 * NOT READY, SendGrid first.  --no-dns: the stored lookup of 1794900000
 * is the current record (p=quarantine), so the next step is p=reject with
 * its rua= kept; the header names the first thing to fix.
 */
START_TEST(test_digest_record_and_first_fix)
{
	struct digest d;
	struct classify cl;
	struct dns_opts dop;
	struct dns *dns;
	const struct ddomain *dd;
	char err[256], *out = NULL;
	size_t len;
	FILE *f;

	memset(&dop, 0, sizeof(dop));
	dop.db_path = dbpath;
	dop.no_dns = 1;
	ck_assert_msg((dns = dns_new(&dop, err, sizeof(err))) != NULL, "%s",
	    err);
	build_dns(&d, &cl, NULL, 0, dns);
	dd = &d.domains[0];
	ck_assert_ptr_nonnull(dd->rd);
	ck_assert_int_eq(dd->rd->verdict, RVERDICT_NOT_READY);
	ck_assert_str_eq(dd->rd->thin, "only 470 messages, only 3 days of "
	    "data");
	ck_assert_int_eq(dd->rd->record_base, RBASE_STORED);
	ck_assert_str_eq(dd->next_record, "v=DMARC1; p=reject; "
	    "rua=mailto:r@d.example");
	ck_assert_uint_eq(dd->rd->n_blockers, 1);
	ck_assert(strncmp(dd->rd->blockers[0], "203.0.113.5 (SendGrid), 30 "
	    "failing messages: ", 40) == 0);
	ck_assert_ptr_nonnull(f = open_memstream(&out, &len));
	ck_assert_int_eq(digest_render_text(f, &d), 0);
	fclose(f);
	ck_assert_ptr_nonnull(strstr(out, "\nFirst to fix for d.example: "
	    "203.0.113.5 (SendGrid), 30 failing messages: "));
	ck_assert_ptr_nonnull(strstr(out, "NOT READY (and only 470 messages, "
	    "only 3 days of data), current step quarantine\n"));
	ck_assert_ptr_nonnull(strstr(out, "    _dmarc.d.example. IN TXT "
	    "\"v=DMARC1; p=reject; rua=mailto:r@d.example\"\n"));
	free(out);
	digest_release(&d);
	classify_release(&cl);
	dns_free(dns);
}
END_TEST

/*
 * tests/data/readiness/sub-*.xml (test_readiness.c works the numbers
 * out): p=quarantine; sp=none, 700 spoofed messages from
 * promo.sub.example.  The digest proposes p=reject with sp=quarantine and
 * lists the subdomain source that sp= would hit.
 */
START_TEST(test_digest_subdomains_closed_by_record)
{
	struct digest_opts o;
	struct window w = { 1709251200LL, 1709251200LL + 21 * 86400LL };
	struct digest d;
	char cmd[2048], path[700], err[512], *out = NULL;
	size_t len;
	struct rdb *db;
	FILE *f;

	snprintf(path, sizeof(path), "%s/sub.db", tmp);
	snprintf(cmd, sizeof(cmd), "'%s' --db '%s' '%s'/readiness/sub-*.xml "
	    ">/dev/null 2>&1", TEST_INGEST_BIN, path, TEST_DATA);
	ck_assert_int_eq(tu_run(cmd, NULL), 0);
	ck_assert_ptr_nonnull(db = rdb_open(path, RDB_READ, err,
	    sizeof(err)));
	memset(&o, 0, sizeof(o));
	readiness_opts_init(&o.ro);
	o.now = w.until;
	ck_assert_msg(digest_build(db, NULL, &w, &o, &d, err, sizeof(err)) ==
	    0, "%s", err);
	rdb_close(db);
	ck_assert_uint_eq(d.n_domains, 1);
	ck_assert_str_eq(d.domains[0].next_record, "v=DMARC1; p=reject; "
	    "sp=quarantine; rua=mailto:YOUR-RUA-ADDRESS");
	ck_assert_ptr_nonnull(f = open_memstream(&out, &len));
	ck_assert_int_eq(digest_render_text(f, &d), 0);
	fclose(f);
	ck_assert_ptr_nonnull(strstr(out, "\nNext step: publish this "
	    "record:\n\n    _dmarc.sub.example. IN TXT \"v=DMARC1; p=reject; "
	    "sp=quarantine; rua=mailto:YOUR-RUA-ADDRESS\"\n"));
	ck_assert_ptr_nonnull(strstr(out, "\nSubdomains of sub.example, "
	    "failing:\n- 203.0.113.77 (700 failing, unauthenticated): "));
	free(out);
	digest_release(&d);
}
END_TEST

START_TEST(test_digest_label_and_subject)
{
	struct digest d;
	struct classify cl;
	char s[256];

	build(&d, &cl, NULL, 0);
	digest_label(&d, s, sizeof(s));
	ck_assert_str_eq(s, "2026-W47");
	digest_subject(&d, s, sizeof(s));
	/* d.example is NOT READY (test_digest_record_and_first_fix) */
	ck_assert_str_eq(s, "DMARC weekly 2026-W47: 2 domains 67.6% pass, "
	    "1 not ready, 1 new source");
	digest_release(&d);
	classify_release(&cl);
}
END_TEST

Suite *
digest_suite(void)
{
	Suite *s = suite_create("digest");
	TCase *tc = tcase_create("digest");

	tcase_add_unchecked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_digest_new_sources_services_and_selectors);
	tcase_add_test(tc, test_digest_drop_needs_ten_points_and_volume);
	tcase_add_test(tc, test_digest_history_and_trend);
	tcase_add_test(tc, test_digest_heartbeat_silent_reporters_and_quiet_domain);
	tcase_add_test(tc, test_digest_domain_asked_for_without_reports_is_quiet);
	tcase_add_test(tc, test_digest_record_change_from_lookup_history);
	tcase_add_test(tc, test_digest_record_and_first_fix);
	/* before the next one stores checks in the shared database */
	tcase_add_test(tc, test_digest_dns_health_without_stored_check);
	tcase_add_test(tc, test_digest_dns_health_from_two_stored_checks);
	tcase_add_test(tc, test_digest_subdomains_closed_by_record);
	tcase_add_test(tc, test_digest_label_and_subject);
	tcase_add_test(tc,
	    test_digest_unauthorized_rua_in_heartbeat_and_policy);
	suite_add_tcase(s, tc);
	return s;
}

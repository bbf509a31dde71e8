/*
 * The readiness verdict (report/readiness.c) on a fixture database built
 * by dmarc-ingest from our own reports in tests/data/readiness/.  The
 * window is March 2024 (2024-03-01 .. 2024-03-30, 30 days); every report
 * lies inside it, so each record counts whole.
 *
 * ready.example (p=none; Alpha Mar 1-14, Beta Mar 8-21: 21 days, 2
 * reporters):
 *   192.0.2.10     600 + 400 aligned                  aligned
 *   198.51.100.20    2 DKIM+SPF pass for esp.example  misaligned
 *   192.0.2.77       5 reason forwarded, DKIM fails   forwarded
 *   203.0.113.66    50 nothing passes                 unauthenticated
 *   messages 1057, legitimate 1057 - 50 = 1007, legitimate failing 2,
 *   2 / 1007 = 0.1986% < 0.5%: READY for p=quarantine; t=y.
 *
 * not-ready.example (p=none; Alpha Mar 1-20, Beta Mar 10-25: 25 days):
 *   192.0.2.10     500 + 300 aligned                  aligned
 *   198.51.100.30  120 DKIM sendgrid.example, SPF bounce.sendgrid.example
 *   192.0.2.60      90 aligned (DKIM) + 10 SPF for mailer.esp2.example
 *                  only: 90% aligned
 *   198.51.100.40   30 SPF pass for crm.example, no DKIM
 *   203.0.113.9     80 nothing passes
 *   192.0.2.50      40 SPF softfail for not-ready.example, no DKIM
 *   messages 1170.  Without senders file: unauthenticated 80 + 40 = 120,
 *   legitimate 1050, failing 120 + 10 + 30 = 160, 15.24%: NOT READY, and
 *   192.0.2.60 aligns 90% < 95%.  With senders.txt (ip 192.0.2.48/29,
 *   dkim sendgrid.example): 192.0.2.50 is authorized, unauthenticated 80,
 *   legitimate 1090, failing 200, 18.35%; the worst authorized source
 *   aligns 0%.
 *
 * thin.example (p=quarantine; Alpha Mar 20-22: 3 days, 1 reporter, 100
 * messages): NOT ENOUGH DATA on all three counts; next step reject.
 *
 * Sending services, over tests/data/services/ (shop.example, Mar 2):
 * 198.51.100.7 (40, DKIM d=sendgrid.net and SPF bounces.sendgrid.net
 * pass, not aligned) is blocking and SendGrid; 203.0.113.8 (25, nothing
 * passes) is unauthenticated and of no known service.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>
#include <sqlite3.h>

#include "../report/classify.h"
#include "../report/model.h"
#include "../report/query.h"
#include "../report/readiness.h"
#include "../report/sources.h"
#include "db.h"
#include "dns.h"
#include "testutil.h"

Suite	*readiness_suite(void);

/* 2024-03-01 00:00 UTC and 30 days */
#define MARCH1		1709251200LL
#define WIN_DAYS	30

static char *tmp;
static char db_path[512];

static void
setup(void)
{
	char cmd[2048];

	tmp = tu_tmpdir();
	snprintf(db_path, sizeof(db_path), "%s/r.db", tmp);
	snprintf(cmd, sizeof(cmd), "'%s' --db '%s' '%s'/readiness/*.xml "
	    ">/dev/null 2>&1", TEST_INGEST_BIN, db_path, TEST_DATA);
	ck_assert_int_eq(tu_run(cmd, NULL), 0);
}

static void
teardown(void)
{
	tu_rmtree(tmp);
	free(tmp);
}

/* what one run keeps alive: the model is borrowed by the result */
struct run {
	struct model		 m;
	struct senders		 ss;
	struct readiness_result	 r;
};

static void
judge(struct run *run, const struct readiness_opts *o, int use_senders,
    struct dns *dns)
{
	struct window w = { MARCH1, MARCH1 + WIN_DAYS * WINDOW_DAY };
	struct query_opts qo;
	char err[512], *path;
	sqlite3 *db;

	memset(run, 0, sizeof(*run));
	senders_init(&run->ss);
	if (use_senders) {
		path = tu_data("readiness/senders.txt");
		ck_assert_msg(senders_load(&run->ss, path, err,
		    sizeof(err)) == 0, "%s", err);
		free(path);
	}
	db = db_open(db_path, DB_READONLY, err, sizeof(err));
	ck_assert_msg(db != NULL, "%s", err);
	memset(&qo, 0, sizeof(qo));
	qo.sources = 1;
	model_init(&run->m, &w, MODEL_READINESS);
	ck_assert_msg(query_run(db, &qo, &run->m, err, sizeof(err)) == 0,
	    "%s", err);
	ck_assert_int_eq(readiness_judge(&run->m, o, use_senders ? &run->ss :
	    NULL, dns, &run->r, err, sizeof(err)), 0);
	sqlite3_close(db);
}

static void
run_release(struct run *run)
{
	readiness_result_release(&run->r);
	model_release(&run->m);
	senders_release(&run->ss);
}

static const struct readiness_domain *
domain(const struct run *run, const char *name)
{
	size_t i;

	for (i = 0; i < run->r.n_domains; i++)
		if (strcmp(run->r.domains[i].domain, name) == 0)
			return &run->r.domains[i];
	ck_abort_msg("domain %s not judged", name);
	return NULL;
}

static const struct readiness_source *
listed(const struct readiness_list *l, const char *ip)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (strcmp(l->v[i].src->ip, ip) == 0)
			return &l->v[i];
	return NULL;
}

/* 1 if some fix sentence of rs contains needle */
static int
has_fix(const struct readiness_source *rs, const char *needle)
{
	size_t i;

	if (rs == NULL)
		return 0;
	for (i = 0; i < rs->n_fix; i++)
		if (strstr(rs->fix[i], needle) != NULL)
			return 1;
	return 0;
}

static const char *
sender_name(const struct readiness_source *rs)
{
	if (rs == NULL || rs->sender == NULL)
		return "(none)";
	return rs->sender->name;
}

static int
has_reason(const struct readiness_domain *rd, const char *needle)
{
	size_t i;

	for (i = 0; i < rd->n_reasons; i++)
		if (strstr(rd->reasons[i], needle) != NULL)
			return 1;
	return 0;
}

#define ck_near(a, b)	ck_assert_msg(fabs((a) - (b)) < 0.005, \
	    "%s = %f, expected %f", #a, (double)(a), (double)(b))

START_TEST(test_readiness_ready_domain)
{
	struct readiness_opts o;
	struct run run;
	const struct readiness_domain *rd;

	readiness_opts_init(&o);
	judge(&run, &o, 0, NULL);
	rd = domain(&run, "ready.example");
	ck_assert_int_eq(rd->verdict, RVERDICT_READY);
	ck_assert_int_eq(rd->origin, RORIGIN_REPORTS);
	ck_assert_int_eq(rd->current, RSTEP_NONE);
	ck_assert_int_eq(rd->next, RSTEP_QUARANTINE_TEST);
	ck_near(rd->messages, 1057);
	ck_near(rd->legit, 1007);
	ck_near(rd->legit_failing, 2);
	ck_near(rd->legit_fail_pct, 100.0 * 2 / 1007);
	ck_near(rd->forwarded_failing, 5);
	ck_near(rd->spoofing, 50);
	ck_assert_int_eq(rd->days, 21);
	ck_assert_int_eq(rd->reporters, 2);
	ck_assert_ptr_null(rd->worst_source);
	ck_assert_uint_eq(rd->class_sources[RCLASS_ALIGNED], 1);
	ck_assert_uint_eq(rd->class_sources[RCLASS_MISALIGNED], 1);
	ck_assert_uint_eq(rd->class_sources[RCLASS_FORWARDED], 1);
	ck_assert_uint_eq(rd->class_sources[RCLASS_UNAUTHENTICATED], 1);
	ck_assert_ptr_nonnull(listed(&rd->blocking, "198.51.100.20"));
	ck_assert_ptr_nonnull(listed(&rd->forwarded, "192.0.2.77"));
	ck_assert_ptr_nonnull(listed(&rd->spoofing_src, "203.0.113.66"));
	ck_assert(has_reason(rd, "2 of 1007 legitimate-looking messages "
	    "(0.20%) failed DMARC; under the limit of 0.50%"));
	ck_assert(has_reason(rd, "50 unauthenticated messages (likely "
	    "spoofing): t=y does not stop them yet"));
	ck_assert(has_reason(rd, "5 failing messages came through "
	    "forwarders or mailing lists"));
	ck_assert(has_reason(rd, "current policy: p=none; pct=100, as "
	    "receivers saw it"));
	run_release(&run);
}
END_TEST

START_TEST(test_readiness_not_ready_domain)
{
	struct readiness_opts o;
	struct run run;
	const struct readiness_domain *rd;

	readiness_opts_init(&o);
	judge(&run, &o, 0, NULL);
	rd = domain(&run, "not-ready.example");
	ck_assert_int_eq(rd->verdict, RVERDICT_NOT_READY);
	ck_near(rd->messages, 1170);
	ck_near(rd->legit, 1050);
	ck_near(rd->legit_failing, 160);
	ck_near(rd->legit_fail_pct, 100.0 * 160 / 1050);
	ck_near(rd->spoofing, 120);
	ck_assert_int_eq(rd->days, 25);
	ck_near(rd->worst_aligned_pct, 90);
	ck_assert_str_eq(rd->worst_source, "192.0.2.60");
	/* by failing volume: 120, 30, 10 */
	ck_assert_uint_eq(rd->blocking.n, 3);
	ck_assert_str_eq(rd->blocking.v[0].src->ip, "198.51.100.30");
	ck_assert_str_eq(rd->blocking.v[1].src->ip, "198.51.100.40");
	ck_assert_str_eq(rd->blocking.v[2].src->ip, "192.0.2.60");
	ck_assert_ptr_nonnull(listed(&rd->spoofing_src, "192.0.2.50"));
	ck_assert(has_reason(rd, "160 of 1050 legitimate-looking messages "
	    "(15.24%) failed DMARC; at or over the limit of 0.50%"));
	ck_assert(has_reason(rd, "authorized source 192.0.2.60 aligns only "
	    "90.00% of its mail"));
	run_release(&run);
}
END_TEST

START_TEST(test_readiness_not_enough_data_domain)
{
	struct readiness_opts o;
	struct run run;
	const struct readiness_domain *rd;

	readiness_opts_init(&o);
	judge(&run, &o, 0, NULL);
	rd = domain(&run, "thin.example");
	ck_assert_int_eq(rd->verdict, RVERDICT_NOT_ENOUGH_DATA);
	ck_assert_int_eq(rd->current, RSTEP_QUARANTINE);
	ck_assert_int_eq(rd->next, RSTEP_REJECT);
	ck_near(rd->messages, 100);
	ck_assert_int_eq(rd->days, 3);
	ck_assert_int_eq(rd->reporters, 1);
	ck_assert(has_reason(rd, "only 100 messages in the window; at least "
	    "500 needed (--min-messages)"));
	ck_assert(has_reason(rd, "reports cover only 3 days of the window; "
	    "at least 14 needed (--min-days)"));
	ck_assert(has_reason(rd, "only 1 reporting organization; at least 2 "
	    "needed (--min-reporters)"));
	run_release(&run);
}
END_TEST

START_TEST(test_readiness_thresholds_overridable)
{
	struct readiness_opts o;
	struct run run;
	char err[256];

	readiness_opts_init(&o);
	ck_assert_int_eq(readiness_opts_set(&o, "min-messages", "100", err,
	    sizeof(err)), 0);
	ck_assert_int_eq(readiness_opts_set(&o, "min-days", "3", err,
	    sizeof(err)), 0);
	ck_assert_int_eq(readiness_opts_set(&o, "min-reporters", "1", err,
	    sizeof(err)), 0);
	/* 2 / 1007 = 0.1986% is over 0.1% */
	ck_assert_int_eq(readiness_opts_set(&o, "max-legit-fail-pct", "0.1",
	    err, sizeof(err)), 0);
	ck_assert_int_eq(readiness_opts_set(&o, "max-legit-fail-pct", "101",
	    err, sizeof(err)), -1);
	ck_assert_str_eq(err, "bad value '101' for --max-legit-fail-pct: "
	    "expected a percentage 0..100 such as 0.5");
	ck_assert_int_eq(readiness_opts_set(&o, "min-days", "-1", err,
	    sizeof(err)), -1);
	ck_assert_int_eq(readiness_opts_set(&o, "no-such", "1", err,
	    sizeof(err)), 1);
	judge(&run, &o, 0, NULL);
	ck_assert_int_eq(domain(&run, "thin.example")->verdict,
	    RVERDICT_READY);
	ck_assert_int_eq(domain(&run, "ready.example")->verdict,
	    RVERDICT_NOT_READY);
	run_release(&run);

	/* 192.0.2.60 at 90% passes a threshold of 90%, not the 15% though */
	readiness_opts_init(&o);
	ck_assert_int_eq(readiness_opts_set(&o, "min-source-aligned-pct",
	    "90", err, sizeof(err)), 0);
	ck_assert_int_eq(readiness_opts_set(&o, "max-legit-fail-pct", "20",
	    err, sizeof(err)), 0);
	judge(&run, &o, 0, NULL);
	ck_assert_int_eq(domain(&run, "not-ready.example")->verdict,
	    RVERDICT_READY);
	run_release(&run);
}
END_TEST

START_TEST(test_readiness_senders_file_authorizes)
{
	struct readiness_opts o;
	struct run run;
	const struct readiness_domain *rd;
	const struct readiness_source *rs;

	readiness_opts_init(&o);
	judge(&run, &o, 1, NULL);
	rd = domain(&run, "not-ready.example");
	ck_near(rd->spoofing, 80);
	ck_near(rd->legit, 1090);
	ck_near(rd->legit_failing, 200);
	ck_near(rd->worst_aligned_pct, 0);
	ck_assert_ptr_null(listed(&rd->spoofing_src, "192.0.2.50"));
	rs = listed(&rd->blocking, "192.0.2.50");
	ck_assert(rs != NULL && rs->sender != NULL);
	ck_assert_str_eq(sender_name(rs), "Office relay");
	ck_assert_int_eq(rs->cls, RCLASS_MISALIGNED);
	/* MAIL FROM is ours and SPF fails: here adding it to SPF is right */
	ck_assert(has_fix(rs, "add 192.0.2.50 (or the service's SPF include) "
	    "to the SPF record of not-ready.example"));
	ck_assert(has_fix(rs, "sign with DKIM d=not-ready.example"));
	rs = listed(&rd->blocking, "198.51.100.30");
	ck_assert_str_eq(sender_name(rs), "SendGrid");
	run_release(&run);
}
END_TEST

START_TEST(test_readiness_fix_texts)
{
	struct readiness_opts o;
	struct run run;
	const struct readiness_domain *rd;
	const struct readiness_source *rs;

	readiness_opts_init(&o);
	judge(&run, &o, 0, NULL);
	rd = domain(&run, "not-ready.example");
	/* third-party sender signing with its own domain */
	rs = listed(&rd->blocking, "198.51.100.30");
	ck_assert_str_eq(rs->fix[0], "sign with DKIM d=not-ready.example (or "
	    "a subdomain of it): today it signs as sendgrid.example, which "
	    "does not align");
	ck_assert_str_eq(rs->fix[1], "set a custom MAIL FROM (Return-Path) "
	    "domain under not-ready.example so SPF aligns: today SPF passes "
	    "for bounce.sendgrid.example, which does not align");
	ck_assert_uint_eq(rs->n_fix, 2);
	/* SPF-only for another domain: no "add it to SPF" */
	rs = listed(&rd->blocking, "198.51.100.40");
	ck_assert(has_fix(rs, "sign with DKIM d=not-ready.example (or a "
	    "subdomain of it): today its mail carries no passing signature"));
	ck_assert(has_fix(rs, "today SPF passes for crm.example"));
	ck_assert(!has_fix(rs, "to the SPF record"));
	/* aligned sometimes */
	rs = listed(&rd->blocking, "192.0.2.60");
	ck_assert_str_eq(rs->fix[0], "only 90.0% of its mail aligns: find the "
	    "mail stream it sends differently");
	ck_assert(has_fix(rs, "today SPF passes for mailer.esp2.example"));
	/* forwarder */
	rs = listed(&domain(&run, "ready.example")->forwarded, "192.0.2.77");
	ck_assert(has_fix(rs, "nothing to fix at a sender: receivers "
	    "reported this as forwarded"));
	run_release(&run);
}
END_TEST

START_TEST(test_readiness_classes_set_on_sources)
{
	struct readiness_opts o;
	struct run run;
	size_t i, seen = 0;

	readiness_opts_init(&o);
	judge(&run, &o, 0, NULL);
	for (i = 0; i < run.m.n_sources; i++) {
		const struct msource *s = &run.m.sources[i];
		int want = -1;

		if (strcmp(s->domain, "ready.example") != 0)
			continue;
		if (strcmp(s->ip, "192.0.2.10") == 0)
			want = RCLASS_ALIGNED;
		else if (strcmp(s->ip, "198.51.100.20") == 0)
			want = RCLASS_MISALIGNED;
		else if (strcmp(s->ip, "192.0.2.77") == 0)
			want = RCLASS_FORWARDED;
		else if (strcmp(s->ip, "203.0.113.66") == 0)
			want = RCLASS_UNAUTHENTICATED;
		ck_assert_int_eq(s->cls, want);
		seen++;
	}
	ck_assert_uint_eq(seen, 4);
	run_release(&run);
}
END_TEST

START_TEST(test_readiness_live_policy_wins)
{
	struct readiness_opts o;
	struct dns_opts dop;
	struct dns *dns;
	struct run run;
	const struct readiness_domain *rd;
	sqlite3 *db;
	char err[256];

	/* a stored lookup: p=quarantine; t=y is the current step */
	ck_assert_int_eq(sqlite3_open(db_path, &db), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(db, "INSERT INTO dmarc_lookup (domain, "
	    "looked_up_at, status, rcode, record_domain, org_domain, "
	    "raw_record, valid, p, t) VALUES ('ready.example', 1711800000, "
	    "'found', 0, 'ready.example', 'ready.example', 'v=DMARC1; "
	    "p=quarantine; t=y; rua=mailto:d@ready.example', 1, "
	    "'quarantine', 'y')", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	memset(&dop, 0, sizeof(dop));
	dop.db_path = db_path;
	dop.no_dns = 1;
	dns = dns_new(&dop, err, sizeof(err));
	ck_assert_msg(dns != NULL, "%s", err);
	readiness_opts_init(&o);
	judge(&run, &o, 0, dns);
	rd = domain(&run, "ready.example");
	ck_assert_int_eq(rd->origin, RORIGIN_STORED);
	ck_assert_int_eq(rd->current, RSTEP_QUARANTINE_TEST);
	ck_assert_int_eq(rd->next, RSTEP_QUARANTINE);
	ck_assert_int_eq(rd->policy_at, 1711800000);
	ck_assert(has_reason(rd, "from the latest stored lookup "
	    "(2024-03-30T12:00:00Z)"));
	ck_assert(has_reason(rd, "50 unauthenticated messages (likely "
	    "spoofing) would be quarantined"));
	/* no stored lookup for the others: the reports decide */
	ck_assert_int_eq(domain(&run, "thin.example")->origin,
	    RORIGIN_REPORTS);
	run_release(&run);
	dns_free(dns);
}
END_TEST

START_TEST(test_readiness_render_formats_escape)
{
	struct readiness_opts o;
	struct run run;
	char path[600], *out;
	FILE *f;
	size_t len;

	readiness_opts_init(&o);
	judge(&run, &o, 0, NULL);
	snprintf(path, sizeof(path), "%s/out", tmp);

	f = fopen(path, "w");
	ck_assert_int_eq(readiness_render(f, READINESS_JSON, &run.r, 0), 0);
	fclose(f);
	out = (char *)tu_slurp(path, &len);
	/* 2024-03-01 is 1709251200; 30 days later, exclusive, 1711843200 */
	ck_assert_ptr_nonnull(strstr(out, "{\"format\":\"dmarc-report\","
	    "\"version\":1,\"mode\":\"readiness\",\"window\":{\"since\":"
	    "1709251200,\"until\":1711843200,\"first_day\":\"2024-03-01\","
	    "\"last_day\":\"2024-03-30\",\"days\":30}"));
	ck_assert_ptr_nonnull(strstr(out, "\"domain\":\"not-ready.example\","
	    "\"verdict\":\"not-ready\",\"current_step\":\"none\","
	    "\"next_step\":\"quarantine-test\""));
	ck_assert_ptr_nonnull(strstr(out, "\"legitimate_failing\":160,"
	    "\"legitimate_fail_pct\":15.24"));
	free(out);

	f = fopen(path, "w");
	ck_assert_int_eq(readiness_render(f, READINESS_CSV, &run.r, 0), 0);
	fclose(f);
	out = (char *)tu_slurp(path, &len);
	ck_assert_ptr_nonnull(strstr(out, "domain,verdict,current_step,"
	    "next_step,list,ip,ptr,sender,messages,failing,aligned_pct,fix,"
	    "service\r\n"));
	ck_assert_ptr_nonnull(strstr(out, "not-ready.example,not-ready,none,"
	    "quarantine-test,blocking,198.51.100.30,,,120,120,0.00,"));
	free(out);

	f = fopen(path, "w");
	ck_assert_int_eq(readiness_render(f, READINESS_TEXT, &run.r, 0), 0);
	fclose(f);
	out = (char *)tu_slurp(path, &len);
	ck_assert_ptr_nonnull(strstr(out, "not-ready.example: NOT READY for "
	    "p=quarantine; t=y; pct=0\n"));
	ck_assert_ptr_nonnull(strstr(out, "thin.example: NOT ENOUGH DATA for "
	    "p=reject\n"));
	ck_assert_ptr_null(strchr(out, '\033'));
	free(out);
	run_release(&run);
}
END_TEST

/* tests/data/services/ ingested into tmp; its path in path */
static void
services_db(char *path, size_t len)
{
	char cmd[2048];

	snprintf(path, len, "%s/s.db", tmp);
	snprintf(cmd, sizeof(cmd), "'%s' --db '%s' '%s'/services/*.xml "
	    ">/dev/null 2>&1", TEST_INGEST_BIN, path, TEST_DATA);
	ck_assert_int_eq(tu_run(cmd, NULL), 0);
}

/* r rendered as fmt; caller frees */
static char *
rendered(const struct readiness_result *r, enum readiness_format fmt)
{
	char *out = NULL;
	size_t len;
	FILE *f;

	ck_assert_ptr_nonnull(f = open_memstream(&out, &len));
	ck_assert_int_eq(readiness_render(f, fmt, r, 0), 0);
	fclose(f);
	return out;
}

/* the line of t that starts with prefix, with its line end; caller frees */
static char *
line_of(const char *t, const char *prefix)
{
	const char *p = strstr(t, prefix), *e;

	ck_assert_msg(p != NULL, "no line %s", prefix);
	e = strchr(p, '\n');
	ck_assert_ptr_nonnull(e);
	return strndup(p, (size_t)(e - p + 1));
}

START_TEST(test_readiness_render_shows_service)
{
	struct window w = { MARCH1, MARCH1 + WIN_DAYS * WINDOW_DAY };
	struct readiness_opts o;
	struct readiness_result r;
	struct query_opts qo;
	struct classify cl;
	struct model m;
	char path[600], err[512], *out, *l;
	sqlite3 *db;

	services_db(path, sizeof(path));
	ck_assert_ptr_nonnull(db = db_open(path, DB_READONLY, err,
	    sizeof(err)));
	classify_init(&cl);
	ck_assert_int_eq(classify_builtin(&cl, err, sizeof(err)), 0);
	memset(&qo, 0, sizeof(qo));
	qo.sources = 1;
	model_init(&m, &w, MODEL_READINESS);
	ck_assert_int_eq(query_run(db, &qo, &m, err, sizeof(err)), 0);
	readiness_opts_init(&o);
	memset(&r, 0, sizeof(r));
	ck_assert_int_eq(readiness_judge(&m, &o, NULL, NULL, &r, err,
	    sizeof(err)), 0);
	sources_classify(&m, &cl);
	ck_assert_int_eq(r.n_domains, 1);
	ck_assert_int_eq(r.domains[0].blocking.n, 1);
	ck_assert_int_eq(r.domains[0].spoofing_src.n, 1);

	out = rendered(&r, READINESS_TEXT);
	ck_assert_ptr_nonnull(strstr(out, "\n    198.51.100.7  service "
	    "SendGrid\n      40 messages, 40 failing"));
	/* unknown: no service word on the line */
	ck_assert_ptr_nonnull(strstr(out, "\n    203.0.113.8\n      25 "
	    "messages"));
	free(out);

	out = rendered(&r, READINESS_JSON);
	ck_assert_ptr_nonnull(strstr(out, "{\"ip\":\"198.51.100.7\","
	    "\"ptr\":null,\"class\":\"misaligned\",\"sender\":null,"
	    "\"service\":\"SendGrid\",\"messages\":40,"));
	ck_assert_ptr_nonnull(strstr(out, "{\"ip\":\"203.0.113.8\","
	    "\"ptr\":null,\"class\":\"unauthenticated\",\"sender\":null,"
	    "\"service\":null,\"messages\":25,"));
	free(out);

	out = rendered(&r, READINESS_CSV);
	ck_assert_ptr_nonnull(strstr(out, ",aligned_pct,fix,service\r\n"));
	l = line_of(out, "shop.example,not-enough-data,none,quarantine-test,"
	    "blocking,198.51.100.7,,,40,40,0.00,");
	ck_assert_msg(strcmp(l + strlen(l) - 11, ",SendGrid\r\n") == 0,
	    "%s", l);
	free(l);
	l = line_of(out, "shop.example,not-enough-data,none,quarantine-test,"
	    "spoofing,203.0.113.8,,,25,25,0.00,");
	ck_assert_msg(strcmp(l + strlen(l) - 4, "\",\r\n") == 0, "%s", l);
	free(l);
	free(out);

	readiness_result_release(&r);
	model_release(&m);
	classify_release(&cl);
	sqlite3_close(db);
}
END_TEST

/*
 * The services fixture with a senders file listing both sources: the
 * SendGrid one, named SendGrid by the file too, says "service SendGrid"
 * once (no "[SendGrid]"); the relay gets the file's name; nothing is
 * unauthenticated any more, so no sentence about 0 such messages.
 */
START_TEST(test_readiness_text_names_once_and_skips_zero_counts)
{
	char path[600], snd[600], cmd[2048], *out = NULL;
	static const char list[] = "dkim sendgrid.net SendGrid\n"
	    "ip 203.0.113.8 Office relay\n";

	services_db(path, sizeof(path));
	snprintf(snd, sizeof(snd), "%s/senders-svc.txt", tmp);
	ck_assert_int_eq(tu_write(snd, list, sizeof(list) - 1), 0);
	snprintf(cmd, sizeof(cmd), "'%s' readiness --db '%s' --no-dns "
	    "--since 2024-03-01 --until 2024-03-30 --senders '%s'",
	    TEST_REPORT_BIN, path, snd);
	ck_assert_int_eq(tu_run(cmd, &out), 0);
	ck_assert_ptr_nonnull(strstr(out, "198.51.100.7  (not looked up)  "
	    "service SendGrid\n"));
	ck_assert_ptr_null(strstr(out, "[SendGrid]"));
	ck_assert_ptr_nonnull(strstr(out, "203.0.113.8  (not looked up)  "
	    "[Office relay]\n"));
	ck_assert_ptr_nonnull(strstr(out, "spoofing 0\n"));
	ck_assert_ptr_null(strstr(out, "0 unauthenticated messages"));
	free(out);
}
END_TEST

START_TEST(test_readiness_cli_honours_services_file)
{
	char path[600], svc[600], cmd[2048], *out = NULL;
	static const char user[] = "dkim sendgrid.net Newsletter ESP\n";

	services_db(path, sizeof(path));
	snprintf(svc, sizeof(svc), "%s/services.txt", tmp);
	ck_assert_int_eq(tu_write(svc, user, sizeof(user) - 1), 0);
	/* without the file: the built-in name */
	snprintf(cmd, sizeof(cmd), "'%s' readiness --db '%s' --no-dns "
	    "--since 2024-03-01 --until 2024-03-30 --format csv",
	    TEST_REPORT_BIN, path);
	ck_assert_int_eq(tu_run(cmd, &out), 0);
	ck_assert_ptr_nonnull(strstr(out, ",SendGrid\r\n"));
	free(out);
	snprintf(cmd, sizeof(cmd), "'%s' readiness --db '%s' --no-dns "
	    "--since 2024-03-01 --until 2024-03-30 --services '%s'",
	    TEST_REPORT_BIN, path, svc);
	ck_assert_int_eq(tu_run(cmd, &out), 0);
	ck_assert_ptr_nonnull(strstr(out, "    198.51.100.7  (not looked up)"
	    "  service Newsletter ESP\n"));
	ck_assert_ptr_null(strstr(out, "SendGrid"));
	free(out);
	snprintf(cmd, sizeof(cmd), "'%s' readiness --db '%s' --no-dns "
	    "--since 2024-03-01 --until 2024-03-30 --format json "
	    "--services '%s'", TEST_REPORT_BIN, path, svc);
	ck_assert_int_eq(tu_run(cmd, &out), 0);
	ck_assert_ptr_nonnull(strstr(out, "\"service\":\"Newsletter ESP\""));
	ck_assert_ptr_nonnull(strstr(out, "\"service\":null"));
	free(out);
}
END_TEST

Suite *
readiness_suite(void)
{
	Suite *s = suite_create("readiness");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_readiness_ready_domain);
	tcase_add_test(tc, test_readiness_not_ready_domain);
	tcase_add_test(tc, test_readiness_not_enough_data_domain);
	tcase_add_test(tc, test_readiness_thresholds_overridable);
	tcase_add_test(tc, test_readiness_senders_file_authorizes);
	tcase_add_test(tc, test_readiness_fix_texts);
	tcase_add_test(tc, test_readiness_classes_set_on_sources);
	tcase_add_test(tc, test_readiness_live_policy_wins);
	tcase_add_test(tc, test_readiness_render_formats_escape);
	tcase_add_test(tc, test_readiness_render_shows_service);
	tcase_add_test(tc, test_readiness_cli_honours_services_file);
	tcase_add_test(tc,
	    test_readiness_text_names_once_and_skips_zero_counts);
	suite_add_tcase(s, tc);
	return s;
}

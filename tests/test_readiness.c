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
 * sub.example (p=quarantine; sp=none; Alpha Mar 1-14, Beta Mar 8-21):
 *   192.0.2.10     600 aligned, header_from sub.example
 *   203.0.113.66   280 nothing passes, header_from sub.example
 *   203.0.113.77   700 nothing passes, header_from promo.sub.example,
 *                  delivered (sp=none)
 *   The domain itself: 880 messages, legitimate 600, none failing:
 *   READY for p=reject, 280 (not 980) unauthenticated would be rejected.
 *   Subdomains: 700 messages, all likely spoofing, delivered under
 *   sp=none; nothing legitimate fails, so sp rises one word (quarantine;
 *   reject is p's word, one step further): the record to publish is
 *   "v=DMARC1; p=reject; sp=quarantine; rua=mailto:YOUR-RUA-ADDRESS"
 *   (no lookup is known: a new record with the placeholder).
 *
 * pinned.example (p=none, no sp; 21 days, 2 reporters): the domain itself
 * 700 aligned (READY for p=quarantine; t=y); news.pinned.example from
 * 198.51.100.50: 100 messages, 50 aligned: 50% of legitimate subdomain
 * mail fails, so sp stays none and is written out, or the new p would
 * carry subdomains up: "v=DMARC1; p=quarantine; t=y; pct=0; sp=none;
 * rua=mailto:YOUR-RUA-ADDRESS".
 *
 * spoofed.example (p=none; 21 days, 2 reporters):
 *   192.0.2.10     600 aligned
 *   198.51.100.99  300 DKIM and SPF pass for evil-phish.example only
 *   198.51.100.7    40 DKIM sendgrid.net, SPF bounces.sendgrid.net
 *   Without a senders file (built-in services): .99 is unauthorized
 *   (spoofing), SendGrid legitimate-looking: legitimate 640, failing 40
 *   (6.25%): NOT READY, fix SendGrid first; nothing tells the phisher to
 *   sign with our domain.  With spoof-senders.txt (192.0.2.10 only): both
 *   unlisted sources are unauthorized, legitimate 600, failing 0: READY.
 *
 * thinbad.example (p=none; Alpha Mar 20-22: 3 days, 1 reporter): 150
 * aligned, 198.51.100.60 30 aligned + 50 not: 230 messages, 50 failing
 * of 230 (21.74%), the source aligns 37.5%: NOT READY despite the thin
 * data, "and only 230 messages, only 3 days of data, only 1 reporter".
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
#include "../report/dmarcrec.h"
#include "../report/format.h"
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
	tmp = tu_tmpdir();
	snprintf(db_path, sizeof(db_path), "%s/r.db", tmp);
	tu_fixture_db(db_path, "tests/data/readiness/*.xml", 0);
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
	struct classify		 cl;
	struct readiness_result	 r;
};

/*
 * Judges the March window; use_senders 1 loads readiness/senders.txt, 2
 * readiness/spoof-senders.txt; svc 1 the built-in services table.
 */
static void
judge_svc(struct run *run, const struct readiness_opts *o, int use_senders,
    struct dns *dns, int svc)
{
	struct window w = { MARCH1, MARCH1 + WIN_DAYS * WINDOW_DAY };
	struct query_opts qo;
	char err[512], *path;
	struct rdb *db;

	memset(run, 0, sizeof(*run));
	senders_init(&run->ss);
	classify_init(&run->cl);
	if (svc)
		ck_assert_int_eq(classify_builtin(&run->cl, err, sizeof(err)),
		    0);
	if (use_senders) {
		path = tu_data(use_senders == 2 ?
		    "readiness/spoof-senders.txt" : "readiness/senders.txt");
		ck_assert_msg(senders_load(&run->ss, path, err,
		    sizeof(err)) == 0, "%s", err);
		free(path);
	}
	db = rdb_open(db_path, RDB_READ, err, sizeof(err));
	ck_assert_msg(db != NULL, "%s", err);
	memset(&qo, 0, sizeof(qo));
	qo.sources = 1;
	qo.split_subdomains = 1;
	model_init(&run->m, &w, MODEL_READINESS);
	ck_assert_msg(query_run(db, &qo, &run->m, err, sizeof(err)) == 0,
	    "%s", err);
	ck_assert_int_eq(readiness_judge(&run->m, o, use_senders ? &run->ss :
	    NULL, svc ? &run->cl : NULL, dns, &run->r, err, sizeof(err)), 0);
	rdb_close(db);
}

static void
judge(struct run *run, const struct readiness_opts *o, int use_senders,
    struct dns *dns)
{
	judge_svc(run, o, use_senders, dns, 0);
}

static void
run_release(struct run *run)
{
	readiness_result_release(&run->r);
	model_release(&run->m);
	senders_release(&run->ss);
	classify_release(&run->cl);
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

/* the class of a listed source; it must be listed */
static int
cls_of(const struct readiness_list *l, const char *ip)
{
	const struct readiness_source *rs = listed(l, ip);

	ck_assert_msg(rs != NULL, "%s not listed", ip);
	return rs != NULL ? (int)rs->cls : -1;
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

/* 1 if some blocker of rd contains needle */
static int
has_blocker(const struct readiness_domain *rd, const char *needle)
{
	for (size_t i = 0; i < rd->n_blockers; i++)
		if (strstr(rd->blockers[i], needle) != NULL)
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
	ck_near(rd->own.messages, 1057);
	ck_near(rd->sub.messages, 0);
	ck_near(rd->own.legit, 1005);
	ck_near(rd->own.legit_failing, 0);
	ck_near(rd->own.forwarded_failing, 5);
	ck_near(rd->own.spoofing, 52);
	ck_assert_int_eq(rd->days, 21);
	ck_assert_int_eq(rd->reporters, 2);
	ck_assert_ptr_null(rd->own.worst_source);
	ck_assert_uint_eq(rd->own.class_sources[RCLASS_ALIGNED], 1);
	ck_assert_uint_eq(rd->own.class_sources[RCLASS_MISALIGNED], 0);
	ck_assert_uint_eq(rd->own.class_sources[RCLASS_FORWARDED], 1);
	ck_assert_uint_eq(rd->own.class_sources[RCLASS_UNAUTHENTICATED], 1);
	ck_assert_uint_eq(rd->own.class_sources[RCLASS_UNAUTHORIZED], 1);
	ck_assert_uint_eq(rd->n_blockers, 0);
	/* DKIM and SPF pass for esp.example only: not evidence of ours */
	ck_assert_ptr_nonnull(listed(&rd->own.spoofing_src, "198.51.100.20"));
	ck_assert_ptr_nonnull(listed(&rd->own.forwarded, "192.0.2.77"));
	ck_assert_ptr_nonnull(listed(&rd->own.spoofing_src, "203.0.113.66"));
	ck_assert(has_reason(rd, "0 of 1005 legitimate-looking messages "
	    "(0.00%) failed DMARC; under the limit of 0.50%"));
	ck_assert(has_reason(rd, "52 unauthenticated messages (likely "
	    "spoofing): t=y does not stop them yet"));
	ck_assert(has_reason(rd, "5 failing messages came through "
	    "forwarders or mailing lists"));
	ck_assert(has_reason(rd, "current policy: p=none; sp=none; pct=100, "
	    "as receivers saw it"));
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
	ck_near(rd->own.legit, 900);
	ck_near(rd->own.legit_failing, 10);
	ck_near(rd->own.legit_fail_pct, 100.0 * 10 / 900);
	ck_near(rd->own.spoofing, 270);
	ck_assert_int_eq(rd->days, 25);
	ck_near(rd->own.worst_aligned_pct, 90);
	ck_assert_str_eq(rd->own.worst_source, "192.0.2.60");
	/* only the source with aligned mail looks legitimate */
	ck_assert_uint_eq(rd->own.blocking.n, 1);
	ck_assert_str_eq(rd->own.blocking.v[0].src->ip, "192.0.2.60");
	ck_assert_int_eq(cls_of(&rd->own.spoofing_src, "198.51.100.30"),
	    RCLASS_UNAUTHORIZED);
	ck_assert_int_eq(cls_of(&rd->own.spoofing_src, "198.51.100.40"),
	    RCLASS_UNAUTHORIZED);
	ck_assert_int_eq(cls_of(&rd->own.spoofing_src, "192.0.2.50"),
	    RCLASS_UNAUTHENTICATED);
	ck_assert(rd->thin == NULL);
	ck_assert_uint_eq(rd->n_blockers, 1);
	ck_assert_str_eq(rd->blockers[0], "192.0.2.60, 10 failing messages: "
	    "only 90.0% of its mail aligns: find the mail stream it sends "
	    "differently");
	ck_assert(has_reason(rd, "10 of 900 legitimate-looking messages "
	    "(1.11%) failed DMARC; at or over the limit of 0.50%"));
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
	    RVERDICT_READY);
	run_release(&run);

	/* 192.0.2.60 at 90% passes a threshold of 90%; 10 / 900 = 1.11% */
	readiness_opts_init(&o);
	ck_assert_int_eq(readiness_opts_set(&o, "min-source-aligned-pct",
	    "90", err, sizeof(err)), 0);
	ck_assert_int_eq(readiness_opts_set(&o, "max-legit-fail-pct", "1.2",
	    err, sizeof(err)), 0);
	judge(&run, &o, 0, NULL);
	ck_assert_int_eq(domain(&run, "not-ready.example")->verdict,
	    RVERDICT_READY);
	run_release(&run);
	ck_assert_int_eq(readiness_opts_set(&o, "max-legit-fail-pct", "1.1",
	    err, sizeof(err)), 0);
	judge(&run, &o, 0, NULL);
	ck_assert_int_eq(domain(&run, "not-ready.example")->verdict,
	    RVERDICT_NOT_READY);
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
	/* unlisted: 203.0.113.9 (80) and 198.51.100.40 (30, SPF for
	   crm.example only); 192.0.2.60 is unlisted but aligns 90% */
	ck_near(rd->own.spoofing, 110);
	ck_near(rd->own.legit, 1060);
	ck_near(rd->own.legit_failing, 170);
	ck_near(rd->own.worst_aligned_pct, 0);
	ck_assert_ptr_null(listed(&rd->own.spoofing_src, "192.0.2.50"));
	ck_assert_int_eq(cls_of(&rd->own.spoofing_src, "198.51.100.40"),
	    RCLASS_UNAUTHORIZED);
	ck_assert(has_fix(listed(&rd->own.spoofing_src, "198.51.100.40"),
	    "it authenticates only as crm.example (SPF), not as "
	    "not-ready.example; the senders file does not name it: if "
	    "this is not yours, it is spoofing and enforcement stops it"));
	rs = listed(&rd->own.blocking, "192.0.2.60");
	ck_assert(rs != NULL && rs->sender == NULL && rs->guessed);
	ck_assert(has_fix(rs, "the senders file does not name it, yet some "
	    "of its mail aligns"));
	rs = listed(&rd->own.blocking, "192.0.2.50");
	ck_assert(rs != NULL && rs->sender != NULL);
	ck_assert_str_eq(sender_name(rs), "Office relay");
	ck_assert_int_eq(rs->cls, RCLASS_MISALIGNED);
	/* MAIL FROM is ours and SPF fails: here adding it to SPF is right */
	ck_assert(has_fix(rs, "add 192.0.2.50 (or the service's SPF include) "
	    "to the SPF record of not-ready.example"));
	ck_assert(has_fix(rs, "sign with DKIM d=not-ready.example"));
	rs = listed(&rd->own.blocking, "198.51.100.30");
	ck_assert_str_eq(sender_name(rs), "SendGrid");
	/* third-party sender signing with its own domain */
	ck_assert_str_eq(rs->fix[0], "sign with DKIM d=not-ready.example (or "
	    "a subdomain of it): today it signs as sendgrid.example, which "
	    "does not align");
	ck_assert_str_eq(rs->fix[1], "set a custom MAIL FROM (Return-Path) "
	    "domain under not-ready.example so SPF aligns: today SPF passes "
	    "for bounce.sendgrid.example, which does not align");
	ck_assert_uint_eq(rs->n_fix, 2);
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
	/* SPF-only for another domain, no senders file, no service */
	rs = listed(&rd->own.spoofing_src, "198.51.100.40");
	ck_assert_str_eq(rs->fix[0], "it authenticates only as crm.example "
	    "(SPF), not as not-ready.example; none of its mail aligns and it "
	    "is no known sending service: if this is not yours, it is "
	    "spoofing and enforcement stops it; if it is yours, name it in "
	    "the senders file and sign its mail with DKIM d=not-ready.example");
	ck_assert_uint_eq(rs->n_fix, 1);
	/* aligned sometimes: legitimate-looking, a guess */
	rs = listed(&rd->own.blocking, "192.0.2.60");
	ck_assert_str_eq(rs->fix[0], "only 90.0% of its mail aligns: find the "
	    "mail stream it sends differently");
	ck_assert(has_fix(rs, "today SPF passes for mailer.esp2.example"));
	ck_assert_str_eq(rs->fix[rs->n_fix - 1], "if this is not yours, it "
	    "is spoofing and enforcement stops it");
	/* forwarder */
	rs = listed(&domain(&run, "ready.example")->own.forwarded,
	    "192.0.2.77");
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
			want = RCLASS_UNAUTHORIZED;
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
	ck_assert(has_reason(rd, "52 unauthenticated messages (likely "
	    "spoofing) would be quarantined"));
	/* built on the stored record: rua= stays */
	ck_assert_int_eq(rd->record_base, RBASE_STORED);
	ck_assert_str_eq(rd->record, "v=DMARC1; p=quarantine; "
	    "rua=mailto:d@ready.example");
	/* no stored lookup for the others: the reports decide */
	ck_assert_int_eq(domain(&run, "thin.example")->origin,
	    RORIGIN_REPORTS);
	run_release(&run);
	dns_free(dns);
}
END_TEST

/*
 * ready.example is READY on its data (test_readiness_ready_domain), but
 * its stored record sends rua to a host that never authorized it: no
 * more reports will come, so the move is blocked.
 */
START_TEST(test_readiness_unauthorized_rua_blocks)
{
	struct readiness_opts o;
	struct dns_opts dop;
	struct dns *dns;
	struct run run;
	const struct readiness_domain *rd;
	sqlite3 *db;
	char err[256];

	ck_assert_int_eq(sqlite3_open(db_path, &db), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(db, "INSERT INTO dmarc_lookup (domain, "
	    "looked_up_at, status, rcode, record_domain, org_domain, "
	    "raw_record, valid, p, report_dests) VALUES ('ready.example', "
	    "1711800000, 'found', 0, 'ready.example', 'ready.example', "
	    "'v=DMARC1; p=none; rua=mailto:reports@thirdparty.test', 0, "
	    "'none', 'rua not-authorized thirdparty.test "
	    "mailto:reports@thirdparty.test\n')", NULL, NULL, NULL),
	    SQLITE_OK);
	sqlite3_close(db);
	memset(&dop, 0, sizeof(dop));
	dop.db_path = db_path;
	dop.no_dns = 1;
	dns = dns_new(&dop, err, sizeof(err));
	ck_assert_msg(dns != NULL, "%s", err);
	readiness_opts_init(&o);
	judge(&run, &o, 0, dns);
	rd = domain(&run, "ready.example");
	ck_assert_int_eq(rd->verdict, RVERDICT_NOT_READY);
	ck_assert_uint_eq(rd->n_unauthorized, 1);
	ck_assert(has_blocker(rd, "reports cannot arrive: rua destination not "
	    "authorized: publish `ready.example._report._dmarc."
	    "thirdparty.test TXT \"v=DMARC1\"`"));
	run_release(&run);
	/* an ignored record is no policy: the step is none, said so */
	ck_assert_int_eq(sqlite3_open(db_path, &db), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(db, "INSERT INTO dmarc_lookup (domain, "
	    "looked_up_at, status) VALUES ('ready.example', 1711900000, "
	    "'invalid')", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	judge(&run, &o, 0, dns);
	rd = domain(&run, "ready.example");
	ck_assert_int_eq(rd->origin, RORIGIN_STORED);
	ck_assert_int_eq(rd->current, RSTEP_NONE);
	ck_assert_ptr_nonnull(strstr(rd->policy, "the TXT record at _dmarc is "
	    "ignored"));
	ck_assert_uint_eq(rd->n_unauthorized, 0);
	/* thin.example has no such record: its verdict is unchanged */
	ck_assert_uint_eq(domain(&run, "thin.example")->n_unauthorized, 0);
	ck_assert_int_eq(domain(&run, "thin.example")->verdict,
	    RVERDICT_NOT_ENOUGH_DATA);
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
	ck_assert_int_eq(readiness_render_json(f, &run.r, NULL), 0);
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
	ck_assert_ptr_nonnull(strstr(out, "\"legitimate_failing\":10,"
	    "\"legitimate_fail_pct\":1.11"));
	ck_assert_ptr_nonnull(strstr(out, "\"record\":\"v=DMARC1; "
	    "p=quarantine; t=y; pct=0; rua=mailto:YOUR-RUA-ADDRESS\","
	    "\"record_base\":\"new\",\"base_record\":null,\"thin\":null,"
	    "\"blockers\":[\"192.0.2.60, 10 failing messages: "));
	free(out);

	f = fopen(path, "w");
	ck_assert_int_eq(readiness_render_csv(f, &run.r, NULL), 0);
	fclose(f);
	out = (char *)tu_slurp(path, &len);
	ck_assert_ptr_nonnull(strstr(out, "domain,verdict,current_step,"
	    "next_step,list,ip,ptr,sender,messages,failing,aligned_pct,fix,"
	    "service,scope\r\n"));
	ck_assert_ptr_nonnull(strstr(out, "not-ready.example,not-ready,none,"
	    "quarantine-test,spoofing,198.51.100.30,,,120,120,0.00,"));
	free(out);

	f = fopen(path, "w");
	ck_assert_int_eq(readiness_render_text(f, &run.r, NULL), 0);
	fclose(f);
	out = (char *)tu_slurp(path, &len);
	ck_assert_ptr_nonnull(strstr(out, "not-ready.example: NOT READY for "
	    "p=quarantine; t=y; pct=0\n"));
	ck_assert_ptr_nonnull(strstr(out, "\n  publish after the fixes: "
	    "_dmarc.not-ready.example. IN TXT \"v=DMARC1; p=quarantine; t=y; "
	    "pct=0; rua=mailto:YOUR-RUA-ADDRESS\"\n"));
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
	snprintf(path, len, "%s/s.db", tmp);
	tu_fixture_db(path, "tests/data/services/*.xml", 0);
}

/* r rendered as fmt; caller frees */
static char *
rendered(const struct readiness_result *r, enum format_id fmt)
{
	char *out = NULL;
	size_t len;
	FILE *f;

	ck_assert_ptr_nonnull(f = open_memstream(&out, &len));
	ck_assert_int_eq(format_get(fmt)->readiness(f, r, NULL), 0);
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
	struct rdb *db;

	services_db(path, sizeof(path));
	ck_assert_ptr_nonnull(db = rdb_open(path, RDB_READ, err,
	    sizeof(err)));
	classify_init(&cl);
	ck_assert_int_eq(classify_builtin(&cl, err, sizeof(err)), 0);
	memset(&qo, 0, sizeof(qo));
	qo.sources = 1;
	qo.split_subdomains = 1;
	model_init(&m, &w, MODEL_READINESS);
	ck_assert_int_eq(query_run(db, &qo, &m, err, sizeof(err)), 0);
	readiness_opts_init(&o);
	memset(&r, 0, sizeof(r));
	ck_assert_int_eq(readiness_judge(&m, &o, NULL, &cl, NULL, &r, err,
	    sizeof(err)), 0);
	ck_assert_int_eq(r.n_domains, 1);
	/* a known service looks legitimate without a senders file */
	ck_assert_int_eq(r.domains[0].own.blocking.n, 1);
	ck_assert_int_eq(r.domains[0].own.spoofing_src.n, 1);

	out = rendered(&r, FORMAT_TEXT);
	ck_assert_ptr_nonnull(strstr(out, "\n    198.51.100.7  service "
	    "SendGrid\n      40 messages, 40 failing"));
	/* unknown: no service word on the line */
	ck_assert_ptr_nonnull(strstr(out, "\n    203.0.113.8\n      25 "
	    "messages"));
	free(out);

	out = rendered(&r, FORMAT_JSON);
	ck_assert_ptr_nonnull(strstr(out, "{\"ip\":\"198.51.100.7\","
	    "\"ptr\":null,\"class\":\"misaligned\",\"sender\":null,"
	    "\"service\":\"SendGrid\",\"messages\":40,"));
	ck_assert_ptr_nonnull(strstr(out, "{\"ip\":\"203.0.113.8\","
	    "\"ptr\":null,\"class\":\"unauthenticated\",\"sender\":null,"
	    "\"service\":null,\"messages\":25,"));
	free(out);

	out = rendered(&r, FORMAT_CSV);
	ck_assert_ptr_nonnull(strstr(out,
	    ",aligned_pct,fix,service,scope\r\n"));
	l = line_of(out, "shop.example,not-ready,none,quarantine-test,"
	    "blocking,198.51.100.7,,,40,40,0.00,");
	ck_assert_msg(strcmp(l + strlen(l) - 18, ",SendGrid,domain\r\n") ==
	    0, "%s", l);
	free(l);
	l = line_of(out, "shop.example,not-ready,none,quarantine-test,"
	    "spoofing,203.0.113.8,,,25,25,0.00,");
	ck_assert_msg(strcmp(l + strlen(l) - 11, "\",,domain\r\n") == 0,
	    "%s", l);
	free(l);
	free(out);

	readiness_result_release(&r);
	model_release(&m);
	classify_release(&cl);
	rdb_close(db);
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
	ck_assert_ptr_nonnull(strstr(out, ",SendGrid,domain\r\n"));
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

START_TEST(test_readiness_subdomains_judged_apart)
{
	struct readiness_opts o;
	struct run run;
	const struct readiness_domain *rd;

	readiness_opts_init(&o);
	judge(&run, &o, 0, NULL);
	rd = domain(&run, "sub.example");
	ck_assert_int_eq(rd->verdict, RVERDICT_READY);
	ck_assert_int_eq(rd->current, RSTEP_QUARANTINE);
	ck_assert_int_eq(rd->next, RSTEP_REJECT);
	ck_near(rd->messages, 1580);
	ck_near(rd->own.messages, 880);
	ck_near(rd->own.legit, 600);
	ck_near(rd->own.spoofing, 280);
	ck_near(rd->sub.messages, 700);
	ck_near(rd->sub.legit, 0);
	ck_near(rd->sub.spoofing, 700);
	ck_assert_str_eq(rd->sub_top, "promo.sub.example");
	ck_assert_ptr_nonnull(listed(&rd->sub.spoofing_src, "203.0.113.77"));
	ck_assert_ptr_null(listed(&rd->own.spoofing_src, "203.0.113.77"));
	ck_assert_int_eq(rd->sp, DMARCREC_P_NONE);
	ck_assert_int_eq(rd->sp_now, DMARCREC_P_NONE);
	ck_assert_int_eq(rd->sp_next, DMARCREC_P_QUARANTINE);
	ck_assert_str_eq(rd->record, "v=DMARC1; p=reject; sp=quarantine; "
	    "rua=mailto:YOUR-RUA-ADDRESS");
	ck_assert(has_reason(rd, "280 unauthenticated messages (likely "
	    "spoofing) would be rejected instead of quarantined"));
	ck_assert(has_reason(rd, "subdomains (header_from below sub.example, "
	    "mostly promo.sub.example): 700 messages; 0 legitimate-looking, 0 "
	    "of them failing (0.00%); 700 likely spoofing, delivered under "
	    "sp=none"));
	ck_assert(has_reason(rd, "the proposed record sets sp=quarantine: the "
	    "700 failing subdomain messages (sources listed under subdomains) "
	    "would be quarantined instead of delivered"));
	ck_assert(has_reason(rd, "reports do not say whether "
	    "promo.sub.example exists, so its mail gets sp=quarantine either "
	    "way"));
	run_release(&run);
}
END_TEST

START_TEST(test_readiness_subdomain_not_ready_pins_sp)
{
	struct readiness_opts o;
	struct run run;
	const struct readiness_domain *rd;

	readiness_opts_init(&o);
	judge(&run, &o, 0, NULL);
	rd = domain(&run, "pinned.example");
	ck_assert_int_eq(rd->verdict, RVERDICT_READY);
	ck_near(rd->own.messages, 700);
	ck_near(rd->sub.messages, 100);
	ck_near(rd->sub.legit_failing, 50);
	ck_assert(rd->sub.over && rd->sub.weak);
	ck_assert_int_eq(rd->sp, DMARCREC_P_UNSET);
	ck_assert_int_eq(rd->sp_next, DMARCREC_P_NONE);
	ck_assert_str_eq(rd->record, "v=DMARC1; p=quarantine; t=y; pct=0; "
	    "sp=none; rua=mailto:YOUR-RUA-ADDRESS");
	ck_assert_ptr_nonnull(listed(&rd->sub.blocking, "198.51.100.50"));
	ck_assert(has_reason(rd, "sp=none stays: legitimate-looking subdomain "
	    "mail fails DMARC over the limit"));
	ck_assert(has_reason(rd, "until then subdomains stay open to "
	    "spoofing; the proposed record writes sp=none, so that the new p "
	    "does not reach them"));
	run_release(&run);
}
END_TEST

START_TEST(test_readiness_spoofer_with_own_dkim_is_not_ours)
{
	struct readiness_opts o;
	struct run run;
	const struct readiness_domain *rd;
	const struct readiness_source *rs;

	readiness_opts_init(&o);
	judge_svc(&run, &o, 0, NULL, 1);
	rd = domain(&run, "spoofed.example");
	ck_assert_int_eq(rd->verdict, RVERDICT_NOT_READY);
	ck_near(rd->own.legit, 640);
	ck_near(rd->own.legit_failing, 40);
	ck_near(rd->own.spoofing, 300);
	rs = listed(&rd->own.spoofing_src, "198.51.100.99");
	ck_assert(rs != NULL && rs->cls == RCLASS_UNAUTHORIZED);
	ck_assert_str_eq(rs->fix[0], "it authenticates only as "
	    "evil-phish.example (DKIM), not as spoofed.example; none of its "
	    "mail aligns and it is no known sending service: if this is not "
	    "yours, it is spoofing and enforcement stops it; if it is yours, "
	    "name it in the senders file and sign its mail with DKIM "
	    "d=spoofed.example");
	ck_assert_ptr_null(listed(&rd->own.blocking, "198.51.100.99"));
	rs = listed(&rd->own.blocking, "198.51.100.7");
	ck_assert(rs != NULL && rs->guessed);
	ck_assert_str_eq(rs->src->service, "SendGrid");
	ck_assert_uint_eq(rd->n_blockers, 1);
	ck_assert_str_eq(rd->blockers[0], "198.51.100.7 (SendGrid), 40 failing "
	    "messages: sign with DKIM d=spoofed.example (or a subdomain of "
	    "it): today it signs as sendgrid.net, which does not align");
	run_release(&run);

	/* the senders file names every real sender: both are not ours */
	judge_svc(&run, &o, 2, NULL, 1);
	rd = domain(&run, "spoofed.example");
	ck_assert_int_eq(rd->verdict, RVERDICT_READY);
	ck_near(rd->own.legit, 600);
	ck_near(rd->own.legit_failing, 0);
	ck_near(rd->own.spoofing, 340);
	ck_assert_uint_eq(rd->own.blocking.n, 0);
	ck_assert_uint_eq(rd->n_blockers, 0);
	ck_assert_int_eq(cls_of(&rd->own.spoofing_src, "198.51.100.99"),
	    RCLASS_UNAUTHORIZED);
	ck_assert_int_eq(cls_of(&rd->own.spoofing_src, "198.51.100.7"),
	    RCLASS_UNAUTHORIZED);
	ck_assert(has_fix(listed(&rd->own.spoofing_src, "198.51.100.99"),
	    "the senders file does not name it: if this is not yours, it is "
	    "spoofing and enforcement stops it"));
	run_release(&run);
}
END_TEST

START_TEST(test_readiness_blocker_beats_thin_data)
{
	struct readiness_opts o;
	struct run run;
	const struct readiness_domain *rd;
	char *out;

	readiness_opts_init(&o);
	judge(&run, &o, 0, NULL);
	rd = domain(&run, "thinbad.example");
	ck_assert_int_eq(rd->verdict, RVERDICT_NOT_READY);
	ck_near(rd->own.legit_failing, 50);
	ck_near(rd->own.legit_fail_pct, 100.0 * 50 / 230);
	ck_near(rd->own.worst_aligned_pct, 37.5);
	ck_assert_str_eq(rd->thin, "only 230 messages, only 3 days of data, "
	    "only 1 reporter");
	ck_assert_str_eq(rd->blockers[0], "198.51.100.60, 50 failing messages: "
	    "only 37.5% of its mail aligns: find the mail stream it sends "
	    "differently");
	out = rendered(&run.r, FORMAT_TEXT);
	ck_assert_ptr_nonnull(strstr(out, "thinbad.example: NOT READY for "
	    "p=quarantine; t=y; pct=0, and only 230 messages, only 3 days of "
	    "data, only 1 reporter\n  step: none -> quarantine-test (policy "
	    "from reports)\n  fix first: 198.51.100.60, 50 failing messages"));
	free(out);
	/* no blocker and thin: still NOT ENOUGH DATA */
	ck_assert_int_eq(domain(&run, "thin.example")->verdict,
	    RVERDICT_NOT_ENOUGH_DATA);
	run_release(&run);
}
END_TEST

START_TEST(test_readiness_record_keeps_tags)
{
	char *r;

	r = readiness_record("v=DMARC1; p=none; sp=none; pct=100; "
	    "rua=mailto:a@b.example; adkim=s ;t=n; np=none",
	    RSTEP_QUARANTINE_TEST, DMARCREC_P_UNSET, DMARCREC_P_UNSET);
	ck_assert_str_eq(r, "v=DMARC1; p=quarantine; t=y; pct=0; "
	    "rua=mailto:a@b.example; adkim=s");
	free(r);
	r = readiness_record("v=DMARC1;p=quarantine;RUA=mailto:x@y.example;"
	    "ruf=mailto:f@y.example;fo=1", RSTEP_REJECT, DMARCREC_P_QUARANTINE,
	    DMARCREC_P_REJECT);
	ck_assert_str_eq(r, "v=DMARC1; p=reject; sp=quarantine; np=reject; "
	    "RUA=mailto:x@y.example; ruf=mailto:f@y.example; fo=1");
	free(r);
	r = readiness_record(NULL, RSTEP_QUARANTINE, DMARCREC_P_UNSET,
	    DMARCREC_P_UNSET);
	ck_assert_str_eq(r, "v=DMARC1; p=quarantine; "
	    "rua=mailto:YOUR-RUA-ADDRESS");
	free(r);
}
END_TEST

START_TEST(test_readiness_record_without_dns)
{
	struct readiness_opts o;
	struct dns_opts dop;
	struct dns *dns;
	struct run run;
	const struct readiness_domain *rd;
	char err[256];

	/* thin.example: a record found, then a lookup that failed */
	tu_stored_lookup(db_path, "thin.example", 1711000000LL, "found",
	    "v=DMARC1; p=quarantine; sp=quarantine; rua=mailto:agg@thin.example; "
	    "ruf=mailto:f@thin.example");
	tu_stored_lookup(db_path, "thin.example", 1711100000LL, "dns-error",
	    NULL);
	memset(&dop, 0, sizeof(dop));
	dop.db_path = db_path;
	dop.no_dns = 1;
	ck_assert_msg((dns = dns_new(&dop, err, sizeof(err))) != NULL, "%s",
	    err);
	readiness_opts_init(&o);
	judge(&run, &o, 0, dns);
	rd = domain(&run, "thin.example");
	ck_assert_int_eq(rd->origin, RORIGIN_REPORTS);
	ck_assert_int_eq(rd->record_base, RBASE_HISTORY);
	ck_assert_int_eq(rd->base_at, 1711000000LL);
	/* sp=quarantine rises to reject with p: the tag goes, rua stays */
	ck_assert_str_eq(rd->record, "v=DMARC1; p=reject; "
	    "rua=mailto:agg@thin.example; ruf=mailto:f@thin.example");
	ck_assert(has_reason(rd, "the proposed record keeps the tags of the "
	    "record last seen at 2024-03-21T05:46:40Z"));
	/* nothing stored: the placeholder, said in words */
	rd = domain(&run, "ready.example");
	ck_assert_int_eq(rd->record_base, RBASE_NEW);
	ck_assert_str_eq(rd->record, "v=DMARC1; p=quarantine; t=y; pct=0; "
	    "rua=mailto:YOUR-RUA-ADDRESS");
	ck_assert(has_reason(rd, "no DMARC record of ready.example is known "
	    "(no lookup stored: run dmarc-report policy ready.example): the "
	    "proposed record is a new one; replace YOUR-RUA-ADDRESS"));
	run_release(&run);
	dns_free(dns);
}
END_TEST

/*
 * sub.example with a stored p=reject; sp=none record: the domain itself
 * is AT REJECT, but its subdomains are open, so there is still a record
 * to publish: sp rises to quarantine, rua stays.
 */
START_TEST(test_readiness_at_reject_still_closes_subdomains)
{
	struct readiness_opts o;
	struct dns_opts dop;
	struct dns *dns;
	struct run run;
	const struct readiness_domain *rd;
	char err[256];

	tu_stored_lookup(db_path, "sub.example", 1711000000LL, "found",
	    "v=DMARC1; p=reject; sp=none; rua=mailto:agg@sub.example");
	memset(&dop, 0, sizeof(dop));
	dop.db_path = db_path;
	dop.no_dns = 1;
	ck_assert_msg((dns = dns_new(&dop, err, sizeof(err))) != NULL, "%s",
	    err);
	readiness_opts_init(&o);
	judge(&run, &o, 0, dns);
	rd = domain(&run, "sub.example");
	ck_assert_int_eq(rd->verdict, RVERDICT_AT_REJECT);
	ck_assert_int_eq(rd->origin, RORIGIN_STORED);
	ck_assert_int_eq(rd->sp_now, DMARCREC_P_NONE);
	ck_assert_int_eq(rd->sp_next, DMARCREC_P_QUARANTINE);
	ck_assert_str_eq(rd->record, "v=DMARC1; p=reject; sp=quarantine; "
	    "rua=mailto:agg@sub.example");
	ck_assert(has_reason(rd, "280 unauthenticated messages (likely "
	    "spoofing) are being rejected"));
	run_release(&run);
	dns_free(dns);
}
END_TEST

START_TEST(test_readiness_cli_prints_record)
{
	char cmd[2048], *out = NULL;

	snprintf(cmd, sizeof(cmd), "'%s' readiness --db '%s' --no-dns "
	    "--since 2024-03-01 --until 2024-03-30 --domain sub.example",
	    TEST_REPORT_BIN, db_path);
	ck_assert_int_eq(tu_run(cmd, &out), 0);
	ck_assert_ptr_nonnull(strstr(out, "\nsub.example: READY for "
	    "p=reject\n  step: quarantine -> reject (policy from reports)\n"
	    "  publish now: _dmarc.sub.example. IN TXT \"v=DMARC1; p=reject; "
	    "sp=quarantine; rua=mailto:YOUR-RUA-ADDRESS\"\n  messages 1580, "
	    "header_from sub.example 880, subdomains 700;"));
	ck_assert_ptr_nonnull(strstr(out, "\n  subdomains (sp=none now, "
	    "quarantine proposed):\n"));
	free(out);
	snprintf(cmd, sizeof(cmd), "'%s' readiness --db '%s' --no-dns "
	    "--since 2024-03-01 --until 2024-03-30 --domain sub.example "
	    "--format json", TEST_REPORT_BIN, db_path);
	ck_assert_int_eq(tu_run(cmd, &out), 0);
	ck_assert_ptr_nonnull(strstr(out, "\"sp\":\"none\",\"np\":null,"
	    "\"sp_now\":\"none\",\"sp_next\":\"quarantine\",\"np_next\":null,"
	    "\"record\":\"v=DMARC1; p=reject; sp=quarantine; "
	    "rua=mailto:YOUR-RUA-ADDRESS\",\"record_base\":\"new\""));
	ck_assert_ptr_nonnull(strstr(out, "\"subdomains\":{\"top\":"
	    "\"promo.sub.example\",\"messages\":700,\"legitimate\":0,"));
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
	tcase_add_test(tc, test_readiness_unauthorized_rua_blocks);
	tcase_add_test(tc, test_readiness_render_formats_escape);
	tcase_add_test(tc, test_readiness_render_shows_service);
	tcase_add_test(tc, test_readiness_cli_honours_services_file);
	tcase_add_test(tc, test_readiness_subdomains_judged_apart);
	tcase_add_test(tc, test_readiness_subdomain_not_ready_pins_sp);
	tcase_add_test(tc, test_readiness_spoofer_with_own_dkim_is_not_ours);
	tcase_add_test(tc, test_readiness_blocker_beats_thin_data);
	tcase_add_test(tc, test_readiness_record_keeps_tags);
	tcase_add_test(tc, test_readiness_record_without_dns);
	tcase_add_test(tc, test_readiness_at_reject_still_closes_subdomains);
	tcase_add_test(tc, test_readiness_cli_prints_record);
	tcase_add_test(tc,
	    test_readiness_text_names_once_and_skips_zero_counts);
	suite_add_tcase(s, tc);
	return s;
}

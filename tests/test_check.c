/*
 * Tests for the check mode (report/dnscheck.h, dnsq_ares.h) against a real
 * DNS server: dnsmasq on 127.0.0.1 at a free port serving a zone built
 * for the planted problems (tests/data/check/shop.xml holds the reports
 * they are joined with), plus two small UDP servers of this file: one
 * that answers SERVFAIL, or a CNAME loop for cnameloop.test (dnsmasq
 * forwards both zones to it), and one that never answers (a timeout).  Expectations are computed by hand in
 * the comments.  No test touches the internet; without dnsmasq each DNS
 * test prints SKIP with the reason (tu_skip; with CI=true it fails).
 *
 * The zone:
 *   shop.test   DMARC p=none pct=50; SPF ip4:192.0.2.0/30 and
 *               include:_spf.esp.test (198.51.100.0/28); selectors s2048,
 *               s1024, s512 (RSA keys of those sizes), revoked (p=), and
 *               "gone" (no record); MX; TLS-RPT, no MTA-STS; the
 *               unauthorized 203.0.113.7 has a SendGrid PTR name,
 *               203.0.113.8 a Mailgun one
 *   many.test   2 + 4 includes, four a: terms: 11 lookups
 *   void.test   a:n1 a:n2 include:n3, none exist: 3 void lookups
 *   loop.test   includes loop2.test, which includes loop.test
 *   plusall.test, two.test (two v=spf1), split.test (a term split across
 *   two strings), glued.test (two strings with no space between terms)
 *   clean.test  nothing wrong
 *   macro.test  exists:%{i}.ok.macro.test, true for 192.0.2.77 only
 *   ext.test    rua to partner.test (authorized) and other.test (not)
 *   wide.test   40 includes each including one more record (81 records);
 *               huge.test, one 9,807-byte record
 *   fan.test    1,110 includes in 112 records, 1,000 of them at the bottom
 *               (fan_fill); thousand.test, 1,000 includes in one record
 * dnsmasq is started and stopped by testutil (tu_dnsmasq_start).
 */
#include <sys/socket.h>
#include <sys/wait.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <check.h>

#include "classify.h"
#include "db.h"
#include "dnscheck.h"
#include "dnsq_ares.h"
#include "limits.h"
#include "testutil.h"
#include "xalloc.h"

Suite	*check_suite(void);

/* the fixture report's day (2026-11-16) and a "now" two days later */
#define CK_DAY	1794787200LL
#define CK_NOW	"1794960000"

static struct tu_dnsmasq dm = { .pid = -1 };
static pid_t	 sf_pid = -1;	/* the SERVFAIL server */
static char	 resolver[32];
static char	*ck_dir;
static char	 ck_db[600];

/*
 * The answer to a name under cnameloop.test, in place after the question
 * ending at q: NAME CNAME x.NAME, x.NAME CNAME NAME (a loop).  Returns
 * the message length.
 */
static size_t
cname_loop(unsigned char *m, size_t q)
{
	static const unsigned char rr1[] = { 0xc0, 0x0c, 0, 5, 0, 1, 0, 0, 0,
	    60, 0, 4, 1, 'x', 0xc0, 0x0c };
	unsigned char rr2[] = { 0xc0, 0, 0, 5, 0, 1, 0, 0, 0, 60, 0, 2,
	    0xc0, 0x0c };

	rr2[1] = (unsigned char)(q + 12);	/* x.NAME: rr1's data */
	memcpy(m + q, rr1, sizeof(rr1));
	memcpy(m + q + sizeof(rr1), rr2, sizeof(rr2));
	m[3] = 0x80;		/* RA, RCODE 0 */
	m[7] = 2;		/* two answers */
	return q + sizeof(rr1) + sizeof(rr2);
}

/*
 * Answers every query on s: a name under cnameloop.test with a CNAME
 * loop, any other with its question and RCODE 2 (SERVFAIL).
 */
static void
servfail_serve(int s)
{
	unsigned char m[512];
	struct sockaddr_in from;
	socklen_t fl;
	ssize_t n;
	size_t q, len;

	for (;;) {
		fl = sizeof(from);
		if ((n = recvfrom(s, m, 400, 0, (struct sockaddr *)&from,
		    &fl)) < 12)
			continue;
		for (q = 12; q < (size_t)n && m[q] != 0; q += m[q] + 1u)
			;
		if ((q += 5) > (size_t)n || q > 200)
			continue;
		len = (size_t)n;
		m[2] = (unsigned char)(m[2] | 0x80);	/* QR */
		m[3] = (unsigned char)((m[3] & 0xf0) | 2);
		memset(m + 6, 0, 6);	/* no answer, authority, additional */
		/* the name ends "\x09cnameloop\x04test\x00" */
		if (q >= 12 + 5 + 15 && memcmp(m + q - 5 - 15,
		    "\x09cnameloop\x04test", 15) == 0)
			len = cname_loop(m, q);
		sendto(s, m, len, 0, (struct sockaddr *)&from, fl);
	}
}

static int
servfail_start(void)
{
	int port, s = tu_udp_loopback(&port);

	if (s == -1)
		return 0;
	if ((sf_pid = fork()) == 0) {
		/* not Check's handler, which signals the whole group */
		signal(SIGTERM, SIG_DFL);
		tu_quiet_child();
		servfail_serve(s);
		_exit(0);
	}
	close(s);
	return sf_pid > 0 ? port : 0;
}

/* "v=spf1" and 700 "ip4:192.0.2.1" terms: 9,807 bytes, 39 strings */
static char	 huge_arg[10240];

static void
huge_fill(void)
{
	size_t n = (size_t)snprintf(huge_arg, sizeof(huge_arg),
	    "--txt-record=huge.test,v=spf1");

	for (int i = 0; i < 700; i++)
		n += (size_t)snprintf(huge_arg + n, sizeof(huge_arg) - n,
		    " ip4:192.0.2.1");
}

/* the zone of the header comment, as dnsmasq options */
static const char *const zone[] = {
	    "--txt-record=_dmarc.shop.test,v=DMARC1; p=none; pct=50; "
	    "rua=mailto:d@shop.test",
	    "--txt-record=shop.test,v=spf1 ip4:192.0.2.0/30 include:_"
	    "spf.esp.test -all",
	    "--txt-record=shop.test,google-site-verification=abc",
	    "--txt-record=_spf.esp.test,v=spf1 ip4:198.51.100.0/28 -a"
	    "ll",
	    "--txt-record=bounce.shop.test,v=spf1 ip4:192.0.2.3 -all",
	    "--txt-record=s2048._domainkey.shop.test,v=DKIM1; k=rsa; "
	    "p=MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAtkKZ/wJS6P"
	    "W15jdv386XNG7fHHKr4jmpKViF3Zle6h6fFlzj/IjUn9gRWGL+O+yV7y"
	    "pj+oCapVWxDCSULl15NiFHknl7whQBOIr692x+s3nU/UVu8JAdWCJl4p"
	    "1++sfMXcio7Pzgr0SS8kVsgFco0ihGN1K6F9AsX0tb7qu3o/s7eIOpKP"
	    "d9o+S2ZyIT2hilulL3cth3iiX6G6Knzo8d2SFysTk6cAAEG7khI5MJ7M"
	    "zuuB5aUPM9YWXP34V7ooBmjFRMbEx5e+kybkCnW+7QdVrad7iImRgtnH"
	    "JcCekKZcCp3IxbVBPknwHtQwI9YWdh2QyU18p8eWpNNS0uU3Q7XQIDAQ"
	    "AB",
	    "--txt-record=s1024._domainkey.shop.test,v=DKIM1; k=rsa; "
	    "p=MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDIbWzGOMLRD3XMVY"
	    "hjEqKPMzy02/ygEME03p70xx+zE0S/f/P4KyKN9/AUnRbadIBZ50YgnU"
	    "ke8u28hmFVPKHP2diVGUK+Rp1q5/Bq2PyYWT3iw9qxxRq//u13gh9mm8"
	    "2otXLjabeaorI+y1qfzDlrV00UZ4FzxxzX+har6bFTTwIDAQAB",
	    "--txt-record=s512._domainkey.shop.test,v=DKIM1; k=rsa; p"
	    "=MFwwDQYJKoZIhvcNAQEBBQADSwAwSAJBAL0zblsNkwW+YD013TRWpie"
	    "rnyo0CuReTkd8Nvfq4TzIBpIEI0ceM6suJnWqpBo7ORJr905gux8xDUL"
	    "elbMRAA8CAwEAAQ==",
	    "--txt-record=revoked._domainkey.shop.test,v=DKIM1; k=rsa"
	    "; p=",
	    "--mx-host=shop.test,mx1.shop.test,10",
	    "--host-record=mx1.shop.test,192.0.2.25",
	    "--txt-record=_smtp._tls.shop.test,v=TLSRPTv1; rua=mailto"
	    ":tls@shop.test",
	    "--txt-record=many.test,v=spf1 include:a.many.test includ"
	    "e:b.many.test -all",
	    "--txt-record=a.many.test,v=spf1 include:a1.many.test inc"
	    "lude:a2.many.test include:a3.many.test include:a4.many.t"
	    "est -all",
	    "--txt-record=a1.many.test,v=spf1 a:h.many.test -all",
	    "--txt-record=a2.many.test,v=spf1 a:h.many.test -all",
	    "--txt-record=a3.many.test,v=spf1 a:h.many.test -all",
	    "--txt-record=a4.many.test,v=spf1 a:h.many.test -all",
	    "--txt-record=b.many.test,v=spf1 include:b1.many.test -al"
	    "l",
	    "--txt-record=b1.many.test,v=spf1 ip4:192.0.2.9 -all",
	    "--host-record=h.many.test,192.0.2.50,2001:db8::50",
	    "--ptr-record=50.2.0.192.in-addr.arpa,h.many.test",
	    "--ptr-record=7.113.0.203.in-addr.arpa,o1.ptr.sendgrid.net",
	    "--ptr-record=8.113.0.203.in-addr.arpa,so8.mailgun.net",
	    "--txt-record=void.test,v=spf1 a:n1.void.test a:n2.void.t"
	    "est include:n3.void.test ~all",
	    "--txt-record=loop.test,v=spf1 include:loop2.test -all",
	    "--txt-record=loop2.test,v=spf1 include:loop.test -all",
	    "--txt-record=plusall.test,v=spf1 +all",
	    "--txt-record=two.test,v=spf1 -all",
	    "--txt-record=two.test,v=spf1 ip4:192.0.2.1 -all",
	    "--txt-record=split.test,v=spf1 ip4:192.0.2.1 inc,lude:_s"
	    "pf.esp.test -all",
	    "--txt-record=glued.test,v=spf1 ip4:192.0.2.1,include:_sp"
	    "f.esp.test -all",
	    "--txt-record=_dmarc.clean.test,v=DMARC1; p=reject; rua=m"
	    "ailto:d@clean.test",
	    "--txt-record=clean.test,v=spf1 ip4:192.0.2.0/24 -all",
	    "--mx-host=clean.test,mx.clean.test,10",
	    "--host-record=mx.clean.test,192.0.2.26",
	    "--txt-record=_mta-sts.clean.test,v=STSv1; id=20261101",
	    "--txt-record=_smtp._tls.clean.test,v=TLSRPTv1; rua=mailt"
	    "o:tls@clean.test",
	    "--txt-record=default._bimi.clean.test,v=BIMI1; "
	    "l=https://clean.test/logo.svg",
	    "--txt-record=macro.test,v=spf1 exists:%{i}.ok.macro.test -all",
	    "--host-record=192.0.2.77.ok.macro.test,127.0.0.2",
	    "--txt-record=_dmarc.ext.test,v=DMARC1; p=none; "
	    "rua=mailto:r@partner.test,mailto:r@other.test",
	    "--txt-record=ext.test._report._dmarc.partner.test,v=DMARC1",
	    /* hostile: 1 + 40 + 40 records, 880 bytes; a 9.8 KB record */
	    "--txt-record=wide.test,v=spf1 include:w1.wide.test inclu"
	    "de:w2.wide.test include:w3.wide.test include:w4.wide.tes"
	    "t include:w5.wide.test include:w6.wide.test include:w7.w"
	    "ide.test include:w8.wide.test include:w9.wide.test inclu"
	    "de:w10.wide.test include:w11.wide.test include:w12.wide."
	    "test include:w13.wide.test include:w14.wide.test include"
	    ":w15.wide.test include:w16.wide.test include:w17.wide.te"
	    "st include:w18.wide.test include:w19.wide.test include:w"
	    "20.wide.test include:w21.wide.test include:w22.wide.test"
	    " include:w23.wide.test include:w24.wide.test include:w25"
	    ".wide.test include:w26.wide.test include:w27.wide.test i"
	    "nclude:w28.wide.test include:w29.wide.test include:w30.w"
	    "ide.test include:w31.wide.test include:w32.wide.test inc"
	    "lude:w33.wide.test include:w34.wide.test include:w35.wid"
	    "e.test include:w36.wide.test include:w37.wide.test inclu"
	    "de:w38.wide.test include:w39.wide.test include:w40.wide."
	    "test -all",
	    "--txt-record=w1.wide.test,v=spf1 include:y.wide.test -all",
	    "--txt-record=w2.wide.test,v=spf1 include:y.wide.test -all",
	    "--txt-record=w3.wide.test,v=spf1 include:y.wide.test -all",
	    "--txt-record=w4.wide.test,v=spf1 include:y.wide.test -all",
	    "--txt-record=w5.wide.test,v=spf1 include:y.wide.test -all",
	    "--txt-record=w6.wide.test,v=spf1 include:y.wide.test -all",
	    "--txt-record=w7.wide.test,v=spf1 include:y.wide.test -all",
	    "--txt-record=w8.wide.test,v=spf1 include:y.wide.test -all",
	    "--txt-record=w9.wide.test,v=spf1 include:y.wide.test -all",
	    "--txt-record=w10.wide.test,v=spf1 include:y.wide.test -all",
	    "--txt-record=w11.wide.test,v=spf1 include:y.wide.test -all",
	    "--txt-record=w12.wide.test,v=spf1 include:y.wide.test -all",
	    "--txt-record=w13.wide.test,v=spf1 include:y.wide.test -all",
	    "--txt-record=w14.wide.test,v=spf1 include:y.wide.test -all",
	    "--txt-record=w15.wide.test,v=spf1 include:y.wide.test -all",
	    "--txt-record=w16.wide.test,v=spf1 include:y.wide.test -all",
	    "--txt-record=w17.wide.test,v=spf1 include:y.wide.test -all",
	    "--txt-record=w18.wide.test,v=spf1 include:y.wide.test -all",
	    "--txt-record=w19.wide.test,v=spf1 include:y.wide.test -all",
	    "--txt-record=w20.wide.test,v=spf1 include:y.wide.test -all",
	    "--txt-record=w21.wide.test,v=spf1 include:y.wide.test -all",
	    "--txt-record=w22.wide.test,v=spf1 include:y.wide.test -all",
	    "--txt-record=w23.wide.test,v=spf1 include:y.wide.test -all",
	    "--txt-record=w24.wide.test,v=spf1 include:y.wide.test -all",
	    "--txt-record=w25.wide.test,v=spf1 include:y.wide.test -all",
	    "--txt-record=w26.wide.test,v=spf1 include:y.wide.test -all",
	    "--txt-record=w27.wide.test,v=spf1 include:y.wide.test -all",
	    "--txt-record=w28.wide.test,v=spf1 include:y.wide.test -all",
	    "--txt-record=w29.wide.test,v=spf1 include:y.wide.test -all",
	    "--txt-record=w30.wide.test,v=spf1 include:y.wide.test -all",
	    "--txt-record=w31.wide.test,v=spf1 include:y.wide.test -all",
	    "--txt-record=w32.wide.test,v=spf1 include:y.wide.test -all",
	    "--txt-record=w33.wide.test,v=spf1 include:y.wide.test -all",
	    "--txt-record=w34.wide.test,v=spf1 include:y.wide.test -all",
	    "--txt-record=w35.wide.test,v=spf1 include:y.wide.test -all",
	    "--txt-record=w36.wide.test,v=spf1 include:y.wide.test -all",
	    "--txt-record=w37.wide.test,v=spf1 include:y.wide.test -all",
	    "--txt-record=w38.wide.test,v=spf1 include:y.wide.test -all",
	    "--txt-record=w39.wide.test,v=spf1 include:y.wide.test -all",
	    "--txt-record=w40.wide.test,v=spf1 include:y.wide.test -all",
	    "--txt-record=y.wide.test,v=spf1 -all",
	/* the SERVFAIL server's zones, huge.test and fan.test: ck_setup */
};

/*
 * fan.test, 1,110 includes in 112 records: fan.test includes f0..f9,
 * each f<i> includes g<i>0..g<i>9, each of those 100 includes
 * leaf.fan.test ten times (the 1,000 at the bottom), and leaf.fan.test
 * authorizes 192.0.2.200.
 */
#define FAN_RECORDS	112
static char	 fan_arg[FAN_RECORDS][512];
/* thousand.test: one record of 1,000 includes, 22,011 bytes */
static char	 thousand_arg[23 * 1024];

static void
fan_fill(void)
{
	size_t k = 0, n;

	n = (size_t)snprintf(fan_arg[k], sizeof(fan_arg[k]),
	    "--txt-record=fan.test,v=spf1");
	for (int i = 0; i < 10; i++)
		n += (size_t)snprintf(fan_arg[k] + n, sizeof(fan_arg[k]) - n,
		    " include:f%d.fan.test", i);
	snprintf(fan_arg[k++] + n, sizeof(fan_arg[0]) - n, " -all");
	for (int i = 0; i < 10; i++) {
		n = (size_t)snprintf(fan_arg[k], sizeof(fan_arg[k]),
		    "--txt-record=f%d.fan.test,v=spf1", i);
		for (int j = 0; j < 10; j++)
			n += (size_t)snprintf(fan_arg[k] + n,
			    sizeof(fan_arg[k]) - n, " include:g%d%d.fan.test",
			    i, j);
		snprintf(fan_arg[k++] + n, sizeof(fan_arg[0]) - n, " -all");
	}
	for (int i = 0; i < 100; i++) {
		n = (size_t)snprintf(fan_arg[k], sizeof(fan_arg[k]),
		    "--txt-record=g%02d.fan.test,v=spf1", i);
		for (int j = 0; j < 10; j++)
			n += (size_t)snprintf(fan_arg[k] + n,
			    sizeof(fan_arg[k]) - n, " include:leaf.fan.test");
		snprintf(fan_arg[k++] + n, sizeof(fan_arg[0]) - n, " -all");
	}
	snprintf(fan_arg[k++], sizeof(fan_arg[0]),
	    "--txt-record=leaf.fan.test,v=spf1 ip4:192.0.2.200 -all");
	assert(k == FAN_RECORDS);
	n = (size_t)snprintf(thousand_arg, sizeof(thousand_arg),
	    "--txt-record=thousand.test,v=spf1");
	for (int i = 0; i < 1000; i++)
		n += (size_t)snprintf(thousand_arg + n, sizeof(thousand_arg) - n,
		    " include:leaf.fan.test");
	snprintf(thousand_arg + n, sizeof(thousand_arg) - n, " -all");
}

static void
ck_setup(void)
{
	const size_t nz = sizeof(zone) / sizeof(zone[0]);
	const char **all;
	char sfarg[96], cmd[2048];
	size_t n = 0;
	int sport;

	ck_dir = tu_tmpdir();
	snprintf(ck_db, sizeof(ck_db), "%s/t.db", ck_dir);
	snprintf(cmd, sizeof(cmd), "'%s' --db '%s' '%s/check/shop.xml' "
	    ">/dev/null 2>&1", TEST_INGEST_BIN, ck_db, TEST_DATA);
	ck_assert_int_eq(tu_run(cmd, NULL), 0);
	if (access(TU_DNSMASQ, X_OK) == -1 || (sport = servfail_start()) == 0)
		return;
	snprintf(sfarg, sizeof(sfarg), "--server=/servfail.test/"
	    "cnameloop.test/127.0.0.1#%d", sport);
	huge_fill();
	fan_fill();
	all = xcalloc(nz + 3 + FAN_RECORDS, sizeof(*all));
	for (size_t i = 0; i < nz; i++)
		all[n++] = zone[i];
	all[n++] = sfarg;
	all[n++] = huge_arg;
	all[n++] = thousand_arg;
	for (size_t i = 0; i < FAN_RECORDS; i++)
		all[n++] = fan_arg[i];
	if (tu_dnsmasq_start(&dm, ck_dir, all, n) == 0)
		snprintf(resolver, sizeof(resolver), "%s", dm.resolver);
	free(all);
}

static void
ck_teardown(void)
{
	int status;

	tu_dnsmasq_stop(&dm);
	if (sf_pid > 0) {
		kill(sf_pid, SIGTERM);
		waitpid(sf_pid, &status, 0);
	}
	sf_pid = -1;
	tu_rmtree(ck_dir);
	free(ck_dir);
	ck_dir = NULL;
}

#define NEED_DNSMASQ() do {						\
	if (dm.pid <= 0)						\
		TU_SKIP(TU_SKIP_SERVER, "dnsmasq (%s) could not start",	\
		    TU_DNSMASQ);					\
} while (0)

static struct dns *
open_dns(const char *res, int no_dns)
{
	struct dns_opts o;
	struct dns *d;
	char err[256];

	memset(&o, 0, sizeof(o));
	o.db_path = ck_db;
	o.resolver = res;
	o.no_dns = no_dns;
	o.refresh = 1;
	o.timeout_ms = 300;
	o.tries = 1;
	d = dns_new(&o, err, sizeof(err));
	ck_assert_msg(d != NULL, "%s", err);
	return d;
}

/*
 * checks domain with the fixture reports (the window holds CK_DAY), svc
 * naming the services of unauthorized sources (NULL: none)
 */
static void
check_svc(const char *domain, const struct classify *svc,
    struct check_domain *out)
{
	struct window w = { CK_DAY - 86400, CK_DAY + 2 * 86400 };
	struct check_data data;
	struct dns *d = open_dns(resolver, 0);
	struct dnsq q;
	struct rdb *db;
	char err[256];

	db = rdb_open(ck_db, RDB_READ, err, sizeof(err));
	ck_assert_msg(db != NULL, "%s", err);
	ck_assert_int_eq(check_query(db, &w, domain, &data, err,
	    sizeof(err)), 0);
	dnsq_init(&q, d);
	check_domain(d, &q, domain, &data, svc, out);
	dnsq_release(&q);
	check_data_release(&data);
	rdb_close(db);
	dns_free(d);
}

/* the same without the service table */
static void
check_one(const char *domain, struct check_domain *out)
{
	check_svc(domain, NULL, out);
}

static void
domain_release(struct check_domain *d)
{
	struct check_result r;

	/* the result owns its array: give it a copy of *d */
	memset(&r, 0, sizeof(r));
	r.domains = xmalloc(sizeof(*d));
	r.domains[0] = *d;
	r.n_domains = 1;
	check_result_release(&r);
}

#define ck_assert_verdict(it, v) ck_assert_msg((it)->verdict == (v), \
	"%s '%s': %s, expected %s", (it)->code, (it)->subject, \
	check_verdict_name((it)->verdict), check_verdict_name(v))

/* the n-th item (from 0) with this code, or NULL */
static const struct check_item *
item(const struct check_domain *d, const char *code, size_t nth)
{
	for (size_t i = 0; i < d->n_items; i++)
		if (strcmp(d->items[i].code, code) == 0 && nth-- == 0)
			return &d->items[i];
	return NULL;
}

static size_t
count(const struct check_domain *d, const char *code)
{
	size_t n = 0;

	for (size_t i = 0; i < d->n_items; i++)
		n += strcmp(d->items[i].code, code) == 0;
	return n;
}

/* the item with this code about subject; fails the test if none */
static const struct check_item *
about(const struct check_domain *d, const char *code, const char *subject)
{
	for (size_t i = 0; i < d->n_items; i++)
		if (strcmp(d->items[i].code, code) == 0 &&
		    strcmp(d->items[i].subject, subject) == 0)
			return &d->items[i];
	ck_abort_msg("no '%s' item about '%s'", code, subject);
	return NULL;
}

/* ------------------------------------------------------------------ */
/* the adapter                                                        */

START_TEST(test_check_dnsq_txt_strings_joined_records_apart)
{
	struct dns *d;
	struct dnsq q;
	struct spfdns_answer a;

	NEED_DNSMASQ();
	d = open_dns(resolver, 0);
	dnsq_init(&q, d);
	ck_assert_int_eq(dnsq_ask(&q, SPFDNS_TXT, "split.test", &a),
	    SPFDNS_OK);
	ck_assert_uint_eq(a.n_txt, 1);
	ck_assert_str_eq(a.txt[0].text,
	    "v=spf1 ip4:192.0.2.1 include:_spf.esp.test -all");
	/* "v=spf1 ip4:192.0.2.1 inc" is 24 bytes */
	ck_assert_uint_eq(a.txt[0].n_joins, 1);
	ck_assert_uint_eq(a.txt[0].joins[0], 24);
	spfdns_answer_release(&a);
	ck_assert_int_eq(dnsq_ask(&q, SPFDNS_TXT, "two.test", &a), SPFDNS_OK);
	ck_assert_uint_eq(a.n_txt, 2);
	ck_assert_uint_eq(a.txt[0].n_joins + a.txt[1].n_joins, 0);
	ck_assert(strcmp(a.txt[0].text, a.txt[1].text) != 0);
	spfdns_answer_release(&a);
	dnsq_release(&q);
	dns_free(d);
}
END_TEST

START_TEST(test_check_dnsq_a_aaaa_mx_ptr)
{
	static const unsigned char v4[4] = { 192, 0, 2, 50 };
	static const unsigned char v6[16] = { 0x20, 0x01, 0x0d, 0xb8,
	    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x50 };
	struct dns *d;
	struct dnsq q;
	struct spfdns_answer a;

	NEED_DNSMASQ();
	d = open_dns(resolver, 0);
	dnsq_init(&q, d);
	ck_assert_int_eq(dnsq_ask(&q, SPFDNS_A, "h.many.test", &a), SPFDNS_OK);
	ck_assert_uint_eq(a.n_addrs, 1);
	ck_assert(memcmp(a.addrs[0], v4, 4) == 0);
	spfdns_answer_release(&a);
	ck_assert_int_eq(dnsq_ask(&q, SPFDNS_AAAA, "h.many.test", &a),
	    SPFDNS_OK);
	ck_assert_uint_eq(a.n_addrs, 1);
	ck_assert(memcmp(a.addrs[0], v6, 16) == 0);
	spfdns_answer_release(&a);
	ck_assert_int_eq(dnsq_ask(&q, SPFDNS_MX, "shop.test", &a), SPFDNS_OK);
	ck_assert_uint_eq(a.n_names, 1);
	ck_assert_str_eq(a.names[0], "mx1.shop.test");
	spfdns_answer_release(&a);
	ck_assert_int_eq(dnsq_ask(&q, SPFDNS_PTR, "50.2.0.192.in-addr.arpa",
	    &a), SPFDNS_OK);
	ck_assert_uint_eq(a.n_names, 1);
	ck_assert_str_eq(a.names[0], "h.many.test");
	spfdns_answer_release(&a);
	/* NXDOMAIN and NODATA are both void */
	ck_assert_int_eq(dnsq_ask(&q, SPFDNS_A, "n1.void.test", &a),
	    SPFDNS_VOID);
	spfdns_answer_release(&a);
	ck_assert_int_eq(dnsq_ask(&q, SPFDNS_AAAA, "mx1.shop.test", &a),
	    SPFDNS_VOID);
	spfdns_answer_release(&a);
	/* the memo answers a name asked again without a packet */
	{
		unsigned long sent = q.nsent;

		ck_assert_int_eq(dnsq_ask(&q, SPFDNS_A, "h.many.test", &a),
		    SPFDNS_OK);
		ck_assert_uint_eq(a.n_addrs, 1);
		ck_assert_uint_eq(q.nsent, sent);
		spfdns_answer_release(&a);
	}
	dnsq_release(&q);
	dns_free(d);
}
END_TEST

START_TEST(test_check_dnsq_servfail_and_timeout_are_temperror)
{
	struct dns *d;
	struct dnsq q;
	struct spfdns_answer a;
	char silent[32];
	int port, s;

	NEED_DNSMASQ();
	d = open_dns(resolver, 0);
	dnsq_init(&q, d);
	ck_assert_int_eq(dnsq_ask(&q, SPFDNS_TXT, "x.servfail.test", &a),
	    SPFDNS_TEMP);
	ck_assert_ptr_nonnull(strstr(dnsq_why(&q), "SERVFAIL"));
	spfdns_answer_release(&a);
	dnsq_release(&q);
	dns_free(d);
	/* a server that never answers */
	ck_assert_int_ne(s = tu_udp_loopback(&port), -1);
	snprintf(silent, sizeof(silent), "127.0.0.1:%d", port);
	d = open_dns(silent, 0);
	dnsq_init(&q, d);
	ck_assert_int_eq(dnsq_ask(&q, SPFDNS_TXT, "shop.test", &a),
	    SPFDNS_TEMP);
	ck_assert_str_eq(dnsq_why(&q), "timeout");
	spfdns_answer_release(&a);
	dnsq_release(&q);
	dns_free(d);
	close(s);
}
END_TEST

/* ------------------------------------------------------------------ */
/* the checks                                                         */

START_TEST(test_check_shop_lists_exactly_the_unauthorized_sources)
{
	struct check_domain d;
	const struct check_item *it;

	NEED_DNSMASQ();
	check_one("shop.test", &d);
	/*
	 * DKIM-aligned sources with envelope shop.test: 192.0.2.1 and
	 * 192.0.2.2 (ip4:192.0.2.0/30), 198.51.100.5 (the include) pass;
	 * 203.0.113.7 (20) and 203.0.113.8 (10) are not authorized.
	 * 233.252.0.9 (5, not aligned) is summed apart.
	 */
	ck_assert_uint_eq(count(&d, "source-not-authorized"), 2);
	it = item(&d, "source-not-authorized", 0);
	ck_assert_str_eq(it->subject, "203.0.113.7");
	ck_assert(it->messages == 20);
	ck_assert_verdict(it, CHECK_ERROR);
	ck_assert_ptr_nonnull(strstr(it->text, "'ip4:203.0.113.7'"));
	it = item(&d, "source-not-authorized", 1);
	ck_assert_str_eq(it->subject, "203.0.113.8");
	ck_assert(it->messages == 10);
	it = about(&d, "sources-unknown", "shop.test");
	ck_assert(it->messages == 5);
	/* bounce.shop.test has its own record, which passes 192.0.2.3 */
	about(&d, "sources-authorized", "bounce.shop.test");
	ck_assert_int_eq(d.worst, CHECK_ERROR);
	ck_assert(d.messages == 222);
	/* without the service table only the ip4: term can be named */
	ck_assert_ptr_nonnull(it = item(&d, "source-not-authorized", 1));
	ck_assert_ptr_nonnull(strstr(it->text, "add 'ip4:203.0.113.8' or "
	    "the include of its sending service"));
	domain_release(&d);
}
END_TEST

/*
 * The case: of the 5 DKIM-aligned (legitimate-looking) sources
 * with envelope shop.test, the record authorizes 3 (192.0.2.1 and .2 by
 * ip4:192.0.2.0/30, 198.51.100.5 by include:_spf.esp.test); the other 2
 * are listed, biggest first, each with the include of its service by
 * its reverse name and the built-in table: 203.0.113.7 (20 messages,
 * o1.ptr.sendgrid.net: include:sendgrid.net), 203.0.113.8 (10,
 * so8.mailgun.net: include:mailgun.org).  No item names the 3.
 */
START_TEST(test_check_spf_three_of_five_lists_the_two_with_their_include)
{
	static const char *const authorized[] = { "192.0.2.1", "192.0.2.2",
	    "198.51.100.5" };
	struct check_domain d;
	struct classify cl;
	const struct check_item *it;
	char err[256];

	NEED_DNSMASQ();
	classify_init(&cl);
	ck_assert_int_eq(classify_builtin(&cl, err, sizeof(err)), 0);
	check_svc("shop.test", &cl, &d);
	ck_assert_uint_eq(count(&d, "source-not-authorized"), 2);
	it = item(&d, "source-not-authorized", 0);
	ck_assert_str_eq(it->subject, "203.0.113.7");
	ck_assert(it->messages == 20);
	ck_assert_ptr_nonnull(strstr(it->text, "it is SendGrid by its "
	    "reverse name 'o1.ptr.sendgrid.net': add 'include:sendgrid.net' "
	    "(as SendGrid documents it) or 'ip4:203.0.113.7'"));
	it = item(&d, "source-not-authorized", 1);
	ck_assert_str_eq(it->subject, "203.0.113.8");
	ck_assert(it->messages == 10);
	ck_assert_ptr_nonnull(strstr(it->text, "it is Mailgun by its "
	    "reverse name 'so8.mailgun.net': add 'include:mailgun.org' "
	    "(as Mailgun documents it) or 'ip4:203.0.113.8'"));
	for (size_t i = 0; i < d.n_items; i++)
		for (size_t k = 0; k < 3; k++)
			ck_assert_msg(strcmp(d.items[i].subject,
			    authorized[k]) != 0, "%s: %s", d.items[i].code,
			    authorized[k]);
	domain_release(&d);
	classify_release(&cl);
}
END_TEST

START_TEST(test_check_shop_dkim_keys_judged)
{
	struct check_domain d;
	const struct check_item *it;

	NEED_DNSMASQ();
	check_one("shop.test", &d);
	/* s2048 signs 192.0.2.1 (100), .7 (20), .3 (7): 127 messages */
	it = about(&d, "key", "s2048._domainkey.shop.test");
	ck_assert_verdict(it, CHECK_OK);
	ck_assert(it->messages == 127);
	ck_assert_ptr_nonnull(strstr(it->text, "2048 bits"));
	ck_assert_verdict(about(&d, "short-key",
	    "s1024._domainkey.shop.test"), CHECK_WARNING);
	ck_assert_verdict(about(&d, "weak-key", "s512._domainkey.shop.test"),
	    CHECK_ERROR);
	it = about(&d, "revoked", "revoked._domainkey.shop.test");
	ck_assert_verdict(it, CHECK_ERROR);
	ck_assert(it->messages == 100);
	it = about(&d, "missing-key", "gone._domainkey.shop.test");
	ck_assert_verdict(it, CHECK_ERROR);
	ck_assert(it->messages == 30);
	/* evil.test's selector is another organization's: not checked */
	for (size_t i = 0; i < d.n_items; i++)
		ck_assert(strstr(d.items[i].subject, "evil.test") == NULL);
	domain_release(&d);
}
END_TEST

START_TEST(test_check_shop_dmarc_and_mx)
{
	struct check_domain d;

	NEED_DNSMASQ();
	check_one("shop.test", &d);
	about(&d, "record", "_dmarc.shop.test");
	ck_assert_verdict(about(&d, "removed-tag", "_dmarc.shop.test"),
	    CHECK_WARNING);
	about(&d, "mx", "shop.test");
	ck_assert_verdict(about(&d, "tls-rpt", "_smtp._tls.shop.test"),
	    CHECK_OK);
	ck_assert_verdict(about(&d, "mta-sts", "_mta-sts.shop.test"),
	    CHECK_INFO);
	/* no BIMI record: no item */
	ck_assert_ptr_null(item(&d, "bimi", 0));
	domain_release(&d);
}
END_TEST

START_TEST(test_check_eleven_lookups_with_cost_per_include)
{
	struct check_domain d;

	NEED_DNSMASQ();
	check_one("many.test", &d);
	/*
	 * many.test: 2 includes; a: 4 includes; a1..a4: one a: each; b: 1
	 * include; b1: none.  2 + 4 + 4 + 1 = 11.  include:a costs itself
	 * plus 8 below, include:b itself plus 1.
	 */
	ck_assert_verdict(about(&d, "too-many-lookups", "many.test"),
	    CHECK_ERROR);
	ck_assert_ptr_nonnull(strstr(about(&d, "lookups", "many.test")->text,
	    "11 DNS lookups"));
	ck_assert_ptr_nonnull(strstr(about(&d, "lookup-cost",
	    "include:a.many.test")->text, "costs 9 lookups"));
	ck_assert_ptr_nonnull(strstr(about(&d, "lookup-cost",
	    "include:b.many.test")->text, "costs 2 lookups"));
	ck_assert_uint_eq(count(&d, "lookup-cost"), 2);
	domain_release(&d);
}
END_TEST

START_TEST(test_check_three_void_lookups)
{
	struct check_domain d;

	NEED_DNSMASQ();
	check_one("void.test", &d);
	/* n1, n2 (a:) and n3 (include) do not exist: 3 > 2 */
	ck_assert_uint_eq(count(&d, "void-lookup"), 3);
	ck_assert_verdict(about(&d, "too-many-voids", "void.test"),
	    CHECK_ERROR);
	ck_assert_verdict(about(&d, "include-none", "include:n3.void.test"),
	    CHECK_ERROR);
	domain_release(&d);
}
END_TEST

START_TEST(test_check_record_problems)
{
	static const struct {
		const char	*domain, *code;
		enum check_verdict v;
	} cases[] = {
		{ "loop.test", "loop", CHECK_ERROR },
		{ "plusall.test", "pass-all", CHECK_ERROR },
		{ "two.test", "several-records", CHECK_ERROR },
		{ "split.test", "split-term", CHECK_INFO },
		{ "glued.test", "glued-term", CHECK_ERROR },
	};
	struct check_domain d;

	NEED_DNSMASQ();
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct check_item *it;

		check_one(cases[i].domain, &d);
		it = item(&d, cases[i].code, 0);
		ck_assert_msg(it != NULL, "%s: no '%s'", cases[i].domain,
		    cases[i].code);
		ck_assert_verdict(it, cases[i].v);
		domain_release(&d);
	}
}
END_TEST

START_TEST(test_check_host_expands_macros_through_the_adapter)
{
	static const unsigned char ok[4] = { 192, 0, 2, 77 };
	static const unsigned char no[4] = { 192, 0, 2, 78 };
	struct dns *d;
	struct dnsq q;
	struct spfdns dns;
	struct spf_eval ev;

	NEED_DNSMASQ();
	d = open_dns(resolver, 0);
	dnsq_init(&q, d);
	dnsq_spfdns(&q, &dns);
	spf_check_host(&dns, ok, 4, "macro.test", "macro.test", &ev);
	ck_assert_int_eq(ev.result, SPF_R_PASS);
	/* exists: for .78 is NXDOMAIN: one void lookup, then -all */
	spf_check_host(&dns, no, 4, "macro.test", "macro.test", &ev);
	ck_assert_int_eq(ev.result, SPF_R_FAIL);
	ck_assert_uint_eq(ev.voids, 1);
	dnsq_release(&q);
	dns_free(d);
}
END_TEST

START_TEST(test_check_unauthorized_report_destination)
{
	struct check_domain d;
	const struct check_item *it;

	NEED_DNSMASQ();
	check_one("ext.test", &d);
	/* partner.test publishes ext.test._report._dmarc; other.test not */
	ck_assert_uint_eq(count(&d, "dest-unauthorized"), 1);
	it = about(&d, "dest-unauthorized", "_dmarc.ext.test");
	ck_assert_verdict(it, CHECK_ERROR);
	ck_assert_ptr_nonnull(strstr(it->text,
	    "ext.test._report._dmarc.other.test"));
	domain_release(&d);
}
END_TEST

START_TEST(test_check_clean_domain_has_nothing_to_fix)
{
	struct check_domain d;

	NEED_DNSMASQ();
	check_one("clean.test", &d);
	for (size_t i = 0; i < d.n_items; i++)
		ck_assert_msg(d.items[i].verdict <= CHECK_INFO, "%s: %s",
		    d.items[i].code, d.items[i].text);
	ck_assert_verdict(about(&d, "mta-sts", "_mta-sts.clean.test"),
	    CHECK_OK);
	about(&d, "bimi", "default._bimi.clean.test");
	domain_release(&d);
}
END_TEST

START_TEST(test_check_hostile_zone_stays_bounded)
{
	struct check_domain d;
	struct dns *dn;
	struct dnsq q;
	struct spfdns_answer a;
	struct check_data none;
	size_t len;

	NEED_DNSMASQ();
	/* 81 records in the tree: the audit stops at MAX_SPF_AUDIT_NODES */
	memset(&none, 0, sizeof(none));
	dn = open_dns(resolver, 0);
	dnsq_init(&q, dn);
	check_domain(dn, &q, "wide.test", &none, NULL, &d);
	ck_assert_msg(q.nsent <= MAX_SPF_AUDIT_QUERIES + 8, "%lu queries",
	    q.nsent);
	ck_assert_ptr_nonnull(item(&d, "audit-capped", 0));
	ck_assert_verdict(about(&d, "too-many-lookups", "wide.test"),
	    CHECK_ERROR);
	/* 880 bytes: over one UDP packet's 512 */
	ck_assert_ptr_nonnull(item(&d, "too-long", 0));
	domain_release(&d);
	/* a CNAME loop in the answer: no record, quickly */
	ck_assert_int_ne(dnsq_ask(&q, SPFDNS_TXT, "c1.cnameloop.test", &a),
	    SPFDNS_OK);
	spfdns_answer_release(&a);
	ck_assert_int_ne(dnsq_ask(&q, SPFDNS_MX, "c1.cnameloop.test", &a),
	    SPFDNS_OK);
	spfdns_answer_release(&a);
	/* 9,807 bytes arrive over TCP and are cut one past the limit */
	ck_assert_int_eq(dnsq_ask(&q, SPFDNS_TXT, "huge.test", &a), SPFDNS_OK);
	ck_assert_uint_eq(a.n_txt, 1);
	len = strlen(a.txt[0].text);
	ck_assert_uint_eq(len, MAX_DNSQ_TXT_BYTES);
	ck_assert_uint_ge(a.txt[0].n_joins, 32);
	spfdns_answer_release(&a);
	dnsq_release(&q);
	dns_free(dn);
	check_one("huge.test", &d);
	ck_assert_verdict(about(&d, "too-long", "huge.test"), CHECK_ERROR);
	domain_release(&d);
}
END_TEST

/*
 * 1,000 includes.  fan.test's tree (fan_fill) has 1,110: the audit stops
 * at MAX_SPF_AUDIT_NODES records and says so, the lookups are far over
 * 10.  check_host() for 192.0.2.200 follows fan -> f0 -> g00 -> leaf:
 * 3 lookups, pass, 4 names asked; for 192.0.2.201 g00's ten includes
 * of leaf run the count to 12, permerror at the 11th, every name already
 * asked (no new query).  thousand.test's one record of 1,000 includes
 * (22,011 bytes) is cut at MAX_DNSQ_TXT_BYTES, too long to be read at
 * all: an error, no include followed, permerror.
 */
START_TEST(test_check_thousand_includes_stay_bounded)
{
	static const unsigned char in[4] = { 192, 0, 2, 200 };
	static const unsigned char out[4] = { 192, 0, 2, 201 };
	struct check_domain d;
	struct check_data none;
	struct spfdns sd;
	struct spf_eval ev;
	struct dns *dn;
	struct dnsq q;

	NEED_DNSMASQ();
	memset(&none, 0, sizeof(none));
	dn = open_dns(resolver, 0);
	dnsq_init(&q, dn);
	check_domain(dn, &q, "fan.test", &none, NULL, &d);
	ck_assert_msg(q.nsent <= MAX_SPF_AUDIT_NODES + 8, "%lu queries",
	    q.nsent);
	ck_assert_ptr_nonnull(item(&d, "audit-capped", 0));
	ck_assert_verdict(about(&d, "too-many-lookups", "fan.test"),
	    CHECK_ERROR);
	domain_release(&d);
	dnsq_release(&q);
	dnsq_init(&q, dn);
	dnsq_spfdns(&q, &sd);
	spf_check_host(&sd, in, 4, "fan.test", "fan.test", &ev);
	ck_assert_int_eq(ev.result, SPF_R_PASS);
	ck_assert_uint_eq(ev.lookups, 3);
	ck_assert_uint_eq(q.nsent, 4);
	spf_check_host(&sd, out, 4, "fan.test", "fan.test", &ev);
	ck_assert_int_eq(ev.result, SPF_R_PERMERROR);
	ck_assert_uint_le(ev.lookups, MAX_SPF_LOOKUPS + 1);
	ck_assert_uint_eq(q.nsent, 4);
	dnsq_release(&q);
	dnsq_init(&q, dn);
	check_domain(dn, &q, "thousand.test", &none, NULL, &d);
	ck_assert_verdict(about(&d, "too-long", "thousand.test"),
	    CHECK_ERROR);
	ck_assert_ptr_null(item(&d, "lookup-cost", 0));
	ck_assert_msg(q.nsent <= 8, "%lu queries", q.nsent);
	domain_release(&d);
	dnsq_spfdns(&q, &sd);
	spf_check_host(&sd, in, 4, "thousand.test", "thousand.test", &ev);
	ck_assert_int_eq(ev.result, SPF_R_PERMERROR);
	dnsq_release(&q);
	dns_free(dn);
}
END_TEST

/* ------------------------------------------------------------------ */
/* the command line                                                   */

static int
run_check(const char *args, char **out)
{
	char cmd[2048];

	snprintf(cmd, sizeof(cmd), "'%s' check --db '%s' --now " CK_NOW
	    " %s 2>&1", TEST_REPORT_BIN, ck_db, args);
	return tu_run(cmd, out);
}

START_TEST(test_check_cli_exit_codes_and_formats)
{
	char args[256], *out;

	NEED_DNSMASQ();
	snprintf(args, sizeof(args), "--resolver %s shop.test clean.test "
	    "--format json", resolver);
	ck_assert_int_eq(run_check(args, &out), 1);
	/* worst first: shop.test before clean.test */
	ck_assert_ptr_nonnull(strstr(out, "{\"checked_at\":"));
	ck_assert(strstr(out, "\"domain\":\"shop.test\"") <
	    strstr(out, "\"domain\":\"clean.test\""));
	ck_assert_ptr_nonnull(strstr(out, "\"code\":\"missing-key\""));
	free(out);
	snprintf(args, sizeof(args), "--resolver %s clean.test", resolver);
	ck_assert_int_eq(run_check(args, &out), 0);
	ck_assert_ptr_nonnull(strstr(out, "clean.test: ok"));
	free(out);
	snprintf(args, sizeof(args), "--resolver %s --format csv shop.test",
	    resolver);
	ck_assert_int_eq(run_check(args, &out), 1);
	ck_assert(strncmp(out, "domain,area,verdict,code,subject,messages,"
	    "text\r\n", 44) == 0);
	ck_assert_ptr_nonnull(strstr(out, "shop.test,spf,error,"
	    "source-not-authorized,203.0.113.7,20,"));
	free(out);
	/* the built-in service table names 203.0.113.7 by its PTR */
	snprintf(args, sizeof(args), "--resolver %s shop.test", resolver);
	ck_assert_int_eq(run_check(args, &out), 1);
	ck_assert_ptr_nonnull(strstr(out, "it is SendGrid by its reverse "
	    "name 'o1.ptr.sendgrid.net': add 'include:sendgrid.net'"));
	ck_assert_ptr_nonnull(strstr(out, "it is Mailgun by its reverse "
	    "name 'so8.mailgun.net': add 'include:mailgun.org'"));
	free(out);
	/* the default domains are the window's policy domains */
	snprintf(args, sizeof(args), "--resolver %s", resolver);
	ck_assert_int_eq(run_check(args, &out), 1);
	ck_assert_ptr_nonnull(strstr(out, "shop.test: error"));
	free(out);
}
END_TEST

START_TEST(test_check_cli_usage_errors_exit_2)
{
	char *out;

	ck_assert_int_eq(run_check("bad..domain", &out), 2);
	ck_assert_ptr_nonnull(strstr(out, "not a domain"));
	free(out);
	/* nothing in a window without reports */
	ck_assert_int_eq(run_check("--since 2020-01-01 --until 2020-01-02",
	    &out), 2);
	ck_assert_ptr_nonnull(strstr(out, "no domain to check"));
	free(out);
}
END_TEST

START_TEST(test_check_cli_no_dns_uses_the_stored_dmarc_lookup)
{
	char args[256], *out;

	NEED_DNSMASQ();
	/* a first run online stores the DMARC lookup */
	snprintf(args, sizeof(args), "--resolver %s clean.test", resolver);
	ck_assert_int_eq(run_check(args, &out), 0);
	free(out);
	ck_assert_int_eq(run_check("--no-dns clean.test", &out), 0);
	ck_assert_ptr_nonnull(strstr(out, "v=DMARC1; p=reject"));
	ck_assert_ptr_nonnull(strstr(out, "not checked with --no-dns"));
	free(out);
}
END_TEST

/*
 * A run with DNS stores each domain's check with its time and every item
 * (dns_check, v_dns_checks); a --no-dns run stores nothing.  shop.test's
 * worst is error and 203.0.113.7's 20 unauthorized messages are one of
 * its items; clean.test is ok.
 */
START_TEST(test_check_cli_stores_each_check_with_its_time)
{
	char args[256], *out, *s;
	int64_t before, n, t0 = (int64_t)time(NULL), t1;

	NEED_DNSMASQ();
	before = tu_query_int(ck_db, "SELECT count(*) FROM dns_check");
	snprintf(args, sizeof(args), "--resolver %s shop.test clean.test",
	    resolver);
	ck_assert_int_eq(run_check(args, &out), 1);
	free(out);
	t1 = (int64_t)time(NULL);
	ck_assert_int_eq(tu_query_int(ck_db, "SELECT count(*) FROM "
	    "dns_check"), before + 2);
	s = tu_query_text(ck_db, "SELECT worst FROM dns_check WHERE domain "
	    "= 'shop.test' ORDER BY id DESC LIMIT 1");
	ck_assert_str_eq(s, "error");
	free(s);
	s = tu_query_text(ck_db, "SELECT worst FROM dns_check WHERE domain "
	    "= 'clean.test' ORDER BY id DESC LIMIT 1");
	ck_assert_str_eq(s, "ok");
	free(s);
	n = tu_query_int(ck_db, "SELECT checked_at FROM dns_check ORDER BY "
	    "id DESC LIMIT 1");
	ck_assert(n >= t0 && n <= t1);
	ck_assert_int_eq(tu_query_int(ck_db, "SELECT messages FROM "
	    "v_dns_checks WHERE check_id = (SELECT max(id) FROM dns_check "
	    "WHERE domain = 'shop.test') AND code = 'source-not-authorized' "
	    "AND subject = '203.0.113.7' AND verdict = 'error'"), 20);
	/* the items are stored, not only the verdict */
	ck_assert_int_gt(tu_query_int(ck_db, "SELECT count(*) FROM "
	    "dns_check_item WHERE check_id = (SELECT max(id) FROM dns_check "
	    "WHERE domain = 'shop.test')"), 5);
	ck_assert_int_eq(run_check("--no-dns shop.test", &out), 1);
	free(out);
	ck_assert_int_eq(tu_query_int(ck_db, "SELECT count(*) FROM "
	    "dns_check"), before + 2);
}
END_TEST

START_TEST(test_check_cli_no_dns_without_stored_lookup)
{
	char *out;

	ck_assert_int_eq(run_check("--no-dns never.test", &out), 0);
	ck_assert_ptr_nonnull(strstr(out, "not looked up"));
	free(out);
}
END_TEST

Suite *
check_suite(void)
{
	Suite *s = suite_create("check");
	TCase *tc = tcase_create("check");

	tcase_add_unchecked_fixture(tc, ck_setup, ck_teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_check_dnsq_txt_strings_joined_records_apart);
	tcase_add_test(tc, test_check_dnsq_a_aaaa_mx_ptr);
	tcase_add_test(tc, test_check_dnsq_servfail_and_timeout_are_temperror);
	tcase_add_test(tc,
	    test_check_shop_lists_exactly_the_unauthorized_sources);
	tcase_add_test(tc,
	    test_check_spf_three_of_five_lists_the_two_with_their_include);
	tcase_add_test(tc, test_check_shop_dkim_keys_judged);
	tcase_add_test(tc, test_check_shop_dmarc_and_mx);
	tcase_add_test(tc, test_check_eleven_lookups_with_cost_per_include);
	tcase_add_test(tc, test_check_three_void_lookups);
	tcase_add_test(tc, test_check_record_problems);
	tcase_add_test(tc, test_check_host_expands_macros_through_the_adapter);
	tcase_add_test(tc, test_check_unauthorized_report_destination);
	tcase_add_test(tc, test_check_clean_domain_has_nothing_to_fix);
	tcase_add_test(tc, test_check_hostile_zone_stays_bounded);
	tcase_add_test(tc, test_check_thousand_includes_stay_bounded);
	tcase_add_test(tc, test_check_cli_exit_codes_and_formats);
	tcase_add_test(tc, test_check_cli_usage_errors_exit_2);
	tcase_add_test(tc, test_check_cli_no_dns_uses_the_stored_dmarc_lookup);
	tcase_add_test(tc, test_check_cli_no_dns_without_stored_lookup);
	tcase_add_test(tc, test_check_cli_stores_each_check_with_its_time);
	suite_add_tcase(s, tc);
	return s;
}

/*
 * Tests for report/dns.c and report/policy.c against a real DNS server:
 * dnsmasq on 127.0.0.1 at a free port with TXT and PTR records (a record
 * only at the organizational domain, several records at one name, a
 * broken record, a PSD record, NXDOMAIN, a PTR and a missing PTR; TXT
 * records receivers ignore: a missing ';', v=DMARC1 not first, SPF at
 * _dmarc; rua/ruf destinations in other organizations with and without
 * their _report._dmarc authorization, an MSP taking reports for two
 * customers, one authorized).  Also the cache (a second lookup sends
 * nothing; keyed by resolver; bypassed by refresh; "cached, N min
 * left"), --no-dns, the lookup history, the version-5 migration and the
 * rendering.  No test touches the internet (answers of the system
 * resolver are only ever asserted not to come from the cache); without
 * dnsmasq the DNS tests print SKIP (tu_skip; with CI=true they fail).
 */
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <check.h>

#include "db.h"
#include "dns.h"
#include "escape.h"
#include "format.h"
#include "policy.h"
#include "schema_sql.h"
#include "testutil.h"
#include "xalloc.h"

Suite	*dns_suite(void);

#define DNSMASQ	"/usr/sbin/dnsmasq"

static pid_t	 dm_pid = -1;
static pid_t	 wild_pid = -1;	/* the wildcard server dnsmasq forwards to */
static int	 dm_port;
static char	*dm_dir;
static char	 resolver[32];

/*
 * A UDP socket bound to a free port of 127.0.0.1, the port in *port;
 * -1 if none.
 */
static int
udp_loopback(int *port)
{
	struct sockaddr_in sa;
	socklen_t len = sizeof(sa);
	int s;

	if ((s = socket(AF_INET, SOCK_DGRAM, 0)) == -1)
		return -1;
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(s, (struct sockaddr *)&sa, sizeof(sa)) == -1 ||
	    getsockname(s, (struct sockaddr *)&sa, &len) == -1) {
		close(s);
		return -1;
	}
	*port = ntohs(sa.sin_port);
	return s;
}

/* a UDP port on 127.0.0.1 nobody uses now; 0 if none found */
static int
free_port(void)
{
	int s, port = 0;

	if ((s = udp_loopback(&port)) != -1)
		close(s);
	return port;
}

/* 1 once something is bound to the UDP port (dnsmasq is listening) */
static int
port_taken(int port)
{
	struct sockaddr_in sa;
	int s, taken;

	if ((s = socket(AF_INET, SOCK_DGRAM, 0)) == -1)
		return 0;
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sa.sin_port = htons((uint16_t)port);
	taken = bind(s, (struct sockaddr *)&sa, sizeof(sa)) == -1 &&
	    errno == EADDRINUSE;
	close(s);
	return taken;
}

/*
 * dnsmasq cannot serve a TXT wildcard, so wild.test is delegated to this
 * small authoritative server (dnsmasq --server=/wild.test/): it answers
 * the names of wild_zone, a leading "*." matching one or more labels as
 * an RFC 4592 wildcard does (the answer's owner is the name asked), and
 * NXDOMAIN for the rest.  One TXT string per answer; TTL 300.
 */
static const char *const wild_zone[][2] = {
	{ "*._report._dmarc.wild.test", "v=DMARC1" },
};

/* the question name of a query, lower case; *end is past it; -1 if bad */
static int
wild_qname(const unsigned char *p, size_t n, char *out, size_t outlen,
    size_t *end)
{
	size_t i = 12, o = 0;

	while (i < n && p[i] != 0) {
		size_t l = p[i++];

		if (l > 63 || i + l > n || o + l + 2 > outlen)
			return -1;
		if (o > 0)
			out[o++] = '.';
		for (size_t k = 0; k < l; k++)
			out[o++] = (char)(p[i + k] >= 'A' && p[i + k] <= 'Z' ?
			    p[i + k] + 32 : p[i + k]);
		i += l;
	}
	if (i + 5 > n)
		return -1;
	out[o] = '\0';
	*end = i + 1;
	return 0;
}

static const char *
wild_match(const char *name)
{
	size_t n = strlen(name);

	for (size_t i = 0; i < sizeof(wild_zone) / sizeof(wild_zone[0]); i++) {
		const char *pat = wild_zone[i][0];
		size_t sl = strlen(pat) - 1;

		if (strcmp(name, pat) == 0 || (pat[0] == '*' && n > sl &&
		    strcmp(name + n - sl, pat + 1) == 0))
			return wild_zone[i][1];
	}
	return NULL;
}

/* answers queries on s until killed */
static void
wild_serve(int s)
{
	unsigned char q[512], r[600];
	struct sockaddr_in from;
	socklen_t fl;
	char name[256];
	const char *txt;
	size_t end, o, tl;
	ssize_t n;

	for (;;) {
		fl = sizeof(from);
		n = recvfrom(s, q, sizeof(q), 0, (struct sockaddr *)&from, &fl);
		if (n < 12 || wild_qname(q, (size_t)n, name, sizeof(name),
		    &end) == -1)
			continue;
		txt = wild_match(name);
		if (txt != NULL && (q[end] << 8 | q[end + 1]) != 16)
			txt = "";
		memcpy(r, q, end + 4);
		r[2] = (unsigned char)(0x84 | (q[2] & 0x01));
		r[3] = txt == NULL ? 3 : 0;
		memset(r + 4, 0, 8);
		r[5] = 1;
		r[7] = txt != NULL && txt[0] != '\0';
		o = end + 4;
		if (r[7]) {
			static const unsigned char rr[] = { 0xC0, 12, 0, 16, 0,
			    1, 0, 0, 1, 0x2C };

			tl = strlen(txt);
			memcpy(r + o, rr, sizeof(rr));
			o += sizeof(rr);
			r[o++] = 0;
			r[o++] = (unsigned char)(tl + 1);
			r[o++] = (unsigned char)tl;
			memcpy(r + o, txt, tl);
			o += tl;
		}
		sendto(s, r, o, 0, (struct sockaddr *)&from, fl);
	}
}

/* starts the wildcard server on a free port of 127.0.0.1; 0 if none */
static int
wild_start(void)
{
	int s, port = 0;

	if ((s = udp_loopback(&port)) == -1)
		return 0;
	if ((wild_pid = fork()) == 0) {
		/* Check's SIGTERM handler would kill the whole group */
		signal(SIGTERM, SIG_DFL);
		signal(SIGINT, SIG_DFL);
		wild_serve(s);
		_exit(0);
	}
	close(s);
	return wild_pid > 0 ? port : 0;
}

static void
dm_exec(const char *portarg, const char *pidarg, const char *wildarg)
{
	int devnull = open("/dev/null", O_WRONLY);

	if (devnull != -1) {
		dup2(devnull, 1);
		dup2(devnull, 2);
	}
	execl(DNSMASQ, "dnsmasq", "--no-daemon", "--no-resolv", "--no-hosts",
	    "--listen-address=127.0.0.1", "--bind-interfaces", portarg,
	    pidarg, "--local-ttl=300", "--local=/org/", "--local=/net/",
	    "--local=/com/", "--local=/arpa/", "--local=/test/", wildarg,
	    "--txt-record=_dmarc.example.org,v=DMARC1; p=none; "
	    "rua=mailto:d@example.org",
	    "--txt-record=_dmarc.several.example.org,v=DMARC1; p=none",
	    "--txt-record=_dmarc.several.example.org,v=DMARC1; p=reject",
	    "--txt-record=_dmarc.several.example.org,v=spf1 -all",
	    "--txt-record=_dmarc.broken.example.org,v=DMARC1; p=bogus",
	    "--txt-record=_dmarc.example.net,v=DMARC1; p=reject; psd=y",
	    "--txt-record=_dmarc.strict.example.com,v=DMARC1; p=reject; "
	    "rua=mailto:r@example.com",
	    "--ptr-record=1.2.0.192.in-addr.arpa,mail.example.org",
	    /* TXT records receivers ignore */
	    "--txt-record=_dmarc.nosemi.example.com,v=DMARC1 p=reject",
	    "--txt-record=_dmarc.order.example.com,p=none; v=DMARC1",
	    "--txt-record=_dmarc.spf.example.com,v=spf1 -all",
	    "--txt-record=_dmarc.brk.example.org,v=DMARC1 p=reject",
	    /* report destinations */
	    "--txt-record=_dmarc.ext.example.org,v=DMARC1; p=none; "
	    "rua=mailto:reports@thirdparty.test",
	    "--txt-record=_dmarc.auth.example.org,v=DMARC1; p=reject; "
	    "rua=mailto:r@partner.test; ruf=mailto:f@partner.test",
	    "--txt-record=auth.example.org._report._dmarc.partner.test,"
	    "v=DMARC1",
	    "--txt-record=_dmarc.rufx.example.org,v=DMARC1; p=none; "
	    "rua=mailto:d@example.org; ruf=mailto:f@forensic.test",
	    "--txt-record=_dmarc.badauth.example.org,v=DMARC1; p=none; "
	    "rua=mailto:r@partner.test",
	    "--txt-record=badauth.example.org._report._dmarc.partner.test,"
	    "hello",
	    "--txt-record=_dmarc.internal.example.org,v=DMARC1; p=none; "
	    "rua=mailto:dmarc@mail.example.org",
	    "--txt-record=_dmarc.customer1.test,v=DMARC1; p=none; "
	    "rua=mailto:dmarc@msp.test",
	    "--txt-record=_dmarc.customer2.test,v=DMARC1; p=none; "
	    "rua=mailto:dmarc@msp.test",
	    "--txt-record=customer1.test._report._dmarc.msp.test,v=DMARC1;",
	    "--txt-record=_dmarc.size.example.org,v=DMARC1; p=none; "
	    "rua=mailto:r@Partner.TEST!10m",
	    "--txt-record=size.example.org._report._dmarc.partner.test,"
	    "v=DMARC1",
	    "--txt-record=_dmarc.wcust.test,v=DMARC1; p=none; "
	    "rua=mailto:r@wild.test",
	    "--txt-record=_dmarc.wcust2.test,v=DMARC1; p=none; "
	    "rua=mailto:r@wild.test",
	    "--txt-record=_dmarc.xn--bcher-kva.test,v=DMARC1; p=quarantine",
	    (char *)NULL);
	_exit(127);
}

static void
dm_start(void)
{
	char portarg[32], pidarg[4096], wildarg[64];
	int status, wport;

	if (access(DNSMASQ, X_OK) == -1 || (dm_port = free_port()) == 0 ||
	    (wport = wild_start()) == 0)
		return;
	snprintf(wildarg, sizeof(wildarg), "--server=/wild.test/127.0.0.1#%d",
	    wport);
	dm_dir = tu_tmpdir();
	snprintf(portarg, sizeof(portarg), "--port=%d", dm_port);
	snprintf(pidarg, sizeof(pidarg), "--pid-file=%s/dnsmasq.pid", dm_dir);
	snprintf(resolver, sizeof(resolver), "127.0.0.1:%d", dm_port);
	if ((dm_pid = fork()) == 0)
		dm_exec(portarg, pidarg, wildarg);
	for (int i = 0; i < 100 && dm_pid > 0; i++) {
		if (port_taken(dm_port))
			return;
		if (waitpid(dm_pid, &status, WNOHANG) == dm_pid)
			break;
		usleep(50000);
	}
	if (dm_pid > 0) {
		kill(dm_pid, SIGTERM);
		waitpid(dm_pid, &status, 0);
	}
	dm_pid = -1;
}

static void
dm_stop(void)
{
	int status;

	if (dm_pid > 0) {
		kill(dm_pid, SIGTERM);
		waitpid(dm_pid, &status, 0);
	}
	dm_pid = -1;
	if (wild_pid > 0) {
		kill(wild_pid, SIGTERM);
		waitpid(wild_pid, &status, 0);
	}
	wild_pid = -1;
	tu_rmtree(dm_dir);
	free(dm_dir);
	dm_dir = NULL;
}

/* the test skips unless dnsmasq runs (with CI=true: fails) */
#define NEED_DNSMASQ() do {						\
	if (dm_pid <= 0)						\
		TU_SKIP(TU_SKIP_SERVER, "dnsmasq (%s) could not start",	\
		    DNSMASQ);						\
} while (0)

/* runs sql on the database at path; 0, or the SQLite error code */
static int
exec_sql(const char *path, const char *sql)
{
	sqlite3 *h;
	int rc;

	if ((rc = sqlite3_open(path, &h)) == SQLITE_OK)
		rc = sqlite3_exec(h, sql, NULL, NULL, NULL);
	sqlite3_close(h);
	return rc;
}

/* a fresh database in a new directory (caller frees dir and path) */
static char *
new_db(char **dir)
{
	char err[256], *p;
	size_t n;
	sqlite3 *db;

	*dir = tu_tmpdir();
	n = strlen(*dir) + 16;
	p = xmalloc(n);
	snprintf(p, n, "%s/dmarc.db", *dir);
	db = db_open(p, DB_READWRITE, err, sizeof(err));
	ck_assert_msg(db != NULL, "%s", err);
	sqlite3_close(db);
	return p;
}

static struct dns *
open_dns(const char *db, const char *res, int no_dns, FILE *diag)
{
	struct dns_opts o;
	struct dns *d;
	char err[256];

	memset(&o, 0, sizeof(o));
	o.db_path = db;
	o.resolver = res;
	o.no_dns = no_dns;
	o.timeout_ms = 400;
	o.tries = 1;
	o.diag = diag;
	d = dns_new(&o, err, sizeof(err));
	ck_assert_msg(d != NULL, "%s", err);
	return d;
}

static struct dns *
open_dns_refresh(const char *db, const char *res, int refresh)
{
	struct dns_opts o;
	struct dns *d;
	char err[256];

	memset(&o, 0, sizeof(o));
	o.db_path = db;
	o.resolver = res;
	o.refresh = refresh;
	o.timeout_ms = 400;
	o.tries = 1;
	d = dns_new(&o, err, sizeof(err));
	ck_assert_msg(d != NULL, "%s", err);
	return d;
}

static int
has_note(const struct policy_lookup *pl, const char *code)
{
	for (size_t i = 0; i < pl->rec.n_notes; i++)
		if (strcmp(pl->rec.notes[i].code, code) == 0)
			return 1;
	return 0;
}

START_TEST(test_dns_txt_answer_with_ttl)
{
	struct dns_query q[2] = {
		{ .type = DNS_TXT, .name = "_dmarc.example.org" },
		{ .type = DNS_TXT, .name = "_dmarc.nx.example.com" },
	};
	struct dns *d;

	NEED_DNSMASQ();
	d = open_dns(NULL, resolver, 0, NULL);
	ck_assert_int_eq(dns_run(d, q, 2), 0);
	ck_assert_int_eq(q[0].status, DNS_OK);
	ck_assert_uint_eq(q[0].n_rrs, 1);
	ck_assert_str_eq(q[0].rrs[0],
	    "v=DMARC1; p=none; rua=mailto:d@example.org");
	ck_assert_int_eq(q[0].ttl, 300);
	ck_assert_int_eq(q[0].cached, 0);
	ck_assert_int_eq(q[1].status, DNS_NXDOMAIN);
	ck_assert_int_eq(q[1].rcode, 3);
	ck_assert_uint_eq(dns_nsent(d), 2);
	dns_query_release(&q[0]);
	dns_query_release(&q[1]);
	dns_free(d);
}
END_TEST

START_TEST(test_dns_tree_walk_finds_org_record)
{
	struct policy_lookup pl;
	struct dns *d;
	char err[256];

	NEED_DNSMASQ();
	d = open_dns(NULL, resolver, 0, NULL);
	ck_assert_int_eq(policy_lookup(d, "A.B.Example.ORG.", &pl, err,
	    sizeof(err)), 0);
	ck_assert_str_eq(pl.domain, "a.b.example.org");
	ck_assert_int_eq(pl.status, POLICY_FOUND);
	ck_assert_str_eq(pl.record_domain, "example.org");
	ck_assert_str_eq(pl.org_domain, "example.org");
	ck_assert_int_eq(pl.rcode, 3);
	ck_assert(has_note(&pl, "not-at-domain"));
	ck_assert(has_note(&pl, "p-none"));
	ck_assert_int_eq(policy_applied(&pl), DMARCREC_P_NONE);
	/* a.b.example.org has 4 labels: 4 queries, down to _dmarc.org */
	ck_assert_uint_eq(dns_nsent(d), 4);
	policy_lookup_release(&pl);
	dns_free(d);
}
END_TEST

START_TEST(test_dns_several_records_discarded)
{
	struct policy_lookup pl;
	struct dns *d;
	char err[256];

	NEED_DNSMASQ();
	d = open_dns(NULL, resolver, 0, NULL);
	ck_assert_int_eq(policy_lookup(d, "several.example.org", &pl, err,
	    sizeof(err)), 0);
	ck_assert(has_note(&pl, "several-records"));
	/* both records at the name are ignored: the walk goes on */
	ck_assert_str_eq(pl.record_domain, "example.org");
	ck_assert_str_eq(pl.raw, "v=DMARC1; p=none; rua=mailto:d@example.org");
	policy_lookup_release(&pl);
	dns_free(d);
}
END_TEST

START_TEST(test_dns_broken_record_reported)
{
	struct policy_lookup pl;
	struct dns *d;
	char err[256];

	NEED_DNSMASQ();
	d = open_dns(NULL, resolver, 0, NULL);
	ck_assert_int_eq(policy_lookup(d, "broken.example.org", &pl, err,
	    sizeof(err)), 0);
	ck_assert_int_eq(pl.status, POLICY_FOUND);
	ck_assert_str_eq(pl.record_domain, "broken.example.org");
	ck_assert_int_eq(pl.rec.valid, 0);
	ck_assert(has_note(&pl, "bad-value"));
	ck_assert(has_note(&pl, "missing-p"));
	ck_assert_int_eq(policy_applied(&pl), DMARCREC_P_UNSET);
	policy_lookup_release(&pl);
	dns_free(d);
}
END_TEST

START_TEST(test_dns_nxdomain_walk_finds_none)
{
	struct policy_lookup pl;
	struct dns *d;
	char err[256];

	NEED_DNSMASQ();
	d = open_dns(NULL, resolver, 0, NULL);
	ck_assert_int_eq(policy_lookup(d, "nx.example.com", &pl, err,
	    sizeof(err)), 0);
	ck_assert_int_eq(pl.status, POLICY_NONE);
	ck_assert_ptr_null(pl.raw);
	ck_assert_str_eq(pl.org_domain, "nx.example.com");
	policy_lookup_release(&pl);
	ck_assert_int_eq(policy_lookup(d, "bad..domain", &pl, err,
	    sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "invalid domain"));
	policy_lookup_release(&pl);
	dns_free(d);
}
END_TEST

START_TEST(test_dns_psd_record_sets_org_domain)
{
	struct policy_lookup pl;
	struct dns *d;
	char err[256];

	NEED_DNSMASQ();
	d = open_dns(NULL, resolver, 0, NULL);
	ck_assert_int_eq(policy_lookup(d, "x.a.b.example.net", &pl, err,
	    sizeof(err)), 0);
	ck_assert_str_eq(pl.record_domain, "example.net");
	/* psd=y at example.net: the organizational domain is one below */
	ck_assert_str_eq(pl.org_domain, "b.example.net");
	ck_assert_int_eq(policy_applied(&pl), DMARCREC_P_REJECT);
	policy_lookup_release(&pl);
	dns_free(d);
}
END_TEST

START_TEST(test_dns_ptr_found_missing_and_invalid)
{
	struct dns_ptr p[3] = { { .ip = "192.0.2.1" }, { .ip = "192.0.2.2" },
	    { .ip = "not-an-ip" } };
	struct dns *d;

	NEED_DNSMASQ();
	d = open_dns(NULL, resolver, 0, NULL);
	ck_assert_int_eq(dns_ptr_batch(d, p, 3), 0);
	ck_assert_str_eq(p[0].name, "mail.example.org");
	ck_assert_ptr_null(p[1].name);
	ck_assert(p[1].status == DNS_NXDOMAIN || p[1].status == DNS_NODATA);
	ck_assert_str_eq(dns_ptr_label(&p[1]), "(no PTR)");
	ck_assert_int_eq(p[2].status, DNS_FAILED);
	dns_ptr_release(p, 3);
	dns_free(d);
}
END_TEST

START_TEST(test_dns_cache_keyed_by_resolver)
{
	struct dns_query q = { .type = DNS_TXT, .name = "_dmarc.example.org" };
	struct dns_query u = { .type = DNS_TXT,
	    .name = "_dmarc.x.example.org" };
	struct dns_ptr p = { .ip = "192.0.2.1" };
	char *dir, *db, dead[32], *key;
	struct dns *d;

	NEED_DNSMASQ();
	db = new_db(&dir);
	d = open_dns(db, resolver, 0, NULL);
	ck_assert_int_eq(dns_run(d, &q, 1), 0);
	ck_assert_int_eq(dns_ptr_batch(d, &p, 1), 0);
	ck_assert_uint_eq(dns_nsent(d), 2);
	dns_query_release(&q);
	dns_ptr_release(&p, 1);
	dns_free(d);
	ck_assert_int_eq(tu_query_int(db, "SELECT ttl FROM dns_cache WHERE "
	    "qtype = 'TXT' AND name = '_dmarc.example.org'"), 300);
	key = tu_query_text(db, "SELECT resolver FROM dns_cache WHERE "
	    "qtype = 'TXT' AND name = '_dmarc.example.org'");
	ck_assert_str_eq(key, resolver);
	free(key);
	/* the same resolver again: the cache answers, no packet is sent */
	d = open_dns(db, resolver, 0, NULL);
	ck_assert_int_eq(dns_run(d, &q, 1), 0);
	ck_assert_int_eq(q.status, DNS_OK);
	ck_assert_int_eq(q.cached, 1);
	ck_assert_str_eq(q.rrs[0],
	    "v=DMARC1; p=none; rua=mailto:d@example.org");
	ck_assert_int_eq(dns_ptr_batch(d, &p, 1), 0);
	ck_assert_str_eq(p.name, "mail.example.org");
	ck_assert_uint_eq(dns_nsent(d), 0);
	dns_query_release(&q);
	dns_ptr_release(&p, 1);
	dns_free(d);
	/* another resolver (nothing listens there) gets no cached answer */
	snprintf(dead, sizeof(dead), "127.0.0.1:%d", free_port());
	d = open_dns(db, dead, 0, NULL);
	ck_assert_int_eq(dns_run(d, &q, 1), 0);
	ck_assert_int_eq(q.cached, 0);
	ck_assert(q.status == DNS_TIMEOUT || q.status == DNS_FAILED);
	ck_assert_uint_eq(dns_nsent(d), 1);
	ck_assert_int_eq(dns_run(d, &u, 1), 0);
	ck_assert(u.status == DNS_TIMEOUT || u.status == DNS_FAILED);
	ck_assert_uint_eq(dns_nsent(d), 2);
	dns_query_release(&q);
	dns_query_release(&u);
	dns_ptr_release(&p, 1);
	dns_free(d);
	tu_rmtree(dir);
	free(dir);
	free(db);
}
END_TEST

START_TEST(test_dns_expired_cache_entry_requeried)
{
	struct dns_query q = { .type = DNS_TXT, .name = "_dmarc.example.org" };
	char *dir, *db, sql[256];
	struct dns *d;
	sqlite3 *h;

	NEED_DNSMASQ();
	db = new_db(&dir);
	d = open_dns(db, resolver, 0, NULL);
	ck_assert_int_eq(dns_run(d, &q, 1), 0);
	dns_query_release(&q);
	dns_free(d);
	ck_assert_int_eq(sqlite3_open(db, &h), SQLITE_OK);
	snprintf(sql, sizeof(sql), "UPDATE dns_cache SET fetched_at = %lld",
	    (long long)time(NULL) - 301);
	ck_assert_int_eq(sqlite3_exec(h, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(h);
	d = open_dns(db, resolver, 0, NULL);
	ck_assert_int_eq(dns_run(d, &q, 1), 0);
	ck_assert_int_eq(q.cached, 0);
	ck_assert_uint_eq(dns_nsent(d), 1);
	dns_query_release(&q);
	dns_free(d);
	tu_rmtree(dir);
	free(dir);
	free(db);
}
END_TEST

START_TEST(test_dns_no_dns_uses_cache_only)
{
	struct dns_query q[2] = {
		{ .type = DNS_TXT, .name = "_dmarc.example.org" },
		{ .type = DNS_TXT, .name = "_dmarc.other.example.org" },
	};
	struct policy_lookup pl;
	char *dir, *db, err[256];
	struct dns *d;

	NEED_DNSMASQ();
	db = new_db(&dir);
	d = open_dns(db, NULL, 1, NULL);
	ck_assert_int_eq(policy_current(d, "example.org", &pl, err,
	    sizeof(err)), 0);
	ck_assert_int_eq(pl.status, POLICY_NOT_LOOKED_UP);
	policy_lookup_release(&pl);
	dns_free(d);
	d = open_dns(db, resolver, 0, NULL);
	ck_assert_int_eq(dns_run(d, q, 1), 0);
	dns_query_release(&q[0]);
	ck_assert_int_eq(policy_current(d, "example.org", &pl, err,
	    sizeof(err)), 0);
	policy_lookup_release(&pl);
	dns_free(d);
	/* offline, even expired entries answer; uncached names do not */
	d = open_dns(db, NULL, 1, NULL);
	ck_assert_int_eq(dns_run(d, q, 2), 0);
	ck_assert_int_eq(q[0].status, DNS_OK);
	ck_assert_int_eq(q[0].cached, 1);
	ck_assert_int_eq(q[1].status, DNS_NOT_LOOKED_UP);
	ck_assert_int_eq(policy_current(d, "Example.org", &pl, err,
	    sizeof(err)), 0);
	ck_assert_int_eq(pl.stored, 1);
	ck_assert_int_eq(pl.status, POLICY_FOUND);
	ck_assert_str_eq(pl.record_domain, "example.org");
	ck_assert(has_note(&pl, "p-none"));
	ck_assert_uint_eq(dns_nsent(d), 0);
	policy_lookup_release(&pl);
	dns_query_release(&q[0]);
	dns_query_release(&q[1]);
	dns_free(d);
	tu_rmtree(dir);
	free(dir);
	free(db);
}
END_TEST

/* runs policy_run into a string (caller frees); *rc its status */
static char *
run_policy_opts(const char *db, const char *domain, const char *res,
    int no_dns, int refresh, enum format_id fmt, int *rc)
{
	struct policy_opts po;
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	memset(&po, 0, sizeof(po));
	po.domain = domain;
	po.dns.db_path = db;
	po.dns.resolver = res;
	po.dns.no_dns = no_dns;
	po.dns.refresh = refresh;
	po.dns.timeout_ms = 400;
	po.dns.tries = 1;
	po.format = format_get(fmt);
	*rc = policy_run(&po, f);
	fclose(f);
	return text;
}

static char *
run_policy(const char *db, const char *domain, const char *res, int no_dns,
    enum format_id fmt, int *rc)
{
	return run_policy_opts(db, domain, res, no_dns, 0, fmt, rc);
}

static char *
run_policy_refresh(const char *db, const char *domain, const char *res,
    int refresh, int *rc)
{
	return run_policy_opts(db, domain, res, 0, refresh, FORMAT_TEXT, rc);
}

START_TEST(test_dns_policy_run_history_and_json)
{
	char *dir, *db, *out;
	sqlite3 *h;
	int rc;

	NEED_DNSMASQ();
	db = new_db(&dir);
	/* an earlier, different record for the domain */
	ck_assert_int_eq(sqlite3_open(db, &h), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(h, "INSERT INTO dmarc_lookup (domain, "
	    "looked_up_at, status, record_domain, raw_record) VALUES "
	    "('strict.example.com', 1700000000, 'found', "
	    "'strict.example.com', 'v=DMARC1; p=none'), "
	    "('strict.example.com', 1700086400, 'found', "
	    "'strict.example.com', 'v=DMARC1; p=none')", NULL, NULL, NULL),
	    SQLITE_OK);
	sqlite3_close(h);
	out = run_policy(db, "strict.example.com", resolver, 0, FORMAT_JSON,
	    &rc);
	ck_assert_int_eq(rc, 0);
	ck_assert_ptr_nonnull(strstr(out, "\"status\": \"found\", "
	    "\"record_domain\": \"strict.example.com\", \"record\": "
	    "\"v=DMARC1; p=reject; rua=mailto:r@example.com\", \"valid\": "
	    "true, \"applied_policy\": \"reject\""));
	ck_assert_ptr_nonnull(strstr(out, "\"source\": \"dns\""));
	ck_assert_ptr_nonnull(strstr(out, "\"history\": [{\"status\": "
	    "\"found\", \"record_domain\": \"strict.example.com\", \"record\": "
	    "\"v=DMARC1; p=none\", \"first_seen\": 1700000000, \"last_seen\": "
	    "1700086400, \"lookups\": 2}, {\"status\": \"found\""));
	free(out);
	ck_assert_int_eq(tu_query_int(db, "SELECT count(*) FROM dmarc_lookup "
	    "WHERE domain = 'strict.example.com' AND p = 'reject'"), 1);
	/* offline: the stored lookup, shown as such, in text */
	out = run_policy(db, "strict.example.com", NULL, 1, FORMAT_TEXT, &rc);
	ck_assert_int_eq(rc, 0);
	ck_assert_ptr_nonnull(strstr(out, "(stored lookup)"));
	ck_assert_ptr_nonnull(strstr(out, "applies      reject"));
	ck_assert_ptr_nonnull(strstr(out, "history (oldest first):"));
	free(out);
	out = run_policy(db, "nx.example.com", resolver, 0, FORMAT_TEXT, &rc);
	ck_assert_int_eq(rc, 1);
	ck_assert_ptr_nonnull(strstr(out, "status       none"));
	free(out);
	tu_rmtree(dir);
	free(dir);
	free(db);
}
END_TEST

/* the first note with this code (fails the test if there is none) */
static const char *
note_text(const struct policy_lookup *pl, const char *code)
{
	for (size_t i = 0; i < pl->rec.n_notes; i++)
		if (strcmp(pl->rec.notes[i].code, code) == 0)
			return pl->rec.notes[i].text;
	ck_abort_msg("no '%s' note", code);
	return "";
}

/* looks domain up through dnsmasq, no cache; *nsent the packets sent */
static void
lookup(const char *domain, struct policy_lookup *pl, unsigned long *nsent)
{
	struct dns *d = open_dns(NULL, resolver, 0, NULL);
	char err[256];

	ck_assert_int_eq(policy_lookup(d, domain, pl, err, sizeof(err)), 0);
	if (nsent != NULL)
		*nsent = dns_nsent(d);
	dns_free(d);
}

/* the stored lookup of domain in db (--no-dns); returns policy_current's */
static int
policy_current_offline(const char *db, const char *domain,
    struct policy_lookup *pl)
{
	struct dns *d = open_dns(db, NULL, 1, NULL);
	char err[256];
	int rc = policy_current(d, domain, pl, err, sizeof(err));

	dns_free(d);
	return rc;
}

/* a cache row answered by the system resolver, fetched ago seconds ago */
static void
cache_row(const char *db, const char *name, const char *status,
    const char *data, int ago)
{
	char sql[512];

	snprintf(sql, sizeof(sql), "INSERT INTO dns_cache (resolver, qtype, "
	    "name, seq, status, rcode, data, ttl, fetched_at) VALUES "
	    "('system', 'TXT', '%s', 0, '%s', %d, %s%s%s, 300, %lld)", name,
	    status, strcmp(status, "nxdomain") == 0 ? 3 : 0, data ? "'" : "",
	    data ? data : "NULL", data ? "'" : "",
	    (long long)time(NULL) - ago);
	ck_assert_int_eq(exec_sql(db, sql), 0);
}

/*
 * issue 12 point 3: a U-label domain is looked up, stored and found again
 * offline in its A-label form; a name that is no IDN is refused with the
 * reason, before any query
 */
START_TEST(test_dns_ulabel_domain_looked_up_as_alabel)
{
	char *dir, *db, *out;
	int rc;

	NEED_DNSMASQ();
	db = new_db(&dir);
	out = run_policy(db, "Bücher.test", resolver, 0, FORMAT_TEXT, &rc);
	ck_assert_int_eq(rc, 0);
	ck_assert_ptr_nonnull(strstr(out, "DMARC policy for "
	    "xn--bcher-kva.test (b\xc3\xbc" "cher.test)\n"));
	ck_assert_ptr_nonnull(strstr(out, "applies      quarantine"));
	free(out);
	ck_assert_int_eq(tu_query_int(db, "SELECT count(*) FROM dmarc_lookup "
	    "WHERE domain = 'xn--bcher-kva.test' AND p = 'quarantine'"), 1);
	/* offline, in either form: the stored lookup */
	out = run_policy(db, "bücher.test", NULL, 1, FORMAT_TEXT, &rc);
	ck_assert_int_eq(rc, 0);
	ck_assert_ptr_nonnull(strstr(out, "(stored lookup)"));
	free(out);
	out = run_policy(db, "XN--BCHER-KVA.test", NULL, 1, FORMAT_TEXT, &rc);
	ck_assert_int_eq(rc, 0);
	free(out);
	out = run_policy(db, "xn--zz.test", resolver, 0, FORMAT_TEXT, &rc);
	ck_assert_int_eq(rc, 2);
	free(out);
	out = run_policy(db, "a\xe2\x98\x83" "b.test", resolver, 0,
	    FORMAT_TEXT, &rc);
	ck_assert_int_eq(rc, 2);
	free(out);
	ck_assert_int_eq(tu_query_int(db, "SELECT count(*) FROM dmarc_lookup"),
	    1);
	tu_rmtree(dir);
	free(dir);
	free(db);
}
END_TEST

/* every query name goes out in A-label form (an SPF include, a rua host) */
START_TEST(test_dns_query_names_sent_as_alabels)
{
	struct dns_query q[2] = {
		{ .type = DNS_TXT, .name = "_dmarc.B\xc3\x9c" "cher.test" },
		{ .type = DNS_TXT, .name = "_dmarc.xn--zz.test" },
	};
	struct dns *d;

	NEED_DNSMASQ();
	d = open_dns(NULL, resolver, 0, NULL);
	ck_assert_int_eq(dns_run(d, q, 2), 0);
	ck_assert_int_eq(q[0].status, DNS_OK);
	ck_assert_uint_eq(q[0].n_rrs, 1);
	ck_assert_str_eq(q[0].rrs[0], "v=DMARC1; p=quarantine");
	/* no IDN: never sent */
	ck_assert_int_ne(q[1].status, DNS_OK);
	ck_assert_uint_eq(dns_nsent(d), 1);
	dns_query_release(&q[0]);
	dns_query_release(&q[1]);
	dns_free(d);
}
END_TEST

START_TEST(test_dns_missing_semicolon_is_invalid_not_none)
{
	struct policy_lookup pl;
	unsigned long n;

	NEED_DNSMASQ();
	lookup("nosemi.example.com", &pl, &n);
	/* walk: nosemi.example.com, example.com, com; nothing else */
	ck_assert_uint_eq(n, 3);
	ck_assert_int_eq(pl.status, POLICY_INVALID);
	ck_assert_str_eq(policy_status_name(pl.status), "invalid");
	ck_assert_ptr_null(pl.raw);
	ck_assert_uint_eq(pl.n_ignored, 1);
	ck_assert_str_eq(pl.ignored[0].name, "_dmarc.nosemi.example.com");
	ck_assert_str_eq(pl.ignored[0].raw, "v=DMARC1 p=reject");
	ck_assert_str_eq(pl.ignored[0].fixed, "v=DMARC1; p=reject");
	ck_assert_str_eq(note_text(&pl, "ignored-record"), "a TXT record "
	    "exists at _dmarc.nosemi.example.com but receivers ignore it "
	    "because 'v=DMARC1' is not followed by ';' (tags are separated "
	    "by semicolons): \"v=DMARC1 p=reject\"; publish "
	    "\"v=DMARC1; p=reject\" instead");
	policy_lookup_release(&pl);
}
END_TEST

START_TEST(test_dns_v_not_first_and_spf_at_dmarc_are_invalid)
{
	struct policy_lookup pl;

	NEED_DNSMASQ();
	lookup("order.example.com", &pl, NULL);
	ck_assert_int_eq(pl.status, POLICY_INVALID);
	ck_assert_str_eq(pl.ignored[0].fixed, "v=DMARC1; p=none");
	ck_assert_ptr_nonnull(strstr(note_text(&pl, "ignored-record"),
	    "because 'v=DMARC1' is not the first tag: \"p=none; v=DMARC1\"; "
	    "publish \"v=DMARC1; p=none\" instead"));
	policy_lookup_release(&pl);
	lookup("spf.example.com", &pl, NULL);
	ck_assert_int_eq(pl.status, POLICY_INVALID);
	ck_assert_ptr_null(pl.ignored[0].fixed);
	ck_assert_str_eq(note_text(&pl, "ignored-record"), "a TXT record "
	    "exists at _dmarc.spf.example.com but receivers ignore it because "
	    "it is an SPF record: SPF belongs in a TXT record at the domain "
	    "itself, not at _dmarc: \"v=spf1 -all\"");
	policy_lookup_release(&pl);
	/* NXDOMAIN all the way stays "none", with no such note */
	lookup("nx.example.com", &pl, NULL);
	ck_assert_int_eq(pl.status, POLICY_NONE);
	ck_assert_uint_eq(pl.n_ignored, 0);
	policy_lookup_release(&pl);
}
END_TEST

START_TEST(test_dns_ignored_record_under_parent_policy_noted)
{
	struct policy_lookup pl;

	NEED_DNSMASQ();
	lookup("brk.example.org", &pl, NULL);
	/* receivers skip the broken record and use example.org's */
	ck_assert_int_eq(pl.status, POLICY_FOUND);
	ck_assert_str_eq(pl.record_domain, "example.org");
	ck_assert_uint_eq(pl.n_ignored, 1);
	ck_assert_ptr_nonnull(strstr(note_text(&pl, "ignored-record"),
	    "_dmarc.brk.example.org but receivers ignore it"));
	ck_assert(has_note(&pl, "not-at-domain"));
	policy_lookup_release(&pl);
}
END_TEST

START_TEST(test_dns_invalid_status_rendered_stored_and_exit_1)
{
	char *dir, *db, *out;
	int rc;

	NEED_DNSMASQ();
	db = new_db(&dir);
	out = run_policy(db, "nosemi.example.com", resolver, 0, FORMAT_TEXT,
	    &rc);
	ck_assert_int_eq(rc, 1);
	ck_assert_ptr_nonnull(strstr(out, "  status       invalid\n"));
	ck_assert_ptr_nonnull(strstr(out, "  record       none that receivers "
	    "use (see notes)\n"));
	ck_assert_ptr_nonnull(strstr(out, "ignored-record: a TXT record "
	    "exists at _dmarc.nosemi.example.com"));
	free(out);
	ck_assert_int_eq(tu_query_int(db, "SELECT count(*) FROM dmarc_lookup "
	    "WHERE domain = 'nosemi.example.com' AND status = 'invalid'"), 1);
	out = run_policy(db, "nosemi.example.com", resolver, 0, FORMAT_JSON,
	    &rc);
	ck_assert_ptr_nonnull(strstr(out, "\"status\": \"invalid\""));
	ck_assert_ptr_nonnull(strstr(out, "\"ignored_records\": [{\"name\": "
	    "\"_dmarc.nosemi.example.com\", \"record\": \"v=DMARC1 "
	    "p=reject\", \"reason\": \"'v=DMARC1' is not followed by ';' "
	    "(tags are separated by semicolons)\", \"corrected\": "
	    "\"v=DMARC1; p=reject\"}]"));
	free(out);
	/* offline: the stored lookup keeps the status and the note */
	out = run_policy(db, "nosemi.example.com", NULL, 1, FORMAT_TEXT, &rc);
	ck_assert_int_eq(rc, 1);
	ck_assert_ptr_nonnull(strstr(out, "  status       invalid\n"));
	ck_assert_ptr_nonnull(strstr(out, "publish \"v=DMARC1; p=reject\" "
	    "instead"));
	free(out);
	tu_rmtree(dir);
	free(dir);
	free(db);
}
END_TEST

/*
 * A value whose escaped form passes RENDER_MAX_VALUE prints as the one
 * marker of render.h, in text and JSON, and the rest of the output
 * stays: the whole output used to fail instead.
 */
START_TEST(test_dns_policy_value_too_long_is_marked_not_fatal)
{
	struct policy_lookup pl;
	struct buf b;
	size_t n = MAX_LONG_TEXT * 2;

	memset(&pl, 0, sizeof(pl));
	pl.rec.pct = -1;
	pl.rcode = -1;
	pl.domain = xstrdup("example.org");
	pl.status = POLICY_FOUND;
	pl.record_domain = xstrdup("example.org");
	/* every byte a control byte: escaped, four bytes each */
	pl.raw = xmalloc(n + 1);
	memset(pl.raw, '\x01', n);
	pl.raw[n] = '\0';
	buf_init(&b, 1 << 20);
	ck_assert_int_eq(policy_render_text(&b, &pl, NULL, 0), 0);
	ck_assert_ptr_nonnull(strstr(buf_cstr(&b),
	    "  record       (value too long)\n"));
	ck_assert_ptr_nonnull(strstr(buf_cstr(&b), "  found at     "
	    "example.org\n"));
	buf_reset(&b);
	ck_assert_int_eq(policy_render_json(&b, &pl, NULL, 0), 0);
	ck_assert_ptr_nonnull(strstr(buf_cstr(&b),
	    "\"record\": \"(value too long)\""));
	buf_release(&b);
	policy_lookup_release(&pl);
}
END_TEST

START_TEST(test_dns_hostile_ignored_record_escaped)
{
	struct policy_lookup pl;
	struct buf b;

	memset(&pl, 0, sizeof(pl));
	pl.domain = xstrdup("example.org");
	pl.status = POLICY_INVALID;
	pl.n_ignored = 1;
	pl.ignored[0].name = xstrdup("_dmarc.example.org");
	pl.ignored[0].raw = xstrdup("p=none\x1b[2J; v=DMARC1\"");
	pl.ignored[0].why = xstrdup("x");
	pl.ignored[0].fixed = xstrdup("v=DMARC1; p=none\x1b[2J");
	dmarcrec_note(&pl.rec, DMARCREC_ERROR, "ignored-record", "%s",
	    pl.ignored[0].raw);
	buf_init(&b, 1 << 20);
	ck_assert_int_eq(policy_render_text(&b, &pl, NULL, 0), 0);
	ck_assert_ptr_null(strchr(buf_cstr(&b), '\x1b'));
	ck_assert_ptr_nonnull(strstr(buf_cstr(&b), "p=none\\x1b[2J"));
	buf_reset(&b);
	ck_assert_int_eq(policy_render_json(&b, &pl, NULL, 0), 0);
	ck_assert_ptr_nonnull(strstr(buf_cstr(&b), "\"record\": \"p=none"
	    "\\u001b[2J; v=DMARC1\\\"\""));
	ck_assert_ptr_nonnull(strstr(buf_cstr(&b), "\"corrected\": "
	    "\"v=DMARC1; p=none\\u001b[2J\""));
	buf_release(&b);
	policy_lookup_release(&pl);
}
END_TEST

START_TEST(test_dns_external_rua_not_authorized)
{
	struct policy_lookup pl;
	unsigned long n;
	char **u;
	size_t nu;

	NEED_DNSMASQ();
	lookup("ext.example.org", &pl, &n);
	/* walk (3 names) + ext.example.org._report._dmarc.thirdparty.test */
	ck_assert_uint_eq(n, 4);
	ck_assert_int_eq(pl.status, POLICY_FOUND);
	ck_assert_uint_eq(pl.n_dests, 1);
	ck_assert_str_eq(pl.dests[0].tag, "rua");
	ck_assert_str_eq(pl.dests[0].host, "thirdparty.test");
	ck_assert_str_eq(pl.dests[0].qname,
	    "ext.example.org._report._dmarc.thirdparty.test");
	ck_assert_int_eq(pl.dests[0].status, PDEST_NOT_AUTHORIZED);
	ck_assert_int_eq(pl.rec.valid, 0);
	ck_assert_str_eq(note_text(&pl, "dest-not-authorized"), "rua "
	    "destination not authorized: publish `ext.example.org._report."
	    "_dmarc.thirdparty.test TXT \"v=DMARC1\"` (or `*._report._dmarc."
	    "thirdparty.test TXT \"v=DMARC1\"` for every domain): receivers "
	    "send no aggregate report to mailto:reports@thirdparty.test");
	u = policy_unauthorized(&pl, "rua", &nu);
	ck_assert_uint_eq(nu, 1);
	ck_assert_str_eq(u[0], note_text(&pl, "dest-not-authorized"));
	free(u[0]);
	free(u);
	ck_assert_ptr_null(policy_unauthorized(&pl, "ruf", &nu));
	ck_assert_uint_eq(nu, 0);
	policy_lookup_release(&pl);
}
END_TEST

START_TEST(test_dns_external_rua_and_ruf_authorized)
{
	struct policy_lookup pl;
	unsigned long n;
	size_t nu;

	NEED_DNSMASQ();
	lookup("auth.example.org", &pl, &n);
	/* rua and ruf share one name: 3 walk queries + 1 */
	ck_assert_uint_eq(n, 4);
	ck_assert_uint_eq(pl.n_dests, 2);
	ck_assert_str_eq(pl.dests[1].tag, "ruf");
	ck_assert_int_eq(pl.dests[0].status, PDEST_AUTHORIZED);
	ck_assert_int_eq(pl.dests[1].status, PDEST_AUTHORIZED);
	ck_assert_int_eq(pl.rec.valid, 1);
	ck_assert(!has_note(&pl, "dest-not-authorized"));
	ck_assert_ptr_null(policy_unauthorized(&pl, NULL, &nu));
	policy_lookup_release(&pl);
	/* the host is the part after '@', lower case, without "!size" */
	lookup("size.example.org", &pl, NULL);
	ck_assert_str_eq(pl.dests[0].uri, "mailto:r@Partner.TEST!10m");
	ck_assert_str_eq(pl.dests[0].host, "partner.test");
	ck_assert_int_eq(pl.dests[0].status, PDEST_AUTHORIZED);
	policy_lookup_release(&pl);
	/* a TXT there that is not v=DMARC1 authorizes nothing */
	lookup("badauth.example.org", &pl, NULL);
	ck_assert_int_eq(pl.dests[0].status, PDEST_NOT_AUTHORIZED);
	policy_lookup_release(&pl);
}
END_TEST

START_TEST(test_dns_external_ruf_checked_internal_rua_not)
{
	struct policy_lookup pl;
	unsigned long n;
	char **u;
	size_t nu;

	NEED_DNSMASQ();
	lookup("rufx.example.org", &pl, &n);
	/* rua d@example.org is ours: only ruf's name is asked */
	ck_assert_uint_eq(n, 4);
	ck_assert_int_eq(pl.dests[0].status, PDEST_INTERNAL);
	ck_assert_ptr_null(pl.dests[0].qname);
	ck_assert_int_eq(pl.dests[1].status, PDEST_NOT_AUTHORIZED);
	/* a ruf destination without authorization is a warning only */
	ck_assert_int_eq(pl.rec.valid, 1);
	ck_assert_ptr_null(policy_unauthorized(&pl, "rua", &nu));
	u = policy_unauthorized(&pl, "ruf", &nu);
	ck_assert_uint_eq(nu, 1);
	ck_assert_ptr_nonnull(strstr(u[0], "ruf destination not authorized: "
	    "publish `rufx.example.org._report._dmarc.forensic.test TXT "
	    "\"v=DMARC1\"`"));
	ck_assert_ptr_nonnull(strstr(u[0], "no failure report to "
	    "mailto:f@forensic.test"));
	free(u[0]);
	free(u);
	policy_lookup_release(&pl);
	/* another host of our own organization: no query at all */
	lookup("internal.example.org", &pl, &n);
	ck_assert_uint_eq(n, 3);
	ck_assert_int_eq(pl.dests[0].status, PDEST_INTERNAL);
	ck_assert_int_eq(pl.rec.valid, 1);
	policy_lookup_release(&pl);
}
END_TEST

START_TEST(test_dns_wildcard_authorizes_every_domain)
{
	struct dns_query q = { .type = DNS_TXT, .name = "_dmarc.wild.test" };
	struct policy_lookup pl;
	struct dns *d;

	NEED_DNSMASQ();
	/* only *._report._dmarc.wild.test exists there */
	d = open_dns(NULL, resolver, 0, NULL);
	ck_assert_int_eq(dns_run(d, &q, 1), 0);
	ck_assert_int_eq(q.status, DNS_NXDOMAIN);
	dns_query_release(&q);
	dns_free(d);
	lookup("wcust.test", &pl, NULL);
	ck_assert_str_eq(pl.dests[0].qname,
	    "wcust.test._report._dmarc.wild.test");
	ck_assert_int_eq(pl.dests[0].status, PDEST_AUTHORIZED);
	ck_assert_int_eq(pl.rec.valid, 1);
	policy_lookup_release(&pl);
	lookup("wcust2.test", &pl, NULL);
	ck_assert_int_eq(pl.dests[0].status, PDEST_AUTHORIZED);
	policy_lookup_release(&pl);
}
END_TEST

START_TEST(test_dns_msp_destination_per_customer)
{
	struct policy_lookup pl;
	char *dir, *db, *out;
	int rc;

	NEED_DNSMASQ();
	lookup("customer1.test", &pl, NULL);
	ck_assert_int_eq(pl.dests[0].status, PDEST_AUTHORIZED);
	policy_lookup_release(&pl);
	db = new_db(&dir);
	out = run_policy(db, "customer2.test", resolver, 0, FORMAT_TEXT, &rc);
	ck_assert_int_eq(rc, 1);
	ck_assert_ptr_nonnull(strstr(out, "report destinations:\n  rua  "
	    "mailto:dmarc@msp.test  not-authorized "
	    "(customer2.test._report._dmarc.msp.test)\n"));
	ck_assert_ptr_nonnull(strstr(out, "publish `customer2.test._report."
	    "_dmarc.msp.test TXT \"v=DMARC1\"`"));
	free(out);
	out = run_policy(db, "customer2.test", resolver, 0, FORMAT_JSON, &rc);
	ck_assert_ptr_nonnull(strstr(out, "\"destinations\": [{\"tag\": "
	    "\"rua\", \"uri\": \"mailto:dmarc@msp.test\", \"host\": "
	    "\"msp.test\", \"query\": \"customer2.test._report._dmarc."
	    "msp.test\", \"status\": \"not-authorized\"}]"));
	free(out);
	/* stored with the lookup: offline, the same destinations */
	ck_assert_int_eq(policy_current_offline(db, "customer2.test", &pl),
	    0);
	ck_assert_uint_eq(pl.n_dests, 1);
	ck_assert_int_eq(pl.dests[0].status, PDEST_NOT_AUTHORIZED);
	ck_assert_str_eq(pl.dests[0].qname,
	    "customer2.test._report._dmarc.msp.test");
	ck_assert(has_note(&pl, "dest-not-authorized"));
	policy_lookup_release(&pl);
	tu_rmtree(dir);
	free(dir);
	free(db);
}
END_TEST

START_TEST(test_dns_cached_answer_says_so_and_resolver_bypasses)
{
	struct dns_query q = { .type = DNS_TXT, .name = "_dmarc.example.org" };
	struct policy_lookup pl;
	char *dir, *db, *out, err[256];
	const char *p;
	long left;
	struct dns *d;
	int rc;

	NEED_DNSMASQ();
	db = new_db(&dir);
	/* the system resolver saw an older record two minutes ago */
	cache_row(db, "_dmarc.example.org", "ok", "v=DMARC1; p=reject; "
	    "rua=mailto:d@example.org", 120);
	cache_row(db, "_dmarc.org", "nxdomain", NULL, 120);
	d = open_dns(db, NULL, 0, NULL);
	ck_assert_int_eq(policy_lookup(d, "example.org", &pl, err,
	    sizeof(err)), 0);
	ck_assert_uint_eq(dns_nsent(d), 0);
	ck_assert_int_eq(pl.cached, 1);
	ck_assert_str_eq(pl.raw,
	    "v=DMARC1; p=reject; rua=mailto:d@example.org");
	ck_assert_int_eq(pl.expires_at - pl.answered_at, 300);
	policy_lookup_release(&pl);
	dns_free(d);
	/* 300 - 120 s = 180 s left: 3 minutes */
	out = run_policy(db, "example.org", NULL, 0, FORMAT_TEXT, &rc);
	ck_assert_ptr_nonnull(strstr(out, " UTC (cached, 3 min left; "
	    "--refresh asks again)\n"));
	free(out);
	out = run_policy(db, "example.org", NULL, 0, FORMAT_JSON, &rc);
	ck_assert_ptr_nonnull(strstr(out, "\"source\": \"cache\", "
	    "\"answered_at\": "));
	/* 180 s, or a little less if the clock ticked since the insert */
	ck_assert_ptr_nonnull(p = strstr(out, "\"cache_seconds_left\": "));
	left = strtol(p + 22, NULL, 10);
	ck_assert_msg(left > 170 && left <= 180, "%ld s left", left);
	free(out);
	/* an explicit resolver asks it: the record as published now */
	ck_assert(dns_opts_refresh(0, resolver));
	out = run_policy_refresh(db, "example.org", resolver,
	    dns_opts_refresh(0, resolver), &rc);
	ck_assert_int_eq(rc, 0);
	ck_assert_ptr_nonnull(strstr(out, "  record       v=DMARC1; p=none; "
	    "rua=mailto:d@example.org\n"));
	ck_assert_ptr_null(strstr(out, "cached"));
	free(out);
	/*
	 * --refresh with the system resolver: asked again, not the cache
	 * (whatever the system resolver answers, if anything)
	 */
	ck_assert(dns_opts_refresh(1, NULL));
	ck_assert(!dns_opts_refresh(0, NULL));
	d = open_dns_refresh(db, NULL, 1);
	ck_assert_int_eq(dns_run(d, &q, 1), 0);
	ck_assert_uint_eq(dns_nsent(d), 1);
	ck_assert_int_eq(q.cached, 0);
	dns_query_release(&q);
	dns_free(d);
	tu_rmtree(dir);
	free(dir);
	free(db);
}
END_TEST

START_TEST(test_dns_negative_answer_not_reused_by_other_resolver)
{
	struct dns_query q = { .type = DNS_TXT,
	    .name = "_dmarc.nx.example.com" };
	char *dir, *db;
	struct dns *d;

	NEED_DNSMASQ();
	db = new_db(&dir);
	d = open_dns(db, resolver, 0, NULL);
	ck_assert_int_eq(dns_run(d, &q, 1), 0);
	ck_assert_int_eq(q.status, DNS_NXDOMAIN);
	dns_query_release(&q);
	dns_free(d);
	ck_assert_int_eq(tu_query_int(db, "SELECT count(*) FROM dns_cache "
	    "WHERE status = 'nxdomain' AND name = '_dmarc.nx.example.com'"), 1);
	/* the system resolver must ask for itself */
	d = open_dns(db, NULL, 0, NULL);
	ck_assert_str_eq(dns_resolver_key(d), "system");
	ck_assert_int_eq(dns_run(d, &q, 1), 0);
	ck_assert_int_eq(q.cached, 0);
	ck_assert_uint_eq(dns_nsent(d), 1);
	dns_query_release(&q);
	dns_free(d);
	/* offline, the latest answer of any resolver is the best known */
	d = open_dns(db, NULL, 1, NULL);
	ck_assert_int_eq(dns_run(d, &q, 1), 0);
	ck_assert_int_eq(q.cached, 1);
	dns_query_release(&q);
	dns_free(d);
	tu_rmtree(dir);
	free(dir);
	free(db);
}
END_TEST

START_TEST(test_dns_schema_5_migration_keeps_lookups)
{
	char *dir = tu_tmpdir(), path[4096], err[256];
	sqlite3 *h;

	snprintf(path, sizeof(path), "%s/v4.db", dir);
	ck_assert_int_eq(sqlite3_open(path, &h), SQLITE_OK);
	for (size_t i = 0; i < 4; i++)
		ck_assert_int_eq(sqlite3_exec(h, schema_migrations[i], NULL,
		    NULL, NULL), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(h, "PRAGMA user_version = 4; "
	    "INSERT INTO dmarc_lookup (domain, looked_up_at, status, "
	    "raw_record, walk_notes) VALUES ('example.org', 1700000000, "
	    "'found', 'v=DMARC1; p=none', 'info not-at-domain: x\n'); "
	    "INSERT INTO dns_cache VALUES ('TXT', '_dmarc.example.org', 0, "
	    "'nxdomain', 3, NULL, 300, 1700000000)", NULL, NULL, NULL),
	    SQLITE_OK);
	sqlite3_close(h);
	h = db_open(path, DB_READWRITE, err, sizeof(err));
	ck_assert_msg(h != NULL, "%s", err);
	sqlite3_close(h);
	ck_assert_int_eq(tu_query_int(path, "PRAGMA user_version"),
	    DB_SCHEMA_VERSION);
	ck_assert_int_eq(tu_query_int(path, "SELECT count(*) FROM "
	    "dmarc_lookup WHERE domain = 'example.org' AND looked_up_at = "
	    "1700000000 AND raw_record = 'v=DMARC1; p=none' AND walk_notes "
	    "IS NOT NULL AND report_dests IS NULL"), 1);
	/* the old cache cannot say which resolver answered: dropped */
	ck_assert_int_eq(tu_query_int(path, "SELECT count(*) FROM dns_cache"),
	    0);
	ck_assert_int_eq(exec_sql(path, "INSERT INTO dmarc_lookup (domain, "
	    "looked_up_at, status) VALUES ('x.org', 1, 'invalid')"), 0);
	ck_assert_int_ne(exec_sql(path, "INSERT INTO dmarc_lookup (domain, "
	    "looked_up_at, status) VALUES ('x.org', 1, 'bogus')"), 0);
	tu_rmtree(dir);
	free(dir);
}
END_TEST

/*
 * Resolves through a read-only database: 0 when the lookups work, the
 * "not cached" note is printed once and nothing is cached; else the
 * number of the failed step.  No ck_assert: it may run in a child.
 */
static int
readonly_probe(const char *db)
{
	struct dns_query q = { .type = DNS_TXT, .name = "_dmarc.example.org" };
	struct dns_opts o;
	char *note = NULL, err[256];
	const char *first;
	size_t len = 0;
	FILE *diag = open_memstream(&note, &len);
	struct dns *d;
	int rc = 0;

	memset(&o, 0, sizeof(o));
	o.db_path = db;
	o.resolver = resolver;
	o.diag = diag;
	if ((d = dns_new(&o, err, sizeof(err))) == NULL)
		return 1;
	for (int i = 0; i < 2 && rc == 0; i++) {
		if (dns_run(d, &q, 1) != 0 || q.status != DNS_OK)
			rc = 2;
		dns_query_release(&q);
	}
	dns_free(d);
	fclose(diag);
	if (rc == 0 && (first = strstr(note, "not cached")) == NULL)
		rc = 3;
	else if (rc == 0 && strstr(first + 1, "not cached") != NULL)
		rc = 4;
	else if (rc == 0 && tu_query_int(db, "SELECT count(*) FROM "
	    "dns_cache") > 0)
		rc = 5;
	free(note);
	return rc;
}

START_TEST(test_dns_readonly_database_still_resolves)
{
	char *dir, *db;
	int status = -1;
	pid_t pid;

	NEED_DNSMASQ();
	db = new_db(&dir);
	ck_assert_int_eq(chmod(db, 0444), 0);
	ck_assert_int_eq(chmod(dir, 0555), 0);
	if (geteuid() != 0)
		status = readonly_probe(db);
	else if ((pid = fork()) == 0) {
		/* root ignores file modes: probe as nobody */
		if (setgid(65534) == -1 || setuid(65534) == -1)
			_exit(100);
		_exit(readonly_probe(db));
	} else if (pid > 0 && waitpid(pid, &status, 0) == pid)
		status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
	chmod(dir, 0755);
	tu_rmtree(dir);
	free(dir);
	free(db);
	if (status == 100)
		TU_SKIP(TU_SKIP_HOST, "cannot drop root to probe read-only");
	ck_assert_int_eq(status, 0);
}
END_TEST

START_TEST(test_dns_render_escapes_hostile_record)
{
	struct policy_lookup pl;
	struct buf b;

	memset(&pl, 0, sizeof(pl));
	pl.domain = xstrdup("example.org");
	pl.status = POLICY_FOUND;
	pl.record_domain = xstrdup("example.org");
	pl.org_domain = xstrdup("example.org");
	pl.raw = xstrdup("v=DMARC1; p=none; rua=mailto:\x1b[31m\"x@e.org\n");
	pl.rcode = 0;
	dmarcrec_parse(pl.raw, &pl.rec);
	buf_init(&b, 1 << 20);
	ck_assert_int_eq(policy_render_text(&b, &pl, NULL, 0), 0);
	ck_assert_ptr_null(strchr(buf_cstr(&b), '\x1b'));
	ck_assert_ptr_nonnull(strstr(buf_cstr(&b), "\\x1b[31m"));
	buf_reset(&b);
	ck_assert_int_eq(policy_render_json(&b, &pl, NULL, 0), 0);
	ck_assert_ptr_nonnull(strstr(buf_cstr(&b),
	    "rua=mailto:\\u001b[31m\\\"x@e.org\\n\""));
	buf_reset(&b);
	ck_assert_int_eq(policy_render_json_brief(&b, &pl), 0);
	ck_assert_int_eq(buf_cstr(&b)[0], '{');
	ck_assert_int_eq(buf_cstr(&b)[b.len - 1], '}');
	buf_release(&b);
	policy_lookup_release(&pl);
}
END_TEST

START_TEST(test_dns_reverse_names_and_resolver_syntax)
{
	char out[80], err[256];
	struct dns_opts o;
	struct dns *d;

	ck_assert_int_eq(dns_reverse_name("192.0.2.1", out, sizeof(out)), 0);
	ck_assert_str_eq(out, "1.2.0.192.in-addr.arpa");
	ck_assert_int_eq(dns_reverse_name("2001:db8::1", out, sizeof(out)), 0);
	ck_assert_str_eq(out, "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0."
	    "0.8.b.d.0.1.0.0.2.ip6.arpa");
	ck_assert_int_eq(dns_reverse_name("x", out, sizeof(out)), -1);
	memset(&o, 0, sizeof(o));
	static const char *const bad[] = { "localhost", "1.2.3.4:0",
	    "1.2.3.4:99999", "[::1", "1.2.3.4:53x" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		o.resolver = bad[i];
		ck_assert_ptr_null(dns_new(&o, err, sizeof(err)));
		ck_assert_ptr_nonnull(strstr(err, "invalid resolver"));
	}
	static const char *const good[] = { "127.0.0.1", "127.0.0.1:5353",
	    "[::1]:53", "::1", "[::1]" };
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		o.resolver = good[i];
		d = dns_new(&o, err, sizeof(err));
		ck_assert_msg(d != NULL, "%s: %s", good[i], err);
		dns_free(d);
	}
}
END_TEST

Suite *
dns_suite(void)
{
	Suite *s = suite_create("dns");
	TCase *tc = tcase_create("dnsmasq");
	TCase *off = tcase_create("offline");

	tcase_add_unchecked_fixture(tc, dm_start, dm_stop);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_dns_txt_answer_with_ttl);
	tcase_add_test(tc, test_dns_tree_walk_finds_org_record);
	tcase_add_test(tc, test_dns_several_records_discarded);
	tcase_add_test(tc, test_dns_broken_record_reported);
	tcase_add_test(tc, test_dns_nxdomain_walk_finds_none);
	tcase_add_test(tc, test_dns_psd_record_sets_org_domain);
	tcase_add_test(tc, test_dns_ptr_found_missing_and_invalid);
	tcase_add_test(tc, test_dns_cache_keyed_by_resolver);
	tcase_add_test(tc, test_dns_expired_cache_entry_requeried);
	tcase_add_test(tc, test_dns_no_dns_uses_cache_only);
	tcase_add_test(tc, test_dns_policy_run_history_and_json);
	tcase_add_test(tc, test_dns_ulabel_domain_looked_up_as_alabel);
	tcase_add_test(tc, test_dns_query_names_sent_as_alabels);
	tcase_add_test(tc, test_dns_readonly_database_still_resolves);
	tcase_add_test(tc, test_dns_missing_semicolon_is_invalid_not_none);
	tcase_add_test(tc, test_dns_v_not_first_and_spf_at_dmarc_are_invalid);
	tcase_add_test(tc, test_dns_ignored_record_under_parent_policy_noted);
	tcase_add_test(tc, test_dns_invalid_status_rendered_stored_and_exit_1);
	tcase_add_test(tc, test_dns_external_rua_not_authorized);
	tcase_add_test(tc, test_dns_external_rua_and_ruf_authorized);
	tcase_add_test(tc, test_dns_external_ruf_checked_internal_rua_not);
	tcase_add_test(tc, test_dns_msp_destination_per_customer);
	tcase_add_test(tc, test_dns_wildcard_authorizes_every_domain);
	tcase_add_test(tc,
	    test_dns_cached_answer_says_so_and_resolver_bypasses);
	tcase_add_test(tc,
	    test_dns_negative_answer_not_reused_by_other_resolver);
	suite_add_tcase(s, tc);
	tcase_add_test(off, test_dns_render_escapes_hostile_record);
	tcase_add_test(off, test_dns_reverse_names_and_resolver_syntax);
	tcase_add_test(off, test_dns_policy_value_too_long_is_marked_not_fatal);
	tcase_add_test(off, test_dns_hostile_ignored_record_escaped);
	tcase_add_test(off, test_dns_schema_5_migration_keeps_lookups);
	suite_add_tcase(s, off);
	return s;
}

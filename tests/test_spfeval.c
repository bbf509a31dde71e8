/*
 * Tests for report/spfeval.c, spfmacro.c and spfaudit.c against an
 * in-memory zone: check_host() results for ip4/ip6/a/mx/ptr/exists,
 * include and redirect, macros, every processing limit of RFC 7208 4.6.4
 * (ten lookups, two void lookups, ten MX names), loops, several records,
 * DNS failures; the audit's lookup counts per include (hand-computed),
 * void lookups, loops, and its bounds on a hostile zone.  The real DNS
 * path (c-ares, dnsmasq) is tested where the check mode uses it.
 */
#include <arpa/inet.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <check.h>

#include "limits.h"
#include "spfeval.h"
#include "spfmacro.h"
#include "xalloc.h"

Suite	*spfeval_suite(void);

/* a zone row; TXT data holds '|' where one string ends and one begins */
struct rr {
	enum spfdns_type	 type;
	const char		*name;
	const char		*data;	/* "TEMP": the server fails */
};

struct zone {
	const struct rr	*rr;
	size_t		 n;
	size_t		 queries;
	/* synthesised chain: nN.chain.test includes n(N+1).chain.test */
	int		 chain;
};

static void
add_txt(struct spfdns_answer *out, const char *data)
{
	struct spfdns_txt *t;
	size_t n = 0;

	out->txt = xreallocarray(out->txt, out->n_txt + 1, sizeof(*out->txt));
	t = &out->txt[out->n_txt++];
	t->text = xmalloc(strlen(data) + 1);
	t->joins = xreallocarray(NULL, strlen(data) + 1, sizeof(size_t));
	t->n_joins = 0;
	for (const char *p = data; *p != '\0'; p++) {
		if (*p == '|')
			t->joins[t->n_joins++] = n;
		else
			t->text[n++] = *p;
	}
	t->text[n] = '\0';
}

static void
add_row(struct spfdns_answer *out, enum spfdns_type type, const char *data)
{
	if (type == SPFDNS_TXT) {
		add_txt(out, data);
	} else if (type == SPFDNS_A || type == SPFDNS_AAAA) {
		out->addrs = xreallocarray(out->addrs, out->n_addrs + 1, 16);
		memset(out->addrs[out->n_addrs], 0, 16);
		ck_assert_int_eq(inet_pton(type == SPFDNS_A ? AF_INET :
		    AF_INET6, data, out->addrs[out->n_addrs]), 1);
		out->n_addrs++;
	} else {
		out->names = xreallocarray(out->names, out->n_names + 1,
		    sizeof(char *));
		out->names[out->n_names++] = xstrdup(data);
	}
}

static void
zone_query(void *arg, enum spfdns_type type, const char *name,
    struct spfdns_answer *out)
{
	struct zone *z = arg;
	char *end;
	long n;

	z->queries++;
	out->rc = SPFDNS_VOID;
	if (z->chain && type == SPFDNS_TXT && name[0] == 'n' &&
	    (n = strtol(name + 1, &end, 10)) >= 0 &&
	    strcmp(end, ".chain.test") == 0) {
		char txt[128];

		snprintf(txt, sizeof(txt), "v=spf1 include:n%ld.chain.test "
		    "a:a%ld.chain.test -all", n + 1, n);
		add_txt(out, txt);
		out->rc = SPFDNS_OK;
		return;
	}
	for (size_t i = 0; i < z->n; i++) {
		if (z->rr[i].type != type ||
		    strcasecmp(z->rr[i].name, name) != 0)
			continue;
		if (strcmp(z->rr[i].data, "TEMP") == 0) {
			spfdns_answer_release(out);
			out->rc = SPFDNS_TEMP;
			return;
		}
		add_row(out, type, z->rr[i].data);
		out->rc = SPFDNS_OK;
	}
}

/* check_host for ip (text) at domain, sender postmaster@domain */
static enum spf_result
check(struct zone *z, const char *ip, const char *domain,
    struct spf_eval *ev)
{
	struct spfdns dns = { z, zone_query };
	unsigned char a[16] = { 0 };
	int v6 = strchr(ip, ':') != NULL;

	ck_assert_int_eq(inet_pton(v6 ? AF_INET6 : AF_INET, ip, a), 1);
	spf_check_host(&dns, a, v6 ? 6 : 4, domain, domain, ev);
	return ev->result;
}

#define ZONE(rows)	{ rows, sizeof(rows) / sizeof(rows[0]), 0, 0 }

static const struct rr basic[] = {
	{ SPFDNS_TXT, "example.org", "v=spf1 ip4:192.0.2.0/24 a "
	    "mx:mail.example.org/30 include:_spf.example.net ~all" },
	{ SPFDNS_TXT, "example.org", "google-site-verification=abc" },
	{ SPFDNS_A, "example.org", "198.51.100.200" },
	{ SPFDNS_AAAA, "example.org", "2001:db8::10" },
	{ SPFDNS_MX, "mail.example.org", "mx1.example.org" },
	{ SPFDNS_A, "mx1.example.org", "198.51.100.4" },
	{ SPFDNS_TXT, "_spf.example.net", "v=spf1 ip4:203.0.113.0/24 "
	    "ip6:2001:db8:ff::/48 -all" },
	{ SPFDNS_TXT, "example.com", "v=spf1 redirect=example.org" },
	{ SPFDNS_TXT, "bad-redirect.test", "v=spf1 redirect=nowhere.test" },
	{ SPFDNS_TXT, "two.test", "v=spf1 -all" },
	{ SPFDNS_TXT, "two.test", "v=spf1 +all" },
	{ SPFDNS_TXT, "temp.test", "TEMP" },
	{ SPFDNS_TXT, "broken.test", "v=spf1 ip4:300.1.1.1 -all" },
	{ SPFDNS_TXT, "inc-none.test", "v=spf1 include:nowhere.test -all" },
	{ SPFDNS_TXT, "inc-temp.test", "v=spf1 include:temp.test -all" },
};

START_TEST(test_spfeval_mechanisms_match_in_order)
{
	struct zone z = ZONE(basic);
	struct spf_eval ev;

	ck_assert_int_eq(check(&z, "192.0.2.7", "example.org", &ev),
	    SPF_R_PASS);
	ck_assert_str_eq(ev.why, "'ip4:192.0.2.0/24' in example.org");
	ck_assert_uint_eq(ev.lookups, 0);
	ck_assert_int_eq(check(&z, "198.51.100.200", "example.org", &ev),
	    SPF_R_PASS);
	ck_assert_str_eq(ev.why, "'a' in example.org");
	ck_assert_int_eq(check(&z, "2001:db8::10", "example.org", &ev),
	    SPF_R_PASS);
	/* mx /30 around 198.51.100.4: .4 to .7 */
	ck_assert_int_eq(check(&z, "198.51.100.7", "example.org", &ev),
	    SPF_R_PASS);
	ck_assert_str_eq(ev.why, "'mx:mail.example.org/30' in example.org");
	ck_assert_uint_eq(ev.lookups, 2);
	ck_assert_int_eq(check(&z, "203.0.113.9", "example.org", &ev),
	    SPF_R_PASS);
	ck_assert_str_eq(ev.why, "'ip4:203.0.113.0/24' in _spf.example.net");
	ck_assert_uint_eq(ev.lookups, 3);
	ck_assert_int_eq(check(&z, "2001:db8:ff::1", "example.org", &ev),
	    SPF_R_PASS);
	/* the include fails, so ~all decides */
	ck_assert_int_eq(check(&z, "198.51.100.8", "example.org", &ev),
	    SPF_R_SOFTFAIL);
	ck_assert_str_eq(ev.why, "'~all' in example.org");
	ck_assert_int_eq(check(&z, "2001:db8::11", "example.org", &ev),
	    SPF_R_SOFTFAIL);
}
END_TEST

START_TEST(test_spfeval_redirect_and_errors)
{
	struct zone z = ZONE(basic);
	struct spf_eval ev;

	ck_assert_int_eq(check(&z, "192.0.2.7", "example.com", &ev),
	    SPF_R_PASS);
	ck_assert_uint_eq(ev.lookups, 1);
	ck_assert_int_eq(check(&z, "198.51.100.8", "example.com", &ev),
	    SPF_R_SOFTFAIL);
	ck_assert_int_eq(check(&z, "192.0.2.7", "bad-redirect.test", &ev),
	    SPF_R_PERMERROR);
	ck_assert_str_eq(ev.why, "redirect=nowhere.test has no SPF record");
	ck_assert_int_eq(check(&z, "192.0.2.7", "two.test", &ev),
	    SPF_R_PERMERROR);
	ck_assert_int_eq(check(&z, "192.0.2.7", "nowhere.test", &ev),
	    SPF_R_NONE);
	ck_assert_int_eq(check(&z, "192.0.2.7", "temp.test", &ev),
	    SPF_R_TEMPERROR);
	ck_assert_int_eq(check(&z, "192.0.2.7", "broken.test", &ev),
	    SPF_R_PERMERROR);
	ck_assert_int_eq(check(&z, "192.0.2.7", "inc-none.test", &ev),
	    SPF_R_PERMERROR);
	ck_assert_str_eq(ev.why, "include:nowhere.test has no SPF record");
	ck_assert_int_eq(check(&z, "192.0.2.7", "inc-temp.test", &ev),
	    SPF_R_TEMPERROR);
}
END_TEST

static const struct rr limits[] = {
	{ SPFDNS_TXT, "top.test", "v=spf1 include:i0.test -all" },
	{ SPFDNS_TXT, "i0.test", "v=spf1 include:i1.test -all" },
	{ SPFDNS_TXT, "i1.test", "v=spf1 include:i2.test -all" },
	{ SPFDNS_TXT, "i2.test", "v=spf1 include:i3.test -all" },
	{ SPFDNS_TXT, "i3.test", "v=spf1 include:i4.test -all" },
	{ SPFDNS_TXT, "i4.test", "v=spf1 include:i5.test -all" },
	{ SPFDNS_TXT, "i5.test", "v=spf1 include:i6.test -all" },
	{ SPFDNS_TXT, "i6.test", "v=spf1 include:i7.test -all" },
	{ SPFDNS_TXT, "i7.test", "v=spf1 include:i8.test -all" },
	{ SPFDNS_TXT, "i8.test", "v=spf1 include:i9.test -all" },
	{ SPFDNS_TXT, "i9.test", "v=spf1 include:i10.test -all" },
	{ SPFDNS_TXT, "i10.test", "v=spf1 ip4:192.0.2.1 -all" },
	{ SPFDNS_TXT, "i9b.test", "v=spf1 include:i10b.test -all" },
	{ SPFDNS_TXT, "i10b.test", "v=spf1 include:i11b.test -all" },
	{ SPFDNS_TXT, "i11b.test", "v=spf1 ip4:192.0.2.1 -all" },
	{ SPFDNS_TXT, "voids2.test", "v=spf1 a:v1.test mx:v2.test -all" },
	{ SPFDNS_TXT, "voids3.test", "v=spf1 a:v1.test mx:v2.test "
	    "exists:v3.test -all" },
	{ SPFDNS_TXT, "loop-a.test", "v=spf1 include:loop-b.test -all" },
	{ SPFDNS_TXT, "loop-b.test", "v=spf1 include:loop-a.test -all" },
	{ SPFDNS_TXT, "mx11.test", "v=spf1 mx -all" },
	{ SPFDNS_MX, "mx11.test", "m1.test" }, { SPFDNS_MX, "mx11.test", "m2.test" },
	{ SPFDNS_MX, "mx11.test", "m3.test" }, { SPFDNS_MX, "mx11.test", "m4.test" },
	{ SPFDNS_MX, "mx11.test", "m5.test" }, { SPFDNS_MX, "mx11.test", "m6.test" },
	{ SPFDNS_MX, "mx11.test", "m7.test" }, { SPFDNS_MX, "mx11.test", "m8.test" },
	{ SPFDNS_MX, "mx11.test", "m9.test" }, { SPFDNS_MX, "mx11.test", "m10.test" },
	{ SPFDNS_MX, "mx11.test", "m11.test" },
};

START_TEST(test_spfeval_ten_lookups_then_permerror)
{
	struct zone z = ZONE(limits);
	struct spf_eval ev;

	/* i0 -> i10 is ten includes: still allowed */
	ck_assert_int_eq(check(&z, "192.0.2.1", "i0.test", &ev), SPF_R_PASS);
	ck_assert_uint_eq(ev.lookups, 10);
	ck_assert_int_eq(check(&z, "192.0.2.2", "i0.test", &ev), SPF_R_FAIL);
	/* one more include above it is the eleventh */
	ck_assert_int_eq(check(&z, "192.0.2.1", "top.test", &ev),
	    SPF_R_PERMERROR);
	ck_assert_str_eq(ev.why, "more than 10 DNS lookups (RFC 7208 4.6.4)");
	/* i9b -> i11b is two, from i0 through i8 it would be eleven */
	ck_assert_int_eq(check(&z, "192.0.2.1", "i9b.test", &ev), SPF_R_PASS);
	ck_assert_uint_eq(ev.lookups, 2);
}
END_TEST

START_TEST(test_spfeval_void_lookups_limited_to_two)
{
	struct zone z = ZONE(limits);
	struct spf_eval ev;

	ck_assert_int_eq(check(&z, "192.0.2.1", "voids2.test", &ev),
	    SPF_R_FAIL);
	ck_assert_uint_eq(ev.voids, 2);
	ck_assert_int_eq(check(&z, "192.0.2.1", "voids3.test", &ev),
	    SPF_R_PERMERROR);
	ck_assert_str_eq(ev.why, "more than 2 void DNS lookups (RFC 7208 "
	    "4.6.4)");
}
END_TEST

START_TEST(test_spfeval_loop_and_mx_names_bounded)
{
	struct zone z = ZONE(limits);
	struct spf_eval ev;

	ck_assert_int_eq(check(&z, "192.0.2.1", "loop-a.test", &ev),
	    SPF_R_PERMERROR);
	ck_assert_str_eq(ev.why, "more than 10 DNS lookups (RFC 7208 4.6.4)");
	/* eleven TXT queries at most: the root and ten includes */
	ck_assert_uint_le(z.queries, 11);
	ck_assert_int_eq(check(&z, "192.0.2.1", "mx11.test", &ev),
	    SPF_R_PERMERROR);
	ck_assert_str_eq(ev.why, "mx in mx11.test: more than 10 MX names "
	    "(RFC 7208 4.6.4)");
}
END_TEST

/* 1,000 nested includes: a receiver stops at ten, so do we */
START_TEST(test_spfeval_hostile_chain_bounded)
{
	struct zone z = { NULL, 0, 0, 1 };
	struct spf_eval ev;

	ck_assert_int_eq(check(&z, "192.0.2.1", "n0.chain.test", &ev),
	    SPF_R_PERMERROR);
	ck_assert_uint_le(z.queries, 2 * (MAX_SPF_LOOKUPS + 1));
}
END_TEST

static const struct rr macros[] = {
	{ SPFDNS_TXT, "m.test", "v=spf1 exists:%{ir}.%{v}._spf.%{d} -all" },
	{ SPFDNS_A, "7.2.0.192.in-addr._spf.m.test", "127.0.0.2" },
	{ SPFDNS_TXT, "p.test", "v=spf1 ptr:example.org -all" },
	{ SPFDNS_PTR, "9.2.0.192.in-addr.arpa", "host.example.org" },
	{ SPFDNS_A, "host.example.org", "192.0.2.9" },
	{ SPFDNS_PTR, "10.2.0.192.in-addr.arpa", "liar.example.org" },
	{ SPFDNS_A, "liar.example.org", "192.0.2.99" },
	{ SPFDNS_TXT, "six.test", "v=spf1 exists:%{i}.six.test -all" },
	{ SPFDNS_A, "2.0.0.1.0.d.b.8.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0."
	    "0.0.0.1.six.test", "127.0.0.2" },
};

START_TEST(test_spfeval_exists_macros_and_ptr)
{
	struct zone z = ZONE(macros);
	struct spf_eval ev;

	ck_assert_int_eq(check(&z, "192.0.2.7", "m.test", &ev), SPF_R_PASS);
	ck_assert_int_eq(check(&z, "192.0.2.8", "m.test", &ev), SPF_R_FAIL);
	ck_assert_int_eq(check(&z, "2001:db8::1", "six.test", &ev),
	    SPF_R_PASS);
	ck_assert_int_eq(check(&z, "192.0.2.9", "p.test", &ev), SPF_R_PASS);
	/* a PTR name whose address is not the sender's is not validated */
	ck_assert_int_eq(check(&z, "192.0.2.10", "p.test", &ev), SPF_R_FAIL);
}
END_TEST

START_TEST(test_spfmacro_expansion_rules)
{
	unsigned char ip[4] = { 192, 0, 2, 3 };
	struct spf_macro_env env = { "strong-bad@email.example.com",
	    "email.example.com", "mx.example.org", ip, 4 };
	char out[600];
	static const struct {
		const char *spec, *want;
	} cases[] = {
		/* RFC 7208 7.4's examples */
		{ "%{s}", "strong-bad@email.example.com" },
		{ "%{o}", "email.example.com" },
		{ "%{d}", "email.example.com" },
		{ "%{d4}", "email.example.com" },
		{ "%{d3}", "email.example.com" },
		{ "%{d2}", "example.com" },
		{ "%{d1}", "com" },
		{ "%{dr}", "com.example.email" },
		{ "%{d2r}", "example.email" },
		{ "%{l}", "strong-bad" },
		{ "%{l-}", "strong.bad" },
		{ "%{lr}", "strong-bad" },
		{ "%{lr-}", "bad.strong" },
		{ "%{l1r-}", "strong" },
		{ "%{ir}.%{v}._spf.%{d2}", "3.2.0.192.in-addr._spf.example.com" },
		{ "%{lr-}.lp._spf.%{d2}", "bad.strong.lp._spf.example.com" },
		{ "%{h}", "mx.example.org" },
		{ "%%.%_.%-", "%. .%20" },
		{ "%{S}", "strong-bad%40email.example.com" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		ck_assert_int_eq(spf_macro_expand(cases[i].spec, &env, out,
		    sizeof(out)), 0);
		ck_assert_str_eq(out, cases[i].want);
	}
	ck_assert_int_eq(spf_macro_expand("%{d0}", &env, out, sizeof(out)),
	    -1);
	ck_assert_int_eq(spf_macro_expand("%{x}", &env, out, sizeof(out)),
	    -1);
	ck_assert_int_eq(spf_macro_expand("%{d", &env, out, sizeof(out)), -1);
	ck_assert_int_eq(spf_macro_expand("%{s}", &env, out, 8), -1);
}
END_TEST

/* a result over 253 bytes loses labels on the left (RFC 7208 7.3) */
START_TEST(test_spfmacro_long_result_truncated_left)
{
	char sender[300], spec[64], out[600];
	unsigned char ip[4] = { 192, 0, 2, 3 };
	struct spf_macro_env env = { sender, "example.org", "example.org",
	    ip, 4 };
	size_t n = 0;

	while (n < 250)
		n += (size_t)snprintf(sender + n, sizeof(sender) - n,
		    "abcdefghi.");
	snprintf(sender + n, sizeof(sender) - n, "x@example.org");
	snprintf(spec, sizeof(spec), "%%{l}.%%{d}");
	ck_assert_int_eq(spf_macro_expand(spec, &env, out, sizeof(out)), 0);
	ck_assert_uint_le(strlen(out), MAX_DOMAIN_LEN);
	ck_assert_str_eq(out + strlen(out) - strlen(".x.example.org"),
	    ".x.example.org");
	ck_assert(strncmp(out, "abcdefghi.", 10) == 0);
}
END_TEST

static const struct rr tree[] = {
	{ SPFDNS_TXT, "root.test", "v=spf1 include:a.test include:b.test mx "
	    "-all" },
	{ SPFDNS_MX, "root.test", "mx.root.test" },
	{ SPFDNS_TXT, "a.test", "v=spf1 include:a1.test include:a2.test a "
	    "-all" },
	{ SPFDNS_A, "a.test", "192.0.2.1" },
	{ SPFDNS_TXT, "a1.test", "v=spf1 ip4:192.0.2.0/24 -all" },
	{ SPFDNS_TXT, "a2.test", "v=spf1 mx a -all" },
	{ SPFDNS_MX, "a2.test", "mx.a2.test" },
	{ SPFDNS_A, "a2.test", "192.0.2.2" },
	{ SPFDNS_TXT, "b.test", "v=spf1 include:c.test ~all" },
	{ SPFDNS_TXT, "c.test", "v=spf1 a:x.c.test a:y.c.test -all" },
	{ SPFDNS_A, "x.c.test", "192.0.2.3" },
	{ SPFDNS_AAAA, "y.c.test", "2001:db8::3" },
	{ SPFDNS_TXT, "voids.test", "v=spf1 include:gone.test a:nx.test "
	    "mx:nomx.test -all" },
	{ SPFDNS_TXT, "loop-a.test", "v=spf1 include:loop-b.test -all" },
	{ SPFDNS_TXT, "loop-b.test", "v=spf1 include:loop-a.test -all" },
	{ SPFDNS_TXT, "split.test", "v=spf1 include:a1.test|include:b.test "
	    "-all" },
	{ SPFDNS_TXT, "macro.test", "v=spf1 include:%{d2}.x.test ip4:192.0.2.0"
	    "/24 -all" },
};

/* the node of the audit for domain; fails the test if absent */
static const struct spf_audit_node *
node(const struct spf_audit *au, const char *domain)
{
	for (size_t i = 0; i < au->n_nodes; i++)
		if (strcmp(au->nodes[i].domain, domain) == 0)
			return &au->nodes[i];
	ck_abort_msg("no node %s", domain);
	return NULL;
}

START_TEST(test_spfaudit_lookups_per_include)
{
	struct zone z = ZONE(tree);
	struct spfdns dns = { &z, zone_query };
	struct spf_audit au;

	spf_audit(&dns, "root.test", &au);
	/* root 3 (include include mx), a 3, a1 0, a2 2, b 1, c 2 */
	ck_assert_uint_eq(au.n_nodes, 6);
	ck_assert_uint_eq(node(&au, "root.test")->lookups_own, 3);
	ck_assert_uint_eq(node(&au, "a.test")->lookups_tree, 5);
	ck_assert_uint_eq(node(&au, "a2.test")->lookups_tree, 2);
	ck_assert_uint_eq(node(&au, "b.test")->lookups_tree, 3);
	ck_assert_uint_eq(node(&au, "c.test")->depth, 2);
	ck_assert_str_eq(au.nodes[node(&au, "c.test")->parent].domain,
	    "b.test");
	ck_assert_uint_eq(au.lookups, 11);
	ck_assert_ptr_nonnull(recnotes_find(&au.notes, "too-many-lookups"));
	/* every a and mx target answers */
	ck_assert_uint_eq(au.voids, 0);
	spf_audit_release(&au);
}
END_TEST

START_TEST(test_spfaudit_voids_loops_and_macros)
{
	struct zone z = ZONE(tree);
	struct spfdns dns = { &z, zone_query };
	struct spf_audit au;

	spf_audit(&dns, "voids.test", &au);
	ck_assert_uint_eq(au.voids, 3);
	ck_assert_str_eq(node(&au, "gone.test")->status, "none");
	ck_assert_ptr_nonnull(recnotes_find(&au.notes, "too-many-voids"));
	spf_audit_release(&au);
	spf_audit(&dns, "loop-a.test", &au);
	ck_assert_uint_eq(au.n_nodes, 3);
	ck_assert_str_eq(au.nodes[2].status, "loop");
	ck_assert_ptr_nonnull(recnotes_find(&au.notes, "loop"));
	spf_audit_release(&au);
	spf_audit(&dns, "macro.test", &au);
	ck_assert_str_eq(au.nodes[1].status, "macro");
	ck_assert_uint_eq(au.lookups, 1);
	spf_audit_release(&au);
	/* "include:a1.test" "include:b.test": glued into one include */
	spf_audit(&dns, "split.test", &au);
	ck_assert_str_eq(au.nodes[0].status, "invalid");
	ck_assert_ptr_nonnull(recnotes_find(&au.nodes[0].rec.notes,
	    "glued-term"));
	spf_audit_release(&au);
}
END_TEST

START_TEST(test_spfaudit_hostile_zone_bounded)
{
	struct zone z = { NULL, 0, 0, 1 };
	struct spfdns dns = { &z, zone_query };
	struct spf_audit au;

	spf_audit(&dns, "n0.chain.test", &au);
	ck_assert_uint_le(au.n_nodes, MAX_SPF_AUDIT_NODES);
	ck_assert_uint_le(z.queries, MAX_SPF_AUDIT_QUERIES);
	ck_assert_ptr_nonnull(recnotes_find(&au.notes, "audit-capped"));
	ck_assert_ptr_nonnull(recnotes_find(&au.notes, "too-many-lookups"));
	spf_audit_release(&au);
}
END_TEST

Suite *
spfeval_suite(void)
{
	Suite *s = suite_create("spfeval");
	TCase *tc = tcase_create("eval");

	tcase_add_test(tc, test_spfeval_mechanisms_match_in_order);
	tcase_add_test(tc, test_spfeval_redirect_and_errors);
	tcase_add_test(tc, test_spfeval_ten_lookups_then_permerror);
	tcase_add_test(tc, test_spfeval_void_lookups_limited_to_two);
	tcase_add_test(tc, test_spfeval_loop_and_mx_names_bounded);
	tcase_add_test(tc, test_spfeval_hostile_chain_bounded);
	tcase_add_test(tc, test_spfeval_exists_macros_and_ptr);
	tcase_add_test(tc, test_spfmacro_expansion_rules);
	tcase_add_test(tc, test_spfmacro_long_result_truncated_left);
	tcase_add_test(tc, test_spfaudit_lookups_per_include);
	tcase_add_test(tc, test_spfaudit_voids_loops_and_macros);
	tcase_add_test(tc, test_spfaudit_hostile_zone_bounded);
	suite_add_tcase(s, tc);
	return s;
}

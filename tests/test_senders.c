/*
 * The senders file of dmarc-report readiness (report/senders.c): a valid
 * file, every error with its line number, CIDR edge cases (/0, /32,
 * /128, IPv6, host bits), PTR and DKIM suffix matching on label
 * boundaries.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "../report/senders.h"
#include "limits.h"
#include "testutil.h"

Suite	*senders_suite(void);

static char err[512];

/* parses text into s; returns senders_parse's result */
static int
parse(struct senders *s, const char *text)
{
	senders_init(s);
	err[0] = '\0';
	return senders_parse(s, text, strlen(text), "s.txt", err,
	    sizeof(err));
}

/* the error message of a one-shot parse (the senders released) */
static const char *
parse_err(const char *text)
{
	struct senders s;

	ck_assert_int_eq(parse(&s, text), -1);
	senders_release(&s);
	return err;
}

START_TEST(test_senders_valid_file)
{
	struct senders s;
	const char *text =
	    "# our services\n"
	    "\n"
	    "   # indented comment\n"
	    "ip 203.0.113.0/24 Office relay\n"
	    "ip\t2001:db8::/32\tOffice v6  \r\n"
	    "ptr .outbound.protection.outlook.com Microsoft 365\n"
	    "dkim SendGrid.net. SendGrid\n"
	    "ip 198.51.100.7 One host";	/* no final newline */

	ck_assert_int_eq(parse(&s, text), 0);
	ck_assert_uint_eq(s.n, 5);
	ck_assert_int_eq(s.v[0].kind, SENDER_IP);
	ck_assert_int_eq(s.v[0].family, 4);
	ck_assert_int_eq(s.v[0].prefix, 24);
	ck_assert_str_eq(s.v[0].name, "Office relay");
	ck_assert_uint_eq(s.v[0].line, 4);
	ck_assert_int_eq(s.v[1].family, 6);
	ck_assert_int_eq(s.v[1].prefix, 32);
	ck_assert_str_eq(s.v[1].name, "Office v6");	/* trimmed, CR gone */
	ck_assert_int_eq(s.v[2].kind, SENDER_PTR);
	ck_assert_str_eq(s.v[2].domain, "outbound.protection.outlook.com");
	ck_assert_int_eq(s.v[2].below_only, 1);
	ck_assert_int_eq(s.v[3].kind, SENDER_DKIM);
	ck_assert_str_eq(s.v[3].domain, "sendgrid.net");	/* normalised */
	ck_assert_int_eq(s.v[3].below_only, 0);
	ck_assert_int_eq(s.v[4].prefix, 32);	/* no prefix: one host */
	ck_assert_uint_eq(s.v[4].line, 8);
	senders_release(&s);
}
END_TEST

/* issue 12 point 3: a listed U-label name matches the stored A-labels */
START_TEST(test_senders_idn_names_listed_in_either_form)
{
	struct senders s;

	ck_assert_int_eq(parse(&s, "dkim B\xc3\x9c" "cher.example Books\n"
	    "ptr .xn--bcher-kva.example Books relay\n"), 0);
	ck_assert_str_eq(s.v[0].domain, "xn--bcher-kva.example");
	ck_assert_str_eq(senders_match_dkim(&s, "xn--bcher-kva.example")->name,
	    "Books");
	ck_assert_str_eq(senders_match_ptr(&s,
	    "mx1.xn--bcher-kva.example")->name, "Books relay");
	senders_release(&s);
	ck_assert_ptr_nonnull(strstr(parse_err("dkim xn--zz.example X\n"),
	    "s.txt:1: error: bad domain 'xn--zz.example': bad punycode"));
}
END_TEST

START_TEST(test_senders_errors_name_the_line)
{
	ck_assert_str_eq(parse_err("# c\nfoo 1.2.3.4 X\n"),
	    "s.txt:2: error: unknown kind 'foo': expected ip, ptr or dkim");
	ck_assert_str_eq(parse_err("ip\n"),
	    "s.txt:1: error: 'ip' lacks its value: expected "
	    "'ip VALUE NAME'");
	ck_assert_str_eq(parse_err("\n\nip 192.0.2.1\n"),
	    "s.txt:3: error: 'ip 192.0.2.1' lacks a name: expected "
	    "'ip VALUE NAME'");
	ck_assert_str_eq(parse_err("ip 192.0.2.256 X\n"),
	    "s.txt:1: error: bad address '192.0.2.256': expected IPv4 or "
	    "IPv6, optionally /PREFIX");
	ck_assert_str_eq(parse_err("ip 192.0.2.0/33 X\n"),
	    "s.txt:1: error: bad prefix length '33': IPv4 allows 0..32");
	ck_assert_str_eq(parse_err("ip 2001:db8::/129 X\n"),
	    "s.txt:1: error: bad prefix length '129': IPv6 allows 0..128");
	ck_assert_str_eq(parse_err("ip 192.0.2.0/-1 X\n"),
	    "s.txt:1: error: bad prefix length '-1': IPv4 allows 0..32");
	ck_assert_str_eq(parse_err("ip 192.0.2.0/ X\n"),
	    "s.txt:1: error: bad prefix length '': IPv4 allows 0..32");
	ck_assert_str_eq(parse_err("ip 192.0.2.1/24 X\n"),
	    "s.txt:1: error: '192.0.2.1/24' has host bits set below /24: "
	    "write the network address");
	ck_assert_str_eq(parse_err("ip 01.2.3.4 X\n"),
	    "s.txt:1: error: bad address '01.2.3.4': expected IPv4 or IPv6, "
	    "optionally /PREFIX");
	ck_assert_str_eq(parse_err("ptr bad..name X\n"),
	    "s.txt:1: error: bad domain 'bad..name': expected a DNS name "
	    "such as example.org or .example.org");
	ck_assert_str_eq(parse_err("dkim .example.org. X\n"),
	    "s.txt:1: error: bad domain '.example.org.': expected a DNS name "
	    "such as example.org or .example.org");
	ck_assert_str_eq(parse_err("ptr . X\n"),
	    "s.txt:1: error: bad domain '.': expected a DNS name such as "
	    "example.org or .example.org");
	ck_assert_str_eq(parse_err("IP 192.0.2.1 X\n"),
	    "s.txt:1: error: unknown kind 'IP': expected ip, ptr or dkim");
	ck_assert_str_eq(parse_err("dkim a.example N\x01\n"),
	    "s.txt:1: error: control character 0x01 in line");
	ck_assert_str_eq(parse_err("dkim a.example \xff\xfe\n"),
	    "s.txt:1: error: invalid UTF-8 in line");
}
END_TEST

START_TEST(test_senders_nul_and_limits)
{
	struct senders s;
	char *big;
	size_t i, n;

	senders_init(&s);
	ck_assert_int_eq(senders_parse(&s, "ip 192.0.2.1 A\0B\n", 17, "s.txt",
	    err, sizeof(err)), -1);
	ck_assert_str_eq(err, "s.txt:1: error: NUL byte in line");
	senders_release(&s);

	/* one line past MAX_SENDERS_LINE bytes */
	n = MAX_SENDERS_LINE + 20;
	big = malloc(n + 1);
	memcpy(big, "# ", 2);
	memset(big + 2, 'x', n - 2);
	big[n] = '\0';
	ck_assert_str_eq(parse_err(big), "s.txt:1: error: line longer than "
	    "1024 bytes");
	free(big);

	/* more than MAX_SENDERS_LINES lines, even blank ones */
	n = MAX_SENDERS_LINES + 1;
	big = malloc(n + 1);
	for (i = 0; i < n; i++)
		big[i] = '\n';
	big[n] = '\0';
	ck_assert_str_eq(parse_err(big), "s.txt:100001: error: more than "
	    "100000 lines");
	free(big);
}
END_TEST

START_TEST(test_senders_cidr_edges)
{
	struct senders s;

	ck_assert_int_eq(parse(&s, "ip 0.0.0.0/0 All v4\n"
	    "ip 2001:db8::1/128 One v6\n"
	    "ip 2001:db8:ab00::/40 Net v6\n"
	    "ip 192.0.2.7/32 One v4\n"), 0);
	/* /0 takes every IPv4 address and no IPv6 one */
	ck_assert_str_eq(senders_match_ip(&s, "255.255.255.255")->name,
	    "All v4");
	ck_assert_str_eq(senders_match_ip(&s, "192.0.2.7")->name, "All v4");
	ck_assert_str_eq(senders_match_ip(&s, "2001:db8::1")->name, "One v6");
	ck_assert_ptr_null(senders_match_ip(&s, "2001:db8::2"));
	/* /40: the first 40 bits, a prefix not on a byte boundary's edge */
	ck_assert_str_eq(senders_match_ip(&s, "2001:db8:abff::9")->name,
	    "Net v6");
	ck_assert_ptr_null(senders_match_ip(&s, "2001:db8:ac00::1"));
	ck_assert_ptr_null(senders_match_ip(&s, "not an address"));
	ck_assert_ptr_null(senders_match_ip(&s, NULL));
	senders_release(&s);

	ck_assert_int_eq(parse(&s, "ip 192.0.2.7/32 One\n"
	    "ip 198.51.100.64/26 Quarter\n"
	    "ip ::/0 All v6\n"), 0);
	ck_assert_str_eq(senders_match_ip(&s, "192.0.2.7")->name, "One");
	ck_assert_ptr_null(senders_match_ip(&s, "192.0.2.6"));
	ck_assert_ptr_null(senders_match_ip(&s, "198.51.100.63"));
	ck_assert_str_eq(senders_match_ip(&s, "198.51.100.64")->name,
	    "Quarter");
	ck_assert_str_eq(senders_match_ip(&s, "198.51.100.127")->name,
	    "Quarter");
	ck_assert_ptr_null(senders_match_ip(&s, "198.51.100.128"));
	ck_assert_str_eq(senders_match_ip(&s, "fe80::1")->name, "All v6");
	senders_release(&s);
}
END_TEST

START_TEST(test_senders_domain_label_boundary)
{
	struct senders s;

	ck_assert_int_eq(parse(&s, "ptr .outbound.example Out\n"
	    "ptr mx.example MX\n"
	    "dkim sendgrid.net SendGrid\n"), 0);
	ck_assert_str_eq(senders_match_ptr(&s, "a.outbound.example")->name,
	    "Out");
	ck_assert_str_eq(senders_match_ptr(&s, "A.B.OUTBOUND.EXAMPLE.")->name,
	    "Out");
	/* ".name" is strictly below; a longer label is no match */
	ck_assert_ptr_null(senders_match_ptr(&s, "outbound.example"));
	ck_assert_ptr_null(senders_match_ptr(&s, "xoutbound.example"));
	ck_assert_str_eq(senders_match_ptr(&s, "mx.example")->name, "MX");
	ck_assert_str_eq(senders_match_ptr(&s, "a.mx.example")->name, "MX");
	ck_assert_ptr_null(senders_match_ptr(&s, "amx.example"));
	ck_assert_ptr_null(senders_match_ptr(&s, NULL));
	/* a ptr entry is not a dkim entry, and the other way round */
	ck_assert_ptr_null(senders_match_dkim(&s, "mx.example"));
	ck_assert_ptr_null(senders_match_ptr(&s, "sendgrid.net"));
	ck_assert_str_eq(senders_match_dkim(&s, "em123.sendgrid.net")->name,
	    "SendGrid");
	ck_assert_ptr_null(senders_match_dkim(&s, "notsendgrid.net"));
	senders_release(&s);
}
END_TEST

START_TEST(test_senders_load_file)
{
	struct senders s;
	char *tmp = tu_tmpdir(), path[512];

	senders_init(&s);
	snprintf(path, sizeof(path), "%s/none", tmp);
	ck_assert_int_eq(senders_load(&s, path, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, ": error: cannot read: "));
	snprintf(path, sizeof(path), "%s/s.txt", tmp);
	ck_assert_int_eq(tu_write(path, "ip 192.0.2.0/24 A\nptr x X\n", 26),
	    0);
	ck_assert_int_eq(senders_load(&s, path, err, sizeof(err)), 0);
	ck_assert_uint_eq(s.n, 2);
	senders_release(&s);
	tu_rmtree(tmp);
	free(tmp);
}
END_TEST

Suite *
senders_suite(void)
{
	Suite *s = suite_create("senders");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_senders_valid_file);
	tcase_add_test(tc, test_senders_idn_names_listed_in_either_form);
	tcase_add_test(tc, test_senders_errors_name_the_line);
	tcase_add_test(tc, test_senders_nul_and_limits);
	tcase_add_test(tc, test_senders_cidr_edges);
	tcase_add_test(tc, test_senders_domain_label_boundary);
	tcase_add_test(tc, test_senders_load_file);
	suite_add_tcase(s, tc);
	return s;
}

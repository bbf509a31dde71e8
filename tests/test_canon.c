/*
 * Duplicates by meaning (ingest/canon.c through the store): a report
 * re-sent re-indented, with CRLF, with its records or results in another
 * order or with DNS names and enum words in another case is a duplicate;
 * a report with one field changed is a conflict (or, for a key field, a
 * report of its own).  The property test rewrites fixture reports with
 * libxml2's tree API, which only the test uses.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <check.h>
#include <sqlite3.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

#include "buf.h"
#include "canon.h"
#include "ingest.h"
#include "store.h"
#include "testutil.h"
#include "xalloc.h"

Suite *canon_suite(void);

static char *tmp;
static char db[512];
static struct store *st;
static struct ingest ing;
static int serial;

static void
open_db(void)
{
	char err[256];

	snprintf(db, sizeof(db), "%s/t%d.db", tmp, serial++);
	st = store_open(db, err, sizeof(err));
	ck_assert_msg(st != NULL, "%s", err);
	ingest_init(&ing, st);
}

static void
setup(void)
{
	tmp = tu_tmpdir();
	serial = 0;
	open_db();
}

static void
teardown(void)
{
	store_close(st);
	tu_rmtree(tmp);
	free(tmp);
}

/* what ingesting one more input did */
enum seen { SEEN_STORED, SEEN_DUPLICATE, SEEN_CONFLICT, SEEN_REJECTED,
    SEEN_NOTHING };

static const char *const seen_names[] = { "stored", "duplicate",
    "conflict", "rejected", "nothing" };

static enum seen
offer(const void *p, size_t n)
{
	struct ingest_stats before = ing.stats;
	char path[600];

	snprintf(path, sizeof(path), "%s/in%zu.xml", tmp, ing.stats.inputs);
	ck_assert_int_eq(tu_write(path, p, n), 0);
	ck_assert_int_eq(ingest_file(&ing, path), 0);
	ck_assert_int_eq(ingest_commit(&ing), 0);
	if (ing.stats.rejected > before.rejected)
		return SEEN_REJECTED;
	if (ing.stats.conflicts > before.conflicts)
		return SEEN_CONFLICT;
	if (ing.stats.report_duplicates > before.report_duplicates)
		return SEEN_DUPLICATE;
	if (ing.stats.reports > before.reports)
		return SEEN_STORED;
	return SEEN_NOTHING;
}

static enum seen
offer_text(const char *s)
{
	return offer(s, strlen(s));
}

/* the fixture report every variant test starts from; caller frees */
static char *
base(void)
{
	char *path = tu_data("dup/report.xml");
	size_t n;
	char *x = (char *)tu_slurp(path, &n);

	ck_assert_ptr_nonnull(x);
	free(path);
	return x;
}

/* s with the first from replaced by to; caller frees */
static char *
subst(const char *s, const char *from, const char *to)
{
	const char *at = strstr(s, from);
	struct buf b;

	ck_assert_msg(at != NULL, "'%s' not in the report", from);
	buf_init(&b, 1 << 20);
	buf_add(&b, s, (size_t)(at - s));
	buf_adds(&b, to);
	buf_adds(&b, at + strlen(from));
	return buf_detach(&b, NULL);
}

START_TEST(test_canon_reindented_report_is_duplicate)
{
	char *x = base(), *y = xstrdup(x), *w = y;

	ck_assert_int_eq(offer_text(x), SEEN_STORED);
	/* every run of white space between tags becomes one tab, or none */
	for (const char *r = x; *r != '\0'; r++) {
		if (*r == '\n' || *r == ' ') {
			while (r[1] == '\n' || r[1] == ' ')
				r++;
			if (r[1] == '<' && r[-1] == '>')
				*w++ = (r - x) % 2 ? '\t' : '\n';
			else
				*w++ = ' ';
			continue;
		}
		*w++ = *r;
	}
	*w = '\0';
	ck_assert_str_ne(x, y);
	ck_assert_int_eq(offer_text(y), SEEN_DUPLICATE);
	ck_assert_int_eq(tu_query_int(db, "SELECT count(*) FROM report"), 1);
	free(x);
	free(y);
}
END_TEST

START_TEST(test_canon_crlf_report_is_duplicate)
{
	char *x = base();
	struct buf b;

	buf_init(&b, 1 << 20);
	for (const char *r = x; *r != '\0'; r++)
		*r == '\n' ? buf_adds(&b, "\r\n") : buf_addc(&b, *r);
	ck_assert_int_eq(offer_text(x), SEEN_STORED);
	ck_assert_int_eq(offer_text(buf_cstr(&b)), SEEN_DUPLICATE);
	ck_assert_int_eq(tu_query_int(db, "SELECT count(*) FROM v_conflicts"),
	    0);
	buf_release(&b);
	free(x);
}
END_TEST

/* x with its records (and the DKIM results of the second) reversed */
static char *
reversed(const char *x)
{
	const char *r1 = strstr(x, "  <record>"), *r2, *r3, *end;
	struct buf b;
	char *y, *z;

	r2 = strstr(r1 + 1, "  <record>");
	r3 = strstr(r2 + 1, "  <record>");
	end = strstr(x, "</feedback>");
	buf_init(&b, 1 << 20);
	buf_add(&b, x, (size_t)(r1 - x));
	buf_add(&b, r3, (size_t)(end - r3));
	buf_add(&b, r2, (size_t)(r3 - r2));
	buf_add(&b, r1, (size_t)(r2 - r1));
	buf_adds(&b, end);
	y = buf_detach(&b, NULL);
	z = subst(y, "<dkim>\n        <domain>forger.example</domain>\n"
	    "        <result>fail</result>\n      </dkim>\n      <dkim>\n"
	    "        <domain>relay.example</domain>\n        <result>pass"
	    "</result>\n      </dkim>", "<dkim><domain>relay.example</domain>"
	    "<result>pass</result></dkim><dkim><domain>forger.example"
	    "</domain><result>fail</result></dkim>");
	free(y);
	return z;
}

START_TEST(test_canon_records_reordered_is_duplicate)
{
	char *x = base(), *y = reversed(x);

	ck_assert_int_eq(offer_text(x), SEEN_STORED);
	ck_assert_int_eq(offer_text(y), SEEN_DUPLICATE);
	free(x);
	free(y);
}
END_TEST

START_TEST(test_canon_org_name_and_domain_case_is_duplicate)
{
	char *x = base(), *y, *z, *w;

	y = subst(x, "Dup Receiver", "DUP receiver");
	z = subst(y, "<domain>example.org</domain>\n    <adkim>r",
	    "<domain>Example.ORG</domain>\n    <adkim>R");
	w = subst(z, "<disposition>none", "<disposition>None");
	ck_assert_int_eq(offer_text(x), SEEN_STORED);
	ck_assert_int_eq(offer_text(w), SEEN_DUPLICATE);
	free(x);
	free(y);
	free(z);
	free(w);
}
END_TEST

START_TEST(test_canon_count_ip_or_result_changed_is_conflict)
{
	char *x = base(), *v[3];

	v[0] = subst(x, "<count>3</count>", "<count>4</count>");
	v[1] = subst(x, "198.51.100.9", "198.51.100.10");
	v[2] = subst(x, "<result>softfail</result>", "<result>fail</result>");
	ck_assert_int_eq(offer_text(x), SEEN_STORED);
	for (int i = 0; i < 3; i++) {
		ck_assert_int_eq(offer_text(v[i]), SEEN_CONFLICT);
		free(v[i]);
	}
	ck_assert_int_eq(tu_query_int(db, "SELECT count(*) FROM v_reports"),
	    1);
	ck_assert_int_eq(tu_query_int(db, "SELECT count(*) FROM v_conflicts"),
	    3);
	free(x);
}
END_TEST

START_TEST(test_canon_record_order_and_repeats_counted)
{
	struct canon a, b, c;
	struct record r1, r2;
	struct report rep;
	uint8_t da[HASH_LEN], db2[HASH_LEN], dc[HASH_LEN];

	record_init(&r1);
	record_init(&r2);
	report_init(&rep);
	r1.count = 1;
	r2.count = 2;
	canon_init(&a);
	canon_record(&a, &r1);
	canon_record(&a, &r2);
	canon_init(&b);
	canon_record(&b, &r2);
	canon_record(&b, &r1);
	/* a multiset: the same record twice is not the same as once */
	canon_init(&c);
	canon_record(&c, &r1);
	canon_record(&c, &r1);
	canon_record(&c, &r2);
	canon_final(&a, &rep, da);
	canon_final(&b, &rep, db2);
	canon_final(&c, &rep, dc);
	ck_assert_mem_eq(da, db2, HASH_LEN);
	ck_assert_mem_ne(da, dc, HASH_LEN);
	record_release(&r1);
	record_release(&r2);
	report_release(&rep);
}
END_TEST

/* runs sql on the test database through a connection of its own */
static void
exec_sql(const char *sql)
{
	sqlite3 *h;

	ck_assert_int_eq(sqlite3_open(db, &h), SQLITE_OK);
	ck_assert_int_eq(sqlite3_exec(h, sql, NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(h);
}

static void
reprocess(void)
{
	ingest_init(&ing, st);
	ck_assert_int_eq(ingest_reprocess(&ing, 0), 0);
	ck_assert_int_eq(ingest_commit(&ing), 0);
}

START_TEST(test_canon_report_from_before_digest_compared_by_xml)
{
	char *x = base(), *y = subst(x, "\n  <record>", "\r\n  <record>");

	ck_assert_int_eq(offer_text(x), SEEN_STORED);
	/* as stored by a version before schema 6 */
	exec_sql("UPDATE report SET content_sha256 = NULL");
	ck_assert_int_eq(offer_text(y), SEEN_CONFLICT);	/* as before */
	/* --reprocess fills the digest; the conflict's original is
	   parsed again, the conflict becomes the key's report */
	reprocess();
	ck_assert_uint_eq(ing.stats.inputs, 1);
	ck_assert_int_eq(tu_query_int(db, "SELECT count(*) FROM report WHERE "
	    "content_sha256 IS NULL"), 0);
	ck_assert_int_eq(tu_query_int(db, "SELECT count(*) FROM v_conflicts"),
	    0);
	ck_assert_int_eq(tu_query_int(db, "SELECT count(*) || sum(messages) "
	    "FROM v_reports"), 111);
	free(x);
	x = subst(y, "\n", "\n\n");
	ck_assert_int_eq(offer_text(x), SEEN_DUPLICATE);
	free(x);
	free(y);
}
END_TEST

START_TEST(test_canon_reprocess_turns_old_false_conflict_into_duplicate)
{
	char *x = base(), *y = reversed(x);

	ck_assert_int_eq(offer_text(x), SEEN_STORED);
	exec_sql("UPDATE report SET content_sha256 = NULL");
	ck_assert_int_eq(offer_text(y), SEEN_CONFLICT);
	exec_sql("UPDATE report SET content_sha256 = NULL");
	reprocess();
	ck_assert_uint_eq(ing.stats.inputs, 2);
	ck_assert_uint_eq(ing.stats.stored, 1);
	ck_assert_uint_eq(ing.stats.report_duplicates, 1);
	ck_assert_int_eq(tu_query_int(db, "SELECT count(*) FROM report"), 1);
	ck_assert_int_eq(tu_query_int(db, "SELECT count(*) FROM v_ingest "
	    "WHERE outcome = 'duplicate' AND n_reports = 0"), 1);
	free(x);
	free(y);
}
END_TEST

/*
 * The property test.  Rewrites keep the meaning: no white space between
 * elements, indentation with CRLF line ends, every list of siblings in
 * reverse order, and DNS names and enum words upper-cased.  A single
 * change of one leaf's value must never be a duplicate.
 */

static const char *const fixtures[] = {
	"dup/report.xml", "valid/rfc7489_full/report.xml",
	"valid/rfc9990_ns/report.xml", "valid/shuffled/report.xml",
	"valid/enum_case/report.xml", "valid/ipv6_badip/report.xml",
};

/* leaves that hold DNS names or enum words: case does not matter */
static const char *const folded[] = {
	"domain", "header_from", "envelope_from", "envelope_to", "selector",
	"org_name", "email", "adkim", "aspf", "p", "sp", "np", "disposition",
	"dkim", "spf", "result", "scope", "type", "testing",
	"discovery_method",
};

/* the key of a report: changing it makes another report, not a conflict */
static const char *const keys[] = {
	"org_name", "email", "report_id",
};

static int
in(const char *name, const char *const *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(name, v[i]) == 0)
			return 1;
	return 0;
}

static int
is_leaf(xmlNode *n)
{
	if (n->type != XML_ELEMENT_NODE)
		return 0;
	for (xmlNode *c = n->children; c != NULL; c = c->next)
		if (c->type == XML_ELEMENT_NODE)
			return 0;
	return 1;
}

/* the key leaf: metadata fields and the policy domain */
static int
is_key(xmlNode *n)
{
	const char *name = (const char *)n->name;

	if (in(name, keys, sizeof(keys) / sizeof(keys[0])))
		return 1;
	return strcmp(name, "domain") == 0 && n->parent != NULL &&
	    strcmp((const char *)n->parent->name, "policy_published") == 0;
}

/*
 * Reverses the element children of n and, below it, of every element;
 * at the root only the records (the metadata and policy come first).
 */
static void
reverse_children(xmlNode *n, int root)
{
	xmlNode *kids[256], *c;
	size_t k = 0;

	for (c = n->children; c != NULL; c = c->next)
		if (c->type == XML_ELEMENT_NODE && (!root ||
		    strcmp((const char *)c->name, "record") == 0) && k < 256)
			kids[k++] = c;
	for (size_t i = 0; i < k; i++) {
		reverse_children(kids[i], 0);
		xmlUnlinkNode(kids[i]);
	}
	while (k > 0)
		xmlAddChild(n, kids[--k]);
}

static void
upcase_folded(xmlNode *n)
{
	for (xmlNode *c = n->children; c != NULL; c = c->next) {
		if (c->type != XML_ELEMENT_NODE)
			continue;
		if (is_leaf(c) && in((const char *)c->name, folded,
		    sizeof(folded) / sizeof(folded[0]))) {
			xmlChar *t = xmlNodeGetContent(c);

			for (xmlChar *p = t; *p != '\0'; p++)
				if (*p >= 'a' && *p <= 'z')
					*p = (xmlChar)(*p - 'a' + 'A');
			xmlNodeSetContent(c, t);
			xmlFree(t);
		} else
			upcase_folded(c);
	}
}

/* the document as bytes; indent: one element a line, CRLF */
static char *
dump(xmlDoc *doc, int indent, size_t *len)
{
	xmlChar *out;
	int n;
	struct buf b;

	xmlDocDumpFormatMemoryEnc(doc, &out, &n, "UTF-8", indent);
	buf_init(&b, 1 << 24);
	for (int i = 0; i < n; i++)
		indent && out[i] == '\n' ? buf_adds(&b, "\r\n") :
		    buf_addc(&b, (char)out[i]);
	xmlFree(out);
	return buf_detach(&b, len);
}

static void
offer_doc(xmlDoc *doc, int indent, enum seen want, const char *what)
{
	size_t n;
	char *x = dump(doc, indent, &n);
	enum seen got = offer(x, n);

	ck_assert_msg(got == want, "%s: %s, not %s (%zu inputs, %zu "
	    "duplicates, %zu failed):\n%s", what, seen_names[got],
	    seen_names[want], ing.stats.inputs, ing.stats.duplicates,
	    ing.stats.failed, x);
	free(x);
}

/* under an extension element of another namespace, which is not read */
static int
foreign(xmlNode *n)
{
	xmlNs *root = xmlDocGetRootElement(n->doc)->ns;

	for (; n != NULL && n->type == XML_ELEMENT_NODE; n = n->parent)
		if (n->ns != NULL && (root == NULL ||
		    !xmlStrEqual(n->ns->href, root->href)))
			return 1;
	return 0;
}

/* the k-th leaf in document order that the parser reads, or NULL */
static xmlNode *
nth_leaf(xmlNode *n, int *k)
{
	xmlNode *found;

	for (xmlNode *c = n->children; c != NULL; c = c->next) {
		if (c->type != XML_ELEMENT_NODE)
			continue;
		if (foreign(c))
			continue;
		if (is_leaf(c) && (*k)-- == 0)
			return c;
		if (!is_leaf(c) && (found = nth_leaf(c, k)) != NULL)
			return found;
	}
	return NULL;
}

/* a different value of the same kind as raw (trimmed), for element name */
static void
mutate(const char *name, const char *raw, char *out, size_t len)
{
	static const char *const swaps[][2] = {
		{ "pass", "fail" }, { "none", "quarantine" }, { "r", "s" },
		{ "mfrom", "helo" }, { "n", "y" }, { "psl", "treewalk" },
		{ "forwarded", "other" }, { "reject", "none" },
	};
	char t[512], *end;
	long long v;
	size_t n;

	while (*raw == ' ' || *raw == '\t' || *raw == '\r' || *raw == '\n')
		raw++;
	n = strlen(raw);
	while (n > 0 && strchr(" \t\r\n", raw[n - 1]) != NULL)
		n--;
	snprintf(t, sizeof(t), "%.*s", (int)n, raw);
	for (size_t i = 0; i < sizeof(swaps) / sizeof(swaps[0]); i++) {
		if (strcasecmp(t, swaps[i][0]) == 0) {
			snprintf(out, len, "%s", swaps[i][1]);
			return;
		}
		if (strcasecmp(t, swaps[i][1]) == 0) {
			snprintf(out, len, "%s", swaps[i][0]);
			return;
		}
	}
	v = strtoll(t, &end, 10);
	if (*t != '\0' && *end == '\0') {
		/* pct stays within 0..100, the end stays after the begin */
		snprintf(out, len, "%lld", strcmp(name, "pct") == 0 ?
		    (v > 0 ? v - 1 : 1) : v + 1);
		return;
	}
	if (strcmp(name, "source_ip") == 0) {
		snprintf(out, len, "%s", strcmp(t, "203.0.113.77") == 0 ?
		    "203.0.113.78" : "203.0.113.77");
		return;
	}
	snprintf(out, len, "%sx", t);
}

static void
property_one(const char *fixture)
{
	char *path = tu_data(fixture), what[4096], value[1024];
	xmlDoc *doc, *copy;
	xmlNode *leaf;
	xmlChar *t;
	int k;
	size_t n;
	char *x = (char *)tu_slurp(path, &n);

	ck_assert_ptr_nonnull(x);
	store_close(st);
	open_db();
	ck_assert_int_eq(offer(x, n), SEEN_STORED);
	doc = xmlReadMemory(x, (int)n, "f.xml", NULL,
	    XML_PARSE_NONET | XML_PARSE_NOBLANKS);
	ck_assert_ptr_nonnull(doc);
	snprintf(what, sizeof(what), "%s compact", fixture);
	offer_doc(doc, 0, SEEN_DUPLICATE, what);
	snprintf(what, sizeof(what), "%s indented CRLF", fixture);
	offer_doc(doc, 1, SEEN_DUPLICATE, what);
	copy = xmlCopyDoc(doc, 1);
	reverse_children(xmlDocGetRootElement(copy), 1);
	snprintf(what, sizeof(what), "%s reversed", fixture);
	offer_doc(copy, 1, SEEN_DUPLICATE, what);
	upcase_folded(xmlDocGetRootElement(copy));
	snprintf(what, sizeof(what), "%s reversed, upper case", fixture);
	offer_doc(copy, 0, SEEN_DUPLICATE, what);
	xmlFreeDoc(copy);
	for (int i = 0;; i++) {
		copy = xmlCopyDoc(doc, 1);
		k = i;
		if ((leaf = nth_leaf(xmlDocGetRootElement(copy), &k)) == NULL) {
			xmlFreeDoc(copy);
			break;
		}
		t = xmlNodeGetContent(leaf);
		mutate((const char *)leaf->name, (const char *)t, value,
		    sizeof(value));
		snprintf(what, sizeof(what), "%s: <%s> '%s' -> '%s'", fixture,
		    leaf->name, t, value);
		xmlFree(t);
		xmlNodeSetContent(leaf, (const xmlChar *)value);
		offer_doc(copy, 0, is_key(leaf) ? SEEN_STORED : SEEN_CONFLICT,
		    what);
		xmlFreeDoc(copy);
	}
	xmlFreeDoc(doc);
	free(x);
	free(path);
}

START_TEST(test_canon_rewrites_duplicate_single_changes_conflict)
{
	for (size_t i = 0; i < sizeof(fixtures) / sizeof(fixtures[0]); i++)
		property_one(fixtures[i]);
}
END_TEST

Suite *
canon_suite(void)
{
	Suite *s = suite_create("canon");
	TCase *tc = tcase_create("canon");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_canon_reindented_report_is_duplicate);
	tcase_add_test(tc, test_canon_crlf_report_is_duplicate);
	tcase_add_test(tc, test_canon_records_reordered_is_duplicate);
	tcase_add_test(tc, test_canon_org_name_and_domain_case_is_duplicate);
	tcase_add_test(tc, test_canon_count_ip_or_result_changed_is_conflict);
	tcase_add_test(tc, test_canon_record_order_and_repeats_counted);
	tcase_add_test(tc,
	    test_canon_report_from_before_digest_compared_by_xml);
	tcase_add_test(tc,
	    test_canon_reprocess_turns_old_false_conflict_into_duplicate);
	tcase_add_test(tc,
	    test_canon_rewrites_duplicate_single_changes_conflict);
	suite_add_tcase(s, tc);
	return s;
}

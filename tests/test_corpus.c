/*
 * The real-world corpus in ../shared/corpus (with -DDMARC_SHARED_CORPUS=ON;
 * skipped otherwise, or when absent): every file is ingested in one run,
 * and every report in it must be stored with the rows and message total
 * that an independent count of its XML gives;
 * the files known to be broken must be rejected with a reason that names
 * the problem.  An .eml file is a message: each gzip, zip or XML part in
 * it (found here with GMime directly, not with the walker under test)
 * must be stored the same way, and the message must end stored.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <check.h>
#include <gmime/gmime.h>
#include <zip.h>
#include <zlib.h>

#include "buf.h"
#include "testutil.h"
#include "xalloc.h"

/* files that must be rejected, and a phrase the reason must contain */
Suite *corpus_suite(void);

static const struct {
	const char	*suffix;
	const char	*phrase;
} broken[] = {
	{ "parsedmarc/empty.xml", "empty input" },
	{ "ikea.com!example.de!1538690400!1538776800.xml", "root element" },
	{ "aggregate/invalid_xml.xml", "well-formed" },
};

static const char *
expected_phrase(const char *path)
{
	size_t n = strlen(path), k;

	for (size_t i = 0; i < sizeof(broken) / sizeof(broken[0]); i++) {
		k = strlen(broken[i].suffix);
		if (n >= k && strcmp(path + n - k, broken[i].suffix) == 0)
			return broken[i].phrase;
	}
	return NULL;
}

static uint8_t *
gunzip(const uint8_t *p, size_t n, size_t *outlen)
{
	z_stream z;
	struct buf b;
	uint8_t chunk[65536];
	int rc;

	memset(&z, 0, sizeof(z));
	ck_assert_int_eq(inflateInit2(&z, 15 + 32), Z_OK);
	buf_init(&b, (size_t)1 << 30);
	z.next_in = (Bytef *)(uintptr_t)p;
	z.avail_in = (uInt)n;
	do {
		z.next_out = chunk;
		z.avail_out = sizeof(chunk);
		rc = inflate(&z, Z_NO_FLUSH);
		buf_add(&b, chunk, sizeof(chunk) - z.avail_out);
		if (rc == Z_STREAM_END && z.avail_in > 2 && z.next_in[0] == 0x1f)
			rc = inflateReset(&z);
	} while (rc == Z_OK);
	inflateEnd(&z);
	return (uint8_t *)buf_detach(&b, outlen);
}

static uint8_t *
unzip_first(const uint8_t *p, size_t n, size_t *outlen)
{
	zip_error_t ze;
	zip_source_t *src;
	zip_t *za;
	zip_file_t *zf;
	zip_stat_t st;
	uint8_t *out;

	zip_error_init(&ze);
	src = zip_source_buffer_create(p, n, 0, &ze);
	ck_assert_ptr_nonnull(src);
	za = zip_open_from_source(src, ZIP_RDONLY, &ze);
	ck_assert_ptr_nonnull(za);
	ck_assert_int_eq(zip_stat_index(za, 0, 0, &st), 0);
	out = xmalloc(st.size + 1);
	zf = zip_fopen_index(za, 0, 0);
	ck_assert_ptr_nonnull(zf);
	ck_assert_int_eq(zip_fread(zf, out, st.size), (zip_int64_t)st.size);
	zip_fclose(zf);
	zip_close(za);
	*outlen = st.size;
	return out;
}

/* the XML of p[0..n) (taken), unwrapping gzip and zip by magic bytes */
static char *
plain_bytes(uint8_t *p, size_t n)
{
	size_t m;
	uint8_t *q;

	while (n >= 4 && ((p[0] == 0x1f && p[1] == 0x8b) ||
	    memcmp(p, "PK\3\4", 4) == 0)) {
		q = p[0] == 0x1f ? gunzip(p, n, &m) : unzip_first(p, n, &m);
		free(p);
		p = q;
		n = m;
	}
	q = xreallocarray(p, n + 1, 1);
	q[n] = '\0';
	return (char *)q;
}

static char *
plain_xml(const char *path)
{
	size_t n;
	uint8_t *p = tu_slurp(path, &n);

	return plain_bytes(p, n);
}

/* rows, message total and report_id of an XML text, counted by hand */
static void
count_xml(const char *x, int64_t *rows, int64_t *messages, char **rid)
{
	const char *s, *e;

	*rows = *messages = 0;
	for (s = x; (s = strstr(s, "<record>")) != NULL; s++)
		(*rows)++;
	for (s = x; (s = strstr(s, "<count>")) != NULL; s = e) {
		e = strstr(s, "</count>");
		ck_assert_ptr_nonnull(e);
		*messages += strtoll(s + 7, NULL, 10);
	}
	*rid = NULL;
	if ((s = strstr(x, "<report_id>")) != NULL &&
	    (e = strstr(s, "</report_id>")) != NULL) {
		s += strlen("<report_id>");
		while (s < e && strchr(" \t\r\n", *s) != NULL)
			s++;
		while (e > s && strchr(" \t\r\n", e[-1]) != NULL)
			e--;
		*rid = xstrndup(s, (size_t)(e - s));
	}
}

static void
collect(const char *dir, struct buf *list)
{
	struct dirent **ents;
	struct stat sb;
	char path[4096];
	int n = scandir(dir, &ents, NULL, alphasort);

	ck_assert_int_ge(n, 0);
	for (int i = 0; i < n; i++) {
		if (ents[i]->d_name[0] != '.' &&
		    strcmp(ents[i]->d_name, "SOURCES.md") != 0) {
			snprintf(path, sizeof(path), "%s/%s", dir,
			    ents[i]->d_name);
			if (stat(path, &sb) == 0 && S_ISDIR(sb.st_mode))
				collect(path, list);
			else
				buf_add(list, path, strlen(path) + 1);
		}
		free(ents[i]);
	}
	free(ents);
}

/* checks that the report in XML text x is stored with its totals */
static void
check_xml(const char *db, const char *path, char *x)
{
	char sql[8192], *rid;
	int64_t rows, messages;
	sqlite3_str *s;

	count_xml(x, &rows, &messages, &rid);
	ck_assert_msg(rid != NULL, "%s: no report_id in the XML", path);
	s = sqlite3_str_new(NULL);
	sqlite3_str_appendf(s, "SELECT count(*) FROM v_reports WHERE "
	    "report_id = %Q AND rows = %lld AND messages = %lld", rid,
	    (long long)rows, (long long)messages);
	free(x);
	x = sqlite3_str_finish(s);
	snprintf(sql, sizeof(sql), "%s", x);
	sqlite3_free(x);
	ck_assert_msg(tu_query_int(db, sql) >= 1,
	    "%s: no stored report '%s' with %lld rows and %lld messages",
	    path, rid, (long long)rows, (long long)messages);
	free(rid);
}

/* a corpus message being checked */
struct eml_ctx {
	const char	*db;
	const char	*path;
	int		 reports;	/* report parts found */
};

/* one MIME leaf of a corpus message: a report if its bytes say so */
static void
eml_part(GMimeObject *parent, GMimeObject *part, gpointer arg)
{
	struct eml_ctx *ctx = arg;
	GMimeDataWrapper *dw;
	GByteArray *a;
	GMimeStream *mem;
	uint8_t *p;
	size_t n;

	(void)parent;
	if (!GMIME_IS_PART(part) ||
	    (dw = g_mime_part_get_content(GMIME_PART(part))) == NULL)
		return;
	mem = g_mime_stream_mem_new();
	g_mime_data_wrapper_write_to_stream(dw, mem);
	a = g_mime_stream_mem_get_byte_array(GMIME_STREAM_MEM(mem));
	n = a->len;
	if (n >= 4 && (memcmp(a->data, "\x1f\x8b", 2) == 0 ||
	    memcmp(a->data, "PK\3\4", 4) == 0 ||
	    (a->data[0] == '<' && memmem(a->data, n, "<feedback", 9)))) {
		p = xmalloc(n);
		memcpy(p, a->data, n);
		check_xml(ctx->db, ctx->path, plain_bytes(p, n));
		ctx->reports++;
	}
	g_object_unref(mem);
}

/* every report part of a corpus message is stored, the message too */
static void
check_eml(const char *db, const char *path)
{
	struct eml_ctx ctx = { db, path, 0 };
	GMimeStream *fs = g_mime_stream_file_open(path, "r", NULL);
	GMimeParser *parser;
	GMimeMessage *msg;
	sqlite3_str *s;
	char *x;

	ck_assert_ptr_nonnull(fs);
	parser = g_mime_parser_new_with_stream(fs);
	msg = g_mime_parser_construct_message(parser, NULL);
	ck_assert_ptr_nonnull(msg);
	g_mime_message_foreach(msg, eml_part, &ctx);
	ck_assert_msg(ctx.reports > 0, "%s: no report part found", path);
	s = sqlite3_str_new(NULL);
	sqlite3_str_appendf(s, "SELECT count(*) FROM v_messages WHERE "
	    "source = %Q AND outcome = 'stored'", path);
	x = sqlite3_str_finish(s);
	ck_assert_msg(tu_query_int(db, x) == 1, "%s: message not stored",
	    path);
	sqlite3_free(x);
	g_object_unref(msg);
	g_object_unref(parser);
	g_object_unref(fs);
}

/* checks one corpus file against the database the run wrote */
static void
check_file(const char *db, const char *path, int *nstored, int *nrejected)
{
	const char *phrase = expected_phrase(path);
	char *reason, *x;
	sqlite3_str *s;

	if (phrase != NULL) {
		s = sqlite3_str_new(NULL);
		sqlite3_str_appendf(s, "SELECT reason FROM v_ingest WHERE "
		    "source = %Q AND outcome = 'rejected'", path);
		x = sqlite3_str_finish(s);
		reason = tu_query_text(db, x);
		sqlite3_free(x);
		ck_assert_msg(reason != NULL, "%s: not rejected", path);
		ck_assert_msg(strstr(reason, phrase) != NULL,
		    "%s: reason '%s' lacks '%s'", path, reason, phrase);
		free(reason);
		(*nrejected)++;
		return;
	}
	if (strlen(path) > 4 && strcmp(path + strlen(path) - 4, ".eml") == 0)
		check_eml(db, path);
	else
		check_xml(db, path, plain_xml(path));
	(*nstored)++;
}

START_TEST(test_corpus_every_file_stored_with_xml_totals_or_rejected)
{
	struct stat sb;
	struct buf list;
	char *tmp, db[600], cmd[2048];
	int st, nstored = 0, nrejected = 0;

	if (TEST_CORPUS[0] == '\0')
		TU_SKIP(TU_SKIP_HOST, "the corpus needs -DDMARC_SHARED_CORPUS=ON");
	if (stat(TEST_CORPUS, &sb) == -1)
		TU_SKIP(TU_SKIP_HOST, "corpus %s absent", TEST_CORPUS);
	g_mime_init();
	tmp = tu_tmpdir();
	snprintf(db, sizeof(db), "%s/corpus.db", tmp);
	snprintf(cmd, sizeof(cmd), "'%s' --db '%s' '%s' 2>/dev/null",
	    TEST_INGEST_BIN, db, TEST_CORPUS);
	st = tu_run(cmd, NULL);
	ck_assert_msg(st == 0 || st == 1, "dmarc-ingest exited %d", st);
	ck_assert_int_eq(tu_query_int(db, "SELECT count(*) FROM v_ingest "
	    "WHERE outcome NOT IN ('stored', 'duplicate', 'rejected')"), 0);
	buf_init(&list, (size_t)1 << 24);
	collect(TEST_CORPUS, &list);
	for (size_t off = 0; off < list.len; off += strlen(list.data + off) + 1)
		check_file(db, list.data + off, &nstored, &nrejected);
	fprintf(stderr, "corpus: %d reports checked, %d rejected as "
	    "expected\n", nstored, nrejected);
	ck_assert_int_gt(nstored, 30);
	buf_release(&list);
	tu_rmtree(tmp);
	free(tmp);
}
END_TEST

Suite *
corpus_suite(void)
{
	Suite *s = suite_create("corpus");
	TCase *tc = tcase_create("corpus");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc,
	    test_corpus_every_file_stored_with_xml_totals_or_rejected);
	suite_add_tcase(s, tc);
	return s;
}

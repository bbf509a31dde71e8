/*
 * The real-world corpus in ../shared/corpus (skipped when absent): every
 * file is ingested in one run, and every report in it must be stored with
 * the rows and message total that an independent count of its XML gives;
 * the files known to be broken must be rejected with a reason that names
 * the problem.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <check.h>
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
	{ ".eml", "e-mail message" },
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

/* the file's XML, unwrapping gzip and zip by their magic bytes */
static char *
plain_xml(const char *path)
{
	size_t n, m;
	uint8_t *p = tu_slurp(path, &n), *q;

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

/* checks one corpus file against the database the run wrote */
static void
check_file(const char *db, const char *path, int *nstored, int *nrejected)
{
	const char *phrase = expected_phrase(path);
	char sql[8192], *reason, *x, *rid;
	int64_t rows, messages;
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
	x = plain_xml(path);
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
	(*nstored)++;
}

START_TEST(test_corpus_every_file_stored_with_xml_totals_or_rejected)
{
	struct stat sb;
	struct buf list;
	char *tmp, db[600], cmd[2048];
	int st, nstored = 0, nrejected = 0;

	if (stat(TEST_CORPUS, &sb) == -1) {
		fprintf(stderr, "corpus: %s absent, skipped\n", TEST_CORPUS);
		return;
	}
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

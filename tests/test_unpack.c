/*
 * Tests for unpack.c: the container walk from an input file to report
 * documents.  Archives are built here at test time (a small zip writer
 * that sets the exact flags a hostile sender could: data descriptors,
 * encryption bits, odd methods, symlinks), bombs are deflated in chunks
 * to a temporary file.  The only binary fixtures are the zip layouts of
 * Info-ZIP writing to a pipe and of macOS Archive Utility
 * (tests/data/valid/zip_*, with how each was made).
 */
#include <sys/stat.h>

#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <check.h>
#include <zip.h>
#include <zlib.h>

#include "buf.h"
#include "diag.h"
#include "limits.h"
#include "stream.h"
#include "testutil.h"
#include "unpack.h"
#include "xalloc.h"

Suite	*unpack_suite(void);

#define DOCS_MAX	32

static const char xml[] =
    "<?xml version=\"1.0\"?>\n<feedback><report_metadata>"
    "<org_name>example.net</org_name></report_metadata></feedback>\n";

/* what the callback saw */
struct got {
	int		 ndocs;
	char		*where[DOCS_MAX];	/* owned */
	char		*body[DOCS_MAX];	/* owned, NUL-terminated */
	size_t		 len[DOCS_MAX];
	char		 err[DOCS_MAX][256];	/* stream error, "" if none */
	int		 no_read;	/* leave every doc unread */
	int		 stop_at;	/* return -1 on this doc (1-based) */
};

static int
collect(void *arg, struct stream *doc, enum container kind,
    const char *where)
{
	struct got *g = arg;
	char chunk[65536];
	struct buf b;
	ssize_t r;
	int i = g->ndocs++;

	ck_assert_int_lt(i, DOCS_MAX);
	/* the document kinds */
	ck_assert(kind == CONTAINER_XML || kind == CONTAINER_JSON);
	g->where[i] = xstrdup(where);
	g->err[i][0] = '\0';
	if (g->stop_at == i + 1)
		return -1;
	if (g->no_read)
		return 0;
	buf_init(&b, (size_t)1 << 20);
	while ((r = stream_read(doc, chunk, sizeof(chunk))) > 0)
		buf_add(&b, chunk, (size_t)r);	/* excess is dropped */
	if (r < 0)
		snprintf(g->err[i], sizeof(g->err[i]), "%s",
		    stream_error(doc));
	g->body[i] = buf_detach(&b, &g->len[i]);
	return 0;
}

static void
got_free(struct got *g)
{
	for (int i = 0; i < g->ndocs && i < DOCS_MAX; i++) {
		free(g->where[i]);
		free(g->body[i]);
	}
}

/* the output limit run_path passes (the caller's --max-xml-bytes) */
static uint64_t max_xml = MAX_XML_BYTES;

/* unpacks the file at path */
static int
run_path(const char *path, struct got *g, struct diag *d)
{
	int fd, rc;

	diag_init(d);
	fd = open(path, O_RDONLY);
	ck_assert_int_ge(fd, 0);
	rc = unpack_fd(fd, max_xml, collect, g, d);
	close(fd);
	return rc;
}

/* unpacks p[0..n) written to a temporary file */
static int
run(const void *p, size_t n, struct got *g, struct diag *d)
{
	char *dir = tu_tmpdir(), path[4096];
	int rc;

	snprintf(path, sizeof(path), "%s/input", dir);
	ck_assert_int_eq(tu_write(path, p, n), 0);
	rc = run_path(path, g, d);
	tu_rmtree(dir);
	free(dir);
	return rc;
}

static void
assert_error(const struct diag *d, const char *needle)
{
	ck_assert_int_eq(d->failed, 1);
	ck_assert_msg(strstr(d->error, needle) != NULL,
	    "error '%s' lacks '%s'", d->error, needle);
}

static void
assert_doc(const struct got *g, int i, const char *where, const char *body)
{
	ck_assert_int_gt(g->ndocs, i);
	ck_assert_str_eq(g->where[i], where);
	ck_assert_str_eq(g->err[i], "");
	ck_assert_uint_eq(g->len[i], strlen(body));
	ck_assert_str_eq(g->body[i], body);
}

/* a zip writer */

struct zent {
	const char	*name;
	const void	*data;	/* NULL: len zero bytes */
	size_t		 len;
	int		 method;  /* 8 deflates; any other is stored as is */
	unsigned	 flags;	  /* 1 encrypted, 8 descriptor, 0x800 UTF-8 */
	unsigned	 os;	  /* made by: 0 DOS, 3 Unix */
	uint32_t	 attr;	  /* external attributes */
};

static void
put(struct buf *b, uint32_t v, int n)
{
	for (int i = 0; i < n; i++)
		ck_assert_int_eq(buf_addc(b, (char)(v >> (8 * i))), 0);
}

/* e's data, deflated (raw) or not, appended to b; its CRC in *crc */
static void
zent_data(struct buf *b, const struct zent *e, uint32_t *crc)
{
	static const uint8_t zero[65536];
	uint8_t out[65536];
	const uint8_t *p = e->data;
	size_t left = e->len, k;
	z_stream z;
	int zr = Z_OK;

	*crc = (uint32_t)crc32(0, NULL, 0);
	memset(&z, 0, sizeof(z));
	if (e->method == 8)
		ck_assert_int_eq(deflateInit2(&z, 9, Z_DEFLATED, -15, 9,
		    Z_DEFAULT_STRATEGY), Z_OK);
	while (left > 0 || (e->method == 8 && zr != Z_STREAM_END)) {
		k = left < sizeof(zero) ? left : sizeof(zero);
		const uint8_t *in = p != NULL ? p : zero;
		*crc = (uint32_t)crc32(*crc, in, (uInt)k);
		if (e->method != 8) {
			ck_assert_int_eq(buf_add(b, in, k), 0);
		} else {
			z.next_in = (Bytef *)(uintptr_t)in;
			z.avail_in = (uInt)k;
			do {
				z.next_out = out;
				z.avail_out = sizeof(out);
				zr = deflate(&z, left == k ? Z_FINISH :
				    Z_NO_FLUSH);
				ck_assert_int_eq(buf_add(b, out,
				    sizeof(out) - z.avail_out), 0);
			} while (z.avail_out == 0);
		}
		if (p != NULL)
			p += k;
		left -= k;
	}
	if (e->method == 8)
		deflateEnd(&z);
}

static uint8_t *
zip_build(const struct zent *e, size_t n, size_t *outlen)
{
	struct buf b, cd;
	uint32_t *off = xcalloc(n, sizeof(*off)), *crc, *csz;
	size_t start;

	crc = xcalloc(n, sizeof(*crc));
	csz = xcalloc(n, sizeof(*csz));
	buf_init(&b, (size_t)1 << 28);
	buf_init(&cd, (size_t)1 << 24);
	for (size_t i = 0; i < n; i++) {
		struct buf data;
		int dd = (e[i].flags & 8) != 0;

		buf_init(&data, (size_t)1 << 28);
		zent_data(&data, &e[i], &crc[i]);
		csz[i] = (uint32_t)data.len;
		off[i] = (uint32_t)b.len;
		put(&b, 0x04034b50, 4);
		put(&b, 20, 2);
		put(&b, e[i].flags, 2);
		put(&b, (uint32_t)e[i].method, 2);
		put(&b, 0, 2);
		put(&b, 0x21, 2);
		put(&b, dd ? 0 : crc[i], 4);
		put(&b, dd ? 0 : csz[i], 4);
		put(&b, dd ? 0 : (uint32_t)e[i].len, 4);
		put(&b, (uint32_t)strlen(e[i].name), 2);
		put(&b, 0, 2);
		ck_assert_int_eq(buf_adds(&b, e[i].name), 0);
		if (data.len > 0)
			ck_assert_int_eq(buf_add(&b, data.data, data.len), 0);
		if (dd) {
			put(&b, 0x08074b50, 4);
			put(&b, crc[i], 4);
			put(&b, csz[i], 4);
			put(&b, (uint32_t)e[i].len, 4);
		}
		buf_release(&data);
	}
	start = b.len;
	for (size_t i = 0; i < n; i++) {
		put(&cd, 0x02014b50, 4);
		put(&cd, e[i].os << 8 | 20, 2);
		put(&cd, 20, 2);
		put(&cd, e[i].flags, 2);
		put(&cd, (uint32_t)e[i].method, 2);
		put(&cd, 0, 2);
		put(&cd, 0x21, 2);
		put(&cd, crc[i], 4);
		put(&cd, csz[i], 4);
		put(&cd, (uint32_t)e[i].len, 4);
		put(&cd, (uint32_t)strlen(e[i].name), 2);
		put(&cd, 0, 4);		/* extra, comment */
		put(&cd, 0, 4);		/* disk, internal attributes */
		put(&cd, e[i].attr, 4);
		put(&cd, off[i], 4);
		ck_assert_int_eq(buf_adds(&cd, e[i].name), 0);
	}
	if (cd.len > 0)
		ck_assert_int_eq(buf_add(&b, cd.data, cd.len), 0);
	put(&b, 0x06054b50, 4);
	put(&b, 0, 4);
	put(&b, (uint32_t)n, 2);
	put(&b, (uint32_t)n, 2);
	put(&b, (uint32_t)cd.len, 4);
	put(&b, (uint32_t)start, 4);
	put(&b, 0, 2);
	buf_release(&cd);
	free(off);
	free(crc);
	free(csz);
	return (uint8_t *)buf_detach(&b, outlen);
}

/* a zip of one deflated entry */
static uint8_t *
zip1(const char *name, const void *p, size_t n, size_t *outlen)
{
	struct zent e = { name, p, n, 8, 0, 3, 0100644u << 16 };

	return zip_build(&e, 1, outlen);
}

static uint8_t *
gzs(const char *s, size_t *n)
{
	return tu_gzip(s, strlen(s), n);
}

/* plain XML and gzip */

START_TEST(test_unpack_plain_xml_with_bom)
{
	char in[sizeof(xml) + 3];
	struct got g = { 0 };
	struct diag d;

	memcpy(in, "\xef\xbb\xbf", 3);
	memcpy(in + 3, xml, sizeof(xml));
	ck_assert_int_eq(run(in, strlen(in), &g, &d), 1);
	assert_doc(&g, 0, "", in);
	ck_assert_int_eq(d.failed, 0);
	got_free(&g);
}
END_TEST

START_TEST(test_unpack_long_leading_whitespace_is_xml)
{
	char in[300 + sizeof(xml)];
	struct got g = { 0 };
	struct diag d;

	memset(in, ' ', 300);
	memcpy(in + 300, "<feedback/>", 12);
	ck_assert_int_eq(run(in, strlen(in), &g, &d), 1);
	/* the insignificant white space may be dropped, not the root */
	ck_assert(strstr(g.body[0], "<feedback/>") != NULL);
	got_free(&g);
}
END_TEST

START_TEST(test_unpack_gzip)
{
	struct got g = { 0 };
	struct diag d;
	size_t n;
	uint8_t *z = gzs(xml, &n);

	ck_assert_int_eq(run(z, n, &g, &d), 1);
	assert_doc(&g, 0, "", xml);
	ck_assert_uint_eq(diag_nwarnings(&d), 0);
	got_free(&g);
	free(z);
}
END_TEST

START_TEST(test_unpack_gzip_in_gzip)
{
	struct got g = { 0 };
	struct diag d;
	size_t n1, n2;
	uint8_t *z1 = gzs(xml, &n1), *z2 = tu_gzip(z1, n1, &n2);

	ck_assert_int_eq(run(z2, n2, &g, &d), 1);
	assert_doc(&g, 0, "", xml);
	got_free(&g);
	free(z1);
	free(z2);
}
END_TEST

START_TEST(test_unpack_gzip_trailing_crlf_warns)
{
	struct got g = { 0 };
	struct diag d;
	size_t n;
	uint8_t *z = gzs(xml, &n), *t = xmalloc(n + 2);

	memcpy(t, z, n);
	memcpy(t + n, "\r\n", 2);
	ck_assert_int_eq(run(t, n + 2, &g, &d), 1);
	assert_doc(&g, 0, "", xml);
	ck_assert_uint_eq(d.count[DIAG_GZIP_TRAILING], 1);
	ck_assert_int_eq(d.failed, 0);
	got_free(&g);
	free(z);
	free(t);
}
END_TEST

START_TEST(test_unpack_truncated_gzip_via_stream)
{
	struct got g = { 0 };
	struct diag d;
	char *big = xmalloc(200000);
	size_t n;
	uint8_t *z;

	/* a long document cut half way: the reader sees the error */
	memcpy(big, "<feedback>", 10);
	for (size_t i = 10; i < 199999; i++)
		big[i] = "abcdefghij"[(i * 7 + i / 13) % 10];
	big[199999] = '\0';
	z = gzs(big, &n);
	ck_assert_int_eq(run(z, n / 2, &g, &d), 1);
	ck_assert_str_eq(g.err[0], "gzip: truncated input");
	ck_assert_int_eq(d.failed, 0);
	got_free(&g);
	free(z);
	free(big);

	/* cut before the head could be sniffed: unpack itself refuses */
	memset(&g, 0, sizeof(g));
	z = gzs(xml, &n);
	ck_assert_int_eq(run(z, 12, &g, &d), -1);
	ck_assert_int_eq(g.ndocs, 0);
	assert_error(&d, "gzip: truncated input");
	free(z);
}
END_TEST

START_TEST(test_unpack_gzip_bad_crc_reported_through_stream)
{
	struct got g = { 0 };
	struct diag d;
	size_t n;
	uint8_t *z = gzs(xml, &n);

	z[n - 6] ^= 0x10;
	ck_assert_int_eq(run(z, n, &g, &d), 1);
	ck_assert_str_eq(g.err[0], "gzip: crc mismatch");
	got_free(&g);
	free(z);
}
END_TEST

/* writes a gzip of "<feedback>" and len zeros to path, chunk by chunk */
static void
write_gzip_bomb(const char *path, size_t len, int level)
{
	static const uint8_t zero[1 << 16];
	uint8_t out[1 << 16];
	FILE *f = fopen(path, "wb");
	size_t left = len, k;
	z_stream z;
	int zr;

	ck_assert_ptr_nonnull(f);
	memset(&z, 0, sizeof(z));
	ck_assert_int_eq(deflateInit2(&z, level, Z_DEFLATED, 15 + 16, 9,
	    Z_DEFAULT_STRATEGY), Z_OK);
	z.next_in = (Bytef *)(uintptr_t)"<feedback>";
	z.avail_in = 10;
	do {
		if (z.avail_in == 0 && left > 0) {
			k = left < sizeof(zero) ? left : sizeof(zero);
			z.next_in = (Bytef *)(uintptr_t)zero;
			z.avail_in = (uInt)k;
			left -= k;
		}
		do {
			z.next_out = out;
			z.avail_out = sizeof(out);
			zr = deflate(&z, left == 0 && z.avail_in == 0 ?
			    Z_FINISH : Z_NO_FLUSH);
			fwrite(out, 1, sizeof(out) - z.avail_out, f);
		} while (z.avail_out == 0);
	} while (zr != Z_STREAM_END);
	deflateEnd(&z);
	ck_assert_int_eq(fclose(f), 0);
}

START_TEST(test_unpack_gzip_bomb_hits_output_limit)
{
	char *dir = tu_tmpdir(), path[4096];
	struct got g = { 0 };
	struct diag d;
	time_t t0;

	/* level 1 stays under the ratio check: the output cap must hold */
	snprintf(path, sizeof(path), "%s/bomb.xml.gz", dir);
	write_gzip_bomb(path, (size_t)600 << 20, 1);
	t0 = time(NULL);
	ck_assert_int_eq(run_path(path, &g, &d), 1);
	ck_assert_str_eq(g.err[0], "gzip: output passes the 512 MiB limit "
	    "(decompression bomb? --max-xml-bytes raises it)");
	ck_assert_int_lt(time(NULL) - t0, 60);
	got_free(&g);

	/* level 9 zeros pass the ratio check at once */
	memset(&g, 0, sizeof(g));
	write_gzip_bomb(path, (size_t)100 << 20, 9);
	ck_assert_int_eq(run_path(path, &g, &d), 1);
	ck_assert(strstr(g.err[0], "decompression bomb") != NULL);
	ck_assert(strstr(g.err[0], "1000 times") != NULL);
	got_free(&g);
	tu_rmtree(dir);
	free(dir);
}
END_TEST

/* what is not a report */

START_TEST(test_unpack_rejects_non_reports_by_content)
{
	static const struct {
		const char	*in;
		size_t		 len;
		const char	*error;
	} t[] = {
		{ "\x89PNG\r\n\x1a\n\0\0\0\rIHDR", 16,
		    "not a report: PNG image" },
		{ "[{\"organization-name\":\"x\"}]", 27,
		    "not a report: JSON array (not a report)" },
		{ "unused", 6, "not a report: plain text" },
		{ "", 0, "not a report: empty input" },
		{ " \r\n\t ", 5, "not a report: empty input" },
		{ "%PDF-1.7\n", 9, "not a report: PDF document" },
		{ "\0\0\0\0\1\2", 6, "not a report: binary data" },
		{ "\x78\x9f\x3e\x22\x01\x02", 6, "TNEF attachment not read "
		    "(winmail.dat, application/ms-tnef): a report in it is "
		    "not seen" },
	};
	struct got g = { 0 };
	struct diag d;

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		ck_assert_int_eq(run(t[i].in, t[i].len, &g, &d), -1);
		ck_assert_str_eq(d.error, t[i].error);
	}
	ck_assert_int_eq(g.ndocs, 0);
}
END_TEST

START_TEST(test_unpack_rejects_unused_gzip_long_blank)
{
	struct got g = { 0 };
	struct diag d;
	char blank[1000];
	size_t n;
	uint8_t *z = gzs("unused", &n);

	ck_assert_int_eq(run(z, n, &g, &d), -1);
	ck_assert_str_eq(d.error, "not a report: plain text");
	memset(blank, '\n', sizeof(blank));
	ck_assert_int_eq(run(blank, sizeof(blank), &g, &d), -1);
	ck_assert_str_eq(d.error, "not a report: empty input");
	ck_assert_int_eq(g.ndocs, 0);
	free(z);
}
END_TEST

START_TEST(test_unpack_nesting_deeper_than_limit_rejected)
{
	struct got g = { 0 };
	struct diag d;
	size_t n, m;
	uint8_t *z = gzs(xml, &n), *w;

	for (int level = 2; level <= MAX_NESTING + 1; level++) {
		w = tu_gzip(z, n, &m);
		free(z);
		z = w;
		n = m;
		if (level == MAX_NESTING) {
			ck_assert_int_eq(run(z, n, &g, &d), 1);
			assert_doc(&g, 0, "", xml);
		}
	}
	got_free(&g);
	memset(&g, 0, sizeof(g));
	ck_assert_int_eq(run(z, n, &g, &d), -1);
	assert_error(&d, "nested more than 3 deep");
	ck_assert_int_eq(g.ndocs, 0);
	free(z);
}
END_TEST

/* zip */

START_TEST(test_unpack_zip_one_entry)
{
	struct got g = { 0 };
	struct diag d;
	size_t n;
	uint8_t *z = zip1("report.xml", xml, strlen(xml), &n);

	ck_assert_int_eq(run(z, n, &g, &d), 1);
	assert_doc(&g, 0, "report.xml", xml);
	ck_assert_uint_eq(diag_nwarnings(&d), 0);
	got_free(&g);
	free(z);
}
END_TEST

START_TEST(test_unpack_zip_two_xml_entries_give_two_docs)
{
	struct zent e[] = {
		{ "a.xml", xml, strlen(xml), 8, 0, 3, 0100644u << 16 },
		{ "b.xml", "<feedback/>", 11, 0, 0, 0, 0x20 },
	};
	struct got g = { 0 };
	struct diag d;
	size_t n;
	uint8_t *z = zip_build(e, 2, &n);

	ck_assert_int_eq(run(z, n, &g, &d), 2);
	assert_doc(&g, 0, "a.xml", xml);
	assert_doc(&g, 1, "b.xml", "<feedback/>");
	got_free(&g);
	free(z);
}
END_TEST

START_TEST(test_unpack_zip_skips_directory_readme_and_symlink)
{
	struct zent e[] = {
		{ "reports/", "", 0, 0, 0, 3, 040755u << 16 },
		{ "dosdir", "", 0, 0, 0, 0, 0x10 },
		{ "README.txt", "read me\n", 8, 8, 0, 3, 0100644u << 16 },
		{ "link.xml", "/etc/passwd", 11, 0, 0, 3, 0120777u << 16 },
		{ "reports/r.xml", xml, strlen(xml), 8, 0, 3, 0 },
	};
	struct got g = { 0 };
	struct diag d;
	size_t n;
	uint8_t *z = zip_build(e, 5, &n);

	ck_assert_int_eq(run(z, n, &g, &d), 1);
	assert_doc(&g, 0, "reports/r.xml", xml);
	/* README and the symlink; directories are silent */
	ck_assert_uint_eq(d.count[DIAG_ZIP_ENTRY_SKIPPED], 2);
	ck_assert_int_eq(d.failed, 0);
	got_free(&g);
	free(z);
}
END_TEST

START_TEST(test_unpack_zip_without_report_rejected)
{
	struct zent e[] = {
		{ "README.txt", "read me\n", 8, 0, 0, 0, 0 },
	};
	struct got g = { 0 };
	struct diag d;
	size_t n;
	uint8_t *z = zip_build(e, 1, &n), *empty;

	ck_assert_int_eq(run(z, n, &g, &d), -1);
	ck_assert_str_eq(d.error, "zip: no report in the archive");
	ck_assert_uint_eq(d.count[DIAG_ZIP_ENTRY_SKIPPED], 1);
	empty = zip_build(e, 0, &n);
	ck_assert_int_eq(run(empty, n, &g, &d), -1);
	ck_assert_str_eq(d.error, "zip: no report in the archive");
	ck_assert_int_eq(g.ndocs, 0);
	free(z);
	free(empty);
}
END_TEST

START_TEST(test_unpack_zip_too_many_entries_rejected)
{
	struct zent e[100];
	char names[100][24];
	struct got g = { 0 };
	struct diag d;
	size_t n;
	uint8_t *z;

	for (int i = 0; i < 100; i++) {
		snprintf(names[i], sizeof(names[i]), "r%d.xml", i);
		e[i] = (struct zent){ names[i], "<a/>", 4, 0, 0, 0, 0 };
	}
	z = zip_build(e, 100, &n);
	ck_assert_int_eq(run(z, n, &g, &d), -1);
	ck_assert_str_eq(d.error, "zip: more than 64 entries");
	ck_assert_int_eq(g.ndocs, 0);
	free(z);

	/*
	 * An end record claiming 1000 entries hidden in the comment of a
	 * one-entry zip: refused before libzip reads any directory.
	 */
	z = zip_build(e, 1, &n);
	z = xreallocarray(z, n + 22, 1);
	z[n - 2] = 22;
	memcpy(z + n, z + n - 22, 22);
	z[n + 8] = z[n + 10] = 1000 & 0xff;
	z[n + 9] = z[n + 11] = 1000 >> 8;
	z[n + 20] = 0;
	ck_assert_int_eq(run(z, n + 22, &g, &d), -1);
	ck_assert_str_eq(d.error, "zip: more than 64 entries");
	ck_assert_int_eq(g.ndocs, 0);
	free(z);
}
END_TEST

START_TEST(test_unpack_zip_reports_per_input_capped)
{
	struct zent e[20];
	char names[20][24];
	struct got g = { .no_read = 1 };
	struct diag d;
	size_t n;
	uint8_t *z;

	for (int i = 0; i < 20; i++) {
		snprintf(names[i], sizeof(names[i]), "r%d.xml", i);
		e[i] = (struct zent){ names[i], "<a/>", 4, 0, 0, 0, 0 };
	}
	z = zip_build(e, 20, &n);
	ck_assert_int_eq(run(z, n, &g, &d), MAX_REPORTS_PER_INPUT);
	ck_assert_int_eq(g.ndocs, MAX_REPORTS_PER_INPUT);
	assert_error(&d, "more than 16 reports");
	got_free(&g);
	free(z);
}
END_TEST

START_TEST(test_unpack_zip_encrypted_entry_rejected_first)
{
	struct zent e[] = {
		{ "ok.xml", xml, strlen(xml), 8, 0, 3, 0 },
		{ "secret.xml", "\1\2\3\4\5\6\7\10\11\12\13\14<a/>", 16, 0,
		    1, 3, 0 },
	};
	struct got g = { 0 };
	struct diag d;
	size_t n;
	uint8_t *z = zip_build(e, 2, &n);

	ck_assert_int_eq(run(z, n, &g, &d), -1);
	ck_assert_str_eq(d.error, "zip: entry 'secret.xml' is encrypted");
	ck_assert_int_eq(g.ndocs, 0);
	free(z);
}
END_TEST

START_TEST(test_unpack_zip_aes_entry_rejected)
{
	char *dir = tu_tmpdir(), path[4096];
	struct got g = { 0 };
	struct diag d;
	zip_source_t *src;
	zip_int64_t i;
	zip_t *za;
	int err;

	if (!zip_encryption_method_supported(ZIP_EM_AES_256, 1)) {
		tu_rmtree(dir);
		free(dir);
		TU_SKIP(TU_SKIP_HOST, "this libzip cannot write AES");
	}
	snprintf(path, sizeof(path), "%s/aes.zip", dir);
	za = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, &err);
	ck_assert_ptr_nonnull(za);
	src = zip_source_buffer(za, xml, strlen(xml), 0);
	ck_assert_ptr_nonnull(src);
	i = zip_file_add(za, "r.xml", src, 0);
	ck_assert_int_ge(i, 0);
	ck_assert_int_eq(zip_file_set_encryption(za, (zip_uint64_t)i,
	    ZIP_EM_AES_256, "secret"), 0);
	ck_assert_int_eq(zip_close(za), 0);
	ck_assert_int_eq(run_path(path, &g, &d), -1);
	ck_assert_str_eq(d.error, "zip: entry 'r.xml' is encrypted");
	tu_rmtree(dir);
	free(dir);
}
END_TEST

START_TEST(test_unpack_zip_unsupported_method_named)
{
	struct zent e[] = {
		{ "r.xml", "BZh91AY&SY", 10, 12, 0, 3, 0 },
	};
	struct got g = { 0 };
	struct diag d;
	size_t n;
	uint8_t *z = zip_build(e, 1, &n);

	ck_assert_int_eq(run(z, n, &g, &d), -1);
	ck_assert_str_eq(d.error, "zip: entry 'r.xml' uses compression "
	    "method bzip2, which is not supported");
	free(z);
}
END_TEST

START_TEST(test_unpack_zip_truncated_rejected)
{
	struct got g = { 0 };
	struct diag d;
	size_t n;
	uint8_t *z = zip1("report.xml", xml, strlen(xml), &n);

	ck_assert_int_eq(run(z, n / 2, &g, &d), -1);
	ck_assert_int_eq(strncmp(d.error, "zip: ", 5), 0);
	ck_assert_int_eq(g.ndocs, 0);
	/* without its last byte the end record is cut too */
	ck_assert_int_eq(run(z, n - 1, &g, &d), -1);
	ck_assert_int_eq(strncmp(d.error, "zip: ", 5), 0);
	ck_assert_int_eq(g.ndocs, 0);
	free(z);
}
END_TEST

START_TEST(test_unpack_zip_bad_crc_reported_through_stream)
{
	struct got g = { 0 };
	struct diag d;
	size_t n;
	uint8_t *z = zip1("report.xml", xml, strlen(xml), &n);
	size_t i;

	/* flip a byte of the stored CRC in both headers */
	z[14] ^= 0x01;
	for (i = n - 22; i > 0; i--)
		if (memcmp(z + i, "PK\1\2", 4) == 0)
			break;
	z[i + 16] ^= 0x01;
	ck_assert_int_eq(run(z, n, &g, &d), 1);
	ck_assert_msg(strstr(g.err[0], "zip: entry 'report.xml': ") != NULL &&
	    strstr(g.err[0], "CRC") != NULL, "got '%s'", g.err[0]);
	got_free(&g);
	free(z);
}
END_TEST

START_TEST(test_unpack_zip_binary_entry_skipped_cheaply)
{
	struct zent e = { "bomb.xml", NULL, (size_t)64 << 20, 8, 0, 3, 0 };
	struct got g = { 0 };
	struct diag d;
	size_t n;
	uint8_t *z;

	/* zeros with a '<' first would need data; a leading zero is binary */
	z = zip_build(&e, 1, &n);
	ck_assert_int_eq(run(z, n, &g, &d), -1);
	/* sniffing reads little: the entry is binary data, skipped */
	ck_assert_str_eq(d.error, "zip: no report in the archive");
	free(z);
}
END_TEST

START_TEST(test_unpack_zip_bomb_xml_entry_fails_read)
{
	uint8_t *big = xcalloc(1, (size_t)64 << 20), *z;
	struct zent e = { "bomb.xml", big, (size_t)64 << 20, 8, 0, 3, 0 };
	struct got g = { 0 };
	struct diag d;
	size_t n;

	memcpy(big, "<feedback>", 10);
	z = zip_build(&e, 1, &n);
	free(big);
	ck_assert_int_eq(run(z, n, &g, &d), 1);
	ck_assert_msg(strstr(g.err[0], "zip: entry 'bomb.xml' inflates") !=
	    NULL && strstr(g.err[0], "decompression bomb") != NULL,
	    "got '%s'", g.err[0]);
	got_free(&g);
	free(z);
}
END_TEST

START_TEST(test_unpack_zip_data_descriptor_entries)
{
	struct zent e[] = {
		{ "d.xml", xml, strlen(xml), 8, 8, 0, 0 },
		{ "s.xml", "<feedback/>", 11, 0, 8, 0, 0 },
	};
	struct got g = { 0 };
	struct diag d;
	size_t n;
	uint8_t *z = zip_build(e, 2, &n);

	ck_assert_int_eq(run(z, n, &g, &d), 2);
	assert_doc(&g, 0, "d.xml", xml);
	assert_doc(&g, 1, "s.xml", "<feedback/>");
	got_free(&g);
	free(z);
}
END_TEST

/*
 * Zips whose local headers differ from the central directory the way
 * Info-ZIP writing to a pipe and macOS Archive Utility make them (data
 * descriptors with some local sizes set, extra fields that differ) are
 * read: libzip 1.7.3's ZIP_CHECKCONS refused both (issue 20 point 1).
 * Also from memory, inside a gzip.
 */
static void
layout_read(const char *dir, unsigned long skipped)
{
	char rel[128], *path, *want;
	size_t n, zn, gn;
	uint8_t *z, *gz;
	struct got g = { 0 }, h = { 0 };
	struct diag d;

	snprintf(rel, sizeof(rel), "valid/%s/report.xml", dir);
	path = tu_data(rel);
	want = (char *)tu_slurp(path, &n);
	ck_assert_ptr_nonnull(want);
	free(path);
	snprintf(rel, sizeof(rel), "valid/%s/report.zip", dir);
	path = tu_data(rel);
	ck_assert_int_eq(run_path(path, &g, &d), 1);
	ck_assert_msg(d.failed == 0, "%s: %s", dir, d.error);
	assert_doc(&g, 0, "report.xml", want);
	ck_assert_uint_eq(d.count[DIAG_ZIP_ENTRY_SKIPPED], skipped);
	z = tu_slurp(path, &zn);
	ck_assert_ptr_nonnull(z);
	gz = tu_gzip(z, zn, &gn);
	ck_assert_int_eq(run(gz, gn, &h, &d), 1);
	ck_assert_msg(d.failed == 0, "%s in gzip: %s", dir, d.error);
	assert_doc(&h, 0, "report.xml", want);
	got_free(&g);
	got_free(&h);
	free(gz);
	free(z);
	free(path);
	free(want);
}

/*
 * Without libzip's consistency check nothing is taken from a local
 * header but where its data starts: a local name, CRC and sizes that
 * lie change nothing, and the central directory's CRC is still checked
 * while inflating.
 */
START_TEST(test_unpack_zip_local_header_not_trusted)
{
	struct got g = { 0 }, h = { 0 };
	struct diag d;
	size_t n;
	uint8_t *z = zip1("report.xml", xml, strlen(xml), &n);
	uint8_t *cd = NULL;

	/* local header: CRC, sizes and name (offsets 14, 18, 22, 30) */
	memset(z + 14, 0xee, 12);
	memcpy(z + 30, "../../x.sh", 10);
	ck_assert_int_eq(run(z, n, &g, &d), 1);
	ck_assert_msg(d.failed == 0, "%s", d.error);
	assert_doc(&g, 0, "report.xml", xml);
	/* the central entry's CRC (offset 16) is wrong: the read fails */
	for (size_t i = 0; i + 4 <= n && cd == NULL; i++)
		if (memcmp(z + i, "PK\1\2", 4) == 0)
			cd = z + i;
	ck_assert_ptr_nonnull(cd);
	cd[16] ^= 0x55;
	ck_assert_int_eq(run(z, n, &h, &d), 1);
	ck_assert_msg(strstr(h.err[0], "CRC") != NULL, "got '%s'", h.err[0]);
	got_free(&g);
	got_free(&h);
	free(z);
}
END_TEST

START_TEST(test_unpack_zip_infozip_pipe_layout_read)
{
	/* zip -X - report.xml | cat: local CRC and compressed size 0 */
	layout_read("zip_infozip_pipe", 0);
}
END_TEST

START_TEST(test_unpack_zip_macos_layout_read)
{
	/* the AppleDouble __MACOSX/._report.xml is skipped, the dir silent */
	layout_read("zip_macos", 1);
}
END_TEST

START_TEST(test_unpack_zip_in_zip_and_gzip_in_zip)
{
	size_t n1, n2, n3, n4;
	uint8_t *inner = zip1("b.xml", xml, strlen(xml), &n1);
	uint8_t *gz = gzs(xml, &n2), *outer, *zgz;
	struct zent e[] = {
		{ "a.zip", inner, n1, 8, 0, 3, 0 },
		{ "c.xml.gz", gz, n2, 0, 0, 3, 0 },
	};
	struct got g = { 0 };
	struct diag d;

	outer = zip_build(e, 2, &n3);
	ck_assert_int_eq(run(outer, n3, &g, &d), 2);
	assert_doc(&g, 0, "a.zip/b.xml", xml);
	assert_doc(&g, 1, "c.xml.gz", xml);
	got_free(&g);

	/* zip in gzip */
	memset(&g, 0, sizeof(g));
	zgz = tu_gzip(inner, n1, &n4);
	ck_assert_int_eq(run(zgz, n4, &g, &d), 1);
	assert_doc(&g, 0, "b.xml", xml);
	got_free(&g);
	free(inner);
	free(gz);
	free(outer);
	free(zgz);
}
END_TEST

START_TEST(test_unpack_zip_nesting_deeper_than_limit_rejected)
{
	size_t n, m;
	uint8_t *z = zip1("r.xml", xml, strlen(xml), &n), *w;
	struct got g = { 0 };
	struct diag d;

	for (int level = 2; level <= MAX_NESTING + 1; level++) {
		w = zip1("z.zip", z, n, &m);
		free(z);
		z = w;
		n = m;
	}
	ck_assert_int_eq(run(z, n, &g, &d), -1);
	assert_error(&d, "nested more than 3 deep");
	ck_assert_int_eq(g.ndocs, 0);
	free(z);
}
END_TEST

START_TEST(test_unpack_nested_zip_too_big_rejected)
{
	size_t len = MAX_NESTED_ZIP_BYTES + 1, n, m;
	uint8_t *p = xmalloc(len), *z, *w;
	struct zent e = { "big.xml", p, len, 0, 0, 0, 0 };
	struct got g = { 0 };
	struct diag d;
	uint32_t x = 1;

	/* a random 1 KiB block repeated: gzip well below the bomb ratio */
	for (size_t i = 0; i < len; i++) {
		if (i < 1024) {
			x = x * 1103515245 + 12345;
			p[i] = (uint8_t)(x >> 16);
		} else
			p[i] = p[i % 1024];
	}
	z = zip_build(&e, 1, &n);	/* stored: a big archive */
	w = tu_gzip(z, n, &m);
	ck_assert_int_eq(run(w, m, &g, &d), -1);
	assert_error(&d, "zip: nested archive larger than the 32 MiB limit");
	free(p);
	free(z);
	free(w);
}
END_TEST

/* len bytes of XML-ish text, well below the bomb ratio; caller frees */
static uint8_t *
mid_ratio_doc(size_t len)
{
	uint8_t *p = xmalloc(len);
	uint32_t x = 7;

	for (size_t i = 0; i < len; i++) {
		x = x * 1103515245 + 12345;
		p[i] = (uint8_t)('a' + (x >> 16) % 16);
	}
	memcpy(p, "<feedback>", 10);	/* sniffed as XML */
	return p;
}

/* the caller's limit (--max-xml-bytes) bounds gzip and zip output */
START_TEST(test_unpack_xml_limit_is_the_callers)
{
	size_t len = (size_t)3 << 20, n, m;
	uint8_t *p = mid_ratio_doc(len), *z, *w;
	struct zent e = { "r.xml", p, len, 8, 0, 0, 0 };
	struct got g = { 0 };
	struct diag d;

	w = tu_gzip(p, len, &m);
	z = zip_build(&e, 1, &n);
	max_xml = (uint64_t)1 << 20;
	ck_assert_int_eq(run(w, m, &g, &d), 1);
	ck_assert_str_eq(g.err[0], "gzip: output passes the 1 MiB limit "
	    "(decompression bomb? --max-xml-bytes raises it)");
	got_free(&g);
	memset(&g, 0, sizeof(g));
	ck_assert_int_eq(run(z, n, &g, &d), 1);
	ck_assert_str_eq(g.err[0], "zip: entry 'r.xml' passes the 1 MiB "
	    "limit (decompression bomb? --max-xml-bytes raises it)");
	got_free(&g);
	/* raised past the document: both read to the end */
	max_xml = (uint64_t)4 << 20;
	memset(&g, 0, sizeof(g));
	ck_assert_int_eq(run(w, m, &g, &d), 1);
	ck_assert_str_eq(g.err[0], "");
	got_free(&g);
	memset(&g, 0, sizeof(g));
	ck_assert_int_eq(run(z, n, &g, &d), 1);
	ck_assert_str_eq(g.err[0], "");
	got_free(&g);
	max_xml = MAX_XML_BYTES;
	free(p);
	free(z);
	free(w);
}
END_TEST

START_TEST(test_unpack_where_names_are_sanitised)
{
	char longname[400];
	struct zent e[] = {
		/* ASCII as far as libzip can tell: passed on raw */
		{ "bad\r\n\t.xml", xml, strlen(xml), 0, 0, 0, 0 },
		{ longname, xml, strlen(xml), 0, 0, 0, 0 },
		/* not UTF-8: libzip reads it as CP437, ESC becomes U+2190 */
		{ "esc\033[31m.xml", xml, strlen(xml), 0, 0, 0, 0 },
	};
	struct got g = { 0 };
	struct diag d;
	size_t n;
	uint8_t *z;

	memset(longname, 'x', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	z = zip_build(e, 3, &n);
	ck_assert_msg(run(z, n, &g, &d) == 3, "%s", d.error);
	ck_assert_str_eq(g.where[0], "bad???.xml");
	ck_assert_uint_eq(strlen(g.where[1]), 200);
	ck_assert_str_eq(g.where[2], "esc\xe2\x86\x90[31m.xml");
	got_free(&g);
	free(z);
}
END_TEST

START_TEST(test_unpack_callback_stop_and_unread_docs)
{
	struct zent e[] = {
		{ "a.xml", xml, strlen(xml), 8, 0, 0, 0 },
		{ "b.xml", xml, strlen(xml), 8, 0, 0, 0 },
		{ "c.xml", xml, strlen(xml), 8, 0, 0, 0 },
	};
	struct got g = { .no_read = 1 };
	struct diag d;
	size_t n;
	uint8_t *z = zip_build(e, 3, &n);

	/* docs left unread are fine */
	ck_assert_int_eq(run(z, n, &g, &d), 3);
	ck_assert_int_eq(d.failed, 0);
	got_free(&g);
	memset(&g, 0, sizeof(g));
	g.stop_at = 2;
	ck_assert_int_eq(run(z, n, &g, &d), -1);
	ck_assert_int_eq(g.ndocs, 2);
	got_free(&g);
	free(z);
}
END_TEST

Suite *
unpack_suite(void)
{
	Suite *s = suite_create("unpack");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_unpack_plain_xml_with_bom);
	tcase_add_test(tc, test_unpack_long_leading_whitespace_is_xml);
	tcase_add_test(tc, test_unpack_gzip);
	tcase_add_test(tc, test_unpack_gzip_in_gzip);
	tcase_add_test(tc, test_unpack_gzip_trailing_crlf_warns);
	tcase_add_test(tc, test_unpack_truncated_gzip_via_stream);
	tcase_add_test(tc, test_unpack_gzip_bad_crc_reported_through_stream);
	tcase_add_test(tc, test_unpack_gzip_bomb_hits_output_limit);
	tcase_add_test(tc, test_unpack_rejects_non_reports_by_content);
	tcase_add_test(tc, test_unpack_rejects_unused_gzip_long_blank);
	tcase_add_test(tc, test_unpack_nesting_deeper_than_limit_rejected);
	tcase_add_test(tc, test_unpack_zip_one_entry);
	tcase_add_test(tc, test_unpack_zip_two_xml_entries_give_two_docs);
	tcase_add_test(tc, test_unpack_zip_skips_directory_readme_and_symlink);
	tcase_add_test(tc, test_unpack_zip_without_report_rejected);
	tcase_add_test(tc, test_unpack_zip_too_many_entries_rejected);
	tcase_add_test(tc, test_unpack_zip_reports_per_input_capped);
	tcase_add_test(tc, test_unpack_zip_encrypted_entry_rejected_first);
	tcase_add_test(tc, test_unpack_zip_aes_entry_rejected);
	tcase_add_test(tc, test_unpack_zip_unsupported_method_named);
	tcase_add_test(tc, test_unpack_zip_truncated_rejected);
	tcase_add_test(tc, test_unpack_zip_bad_crc_reported_through_stream);
	tcase_add_test(tc, test_unpack_zip_binary_entry_skipped_cheaply);
	tcase_add_test(tc, test_unpack_zip_bomb_xml_entry_fails_read);
	tcase_add_test(tc, test_unpack_xml_limit_is_the_callers);
	tcase_add_test(tc, test_unpack_zip_data_descriptor_entries);
	tcase_add_test(tc, test_unpack_zip_local_header_not_trusted);
	tcase_add_test(tc, test_unpack_zip_infozip_pipe_layout_read);
	tcase_add_test(tc, test_unpack_zip_macos_layout_read);
	tcase_add_test(tc, test_unpack_zip_in_zip_and_gzip_in_zip);
	tcase_add_test(tc, test_unpack_zip_nesting_deeper_than_limit_rejected);
	tcase_add_test(tc, test_unpack_nested_zip_too_big_rejected);
	tcase_add_test(tc, test_unpack_where_names_are_sanitised);
	tcase_add_test(tc, test_unpack_callback_stop_and_unread_docs);
	suite_add_tcase(s, tc);
	return s;
}

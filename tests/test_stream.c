/*
 * Tests for stream.c: memory, descriptor and gzip streams give the same
 * bytes however they are pulled (one byte at a time included); look-ahead
 * does not consume; the gzip layer joins members, tolerates a little
 * trailing junk (Mimecast's CRLF) and rejects truncation, corruption,
 * garbage and bombs with a message.
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>
#include <zlib.h>

#include "buf.h"
#include "diag.h"
#include "limits.h"
#include "stream.h"
#include "testutil.h"
#include "xalloc.h"

Suite	*stream_suite(void);

static const char xml[] =
    "<?xml version=\"1.0\"?>\n<feedback><report_metadata>"
    "<org_name>example.net</org_name></report_metadata></feedback>\n";

/* reads s to the end in chunks of step bytes; -1 on a stream error */
static ssize_t
drain(struct stream *s, size_t step, struct buf *out)
{
	char chunk[65536];
	ssize_t r;

	if (step > sizeof(chunk))
		step = sizeof(chunk);
	while ((r = stream_read(s, chunk, step)) > 0)
		if (out != NULL && buf_add(out, chunk, (size_t)r) == -1)
			return -1;
	return r;
}

/* s read to the end must be exactly p[0..n) */
static void
assert_yields(struct stream *s, size_t step, const void *p, size_t n)
{
	struct buf b;

	buf_init(&b, 1 << 24);
	ck_assert_int_eq(drain(s, step, &b), 0);
	ck_assert_uint_eq(b.len, n);
	ck_assert(memcmp(b.data, p, n) == 0);
	ck_assert_uint_eq(stream_total(s), n);
	ck_assert_str_eq(stream_error(s), "");
	buf_release(&b);
}

/* the error text after reading s to the end (which must fail) */
static void
assert_fails(struct stream *s, const char *needle)
{
	ck_assert_int_eq(drain(s, 65536, NULL), -1);
	ck_assert_msg(strstr(stream_error(s), needle) != NULL,
	    "error '%s' lacks '%s'", stream_error(s), needle);
	/* failure is sticky */
	ck_assert_int_eq(drain(s, 1, NULL), -1);
}

static uint8_t *
gz(const char *s, size_t *n)
{
	return tu_gzip(s, strlen(s), n);
}

START_TEST(test_stream_mem_same_bytes_in_one_byte_reads)
{
	struct stream *s = stream_mem(xml, sizeof(xml) - 1);

	assert_yields(s, 1, xml, sizeof(xml) - 1);
	stream_free(s);
	s = stream_mem(xml, sizeof(xml) - 1);
	assert_yields(s, 7, xml, sizeof(xml) - 1);
	stream_free(s);
}
END_TEST

START_TEST(test_stream_peek_does_not_consume)
{
	struct stream *s = stream_mem(xml, sizeof(xml) - 1);
	char p[128];

	ck_assert_int_eq(stream_peek(s, p, 5), 5);
	ck_assert(memcmp(p, "<?xml", 5) == 0);
	ck_assert_int_eq(stream_read(s, p, 2), 2);
	ck_assert(memcmp(p, "<?", 2) == 0);
	/* more than the window is clamped to it */
	ck_assert_int_eq(stream_peek(s, p, sizeof(p)), STREAM_PEEK_MAX);
	ck_assert(memcmp(p, "xml version", 11) == 0);
	ck_assert_int_eq(stream_read(s, p, sizeof(p)), STREAM_PEEK_MAX);
	ck_assert(memcmp(p, xml + 2, STREAM_PEEK_MAX) == 0);
	ck_assert_int_eq(drain(s, 3, NULL), 0);
	ck_assert_uint_eq(stream_total(s), sizeof(xml) - 1);
	stream_free(s);

	s = stream_mem("abc", 3);
	ck_assert_int_eq(stream_peek(s, p, 64), 3);
	ck_assert_int_eq(stream_read(s, p, sizeof(p)), 3);
	ck_assert_int_eq(stream_read(s, p, sizeof(p)), 0);
	ck_assert_int_eq(stream_peek(s, p, 64), 0);
	stream_free(s);
	stream_free(NULL);
}
END_TEST

START_TEST(test_stream_fd_reads_and_leaves_fd_open)
{
	char *dir = tu_tmpdir(), path[4096], c;
	struct stream *s;
	int fd;

	snprintf(path, sizeof(path), "%s/r.xml", dir);
	ck_assert_int_eq(tu_write(path, xml, sizeof(xml) - 1), 0);
	fd = open(path, O_RDONLY);
	ck_assert_int_ge(fd, 0);
	s = stream_fd(fd);
	assert_yields(s, 1, xml, sizeof(xml) - 1);
	stream_free(s);
	ck_assert_int_eq(lseek(fd, 0, SEEK_SET), 0);
	ck_assert_int_eq(read(fd, &c, 1), 1);
	close(fd);
	tu_rmtree(dir);
	free(dir);
}
END_TEST

START_TEST(test_stream_gzip_same_bytes_in_one_byte_reads)
{
	size_t n;
	uint8_t *z = gz(xml, &n);
	struct stream *s;
	struct diag d;

	diag_init(&d);
	s = stream_gzip(stream_mem(z, n), MAX_XML_BYTES, &d);
	assert_yields(s, 1, xml, sizeof(xml) - 1);
	stream_free(s);
	s = stream_gzip(stream_mem(z, n), MAX_XML_BYTES, &d);
	assert_yields(s, 65536, xml, sizeof(xml) - 1);
	stream_free(s);
	ck_assert_uint_eq(diag_nwarnings(&d), 0);
	free(z);
}
END_TEST

START_TEST(test_stream_gzip_multi_member_concatenates)
{
	size_t n1, n2, n3;
	uint8_t *a = gz("<feedback>", &n1), *b = gz("<x/>", &n2);
	uint8_t *c = gz("</feedback>", &n3), *all = xmalloc(n1 + n2 + n3);
	const char want[] = "<feedback><x/></feedback>";
	struct stream *s;
	struct diag d;

	memcpy(all, a, n1);
	memcpy(all + n1, b, n2);
	memcpy(all + n1 + n2, c, n3);
	diag_init(&d);
	s = stream_gzip(stream_mem(all, n1 + n2 + n3), MAX_XML_BYTES, &d);
	assert_yields(s, 1, want, sizeof(want) - 1);
	stream_free(s);
	ck_assert_uint_eq(diag_nwarnings(&d), 0);
	free(a);
	free(b);
	free(c);
	free(all);
}
END_TEST

START_TEST(test_stream_gzip_trailing_crlf_accepted_warns)
{
	size_t n;
	uint8_t *z = gz(xml, &n), *t = xmalloc(n + 2);
	struct stream *s;
	struct diag d;

	memcpy(t, z, n);
	memcpy(t + n, "\r\n", 2);
	diag_init(&d);
	s = stream_gzip(stream_mem(t, n + 2), MAX_XML_BYTES, &d);
	assert_yields(s, 3, xml, sizeof(xml) - 1);
	stream_free(s);
	ck_assert_uint_eq(d.count[DIAG_GZIP_TRAILING], 1);
	ck_assert_int_eq(d.failed, 0);
	free(z);
	free(t);
}
END_TEST

START_TEST(test_stream_gzip_trailing_garbage_rejected)
{
	size_t n;
	uint8_t *z = gz(xml, &n), *t = xmalloc(n + 1024);
	struct stream *s;
	struct diag d;

	memcpy(t, z, n);
	memset(t + n, 'A', 1024);
	diag_init(&d);
	s = stream_gzip(stream_mem(t, n + 1024), MAX_XML_BYTES, &d);
	assert_fails(s, "gzip: 1024 bytes of garbage after the compressed");
	stream_free(s);
	ck_assert_uint_eq(d.count[DIAG_GZIP_TRAILING], 0);
	free(z);
	free(t);
}
END_TEST

START_TEST(test_stream_gzip_truncated_is_an_error)
{
	size_t n;
	uint8_t *z = gz(xml, &n);
	struct stream *s;

	/* cut inside the deflate data, then inside the trailer */
	s = stream_gzip(stream_mem(z, n / 2), MAX_XML_BYTES, NULL);
	assert_fails(s, "gzip: truncated input");
	stream_free(s);
	s = stream_gzip(stream_mem(z, n - 3), MAX_XML_BYTES, NULL);
	assert_fails(s, "gzip: truncated input");
	stream_free(s);
	free(z);
}
END_TEST

START_TEST(test_stream_gzip_crc_and_length_checked)
{
	size_t n;
	uint8_t *z = gz(xml, &n);
	struct stream *s;

	z[n - 8] ^= 0x55;	/* CRC32 */
	s = stream_gzip(stream_mem(z, n), MAX_XML_BYTES, NULL);
	assert_fails(s, "gzip: crc mismatch");
	stream_free(s);
	z[n - 8] ^= 0x55;
	z[n - 4] ^= 0x01;	/* ISIZE */
	s = stream_gzip(stream_mem(z, n), MAX_XML_BYTES, NULL);
	assert_fails(s, "gzip: length mismatch");
	stream_free(s);
	free(z);
}
END_TEST

START_TEST(test_stream_gzip_garbage_member_is_an_error)
{
	const char bad[] = "\x1f\x8b\x08\0\0\0\0\0\0\3\xff\xff\xff\xff";
	struct stream *s = stream_gzip(stream_mem(bad, sizeof(bad) - 1), MAX_XML_BYTES,
	    NULL);

	assert_fails(s, "gzip: ");
	stream_free(s);
}
END_TEST

/* gzip of len zeros after prefix, deflated chunk by chunk into memory */
static uint8_t *
gz_zeros(const char *prefix, size_t len, size_t *outlen)
{
	static const uint8_t zero[65536];
	uint8_t out[65536];
	struct buf b;
	z_stream z;
	size_t left = len, k;
	int flush, zr;

	memset(&z, 0, sizeof(z));
	ck_assert_int_eq(deflateInit2(&z, 9, Z_DEFLATED, 15 + 16, 9,
	    Z_DEFAULT_STRATEGY), Z_OK);
	buf_init(&b, 1 << 26);
	z.next_in = (Bytef *)(uintptr_t)prefix;
	z.avail_in = (uInt)strlen(prefix);
	do {
		if (z.avail_in == 0 && left > 0) {
			k = left < sizeof(zero) ? left : sizeof(zero);
			z.next_in = (Bytef *)(uintptr_t)zero;
			z.avail_in = (uInt)k;
			left -= k;
		}
		flush = left == 0 && z.avail_in == 0 ? Z_FINISH : Z_NO_FLUSH;
		do {
			z.next_out = out;
			z.avail_out = sizeof(out);
			zr = deflate(&z, flush);
			ck_assert_int_ne(zr, Z_STREAM_ERROR);
			ck_assert_int_eq(buf_add(&b, out,
			    sizeof(out) - z.avail_out), 0);
		} while (z.avail_out == 0);
	} while (zr != Z_STREAM_END);
	deflateEnd(&z);
	return (uint8_t *)buf_detach(&b, outlen);
}

START_TEST(test_stream_gzip_ratio_bomb_stops_early)
{
	size_t n;
	uint8_t *z = gz_zeros("<feedback>", (size_t)64 << 20, &n);
	struct stream *s = stream_gzip(stream_mem(z, n), MAX_XML_BYTES, NULL);

	assert_fails(s, "decompression bomb");
	/* caught just past the ratio floor, not after 64 MiB */
	ck_assert_uint_lt(stream_total(s), (size_t)4 << 20);
	stream_free(s);
	free(z);
}
END_TEST

/*
 * 1 MiB that deflates about 1:80: a random 1 KiB block repeated.  Below
 * MAX_INFLATE_RATIO, so only the output cap stops many members of it.
 */
static uint8_t *
gz_mid_ratio(size_t *n)
{
	uint8_t *p = xmalloc((size_t)1 << 20), *z;
	uint32_t x = 12345;

	for (size_t i = 0; i < 1024; i++) {
		x = x * 1103515245 + 12345;
		p[i] = 'a' + (x >> 16) % 26;
	}
	for (size_t i = 1024; i < ((size_t)1 << 20); i++)
		p[i] = p[i % 1024];
	p[0] = '<';
	z = tu_gzip(p, (size_t)1 << 20, n);
	free(p);
	return z;
}

START_TEST(test_stream_gzip_output_cap_stops_member_flood)
{
	size_t n, members = MAX_XML_BYTES / ((size_t)1 << 20) + 8;
	uint8_t *z = gz_mid_ratio(&n), *all;
	struct stream *s;

	ck_assert_uint_lt(((size_t)1 << 20) / n, MAX_INFLATE_RATIO);
	all = xmalloc(n * members);
	for (size_t i = 0; i < members; i++)
		memcpy(all + i * n, z, n);
	s = stream_gzip(stream_mem(all, n * members), MAX_XML_BYTES, NULL);
	assert_fails(s, "gzip: output passes the 512 MiB limit "
	    "(decompression bomb? --max-xml-bytes raises it)");
	ck_assert_uint_le(stream_total(s), MAX_XML_BYTES);
	stream_free(s);
	free(all);
	free(z);
}
END_TEST

START_TEST(test_stream_gzip_inner_error_propagates)
{
	size_t n1, n2;
	uint8_t *inner = gz(xml, &n1), *outer;
	struct stream *s;

	outer = tu_gzip(inner, n1 - 4, &n2);	/* inner lacks ISIZE */
	s = stream_gzip(stream_gzip(stream_mem(outer, n2), MAX_XML_BYTES,
	    NULL), MAX_XML_BYTES, NULL);
	assert_fails(s, "gzip: truncated input");
	stream_free(s);
	free(inner);
	free(outer);
}
END_TEST

Suite *
stream_suite(void)
{
	Suite *s = suite_create("stream");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_stream_mem_same_bytes_in_one_byte_reads);
	tcase_add_test(tc, test_stream_peek_does_not_consume);
	tcase_add_test(tc, test_stream_fd_reads_and_leaves_fd_open);
	tcase_add_test(tc, test_stream_gzip_same_bytes_in_one_byte_reads);
	tcase_add_test(tc, test_stream_gzip_multi_member_concatenates);
	tcase_add_test(tc, test_stream_gzip_trailing_crlf_accepted_warns);
	tcase_add_test(tc, test_stream_gzip_trailing_garbage_rejected);
	tcase_add_test(tc, test_stream_gzip_truncated_is_an_error);
	tcase_add_test(tc, test_stream_gzip_crc_and_length_checked);
	tcase_add_test(tc, test_stream_gzip_garbage_member_is_an_error);
	tcase_add_test(tc, test_stream_gzip_ratio_bomb_stops_early);
	tcase_add_test(tc, test_stream_gzip_output_cap_stops_member_flood);
	tcase_add_test(tc, test_stream_gzip_inner_error_propagates);
	suite_add_tcase(s, tc);
	return s;
}

/*
 * The container walk between an input file and the XML parser.  Every
 * level is sniffed by content (sniff.c): a document of a kind in the
 * table (dockind.h: XML, JSON) is handed to the caller as a stream, gzip
 * is inflated on the fly (stream.c), zip is opened with
 * libzip from the input's descriptor (top level) or from memory (a zip
 * inside another container, bounded by MAX_NESTED_ZIP_BYTES) and its
 * entries are walked in turn.  Nothing is extracted to disk; nesting,
 * entry counts, sizes and inflate ratios are bounded by limits.h, and an
 * archive is vetted entry by entry (encryption, compression method)
 * before any of its documents is passed on.
 */
#include <sys/stat.h>

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <zip.h>

#include "buf.h"
#include "diag.h"
#include "dockind.h"
#include "limits.h"
#include "sniff.h"
#include "stream.h"
#include "unpack.h"
#include "xalloc.h"
#include "zipload.h"

/* longest entry name kept for messages, in bytes */
#define WHERE_NAME_MAX	200
/* tail of a zip searched for the end of central directory record */
#define EOCD_SEARCH	(65535 + 22)
#define MIB(x)		((unsigned long)(x) / (1024 * 1024))

struct walk {
	unpack_fn	 fn;
	void		*arg;
	struct diag	*d;
	int		 fd;		/* the input */
	int		 seekable;	/* fd can be reopened by libzip */
	struct stream	*top;		/* the stream reading fd itself */
	uint64_t	 max_xml;	/* output of one decoding layer */
	int		 ndocs;		/* documents passed to fn */
	int		 stopped;	/* fn returned -1 */
};

/* one zip entry being read: libzip output counted and bounded */
struct entry {
	zip_file_t	*zf;
	size_t		 comp_size;	/* declared; libzip reads no more */
	size_t		 out;		/* bytes produced */
	uint64_t	 max_out;	/* ... allowed */
	char		*name;		/* sanitised, for messages */
};

static int walk_stream(struct walk *, struct stream *, const char *, int,
    int);

/*
 * Copies name for messages: control bytes become '?', and it is cut at
 * WHERE_NAME_MAX bytes on a UTF-8 boundary.  Caller frees.
 */
static char *
name_clean(const char *name)
{
	size_t n = strlen(name), i;
	char *s;

	if (n > WHERE_NAME_MAX) {
		n = WHERE_NAME_MAX;
		while (n > 0 && ((unsigned char)name[n] & 0xc0) == 0x80)
			n--;
	}
	s = xstrndup(name, n);
	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			s[i] = '?';
	return s;
}

/* "outer/inner", or just inner at the top; caller frees */
static char *
where_join(const char *parent, const char *name)
{
	size_t n;
	char *s;

	if (*parent == '\0')
		return xstrdup(name);
	n = strlen(parent) + strlen(name) + 2;
	s = xmalloc(n);
	snprintf(s, n, "%s/%s", parent, name);
	return s;
}

/* records a stream's error, saying where when it is not the input */
static void
walk_stream_error(struct walk *w, struct stream *s, const char *where)
{
	const char *e = stream_error(s);

	if (*where != '\0' && strncmp(e, "zip: ", 5) != 0)
		diag_error(w->d, "%s (in '%s')", e, where);
	else
		diag_error(w->d, "%s", e);
}

static int
is_xml_space(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/*
 * Sniffs what s yields.  A whole look-ahead window of white space is
 * dropped and the next one looked at (white space before the root
 * element means nothing to XML), so only true white-space-only input is
 * called empty.  Returns 0, or -1 on a stream error.
 */
static int
sniff_head(struct stream *s, enum container *c, const char **what)
{
	unsigned char head[STREAM_PEEK_MAX];
	ssize_t n;
	size_t k;

	for (;;) {
		if ((n = stream_peek(s, head, sizeof(head))) < 0)
			return -1;
		*c = sniff(head, (size_t)n, what);
		if (*c != CONTAINER_EMPTY || (size_t)n < sizeof(head))
			return 0;
		for (k = 0; k < (size_t)n && is_xml_space(head[k]); k++)
			continue;
		if (k == 0) {
			/* a BOM and white space: let the parser judge */
			*c = CONTAINER_XML;
			*what = "XML";
			return 0;
		}
		if (stream_read(s, head, k) != (ssize_t)k)
			return -1;
	}
}

static int
walk_doc(struct walk *w, struct stream *s, enum container c,
    const char *where)
{
	if (w->ndocs >= MAX_REPORTS_PER_INPUT) {
		diag_error(w->d, "input: more than %d reports",
		    MAX_REPORTS_PER_INPUT);
		return -1;
	}
	w->ndocs++;
	if (w->fn(w->arg, s, c, where) == -1) {
		w->stopped = 1;
		return -1;
	}
	return 0;
}

/* entry reader */

static ssize_t
entry_read(struct stream *s, void *ctx, void *p, size_t n)
{
	struct entry *e = ctx;
	zip_int64_t r;
	size_t comp;

	r = zip_api.fread(e->zf, p, n);
	if (r < 0) {
		stream_fail(s, "zip: entry '%s': %s", e->name,
		    zip_api.file_strerror(e->zf));
		return -1;
	}
	if ((uint64_t)r > e->max_out - e->out) {
		stream_fail(s, "zip: entry '%s' passes the %lu MiB limit "
		    STREAM_LIMIT_HINT, e->name, MIB(e->max_out));
		return -1;
	}
	e->out += (size_t)r;
	comp = e->comp_size > 0 ? e->comp_size : 1;
	if (e->out > INFLATE_RATIO_FLOOR && e->out / comp > MAX_INFLATE_RATIO) {
		stream_fail(s, "zip: entry '%s' inflates more than %lu times "
		    "(decompression bomb?)", e->name, MAX_INFLATE_RATIO);
		return -1;
	}
	return (ssize_t)r;
}

static void
entry_free(void *ctx)
{
	struct entry *e = ctx;

	if (e->zf != NULL)
		zip_api.fclose(e->zf);
	free(e->name);
	free(e);
}

static const struct stream_ops entry_ops = { entry_read, entry_free };

/* zip archives */

/* reads n bytes at off from a zip image; 0 or -1 */
struct image {
	const unsigned char	*mem;	/* the archive in memory, or NULL */
	int			 fd;	/* else read from here */
	uint64_t		 size;	/* bytes in the archive */
};

static int
image_read(const struct image *im, uint64_t off, void *p, size_t n)
{
	ssize_t r;

	if (off > im->size || n > im->size - off)
		return -1;
	if (im->mem != NULL) {
		memcpy(p, im->mem + off, n);
		return 0;
	}
	do
		r = pread(im->fd, p, n, (off_t)off);
	while (r == -1 && errno == EINTR);
	return r == (ssize_t)n ? 0 : -1;
}

static uint64_t
le(const unsigned char *p, int n)
{
	uint64_t v = 0;

	while (n-- > 0)
		v = v << 8 | p[n];
	return v;
}

/* the entry count an end of central directory record at rec declares */
static uint64_t
eocd_count(const struct image *im, const unsigned char *tail, size_t i)
{
	unsigned char rec[56];
	uint64_t count = le(tail + i + 10, 2), off;

	if (count != 0xffff || i < 20 || memcmp(tail + i - 20, "PK\6\7", 4))
		return count;
	off = le(tail + i - 20 + 8, 8);
	if (image_read(im, off, rec, sizeof(rec)) == 0 &&
	    memcmp(rec, "PK\6\6", 4) == 0)
		count = le(rec + 32, 8);
	return count;
}

/*
 * The largest entry count any end of central directory record in the
 * tail declares (Zip64 too), looked at before libzip reads the directory
 * so that a huge one is refused without being loaded.  Every candidate
 * counts, since a fake one can hide in the archive comment.  Returns 0 if
 * there is none: libzip then reports the archive as broken.
 */
static uint64_t
zip_declared_entries(const struct image *im)
{
	unsigned char *tail;
	size_t n, i;
	uint64_t count = 0, c;

	n = im->size < EOCD_SEARCH ? (size_t)im->size : EOCD_SEARCH;
	if (n < 22)
		return 0;
	tail = xmalloc(n);
	if (image_read(im, im->size - n, tail, n) == 0)
		for (i = 0; i + 22 <= n; i++)
			if (memcmp(tail + i, "PK\5\6", 4) == 0 &&
			    (c = eocd_count(im, tail, i)) > count)
				count = c;
	free(tail);
	return count;
}

static const char *
method_name(zip_int32_t m)
{
	switch (m) {
	case ZIP_CM_BZIP2:
		return "bzip2";
	case ZIP_CM_DEFLATE64:
		return "deflate64";
	case ZIP_CM_LZMA:
	case ZIP_CM_LZMA2:
		return "lzma";
	case ZIP_CM_XZ:
		return "xz";
	case ZIP_CM_PPMD:
		return "ppmd";
	case ZIP_CM_IMPLODE:
	case ZIP_CM_PKWARE_IMPLODE:
		return "implode";
	case 93:
		return "zstd";
	default:
		return NULL;
	}
}

/*
 * Decides what to do with entry i before anything is read: 1 to read
 * it, 0 to skip it (directories silently, links and devices with a
 * warning), -1 when it makes the archive unacceptable.
 */
static int
zip_vet(struct walk *w, zip_t *za, zip_uint64_t i)
{
	zip_stat_t st;
	zip_uint8_t os;
	zip_uint32_t attr, type;
	const char *m;
	char *name = NULL;
	int rc = -1;

	if (zip_api.stat_index(za, i, 0, &st) == -1 ||
	    !(st.valid & ZIP_STAT_NAME)) {
		diag_error(w->d, "zip: %s", zip_api.strerror(za));
		goto out;
	}
	name = name_clean(st.name);
	if (zip_api.file_get_external_attributes(za, i, 0, &os, &attr) == -1) {
		os = ZIP_OPSYS_DOS;
		attr = 0;
	}
	type = (attr >> 16) & S_IFMT;
	if ((*st.name != '\0' && st.name[strlen(st.name) - 1] == '/') ||
	    (os == ZIP_OPSYS_UNIX && type == S_IFDIR) ||
	    (os != ZIP_OPSYS_UNIX && (attr & 0x10))) {
		rc = 0;
		goto out;
	}
	if (os == ZIP_OPSYS_UNIX && type != 0 && type != S_IFREG) {
		diag_warn(w->d, DIAG_ZIP_ENTRY_SKIPPED);
		rc = 0;
		goto out;
	}
	if ((st.valid & ZIP_STAT_ENCRYPTION_METHOD) &&
	    st.encryption_method != ZIP_EM_NONE) {
		diag_error(w->d, "zip: entry '%s' is encrypted", name);
		goto out;
	}
	if (st.comp_method != ZIP_CM_STORE &&
	    st.comp_method != ZIP_CM_DEFLATE) {
		if ((m = method_name(st.comp_method)) != NULL)
			diag_error(w->d, "zip: entry '%s' uses compression "
			    "method %s, which is not supported", name, m);
		else
			diag_error(w->d, "zip: entry '%s' uses unknown "
			    "compression method %d", name,
			    (int)st.comp_method);
		goto out;
	}
	rc = 1;
out:
	free(name);
	return rc;
}

static int
zip_walk_entry(struct walk *w, zip_t *za, zip_uint64_t i,
    const char *where, int depth)
{
	zip_stat_t st;
	struct entry *e;
	char *child = NULL;
	int rc = -1;

	if (zip_api.stat_index(za, i, 0, &st) == -1) {
		diag_error(w->d, "zip: %s", zip_api.strerror(za));
		return -1;
	}
	e = xcalloc(1, sizeof(*e));
	e->name = name_clean(st.name != NULL ? st.name : "");
	e->comp_size = (st.valid & ZIP_STAT_COMP_SIZE) ? st.comp_size : 0;
	e->max_out = w->max_xml;
	if ((e->zf = zip_api.fopen_index(za, i, 0)) == NULL) {
		diag_error(w->d, "zip: entry '%s': %s", e->name,
		    zip_api.strerror(za));
		entry_free(e);
		goto out;
	}
	child = where_join(where, e->name);
	rc = walk_stream(w, stream_new(&entry_ops, e), child, depth, 1);
out:
	free(child);
	return rc;
}

/* walks the entries of an open archive; the caller closes it */
static int
zip_walk(struct walk *w, zip_t *za, const char *where, int depth)
{
	zip_int64_t n = zip_api.get_num_entries(za, 0);
	unsigned char keep[MAX_ZIP_ENTRIES];
	int before = w->ndocs, r;

	if (n < 0 || n > MAX_ZIP_ENTRIES) {
		diag_error(w->d, "zip: more than %d entries", MAX_ZIP_ENTRIES);
		return -1;
	}
	for (zip_int64_t i = 0; i < n; i++) {
		if ((r = zip_vet(w, za, (zip_uint64_t)i)) == -1)
			return -1;
		keep[i] = (unsigned char)r;
	}
	for (zip_int64_t i = 0; i < n; i++)
		if (keep[i] &&
		    zip_walk_entry(w, za, (zip_uint64_t)i, where, depth) == -1)
			return -1;
	if (w->ndocs == before) {
		diag_error(w->d, "zip: no report in the archive");
		return -1;
	}
	return 0;
}

/* opens src (which is freed either way) and walks it */
static int
zip_open_walk(struct walk *w, zip_source_t *src, const struct image *im,
    const char *where, int depth)
{
	zip_error_t ze;
	zip_t *za;
	int rc = -1;

	zip_api.error_init(&ze);
	if (zip_declared_entries(im) > MAX_ZIP_ENTRIES) {
		diag_error(w->d, "zip: more than %d entries", MAX_ZIP_ENTRIES);
		zip_api.source_free(src);
		goto out;
	}
	/*
	 * No ZIP_CHECKCONS: libzip 1.7.3 to 1.10.0 then compare each local
	 * header with its central entry and refuse the data-descriptor
	 * layouts Info-ZIP (writing to a pipe) and macOS Archive Utility
	 * write, which unzip and every mail client read (fixed in libzip
	 * 1.10.1).  A local header only says where its data starts: the
	 * entry is read by its central entry (sizes, method), its output is
	 * bounded and ratio-checked in entry_read, and libzip checks the
	 * CRC of everything it inflates; the entry count is vetted above.
	 */
	if ((za = zip_api.open_from_source(src, ZIP_RDONLY, &ze)) == NULL) {
		diag_error(w->d, "zip: %s", zip_api.error_strerror(&ze));
		zip_api.source_free(src);
		goto out;
	}
	rc = zip_walk(w, za, where, depth);
	zip_api.discard(za);
out:
	zip_api.error_fini(&ze);
	return rc;
}

/* the input itself is a zip: libzip reads it through a duplicate of fd */
static int
zip_walk_fd(struct walk *w, const char *where, int depth)
{
	struct image im = { NULL, w->fd, 0 };
	struct stat sb;
	zip_source_t *src;
	zip_error_t ze;
	FILE *f;
	char why[300];
	int fd2, rc = -1;

	if (zip_load(why, sizeof(why)) == -1) {
		diag_error(w->d, "zip: %s", why);
		return -1;
	}
	zip_api.error_init(&ze);
	if (fstat(w->fd, &sb) == -1 || (fd2 = dup(w->fd)) == -1) {
		diag_error(w->d, "zip: %s", strerror(errno));
		goto out;
	}
	im.size = (uint64_t)sb.st_size;
	if ((f = fdopen(fd2, "rb")) == NULL) {
		diag_error(w->d, "zip: %s", strerror(errno));
		close(fd2);
		goto out;
	}
	if ((src = zip_api.source_filep_create(f, 0, -1, &ze)) == NULL) {
		diag_error(w->d, "zip: %s", zip_api.error_strerror(&ze));
		fclose(f);
		goto out;
	}
	rc = zip_open_walk(w, src, &im, where, depth);
out:
	zip_api.error_fini(&ze);
	return rc;
}

/* a zip inside another container: read into memory, bounded */
static int
zip_walk_stream(struct walk *w, struct stream *s, const char *where,
    int depth)
{
	struct image im = { NULL, -1, 0 };
	unsigned char chunk[65536];
	zip_source_t *src;
	zip_error_t ze;
	struct buf b;
	ssize_t r;
	char why[300];
	int rc = -1;

	if (zip_load(why, sizeof(why)) == -1) {
		diag_error(w->d, "zip: %s", why);
		return -1;
	}
	zip_api.error_init(&ze);
	buf_init(&b, MAX_NESTED_ZIP_BYTES);
	while ((r = stream_read(s, chunk, sizeof(chunk))) > 0)
		if (buf_add(&b, chunk, (size_t)r) == -1) {
			diag_error(w->d, "zip: nested archive larger than "
			    "the %lu MiB limit", MIB(MAX_NESTED_ZIP_BYTES));
			goto out;
		}
	if (r < 0) {
		walk_stream_error(w, s, where);
		goto out;
	}
	im.mem = (const unsigned char *)b.data;
	im.size = b.len;
	if ((src = zip_api.source_buffer_create(b.data, b.len, 0, &ze)) == NULL) {
		diag_error(w->d, "zip: %s", zip_api.error_strerror(&ze));
		goto out;
	}
	rc = zip_open_walk(w, src, &im, where, depth);
out:
	zip_api.error_fini(&ze);
	buf_release(&b);
	return rc;
}

static int
too_deep(struct walk *w, int depth)
{
	if (depth < MAX_NESTING)
		return 0;
	diag_error(w->d, "unpack: containers nested more than %d deep",
	    MAX_NESTING);
	return 1;
}

/*
 * Walks what s yields (taking ownership of s).  depth counts the
 * containers opened above; in_entry says s is (inside) a zip entry,
 * where content that is not a report is skipped instead of refused.
 */
static int
walk_stream(struct walk *w, struct stream *s, const char *where, int depth,
    int in_entry)
{
	enum container c;
	const char *what = "";
	int rc = -1;

	if (sniff_head(s, &c, &what) == -1) {
		walk_stream_error(w, s, where);
		goto out;
	}
	if (dockind_find(c) != NULL) {
		rc = walk_doc(w, s, c, where);
		goto out;
	}
	switch (c) {
	case CONTAINER_GZIP:
		if (too_deep(w, depth))
			break;
		rc = walk_stream(w, stream_gzip(s, w->max_xml, w->d), where,
		    depth + 1, in_entry);
		s = NULL;
		break;
	case CONTAINER_ZIP:
		if (too_deep(w, depth))
			break;
		if (s == w->top && w->seekable)
			rc = zip_walk_fd(w, where, depth + 1);
		else
			rc = zip_walk_stream(w, s, where, depth + 1);
		break;
	case CONTAINER_TNEF:
		/*
		 * Outlook's winmail.dat may hold a report, but it is not
		 * read (see the README): refused with a reason of its own,
		 * so that the input and its bytes are kept for --reprocess.
		 */
		if (!in_entry) {
			diag_error(w->d, "TNEF attachment not read "
			    "(winmail.dat, application/ms-tnef): a report in "
			    "it is not seen");
			break;
		}
		/* FALLTHROUGH */
	default:
		if (in_entry) {
			diag_warn(w->d, DIAG_ZIP_ENTRY_SKIPPED);
			rc = 0;
		} else
			diag_error(w->d, "not a report: %s", what);
		break;
	}
out:
	stream_free(s);
	return rc;
}

int
unpack_fd(int fd, uint64_t max_xml, unpack_fn fn, void *arg, struct diag *d)
{
	struct walk w;
	struct stat sb;
	int rc;

	memset(&w, 0, sizeof(w));
	w.max_xml = max_xml;
	w.fn = fn;
	w.arg = arg;
	w.d = d;
	w.fd = fd;
	if (fstat(fd, &sb) == -1) {
		diag_error(d, "input: %s", strerror(errno));
		return -1;
	}
	if (S_ISREG(sb.st_mode) && (uint64_t)sb.st_size > MAX_INPUT_BYTES) {
		diag_error(d, "input: larger than the %lu MiB limit",
		    MIB(MAX_INPUT_BYTES));
		return -1;
	}
	w.seekable = S_ISREG(sb.st_mode) && lseek(fd, 0, SEEK_SET) == 0;
	w.top = stream_fd(fd);
	rc = walk_stream(&w, w.top, "", 0, 0);
	if (rc == -1 && (w.stopped || w.ndocs == 0))
		return -1;
	return w.ndocs;
}

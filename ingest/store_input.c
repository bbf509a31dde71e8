/*
 * The input ledger: one row per distinct input (by SHA-256), its outcome,
 * and its original bytes kept in input_chunk rows as received (plain XML
 * gzip'd) so --reprocess can parse them again.  Bytes move through a
 * fixed STORE_CHUNK buffer in both directions, so memory stays bounded
 * whatever the input's size.  The two buffers and the deflate state of
 * store_input_add live as long as the store (struct keepbufs): a run of
 * small inputs allocated 2 MiB and a deflate state per input before,
 * each one new pages to fault in.
 */
#include <sys/types.h>

#include <assert.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>
#include <zlib.h>

#include "fdio.h"
#include "store_int.h"
#include "xalloc.h"

int
store_input_lookup(struct store *s, const uint8_t sha[HASH_LEN],
    struct input_info *info)
{
	return store_find_sha(s, ST_INPUT_LOOKUP, sha, "input", &info->id,
	    &info->outcome);
}

/* what store_input_add keeps between inputs (store.keep) */
struct keepbufs {
	uint8_t		*in;		/* STORE_CHUNK bytes read */
	uint8_t		*out;		/* STORE_CHUNK bytes of gzip output */
	z_stream	 z;
	int		 z_ready;	/* z initialised: deflateReset, not
					   deflateInit2, for the next input */
};

void
store_keep_free(struct keepbufs *k)
{
	if (k == NULL)
		return;
	if (k->z_ready)
		deflateEnd(&k->z);
	free(k->in);
	free(k->out);
	free(k);
}

/* the state of one input being written to input_chunk */
struct packer {
	struct store	*s;
	int64_t		 input;		/* ledger row id */
	int64_t		 seq;		/* next chunk */
	int		 deflating;	/* z is in use */
	z_stream	*z;		/* s->keep->z */
	uint8_t		*out;		/* s->keep->out */
};

static int
chunk_add(struct packer *pk, const uint8_t *p, size_t n)
{
	struct binder b;

	binder_start(&b, pk->s, ST_CHUNK_ADD);
	binder_int(&b, pk->input);
	binder_int(&b, pk->seq++);
	if (b.rc == SQLITE_OK)
		b.rc = sqlite3_bind_blob(b.st, ++b.i, p, (int)n,
		    SQLITE_STATIC);
	return binder_run(pk->s, &b, "cannot store input");
}

/* compresses p[0..n) into chunks; finish ends the gzip stream */
static int
chunk_deflate(struct packer *pk, const uint8_t *p, size_t n, int finish)
{
	z_stream *z = pk->z;
	int zr;

	z->next_in = (Bytef *)(uintptr_t)p;	/* zlib does not write it */
	z->avail_in = (uInt)n;
	do {
		if (z->avail_out == 0) {
			if (chunk_add(pk, pk->out, STORE_CHUNK) == -1)
				return -1;
			z->next_out = pk->out;
			z->avail_out = (uInt)STORE_CHUNK;
		}
		zr = deflate(z, finish ? Z_FINISH : Z_NO_FLUSH);
		if (zr != Z_OK && zr != Z_STREAM_END && zr != Z_BUF_ERROR) {
			snprintf(pk->s->err, sizeof(pk->s->err), "cannot "
			    "compress input: zlib error %d", zr);
			return -1;
		}
	} while (z->avail_in > 0 || (finish && zr != Z_STREAM_END));
	if (finish && z->avail_out < STORE_CHUNK)
		return chunk_add(pk, pk->out, STORE_CHUNK - z->avail_out);
	return 0;
}

/* gzip and zip are kept as received; anything else is compressed */
static const char *
container_of(const uint8_t *p, ssize_t n)
{
	if (n >= 2 && p[0] == 0x1f && p[1] == 0x8b)
		return "gzip";
	if (n >= 2 && p[0] == 'P' && p[1] == 'K')
		return "zip";
	return NULL;
}

/* a gzip stream at level 1 in s->keep, new or reset */
static int
deflate_start(struct packer *pk)
{
	struct keepbufs *k = pk->s->keep;
	int zr;

	/* level 1: XML still shrinks ~10x, at a third of the cost */
	if (k->z_ready)
		zr = deflateReset(&k->z);
	else if ((zr = deflateInit2(&k->z, Z_BEST_SPEED, Z_DEFLATED,
	    15 + 16, 8, Z_DEFAULT_STRATEGY)) == Z_OK)
		k->z_ready = 1;
	if (zr != Z_OK) {
		snprintf(pk->s->err, sizeof(pk->s->err), "cannot compress "
		    "input: %s", k->z.msg ? k->z.msg : "zlib error");
		return -1;
	}
	if (k->out == NULL)
		k->out = xmalloc(STORE_CHUNK);
	pk->deflating = 1;
	pk->z = &k->z;
	pk->out = k->out;
	k->z.next_out = pk->out;
	k->z.avail_out = (uInt)STORE_CHUNK;
	return 0;
}

/* writes the ledger row and the chunks; the transaction is open */
static int64_t
input_write(struct packer *pk, const char *hex, const char *source,
    int fd, uint8_t *in, ssize_t n)
{
	struct store *s = pk->s;
	const char *container = container_of(in, n);
	struct binder b;
	int64_t size = 0, first = (int64_t)n;
	int eof, raw;

	if (source == NULL)
		source = "-";
	binder_start(&b, s, ST_INPUT_ADD);
	binder_text(&b, hex);
	raw = binder_visible(&b, source);
	binder_text(&b, container);
	binder_int(&b, container == NULL);
	binder_int(&b, (int64_t)time(NULL));
	binder_int(&b, (int64_t)time(NULL));
	binder_text(&b, raw ? source : NULL);
	/* the first read's size: the whole size of an input under a chunk,
	   so only longer ones need ST_INPUT_SIZE (a statement per input) */
	binder_int(&b, (int64_t)n);
	if (binder_run(s, &b, "cannot add input") == -1)
		return -1;
	pk->input = sqlite3_last_insert_rowid(s->db);
	if (container == NULL && deflate_start(pk) == -1)
		return -1;
	for (;;) {
		size += n;
		eof = (size_t)n < STORE_CHUNK;
		if (pk->deflating) {
			if (chunk_deflate(pk, in, (size_t)n, eof) == -1)
				return -1;
		} else if (n > 0 && chunk_add(pk, in, (size_t)n) == -1)
			return -1;
		if (eof)
			break;
		if ((n = fd_read_full(fd, in, STORE_CHUNK)) == -1) {
			snprintf(s->err, sizeof(s->err), "cannot read input: "
			    "%s", strerror(errno));
			return -1;
		}
	}
	if (size == first)
		return pk->input;
	binder_start(&b, s, ST_INPUT_SIZE);
	binder_int(&b, size);
	binder_int(&b, pk->input);
	if (binder_run(s, &b, "cannot add input") == -1)
		return -1;
	return pk->input;
}

int64_t
store_input_add(struct store *s, const uint8_t sha[HASH_LEN],
    const char *source, int fd)
{
	char hex[HASH_HEX_LEN];
	struct packer pk;
	uint8_t *in;
	ssize_t n;
	int64_t id = -1;

	assert(s->report == 0);
	memset(&pk, 0, sizeof(pk));
	pk.s = s;
	if (s->keep == NULL)
		s->keep = xcalloc(1, sizeof(*s->keep));
	if (s->keep->in == NULL)
		s->keep->in = xmalloc(STORE_CHUNK);
	in = s->keep->in;
	hash_hex(sha, hex);
	if ((lseek(fd, 0, SEEK_SET) == -1 && errno != ESPIPE) ||
	    (n = fd_read_full(fd, in, STORE_CHUNK)) == -1) {
		snprintf(s->err, sizeof(s->err), "cannot read input: %s",
		    strerror(errno));
		goto out;
	}
	if (store_unit_begin(s, "cannot add input") == -1)
		goto out;
	if (input_write(&pk, hex, source, fd, in, n) == -1) {
		store_unit_abort(s);
		goto out;
	}
	if (store_unit_commit(s, "cannot add input") == -1)
		goto out;
	id = pk.input;
out:
	if (s->st[ST_CHUNK_ADD] != NULL)
		sqlite3_clear_bindings(s->st[ST_CHUNK_ADD]);
	return id;
}

int
store_input_seen(struct store *s, int64_t input_id)
{
	return store_seen(s, ST_INPUT_SEEN, input_id, "input");
}

/*
 * Ends the savepoint of the input's reports: kept, or for a rejected
 * input taken back whole (reports, records and their warnings), so that
 * no report of a rejected input is ever counted.
 */
static int
reports_settle(struct store *s, enum outcome o)
{
	const char *what = "cannot finish input";

	s->in_reports = 0;
	if (o == OUTCOME_REJECTED &&
	    store_run(s, ST_REPORTS_ROLLBACK_TO, what) == -1)
		return -1;
	return store_run(s, ST_REPORTS_RELEASE, what);
}

int
store_input_finish(struct store *s, int64_t input_id, enum outcome o,
    const char *reason, size_t n_reports, size_t n_records,
    const struct diag *d)
{
	const char *what = "cannot finish input";
	struct binder b;

	assert(s->report == 0);
	if (!s->in_input && store_unit_begin(s, what) == -1)
		return -1;
	s->in_input = 0;	/* so that store_unit_commit() settles it */
	if (s->in_reports && reports_settle(s, o) == -1) {
		store_unit_abort(s);
		return -1;
	}
	binder_start(&b, s, ST_INPUT_FINISH);
	binder_text(&b, outcome_name(o));
	(void)binder_visible(&b, reason);
	binder_int(&b, (int64_t)n_reports);
	binder_int(&b, (int64_t)n_records);
	if (store_update_one(s, &b, input_id, what, "input") == -1 ||
	    store_run_id(s, ST_WARN_CLEAR, input_id, what) == -1 ||
	    store_warnings_add(s, input_id, 0, d) == -1) {
		store_unit_abort(s);
		return -1;
	}
	return store_unit_commit(s, what);
}

/* inflates one chunk of a stored gzip stream into fd */
static int
chunk_inflate(struct store *s, z_stream *z, const uint8_t *p, size_t n,
    uint8_t *out, int fd, int *done)
{
	int zr;

	z->next_in = (Bytef *)(uintptr_t)p;	/* zlib does not write it */
	z->avail_in = (uInt)n;
	while (!*done && z->avail_in > 0) {
		z->next_out = out;
		z->avail_out = (uInt)STORE_CHUNK;
		zr = inflate(z, Z_NO_FLUSH);
		if (zr != Z_OK && zr != Z_STREAM_END) {
			snprintf(s->err, sizeof(s->err), "stored input is "
			    "corrupt: %s", z->msg ? z->msg : "zlib error");
			return -1;
		}
		if (fd_write_all(fd, out, STORE_CHUNK - z->avail_out) == -1) {
			snprintf(s->err, sizeof(s->err), "cannot write "
			    "temporary file: %s", strerror(errno));
			return -1;
		}
		*done = zr == Z_STREAM_END;
	}
	return 0;
}

/*
 * Writes the original bytes of input id into fd.  Chunks are read and
 * written one at a time; the statement is reset before returning.
 */
static int
input_restore(struct store *s, int64_t id, int deflated, int fd)
{
	sqlite3_stmt *st = store_stmt(s, ST_CHUNKS);
	uint8_t *out = NULL;
	const uint8_t *p;
	z_stream z;
	int rc = -1, step, zinit = 0, done = 0;
	size_t n;

	if (deflated) {
		memset(&z, 0, sizeof(z));
		if (inflateInit2(&z, 15 + 16) != Z_OK) {
			snprintf(s->err, sizeof(s->err), "cannot inflate "
			    "stored input: zlib error");
			goto out;
		}
		zinit = 1;
		out = xmalloc(STORE_CHUNK);
	}
	if (sqlite3_bind_int64(st, 1, id) != SQLITE_OK) {
		store_seterr(s, "cannot read stored input");
		goto out;
	}
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		p = sqlite3_column_blob(st, 0);
		n = (size_t)sqlite3_column_bytes(st, 0);
		if (deflated) {
			if (chunk_inflate(s, &z, p, n, out, fd, &done) == -1)
				goto out;
		} else if (fd_write_all(fd, p, n) == -1) {
			snprintf(s->err, sizeof(s->err), "cannot write "
			    "temporary file: %s", strerror(errno));
			goto out;
		}
	}
	if (step != SQLITE_DONE) {
		store_seterr(s, "cannot read stored input");
		goto out;
	}
	if (deflated && !done) {
		snprintf(s->err, sizeof(s->err), "stored input %lld is "
		    "truncated", (long long)id);
		goto out;
	}
	rc = 0;
out:
	sqlite3_reset(st);
	if (zinit)
		inflateEnd(&z);
	free(out);
	return rc;
}

/* an unlinked temporary file, or -1 with s->err set */
static int
tempfd(struct store *s)
{
	int fd;

	if ((fd = fd_temp("dmarc-input")) == -1)
		snprintf(s->err, sizeof(s->err), "cannot create temporary "
		    "file: %s", strerror(errno));
	return fd;
}

/* 0 go on, 1 fn asked to stop, -1 error */
static int
input_visit(struct store *s, int64_t id, store_input_fn fn, void *arg)
{
	sqlite3_stmt *st = store_stmt(s, ST_INPUT_GET);
	char *source = NULL;
	int rc = -1, fd = -1, deflated, step;

	if (sqlite3_bind_int64(st, 1, id) != SQLITE_OK ||
	    ((step = sqlite3_step(st)) != SQLITE_ROW && step != SQLITE_DONE)) {
		store_seterr(s, "cannot read stored input");
		goto out;
	}
	if (step == SQLITE_DONE) {
		rc = 0;		/* gone since the ids were collected */
		goto out;
	}
	source = xstrdup((const char *)sqlite3_column_text(st, 0));
	deflated = sqlite3_column_int(st, 1);
	sqlite3_reset(st);
	if ((fd = tempfd(s)) == -1 || input_restore(s, id, deflated, fd) == -1)
		goto out;
	if (lseek(fd, 0, SEEK_SET) == -1) {
		snprintf(s->err, sizeof(s->err), "cannot rewind temporary "
		    "file: %s", strerror(errno));
		goto out;
	}
	rc = fn(arg, id, source, fd) == -1 ? 1 : 0;
out:
	sqlite3_reset(st);
	if (fd != -1)
		close(fd);
	free(source);
	return rc;
}

/* ids of the inputs to visit, in ledger order (caller frees) */
static int64_t *
input_ids(struct store *s, int all, size_t *n)
{
	sqlite3_stmt *st = store_stmt(s, ST_INPUT_IDS);
	int64_t *ids = NULL;
	size_t cap = 0;
	int step;

	*n = 0;
	if (sqlite3_bind_int(st, 1, all != 0) != SQLITE_OK) {
		store_seterr(s, "cannot list inputs");
		return NULL;
	}
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		if (*n == cap) {
			cap = cap == 0 ? 64 : cap * 2;
			ids = xreallocarray(ids, cap, sizeof(*ids));
		}
		ids[(*n)++] = sqlite3_column_int64(st, 0);
	}
	if (step != SQLITE_DONE) {
		store_seterr(s, "cannot list inputs");
		free(ids);
		ids = NULL;
		*n = 0;
	}
	sqlite3_reset(st);
	if (step == SQLITE_DONE && ids == NULL)
		ids = xmalloc(sizeof(*ids));	/* empty, but not an error */
	return ids;
}

int
store_foreach_input(struct store *s, int all, store_input_fn fn, void *arg)
{
	int64_t *ids;
	size_t n;
	int rc = -1, r = 0;

	assert(s->report == 0);
	if ((ids = input_ids(s, all, &n)) == NULL)
		return -1;
	for (size_t i = 0; i < n && r == 0; i++)
		if ((r = input_visit(s, ids[i], fn, arg)) == -1)
			goto out;
	rc = 0;
out:
	free(ids);
	return rc;
}

int
store_input_clear(struct store *s, int64_t input_id)
{
	const char *what = "cannot clear input";

	assert(s->report == 0);
	if (store_unit_begin(s, what) == -1)
		return -1;
	if (store_run_id(s, ST_REPORTS_CLEAR, input_id, what) == -1 ||
	    store_tls_clear(s, input_id) == -1 ||
	    store_ruf_clear(s, input_id) == -1 ||
	    store_run_id(s, ST_WARN_CLEAR_ALL, input_id, what) == -1 ||
	    store_run_id(s, ST_INPUT_RESET, input_id, what) == -1) {
		store_unit_abort(s);
		return -1;
	}
	return store_unit_commit(s, what);
}


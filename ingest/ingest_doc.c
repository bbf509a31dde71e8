/*
 * One document of an input, from the unpacker to its kind (dockind.h):
 * its bytes hashed as received and, for a kind that allows it, stray
 * Windows-1252 bytes repaired on the way to the parser; its kind's row
 * parses and stores it, and what it came to is counted in the input's
 * result (ingest_int.h), which the pipeline (ingest.c) settles.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "dockind.h"
#include "ingest_int.h"

/* bytes looked at to find the XML declaration's encoding */
#define DECL_PEEK	512

/*
 * Whether the document is meant to be UTF-8, so that stray Windows-1252
 * bytes may be repaired: no UTF-16/32 signature and no declared encoding
 * other than UTF-8.  libxml2 decodes every other declared charset itself.
 */
static int
meant_as_utf8(const uint8_t *p, size_t n)
{
	const char *s = (const char *)p, *e, *q, *end;
	char quote;

	if (n >= 2 && (p[0] == 0 || p[1] == 0 || (p[0] == 0xfe &&
	    p[1] == 0xff) || (p[0] == 0xff && p[1] == 0xfe)))
		return 0;
	if (n >= 3 && p[0] == 0xef && p[1] == 0xbb && p[2] == 0xbf)
		s += 3, n -= 3;
	while (n > 0 && (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n'))
		s++, n--;
	if (n < 5 || memcmp(s, "<?xml", 5) != 0)
		return 1;
	if ((e = memchr(s, '>', n)) == NULL)
		return 1;
	for (q = s; q + 8 < e && memcmp(q, "encoding", 8) != 0; q++)
		;
	if (q + 8 >= e)
		return 1;
	for (q += 8; q < e && *q != '"' && *q != '\''; q++)
		;
	if (q >= e)
		return 1;
	quote = *q++;
	if ((end = memchr(q, quote, (size_t)(e - q))) == NULL)
		return 1;
	n = (size_t)(end - q);
	return (n == 5 && strncasecmp(q, "utf-8", 5) == 0) ||
	    (n == 4 && strncasecmp(q, "utf8", 4) == 0);
}

/* fills doc->raw from the stream: 0 at the end, -1 on error */
static ssize_t
doc_fill(struct doc *doc, size_t want)
{
	ssize_t got;

	doc->raw_len = 0;
	while (doc->raw_len < want) {
		got = stream_read(doc->in, doc->raw + doc->raw_len,
		    sizeof(doc->raw) - doc->raw_len);
		if (got < 0)
			return -1;
		if (got == 0)
			break;
		doc->raw_len += (size_t)got;
	}
	hash_add(&doc->hash, doc->raw, doc->raw_len);
	return (ssize_t)doc->raw_len;
}

int
doc_read(void *ctx, char *buf, int len)
{
	struct doc *doc = ctx;
	ssize_t got;
	size_t n;

	while (doc->out_off == doc->out_len) {
		if (doc->eof)
			return 0;
		got = doc_fill(doc, doc->decided ? 1 : DECL_PEEK);
		if (got < 0)
			return -1;
		if (!doc->decided) {
			doc->decided = 1;
			doc->repair = doc->may_repair &&
			    meant_as_utf8(doc->raw, doc->raw_len);
		}
		if (got == 0)
			doc->eof = 1;
		doc->out_off = 0;
		if (doc->repair) {
			doc->out_len = utf8fix_run(&doc->fix, doc->raw,
			    doc->raw_len, doc->out, doc->eof);
		} else {
			memcpy(doc->out, doc->raw, doc->raw_len);
			doc->out_len = doc->raw_len;
		}
	}
	n = doc->out_len - doc->out_off;
	if (n > (size_t)len)
		n = (size_t)len;
	memcpy(buf, doc->out + doc->out_off, n);
	doc->out_off += n;
	return (int)n;
}

void
doc_finish(struct doc *doc, uint8_t sha[HASH_LEN])
{
	hash_final(&doc->hash, sha);
	if (doc->fix.n_fixed > 0)
		diag_warn(&doc->d, DIAG_CP1252);
}

void
input_reject(struct input_result *res, const char *where, const char *why)
{
	res->rejected++;
	if (res->reason[0] != '\0')
		return;
	if (where[0] != '\0')
		snprintf(res->reason, sizeof(res->reason), "%s: %s", where,
		    why);
	else
		snprintf(res->reason, sizeof(res->reason), "%s", why);
}

/* counts what the document came to in the input's result */
static void
doc_count(struct input_result *res, const char *where,
    const struct doc_result *r)
{
	switch (r->status) {
	case DOC_STORED:
		res->stored++;
		res->records += r->records;
		res->new_records += r->records;
		res->messages += r->messages;
		break;
	case DOC_DUPLICATE:
		res->duplicates++;
		break;
	case DOC_CONFLICT:
		res->conflicts++;
		res->records += r->records;
		break;
	case DOC_REJECTED:
		input_reject(res, where, r->why);
		break;
	case DOC_FAILED:
		res->system_error = 1;
		if (r->why != NULL)
			input_reject(res, where, r->why);
		break;
	}
}

int
ingest_doc(void *arg, struct stream *in, enum container c, const char *where)
{
	struct input_run *run = arg;
	struct input_result *res = &run->res;
	struct doc *doc = &run->doc;
	const struct doc_kind *kind = dockind_find(c);
	struct doc_result r;

	memset(doc, 0, offsetof(struct doc, raw));
	doc->ing = run->ing;
	doc->input_id = run->input_id;
	doc->where = where;
	doc->in = in;
	hash_init(&doc->hash);
	utf8fix_init(&doc->fix);
	diag_init(&doc->d);
	memset(&r, 0, sizeof(r));
	if (kind == NULL) {
		/* unpack hands on only the kinds dockind_find knows */
		input_reject(res, where, "not a report");
		return 0;
	}
	doc->may_repair = kind->utf8_repair;
	kind->ingest(doc, &r);
	doc_count(res, where, &r);
	diag_merge(&res->warnings, &doc->d);
	return res->system_error ? -1 : 0;
}

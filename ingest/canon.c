/*
 * The canonical digest of a report (canon.h), used by store_rua.c to
 * decide duplicate or conflict.  Each value is hashed with a tag and its
 * length, so no two different field lists give the same bytes; NULL and
 * "" differ.  DNS names, e-mail addresses and enumerated words are folded
 * to ASCII lower case (an enumerated word by its schema word when it has
 * one); other text is taken as received (already trimmed by the parser).
 *
 * A record is one SHA-256 of its fields and of its reasons, DKIM and SPF
 * results, each list as a multiset: its elements' digests sorted (a list
 * of one is put as it is, which saves hashing it on its own).  The records of a report are combined
 * by adding their digests modulo 2^256, which does not depend on their
 * order and needs no memory per record.  Such a sum can be steered by
 * someone who chooses many records freely, but only to make their own
 * report equal to a report whose content they already know; the worst it
 * can do is have a report dropped as a duplicate of one that is stored
 * with the same key, never change what is stored.
 */
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "canon.h"
#include "limits.h"

/* field tags: each value is hashed as tag, 8-byte length, bytes */
enum {
	C_TEXT = 't',		/* as received */
	C_FOLD = 'f',		/* ASCII case folded */
	C_INT = 'i',
	C_NULL = 'n',
	C_SET = 's',		/* a multiset of length elements follows */
};

static void
put_head(struct hash *h, uint8_t tag, uint64_t len)
{
	uint8_t b[9];

	b[0] = tag;
	for (int i = 0; i < 8; i++)
		b[1 + i] = (uint8_t)(len >> (8 * i));
	hash_add(h, b, sizeof(b));
}

static void
put_text(struct hash *h, const char *s)
{
	if (s == NULL) {
		put_head(h, C_NULL, 0);
		return;
	}
	put_head(h, C_TEXT, strlen(s));
	hash_add(h, s, strlen(s));
}

/* s in ASCII lower case: DNS names, addresses, unknown enum words */
static void
put_fold(struct hash *h, const char *s)
{
	char chunk[256];
	size_t n, k;

	if (s == NULL) {
		put_head(h, C_NULL, 0);
		return;
	}
	put_head(h, C_FOLD, strlen(s));
	for (n = strlen(s); n > 0; n -= k, s += k) {
		k = n < sizeof(chunk) ? n : sizeof(chunk);
		for (size_t i = 0; i < k; i++)
			chunk[i] = s[i] >= 'A' && s[i] <= 'Z' ?
			    (char)(s[i] - 'A' + 'a') : s[i];
		hash_add(h, chunk, k);
	}
}

static void
put_int(struct hash *h, int64_t v)
{
	put_head(h, C_INT, (uint64_t)v);
}

/* an enumerated word: its schema word, else the raw text folded */
static void
put_word(struct hash *h, const struct word *w)
{
	if (w->norm != NULL)
		put_fold(h, w->norm);
	else
		put_fold(h, w->raw);
}

static int
bydigest(const void *a, const void *b)
{
	return memcmp(a, b, HASH_LEN);
}

/* the n digests in d (sorted here) as one multiset */
static void
put_set(struct hash *h, uint8_t (*d)[HASH_LEN], size_t n)
{
	if (n > 1)
		qsort(d, n, HASH_LEN, bydigest);
	put_head(h, C_SET, n);
	for (size_t i = 0; i < n; i++)
		hash_add(h, d[i], HASH_LEN);
}

static void
reason_put(struct hash *h, const void *p)
{
	const struct reason *r = p;

	put_word(h, &r->type);
	put_text(h, r->comment);
}

static void
dkim_put(struct hash *h, const void *p)
{
	const struct dkim_auth *a = p;

	put_fold(h, a->domain);
	put_fold(h, a->selector);
	put_word(h, &a->result);
	put_text(h, a->human_result);
}

static void
spf_put(struct hash *h, const void *p)
{
	const struct spf_auth *a = p;

	put_fold(h, a->domain);
	/* RFC 7489 appendix C: an absent scope means mfrom */
	if (a->scope.norm == NULL && a->scope.raw == NULL)
		put_fold(h, "mfrom");
	else
		put_word(h, &a->scope);
	put_word(h, &a->result);
	put_text(h, a->human_result);
}

/*
 * A list of n elements of size bytes at v, put by fn, as a multiset: one
 * element is put as it is (the common case, and no order to forget), more
 * are each hashed, the digests sorted and put.  d has room for n.
 */
static void
put_list(struct hash *h, const void *v, size_t n, size_t size,
    void (*fn)(struct hash *, const void *), uint8_t (*d)[HASH_LEN])
{
	const char *p = v;
	struct hash e;

	if (n == 1) {
		put_head(h, C_SET, 1);
		fn(h, p);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		hash_init(&e);
		fn(&e, p + i * size);
		hash_final(&e, d[i]);
	}
	put_set(h, d, n);
}

/* the children of a record: the parser keeps each list within its MAX_* */
static void
record_children(struct hash *h, const struct record *rec)
{
	uint8_t d[MAX_DKIM_RESULTS][HASH_LEN];

	assert(rec->n_reasons <= MAX_REASONS && rec->n_spf <= MAX_SPF_RESULTS &&
	    rec->n_dkim <= MAX_DKIM_RESULTS);
	assert(MAX_REASONS <= MAX_DKIM_RESULTS &&
	    MAX_SPF_RESULTS <= MAX_DKIM_RESULTS);
	put_list(h, rec->reasons, rec->n_reasons, sizeof(*rec->reasons),
	    reason_put, d);
	put_list(h, rec->dkim, rec->n_dkim, sizeof(*rec->dkim), dkim_put, d);
	put_list(h, rec->spf, rec->n_spf, sizeof(*rec->spf), spf_put, d);
}

void
canon_init(struct canon *c)
{
	memset(c, 0, sizeof(*c));
}

void
canon_record(struct canon *c, const struct record *rec)
{
	uint8_t d[HASH_LEN];
	struct hash h;
	unsigned carry = 0;

	hash_init(&h);
	if (rec->source_ip[0] != '\0')
		put_fold(&h, rec->source_ip);
	else
		put_fold(&h, rec->source_ip_raw);
	put_int(&h, rec->count);
	put_word(&h, &rec->disposition);
	put_word(&h, &rec->eval_dkim);
	put_word(&h, &rec->eval_spf);
	put_fold(&h, rec->envelope_to);
	put_fold(&h, rec->envelope_from);
	put_fold(&h, rec->header_from);
	record_children(&h, rec);
	hash_final(&h, d);
	for (size_t i = 0; i < HASH_LEN; i++) {
		carry += (unsigned)c->sum[i] + d[i];
		c->sum[i] = (uint8_t)carry;
		carry >>= 8;
	}
	c->n++;
}

static void
policy_fields(struct hash *h, const struct policy *p)
{
	put_fold(h, p->domain);
	put_word(h, &p->adkim);
	put_word(h, &p->aspf);
	put_word(h, &p->p);
	put_word(h, &p->sp);
	put_word(h, &p->np);
	put_int(h, p->pct);
	put_fold(h, p->fo);
	put_word(h, &p->testing);
	put_word(h, &p->discovery_method);
}

void
canon_final(const struct canon *c, const struct report *r,
    uint8_t out[HASH_LEN])
{
	uint8_t d[MAX_REPORT_ERRORS][HASH_LEN];
	struct hash h, e;

	hash_init(&h);
	put_text(&h, r->xmlns);
	put_text(&h, r->version);
	put_fold(&h, r->org_name);
	put_fold(&h, r->email);
	put_text(&h, r->extra_contact_info);
	put_text(&h, r->report_id);
	put_text(&h, r->generator);
	put_int(&h, r->begin);
	put_int(&h, r->end);
	assert(r->n_errors <= MAX_REPORT_ERRORS);
	for (size_t i = 0; i < r->n_errors; i++) {
		hash_init(&e);
		put_text(&e, r->errors[i]);
		hash_final(&e, d[i]);
	}
	put_set(&h, d, r->n_errors);
	policy_fields(&h, &r->policy);
	put_head(&h, C_SET, c->n);
	hash_add(&h, c->sum, sizeof(c->sum));
	hash_final(&h, out);
}

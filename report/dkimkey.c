/*
 * DKIM key record parser and validator (dkimkey.h): the tag list of RFC
 * 6376 3.6.1, base64 of p= (nettle), and a small bounded DER reader that
 * finds the RSA modulus in a SubjectPublicKeyInfo (or, as RFC 6376
 * erratum 3017 allows, a bare PKCS#1 RSAPublicKey) to tell its length.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <nettle/base64.h>

#include "dkimkey.h"
#include "limits.h"
#include "xalloc.h"

/* one tag of the record: name and value, trimmed, borrowed */
struct tag {
	const char	*name, *val;
	size_t		 nlen, vlen;
};

/* a DER element: tag byte and content */
struct der {
	unsigned char		 tag;
	const unsigned char	*p;
	size_t			 n;
};

/* DER of the rsaEncryption OID, 1.2.840.113549.1.1.1 */
static const unsigned char rsa_oid[] = {
	0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01
};

const char *
dkimkey_type_name(enum dkimkey_type t)
{
	switch (t) {
	case DKIMKEY_RSA:
		return "rsa";
	case DKIMKEY_ED25519:
		return "ed25519";
	default:
		return "unknown";
	}
}

void
dkimkey_release(struct dkimkey *key)
{
	if (key == NULL)
		return;
	recnotes_release(&key->notes);
	memset(key, 0, sizeof(*key));
}

static int
is_wsp(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* s[0..*n) without surrounding whitespace */
static const char *
trim(const char *s, size_t *n)
{
	while (*n > 0 && is_wsp(s[0])) {
		s++;
		(*n)--;
	}
	while (*n > 0 && is_wsp(s[*n - 1]))
		(*n)--;
	return s;
}

static int
tag_is(const struct tag *t, const char *name)
{
	return t->nlen == strlen(name) && strncmp(t->name, name, t->nlen) == 0;
}

/* 1 if the ':'-separated list v[0..n) holds word (case-insensitive) */
static int
list_has(const char *v, size_t n, const char *word)
{
	size_t wl = strlen(word);

	while (n > 0) {
		size_t k = 0, m;
		const char *item;

		while (k < n && v[k] != ':')
			k++;
		m = k;
		item = trim(v, &m);
		if (m == wl && strncasecmp(item, word, wl) == 0)
			return 1;
		v += k < n ? k + 1 : k;
		n -= k < n ? k + 1 : k;
	}
	return 0;
}

/*
 * Reads one DER element at p[0..n) into e (short and long definite
 * lengths, at most 4 length bytes).  Returns its total size, 0 if it is
 * malformed or runs past the end.
 */
static size_t
der_read(const unsigned char *p, size_t n, struct der *e)
{
	size_t len, hdr = 2;

	if (n < 2)
		return 0;
	e->tag = p[0];
	len = p[1];
	if (len & 0x80) {
		size_t k = len & 0x7f;

		if (k == 0 || k > 4 || n < 2 + k)
			return 0;
		len = 0;
		for (size_t i = 0; i < k; i++)
			len = len << 8 | p[2 + i];
		hdr += k;
	}
	if (len > n - hdr)
		return 0;
	e->p = p + hdr;
	e->n = len;
	return hdr + len;
}

/* 1 if p[0..n) is exactly one DER element with tag, read into e */
static int
der_whole(const unsigned char *p, size_t n, unsigned char tag,
    struct der *e)
{
	return n > 0 && der_read(p, n, e) == n && e->tag == tag;
}

/* bits of a DER INTEGER's magnitude (leading zero bytes and bits off) */
static unsigned
int_bits(const struct der *e)
{
	size_t i = 0;
	unsigned bits;
	unsigned char top;

	while (i < e->n && e->p[i] == 0)
		i++;
	if (i == e->n)
		return 0;
	bits = (unsigned)(e->n - i) * 8;
	for (top = e->p[i]; !(top & 0x80); top <<= 1)
		bits--;
	return bits;
}

/* RSAPublicKey ::= SEQUENCE { modulus INTEGER, publicExponent INTEGER } */
static unsigned
pkcs1_bits(const unsigned char *p, size_t n)
{
	struct der seq, mod, exp;
	size_t k;

	if (!der_whole(p, n, 0x30, &seq) ||
	    (k = der_read(seq.p, seq.n, &mod)) == 0 || mod.tag != 0x02 ||
	    !der_whole(seq.p + k, seq.n - k, 0x02, &exp))
		return 0;
	return int_bits(&mod);
}

/*
 * SubjectPublicKeyInfo ::= SEQUENCE { SEQUENCE { OID, params },
 * BIT STRING }: the modulus bits of an rsaEncryption key; 0 if it is not
 * one.
 */
static unsigned
spki_bits(const unsigned char *p, size_t n)
{
	struct der spki, alg, oid, bits;
	size_t k;

	if (!der_whole(p, n, 0x30, &spki) ||
	    (k = der_read(spki.p, spki.n, &alg)) == 0 || alg.tag != 0x30 ||
	    der_read(alg.p, alg.n, &oid) == 0 || oid.tag != 0x06 ||
	    oid.n != sizeof(rsa_oid) || memcmp(oid.p, rsa_oid, oid.n) != 0 ||
	    !der_whole(spki.p + k, spki.n - k, 0x03, &bits) ||
	    bits.n < 2 || bits.p[0] != 0)
		return 0;
	return pkcs1_bits(bits.p + 1, bits.n - 1);
}

/* decodes the base64 of v[0..n), whitespace skipped; caller frees */
static unsigned char *
unbase64(const char *v, size_t n, size_t *out)
{
	struct base64_decode_ctx ctx;
	unsigned char *buf = xmalloc(BASE64_DECODE_LENGTH(n) + 1);
	size_t done = 0;

	base64_decode_init(&ctx);
	for (size_t i = 0; i < n; i++) {
		int got;

		if (is_wsp(v[i]))
			continue;
		if ((got = base64_decode_single(&ctx, buf + done, v[i])) < 0)
			goto fail;
		done += (size_t)got;
	}
	if (!base64_decode_final(&ctx))
		goto fail;
	*out = done;
	return buf;
fail:
	free(buf);
	return NULL;
}

/* judges the key in p= for type */
static void
judge_key(struct dkimkey *key, const struct tag *p)
{
	unsigned char *der;
	size_t n;

	if (p->vlen == 0) {
		key->revoked = 1;
		recnotes_add(&key->notes, RECNOTE_ERROR, "revoked", "p= is "
		    "empty: the key is revoked and every signature with this "
		    "selector fails");
		return;
	}
	if ((der = unbase64(p->val, p->vlen, &n)) == NULL) {
		recnotes_add(&key->notes, RECNOTE_ERROR, "bad-key",
		    "p= is not valid base64");
		return;
	}
	if (key->type == DKIMKEY_ED25519) {
		key->bits = n == 32 ? 256 : 0;
		if (n != 32)
			recnotes_add(&key->notes, RECNOTE_ERROR, "bad-key",
			    "an Ed25519 key is 32 bytes, this one %zu "
			    "(RFC 8463 4)", n);
	} else if (key->type == DKIMKEY_RSA) {
		if ((key->bits = spki_bits(der, n)) == 0 &&
		    (key->bits = pkcs1_bits(der, n)) != 0)
			recnotes_add(&key->notes, RECNOTE_WARNING, "pkcs1-key",
			    "p= holds a bare RSAPublicKey; most signers "
			    "publish a SubjectPublicKeyInfo and some "
			    "receivers read only that");
		if (key->bits == 0)
			recnotes_add(&key->notes, RECNOTE_ERROR, "bad-key",
			    "p= does not hold an RSA public key");
		else if (key->bits < DKIM_RSA_MIN_BITS)
			recnotes_add(&key->notes, RECNOTE_ERROR, "weak-key",
			    "a %u-bit RSA key: receivers fail signatures with "
			    "keys under %d bits (RFC 8301 3.2)", key->bits,
			    DKIM_RSA_MIN_BITS);
		else if (key->bits < DKIM_RSA_GOOD_BITS)
			recnotes_add(&key->notes, RECNOTE_WARNING, "short-key",
			    "a %u-bit RSA key: use %d bits (RFC 8301 3.2 "
			    "says signers SHOULD)", key->bits,
			    DKIM_RSA_GOOD_BITS);
	}
	free(der);
}

/* k=, h=, s=, t=: what they say about the key's use; others ignored */
static void
apply_tag(struct dkimkey *key, const struct tag *t)
{
	if (tag_is(t, "k")) {
		if (t->vlen == 3 && strncasecmp(t->val, "rsa", 3) == 0)
			key->type = DKIMKEY_RSA;
		else if (t->vlen == 7 && strncasecmp(t->val, "ed25519", 7) == 0)
			key->type = DKIMKEY_ED25519;
		else {
			key->type = DKIMKEY_UNKNOWN;
			recnotes_add(&key->notes, RECNOTE_ERROR, "unknown-k",
			    "k= names a key type receivers do not know "
			    "(rsa and ed25519 are defined)");
		}
	} else if (tag_is(t, "h")) {
		if (!list_has(t->val, t->vlen, "sha256"))
			recnotes_add(&key->notes, RECNOTE_ERROR, "sha1-only",
			    "h= does not allow sha256; receivers no longer "
			    "verify sha1 (RFC 8301 3.1): drop h= or add sha256");
	} else if (tag_is(t, "s")) {
		if (!list_has(t->val, t->vlen, "*") &&
		    !list_has(t->val, t->vlen, "email"))
			recnotes_add(&key->notes, RECNOTE_ERROR, "not-email",
			    "s= does not include 'email' or '*': the key "
			    "cannot sign mail");
	} else if (tag_is(t, "t")) {
		key->testing = list_has(t->val, t->vlen, "y");
		key->strict = list_has(t->val, t->vlen, "s");
		if (key->testing)
			recnotes_add(&key->notes, RECNOTE_WARNING, "testing",
			    "t=y: the domain is testing DKIM and receivers "
			    "may treat its signatures as unsigned; remove t=y");
	}
}

/*
 * Splits txt into tags; returns the number found, or -1 after an error
 * note (a tag without '=', a duplicate, more than fit).
 */
static int
split_tags(struct dkimkey *key, const char *txt, struct tag *tags,
    size_t max)
{
	size_t n = 0;

	for (const char *s = txt; *s != '\0'; ) {
		size_t len = strcspn(s, ";"), nl;
		const char *seg = trim(s, &len), *eq;

		s += strcspn(s, ";");
		if (*s == ';')
			s++;
		if (len == 0)
			continue;
		if ((eq = memchr(seg, '=', len)) == NULL || n == max) {
			recnotes_add(&key->notes, RECNOTE_ERROR, "syntax",
			    n == max ? "more tags than a key record has" :
			    "a tag without '=' (RFC 6376 3.2)");
			return -1;
		}
		nl = (size_t)(eq - seg);
		tags[n].name = trim(seg, &nl);
		tags[n].nlen = nl;
		tags[n].vlen = len - (size_t)(eq + 1 - seg);
		tags[n].val = trim(eq + 1, &tags[n].vlen);
		for (size_t i = 0; i < n; i++)
			if (tags[i].nlen == nl &&
			    memcmp(tags[i].name, tags[n].name, nl) == 0) {
				recnotes_add(&key->notes, RECNOTE_ERROR,
				    "duplicate-tag", "a tag appears twice "
				    "(RFC 6376 3.2): receivers ignore the key");
				return -1;
			}
		n++;
	}
	return (int)n;
}

int
dkimkey_parse(const char *txt, struct dkimkey *key)
{
	struct tag tags[MAX_DKIM_TAGS];
	const struct tag *p = NULL;
	int n;

	memset(key, 0, sizeof(*key));
	if (strlen(txt) > MAX_DKIM_RECORD_BYTES) {
		recnotes_add(&key->notes, RECNOTE_ERROR, "too-long",
		    "more bytes than any key record has");
		return -1;
	}
	if ((n = split_tags(key, txt, tags, MAX_DKIM_TAGS)) == -1)
		return -1;
	for (int i = 0; i < n; i++) {
		if (tag_is(&tags[i], "v") && (i != 0 || tags[i].vlen != 5 ||
		    strncmp(tags[i].val, "DKIM1", 5) != 0)) {
			recnotes_add(&key->notes, RECNOTE_ERROR, "not-dkim",
			    i != 0 ? "v= is not the first tag (RFC 6376 "
			    "3.6.1): receivers discard the record" :
			    "v= is not DKIM1: receivers discard the record");
			return -1;
		}
		if (tag_is(&tags[i], "p"))
			p = &tags[i];
		else
			apply_tag(key, &tags[i]);
	}
	if (p == NULL) {
		recnotes_add(&key->notes, RECNOTE_ERROR, "no-key",
		    "no p= tag: this is not a DKIM key record");
		return -1;
	}
	key->is_dkim = 1;
	judge_key(key, p);
	key->valid = !recnotes_has_error(&key->notes);
	return key->valid ? 0 : -1;
}

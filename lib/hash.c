/*
 * SHA-256 over input files and report documents, through nettle.  The hex
 * form is what the ledger stores and compares, so it is always lower case.
 */
#include "hash.h"

void
hash_init(struct hash *h)
{
	sha256_init(&h->ctx);
}

void
hash_add(struct hash *h, const void *p, size_t n)
{
	if (n > 0)
		sha256_update(&h->ctx, n, p);
}

void
hash_final(struct hash *h, uint8_t out[HASH_LEN])
{
	sha256_digest(&h->ctx, HASH_LEN, out);
}

void
hash_hex(const uint8_t in[HASH_LEN], char out[HASH_HEX_LEN])
{
	static const char hexdig[] = "0123456789abcdef";

	for (size_t i = 0; i < HASH_LEN; i++) {
		out[2 * i] = hexdig[in[i] >> 4];
		out[2 * i + 1] = hexdig[in[i] & 0xF];
	}
	out[2 * HASH_LEN] = '\0';
}

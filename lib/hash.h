/*
 * SHA-256 (nettle) for input and document identity: the ledger recognises
 * an input it has seen by the hash of its bytes, and a re-sent report by
 * the hash of its XML.
 */
#ifndef DMARC_HASH_H
#define DMARC_HASH_H

#include <stddef.h>
#include <stdint.h>

#include <nettle/sha2.h>

#define HASH_LEN	32
#define HASH_HEX_LEN	65	/* 64 hex digits and NUL */

struct hash {
	struct sha256_ctx ctx;
};

void	hash_init(struct hash *);
void	hash_add(struct hash *, const void *, size_t);
/* writes the digest; the hash must be re-initialised before reuse */
void	hash_final(struct hash *, uint8_t out[HASH_LEN]);
/* lower-case hex of a digest */
void	hash_hex(const uint8_t in[HASH_LEN], char out[HASH_HEX_LEN]);

#endif

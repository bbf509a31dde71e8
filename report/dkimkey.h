/*
 * The DKIM key record (RFC 6376 3.6.1, a DNS TXT record at
 * SELECTOR._domainkey.DOMAIN): parser and validator with the notes a
 * postmaster needs: key type and RSA modulus length (RFC 8301: under
 * 1024 bits receivers fail the signature), an empty p= (revoked), t=y
 * (testing), a service type that excludes e-mail, SHA-1-only h=.  Pure:
 * takes the record's text, produces a struct dkimkey; no DNS, no output.
 *
 * Grammar: tag=value pairs separated by ';' with whitespace around them
 * (RFC 6376 3.2); v=DKIM1, if present, must come first; p= is required;
 * unknown tags are ignored, as receivers do.
 */
#ifndef DMARC_DKIMKEY_H
#define DMARC_DKIMKEY_H

#include <stddef.h>

#include "recnote.h"

/* RFC 8301 3.2: verifiers fail RSA keys under 1024 bits; signers SHOULD
   use at least 2048 */
#define DKIM_RSA_MIN_BITS	1024
#define DKIM_RSA_GOOD_BITS	2048

enum dkimkey_type {
	DKIMKEY_RSA,		/* k=rsa, or no k= */
	DKIMKEY_ED25519,	/* k=ed25519 (RFC 8463) */
	DKIMKEY_UNKNOWN,	/* another k=: receivers cannot verify */
};

struct dkimkey {
	int		 is_dkim;	/* parsed as a tag list with p= and, if
					   v= is there, v=DKIM1 first */
	int		 valid;		/* is_dkim and no RECNOTE_ERROR note */
	enum dkimkey_type type;
	int		 revoked;	/* p= is empty */
	unsigned	 bits;		/* RSA modulus or Ed25519 key length;
					   0 if unknown or revoked */
	int		 testing;	/* t= has y */
	int		 strict;	/* t= has s: no subdomains of d= */
	struct recnotes	 notes;
};

/*
 * Parses and validates one key record.  txt is NUL-terminated, at most
 * MAX_DKIM_RECORD_BYTES long.  key is initialised here and must be
 * released with dkimkey_release() whatever the result.  Returns 0 when
 * receivers can verify signatures with the key (warnings allowed), -1
 * otherwise (revoked, unusable, broken: the notes say which).
 */
int	dkimkey_parse(const char *txt, struct dkimkey *key);
void	dkimkey_release(struct dkimkey *);

/* "rsa" "ed25519" "unknown" */
const char *dkimkey_type_name(enum dkimkey_type);

#endif

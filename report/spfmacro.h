/*
 * SPF macro expansion (RFC 7208 7): a domain-spec with %{...} macros
 * turned into the name to query, for one message's facts.  Pure.
 */
#ifndef DMARC_SPFMACRO_H
#define DMARC_SPFMACRO_H

#include <stddef.h>

/* the facts macros expand to; all strings borrowed */
struct spf_macro_env {
	const char		*sender;	/* %{s}: local@domain */
	const char		*domain;	/* %{d}: the current domain */
	const char		*helo;		/* %{h} */
	const unsigned char	*ip;		/* %{i}: 4 or 16 bytes */
	int			 family;	/* 4 or 6 */
};

/*
 * Expands spec into out (outlen bytes).  When the result is longer than
 * a domain name may be (253 bytes), labels are dropped from the left
 * until it fits (RFC 7208 7.3).  Returns 0, or -1 if the spec is invalid
 * (a macro spfrec.c would reject, a zero digit transformer) or the result
 * does not fit out.
 */
int	spf_macro_expand(const char *spec, const struct spf_macro_env *,
	    char *out, size_t outlen);

#endif

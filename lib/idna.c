/*
 * IDNA conversions through libidn2 (idna.h).  Only names that need it go
 * through libidn2: plain ASCII names keep today's checks in domain.c
 * (which allow '_' and a leading '-' that STD3 rules would refuse), so the
 * conversion never turns a name that was accepted before into an error.
 */
#include <stdlib.h>
#include <string.h>

#include <idn2.h>

#include "idna.h"

/* UTS #46 non-transitional processing of NFC input, the browsers' way */
#define IDNA_FLAGS	(IDN2_NONTRANSITIONAL | IDN2_NFC_INPUT)

/* 1 when a label of the lower-cased name s starts "xn--" */
static int
has_xn_label(const char *s)
{
	for (const char *p = s; (p = strstr(p, "xn--")) != NULL; p++)
		if (p == s || p[-1] == '.')
			return 1;
	return 0;
}

/* a reason in our voice for a libidn2 error code */
static const char *
reason(int rc)
{
	switch (rc) {
	case IDN2_PUNYCODE_BAD_INPUT:
	case IDN2_PUNYCODE_OVERFLOW:
	case IDN2_INVALID_ALABEL:
	case IDN2_UALABEL_MISMATCH:
	case IDN2_ALABEL_ROUNDTRIP_FAILED:
		return "bad punycode in an xn-- label";
	case IDN2_TOO_BIG_LABEL:
	case IDN2_PUNYCODE_BIG_OUTPUT:
		return "a label is longer than 63 bytes in A-label form";
	case IDN2_TOO_BIG_DOMAIN:
		return "the name is longer than 253 bytes in A-label form";
	case IDN2_DISALLOWED:
	case IDN2_UNASSIGNED:
	case IDN2_CONTEXTJ:
	case IDN2_CONTEXTJ_NO_RULE:
	case IDN2_CONTEXTO:
	case IDN2_CONTEXTO_NO_RULE:
	case IDN2_BIDI:
	case IDN2_INVALID_TRANSITIONAL:
	case IDN2_INVALID_NONTRANSITIONAL:
		return "a code point IDNA2008 (UTS #46) does not allow";
	case IDN2_LEADING_COMBINING:
		return "a label starts with a combining mark";
	case IDN2_2HYPHEN:
	case IDN2_HYPHEN_STARTEND:
		return "a label has hyphens IDNA2008 does not allow";
	case IDN2_ENCODING_ERROR:
	case IDN2_NFC:
	case IDN2_NOT_NFC:
		return "not valid UTF-8";
	default:
		return "not a valid internationalised domain name";
	}
}

/* s lower-cased (ASCII) into out, cut to fit */
static void
fold_copy(const char *s, char out[MAX_DOMAIN_LEN + 2])
{
	size_t i;

	for (i = 0; i < MAX_DOMAIN_LEN + 1 && s[i] != '\0'; i++)
		out[i] = s[i] >= 'A' && s[i] <= 'Z' ? (char)(s[i] - 'A' + 'a') :
		    s[i];
	out[i] = '\0';
}

static int
is_ascii(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s >= 0x80)
			return 0;
	return 1;
}

enum idna_form
idna_to_alabels(const char *s, char out[MAX_DOMAIN_LEN + 2], const char **why)
{
	enum idna_form form = IDNA_INVALID;
	char *a = NULL;
	size_t n;
	int rc;

	out[0] = '\0';
	if (why != NULL)
		*why = "empty name";
	if (s == NULL || *s == '\0')
		return IDNA_INVALID;
	fold_copy(s, out);
	if (is_ascii(s) && !has_xn_label(out))
		return IDNA_ASCII;
	if (strlen(s) > MAX_SHORT_TEXT) {
		rc = IDN2_TOO_BIG_DOMAIN;
		goto out;
	}
	if ((rc = idn2_to_ascii_8z(s, &a, IDNA_FLAGS)) != IDN2_OK)
		goto out;
	/* one trailing dot does not count towards the limit */
	n = strlen(a);
	if (n > MAX_DOMAIN_LEN + (size_t)(n > 0 && a[n - 1] == '.')) {
		rc = IDN2_TOO_BIG_DOMAIN;
		goto out;
	}
	memcpy(out, a, n + 1);
	form = is_ascii(s) ? IDNA_ALABELS : IDNA_ULABELS;
out:
	if (form == IDNA_INVALID) {
		out[0] = '\0';
		if (why != NULL)
			*why = reason(rc);
	}
	free(a);
	return form;
}

char *
idna_to_ulabels(const char *s)
{
	char a[MAX_DOMAIN_LEN + 2];
	char *u = NULL;

	if (idna_to_alabels(s, a, NULL) <= IDNA_ASCII)
		return NULL;
	if (idn2_to_unicode_8z8z(a, &u, 0) != IDN2_OK) {
		free(u);
		return NULL;
	}
	return u;
}

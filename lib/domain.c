/*
 * Domain normalisation and sanity checks for every domain a report names.
 * Values are lower-cased even when they fail the check, so the raw value
 * stored for a bad domain still compares equal to its other spellings.
 * U-labels are allowed as raw UTF-8 bytes (their UTF-8 validity was checked
 * where the document was read); domain_lookup_form() converts them to
 * A-labels through lib/idna.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "domain.h"
#include "idna.h"
#include "limits.h"
#include "xalloc.h"

static int
domain_byte_ok(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	    c == '-' || c == '_' || c >= 0x80;
}

int
domain_normalize(char *s)
{
	size_t len, label = 0;

	if (s == NULL)
		return -1;
	for (len = 0; s[len] != '\0'; len++)
		if (s[len] >= 'A' && s[len] <= 'Z')
			s[len] = s[len] - 'A' + 'a';
	/* the root "." itself is kept, so the raw value is not emptied */
	if (len > 1 && s[len - 1] == '.')
		s[--len] = '\0';
	if (len == 0 || len > MAX_DOMAIN_LEN)
		return -1;
	for (size_t i = 0; i <= len; i++) {
		if (s[i] == '.' || s[i] == '\0') {
			if (label == 0 || label > MAX_LABEL_LEN)
				return -1;
			label = 0;
		} else if (!domain_byte_ok((unsigned char)s[i]))
			return -1;
		else
			label++;
	}
	return 0;
}

const char *
domain_of_address(const char *s)
{
	const char *at;

	if (s == NULL)
		return "";
	if (*s == '<')
		s++;
	/* the last '@': a quoted local part may itself hold one */
	if ((at = strrchr(s, '@')) != NULL)
		s = at + 1;
	return s;
}

char *
domain_of_address_dup(const char *s)
{
	const char *d = domain_of_address(s);

	return xstrndup(d, strcspn(d, ">"));
}

char *
domain_lookup_form(const char *s, char *err, size_t errlen)
{
	char a[MAX_DOMAIN_LEN + 2];
	const char *why = NULL;
	char *d;

	if (s == NULL)
		s = "";
	if (idna_to_alabels(s, a, &why) == IDNA_INVALID && *s != '\0') {
		snprintf(err, errlen, "invalid domain '%.256s': %s", s, why);
		return NULL;
	}
	d = xstrdup(a);
	if (strlen(s) > MAX_DOMAIN_LEN + 1 || domain_normalize(d) == -1) {
		snprintf(err, errlen, "invalid domain '%.256s'", s);
		free(d);
		return NULL;
	}
	return d;
}

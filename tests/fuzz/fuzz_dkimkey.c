/*
 * Fuzz target: the DKIM key record parser (report/dkimkey.c), with its
 * base64 and DER readers, on arbitrary bytes cut at the first NUL as a
 * TXT record's text would be.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dkimkey.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dkimkey key;
	char *txt;

	if ((txt = malloc(size + 1)) == NULL)
		return 0;
	memcpy(txt, data, size);
	txt[size] = '\0';
	(void)dkimkey_parse(txt, &key);
	(void)dkimkey_type_name(key.type);
	dkimkey_release(&key);
	free(txt);
	return 0;
}

/*
 * Fuzz target: the SPF record parser (report/spfrec.c) on arbitrary
 * bytes.  The input is cut at its first NUL as a TXT record's text would
 * be; its first byte, when below 0x20, chooses up to four offsets where
 * TXT strings are said to be joined, so the glued-term check is fuzzed
 * too.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "spfrec.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct spfrec rec;
	size_t joins[4], n_joins = 0;
	const char *txts[2];
	char *txt;

	if (size > 0 && data[0] < 0x20) {
		for (size_t i = 0; i < 4 && i < data[0] % 5; i++)
			joins[n_joins++] = (size_t)data[0] * (i + 3);
		data++;
		size--;
	}
	if ((txt = malloc(size + 1)) == NULL)
		return 0;
	memcpy(txt, data, size);
	txt[size] = '\0';
	(void)spfrec_parse(txt, joins, n_joins, &rec);
	for (size_t i = 0; i < rec.n_terms; i++)
		(void)spf_mech_name(rec.terms[i].mech);
	for (size_t i = 0; i < rec.notes.n; i++)
		(void)recnote_sev_name(rec.notes.v[i].sev);
	spfrec_release(&rec);
	txts[0] = txt;
	txts[1] = txt;
	(void)spfrec_select(txts, 2);
	free(txt);
	return 0;
}

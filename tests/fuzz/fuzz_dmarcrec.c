/*
 * Fuzz target: the DMARC DNS record parser (report/dmarcrec.c) on
 * arbitrary bytes; the input is cut at its first NUL as a TXT record's
 * text would be, and also offered to the record selection and to the
 * explanation of an ignored record (whose inferred record must then be
 * one receivers accept).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dmarcrec.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dmarcrec rec;
	char *txt, *txts[2], *fixed, why[256];

	if ((txt = malloc(size + 1)) == NULL)
		return 0;
	memcpy(txt, data, size);
	txt[size] = '\0';
	(void)dmarcrec_parse(txt, &rec);
	(void)dmarcrec_p_name(rec.effective_p);
	for (size_t i = 0; i < rec.n_notes; i++)
		(void)dmarcrec_sev_name(rec.notes[i].sev);
	dmarcrec_release(&rec);
	txts[0] = txt;
	txts[1] = txt;
	(void)dmarcrec_select(txts, 2);
	if ((fixed = dmarcrec_explain(txt, why, sizeof(why))) != NULL &&
	    !dmarcrec_is_dmarc(fixed))
		abort();
	free(fixed);
	free(txt);
	return 0;
}

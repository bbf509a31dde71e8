/*
 * Fuzz target: the DNS answer parsing of the check mode's adapter
 * (report/dnsq_ares.c, c-ares' parsers plus our bounds, TXT record
 * boundaries and name checks) on arbitrary bytes.  The first byte chooses
 * the type asked (TXT, A, AAAA, MX, PTR); the rest is the message.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "dnsq_ares.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct spfdns_answer a;
	enum spfdns_type t;

	if (size < 1 || size > 65536)
		return 0;
	t = (enum spfdns_type)(data[0] % 5);
	memset(&a, 0, sizeof(a));
	if (dnsq_parse(t, data + 1, (int)(size - 1), &a) == SPFDNS_OK) {
		for (size_t i = 0; i < a.n_txt; i++)
			for (size_t k = 0; k < a.txt[i].n_joins; k++)
				if (a.txt[i].joins[k] > strlen(a.txt[i].text))
					__builtin_trap();
		for (size_t i = 0; i < a.n_names; i++)
			(void)strlen(a.names[i]);
	}
	spfdns_answer_release(&a);
	return 0;
}

/*
 * Fuzz target: the SMTP TLS report parser (tlsrpt_parse.c) on arbitrary
 * bytes, read in pieces of at most 4 KiB, and the sniffer on the same
 * bytes.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "diag.h"
#include "tlsrpt.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

struct mem {
	const uint8_t	*p;
	size_t		 n;
};

static int
mem_read(void *ctx, char *buf, int len)
{
	struct mem *m = ctx;
	size_t k = m->n < (size_t)len ? m->n : (size_t)len;

	if (k > 4096)
		k = 4096;
	memcpy(buf, m->p, k);
	m->p += k;
	m->n -= k;
	return (int)k;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mem m = { data, size };
	struct tlsrpt rep;
	struct diag d;

	(void)tlsrpt_sniff((const char *)data, size);
	diag_init(&d);
	if (tlsrpt_parse(mem_read, &m, &rep, &d) == 0)
		tlsrpt_release(&rep);
	return 0;
}

/*
 * Fuzz target: the DMARC failure report parser (ruf_parse.c, GMime
 * underneath) on arbitrary bytes, read in pieces of at most 4 KiB, and
 * the sniffer on the same bytes.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "diag.h"
#include "mail.h"
#include "ruf.h"
#include "sniff.h"

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
	struct ruf rep;
	struct diag d;

	mail_init();
	(void)sniff(data, size < 64 ? size : 64, NULL);
	diag_init(&d);
	if (ruf_parse(mem_read, &m, &rep, &d) == 0)
		ruf_release(&rep);
	return 0;
}

/*
 * Fuzz target: the report grammar (rua_parse.c) on arbitrary bytes, records
 * counted and dropped as the store would take them.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "diag.h"
#include "rua_parse.h"

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

	memcpy(buf, m->p, k);
	m->p += k;
	m->n -= k;
	return (int)k;
}

static int
on_record(void *arg, const struct report *rep, struct record *rec)
{
	(void)rep;
	*(size_t *)arg += rec->n_dkim + rec->n_spf + 1;
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct parse_handler h = { NULL, on_record };
	struct mem m = { data, size };
	struct report rep;
	struct diag d;
	size_t seen = 0;

	diag_init(&d);
	report_init(&rep);
	if (parse_report(mem_read, &m, &h, &seen, &rep, &d) == 0)
		report_release(&rep);
	return 0;
}

/*
 * Fuzz target: the DNS response parser (report/dns_wire.c) on arbitrary
 * bytes, as the answer to a TXT and to a PTR question.  Whatever the
 * message, the answer keeps the bounds dns_wire.h promises: at most
 * MAX_DNS_ANSWERS records, each valid UTF-8 without NUL and at most
 * MAX_DNS_TXT_LEN bytes, a TTL within [0, MAX_DNS_TTL]; a failed parse
 * leaves nothing behind.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dns_wire.h"
#include "utf8.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
check(const struct dns_answer *a, int rc)
{
	if (rc == -1 && (a->n_rrs != 0 || a->rrs != NULL))
		abort();
	if (a->n_rrs > MAX_DNS_ANSWERS || a->ttl < 0 || a->ttl > MAX_DNS_TTL)
		abort();
	for (size_t i = 0; i < a->n_rrs; i++) {
		size_t n = strlen(a->rrs[i]);

		if (n > MAX_DNS_TXT_LEN || !utf8_valid(a->rrs[i], n))
			abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dns_answer a;
	int rc;

	rc = dns_wire_parse(data, size, DNS_TXT, &a);
	check(&a, rc);
	dns_answer_release(&a);
	rc = dns_wire_parse(data, size, DNS_PTR, &a);
	check(&a, rc);
	dns_answer_release(&a);
	return 0;
}

/*
 * The table of document kinds (dockind.h): one row per kind of report
 * dmarc-ingest reads, found by what sniffing calls the document.
 */
#include <stddef.h>

#include "dockind.h"

static const struct doc_kind kinds[] = {
	/* RFC 7489 appendix C, RFC 9990: parsed by rua_parse.c, stored by
	   store_rua.c */
	{ "DMARC aggregate report", CONTAINER_XML, 1, rua_ingest },
	/* RFC 8460 4.4: parsed by tlsrpt_parse.c, stored by store_tls.c;
	   JSON is UTF-8 by definition (RFC 8259 8.1): nothing repaired */
	{ "SMTP TLS report", CONTAINER_JSON, 0, tls_ingest },
	/* RFC 9991, RFC 6591, RFC 5965: the document mail_ruf.c builds,
	   parsed by ruf_parse.c, stored by store_ruf.c; GMime reads the
	   charsets itself: nothing repaired */
	{ "DMARC failure report", CONTAINER_ARF, 0, ruf_ingest },
};

const struct doc_kind *
dockind_find(enum container c)
{
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (kinds[i].container == c)
			return &kinds[i];
	return NULL;
}

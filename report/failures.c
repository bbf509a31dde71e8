/*
 * The failures mode: the sources mode restricted to records that failed
 * DMARC (query.c's failing_only), each failing message counted under the
 * cause model.h's enum mfail gives it.
 */
#include "sources.h"

int
failures_build(struct rdb *db, struct dns *dns, const struct query_opts *qo,
    enum query_order order, size_t limit, struct model *m, char *err,
    size_t errlen)
{
	struct query_opts o = *qo;

	o.sources = 1;
	o.failing_only = 1;
	if (query_run(db, &o, m, err, errlen) == -1)
		return -1;
	query_sort_sources(m, order);
	sources_truncate(m, limit);
	if (dns != NULL && sources_resolve(m, dns, err, errlen) == -1)
		return -1;
	return 0;
}

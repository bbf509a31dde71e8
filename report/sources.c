/*
 * The sources and failures modes: query.c's per-source aggregation,
 * ordered, cut to --limit, then the reverse DNS name of each source in
 * one concurrent batch through dns.h; sources_classify() names the
 * sending service of each (classify.h) once the names are known.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "classify.h"
#include "sources.h"
#include "xalloc.h"

void
sources_truncate(struct model *m, size_t limit)
{
	size_t i;

	if (limit == 0 || m->n_sources <= limit)
		return;
	for (i = limit; i < m->n_sources; i++)
		msource_release(&m->sources[i]);
	m->sources_dropped += m->n_sources - limit;
	m->n_sources = limit;
}

int
sources_resolve(struct model *m, struct dns *dns, char *err, size_t errlen)
{
	struct dns_ptr *q = NULL;
	size_t i, n = 0;
	int rc = -1;

	if (m->n_sources == 0)
		return 0;
	q = xcalloc(m->n_sources, sizeof(*q));
	for (i = 0; i < m->n_sources; i++)
		if (m->sources[i].ip != NULL)
			q[n++].ip = m->sources[i].ip;
	/* a batch holds at most MAX_DNS_BATCH names: the rest stay unnamed */
	if (n > MAX_DNS_BATCH)
		n = MAX_DNS_BATCH;
	if (dns_ptr_batch(dns, q, n) == -1) {
		snprintf(err, errlen, "reverse DNS lookups failed");
		goto out;
	}
	for (i = 0, n = 0; i < m->n_sources; i++) {
		if (m->sources[i].ip == NULL || n >= MAX_DNS_BATCH)
			continue;
		m->sources[i].ptr = q[n].name;
		q[n].name = NULL;
		m->sources[i].ptr_status =
		    xstrdup(dns_status_name(q[n].status));
		m->sources[i].ptr_label = msource_ptr_label(&m->sources[i]);
		n++;
	}
	rc = 0;
out:
	dns_ptr_release(q, n);
	free(q);
	return rc;
}

void
sources_classify(struct model *m, const struct classify *c)
{
	size_t i;

	for (i = 0; i < m->n_sources; i++)
		m->sources[i].service = classify_source(c, &m->sources[i]);
}

static int
build(struct rdb *db, struct dns *dns, const struct query_opts *qo,
    enum query_order order, size_t limit, struct model *m, char *err,
    size_t errlen)
{
	if (query_run(db, qo, m, err, errlen) == -1)
		return -1;
	query_sort_sources(m, order);
	sources_truncate(m, limit);
	if (dns != NULL && sources_resolve(m, dns, err, errlen) == -1)
		return -1;
	return 0;
}

int
sources_build(struct rdb *db, struct dns *dns, const struct query_opts *qo,
    enum query_order order, size_t limit, struct model *m, char *err,
    size_t errlen)
{
	struct query_opts o = *qo;

	o.sources = 1;
	o.failing_only = 0;
	return build(db, dns, &o, order, limit, m, err, errlen);
}

/*
 * The sources and failures modes: per (policy domain, source IP) what
 * was sent and how it authenticated (sources), or only the messages that
 * failed DMARC with the cause of each (failures), with the reverse DNS
 * name of every source through dns.h and its sending service through
 * classify.h.
 */
#ifndef DMARC_SOURCES_H
#define DMARC_SOURCES_H

#include <stddef.h>

#include "dns.h"
#include "model.h"
#include "query.h"
#include "rdb.h"

struct classify;

/*
 * Fills m (mode MODEL_SOURCES) and sorts the sources by order; then, if
 * dns is set, looks up the PTR of every distinct address (one concurrent
 * batch; --no-dns: cached answers only).  limit > 0 keeps the first
 * limit sources after sorting (the others are released and counted in
 * sources_dropped).  Returns 0, or -1 with a message in err.
 */
int	sources_build(struct rdb *db, struct dns *dns,
	    const struct query_opts *, enum query_order, size_t limit,
	    struct model *m, char *err, size_t errlen);

/*
 * The failures mode: as sources_build over failing records only
 * (dmarc_pass = 0), sorted by failing volume unless order says otherwise.
 * Every source's tally then holds failing messages only, with
 * t.fail[MFAIL_*] giving the cause of each.
 */
int	failures_build(struct rdb *db, struct dns *dns,
	    const struct query_opts *, enum query_order, size_t limit,
	    struct model *m, char *err, size_t errlen);

/* PTR names of m's sources through dns (sources.c); 0 or -1 */
int	sources_resolve(struct model *m, struct dns *dns, char *err,
	    size_t errlen);
/* keeps the first limit sources (0: all) */
void	sources_truncate(struct model *m, size_t limit);
/*
 * Sets every source's service to classify_source(c, source) (NULL when
 * nothing matches or c is NULL).  Call it after sources_resolve(): the
 * reverse name is one of the keys.  The names are borrowed from c, which
 * must outlive the model's rendering.
 */
void	sources_classify(struct model *m, const struct classify *c);

#endif

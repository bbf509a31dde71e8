/*
 * The report destinations of a DMARC record (policy.h, RFC 7489 7.1,
 * RFC 9990 3): each rua and ruf mailto: URI, whether its host is in
 * another organization, and for those the authorization query at
 * RECORD-DOMAIN._report._dmarc.HOST in one concurrent batch.  The URIs
 * are untrusted: sentences quoting them are escaped by their sink.
 */
#include <stdlib.h>
#include <string.h>

#include "domain.h"
#include "limits.h"
#include "orgdomain.h"
#include "policy.h"
#include "policy_int.h"
#include "xalloc.h"

/* the sentence for a destination receivers will not send to (owned) */
static char *
dest_sentence(const struct policy_dest *d)
{
	return xasprintf("%s destination not authorized: publish `%s TXT "
	    "\"v=DMARC1\"` (or `*._report._dmarc.%s TXT \"v=DMARC1\"` for "
	    "every domain): receivers send no %s report to %s", d->tag,
	    d->qname, d->host, strcmp(d->tag, "rua") == 0 ? "aggregate" :
	    "failure", d->uri);
}

/* adds one destination; qname only when it is in another organization */
static void
dest_add(struct policy_lookup *pl, const char *tag, const char *uri,
    char *host)
{
	struct policy_dest *d = &pl->dests[pl->n_dests++];

	snprintf(d->tag, sizeof(d->tag), "%s", tag);
	d->uri = xstrdup(uri);
	d->host = host;
	if (orgdomain_aligned(host, pl->record_domain, 0))
		d->status = PDEST_INTERNAL;
	else {
		d->qname = xasprintf("%s._report._dmarc.%s", pl->record_domain,
		    host);
		d->status = PDEST_NOT_CHECKED;
	}
}

/* the mailto: destinations of one rua/ruf value (RFC 9989 4.7) */
static void
dests_collect(struct policy_lookup *pl, const char *tag, const char *val)
{
	char *copy, *u, *next, *at, *host;

	if (val == NULL)
		return;
	copy = xstrdup(val);
	for (u = copy; u != NULL && pl->n_dests < MAX_REPORT_DESTS;
	    u = next) {
		if ((next = strchr(u, ',')) != NULL)
			*next++ = '\0';
		while (*u == ' ' || *u == '\t')
			u++;
		for (size_t l = strlen(u); l > 0 && (u[l - 1] == ' ' ||
		    u[l - 1] == '\t'); l--)
			u[l - 1] = '\0';
		if (strncasecmp(u, "mailto:", 7) != 0 ||
		    (at = strrchr(u + 7, '@')) == NULL)
			continue;
		host = xstrdup(at + 1);
		host[strcspn(host, "!?>")] = '\0';
		if (strlen(host) > MAX_DOMAIN_LEN || domain_normalize(host) ==
		    -1) {
			free(host);
			continue;
		}
		dest_add(pl, tag, u, host);
	}
	free(copy);
}

/* what the answer at a destination's qname says */
static enum policy_dest_status
dest_status(const struct dns_query *q)
{
	switch (q->status) {
	case DNS_OK:
		for (size_t k = 0; k < q->n_rrs; k++)
			if (dmarcrec_is_dmarc(q->rrs[k]))
				return PDEST_AUTHORIZED;
		return PDEST_NOT_AUTHORIZED;
	case DNS_NODATA:
	case DNS_NXDOMAIN:
		return PDEST_NOT_AUTHORIZED;
	case DNS_NOT_LOOKED_UP:
		return PDEST_NOT_CHECKED;
	default:
		return PDEST_UNKNOWN;
	}
}

/* the notes of the checked destinations */
static void
dests_note(struct policy_lookup *pl)
{
	for (size_t i = 0; i < pl->n_dests; i++) {
		const struct policy_dest *d = &pl->dests[i];
		char *s;

		/* few receivers send failure reports at all: ruf warns */
		if (d->status == PDEST_NOT_AUTHORIZED) {
			s = dest_sentence(d);
			dmarcrec_note(&pl->rec, strcmp(d->tag, "rua") == 0 ?
			    DMARCREC_ERROR : DMARCREC_WARNING,
			    "dest-not-authorized", "%s", s);
			free(s);
		} else if (d->status == PDEST_UNKNOWN)
			dmarcrec_note(&pl->rec, DMARCREC_WARNING,
			    "dest-unknown", "%s destination %s: could not "
			    "check its authorization: the TXT lookup of %s "
			    "failed", d->tag, d->uri, d->qname);
	}
}

/*
 * Checks every rua/ruf destination in another organization: one TXT
 * query per distinct name, in one batch (RFC 7489 7.1, RFC 9990 3).
 */
void
policy_dests_check(struct dns *dns, struct policy_lookup *pl)
{
	struct dns_query q[MAX_REPORT_DESTS];
	size_t n = 0, at[MAX_REPORT_DESTS];

	dests_collect(pl, "rua", pl->rec.rua);
	dests_collect(pl, "ruf", pl->rec.ruf);
	memset(q, 0, sizeof(q));
	for (size_t i = 0; i < pl->n_dests; i++) {
		size_t k;

		if (pl->dests[i].qname == NULL)
			continue;
		for (k = 0; k < n; k++)
			if (strcmp(q[k].name, pl->dests[i].qname) == 0)
				break;
		if (k == n) {
			q[n].type = DNS_TXT;
			q[n++].name = pl->dests[i].qname;
		}
		at[i] = k;
	}
	if (n > 0)
		dns_run(dns, q, n);
	for (size_t i = 0; i < pl->n_dests; i++)
		if (pl->dests[i].qname != NULL)
			pl->dests[i].status = dest_status(&q[at[i]]);
	for (size_t k = 0; k < n; k++)
		dns_query_release(&q[k]);
	dests_note(pl);
}

char **
policy_unauthorized(const struct policy_lookup *pl, const char *tag,
    size_t *n)
{
	char **v = NULL;

	*n = 0;
	for (size_t i = 0; i < pl->n_dests; i++) {
		if (pl->dests[i].status != PDEST_NOT_AUTHORIZED ||
		    (tag != NULL && strcmp(pl->dests[i].tag, tag) != 0))
			continue;
		v = xreallocarray(v, *n + 1, sizeof(*v));
		v[(*n)++] = dest_sentence(&pl->dests[i]);
	}
	return v;
}

/*
 * The `policy DOMAIN` mode of dmarc-report (policy.h): opens the
 * resolver and the cache, looks the domain up, reads its history,
 * renders it and says by the exit status whether a usable record
 * applies.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "format.h"
#include "limits.h"
#include "policy.h"

/* ceiling of one rendered policy (record, notes and history) */
#define POLICY_OUTPUT_MAX	(1024 * 1024)

static void
run_error(const struct policy_opts *po, const char *msg)
{
	if (po->dns.diag != NULL)
		fprintf(po->dns.diag, "%s: error: %s\n", po->dns.progname !=
		    NULL ? po->dns.progname : "dmarc-report", msg);
}

/* the exit status for a lookup (policy.h) */
static int
run_status(const struct policy_opts *po, const struct policy_lookup *pl)
{
	if (pl->status == POLICY_NOT_LOOKED_UP) {
		char msg[MAX_DOMAIN_LEN + 64];

		snprintf(msg, sizeof(msg), "no stored lookup of %s: run "
		    "without --no-dns", pl->domain);
		run_error(po, msg);
		return 2;
	}
	if (pl->status == POLICY_DNS_ERROR)
		return 2;
	if (pl->status == POLICY_FOUND && pl->rec.valid)
		return 0;
	return 1;
}

int
policy_run(const struct policy_opts *po, FILE *out)
{
	struct policy_lookup pl;
	struct policy_change *c = NULL;
	struct dns *dns;
	struct buf b;
	size_t n = 0;
	char err[512];
	int rc = 2;

	memset(&pl, 0, sizeof(pl));
	buf_init(&b, POLICY_OUTPUT_MAX);
	if ((dns = dns_new(&po->dns, err, sizeof(err))) == NULL ||
	    policy_current(dns, po->domain, &pl, err, sizeof(err)) == -1 ||
	    (dns_db(dns) != NULL && policy_history(dns_db(dns), pl.domain, &c,
	    &n, err, sizeof(err)) == -1)) {
		run_error(po, err);
		goto out;
	}
	if (po->format->policy(&b, &pl, c, n) == -1) {
		run_error(po, "policy output too large");
		goto out;
	}
	if (fwrite(buf_cstr(&b), 1, b.len, out) != b.len || fflush(out) != 0) {
		run_error(po, "cannot write the output");
		goto out;
	}
	rc = run_status(po, &pl);
out:
	policy_history_free(c, n);
	policy_lookup_release(&pl);
	buf_release(&b);
	dns_free(dns);
	return rc;
}

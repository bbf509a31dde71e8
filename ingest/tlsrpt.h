/*
 * The SMTP TLS report (RFC 8460, TLS-RPT) as its parser hands it to the
 * store: every field of RFC 8460 4.4.  All strings are clean UTF-8
 * without NUL, owned by the struct, NULL when the field was absent.
 * Enumerated words (policy type, result type) are kept twice, raw as
 * received and normalised, as the DMARC model does.
 */
#ifndef DMARC_TLSRPT_H
#define DMARC_TLSRPT_H

#include <stddef.h>
#include <stdint.h>

#include "diag.h"
#include "docread.h"

/* one failure-details entry of a policy */
struct tlsrpt_failure {
	char		*result_raw;	/* result-type as received */
	const char	*result;	/* RFC 8460 4.3 word, NULL if unknown */
	char		*sending_mta_ip;	/* canonical text, NULL if absent
						   (Microsoft omits it) */
	char		*receiving_mx_hostname;
	char		*receiving_mx_helo;
	char		*receiving_ip;	/* canonical text, NULL if absent */
	int64_t		 failed_sessions;	/* failed-session-count */
	char		*additional_information;
	char		*failure_reason_code;
};

/* one entry of "policies": the policy applied and its sessions */
struct tlsrpt_policy {
	char		*type_raw;	/* policy-type as received */
	const char	*type;		/* "sts" "tlsa" "no-policy-found" or NULL */
	char		**policy_strings;	/* policy-string lines */
	size_t		 n_policy_strings;
	char		*domain;	/* policy-domain, lower-cased A-label */
	char		**mx_hosts;	/* mx-host patterns */
	size_t		 n_mx_hosts;
	int64_t		 successful;	/* total-successful-session-count */
	int64_t		 failed;	/* total-failure-session-count */
	struct tlsrpt_failure *failures;
	size_t		 n_failures;
};

struct tlsrpt {
	char		*org_name;	/* organization-name */
	char		*contact_info;
	char		*report_id;
	int64_t		 begin, end;	/* date-range, epoch seconds UTC */
	struct tlsrpt_policy *policies;
	size_t		 n_policies;
};

/*
 * Parses one TLS report from read(ctx), at most MAX_TLSRPT_BYTES of JSON
 * (jansson, duplicate keys rejected, NUL and invalid UTF-8 rejected, the
 * parser's allocations capped at MAX_TLSRPT_MEMORY).  On success returns
 * 0 and rep holds the report (release with tlsrpt_release).  Returns -1
 * when it is rejected: not JSON, a limit passed, a required field
 * missing or of the wrong type; d->error says why, naming the field.
 * Tolerated quirks are counted in d as warnings.  Not thread-safe: the
 * allocation cap is process-wide while a parse runs.
 */
int	tlsrpt_parse(parse_read_fn read, void *ctx, struct tlsrpt *rep,
	    struct diag *d);
void	tlsrpt_release(struct tlsrpt *);

/*
 * 1 if the first bytes of a document look like a TLS report: a JSON
 * object (after white space) whose first bytes name one of its keys
 * ("organization-name", "date-range", "policies", "report-id").
 */
int	tlsrpt_sniff(const char *buf, size_t len);

#endif

/*
 * The tls mode of dmarc-report (tls.h): its model, the RFC 8460 4.3
 * result types with what each means and what to fix, and the run that
 * builds the window, queries (tls_query.c) and renders (tls_render.c)
 * to standard output or -o FILE (output.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "output.h"
#include "tls.h"
#include "xalloc.h"

#define PROG	"dmarc-report"

static const struct tls_advice advice[] = {
	{ "starttls-not-supported",
	  "the receiving MX did not offer STARTTLS: the mail went in clear "
	  "text or was not sent",
	  "turn TLS on in the MX's SMTP server (a certificate and key, "
	  "STARTTLS offered on port 25) on every host of the MX records" },
	{ "certificate-host-mismatch",
	  "the MX's certificate does not name the MX host (or no name of "
	  "the MTA-STS policy's mx lines)",
	  "use a certificate whose subjectAltName holds the MX host name "
	  "as the MX record gives it; keep the policy's mx lines in step "
	  "with the MX records" },
	{ "certificate-expired",
	  "the MX's certificate has expired",
	  "renew the certificate, automate the renewal and reload the SMTP "
	  "server after it" },
	{ "certificate-not-trusted",
	  "the MX's certificate chain does not lead to a CA the sender "
	  "trusts (self-signed, or an intermediate missing)",
	  "use a certificate from a public CA and serve the whole chain, "
	  "intermediates included" },
	{ "validation-failure",
	  "the certificate or the session failed validation for a reason "
	  "the other types do not name",
	  "read the failure-reason-code and additional-information of the "
	  "reports; test the MX with a TLS client (openssl s_client "
	  "-starttls smtp)" },
	{ "tlsa-invalid",
	  "DANE: no TLSA record of the MX matches its certificate",
	  "publish the TLSA record of the new key before rolling it, keep "
	  "the old one until the roll is done" },
	{ "dnssec-invalid",
	  "DANE: the DNSSEC signatures of the MX's records did not validate",
	  "repair the zone's DNSSEC chain (DS at the parent, expired "
	  "signatures, a key roll gone wrong)" },
	{ "dane-required",
	  "the sender requires DANE for this domain but found no "
	  "DNSSEC-validated TLSA record for the MX",
	  "publish TLSA records for the MX hosts in a DNSSEC-signed zone" },
	{ "sts-policy-fetch-error",
	  "MTA-STS: the policy could not be fetched from "
	  "https://mta-sts.DOMAIN/.well-known/mta-sts.txt",
	  "make that URL answer 200 with the policy as text/plain over "
	  "HTTPS, and keep the _mta-sts TXT record's id in step" },
	{ "sts-policy-invalid",
	  "MTA-STS: the fetched policy is not a valid policy",
	  "check its lines: version: STSv1, mode, one mx line per MX "
	  "pattern, max_age in seconds" },
	{ "sts-webpki-invalid",
	  "MTA-STS: the certificate of the policy's HTTPS host failed "
	  "validation",
	  "give mta-sts.DOMAIN a publicly trusted certificate for that "
	  "name" },
};

static const struct tls_advice unknown = { NULL,
	"a result type outside RFC 8460 4.3, as the reporter named it",
	"read the reporter's additional-information; the word is shown as "
	"received" };

const struct tls_advice *
tls_advice(const char *result, int known)
{
	for (size_t i = 0; known && result != NULL &&
	    i < sizeof(advice) / sizeof(advice[0]); i++)
		if (strcmp(result, advice[i].result) == 0)
			return &advice[i];
	return &unknown;
}

double
tls_share(const struct tls_domain *d)
{
	int64_t all = d->successful + d->failed;

	return all > 0 ? 100.0 * (double)d->failed / (double)all : 0.0;
}

void
tls_model_init(struct tls_model *m, const struct window *w)
{
	memset(m, 0, sizeof(*m));
	m->w = *w;
}

void
tls_model_release(struct tls_model *m)
{
	for (size_t i = 0; m != NULL && i < m->n_domains; i++) {
		struct tls_domain *d = &m->domains[i];

		for (size_t k = 0; k < d->n_fails; k++) {
			free(d->fails[k].result);
			free(d->fails[k].mx);
			free(d->fails[k].org);
		}
		free(d->fails);
		free(d->domain);
		free(d->policy_types);
	}
	if (m != NULL) {
		free(m->domains);
		m->domains = NULL;
		m->n_domains = 0;
	}
}

static int
parse_format(const char *s, enum tls_format *f)
{
	if (s == NULL || strcmp(s, "text") == 0)
		*f = TLS_TEXT;
	else if (strcmp(s, "json") == 0)
		*f = TLS_JSON;
	else if (strcmp(s, "csv") == 0)
		*f = TLS_CSV;
	else
		return -1;
	return 0;
}

/* the --domain values in lower case without a trailing dot; caller frees */
static char **
norm_domains(const struct tls_args *a)
{
	char **v = xreallocarray(NULL, a->n_domains + 1, sizeof(*v));

	for (size_t i = 0; i < a->n_domains; i++) {
		char *p;

		v[i] = xstrdup(a->domains[i]);
		for (p = v[i]; *p != '\0'; p++)
			if (*p >= 'A' && *p <= 'Z')
				*p = (char)(*p - 'A' + 'a');
		if (p > v[i] && p[-1] == '.')
			p[-1] = '\0';
	}
	return v;
}

int
tls_run(const struct tls_args *a)
{
	struct tls_model m;
	struct output o;
	struct window w;
	enum tls_format fmt;
	char err[1024], **doms = NULL;
	int rc = 2, r;

	memset(&m, 0, sizeof(m));
	if (parse_format(a->format, &fmt) == -1) {
		fprintf(stderr, PROG ": error: tls: --format: not text, json "
		    "or csv: '%s'\n", a->format);
		return 2;
	}
	if (window_parse(a->ws, &w, err, sizeof(err)) == -1)
		goto fail;
	tls_model_init(&m, &w);
	doms = norm_domains(a);
	if (tls_query(a->db, (const char *const *)doms, a->n_domains, &m,
	    err, sizeof(err)) == -1)
		goto fail;
	if (output_open(&o, a->out, err, sizeof(err)) == -1)
		goto fail;
	r = tls_render(o.f, fmt, &m);
	if (r == -1)
		snprintf(err, sizeof(err), "write failed");
	if (output_close(&o, r == 0, err, sizeof(err)) == -1 || r == -1)
		goto fail;
	rc = 0;
	goto out;
fail:
	fprintf(stderr, PROG ": error: %s\n", err);
out:
	for (size_t i = 0; doms != NULL && i < a->n_domains; i++)
		free(doms[i]);
	free(doms);
	tls_model_release(&m);
	return rc;
}

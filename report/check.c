/*
 * The checks of one domain (dnscheck.h): the item list and its verdicts, the
 * DMARC part (policy_current: tree walk, notes, destinations), the DKIM
 * keys of the selectors the reports show, and MX, MTA-STS and TLS-RPT.
 * SPF lives in check_spf.c.  Items quote DNS data and report fields
 * unescaped; the renderers escape.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dnscheck.h"
#include "dkimkey.h"
#include "dnsq_ares.h"
#include "policy.h"
#include "recnote.h"
#include "xalloc.h"

/* bytes of one item's text */
#define CHECK_TEXT_MAX	1024

const char *
check_verdict_name(enum check_verdict v)
{
	static const char *names[] = { "ok", "info", "warning", "error" };

	return (size_t)v < sizeof(names) / sizeof(names[0]) ? names[v] : "?";
}

void
check_add(struct check_domain *d, const char *area, enum check_verdict v,
    const char *code, const char *subject, double messages,
    const char *fmt, ...)
{
	struct check_item *it;
	char text[CHECK_TEXT_MAX];
	va_list ap;

	/* information is nothing to fix: the domain stays ok */
	if (v > d->worst && v != CHECK_INFO)
		d->worst = v;
	if (d->n_items >= MAX_CHECK_ITEMS) {
		d->dropped++;
		return;
	}
	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	d->items = xreallocarray(d->items, d->n_items + 1, sizeof(*d->items));
	it = &d->items[d->n_items++];
	memset(it, 0, sizeof(*it));
	snprintf(it->area, sizeof(it->area), "%s", area);
	it->verdict = v;
	snprintf(it->code, sizeof(it->code), "%s", code);
	it->subject = xstrdup(subject != NULL ? subject : "");
	it->text = xstrdup(text);
	it->messages = messages;
}

void
check_result_release(struct check_result *r)
{
	if (r == NULL)
		return;
	for (size_t i = 0; i < r->n_domains; i++) {
		struct check_domain *d = &r->domains[i];

		for (size_t k = 0; k < d->n_items; k++) {
			free(d->items[k].subject);
			free(d->items[k].text);
		}
		free(d->items);
		free(d->domain);
	}
	free(r->domains);
	memset(r, 0, sizeof(*r));
}

static enum check_verdict
note_verdict(int sev)
{
	return sev == RECNOTE_ERROR ? CHECK_ERROR : sev == RECNOTE_WARNING ?
	    CHECK_WARNING : CHECK_INFO;
}

/* ------------------------------------------------------------------ */
/* DMARC                                                              */

static void
dmarc_found(struct check_domain *out, const struct policy_lookup *pl)
{
	char name[MAX_DOMAIN_LEN + 16];
	char **dests;
	size_t n = 0;

	snprintf(name, sizeof(name), "_dmarc.%s", pl->record_domain);
	check_add(out, "dmarc", CHECK_OK, "record", name, -1, "'%s'%s",
	    pl->raw, pl->cached ? " (cached answer)" : "");
	for (size_t i = 0; i < pl->rec.n_notes; i++) {
		const struct dmarcrec_note *no = &pl->rec.notes[i];

		check_add(out, "dmarc", no->sev == DMARCREC_ERROR ?
		    CHECK_ERROR : no->sev == DMARCREC_WARNING ? CHECK_WARNING :
		    CHECK_INFO, no->code, name, -1, "%s", no->text);
	}
	dests = policy_unauthorized(pl, NULL, &n);
	for (size_t i = 0; i < n; i++) {
		check_add(out, "dmarc", CHECK_ERROR, "dest-unauthorized", name,
		    -1, "%s", dests[i]);
		free(dests[i]);
	}
	free(dests);
}

static void
check_dmarc(struct dns *dns, const char *domain, struct check_domain *out)
{
	struct policy_lookup pl;
	char err[512], name[MAX_DOMAIN_LEN + 16];

	memset(&pl, 0, sizeof(pl));
	snprintf(name, sizeof(name), "_dmarc.%s", domain);
	if (policy_current(dns, domain, &pl, err, sizeof(err)) == -1) {
		check_add(out, "dmarc", CHECK_WARNING, "lookup-failed", name,
		    -1, "the DMARC policy could not be read: %s", err);
		return;
	}
	for (size_t i = 0; i < pl.n_ignored; i++)
		check_add(out, "dmarc", CHECK_ERROR, "ignored-record",
		    pl.ignored[i].name, -1, "receivers ignore '%s' (%s)%s%s%s",
		    pl.ignored[i].raw, pl.ignored[i].why, pl.ignored[i].fixed ?
		    ": publish '" : "", pl.ignored[i].fixed ?
		    pl.ignored[i].fixed : "", pl.ignored[i].fixed ? "'" : "");
	switch (pl.status) {
	case POLICY_FOUND:
		dmarc_found(out, &pl);
		break;
	case POLICY_NONE:
		check_add(out, "dmarc", CHECK_ERROR, "no-record", name, -1,
		    "no DMARC record on the tree walk (RFC 9989 4.10): "
		    "publish '_dmarc.%s TXT \"v=DMARC1; p=none; "
		    "rua=mailto:...\"' to get reports", domain);
		break;
	case POLICY_INVALID:
		check_add(out, "dmarc", CHECK_ERROR, "no-usable-record", name,
		    -1, "TXT records are published but receivers use none "
		    "of them: fix the records above");
		break;
	case POLICY_DNS_ERROR:
		check_add(out, "dmarc", CHECK_WARNING, "dns-error", name, -1,
		    "the DMARC lookup timed out or failed: receivers may "
		    "treat the domain as having no policy; check the "
		    "domain's name servers");
		break;
	default:
		check_add(out, "dmarc", CHECK_INFO, "not-checked", name, -1,
		    "not looked up (--no-dns and no stored lookup)");
		break;
	}
	policy_lookup_release(&pl);
}

/* ------------------------------------------------------------------ */
/* DKIM                                                               */

/* the key's notes as items; a revoked key still signing says so */
static void
dkim_notes(struct check_domain *out, const struct dkimkey *k,
    const char *name, double msgs)
{
	for (size_t i = 0; i < k->notes.n; i++) {
		int rev = strcmp(k->notes.v[i].code, "revoked") == 0;

		check_add(out, "dkim", note_verdict(k->notes.v[i].sev),
		    k->notes.v[i].code, name, msgs, "%s%s",
		    k->notes.v[i].text, rev ? "; the reports show the "
		    "selector still signing mail: sign with a published "
		    "key" : "");
	}
}

static void
dkim_record(struct check_domain *out, const struct spfdns_answer *a,
    const struct check_selector *s, const char *name)
{
	struct dkimkey k;
	size_t n_dkim = 0, pick = 0;

	for (size_t i = 0; i < a->n_txt; i++) {
		dkimkey_parse(a->txt[i].text, &k);
		if (k.is_dkim && n_dkim++ == 0)
			pick = i;
		dkimkey_release(&k);
	}
	if (n_dkim == 0) {
		check_add(out, "dkim", CHECK_ERROR, "no-key", name,
		    s->messages, "no DKIM key record (p=) at the selector, "
		    "which signed %.0f messages: publish its key",
		    s->messages);
		return;
	}
	if (n_dkim > 1)
		check_add(out, "dkim", CHECK_ERROR, "several-keys", name,
		    s->messages, "%zu key records at one name: verifiers "
		    "may use either (RFC 6376 3.6.2.2); keep one", n_dkim);
	dkimkey_parse(a->txt[pick].text, &k);
	if (k.valid && k.notes.n == 0)
		check_add(out, "dkim", CHECK_OK, "key", name, s->messages,
		    "%s key, %u bits", dkimkey_type_name(k.type), k.bits);
	dkim_notes(out, &k, name, s->messages);
	dkimkey_release(&k);
}

static void
check_dkim(struct dnsq *q, const struct check_data *data,
    struct check_domain *out)
{
	char name[2 * MAX_DOMAIN_LEN + 16];
	struct spfdns_answer a;

	if (data->n_selectors == 0)
		check_add(out, "dkim", data->messages > 0 ? CHECK_WARNING :
		    CHECK_INFO, "no-selectors", out->domain, -1, "the reports "
		    "show no DKIM signature of the domain: sign its mail "
		    "(DMARC then passes without SPF)");
	for (size_t i = 0; i < data->n_selectors; i++) {
		const struct check_selector *s = &data->selectors[i];

		snprintf(name, sizeof(name), "%s._domainkey.%s", s->selector,
		    s->d);
		if (strlen(name) > MAX_DOMAIN_LEN)
			continue;
		switch (dnsq_ask(q, SPFDNS_TXT, name, &a)) {
		case SPFDNS_VOID:
			check_add(out, "dkim", CHECK_ERROR, "missing-key", name,
			    s->messages, "selector '%s' signed %.0f messages "
			    "but has no key in DNS: verifiers fail them; "
			    "publish the key or stop signing with it",
			    s->selector, s->messages);
			break;
		case SPFDNS_TEMP:
			check_add(out, "dkim", dns_offline(q->dns) ?
			    CHECK_INFO : CHECK_WARNING, "dns-error", name,
			    s->messages, "key lookup: %s", dnsq_why(q));
			break;
		default:
			dkim_record(out, &a, s, name);
		}
		spfdns_answer_release(&a);
	}
}

/* ------------------------------------------------------------------ */
/* MX, MTA-STS, TLS-RPT                                               */

/* the first TXT record at name starting with tag, or NULL; borrowed */
static const char *
txt_with(const struct spfdns_answer *a, const char *tag)
{
	for (size_t i = 0; i < a->n_txt; i++)
		if (strncmp(a->txt[i].text, tag, strlen(tag)) == 0)
			return a->txt[i].text;
	return NULL;
}

static void
check_txt_info(struct dnsq *q, const char *domain, const char *label,
    const char *tag, const char *what, const char *code,
    struct check_domain *out)
{
	char name[MAX_DOMAIN_LEN + 16];
	struct spfdns_answer a;
	const char *t;

	snprintf(name, sizeof(name), "%s.%s", label, domain);
	if (strlen(name) > MAX_DOMAIN_LEN)
		return;
	if (dnsq_ask(q, SPFDNS_TXT, name, &a) == SPFDNS_TEMP)
		check_add(out, "mx", CHECK_INFO, "dns-error", name, -1,
		    "%s lookup: %s", what, dnsq_why(q));
	else if ((t = txt_with(&a, tag)) != NULL)
		check_add(out, "mx", CHECK_OK, code, name, -1, "%s: '%s'",
		    what, t);
	else
		check_add(out, "mx", CHECK_INFO, code, name, -1,
		    "no %s record", what);
	spfdns_answer_release(&a);
}

/* BIMI (default._bimi TXT) is shown only when published */
static void
check_bimi(struct dnsq *q, const char *domain, struct check_domain *out)
{
	char name[MAX_DOMAIN_LEN + 16];
	struct spfdns_answer a;
	const char *t;

	snprintf(name, sizeof(name), "default._bimi.%s", domain);
	if (strlen(name) > MAX_DOMAIN_LEN)
		return;
	if (dnsq_ask(q, SPFDNS_TXT, name, &a) == SPFDNS_OK &&
	    (t = txt_with(&a, "v=BIMI1")) != NULL)
		check_add(out, "mx", CHECK_OK, "bimi", name, -1, "BIMI: '%s'",
		    t);
	spfdns_answer_release(&a);
}

static void
check_mx(struct dnsq *q, const char *domain, struct check_domain *out)
{
	struct spfdns_answer a;
	char hosts[512];
	size_t n = 0;

	hosts[0] = '\0';
	switch (dnsq_ask(q, SPFDNS_MX, domain, &a)) {
	case SPFDNS_OK:
		for (size_t i = 0; i < a.n_names && i < 4; i++)
			n += (size_t)snprintf(hosts + n, sizeof(hosts) - n,
			    "%s%s", i > 0 ? ", " : "", a.names[i]);
		check_add(out, "mx", CHECK_OK, "mx", domain, -1, "%zu MX "
		    "host(s): %s%s", a.n_names, hosts, a.n_names > 4 ?
		    ", ..." : "");
		break;
	case SPFDNS_VOID:
		check_add(out, "mx", CHECK_INFO, "no-mx", domain, -1, "no MX "
		    "record: mail to the domain goes to its address record, "
		    "if any");
		break;
	default:
		check_add(out, "mx", dns_offline(q->dns) ? CHECK_INFO :
		    CHECK_WARNING, "dns-error", domain, -1, "MX lookup: %s",
		    dnsq_why(q));
		spfdns_answer_release(&a);
		return;
	}
	spfdns_answer_release(&a);
	check_txt_info(q, domain, "_mta-sts", "v=STSv1", "MTA-STS", "mta-sts",
	    out);
	check_txt_info(q, domain, "_smtp._tls", "v=TLSRPTv1", "TLS-RPT",
	    "tls-rpt", out);
	check_bimi(q, domain, out);
}

void
check_domain(struct dns *dns, struct dnsq *q, const char *domain,
    const struct check_data *data, const struct classify *svc,
    struct check_domain *out)
{
	memset(out, 0, sizeof(*out));
	out->domain = xstrdup(domain);
	out->messages = data->messages;
	check_dmarc(dns, domain, out);
	if (dns_offline(dns)) {
		check_add(out, "spf", CHECK_INFO, "not-checked", domain, -1,
		    "SPF, DKIM and MX are not checked with --no-dns");
		return;
	}
	check_spf(q, domain, data, svc, out);
	check_dkim(q, data, out);
	check_mx(q, domain, out);
}

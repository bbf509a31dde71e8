/*
 * The SPF part of the check mode (dnscheck.h): for the domain and each
 * envelope domain under it that the reports show, the record tree audit
 * (spf_audit: the record's own notes, the tree's lookups and void
 * lookups, loops, includes that have no usable record, the cost of each
 * include when the tree is over the limit), then check_host() for each
 * source the reports show with that envelope domain.  A source whose
 * mail was DKIM-aligned (the domain's own signature: not a spoofer) but
 * which the record does not authorize is an error with its volume and the
 * term that would authorize it; the other unauthorized sources are
 * summed in one line.
 */
#include <string.h>
#include <strings.h>

#include "dnscheck.h"
#include "classify.h"
#include "dnsq_ares.h"
#include "spfeval.h"

/* the envelope domains to audit: the domain first, then the reports' */
static size_t
envelopes(const char *domain, const struct check_data *data,
    const char **out)
{
	size_t n = 0;

	out[n++] = domain;
	for (size_t i = 0; i < data->n_sources && n < MAX_CHECK_ENVELOPES;
	    i++) {
		size_t k;

		for (k = 0; k < n; k++)
			if (strcasecmp(out[k], data->sources[i].envelope) == 0)
				break;
		if (k == n)
			out[n++] = data->sources[i].envelope;
	}
	return n;
}

static void
root_status(struct check_domain *out, const struct spf_audit_node *r,
    const char *env, double msgs)
{
	const char *st = r->status;

	if (strcmp(st, "none") == 0)
		check_add(out, "spf", CHECK_WARNING, "no-record", env, msgs,
		    "no SPF record: receivers give 'none' and DMARC rests "
		    "on DKIM alone; publish 'v=spf1 ... -all' with the "
		    "domain's senders");
	else if (strcmp(st, "several") == 0)
		check_add(out, "spf", CHECK_ERROR, "several-records", env, msgs,
		    "more than one v=spf1 record: receivers return permerror "
		    "(RFC 7208 4.5); merge them into one");
	else if (strcmp(st, "temperror") == 0)
		check_add(out, "spf", CHECK_WARNING, "dns-error", env, msgs,
		    "the SPF lookup timed out or failed: receivers give "
		    "temperror; check the domain's name servers");
	else if (r->record != NULL)
		check_add(out, "spf", strcmp(st, "ok") == 0 ? CHECK_OK :
		    CHECK_ERROR, "record", env, msgs, "'%s'", r->record);
}

/* an include or redirect target without a usable record */
static void
node_status(struct check_domain *out, const struct spf_audit_node *n,
    const char *env)
{
	const char *via = n->via == SPF_INCLUDE ? "include" : "redirect";
	char subj[MAX_DOMAIN_LEN + 16];

	snprintf(subj, sizeof(subj), "%s:%s", via, n->domain);
	if (strcmp(n->status, "none") == 0)
		check_add(out, "spf", CHECK_ERROR, "include-none", subj, -1,
		    "'%s' in the tree of %s has no SPF record: receivers "
		    "return permerror when they reach it (RFC 7208 5.2); "
		    "remove the term or fix its target", n->domain, env);
	else if (strcmp(n->status, "several") == 0 ||
	    strcmp(n->status, "invalid") == 0)
		check_add(out, "spf", CHECK_ERROR, "include-broken", subj, -1,
		    "'%s' in the tree of %s has %s record: receivers return "
		    "permerror when they reach it", n->domain, env,
		    n->status[0] == 's' ? "more than one" : "an invalid");
	else if (strcmp(n->status, "temperror") == 0)
		check_add(out, "spf", CHECK_WARNING, "include-dns-error", subj,
		    -1, "the lookup of '%s' failed: receivers give temperror "
		    "when they reach it", n->domain);
}

/* the lookups each term of the root costs, when over the limit */
static void
costs(struct check_domain *out, const struct spf_audit *au)
{
	char subj[MAX_DOMAIN_LEN + 16];

	if (au->lookups <= MAX_SPF_LOOKUPS)
		return;
	for (size_t i = 1; i < au->n_nodes; i++) {
		const struct spf_audit_node *n = &au->nodes[i];

		if (n->depth != 1)
			continue;
		snprintf(subj, sizeof(subj), "%s:%s", n->via == SPF_INCLUDE ?
		    "include" : "redirect", n->domain);
		check_add(out, "spf", CHECK_INFO, "lookup-cost", subj, -1,
		    "costs %zu lookups (1 for the term, %zu below it)%s",
		    n->lookups_tree + 1, n->lookups_tree,
		    n->lookups_tree >= 3 ? ": a candidate to flatten into "
		    "ip4:/ip6: terms" : "");
	}
}

static void
audit(struct check_domain *out, const struct spfdns *dns, const char *env,
    double msgs, struct spf_audit *au)
{
	const struct spf_audit_node *r;

	spf_audit(dns, env, au);
	r = &au->nodes[0];
	root_status(out, r, env, msgs);
	for (size_t i = 0; i < r->rec.notes.n; i++)
		check_add(out, "spf", r->rec.notes.v[i].sev == RECNOTE_ERROR ?
		    CHECK_ERROR : r->rec.notes.v[i].sev == RECNOTE_WARNING ?
		    CHECK_WARNING : CHECK_INFO, r->rec.notes.v[i].code, env, -1,
		    "%s", r->rec.notes.v[i].text);
	for (size_t i = 1; i < au->n_nodes; i++)
		node_status(out, &au->nodes[i], env);
	for (size_t i = 0; i < au->notes.n; i++)
		check_add(out, "spf", au->notes.v[i].sev == RECNOTE_ERROR ?
		    CHECK_ERROR : au->notes.v[i].sev == RECNOTE_WARNING ?
		    CHECK_WARNING : CHECK_INFO, au->notes.v[i].code, env, -1,
		    "%s", au->notes.v[i].text);
	if (strcmp(r->status, "ok") == 0 || strcmp(r->status, "invalid") == 0)
		check_add(out, "spf", CHECK_INFO, "lookups", env, -1,
		    "%zu DNS lookup%s through includes and redirects (limit "
		    "%d), %zu void (limit %d)", au->lookups, au->lookups == 1 ?
		    "" : "s", MAX_SPF_LOOKUPS, au->voids,
		    MAX_SPF_VOID_LOOKUPS);
	costs(out, au);
}

/*
 * The term that would authorize source s: its service's include when its
 * reverse name (one PTR query) names a service of svc that the table
 * gives an spf domain for, else ip4:/ip6: with its address.
 */
static void
suggest(struct dnsq *q, const struct classify *svc,
    const struct check_source *s, char *out, size_t outlen)
{
	struct spfdns_answer a;
	const struct service *by_ptr = NULL;
	char rev[80];

	snprintf(out, outlen, "add 'ip%d:%s' or the include of its sending "
	    "service", s->family, s->ip);
	if (svc == NULL || dns_reverse_name(s->ip, rev, sizeof(rev)) == -1)
		return;
	if (dnsq_ask(q, SPFDNS_PTR, rev, &a) == SPFDNS_OK)
		by_ptr = classify_match(svc, SERVICE_PTR, a.names[0]);
	for (size_t i = 0; by_ptr != NULL && i < svc->n; i++)
		if (svc->v[i].kind == SERVICE_SPF &&
		    strcmp(svc->v[i].name, by_ptr->name) == 0) {
			snprintf(out, outlen, "it is %s by its reverse name "
			    "'%s': add 'include:%s' (as %s documents it) or "
			    "'ip%d:%s'", by_ptr->name, a.names[0],
			    svc->v[i].domain, by_ptr->name, s->family, s->ip);
			break;
		}
	spfdns_answer_release(&a);
}

/* check_host() for the sources of env; the join with the reports */
static void
join(struct check_domain *out, struct dnsq *q, const struct spfdns *dns,
    const char *env, const struct check_data *data,
    const struct classify *svc)
{
	char fix[MAX_DOMAIN_LEN * 2 + 128];

	struct spf_eval ev;
	double other = 0, ok = 0;
	size_t n_other = 0, n_bad = 0, n = 0;

	for (size_t i = 0; i < data->n_sources && n < MAX_CHECK_SOURCES;
	    i++) {
		const struct check_source *s = &data->sources[i];

		if (strcasecmp(s->envelope, env) != 0)
			continue;
		n++;
		spf_check_host(dns, s->addr, s->family, env, env, &ev);
		if (ev.result == SPF_R_PASS) {
			ok += s->messages;
			continue;
		}
		if (s->dkim_aligned <= 0) {
			n_other++;
			other += s->messages;
			continue;
		}
		n_bad++;
		suggest(q, svc, s, fix, sizeof(fix));
		check_add(out, "spf", CHECK_ERROR, "source-not-authorized",
		    s->ip, s->messages, "sent %.0f messages as %s (%.0f "
		    "DKIM-aligned, so likely the domain's own) but SPF gives "
		    "%s (%s): %s", s->messages, env, s->dkim_aligned,
		    spf_result_name(ev.result), ev.why, fix);
	}
	if (n_bad == 0 && ok > 0)
		check_add(out, "spf", CHECK_OK, "sources-authorized", env, ok,
		    "every DKIM-aligned source seen with this envelope "
		    "domain is authorized (%.0f messages)", ok);
	if (n_other > 0)
		check_add(out, "spf", CHECK_INFO, "sources-unknown", env, other,
		    "%zu other source(s) (%.0f messages) are not authorized "
		    "and were not DKIM-aligned: spoofing or forwarding, "
		    "nothing to add for them", n_other, other);
}

void
check_spf(struct dnsq *q, const char *domain, const struct check_data *data,
    const struct classify *svc, struct check_domain *out)
{
	const char *env[MAX_CHECK_ENVELOPES];
	size_t n = envelopes(domain, data, env);
	struct spfdns dns;

	dnsq_spfdns(q, &dns);
	for (size_t i = 0; i < n; i++) {
		struct spf_audit au;
		double msgs = 0;

		for (size_t k = 0; k < data->n_sources; k++)
			if (strcasecmp(data->sources[k].envelope, env[i]) == 0)
				msgs += data->sources[k].messages;
		/* spf_audit() fills it; zeroed so that no reader (cppcheck's
		   ctuuninitvar) sees it otherwise */
		memset(&au, 0, sizeof(au));
		audit(out, &dns, env[i], msgs > 0 ? msgs : -1, &au);
		spf_audit_release(&au);
		join(out, q, &dns, env[i], data, svc);
	}
}

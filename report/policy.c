/*
 * The live DMARC policy of a domain (policy.h): the RFC 9989 tree walk
 * over dns.c's TXT lookups, the TXT records on it that receivers ignore,
 * and policy_current(), which summary and the policy mode ask.  The
 * record's report destinations are checked by policy_dests.c, the
 * lookups are kept by policy_store.c, printed by the format files
 * (render_text.c, render_json.c).
 * Records come from DNS and are untrusted: dmarcrec.c parses them.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "domain.h"
#include "limits.h"
#include "orgdomain.h"
#include "policy.h"
#include "policy_int.h"
#include "xalloc.h"

/* bytes of an ignored record (and its correction) quoted into a note */
#define IGNORED_QUOTE_MAX	300

const char *
policy_status_name(enum policy_status s)
{
	switch (s) {
	case POLICY_FOUND: return "found";
	case POLICY_NONE: return "none";
	case POLICY_INVALID: return "invalid";
	case POLICY_DNS_ERROR: return "dns-error";
	default: return "not-looked-up";
	}
}

enum policy_status
policy_status_from_name(const char *s)
{
	if (s != NULL && strcmp(s, "found") == 0)
		return POLICY_FOUND;
	if (s != NULL && strcmp(s, "none") == 0)
		return POLICY_NONE;
	if (s != NULL && strcmp(s, "invalid") == 0)
		return POLICY_INVALID;
	return POLICY_DNS_ERROR;
}

static const char *const dest_names[] = { "internal", "authorized",
    "not-authorized", "unknown", "not-checked" };

const char *
policy_dest_status_name(enum policy_dest_status s)
{
	return (size_t)s < sizeof(dest_names) / sizeof(dest_names[0]) ?
	    dest_names[s] : "not-checked";
}

enum policy_dest_status
policy_dest_status_from_name(const char *s, size_t n)
{
	for (size_t i = 0; i < sizeof(dest_names) / sizeof(dest_names[0]);
	    i++)
		if (strlen(dest_names[i]) == n && strncmp(s, dest_names[i],
		    n) == 0)
			return (enum policy_dest_status)i;
	return PDEST_NOT_CHECKED;
}

void
policy_lookup_release(struct policy_lookup *pl)
{
	if (pl == NULL)
		return;
	free(pl->domain);
	free(pl->record_domain);
	free(pl->org_domain);
	free(pl->raw);
	dmarcrec_release(&pl->rec);
	for (size_t i = 0; i < pl->n_ignored; i++) {
		free(pl->ignored[i].name);
		free(pl->ignored[i].raw);
		free(pl->ignored[i].why);
		free(pl->ignored[i].fixed);
	}
	for (size_t i = 0; i < pl->n_dests; i++) {
		free(pl->dests[i].uri);
		free(pl->dests[i].host);
		free(pl->dests[i].qname);
	}
	memset(pl, 0, sizeof(*pl));
	pl->rec.pct = -1;
	pl->rcode = -1;
}

enum dmarcrec_p
policy_applied(const struct policy_lookup *pl)
{
	if (pl->status != POLICY_FOUND || pl->record_domain == NULL)
		return DMARCREC_P_UNSET;
	if (strcmp(pl->record_domain, pl->domain) == 0 ||
	    pl->rec.sp == DMARCREC_P_UNSET)
		return pl->rec.effective_p;
	return pl->rec.sp;
}

/* ------------------------------------------------------------------ */
/* the tree walk                                                      */

static size_t
count_labels(const char *d)
{
	size_t n = 1;

	for (; *d != '\0'; d++)
		n += *d == '.';
	return n;
}

/* the suffix of d holding its last k labels (borrowed) */
static const char *
last_labels(const char *d, size_t k)
{
	size_t n = count_labels(d);

	for (; n > k; n--)
		d = strchr(d, '.') + 1;
	return d;
}

/*
 * The names the walk visits (RFC 9989 4.10): domain, then its suffix of
 * min(labels - 1, 7) labels, then one label fewer each step down to one.
 * Pointers into domain.  Returns how many (1..POLICY_MAX_WALK).
 */
static size_t
walk_names(const char *domain, const char *names[POLICY_MAX_WALK])
{
	size_t n = 0, k = count_labels(domain);

	names[n++] = domain;
	for (k = k - 1 > 7 ? 7 : k - 1; k >= 1; k--)
		names[n++] = last_labels(domain, k);
	return n;
}

/* moves the notes of src to the end of dst (src keeps none) */
static void
move_notes(struct dmarcrec *dst, struct dmarcrec *src)
{
	for (size_t i = 0; i < src->n_notes; i++) {
		dmarcrec_note(dst, src->notes[i].sev, src->notes[i].code,
		    "%s", src->notes[i].text);
		free(src->notes[i].text);
	}
	src->n_notes = 0;
}

struct walk {
	const char	*names[POLICY_MAX_WALK];
	size_t		 n;
	struct dns_query q[POLICY_MAX_WALK];
	char		 qname[POLICY_MAX_WALK][MAX_DOMAIN_LEN + 16];
	struct dmarcrec	 notes;		/* the walk's own notes */
	const char	*org;		/* organizational domain so far */
	int		 org_done;	/* psd= decided it */
};

/* the org-domain rule for a record met at step i (RFC 9989 4.10.2) */
static void
walk_org(struct walk *w, size_t i, const char *raw)
{
	struct dmarcrec r;

	if (w->org_done)
		return;
	dmarcrec_parse(raw, &r);
	if (r.psd == 'n') {
		w->org = w->names[i];
		w->org_done = 1;
	} else if (r.psd == 'y') {
		w->org = i == 0 ? w->names[0] : last_labels(w->names[0],
		    count_labels(w->names[i]) + 1);
		w->org_done = 1;
	} else
		w->org = w->names[i];
	dmarcrec_release(&r);
}

/* how many bytes of s (at most max) end on a UTF-8 character boundary */
static int
cap_utf8(const char *s, size_t max)
{
	size_t n = strlen(s);

	if (n <= max)
		return (int)n;
	while (max > 0 && ((unsigned char)s[max] & 0xC0) == 0x80)
		max--;
	return (int)max;
}

/* one ignored record of step i, explained in ig and in a note */
static void
ignored_add(struct walk *w, size_t i, const char *raw, size_t several,
    struct policy_ignored *ig)
{
	char why[256];

	ig->name = xstrdup(w->qname[i]);
	ig->raw = xstrdup(raw);
	if (several > 0)
		snprintf(why, sizeof(why), "it is one of %zu DMARC records at "
		    "that name: receivers ignore them all (RFC 9989 4.10); "
		    "publish exactly one", several);
	else
		ig->fixed = dmarcrec_explain(raw, why, sizeof(why));
	ig->why = xstrdup(why);
	if (several > 0)
		return;
	dmarcrec_note(&w->notes, DMARCREC_ERROR, "ignored-record", "a TXT "
	    "record exists at %s but receivers ignore it because %s: "
	    "\"%.*s\"%s%.*s%s", w->qname[i], why,
	    cap_utf8(raw, IGNORED_QUOTE_MAX), raw, ig->fixed != NULL ?
	    "; publish \"" : "", ig->fixed != NULL ? cap_utf8(ig->fixed,
	    IGNORED_QUOTE_MAX) : 0, ig->fixed != NULL ? ig->fixed : "",
	    ig->fixed != NULL ? "\" instead" : "");
}

/*
 * Keeps the TXT records of step i that receivers ignore: all of them
 * when none is a DMARC record (sel -1), the DMARC ones when there are
 * several (sel -2).
 */
static void
walk_ignored(struct walk *w, size_t i, int sel, struct policy_lookup *pl)
{
	const struct dns_query *q = &w->q[i];
	size_t several = 0;

	if (sel == -2)
		for (size_t k = 0; k < q->n_rrs; k++)
			several += (size_t)dmarcrec_is_dmarc(q->rrs[k]);
	for (size_t k = 0; k < q->n_rrs; k++) {
		if (sel == -2 && !dmarcrec_is_dmarc(q->rrs[k]))
			continue;
		if (pl->n_ignored == MAX_POLICY_IGNORED)
			return;
		ignored_add(w, i, q->rrs[k], several,
		    &pl->ignored[pl->n_ignored++]);
	}
}

/* reads the answers in walk order into pl */
static void
walk_read(struct walk *w, struct policy_lookup *pl)
{
	int trouble = 0;

	for (size_t i = 0; i < w->n; i++) {
		struct dns_query *q = &w->q[i];
		int sel;

		if (q->status == DNS_TIMEOUT || q->status == DNS_FAILED ||
		    q->status == DNS_NOT_LOOKED_UP) {
			if (!trouble)
				dmarcrec_note(&w->notes, DMARCREC_WARNING,
				    "dns-error", "TXT lookup of %s: %s",
				    w->qname[i], dns_status_name(q->status));
			trouble = 1;
			if (pl->status != POLICY_FOUND) {
				pl->status = q->status == DNS_NOT_LOOKED_UP ?
				    POLICY_NOT_LOOKED_UP : POLICY_DNS_ERROR;
				return;
			}
			continue;
		}
		if (q->status != DNS_OK)
			continue;
		sel = dmarcrec_select(q->rrs, q->n_rrs);
		if (sel < 0 && pl->status != POLICY_FOUND)
			walk_ignored(w, i, sel, pl);
		if (sel == -2) {
			dmarcrec_note(&w->notes, DMARCREC_ERROR,
			    "several-records", "%s has several DMARC records: "
			    "receivers ignore them all (RFC 9989 4.10)",
			    w->qname[i]);
			continue;
		}
		if (sel < 0)
			continue;
		if (pl->status != POLICY_FOUND) {
			pl->status = POLICY_FOUND;
			pl->record_domain = xstrdup(w->names[i]);
			pl->raw = xstrdup(q->rrs[sel]);
		}
		if (!trouble)
			walk_org(w, i, q->rrs[sel]);
	}
	if (!trouble || w->org_done)
		pl->org_domain = xstrdup(w->org != NULL ? w->org : w->names[0]);
	if (pl->status == POLICY_NONE && pl->n_ignored > 0)
		pl->status = POLICY_INVALID;
}

/* notes which walk answers came from the cache, and until when */
static void
walk_cache_info(const struct walk *w, struct policy_lookup *pl)
{
	for (size_t i = 0; i < w->n; i++) {
		const struct dns_query *q = &w->q[i];

		if (!q->cached)
			continue;
		if (!pl->cached || q->fetched_at < pl->answered_at)
			pl->answered_at = q->fetched_at;
		if (!pl->cached || q->fetched_at + q->ttl < pl->expires_at)
			pl->expires_at = q->fetched_at + q->ttl;
		pl->cached = 1;
	}
}

int
policy_lookup(struct dns *dns, const char *domain, struct policy_lookup *pl,
    char *err, size_t errlen)
{
	struct walk w;
	int rc = -1;

	memset(pl, 0, sizeof(*pl));
	memset(&w, 0, sizeof(w));
	pl->rec.pct = -1;
	pl->domain = xstrdup(domain);
	if (strlen(domain) > MAX_DOMAIN_LEN || domain_normalize(pl->domain) ==
	    -1) {
		snprintf(err, errlen, "invalid domain '%s'", pl->domain);
		goto out;
	}
	pl->looked_up_at = (int64_t)time(NULL);
	pl->status = POLICY_NONE;
	w.n = walk_names(pl->domain, w.names);
	for (size_t i = 0; i < w.n; i++) {
		snprintf(w.qname[i], sizeof(w.qname[i]), "_dmarc.%s",
		    w.names[i]);
		w.q[i].type = DNS_TXT;
		w.q[i].name = w.qname[i];
	}
	if (dns_run(dns, w.q, w.n) == -1)
		dmarcrec_note(&w.notes, DMARCREC_WARNING, "dns-error",
		    "the resolver loop failed");
	pl->rcode = w.q[0].rcode;
	walk_read(&w, pl);
	walk_cache_info(&w, pl);
	if (pl->raw != NULL)
		dmarcrec_parse(pl->raw, &pl->rec);
	if (pl->record_domain != NULL && strcmp(pl->record_domain,
	    pl->domain) != 0)
		dmarcrec_note(&w.notes, DMARCREC_INFO, "not-at-domain", "no "
		    "usable record at _dmarc.%s: the record of %s applies, its "
		    "%s",
		    pl->domain, pl->record_domain, pl->rec.sp !=
		    DMARCREC_P_UNSET ? "sp= tag" : "p= tag (no sp=)");
	move_notes(&pl->rec, &w.notes);
	if (pl->status == POLICY_FOUND && pl->rec.is_dmarc)
		policy_dests_check(dns, pl);
	rc = 0;
out:
	for (size_t i = 0; i < w.n; i++)
		dns_query_release(&w.q[i]);
	dmarcrec_release(&w.notes);
	return rc;
}

int
policy_current(struct dns *dns, const char *domain, struct policy_lookup *pl,
    char *err, size_t errlen)
{
	char *d;
	int rc;

	/* looked up, stored and compared in A-label form */
	if ((d = domain_lookup_form(domain, err, errlen)) == NULL)
		return -1;
	if (!dns_offline(dns)) {
		rc = policy_lookup(dns, d, pl, err, errlen);
		free(d);
		if (rc == -1)
			return -1;
		if (pl->status != POLICY_NOT_LOOKED_UP)
			policy_store(dns, pl);
		return 0;
	}
	rc = dns_db(dns) == NULL ? 0 : policy_latest(dns_db(dns), d, pl, err,
	    errlen);
	if (rc == 0) {
		memset(pl, 0, sizeof(*pl));
		pl->rec.pct = -1;
		pl->rcode = -1;
		pl->domain = d;
		pl->status = POLICY_NOT_LOOKED_UP;
		return 0;
	}
	free(d);
	return rc == 1 ? 0 : -1;
}

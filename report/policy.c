/*
 * The live DMARC policy: the RFC 9989 tree walk over dns.c's TXT
 * lookups, the TXT records on it that receivers ignore, the check of the
 * record's external report destinations (RFC 7489 7.1), the lookup
 * history in dmarc_lookup, and the `policy DOMAIN` mode's text and JSON
 * rendering.  Records come from DNS and are untrusted: they are parsed
 * by dmarcrec.c and every string leaves through escape_term or
 * escape_json.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "domain.h"
#include "idna.h"
#include "escape.h"
#include "limits.h"
#include "orgdomain.h"
#include "policy.h"
#include "xalloc.h"

/* ceiling of one rendered policy (record, notes and history) */
#define POLICY_OUTPUT_MAX	(1024 * 1024)
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

static enum policy_status
status_from_name(const char *s)
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

static enum policy_dest_status
dest_status_from_name(const char *s, size_t n)
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

/* ------------------------------------------------------------------ */
/* report destinations                                                */

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
static void
dests_check(struct dns *dns, struct policy_lookup *pl)
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
		dests_check(dns, pl);
	rc = 0;
out:
	for (size_t i = 0; i < w.n; i++)
		dns_query_release(&w.q[i]);
	dmarcrec_release(&w.notes);
	return rc;
}

/* ------------------------------------------------------------------ */
/* storage                                                            */

/* notes as "severity code: text" lines; walk_only: the walk's own */
static char *
notes_text(const struct dmarcrec *rec, int walk_only)
{
	static const char *const walk_codes[] = { "several-records",
	    "not-at-domain", "dns-error", "ignored-record",
	    "dest-not-authorized", "dest-unknown" };
	struct buf b;

	buf_init(&b, POLICY_OUTPUT_MAX);
	for (size_t i = 0; i < rec->n_notes; i++) {
		const struct dmarcrec_note *n = &rec->notes[i];
		int is_walk = 0;

		for (size_t k = 0; k < sizeof(walk_codes) /
		    sizeof(walk_codes[0]); k++)
			is_walk |= strcmp(n->code, walk_codes[k]) == 0;
		if (walk_only && !is_walk)
			continue;
		if (buf_adds(&b, dmarcrec_sev_name(n->sev)) == -1 ||
		    buf_addc(&b, ' ') == -1 || buf_adds(&b, n->code) == -1 ||
		    buf_adds(&b, ": ") == -1 || buf_adds(&b, n->text) == -1 ||
		    buf_addc(&b, '\n') == -1)
			break;
	}
	return b.data != NULL ? buf_detach(&b, NULL) : NULL;
}

/*
 * The destinations as "TAG STATUS HOST URI" lines (policy.h); control
 * bytes of the URI become '?' so a line stays a line.
 */
static char *
dests_text(const struct policy_lookup *pl)
{
	struct buf b;

	buf_init(&b, POLICY_OUTPUT_MAX);
	for (size_t i = 0; i < pl->n_dests; i++) {
		const struct policy_dest *d = &pl->dests[i];

		buf_adds(&b, d->tag);
		buf_addc(&b, ' ');
		buf_adds(&b, policy_dest_status_name(d->status));
		buf_addc(&b, ' ');
		buf_adds(&b, d->host);
		buf_addc(&b, ' ');
		for (const char *u = d->uri; *u != '\0'; u++)
			buf_addc(&b, (unsigned char)*u < 0x20 || *u == 0x7f ?
			    '?' : *u);
		buf_addc(&b, '\n');
	}
	return b.data != NULL ? buf_detach(&b, NULL) : NULL;
}

/* reads dests_text() lines back into pl (record_domain set) */
static void
load_dests(struct policy_lookup *pl, const char *s)
{
	while (s != NULL && *s != '\0' && pl->n_dests < MAX_REPORT_DESTS &&
	    pl->record_domain != NULL) {
		size_t len = strcspn(s, "\n"), tl = strcspn(s, " ");
		const char *st = s + tl + 1, *host, *uri;
		struct policy_dest *d;

		if (tl != 3 || tl >= len || (host = memchr(st, ' ', len -
		    tl - 1)) == NULL || (uri = memchr(host + 1, ' ',
		    (size_t)(s + len - host - 1))) == NULL) {
			s += len + (s[len] == '\n');
			continue;
		}
		d = &pl->dests[pl->n_dests++];
		memcpy(d->tag, s, 3);
		d->status = dest_status_from_name(st, (size_t)(host - st));
		d->host = xstrndup(host + 1, (size_t)(uri - host - 1));
		d->uri = xstrndup(uri + 1, (size_t)(s + len - uri - 1));
		if (d->status != PDEST_INTERNAL)
			d->qname = xasprintf("%s._report._dmarc.%s",
			    pl->record_domain, d->host);
		s += len + (s[len] == '\n');
	}
}

static void
bind_opt(sqlite3_stmt *st, int i, const char *s)
{
	if (s != NULL)
		sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st, i);
}

static void
bind_letter(sqlite3_stmt *st, int i, char c)
{
	char s[2] = { c, '\0' };

	bind_opt(st, i, c != 0 ? s : NULL);
}

static void
bind_record(sqlite3_stmt *st, const struct policy_lookup *pl)
{
	const struct dmarcrec *r = &pl->rec;

	bind_opt(st, 1, pl->domain);
	sqlite3_bind_int64(st, 2, pl->looked_up_at);
	bind_opt(st, 3, policy_status_name(pl->status));
	if (pl->rcode >= 0)
		sqlite3_bind_int(st, 4, pl->rcode);
	bind_opt(st, 5, pl->record_domain);
	bind_opt(st, 6, pl->org_domain);
	bind_opt(st, 7, pl->raw);
	if (pl->raw != NULL)
		sqlite3_bind_int(st, 8, r->valid);
	bind_opt(st, 9, dmarcrec_p_name(r->p));
	bind_opt(st, 10, dmarcrec_p_name(r->sp));
	bind_opt(st, 11, dmarcrec_p_name(r->np));
	bind_letter(st, 12, r->psd);
	bind_letter(st, 13, r->t);
	bind_letter(st, 14, r->adkim);
	bind_letter(st, 15, r->aspf);
	if (r->pct >= 0)
		sqlite3_bind_int(st, 16, r->pct);
	bind_opt(st, 17, r->rua);
	bind_opt(st, 18, r->ruf);
	bind_opt(st, 19, r->fo);
}

int
policy_store(struct dns *dns, struct policy_lookup *pl)
{
	sqlite3 *db = dns_db(dns);
	sqlite3_stmt *st = NULL;
	char *all = NULL, *walk = NULL, *dests = NULL;
	int rc = -1;

	if (db == NULL || !dns_db_writable(dns) ||
	    pl->status == POLICY_NOT_LOOKED_UP)
		return -1;
	if (sqlite3_prepare_v2(db, "INSERT INTO dmarc_lookup (domain, "
	    "looked_up_at, status, rcode, record_domain, org_domain, "
	    "raw_record, valid, p, sp, np, psd, t, adkim, aspf, pct, rua, "
	    "ruf, fo, warnings, walk_notes, report_dests) VALUES (?, ?, ?, ?, "
	    "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", -1, &st,
	    NULL) != SQLITE_OK)
		goto out;
	bind_record(st, pl);
	all = notes_text(&pl->rec, 0);
	walk = notes_text(&pl->rec, 1);
	dests = dests_text(pl);
	bind_opt(st, 20, all);
	bind_opt(st, 21, walk);
	bind_opt(st, 22, dests);
	if (sqlite3_step(st) != SQLITE_DONE)
		goto out;
	pl->id = sqlite3_last_insert_rowid(db);
	rc = 0;
out:
	if (rc == -1)
		dns_db_failed(dns, sqlite3_errmsg(db));
	sqlite3_finalize(st);
	free(all);
	free(walk);
	free(dests);
	return rc;
}

/* re-adds stored walk notes ("severity code: text" lines) to rec */
static void
load_walk_notes(struct dmarcrec *rec, const char *s)
{
	while (s != NULL && *s != '\0') {
		const char *nl = strchr(s, '\n'), *sp = strchr(s, ' ');
		const char *colon = strstr(s, ": ");
		size_t len = nl != NULL ? (size_t)(nl - s) : strlen(s);
		enum dmarcrec_sev sev = DMARCREC_INFO;
		char code[24];

		if (sp != NULL && colon != NULL && sp < colon &&
		    (size_t)(colon - s) < len &&
		    (size_t)(colon - sp - 1) < sizeof(code)) {
			if (strncmp(s, "error ", 6) == 0)
				sev = DMARCREC_ERROR;
			else if (strncmp(s, "warning ", 8) == 0)
				sev = DMARCREC_WARNING;
			memcpy(code, sp + 1, (size_t)(colon - sp - 1));
			code[colon - sp - 1] = '\0';
			dmarcrec_note(rec, sev, code, "%.*s",
			    (int)(len - (size_t)(colon + 2 - s)), colon + 2);
		}
		s += len + (nl != NULL);
	}
}

static char *
col_dup(sqlite3_stmt *st, int i)
{
	const unsigned char *s = sqlite3_column_text(st, i);

	return s != NULL ? xstrdup((const char *)s) : NULL;
}

/* prepares sql on db; 0 ok, 1 when the table does not exist, -1 error */
static int
prepare(sqlite3 *db, const char *sql, sqlite3_stmt **st, char *err,
    size_t errlen)
{
	if (sqlite3_prepare_v2(db, sql, -1, st, NULL) == SQLITE_OK)
		return 0;
	if (strstr(sqlite3_errmsg(db), "no such table") != NULL)
		return 1;
	snprintf(err, errlen, "cannot read policy lookups: %s",
	    sqlite3_errmsg(db));
	return -1;
}

int
policy_latest(sqlite3 *db, const char *domain, struct policy_lookup *pl,
    char *err, size_t errlen)
{
	sqlite3_stmt *st = NULL;
	int rc, step;

	memset(pl, 0, sizeof(*pl));
	pl->rec.pct = -1;
	pl->rcode = -1;
	if ((rc = prepare(db, "SELECT id, looked_up_at, status, rcode, "
	    "record_domain, org_domain, raw_record, walk_notes, report_dests "
	    "FROM dmarc_lookup WHERE domain = ? ORDER BY looked_up_at DESC, id "
	    "DESC LIMIT 1", &st, err, errlen)) != 0)
		return rc == 1 ? 0 : -1;
	sqlite3_bind_text(st, 1, domain, -1, SQLITE_STATIC);
	if ((step = sqlite3_step(st)) == SQLITE_ROW) {
		pl->id = sqlite3_column_int64(st, 0);
		pl->looked_up_at = sqlite3_column_int64(st, 1);
		pl->status = status_from_name((const char *)
		    sqlite3_column_text(st, 2));
		if (sqlite3_column_type(st, 3) != SQLITE_NULL)
			pl->rcode = sqlite3_column_int(st, 3);
		pl->domain = xstrdup(domain);
		pl->record_domain = col_dup(st, 4);
		pl->org_domain = col_dup(st, 5);
		pl->raw = col_dup(st, 6);
		pl->stored = 1;
		if (pl->raw != NULL)
			dmarcrec_parse(pl->raw, &pl->rec);
		load_walk_notes(&pl->rec, (const char *)
		    sqlite3_column_text(st, 7));
		load_dests(pl, (const char *)sqlite3_column_text(st, 8));
		rc = 1;
	} else if (step == SQLITE_DONE)
		rc = 0;
	else {
		snprintf(err, errlen, "cannot read policy lookups: %s",
		    sqlite3_errmsg(db));
		rc = -1;
	}
	sqlite3_finalize(st);
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

/* ------------------------------------------------------------------ */
/* history                                                            */

void
policy_history_free(struct policy_change *c, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(c[i].raw);
		free(c[i].record_domain);
	}
	free(c);
}

static int
same_str(const char *a, const char *b)
{
	return (a == NULL && b == NULL) || (a != NULL && b != NULL &&
	    strcmp(a, b) == 0);
}

/* adds one lookup row to the run-collapsed list (newest MAX kept) */
static void
history_add(struct policy_change **c, size_t *n, sqlite3_stmt *st)
{
	enum policy_status s = status_from_name((const char *)
	    sqlite3_column_text(st, 1));
	const char *rd = (const char *)sqlite3_column_text(st, 2);
	const char *raw = (const char *)sqlite3_column_text(st, 3);
	int64_t at = sqlite3_column_int64(st, 0);
	struct policy_change *last = *n > 0 ? &(*c)[*n - 1] : NULL;

	if (last != NULL && last->status == s && same_str(last->raw, raw) &&
	    same_str(last->record_domain, rd)) {
		last->last_seen = at;
		last->lookups++;
		return;
	}
	if (*n == MAX_POLICY_HISTORY) {
		free((*c)[0].raw);
		free((*c)[0].record_domain);
		memmove(*c, *c + 1, (*n - 1) * sizeof(**c));
		(*n)--;
	}
	*c = xreallocarray(*c, *n + 1, sizeof(**c));
	last = &(*c)[(*n)++];
	last->status = s;
	last->raw = raw != NULL ? xstrdup(raw) : NULL;
	last->record_domain = rd != NULL ? xstrdup(rd) : NULL;
	last->first_seen = last->last_seen = at;
	last->lookups = 1;
}

int
policy_history(sqlite3 *db, const char *domain, struct policy_change **c,
    size_t *n, char *err, size_t errlen)
{
	sqlite3_stmt *st = NULL;
	int rc, step;

	*c = NULL;
	*n = 0;
	if ((rc = prepare(db, "SELECT looked_up_at, status, record_domain, "
	    "raw_record FROM dmarc_lookup WHERE domain = ? ORDER BY "
	    "looked_up_at, id", &st, err, errlen)) != 0)
		return rc == 1 ? 0 : -1;
	sqlite3_bind_text(st, 1, domain, -1, SQLITE_STATIC);
	while ((step = sqlite3_step(st)) == SQLITE_ROW)
		history_add(c, n, st);
	rc = 0;
	if (step != SQLITE_DONE) {
		snprintf(err, errlen, "cannot read policy history: %s",
		    sqlite3_errmsg(db));
		policy_history_free(*c, *n);
		*c = NULL;
		*n = 0;
		rc = -1;
	}
	sqlite3_finalize(st);
	return rc;
}

/* ------------------------------------------------------------------ */
/* rendering                                                          */

/* an output buffer that remembers the first failed append */
struct out {
	struct buf	*b;
	int		 rc;
	enum policy_format fmt;
};

static void
put(struct out *o, const char *trusted)
{
	if (buf_adds(o->b, trusted) == -1)
		o->rc = -1;
}

static void
putf(struct out *o, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
putf(struct out *o, const char *fmt, ...)
{
	char s[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(s, sizeof(s), fmt, ap);
	va_end(ap);
	put(o, s);
}

/* an untrusted string, escaped for the format (JSON: quoted or null) */
static void
put_esc(struct out *o, const char *s)
{
	if (o->fmt == POLICY_JSON) {
		if (s == NULL) {
			put(o, "null");
			return;
		}
		put(o, "\"");
		if (escape_json(o->b, s) == -1)
			o->rc = -1;
		put(o, "\"");
	} else if (escape_term(o->b, s != NULL ? s : "-") == -1)
		o->rc = -1;
}

static void
put_time(struct out *o, int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;
	char s[32];

	if (gmtime_r(&tt, &tm) == NULL || strftime(s, sizeof(s),
	    o->fmt == POLICY_JSON ? "\"%Y-%m-%dT%H:%M:%SZ\"" :
	    "%Y-%m-%d %H:%M UTC", &tm) == 0)
		put(o, o->fmt == POLICY_JSON ? "null" : "?");
	else
		put(o, s);
}

static const char *
letter(char c, char s[2])
{
	s[0] = c;
	s[1] = '\0';
	return c != 0 ? s : NULL;
}

static void
text_tags(struct out *o, const struct dmarcrec *r)
{
	char l[2];

	putf(o, "  tags         p=%s sp=%s np=%s", dmarcrec_p_name(r->p) ?
	    dmarcrec_p_name(r->p) : "-", dmarcrec_p_name(r->sp) ?
	    dmarcrec_p_name(r->sp) : "-", dmarcrec_p_name(r->np) ?
	    dmarcrec_p_name(r->np) : "-");
	putf(o, " psd=%s t=%s adkim=%s aspf=%s", letter(r->psd, l) ? l : "-",
	    r->t ? (r->t == 'y' ? "y" : "n") : "-",
	    r->adkim ? (r->adkim == 's' ? "s" : "r") : "-",
	    r->aspf ? (r->aspf == 's' ? "s" : "r") : "-");
	if (r->pct >= 0)
		putf(o, " pct=%d", r->pct);
	put(o, "\n  rua          ");
	put_esc(o, r->rua);
	put(o, "\n  ruf          ");
	put_esc(o, r->ruf);
	put(o, "\n  fo           ");
	put_esc(o, r->fo);
	put(o, "\n");
}

static void
text_notes(struct out *o, const struct dmarcrec *r)
{
	if (r->n_notes == 0)
		return;
	put(o, "notes:\n");
	for (size_t i = 0; i < r->n_notes; i++) {
		putf(o, "  %-8s %s: ", dmarcrec_sev_name(r->notes[i].sev),
		    r->notes[i].code);
		put_esc(o, r->notes[i].text);
		put(o, "\n");
	}
}

static void
text_history(struct out *o, const struct policy_change *c, size_t n)
{
	if (n == 0)
		return;
	put(o, "history (oldest first):\n");
	for (size_t i = 0; i < n; i++) {
		put(o, "  ");
		put_time(o, c[i].first_seen);
		put(o, " .. ");
		put_time(o, c[i].last_seen);
		putf(o, "  %lu lookup%s  %s", c[i].lookups, c[i].lookups == 1 ?
		    "" : "s", policy_status_name(c[i].status));
		if (c[i].raw != NULL) {
			put(o, " at ");
			put_esc(o, c[i].record_domain);
			put(o, ": ");
			put_esc(o, c[i].raw);
		}
		put(o, "\n");
	}
}

/* whole minutes (rounded up) a cached answer stays valid after now */
static long long
cache_minutes_left(const struct policy_lookup *pl)
{
	int64_t left = pl->expires_at - pl->looked_up_at;

	return left > 0 ? (long long)((left + 59) / 60) : 0;
}

static void
text_looked_up(struct out *o, const struct policy_lookup *pl)
{
	put(o, "\n  looked up    ");
	if (pl->status == POLICY_NOT_LOOKED_UP) {
		put(o, "never (--no-dns and no stored lookup: run without "
		    "--no-dns)\n");
		return;
	}
	if (pl->cached) {
		put_time(o, pl->answered_at);
		putf(o, " (cached, %lld min left; --refresh asks again)\n",
		    cache_minutes_left(pl));
		return;
	}
	put_time(o, pl->looked_up_at);
	put(o, pl->stored ? " (stored lookup)\n" : "\n");
}

static void
text_dests(struct out *o, const struct policy_lookup *pl)
{
	if (pl->n_dests == 0)
		return;
	put(o, "report destinations:\n");
	for (size_t i = 0; i < pl->n_dests; i++) {
		const struct policy_dest *d = &pl->dests[i];

		putf(o, "  %s  ", d->tag);
		put_esc(o, d->uri);
		putf(o, "  %s", policy_dest_status_name(d->status));
		if (d->qname != NULL) {
			put(o, " (");
			put_esc(o, d->qname);
			put(o, ")");
		}
		put(o, "\n");
	}
}

static void
render_text(struct out *o, const struct policy_lookup *pl,
    const struct policy_change *c, size_t n)
{
	const char *ap = dmarcrec_p_name(policy_applied(pl));
	char *u = idna_to_ulabels(pl->domain);

	put(o, "DMARC policy for ");
	put_esc(o, pl->domain);
	if (u != NULL) {
		/* the A-labels are the name; the U-labels help the reader */
		put(o, " (");
		put_esc(o, u);
		put(o, ")");
		free(u);
	}
	text_looked_up(o, pl);
	putf(o, "  status       %s\n", policy_status_name(pl->status));
	put(o, "  found at     ");
	put_esc(o, pl->record_domain);
	put(o, "\n  org domain   ");
	put_esc(o, pl->org_domain);
	put(o, "\n  record       ");
	if (pl->status == POLICY_INVALID)
		put(o, "none that receivers use (see notes)");
	else
		put_esc(o, pl->raw);
	putf(o, "\n  valid        %s\n  applies      %s\n", pl->raw == NULL ?
	    "-" : pl->rec.valid ? "yes" : "no", ap != NULL ? ap : "-");
	if (pl->raw != NULL && pl->rec.is_dmarc)
		text_tags(o, &pl->rec);
	text_dests(o, pl);
	text_notes(o, &pl->rec);
	text_history(o, c, n);
}

static void
json_letter(struct out *o, const char *key, char c)
{
	char l[2];

	putf(o, "\"%s\": ", key);
	put_esc(o, letter(c, l));
	put(o, ", ");
}

static void
json_tags(struct out *o, const struct dmarcrec *r)
{
	put(o, "\"tags\": {\"p\": ");
	put_esc(o, dmarcrec_p_name(r->p));
	put(o, ", \"sp\": ");
	put_esc(o, dmarcrec_p_name(r->sp));
	put(o, ", \"np\": ");
	put_esc(o, dmarcrec_p_name(r->np));
	put(o, ", \"effective_p\": ");
	put_esc(o, dmarcrec_p_name(r->effective_p));
	put(o, ", ");
	json_letter(o, "psd", r->psd);
	json_letter(o, "t", r->t);
	json_letter(o, "adkim", r->adkim);
	json_letter(o, "aspf", r->aspf);
	put(o, "\"rua\": ");
	put_esc(o, r->rua);
	put(o, ", \"ruf\": ");
	put_esc(o, r->ruf);
	put(o, ", \"fo\": ");
	put_esc(o, r->fo);
	if (r->pct >= 0)
		putf(o, ", \"pct\": %d", r->pct);
	else
		put(o, ", \"pct\": null");
	put(o, ", \"rf\": ");
	put_esc(o, r->rf);
	put(o, ", \"ri\": ");
	put_esc(o, r->ri);
	put(o, "}");
}

static void
json_notes(struct out *o, const struct dmarcrec *r)
{
	put(o, "\"notes\": [");
	for (size_t i = 0; i < r->n_notes; i++) {
		putf(o, "%s{\"severity\": \"%s\", \"code\": ", i ? ", " : "",
		    dmarcrec_sev_name(r->notes[i].sev));
		put_esc(o, r->notes[i].code);
		put(o, ", \"text\": ");
		put_esc(o, r->notes[i].text);
		put(o, "}");
	}
	put(o, "]");
}

static void
json_ignored(struct out *o, const struct policy_lookup *pl)
{
	put(o, "\"ignored_records\": [");
	for (size_t i = 0; i < pl->n_ignored; i++) {
		const struct policy_ignored *ig = &pl->ignored[i];

		put(o, i ? ", {\"name\": " : "{\"name\": ");
		put_esc(o, ig->name);
		put(o, ", \"record\": ");
		put_esc(o, ig->raw);
		put(o, ", \"reason\": ");
		put_esc(o, ig->why);
		put(o, ", \"corrected\": ");
		put_esc(o, ig->fixed);
		put(o, "}");
	}
	put(o, "]");
}

static void
json_dests(struct out *o, const struct policy_lookup *pl)
{
	put(o, "\"destinations\": [");
	for (size_t i = 0; i < pl->n_dests; i++) {
		const struct policy_dest *d = &pl->dests[i];

		putf(o, "%s{\"tag\": \"%s\", \"uri\": ", i ? ", " : "",
		    d->tag);
		put_esc(o, d->uri);
		put(o, ", \"host\": ");
		put_esc(o, d->host);
		put(o, ", \"query\": ");
		put_esc(o, d->qname);
		putf(o, ", \"status\": \"%s\"}",
		    policy_dest_status_name(d->status));
	}
	put(o, "]");
}

/* the members shared by the full and the brief JSON object */
static void
json_core(struct out *o, const struct policy_lookup *pl)
{
	putf(o, "\"status\": \"%s\", \"record_domain\": ",
	    policy_status_name(pl->status));
	put_esc(o, pl->record_domain);
	put(o, ", \"record\": ");
	put_esc(o, pl->raw);
	putf(o, ", \"valid\": %s, \"applied_policy\": ", pl->raw != NULL &&
	    pl->rec.valid ? "true" : "false");
	put_esc(o, dmarcrec_p_name(policy_applied(pl)));
	put(o, ", ");
	json_tags(o, &pl->rec);
	put(o, ", ");
	json_ignored(o, pl);
	put(o, ", ");
	json_dests(o, pl);
	put(o, ", ");
	json_notes(o, &pl->rec);
}

static void
json_history(struct out *o, const struct policy_change *c, size_t n)
{
	put(o, "\"history\": [");
	for (size_t i = 0; i < n; i++) {
		putf(o, "%s{\"status\": \"%s\", \"record_domain\": ",
		    i ? ", " : "", policy_status_name(c[i].status));
		put_esc(o, c[i].record_domain);
		put(o, ", \"record\": ");
		put_esc(o, c[i].raw);
		putf(o, ", \"first_seen\": %lld, \"last_seen\": %lld, "
		    "\"lookups\": %lu}", (long long)c[i].first_seen,
		    (long long)c[i].last_seen, c[i].lookups);
	}
	put(o, "]");
}

static void
render_json(struct out *o, const struct policy_lookup *pl,
    const struct policy_change *c, size_t n)
{
	put(o, "{\"domain\": ");
	put_esc(o, pl->domain);
	putf(o, ", \"looked_up_at\": %lld, \"looked_up\": ",
	    (long long)pl->looked_up_at);
	if (pl->status == POLICY_NOT_LOOKED_UP)
		put(o, "null");
	else
		put_time(o, pl->looked_up_at);
	putf(o, ", \"source\": \"%s\", ", pl->stored ? "stored" :
	    pl->cached ? "cache" : "dns");
	if (pl->cached)
		putf(o, "\"answered_at\": %lld, \"cache_seconds_left\": %lld, ",
		    (long long)pl->answered_at, (long long)(pl->expires_at >
		    pl->looked_up_at ? pl->expires_at - pl->looked_up_at : 0));
	else
		put(o, "\"answered_at\": null, \"cache_seconds_left\": null, ");
	if (pl->rcode >= 0)
		putf(o, "\"rcode\": %d, \"org_domain\": ", pl->rcode);
	else
		put(o, "\"rcode\": null, \"org_domain\": ");
	put_esc(o, pl->org_domain);
	put(o, ", ");
	json_core(o, pl);
	put(o, ", ");
	json_history(o, c, n);
	put(o, "}\n");
}

int
policy_render(struct buf *b, enum policy_format fmt,
    const struct policy_lookup *pl, const struct policy_change *c, size_t n)
{
	struct out o = { b, 0, fmt };

	if (fmt == POLICY_JSON)
		render_json(&o, pl, c, n);
	else
		render_text(&o, pl, c, n);
	return o.rc;
}

int
policy_render_json_brief(struct buf *b, const struct policy_lookup *pl)
{
	struct out o = { b, 0, POLICY_JSON };

	put(&o, "{");
	json_core(&o, pl);
	put(&o, "}");
	return o.rc;
}

/* ------------------------------------------------------------------ */
/* the policy mode                                                    */

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
	if (policy_render(&b, po->format, &pl, c, n) == -1) {
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

/*
 * The policy lookups kept in dmarc_lookup (schema/004_dns.sql,
 * 005_policy.sql): policy_store() appends one through the DNS cache's
 * writable handle, policy_latest() reads the newest back, and
 * policy_history() collapses them into the record's changes.  Prepared
 * statements with bound parameters only.
 */
#include <stdlib.h>
#include <string.h>

#include "limits.h"
#include "policy.h"
#include "rdb.h"
#include "policy_int.h"
#include "xalloc.h"

/* ceiling of the notes or destinations text of one stored lookup */
#define POLICY_STORE_TEXT_MAX	(1024 * 1024)

/* notes as "severity code: text" lines; walk_only: the walk's own */
static char *
notes_text(const struct dmarcrec *rec, int walk_only)
{
	static const char *const walk_codes[] = { "several-records",
	    "not-at-domain", "dns-error", "ignored-record",
	    "dest-not-authorized", "dest-unknown" };
	struct buf b;

	buf_init(&b, POLICY_STORE_TEXT_MAX);
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

	buf_init(&b, POLICY_STORE_TEXT_MAX);
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
		d->status = policy_dest_status_from_name(st, (size_t)(host - st));
		d->host = xstrndup(host + 1, (size_t)(uri - host - 1));
		d->uri = xstrndup(uri + 1, (size_t)(s + len - uri - 1));
		if (d->status != PDEST_INTERNAL)
			d->qname = xasprintf("%s._report._dmarc.%s",
			    pl->record_domain, d->host);
		s += len + (s[len] == '\n');
	}
}

static void
bind_opt(struct rdb_stmt *st, int i, const char *s)
{
	rdb_bind_text(st, i, s);
}

static void
bind_letter(struct rdb_stmt *st, int i, char c)
{
	char s[2] = { c, '\0' };

	bind_opt(st, i, c != 0 ? s : NULL);
}

static void
bind_record(struct rdb_stmt *st, const struct policy_lookup *pl)
{
	const struct dmarcrec *r = &pl->rec;

	bind_opt(st, 1, pl->domain);
	rdb_bind_int64(st, 2, pl->looked_up_at);
	bind_opt(st, 3, policy_status_name(pl->status));
	if (pl->rcode >= 0)
		rdb_bind_int64(st, 4, pl->rcode);
	bind_opt(st, 5, pl->record_domain);
	bind_opt(st, 6, pl->org_domain);
	bind_opt(st, 7, pl->raw);
	if (pl->raw != NULL)
		rdb_bind_int64(st, 8, r->valid);
	bind_opt(st, 9, dmarcrec_p_name(r->p));
	bind_opt(st, 10, dmarcrec_p_name(r->sp));
	bind_opt(st, 11, dmarcrec_p_name(r->np));
	bind_letter(st, 12, r->psd);
	bind_letter(st, 13, r->t);
	bind_letter(st, 14, r->adkim);
	bind_letter(st, 15, r->aspf);
	if (r->pct >= 0)
		rdb_bind_int64(st, 16, r->pct);
	bind_opt(st, 17, r->rua);
	bind_opt(st, 18, r->ruf);
	bind_opt(st, 19, r->fo);
}

int
policy_store(struct dns *dns, struct policy_lookup *pl)
{
	struct rdb *r = dns_db(dns);
	struct rdb_stmt *st = NULL;
	char *all = NULL, *walk = NULL, *dests = NULL, err[256];
	int rc = -1;

	if (r == NULL || !dns_db_writable(dns) ||
	    pl->status == POLICY_NOT_LOOKED_UP)
		return -1;
	if (rdb_prepare(r, "INSERT INTO dmarc_lookup (domain, "
	    "looked_up_at, status, rcode, record_domain, org_domain, "
	    "raw_record, valid, p, sp, np, psd, t, adkim, aspf, pct, rua, "
	    "ruf, fo, warnings, walk_notes, report_dests) VALUES (?1, ?2, "
	    "?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, "
	    "?17, ?18, ?19, ?20, ?21, ?22) RETURNING id", &st, err,
	    sizeof(err)) == -1)
		goto out;
	bind_record(st, pl);
	all = notes_text(&pl->rec, 0);
	walk = notes_text(&pl->rec, 1);
	dests = dests_text(pl);
	bind_opt(st, 20, all);
	bind_opt(st, 21, walk);
	bind_opt(st, 22, dests);
	if (rdb_step(st) != 1)
		goto out;
	pl->id = rdb_col_int64(st, 0);
	if (rdb_step(st) != 0)
		goto out;
	rc = 0;
out:
	if (rc == -1)
		dns_db_failed(dns, rdb_errmsg(r));
	rdb_finalize(st);
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
col_dup(struct rdb_stmt *st, int i)
{
	const char *s = rdb_col_text(st, i);

	return s != NULL ? xstrdup(s) : NULL;
}

/* prepares sql on r; 0 ok, 1 when the table does not exist, -1 error */
static int
prepare(struct rdb *r, const char *sql, struct rdb_stmt **st, char *err,
    size_t errlen)
{
	char msg[256];

	if (rdb_prepare(r, sql, st, msg, sizeof(msg)) == 0)
		return 0;
	if (rdb_no_table(r))
		return 1;
	snprintf(err, errlen, "cannot read policy lookups: %s", msg);
	return -1;
}

int
policy_latest(struct rdb *r, const char *domain, struct policy_lookup *pl,
    char *err, size_t errlen)
{
	struct rdb_stmt *st = NULL;
	int rc, step;

	memset(pl, 0, sizeof(*pl));
	pl->rec.pct = -1;
	pl->rcode = -1;
	if ((rc = prepare(r, "SELECT id, looked_up_at, status, rcode, "
	    "record_domain, org_domain, raw_record, walk_notes, report_dests "
	    "FROM dmarc_lookup WHERE domain = ?1 ORDER BY looked_up_at DESC, id "
	    "DESC LIMIT 1", &st, err, errlen)) != 0)
		return rc == 1 ? 0 : -1;
	rdb_bind_text(st, 1, domain);
	if ((step = rdb_step(st)) == 1) {
		pl->id = rdb_col_int64(st, 0);
		pl->looked_up_at = rdb_col_int64(st, 1);
		pl->status = policy_status_from_name(rdb_col_text(st, 2));
		if (!rdb_col_is_null(st, 3))
			pl->rcode = (int)rdb_col_int64(st, 3);
		pl->domain = xstrdup(domain);
		pl->record_domain = col_dup(st, 4);
		pl->org_domain = col_dup(st, 5);
		pl->raw = col_dup(st, 6);
		pl->stored = 1;
		if (pl->raw != NULL)
			dmarcrec_parse(pl->raw, &pl->rec);
		load_walk_notes(&pl->rec, rdb_col_text(st, 7));
		load_dests(pl, rdb_col_text(st, 8));
		rc = 1;
	} else if (step == 0)
		rc = 0;
	else {
		snprintf(err, errlen, "cannot read policy lookups: %s",
		    rdb_errmsg(r));
		rc = -1;
	}
	rdb_finalize(st);
	return rc;
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
history_add(struct policy_change **c, size_t *n, struct rdb_stmt *st)
{
	enum policy_status s = policy_status_from_name(rdb_col_text(st, 1));
	const char *rd = rdb_col_text(st, 2);
	const char *raw = rdb_col_text(st, 3);
	int64_t at = rdb_col_int64(st, 0);
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
policy_history(struct rdb *r, const char *domain, struct policy_change **c,
    size_t *n, char *err, size_t errlen)
{
	struct rdb_stmt *st = NULL;
	int rc, step;

	*c = NULL;
	*n = 0;
	if ((rc = prepare(r, "SELECT looked_up_at, status, record_domain, "
	    "raw_record FROM dmarc_lookup WHERE domain = ?1 ORDER BY "
	    "looked_up_at, id", &st, err, errlen)) != 0)
		return rc == 1 ? 0 : -1;
	rdb_bind_text(st, 1, domain);
	while ((step = rdb_step(st)) == 1)
		history_add(c, n, st);
	rc = 0;
	if (step != 0) {
		snprintf(err, errlen, "cannot read policy history: %s",
		    rdb_errmsg(r));
		policy_history_free(*c, *n);
		*c = NULL;
		*n = 0;
		rc = -1;
	}
	rdb_finalize(st);
	return rc;
}

/*
 * Reads the database into the report model for one window (query.h).
 * Every statement is prepared with bound parameters:
 *   ?1 since, ?2 until (the window), ?3 the lowest begin_utc a report
 *   overlapping the window can have (since minus the longest range),
 *   ?4 the --domain filter as a JSON array or NULL, ?5 failing only.
 * The share of a report (window.h) is computed in SQL as SHARE.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "escape.h"
#include "limits.h"
#include "query.h"
#include "xalloc.h"

/* bytes of the database mapped for reading (a read-only connection) */
#define QUERY_MMAP_SIZE	"1073741824"

#define SHARE \
	"(CASE WHEN r.end_utc <= r.begin_utc THEN 1.0 ELSE " \
	"(min(r.end_utc, ?2) - max(r.begin_utc, ?1)) * 1.0 / " \
	"(r.end_utc - r.begin_utc) END)"

/* the reports overlapping the window, as table w(id, dom, org, f) */
#define WREPORTS \
	"(SELECT r.id AS id, coalesce(r.policy_domain, '') AS dom, " \
	"r.org_name AS org, " SHARE " AS f, r.begin_utc AS b, " \
	"r.end_utc AS e, r.messages AS messages, r.policy_p AS p, " \
	"r.policy_sp AS sp, r.policy_np AS np, r.policy_pct AS pct, " \
	"r.policy_adkim AS adkim, r.policy_aspf AS aspf, " \
	"r.policy_testing AS testing " \
	"FROM report r WHERE r.status = 'stored' " \
	"AND r.begin_utc >= ?3 AND r.begin_utc < ?2 " \
	"AND (r.end_utc > ?1 OR (r.end_utc <= r.begin_utc " \
	"AND r.begin_utc >= ?1)) " \
	"AND (?4 IS NULL OR coalesce(r.policy_domain, '') IN " \
	"(SELECT value FROM json_each(?4)))) AS w"

/* records of those reports; ?5 keeps failing ones only */
#define WRECORDS WREPORTS " JOIN record c ON c.report_id = w.id "
#define FAILING " WHERE (?5 = 0 OR c.dmarc_pass = 0)"

/* mfail of a failing record, -1 for a passing one (model.h order) */
#define CATEGORY \
	"(CASE WHEN c.dmarc_pass = 1 THEN -1 " \
	"WHEN EXISTS (SELECT 1 FROM record_reason x WHERE " \
	"x.record_id = c.id AND (x.type = 'forwarded' OR " \
	"x.type = 'trusted_forwarder' OR x.type = 'mailing_list' OR " \
	"x.type = 'local_policy' OR x.type = 'other')) THEN 0 " \
	"WHEN EXISTS (SELECT 1 FROM record_dkim d WHERE " \
	"d.record_id = c.id AND d.result = 'pass') THEN 1 " \
	"WHEN EXISTS (SELECT 1 FROM record_spf s WHERE " \
	"s.record_id = c.id AND s.result = 'pass') THEN 2 " \
	"WHEN NOT EXISTS (SELECT 1 FROM record_dkim d WHERE " \
	"d.record_id = c.id AND coalesce(d.result, '') <> 'none') THEN 3 " \
	"ELSE 4 END)"

#define DISPOSITION \
	"(CASE c.disposition WHEN 'none' THEN 0 WHEN 'quarantine' THEN 1 " \
	"WHEN 'reject' THEN 2 WHEN 'pass' THEN 3 ELSE 4 END)"

static const char q_span[] =
    "SELECT coalesce(max(end_utc - begin_utc), 0) FROM report";

static const char q_reports[] =
    "SELECT dom, org, f, b, e, messages, p, sp, np, pct, adkim, aspf, "
    "testing FROM " WREPORTS " WHERE f > 0 OR e <= b ORDER BY dom";

static const char q_domain_tally[] =
    "SELECT w.dom, " DISPOSITION ", " CATEGORY ", "
    "sum(c.count * w.f), sum(c.count * w.f * c.dmarc_pass), "
    "sum(c.count * w.f * c.dkim_aligned), "
    "sum(c.count * w.f * c.spf_aligned), "
    "sum(c.count * w.f * (c.dkim_aligned AND c.spf_aligned)), count(*) "
    "FROM " WRECORDS FAILING " GROUP BY 1, 2, 3";

static const char q_domain_reasons[] =
    "SELECT w.dom, coalesce(x.type, x.type_raw), "
    "sum(c.count * w.f), count(*) FROM " WRECORDS
    " JOIN record_reason x ON x.record_id = c.id" FAILING " GROUP BY 1, 2";

static const char q_source_rows[] =
    "SELECT w.dom, c.source_ip, " DISPOSITION ", " CATEGORY ", "
    "c.count * w.f, c.dmarc_pass, c.dkim_aligned, c.spf_aligned, "
    "c.header_from, c.envelope_from, w.org FROM " WRECORDS FAILING;

static const char q_source_dkim[] =
    "SELECT w.dom, c.source_ip, d.domain, d.selector, "
    "coalesce(d.result, d.result_raw), c.count * w.f FROM " WRECORDS
    " JOIN record_dkim d ON d.record_id = c.id" FAILING;

static const char q_source_spf[] =
    "SELECT w.dom, c.source_ip, s.domain, coalesce(s.scope, s.scope_raw, "
    "'mfrom'), coalesce(s.result, s.result_raw), c.count * w.f FROM "
    WRECORDS " JOIN record_spf s ON s.record_id = c.id" FAILING;

static const char q_source_reasons[] =
    "SELECT w.dom, c.source_ip, coalesce(x.type, x.type_raw), x.comment, "
    "NULL, c.count * w.f FROM " WRECORDS
    " JOIN record_reason x ON x.record_id = c.id" FAILING;

static const char q_rejects[] =
    "SELECT source, reason, first_seen FROM input WHERE "
    "outcome = 'rejected' AND first_seen >= ?1 AND first_seen < ?2 "
    "ORDER BY first_seen DESC, id DESC";

/* the statement and the parameters every query binds */
struct qctx {
	sqlite3			*db;
	const struct window	*win;
	int64_t			 lowest_begin;
	char			*domains_json;	/* NULL: no filter */
	int			 failing_only;
	struct model		*m;
	/* (domain, ip) -> index into m->sources, open addressing */
	size_t			*slots;		/* index + 1, 0 = empty */
	size_t			 n_slots;
	char			*err;
	size_t			 errlen;
};

static int
q_fail(struct qctx *q, const char *what)
{
	snprintf(q->err, q->errlen, "database query (%s) failed: %s", what,
	    sqlite3_errmsg(q->db));
	return -1;
}

/* prepares sql and binds whichever of ?1..?5 it uses */
static sqlite3_stmt *
q_prepare(struct qctx *q, const char *sql, const char *what)
{
	sqlite3_stmt *st = NULL;
	int n;

	if (sqlite3_prepare_v2(q->db, sql, -1, &st, NULL) != SQLITE_OK) {
		q_fail(q, what);
		return NULL;
	}
	n = sqlite3_bind_parameter_count(st);
	if ((n >= 1 && sqlite3_bind_int64(st, 1, q->win->since)) ||
	    (n >= 2 && sqlite3_bind_int64(st, 2, q->win->until)) ||
	    (n >= 3 && sqlite3_bind_int64(st, 3, q->lowest_begin)) ||
	    (n >= 4 && (q->domains_json == NULL ? sqlite3_bind_null(st, 4) :
	    sqlite3_bind_text(st, 4, q->domains_json, -1, SQLITE_STATIC))) ||
	    (n >= 5 && sqlite3_bind_int(st, 5, q->failing_only))) {
		q_fail(q, what);
		sqlite3_finalize(st);
		return NULL;
	}
	return st;
}

static const char *
col_text(sqlite3_stmt *st, int i)
{
	return (const char *)sqlite3_column_text(st, i);
}

static char *
col_dup(sqlite3_stmt *st, int i)
{
	const char *s = col_text(st, i);

	return s ? xstrdup(s) : NULL;
}

/* ---- domains ---- */

static struct msum *
domain_get(struct model *m, const char *dom)
{
	struct msum *d;

	if (m->n_domains > 0 &&
	    strcmp(m->domains[m->n_domains - 1].domain, dom) == 0)
		return &m->domains[m->n_domains - 1];
	m->domains = xreallocarray(m->domains, m->n_domains + 1,
	    sizeof(*m->domains));
	d = &m->domains[m->n_domains++];
	memset(d, 0, sizeof(*d));
	d->domain = xstrdup(dom);
	d->live_pct = -1;
	model_values_init(&d->reasons, MAX_MODEL_VALUES);
	model_values_init(&d->reporters, MAX_MODEL_REPORTERS);
	d->day_messages = xcalloc((size_t)window_days(&m->win),
	    sizeof(double));
	return d;
}

static int
str_same(const char *a, const unsigned char *b)
{
	if (a == NULL || b == NULL)
		return a == NULL && b == NULL;
	return strcmp(a, (const char *)b) == 0;
}

static void
policy_add(struct msum *d, sqlite3_stmt *st, double messages)
{
	struct mpolicy *p;
	size_t i;
	int pct = sqlite3_column_type(st, 9) == SQLITE_NULL ? -1 :
	    sqlite3_column_int(st, 9);

	for (i = 0; i < d->n_policies; i++) {
		p = &d->policies[i];
		if (str_same(p->p, sqlite3_column_text(st, 6)) &&
		    str_same(p->sp, sqlite3_column_text(st, 7)) &&
		    str_same(p->np, sqlite3_column_text(st, 8)) &&
		    p->pct == pct &&
		    str_same(p->adkim, sqlite3_column_text(st, 10)) &&
		    str_same(p->aspf, sqlite3_column_text(st, 11)) &&
		    str_same(p->testing, sqlite3_column_text(st, 12)))
			goto found;
	}
	if (d->n_policies >= MAX_MODEL_POLICIES)
		return;
	d->policies = xreallocarray(d->policies, d->n_policies + 1,
	    sizeof(*d->policies));
	p = &d->policies[d->n_policies++];
	memset(p, 0, sizeof(*p));
	p->p = col_dup(st, 6);
	p->sp = col_dup(st, 7);
	p->np = col_dup(st, 8);
	p->pct = pct;
	p->adkim = col_dup(st, 10);
	p->aspf = col_dup(st, 11);
	p->testing = col_dup(st, 12);
found:
	p->reports++;
	p->messages += messages;
}

/*
 * Spreads a report's messages over the window's days it overlaps and
 * marks those days covered; walks only the days of its range.
 */
static void
days_add(struct msum *d, unsigned char *cover, const struct window *win,
    int64_t b, int64_t e, double messages)
{
	struct window day;
	double s;
	int64_t i, n = window_days(win), first = (b - win->since) / WINDOW_DAY;

	for (i = first > 0 ? first : 0; i < n; i++) {
		day.since = win->since + i * WINDOW_DAY;
		day.until = day.since + WINDOW_DAY;
		if (day.since >= (e > b ? e : b + 1))
			break;
		if ((s = window_share(&day, b, e)) > 0) {
			d->day_messages[i] += messages * s;
			if (!cover[i]) {
				cover[i] = 1;
				d->days_covered++;
			}
		}
	}
}

static int
read_reports(struct qctx *q)
{
	sqlite3_stmt *st;
	struct msum *d = NULL;
	unsigned char *cover = NULL;
	int rc = -1, s, n = window_days(&q->m->win);
	double f, msg;

	if ((st = q_prepare(q, q_reports, "reports")) == NULL)
		return -1;
	cover = xcalloc((size_t)n, 1);
	while ((s = sqlite3_step(st)) == SQLITE_ROW) {
		if (d == NULL || strcmp(d->domain, col_text(st, 0)) != 0) {
			memset(cover, 0, (size_t)n);
			d = domain_get(q->m, col_text(st, 0));
		}
		f = sqlite3_column_double(st, 2);
		msg = (double)sqlite3_column_int64(st, 5) * f;
		d->reports++;
		model_values_add(&d->reporters, col_text(st, 1), NULL, NULL,
		    msg, 1);
		policy_add(d, st, msg);
		days_add(d, cover, &q->m->win, sqlite3_column_int64(st, 3),
		    sqlite3_column_int64(st, 4),
		    (double)sqlite3_column_int64(st, 5));
	}
	if (s != SQLITE_DONE)
		goto out;
	rc = 0;
out:
	if (rc == -1)
		q_fail(q, "reports");
	free(cover);
	sqlite3_finalize(st);
	return rc;
}

/* one row of a tally query: disposition, category and sums from col */
static void
tally_row(struct mtally *t, sqlite3_stmt *st, int col, double m, double pass,
    double dkim, double spf, double both, unsigned long rows)
{
	int disp = sqlite3_column_int(st, col);
	int cat = sqlite3_column_int(st, col + 1);

	t->messages += m;
	t->dmarc_pass += pass;
	t->dkim_aligned += dkim;
	t->spf_aligned += spf;
	t->both_aligned += both;
	if (disp >= 0 && disp < MDISP__COUNT)
		t->disp[disp] += m;
	if (cat >= 0 && cat < MFAIL__COUNT)
		t->fail[cat] += m;
	t->rows += rows;
}

static int
read_domain_tallies(struct qctx *q)
{
	sqlite3_stmt *st;
	struct msum *d;
	int s;

	if ((st = q_prepare(q, q_domain_tally, "domain tallies")) == NULL)
		return -1;
	while ((s = sqlite3_step(st)) == SQLITE_ROW) {
		/* every domain with records has a report row */
		if ((d = model_domain(q->m, col_text(st, 0))) == NULL)
			continue;
		tally_row(&d->t, st, 1, sqlite3_column_double(st, 3),
		    sqlite3_column_double(st, 4),
		    sqlite3_column_double(st, 5),
		    sqlite3_column_double(st, 6),
		    sqlite3_column_double(st, 7),
		    (unsigned long)sqlite3_column_int64(st, 8));
	}
	sqlite3_finalize(st);
	return s == SQLITE_DONE ? 0 : q_fail(q, "domain tallies");
}

static int
read_domain_reasons(struct qctx *q)
{
	sqlite3_stmt *st;
	struct msum *d;
	int s;

	if ((st = q_prepare(q, q_domain_reasons, "reasons")) == NULL)
		return -1;
	while ((s = sqlite3_step(st)) == SQLITE_ROW) {
		if ((d = model_domain(q->m, col_text(st, 0))) == NULL)
			continue;
		model_values_add(&d->reasons, col_text(st, 1), NULL, NULL,
		    sqlite3_column_double(st, 2),
		    (unsigned long)sqlite3_column_int64(st, 3));
	}
	sqlite3_finalize(st);
	return s == SQLITE_DONE ? 0 : q_fail(q, "reasons");
}

/* ---- sources ---- */

static uint64_t
key_hash(const char *dom, const char *ip)
{
	uint64_t h = 1469598103934665603ULL;
	const char *p;

	for (p = dom; *p != '\0'; p++)
		h = (h ^ (unsigned char)*p) * 1099511628211ULL;
	h = (h ^ 0xff) * 1099511628211ULL;
	for (p = ip ? ip : ""; *p != '\0'; p++)
		h = (h ^ (unsigned char)*p) * 1099511628211ULL;
	h ^= (ip == NULL);
	/* fold the high bits down: the table index uses the low ones */
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	return h;
}

static int
key_eq(const struct msource *s, const char *dom, const char *ip)
{
	if (strcmp(s->domain, dom) != 0)
		return 0;
	if (s->ip == NULL || ip == NULL)
		return s->ip == NULL && ip == NULL;
	return strcmp(s->ip, ip) == 0;
}

static void
slots_grow(struct qctx *q)
{
	size_t i, j, n = q->n_slots ? q->n_slots * 2 : 1024;
	struct msource *s;

	free(q->slots);
	q->slots = xcalloc(n, sizeof(*q->slots));
	q->n_slots = n;
	for (i = 0; i < q->m->n_sources; i++) {
		s = &q->m->sources[i];
		j = key_hash(s->domain, s->ip) & (n - 1);
		while (q->slots[j] != 0)
			j = (j + 1) & (n - 1);
		q->slots[j] = i + 1;
	}
}

static struct msource *
source_new(struct model *m, const char *dom, const char *ip)
{
	struct msource *s;

	m->sources = xreallocarray(m->sources, m->n_sources + 1,
	    sizeof(*m->sources));
	s = &m->sources[m->n_sources++];
	memset(s, 0, sizeof(*s));
	s->domain = xstrdup(dom);
	s->ip = ip ? xstrdup(ip) : NULL;
	model_values_init(&s->header_from, MAX_MODEL_VALUES);
	model_values_init(&s->envelope_from, MAX_MODEL_VALUES);
	model_values_init(&s->dkim, MAX_MODEL_VALUES);
	model_values_init(&s->spf, MAX_MODEL_VALUES);
	model_values_init(&s->reasons, MAX_MODEL_VALUES);
	model_values_init(&s->reporters, MAX_MODEL_VALUES);
	return s;
}

/* the source of (dom, ip); created unless create is 0 or the cap hit */
static struct msource *
source_get(struct qctx *q, const char *dom, const char *ip, int create)
{
	size_t j, mask;

	if (q->n_slots == 0 || (q->m->n_sources + 1) * 2 > q->n_slots)
		slots_grow(q);
	mask = q->n_slots - 1;
	j = key_hash(dom, ip) & mask;
	for (; q->slots[j] != 0; j = (j + 1) & mask)
		if (key_eq(&q->m->sources[q->slots[j] - 1], dom, ip))
			return &q->m->sources[q->slots[j] - 1];
	if (!create)
		return NULL;
	if (q->m->n_sources >= MAX_MODEL_SOURCES) {
		q->m->sources_dropped++;
		return NULL;
	}
	q->slots[j] = q->m->n_sources + 1;
	return source_new(q->m, dom, ip);
}

static int
read_source_rows(struct qctx *q)
{
	sqlite3_stmt *st;
	struct msource *s;
	double m;
	int s_rc, da, sa;

	if ((st = q_prepare(q, q_source_rows, "sources")) == NULL)
		return -1;
	while ((s_rc = sqlite3_step(st)) == SQLITE_ROW) {
		if ((s = source_get(q, col_text(st, 0), col_text(st, 1),
		    1)) == NULL)
			continue;
		m = sqlite3_column_double(st, 4);
		da = sqlite3_column_int(st, 6);
		sa = sqlite3_column_int(st, 7);
		tally_row(&s->t, st, 2, m, m * sqlite3_column_int(st, 5),
		    m * da, m * sa, m * (da && sa), 1);
		model_values_add(&s->header_from, col_text(st, 8), NULL,
		    NULL, m, 1);
		model_values_add(&s->envelope_from, col_text(st, 9), NULL,
		    NULL, m, 1);
		model_values_add(&s->reporters, col_text(st, 10), NULL,
		    NULL, m, 1);
	}
	sqlite3_finalize(st);
	return s_rc == SQLITE_DONE ? 0 : q_fail(q, "sources");
}

/* rows of (dom, ip, name, detail, result, messages) into a list */
static int
read_source_list(struct qctx *q, const char *sql, const char *what,
    size_t offset)
{
	sqlite3_stmt *st;
	struct msource *s;
	int rc;

	if ((st = q_prepare(q, sql, what)) == NULL)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if ((s = source_get(q, col_text(st, 0), col_text(st, 1),
		    0)) == NULL)
			continue;
		model_values_add((struct mvalues *)((char *)s + offset),
		    col_text(st, 2), col_text(st, 3), col_text(st, 4),
		    sqlite3_column_double(st, 5), 1);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : q_fail(q, what);
}

static int
read_sources(struct qctx *q)
{
	size_t i;

	if (read_source_rows(q) == -1 ||
	    read_source_list(q, q_source_dkim, "DKIM results",
	    offsetof(struct msource, dkim)) == -1 ||
	    read_source_list(q, q_source_spf, "SPF results",
	    offsetof(struct msource, spf)) == -1 ||
	    read_source_list(q, q_source_reasons, "reasons",
	    offsetof(struct msource, reasons)) == -1)
		return -1;
	for (i = 0; i < q->m->n_sources; i++) {
		model_values_sort(&q->m->sources[i].header_from);
		model_values_sort(&q->m->sources[i].envelope_from);
		model_values_sort(&q->m->sources[i].dkim);
		model_values_sort(&q->m->sources[i].spf);
		model_values_sort(&q->m->sources[i].reasons);
		model_values_sort(&q->m->sources[i].reporters);
	}
	return 0;
}

/* ---- the rest ---- */

static int
read_rejects(struct qctx *q)
{
	sqlite3_stmt *st;
	struct model *m = q->m;
	struct mreject *r;
	int s;

	if ((st = q_prepare(q, q_rejects, "rejected inputs")) == NULL)
		return -1;
	while ((s = sqlite3_step(st)) == SQLITE_ROW) {
		m->rejected_inputs++;
		if (m->n_rejects >= MAX_MODEL_REJECTS)
			continue;
		m->rejects = xreallocarray(m->rejects, m->n_rejects + 1,
		    sizeof(*m->rejects));
		r = &m->rejects[m->n_rejects++];
		r->source = col_dup(st, 0);
		r->reason = col_dup(st, 1);
		r->first_seen = sqlite3_column_int64(st, 2);
	}
	sqlite3_finalize(st);
	return s == SQLITE_DONE ? 0 : q_fail(q, "rejected inputs");
}

static int
read_span(struct qctx *q)
{
	sqlite3_stmt *st;
	int64_t span = 0;

	if ((st = q_prepare(q, q_span, "range")) == NULL)
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW)
		span = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	if (span < 0)
		span = 0;
	q->lowest_begin = q->win->since - span;
	return 0;
}

/* the --domain list as a JSON array for json_each(); NULL if none */
static char *
domains_json(const struct query_opts *o)
{
	struct buf b;
	size_t i;

	if (o->domains == NULL || o->n_domains == 0)
		return NULL;
	buf_init(&b, (MAX_SHORT_TEXT * 6 + 4) * (o->n_domains + 1));
	buf_addc(&b, '[');
	for (i = 0; i < o->n_domains; i++) {
		if (i > 0)
			buf_addc(&b, ',');
		buf_addc(&b, '"');
		escape_json(&b, o->domains[i]);
		buf_addc(&b, '"');
	}
	buf_addc(&b, ']');
	return buf_detach(&b, NULL);
}

int
query_run(sqlite3 *db, const struct query_opts *o, struct model *m,
    char *err, size_t errlen)
{
	struct qctx q;
	int rc = -1;

	memset(&q, 0, sizeof(q));
	q.db = db;
	q.win = &m->win;
	q.m = m;
	q.err = err;
	q.errlen = errlen;
	q.domains_json = domains_json(o);
	/* reading through mmap saves a copy per page on big databases */
	(void)sqlite3_exec(db, "PRAGMA mmap_size = " QUERY_MMAP_SIZE, NULL,
	    NULL, NULL);
	if (read_span(&q) == -1 || read_reports(&q) == -1 ||
	    read_domain_tallies(&q) == -1 || read_domain_reasons(&q) == -1)
		goto out;
	q.failing_only = o->failing_only;
	if (o->sources && read_sources(&q) == -1)
		goto out;
	if (read_rejects(&q) == -1)
		goto out;
	rc = 0;
out:
	free(q.domains_json);
	free(q.slots);
	return rc;
}

/* ---- ordering ---- */

static int
cmp_key(const struct msource *a, const struct msource *b)
{
	int c;

	if ((c = strcmp(a->domain, b->domain)) != 0)
		return c;
	if (a->ip == NULL || b->ip == NULL)
		return (a->ip == NULL) - (b->ip == NULL);
	return strcmp(a->ip, b->ip);
}

static int
cmp_double(double a, double b)
{
	return a < b ? 1 : a > b ? -1 : 0;	/* descending */
}

static int
cmp_failing(const void *pa, const void *pb)
{
	const struct msource *a = pa, *b = pb;
	int c;

	if ((c = cmp_double(a->t.messages - a->t.dmarc_pass,
	    b->t.messages - b->t.dmarc_pass)) != 0)
		return c;
	if ((c = cmp_double(a->t.messages, b->t.messages)) != 0)
		return c;
	return cmp_key(a, b);
}

static int
cmp_messages(const void *pa, const void *pb)
{
	const struct msource *a = pa, *b = pb;
	int c;

	if ((c = cmp_double(a->t.messages, b->t.messages)) != 0)
		return c;
	return cmp_failing(pa, pb);
}

static int
cmp_ip(const void *pa, const void *pb)
{
	return cmp_key(pa, pb);
}

void
query_sort_sources(struct model *m, enum query_order o)
{
	int (*cmp)(const void *, const void *) = o == QUERY_BY_FAILING ?
	    cmp_failing : o == QUERY_BY_MESSAGES ? cmp_messages : cmp_ip;

	if (m->n_sources > 1)
		qsort(m->sources, m->n_sources, sizeof(*m->sources), cmp);
}

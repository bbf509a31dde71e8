/*
 * Reads the database into the report model for one window (query.h).
 * Every statement is prepared with bound parameters:
 *   ?1 since, ?2 until (the window), ?3 the lowest begin_utc a report
 *   overlapping the window can have (since minus the longest range),
 *   ?4, ?5, ... the --domain values, one parameter each, in an IN list
 *   put where DOMAIN_FILTER stands (nothing without --domain).
 * The share of a report (window.h) is computed in SQL as SHARE.
 *
 * The window's records are read once, in index order: each row feeds
 * its domain's tally (summed per disposition and category in row order,
 * then added up in GROUP BY order, so that the sums come out bit for bit
 * as SQLite's sum() would give them) and, for the source modes, its
 * source.  The DKIM, SPF and reason rows are read by three statements
 * stepped alongside in the same order and merged by record id, so a list
 * row finds its source without a hash lookup or a second record pass.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "limits.h"
#include "query.h"
#include "query_sql.h"
#include "xalloc.h"

#define SHARE \
	"(CASE WHEN r.end_utc <= r.begin_utc THEN 1.0 ELSE " \
	"(min(r.end_utc, ?2) - max(r.begin_utc, ?1)) * 1.0 / " \
	"(r.end_utc - r.begin_utc) END)"

/*
 * Where the --domain filter goes: an SQL comment, replaced by q_prepare
 * with "AND coalesce(r.policy_domain, '') IN (?4, ?5, ...)" when
 * domains are given.
 */
#define DOMAIN_FILTER "/*domains*/"

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
	DOMAIN_FILTER ") AS w"

/* records of those reports */
#define WRECORDS WREPORTS " JOIN record c ON c.report_id = w.id "

#define DISPOSITION \
	"(CASE c.disposition WHEN 'none' THEN 0 WHEN 'quarantine' THEN 1 " \
	"WHEN 'reject' THEN 2 WHEN 'pass' THEN 3 ELSE 4 END)"

static const char q_span[] =
    "SELECT coalesce(max(end_utc - begin_utc), 0) FROM report";

static const char q_reports[] =
    "SELECT dom, org, f, b, e, messages, p, sp, np, pct, adkim, aspf, "
    "testing FROM " WREPORTS " WHERE f > 0 OR e <= b ORDER BY dom";

/*
 * One pass over the window's records feeds the domain tallies and, when
 * sources are asked for, the sources.  The order is the one report_begin
 * and record's (report_id, seq) index give, so no sort happens; the
 * per-record lists below read the same order and are merged in C by
 * record id.
 */
#define RECORD_ORDER " ORDER BY w.b, w.id, c.seq"

static const char q_records_tally[] =
    "SELECT w.dom, " DISPOSITION ", " CATEGORY ", c.count * w.f, "
    "c.dmarc_pass, c.dkim_aligned, c.spf_aligned, w.b, w.e, c.count "
    "FROM " WRECORDS RECORD_ORDER;

static const char q_records_sources[] =
    "SELECT w.dom, " DISPOSITION ", " CATEGORY ", c.count * w.f, "
    "c.dmarc_pass, c.dkim_aligned, c.spf_aligned, w.b, w.e, c.count, "
    "c.id, c.source_ip, c.header_from, c.envelope_from, w.org FROM "
    WRECORDS RECORD_ORDER;

/* the columns of both (the tally query stops at COL_COUNT) */
enum {
	COL_DOM, COL_DISP, COL_CAT, COL_MSG, COL_PASS, COL_DKIM, COL_SPF,
	COL_BEGIN, COL_END, COL_COUNT,
	COL_ID, COL_IP, COL_HFROM, COL_EFROM, COL_ORG
};

static const char q_domain_reasons[] =
    "SELECT w.dom, coalesce(x.type, x.type_raw), "
    "sum(c.count * w.f), count(*) FROM " WRECORDS
    " JOIN record_reason x ON x.record_id = c.id GROUP BY 1, 2";

/* per-record lists: (record id, name, detail, result) in record order;
   the covering index gives c.id without reading the record row */
static const char q_source_dkim[] =
    "SELECT c.id, d.domain, d.selector, coalesce(d.result, d.result_raw) "
    "FROM " WRECORDS " JOIN record_dkim d ON d.record_id = c.id"
    RECORD_ORDER ", d.seq";

static const char q_source_spf[] =
    "SELECT c.id, s.domain, coalesce(s.scope, s.scope_raw, 'mfrom'), "
    "coalesce(s.result, s.result_raw) FROM " WRECORDS
    " JOIN record_spf s ON s.record_id = c.id" RECORD_ORDER ", s.seq";

static const char q_source_reasons[] =
    "SELECT c.id, coalesce(x.type, x.type_raw), x.comment, NULL FROM "
    WRECORDS " JOIN record_reason x ON x.record_id = c.id" RECORD_ORDER
    ", x.seq";

static const char q_rejects[] =
    "SELECT source, reason, first_seen FROM input WHERE "
    "outcome = 'rejected' AND first_seen >= ?1 AND first_seen < ?2 "
    "ORDER BY first_seen DESC, id DESC";

/*
 * The sums of one (domain, disposition, category) group of records, as
 * the GROUP BY of a tally query would give them; category 0 is a passing
 * record, 1 + enum mfail a failing one.
 */
struct tgroup {
	double		 m, pass, dkim, spf, both;	/* messages */
	unsigned long	 rows;
};

#define TGROUP_CATS	(MFAIL__COUNT + 1)
#define TGROUPS		(MDISP__COUNT * TGROUP_CATS)

/* a per-record list read alongside the record pass (q_source_dkim ...) */
struct qlist {
	const char	*sql;
	const char	*what;
	unsigned	 omit;		/* its QUERY_OMIT_* bit */
	size_t		 offset;	/* of its struct mvalues in msource */
	struct rdb_stmt	*st;
	int		 started;	/* stepped at least once */
	int		 rc;		/* last step (rdb_step) */
};

/* a slot of the source table: the key's hash saves loading the source */
struct qslot {
	uint64_t	 hash;
	size_t		 index;		/* into m->sources, + 1; 0 = empty */
};

/* the statement and the parameters every query binds */
struct qctx {
	struct rdb		*db;
	const struct window	*win;
	int64_t			 lowest_begin;
	const char *const	*domains;	/* --domain values */
	size_t			 n_domains;	/* 0: no filter */
	int			 failing_only;	/* sources: dmarc_pass = 0
						   records only */
	int			 split_sub;	/* key sources by
						   msource.sub too */
	int			 sources;	/* fill m->sources */
	unsigned		 omit;		/* QUERY_OMIT_* */
	struct model		*m;
	/* the record pass: tally groups per domain, the last domain seen */
	struct tgroup		*groups;	/* [n_domains * TGROUPS] */
	struct msum		*last_dom;
	/* the sub-windows (query_sub) and their groups */
	struct query_sub	*subs;
	size_t			 n_subs;
	struct tgroup		*sub_groups;	/* [n_subs * n_domains *
						   TGROUPS] */
	/* (domain, ip) -> index into m->sources, open addressing */
	struct qslot		*slots;
	size_t			 n_slots;
	size_t			 sources_cap;	/* allocated m->sources */
	char			*err;
	size_t			 errlen;
};

static int
q_fail(struct qctx *q, const char *what)
{
	snprintf(q->err, q->errlen, "database query (%s) failed: %s", what,
	    rdb_errmsg(q->db));
	return -1;
}

/* the SQL with DOMAIN_FILTER replaced (caller frees) */
static char *
q_sql(const struct qctx *q, const char *sql)
{
	const char *mark = strstr(sql, DOMAIN_FILTER);
	char num[16];
	struct buf b;
	size_t i;

	buf_init(&b, strlen(sql) + 64 + sizeof(num) * q->n_domains);
	if (mark == NULL || q->n_domains == 0) {
		buf_adds(&b, sql);
		return buf_detach(&b, NULL);
	}
	buf_add(&b, sql, (size_t)(mark - sql));
	buf_adds(&b, " AND coalesce(r.policy_domain, '') IN (");
	for (i = 0; i < q->n_domains; i++) {
		snprintf(num, sizeof(num), "%s?%zu", i > 0 ? ", " : "", i + 4);
		buf_adds(&b, num);
	}
	buf_addc(&b, ')');
	buf_adds(&b, mark + strlen(DOMAIN_FILTER));
	return buf_detach(&b, NULL);
}

/*
 * Prepares sql and binds its parameters: ?1 and ?2 when it has n >= 2,
 * ?3 and the --domain values too when n >= 3 (the WREPORTS queries).
 */
static struct rdb_stmt *
q_prepare(struct qctx *q, const char *sql, int n, const char *what)
{
	struct rdb_stmt *st = NULL;
	char *text = q_sql(q, sql);
	size_t i;
	int bad;

	bad = rdb_prepare(q->db, text, &st, q->err, q->errlen) == -1;
	free(text);
	if (bad) {
		q_fail(q, what);
		return NULL;
	}
	bad = (n >= 2 && (rdb_bind_int64(st, 1, q->win->since) ||
	    rdb_bind_int64(st, 2, q->win->until))) ||
	    (n >= 3 && rdb_bind_int64(st, 3, q->lowest_begin));
	for (i = 0; !bad && n >= 3 && i < q->n_domains; i++)
		bad = rdb_bind_text(st, (int)i + 4, q->domains[i]) != 0;
	if (bad) {
		q_fail(q, what);
		rdb_finalize(st);
		return NULL;
	}
	return st;
}

static const char *
col_text(struct rdb_stmt *st, int i)
{
	return rdb_col_text(st, i);
}

static int
col_int(struct rdb_stmt *st, int i)
{
	return (int)rdb_col_int64(st, i);
}

static char *
col_dup(struct rdb_stmt *st, int i)
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
str_same(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == NULL && b == NULL;
	return strcmp(a, b) == 0;
}

static void
policy_add(struct msum *d, struct rdb_stmt *st, double messages)
{
	struct mpolicy *p;
	size_t i;
	int pct = rdb_col_is_null(st, 9) ? -1 : col_int(st, 9);

	for (i = 0; i < d->n_policies; i++) {
		p = &d->policies[i];
		if (str_same(p->p, col_text(st, 6)) &&
		    str_same(p->sp, col_text(st, 7)) &&
		    str_same(p->np, col_text(st, 8)) &&
		    p->pct == pct &&
		    str_same(p->adkim, col_text(st, 10)) &&
		    str_same(p->aspf, col_text(st, 11)) &&
		    str_same(p->testing, col_text(st, 12)))
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
	struct rdb_stmt *st;
	struct msum *d = NULL;
	unsigned char *cover = NULL;
	int rc = -1, s, n = window_days(&q->m->win);
	double f, msg;

	if ((st = q_prepare(q, q_reports, 3, "reports")) == NULL)
		return -1;
	cover = xcalloc((size_t)n, 1);
	while ((s = rdb_step(st)) == 1) {
		if (d == NULL || strcmp(d->domain, col_text(st, 0)) != 0) {
			memset(cover, 0, (size_t)n);
			d = domain_get(q->m, col_text(st, 0));
		}
		f = rdb_col_double(st, 2);
		msg = (double)rdb_col_int64(st, 5) * f;
		d->reports++;
		model_values_add(&d->reporters, col_text(st, 1), NULL, NULL,
		    msg, 1);
		policy_add(d, st, msg);
		days_add(d, cover, &q->m->win, rdb_col_int64(st, 3),
		    rdb_col_int64(st, 4),
		    (double)rdb_col_int64(st, 5));
	}
	if (s != 0)
		goto out;
	rc = 0;
out:
	if (rc == -1)
		q_fail(q, "reports");
	free(cover);
	rdb_finalize(st);
	return rc;
}

/* one record or group: disposition, category (-1: passing) and sums */
static void
tally_row(struct mtally *t, int disp, int cat, double m, double pass,
    double dkim, double spf, double both, unsigned long rows)
{
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

static void
group_add(struct tgroup *g, double m, int pass, int da, int sa)
{
	g->m += m;
	g->pass += m * pass;
	g->dkim += m * da;
	g->spf += m * sa;
	g->both += m * (da && sa);
	g->rows++;
}

/*
 * The share of a report [b, e) in w, as WREPORTS and SHARE compute it:
 * 0 if WREPORTS would not take the report for w.  The same operations on
 * the same doubles, so the same bits.
 */
static double
sub_share(const struct window *w, int64_t b, int64_t e)
{
	int64_t lo, hi;

	if (b >= w->until || !(e > w->since || (e <= b && b >= w->since)))
		return 0;
	if (e <= b)
		return 1.0;
	lo = b > w->since ? b : w->since;
	hi = e < w->until ? e : w->until;
	return (double)(hi - lo) * 1.0 / (double)(e - b);
}

/* adds the row to the group at offset off of each sub-window it is in */
static void
subs_add(struct qctx *q, struct rdb_stmt *st, size_t off, int pass, int da,
    int sa)
{
	int64_t b = rdb_col_int64(st, COL_BEGIN);
	int64_t e = rdb_col_int64(st, COL_END);
	double n = (double)rdb_col_int64(st, COL_COUNT), f;
	size_t i, per = q->m->n_domains * TGROUPS;

	for (i = 0; i < q->n_subs; i++)
		if ((f = sub_share(&q->subs[i].win, b, e)) > 0)
			group_add(&q->sub_groups[i * per + off], n * f, pass,
			    da, sa);
}

/* adds a record row of messages m to its domain's group */
static void
tally_add(struct qctx *q, struct rdb_stmt *st, double m)
{
	const char *dom = col_text(st, COL_DOM);
	size_t off;
	int disp = col_int(st, COL_DISP);
	int cat = col_int(st, COL_CAT) + 1;
	int pass = col_int(st, COL_PASS);
	int da = col_int(st, COL_DKIM);
	int sa = col_int(st, COL_SPF);

	if (dom == NULL)
		return;
	if (q->last_dom == NULL || strcmp(q->last_dom->domain, dom) != 0)
		q->last_dom = model_domain(q->m, dom);
	/* every domain with records has a report row */
	if (q->last_dom == NULL || disp < 0 || disp >= MDISP__COUNT ||
	    cat < 0 || cat >= TGROUP_CATS)
		return;
	off = (size_t)(q->last_dom - q->m->domains) * TGROUPS +
	    (size_t)disp * TGROUP_CATS + (size_t)cat;
	group_add(&q->groups[off], m, pass, da, sa);
	if (q->n_subs > 0)
		subs_add(q, st, off, pass, da, sa);
}

/*
 * Adds the groups up per domain in GROUP BY order (disposition,
 * category): groups [n_domains * TGROUPS] into t[n_domains].
 */
static void
groups_fold(const struct tgroup *groups, size_t n_domains, struct mtally *t,
    size_t stride)
{
	const struct tgroup *g;
	size_t i, j;

	for (i = 0; i < n_domains; i++) {
		for (j = 0; j < TGROUPS; j++) {
			g = &groups[i * TGROUPS + j];
			if (g->rows == 0)
				continue;
			tally_row((struct mtally *)((char *)t + i * stride),
			    (int)(j / TGROUP_CATS),
			    (int)(j % TGROUP_CATS) - 1, g->m, g->pass,
			    g->dkim, g->spf, g->both, g->rows);
		}
	}
}

static void
tally_fold(struct qctx *q)
{
	size_t i, n = q->m->n_domains;

	if (n == 0)
		return;
	groups_fold(q->groups, n, &q->m->domains[0].t, sizeof(struct msum));
	for (i = 0; i < q->n_subs; i++)
		groups_fold(q->sub_groups + i * n * TGROUPS, n, q->subs[i].t,
		    sizeof(struct mtally));
}

static int
read_domain_reasons(struct qctx *q)
{
	struct rdb_stmt *st;
	struct msum *d;
	int s;

	if ((st = q_prepare(q, q_domain_reasons, 3, "reasons")) == NULL)
		return -1;
	while ((s = rdb_step(st)) == 1) {
		if ((d = model_domain(q->m, col_text(st, 0))) == NULL)
			continue;
		model_values_add(&d->reasons, col_text(st, 1), NULL, NULL,
		    rdb_col_double(st, 2),
		    (unsigned long)rdb_col_int64(st, 3));
	}
	rdb_finalize(st);
	return s == 0 ? 0 : q_fail(q, "reasons");
}

/* ---- sources ---- */

/* 1 if header_from is strictly below dom on a label boundary */
static int
below(const char *hfrom, const char *dom)
{
	size_t hl, dl;

	if (hfrom == NULL || dom == NULL || (dl = strlen(dom)) == 0)
		return 0;
	hl = strlen(hfrom);
	if (hl > 0 && hfrom[hl - 1] == '.')
		hl--;
	return hl > dl + 1 && hfrom[hl - dl - 1] == '.' &&
	    strncasecmp(hfrom + hl - dl, dom, dl) == 0;
}

static uint64_t
key_hash(const char *dom, const char *ip, int sub)
{
	uint64_t h = 1469598103934665603ULL;
	const char *p;

	for (p = dom; *p != '\0'; p++)
		h = (h ^ (unsigned char)*p) * 1099511628211ULL;
	h = (h ^ 0xff) * 1099511628211ULL;
	for (p = ip ? ip : ""; *p != '\0'; p++)
		h = (h ^ (unsigned char)*p) * 1099511628211ULL;
	h ^= (ip == NULL) | (uint64_t)sub << 1;
	/* fold the high bits down: the table index uses the low ones */
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	return h;
}

static int
key_eq(const struct msource *s, const char *dom, const char *ip, int sub)
{
	if (s->sub != sub || strcmp(s->domain, dom) != 0)
		return 0;
	if (s->ip == NULL || ip == NULL)
		return s->ip == NULL && ip == NULL;
	return strcmp(s->ip, ip) == 0;
}

static void
slots_grow(struct qctx *q)
{
	size_t i, j, n = q->n_slots ? q->n_slots * 2 : 1024;
	struct qslot *old = q->slots;

	q->slots = xcalloc(n, sizeof(*q->slots));
	for (i = 0; i < q->n_slots; i++) {
		if (old[i].index == 0)
			continue;
		j = old[i].hash & (n - 1);
		while (q->slots[j].index != 0)
			j = (j + 1) & (n - 1);
		q->slots[j] = old[i];
	}
	free(old);
	q->n_slots = n;
}

static struct msource *
source_new(struct qctx *q, const char *dom, const char *ip, int sub)
{
	struct model *m = q->m;
	struct msource *s;

	/* grows by half: one realloc per source copies them all each time */
	if (m->n_sources >= q->sources_cap) {
		q->sources_cap = m->n_sources + m->n_sources / 2 + 64;
		if (q->sources_cap > MAX_MODEL_SOURCES)
			q->sources_cap = MAX_MODEL_SOURCES;
		m->sources = xreallocarray(m->sources, q->sources_cap,
		    sizeof(*m->sources));
	}
	s = &m->sources[m->n_sources++];
	memset(s, 0, sizeof(*s));
	s->domain = xstrdup(dom);
	s->ip = ip ? xstrdup(ip) : NULL;
	s->sub = sub;
	model_values_init(&s->header_from, MAX_MODEL_VALUES);
	model_values_init(&s->envelope_from, MAX_MODEL_VALUES);
	model_values_init(&s->dkim, MAX_MODEL_VALUES);
	model_values_init(&s->spf, MAX_MODEL_VALUES);
	model_values_init(&s->reasons, MAX_MODEL_VALUES);
	model_values_init(&s->reporters, MAX_MODEL_VALUES);
	return s;
}

/* the source of (dom, ip, sub); created unless the cap is hit */
static struct msource *
source_get(struct qctx *q, const char *dom, const char *ip, int sub)
{
	struct msource *s;
	uint64_t h = key_hash(dom, ip, sub);
	size_t j, mask;

	if (q->n_slots == 0 || (q->m->n_sources + 1) * 2 > q->n_slots)
		slots_grow(q);
	mask = q->n_slots - 1;
	for (j = h & mask; q->slots[j].index != 0; j = (j + 1) & mask) {
		s = &q->m->sources[q->slots[j].index - 1];
		if (q->slots[j].hash == h && key_eq(s, dom, ip, sub))
			return s;
	}
	if (q->m->n_sources >= MAX_MODEL_SOURCES) {
		q->m->sources_dropped++;
		return NULL;
	}
	q->slots[j].hash = h;
	q->slots[j].index = q->m->n_sources + 1;
	return source_new(q, dom, ip, sub);
}

/* the source of a record row of messages m; NULL if it has none */
static struct msource *
source_row(struct qctx *q, struct rdb_stmt *st, double m)
{
	struct msource *s;
	int da, sa;

	if (q->failing_only && col_int(st, COL_PASS) != 0)
		return NULL;
	if ((s = source_get(q, col_text(st, COL_DOM), col_text(st, COL_IP),
	    q->split_sub && below(col_text(st, COL_HFROM),
	    col_text(st, COL_DOM)))) == NULL)
		return NULL;
	da = col_int(st, COL_DKIM);
	sa = col_int(st, COL_SPF);
	tally_row(&s->t, col_int(st, COL_DISP),
	    col_int(st, COL_CAT), m,
	    m * col_int(st, COL_PASS), m * da, m * sa,
	    m * (da && sa), 1);
	if (!(q->omit & QUERY_OMIT_FROM)) {
		model_values_add(&s->header_from, col_text(st, COL_HFROM),
		    NULL, NULL, m, 1);
		model_values_add(&s->envelope_from, col_text(st, COL_EFROM),
		    NULL, NULL, m, 1);
	}
	if (!(q->omit & QUERY_OMIT_REPORTERS))
		model_values_add(&s->reporters, col_text(st, COL_ORG), NULL,
		    NULL, m, 1);
	return s;
}

/*
 * Takes l's rows of record id (it reads the records in the same order)
 * into source s, NULL to skip them.
 */
static int
list_take(struct qctx *q, struct qlist *l, int64_t id, struct msource *s,
    double m)
{
	if (!l->started) {
		l->rc = rdb_step(l->st);
		l->started = 1;
	}
	while (l->rc == 1 && rdb_col_int64(l->st, 0) == id) {
		if (s != NULL)
			model_values_add((struct mvalues *)((char *)s +
			    l->offset), col_text(l->st, 1),
			    col_text(l->st, 2), col_text(l->st, 3), m, 1);
		l->rc = rdb_step(l->st);
	}
	if (l->rc == -1)
		return q_fail(q, l->what);
	return 0;
}

static int
record_row(struct qctx *q, struct rdb_stmt *st, struct qlist *lists,
    size_t n)
{
	struct msource *s;
	double m = rdb_col_double(st, COL_MSG);
	int64_t id;
	size_t i;

	tally_add(q, st, m);
	if (!q->sources)
		return 0;
	s = source_row(q, st, m);
	id = rdb_col_int64(st, COL_ID);
	for (i = 0; i < n; i++)
		if (list_take(q, &lists[i], id, s, m) == -1)
			return -1;
	return 0;
}

/* a list with rows left over did not follow the record order */
static int
lists_done(struct qctx *q, const struct qlist *lists, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (lists[i].rc == 1) {
			snprintf(q->err, q->errlen, "database query (%s) "
			    "failed: rows out of record order",
			    lists[i].what);
			return -1;
		}
	}
	return 0;
}

static const struct qlist qlists[] = {
	{ q_source_dkim, "DKIM results", QUERY_OMIT_DKIM,
	    offsetof(struct msource, dkim), NULL, 0, 0 },
	{ q_source_spf, "SPF results", QUERY_OMIT_SPF,
	    offsetof(struct msource, spf), NULL, 0, 0 },
	{ q_source_reasons, "reasons", QUERY_OMIT_REASONS,
	    offsetof(struct msource, reasons), NULL, 0, 0 },
};
#define N_QLISTS	(sizeof(qlists) / sizeof(qlists[0]))

/*
 * The record pass: domain tallies always, sources and the lists not
 * omitted when sources is set.  The lists are stepped only once the
 * record statement has begun, so all read the same snapshot.
 */
static int
read_records(struct qctx *q, int sources)
{
	struct qlist lists[N_QLISTS];
	struct rdb_stmt *st = NULL;
	size_t i, n = 0;
	int rc = -1, s;

	for (i = 0; sources && i < N_QLISTS; i++)
		if (!(q->omit & qlists[i].omit))
			lists[n++] = qlists[i];

	q->groups = xcalloc(q->m->n_domains * TGROUPS, sizeof(*q->groups));
	if (q->n_subs > 0)
		q->sub_groups = xcalloc(q->n_subs * q->m->n_domains * TGROUPS,
		    sizeof(*q->sub_groups));
	for (i = 0; i < q->n_subs; i++)
		q->subs[i].t = xcalloc(q->m->n_domains + 1,
		    sizeof(*q->subs[i].t));
	for (i = 0; i < n; i++)
		if ((lists[i].st = q_prepare(q, lists[i].sql, 3,
		    lists[i].what)) == NULL)
			goto out;
	if ((st = q_prepare(q, sources ? q_records_sources :
	    q_records_tally, 3, "records")) == NULL)
		goto out;
	while ((s = rdb_step(st)) == 1)
		if (record_row(q, st, lists, n) == -1)
			goto out;
	if (s != 0) {
		q_fail(q, "records");
		goto out;
	}
	if (lists_done(q, lists, n) == -1)
		goto out;
	tally_fold(q);
	rc = 0;
out:
	rdb_finalize(st);
	for (i = 0; i < n; i++)
		rdb_finalize(lists[i].st);
	free(q->groups);
	q->groups = NULL;
	free(q->sub_groups);
	q->sub_groups = NULL;
	q->last_dom = NULL;
	return rc;
}

static void
sort_source_values(struct model *m)
{
	size_t i;

	for (i = 0; i < m->n_sources; i++) {
		model_values_sort(&m->sources[i].header_from);
		model_values_sort(&m->sources[i].envelope_from);
		model_values_sort(&m->sources[i].dkim);
		model_values_sort(&m->sources[i].spf);
		model_values_sort(&m->sources[i].reasons);
		model_values_sort(&m->sources[i].reporters);
	}
}

/* the domains' reporters by messages, then name, as the sources' lists */
static void
sort_domain_values(struct model *m)
{
	size_t i;

	for (i = 0; i < m->n_domains; i++)
		model_values_sort(&m->domains[i].reporters);
}

/* ---- the rest ---- */

static int
read_rejects(struct qctx *q)
{
	struct rdb_stmt *st;
	struct model *m = q->m;
	struct mreject *r;
	int s;

	if ((st = q_prepare(q, q_rejects, 2, "rejected inputs")) == NULL)
		return -1;
	while ((s = rdb_step(st)) == 1) {
		m->rejected_inputs++;
		if (m->n_rejects >= MAX_MODEL_REJECTS)
			continue;
		m->rejects = xreallocarray(m->rejects, m->n_rejects + 1,
		    sizeof(*m->rejects));
		r = &m->rejects[m->n_rejects++];
		r->source = col_dup(st, 0);
		r->reason = col_dup(st, 1);
		r->first_seen = rdb_col_int64(st, 2);
	}
	rdb_finalize(st);
	return s == 0 ? 0 : q_fail(q, "rejected inputs");
}

static int
read_span(struct qctx *q)
{
	struct rdb_stmt *st;
	int64_t span = 0;

	if ((st = q_prepare(q, q_span, 0, "range")) == NULL)
		return -1;
	if (rdb_step(st) == 1)
		span = rdb_col_int64(st, 0);
	rdb_finalize(st);
	if (span < 0)
		span = 0;
	q->lowest_begin = q->win->since - span;
	return 0;
}

int
query_run(struct rdb *r, const struct query_opts *o, struct model *m,
    char *err, size_t errlen)
{
	struct qctx q;
	int rc = -1;

	memset(&q, 0, sizeof(q));
	q.db = r;
	q.win = &m->win;
	q.m = m;
	q.err = err;
	q.errlen = errlen;
	if (o->domains != NULL) {
		q.domains = o->domains;
		q.n_domains = o->n_domains;
	}
	q.failing_only = o->failing_only;
	q.split_sub = o->split_subdomains;
	q.sources = o->sources;
	q.omit = o->omit;
	q.subs = o->subs;
	q.n_subs = o->n_subs;
	if (read_span(&q) == -1 || read_reports(&q) == -1 ||
	    read_records(&q, o->sources) == -1 ||
	    read_domain_reasons(&q) == -1)
		goto out;
	sort_domain_values(m);
	if (o->sources)
		sort_source_values(m);
	if (read_rejects(&q) == -1)
		goto out;
	rc = 0;
out:
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
	if (a->ip == NULL || b->ip == NULL) {
		if (a->ip != NULL || b->ip != NULL)
			return (a->ip == NULL) - (b->ip == NULL);
	} else if ((c = strcmp(a->ip, b->ip)) != 0)
		return c;
	return a->sub - b->sub;
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

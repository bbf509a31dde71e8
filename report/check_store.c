/*
 * The stored checks (check_store.h): a run's checks appended to
 * dns_check and dns_check_item in one transaction through the DNS
 * cache's writable handle, and the newest two checks of a domain read
 * back.  Statements of rdb.h with bound parameters only.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_store.h"
#include "limits.h"
#include "xalloc.h"

static const char q_check[] =
    "INSERT INTO dns_check (domain, checked_at, worst, window_since, "
    "window_until, messages, dropped) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) "
    "RETURNING id";

static const char q_item[] =
    "INSERT INTO dns_check_item (check_id, seq, area, verdict, code, "
    "subject, text, messages) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)";

/* ?1 domain, ?2 at: the newest two */
static const char q_last[] =
    "SELECT id, checked_at, worst, dropped FROM dns_check "
    "WHERE domain = ?1 AND checked_at <= ?2 "
    "ORDER BY checked_at DESC, id DESC LIMIT 2";

static const char q_items[] =
    "SELECT area, verdict, code, subject, text FROM dns_check_item "
    "WHERE check_id = ?1 ORDER BY seq LIMIT ?2";

/* the row of one domain's check; its id in *id; 0 or -1 */
static int
put_check(struct rdb_stmt *st, const struct check_result *r,
    const struct check_domain *d, int64_t *id)
{
	int rc = -1;

	if (rdb_bind_text(st, 1, d->domain) == 0 &&
	    rdb_bind_int64(st, 2, r->checked_at) == 0 &&
	    rdb_bind_text(st, 3, check_verdict_name(d->worst)) == 0 &&
	    rdb_bind_int64(st, 4, r->window.since) == 0 &&
	    rdb_bind_int64(st, 5, r->window.until) == 0 &&
	    rdb_bind_double(st, 6, d->messages > 0 ? d->messages : 0) == 0 &&
	    rdb_bind_int64(st, 7, (int64_t)d->dropped) == 0 &&
	    rdb_step(st) == 1) {
		*id = rdb_col_int64(st, 0);
		/* RETURNING: the insert is done when the statement is */
		rc = rdb_step(st) == 0 ? 0 : -1;
	}
	rdb_reset(st);
	return rc;
}

static int
put_item(struct rdb_stmt *st, int64_t id, size_t seq,
    const struct check_item *it)
{
	int rc = -1;

	if (rdb_bind_int64(st, 1, id) == 0 &&
	    rdb_bind_int64(st, 2, (int64_t)seq) == 0 &&
	    rdb_bind_text(st, 3, it->area) == 0 &&
	    rdb_bind_text(st, 4, check_verdict_name(it->verdict)) == 0 &&
	    rdb_bind_text(st, 5, it->code) == 0 &&
	    rdb_bind_text(st, 6, it->subject) == 0 &&
	    rdb_bind_text(st, 7, it->text) == 0 &&
	    (it->messages >= 0 ? rdb_bind_double(st, 8, it->messages) :
	    rdb_bind_null(st, 8)) == 0)
		rc = rdb_step(st) == 0 ? 0 : -1;
	rdb_reset(st);
	return rc;
}

/* every domain of r; 0 or -1 (the transaction is the caller's) */
static int
put_all(struct rdb *db, const struct check_result *r, char *err,
    size_t errlen)
{
	struct rdb_stmt *c = NULL, *i = NULL;
	int64_t id;
	int rc = -1;

	if (rdb_prepare(db, q_check, &c, err, errlen) == -1 ||
	    rdb_prepare(db, q_item, &i, err, errlen) == -1)
		goto out;
	for (size_t k = 0; k < r->n_domains; k++) {
		const struct check_domain *d = &r->domains[k];

		if (put_check(c, r, d, &id) == -1)
			goto fail;
		for (size_t s = 0; s < d->n_items; s++)
			if (put_item(i, id, s, &d->items[s]) == -1)
				goto fail;
	}
	rc = 0;
	goto out;
fail:
	snprintf(err, errlen, "%s", rdb_errmsg(db));
out:
	rdb_finalize(c);
	rdb_finalize(i);
	return rc;
}

int
check_store(struct dns *dns, const struct check_result *r)
{
	struct rdb *db = dns_db(dns);
	char err[512], ignored[64];

	if (r->no_dns || db == NULL || !dns_db_writable(dns))
		return -1;
	if (rdb_exec(db, "BEGIN IMMEDIATE", err, sizeof(err)) == -1)
		goto fail;
	if (put_all(db, r, err, sizeof(err)) == 0 &&
	    rdb_exec(db, "COMMIT", err, sizeof(err)) == 0)
		return 0;
	/* the first error is the one to tell */
	rdb_exec(db, "ROLLBACK", ignored, sizeof(ignored));
fail:
	dns_db_failed(dns, err);
	return -1;
}

/* ------------------------------------------------------------------ */
/* reading back                                                       */

/* "ok" "info" "warning" "error" as the verdict; -1 if none */
static int
verdict_of(const char *s, enum check_verdict *v)
{
	for (int i = CHECK_OK; i <= CHECK_ERROR; i++)
		if (s != NULL && strcmp(s, check_verdict_name(i)) == 0) {
			*v = i;
			return 0;
		}
	return -1;
}

static void
add_item(struct check_stored *c, struct rdb_stmt *st)
{
	const char *area = rdb_col_text(st, 0), *code = rdb_col_text(st, 2);
	const char *subj = rdb_col_text(st, 3), *text = rdb_col_text(st, 4);
	struct check_stored_item *it;
	enum check_verdict v;

	if (area == NULL || code == NULL || subj == NULL || text == NULL ||
	    verdict_of(rdb_col_text(st, 1), &v) == -1)
		return;
	c->items = xreallocarray(c->items, c->n_items + 1,
	    sizeof(*c->items));
	it = &c->items[c->n_items++];
	snprintf(it->area, sizeof(it->area), "%s", area);
	it->verdict = v;
	snprintf(it->code, sizeof(it->code), "%s", code);
	it->subject = xstrdup(subj);
	it->text = xstrdup(text);
}

/* the items of check id into c; 0 or -1 */
static int
load_items(struct rdb *db, int64_t id, struct check_stored *c, char *err,
    size_t errlen)
{
	struct rdb_stmt *st = NULL;
	int s;

	if (rdb_prepare(db, q_items, &st, err, errlen) == -1)
		return -1;
	if (rdb_bind_int64(st, 1, id) == -1 ||
	    rdb_bind_int64(st, 2, MAX_CHECK_ITEMS) == -1)
		s = -1;
	else
		while ((s = rdb_step(st)) == 1)
			add_item(c, st);
	if (s == -1)
		snprintf(err, errlen, "cannot read the stored checks: %s",
		    rdb_errmsg(db));
	rdb_finalize(st);
	return s == -1 ? -1 : 0;
}

int
check_stored_last(struct rdb *db, const char *domain, int64_t at,
    struct check_stored out[2], size_t *n, char *err, size_t errlen)
{
	struct rdb_stmt *st = NULL;
	int64_t ids[2];
	int s = -1;

	*n = 0;
	memset(out, 0, 2 * sizeof(*out));
	if (rdb_prepare(db, q_last, &st, err, errlen) == -1)
		return -1;
	if (rdb_bind_text(st, 1, domain) == 0 &&
	    rdb_bind_int64(st, 2, at) == 0)
		while ((s = rdb_step(st)) == 1 && *n < 2) {
			struct check_stored *c = &out[*n];

			if (verdict_of(rdb_col_text(st, 2), &c->worst) == -1)
				continue;
			ids[*n] = rdb_col_int64(st, 0);
			c->checked_at = rdb_col_int64(st, 1);
			c->dropped = (size_t)rdb_col_int64(st, 3);
			(*n)++;
		}
	if (s == -1)
		snprintf(err, errlen, "cannot read the stored checks: %s",
		    rdb_errmsg(db));
	rdb_finalize(st);
	for (size_t i = 0; s != -1 && i < *n; i++)
		if (load_items(db, ids[i], &out[i], err, errlen) == -1)
			s = -1;
	if (s == -1) {
		for (size_t i = 0; i < *n; i++)
			check_stored_release(&out[i]);
		*n = 0;
		return -1;
	}
	return 0;
}

void
check_stored_release(struct check_stored *c)
{
	if (c == NULL)
		return;
	for (size_t i = 0; i < c->n_items; i++) {
		free(c->items[i].subject);
		free(c->items[i].text);
	}
	free(c->items);
	memset(c, 0, sizeof(*c));
}

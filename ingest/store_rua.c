/*
 * Reports and their records: the report row when it opens, each record
 * with its reasons and DKIM/SPF results as it comes (folded into the
 * report's canonical digest, canon.c), and at the end the decision: a
 * duplicate (same key, same meaning) is rolled back, the same key with
 * other content is kept as a conflict, anything else is stored.
 */
#include <assert.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <sqlite3.h>

#include "store_int.h"

static void
binder_policy(struct binder *b, const struct policy *p)
{
	binder_text(b, p->domain);
	binder_word(b, &p->adkim);
	binder_word(b, &p->aspf);
	binder_word(b, &p->p);
	binder_word(b, &p->sp);
	binder_word(b, &p->np);
	if (p->pct >= 0 && p->pct <= 100)
		binder_int(b, p->pct);
	else
		binder_null(b);
	binder_text(b, p->fo);
	binder_word(b, &p->testing);
	binder_word(b, &p->discovery_method);
}

int
store_report_begin(struct store *s, int64_t input_id, const char *where,
    const struct report *r)
{
	const char *what = "cannot store report";
	struct binder b;

	assert(s->report == 0);
	if ((s->in_input ? store_run(s, ST_SAVEPOINT, what) :
	    store_unit_begin(s, what)) == -1) {
		store_unit_abort(s);
		return -1;
	}
	binder_start(&b, s, ST_REPORT_ADD);
	binder_int(&b, input_id);
	binder_text(&b, where);
	binder_text(&b, r->format == FORMAT_RFC9990 ? "rfc9990" : "rfc7489");
	binder_text(&b, r->xmlns);
	binder_text(&b, r->version);
	binder_text(&b, r->org_name);
	binder_text(&b, r->email);
	binder_text(&b, r->extra_contact_info);
	binder_text(&b, r->report_id);
	binder_text(&b, r->generator);
	binder_int(&b, r->begin);
	binder_int(&b, r->end);
	binder_policy(&b, &r->policy);
	binder_int(&b, (int64_t)r->n_records);
	binder_int(&b, r->messages);
	binder_text(&b, r->org_name);
	binder_text(&b, r->email);
	binder_int(&b, (int64_t)time(NULL));
	binder_text(&b, r->policy.domain_unicode);
	if (binder_run(s, &b, what) == -1) {
		store_unit_abort(s);
		return -1;
	}
	s->report = sqlite3_last_insert_rowid(s->db);
	s->input = input_id;
	s->seq = 0;
	canon_init(&s->canon);
	return 0;
}

static int
record_children(struct store *s, int64_t id, const struct record *rec)
{
	const char *what = "cannot store record";
	struct binder b;

	for (size_t i = 0; i < rec->n_reasons; i++) {
		binder_start(&b, s, ST_REASON_ADD);
		binder_int(&b, id);
		binder_int(&b, (int64_t)i);
		binder_word(&b, &rec->reasons[i].type);
		binder_text(&b, rec->reasons[i].comment);
		if (binder_run(s, &b, what) == -1)
			return -1;
	}
	for (size_t i = 0; i < rec->n_dkim; i++) {
		binder_start(&b, s, ST_DKIM_ADD);
		binder_int(&b, id);
		binder_int(&b, (int64_t)i);
		binder_text(&b, rec->dkim[i].domain);
		binder_text(&b, rec->dkim[i].selector);
		binder_word(&b, &rec->dkim[i].result);
		binder_text(&b, rec->dkim[i].human_result);
		binder_text(&b, rec->dkim[i].domain_unicode);
		if (binder_run(s, &b, what) == -1)
			return -1;
	}
	for (size_t i = 0; i < rec->n_spf; i++) {
		binder_start(&b, s, ST_SPF_ADD);
		binder_int(&b, id);
		binder_int(&b, (int64_t)i);
		binder_text(&b, rec->spf[i].domain);
		binder_word(&b, &rec->spf[i].scope);
		binder_word(&b, &rec->spf[i].result);
		binder_text(&b, rec->spf[i].human_result);
		binder_text(&b, rec->spf[i].domain_unicode);
		if (binder_run(s, &b, what) == -1)
			return -1;
	}
	return 0;
}

int
store_record(struct store *s, const struct record *rec)
{
	struct binder b;

	if (s->report == 0) {
		snprintf(s->err, sizeof(s->err), "cannot store record: "
		    "no report is open");
		return -1;
	}
	binder_start(&b, s, ST_RECORD_ADD);
	binder_int(&b, s->report);
	binder_int(&b, s->seq);
	binder_text(&b, rec->source_ip[0] != '\0' ? rec->source_ip : NULL);
	binder_text(&b, rec->source_ip_raw);
	if (rec->ip_family == 4 || rec->ip_family == 6)
		binder_int(&b, rec->ip_family);
	else
		binder_null(&b);
	binder_int(&b, rec->count);
	binder_word(&b, &rec->disposition);
	binder_word(&b, &rec->eval_dkim);
	binder_word(&b, &rec->eval_spf);
	binder_text(&b, rec->envelope_to);
	binder_text(&b, rec->envelope_from);
	binder_text(&b, rec->header_from);
	binder_int(&b, rec->dkim_aligned != 0);
	binder_int(&b, rec->spf_aligned != 0);
	binder_int(&b, rec->dmarc_pass != 0);
	if (rec->receiver_pass == 0 || rec->receiver_pass == 1)
		binder_int(&b, rec->receiver_pass);
	else
		binder_null(&b);
	binder_text(&b, rec->header_from_unicode);
	if (binder_run(s, &b, "cannot store record") == -1 ||
	    record_children(s, sqlite3_last_insert_rowid(s->db), rec) == -1) {
		store_unit_abort(s);
		return -1;
	}
	canon_record(&s->canon, rec);
	s->seq++;
	return 0;
}

/*
 * Compares the open report with the others of the same key: 1 when one
 * means the same (its canonical digest equals canon; for a report stored
 * before schema 6, without one, when its XML digest equals doc), else 0
 * with *orig set to the first stored one (0 when none).  *promote is
 * set to a match that is a conflict whose original is gone (--reprocess
 * cleared it): it is to become the stored report of its key.  -1 on
 * error.
 */
static int
report_match(struct store *s, const char *doc, const char *canon,
    int64_t *orig, int64_t *promote)
{
	sqlite3_stmt *st = store_stmt(s, ST_REPORT_MATCH);
	const char *status, *sha, *content;
	int64_t match = 0;
	int rc = -1, step, match_conflict = 0;

	*orig = *promote = 0;
	if (sqlite3_bind_int64(st, 1, s->report) != SQLITE_OK) {
		store_seterr(s, "cannot compare report");
		goto out;
	}
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		status = (const char *)sqlite3_column_text(st, 1);
		sha = (const char *)sqlite3_column_text(st, 2);
		content = (const char *)sqlite3_column_text(st, 3);
		if (match == 0 && (content != NULL ?
		    strcmp(content, canon) == 0 :
		    sha != NULL && strcmp(sha, doc) == 0)) {
			match = sqlite3_column_int64(st, 0);
			match_conflict = status == NULL ||
			    strcmp(status, "stored") != 0;
		}
		if (*orig == 0 && status != NULL &&
		    strcmp(status, "stored") == 0)
			*orig = sqlite3_column_int64(st, 0);
	}
	if (step != SQLITE_DONE) {
		store_seterr(s, "cannot compare report");
		goto out;
	}
	if (match != 0 && match_conflict && *orig == 0)
		*promote = match;
	rc = match != 0;
out:
	sqlite3_reset(st);
	return rc;
}

static int
report_errors(struct store *s, const struct report *r)
{
	struct binder b;

	for (size_t i = 0; i < r->n_errors; i++) {
		binder_start(&b, s, ST_ERROR_ADD);
		binder_int(&b, s->report);
		binder_int(&b, (int64_t)i);
		binder_text(&b, r->errors[i] != NULL ? r->errors[i] : "");
		if (binder_run(s, &b, "cannot store report errors") == -1)
			return -1;
	}
	return 0;
}

/*
 * Takes the open report back: to its savepoint inside an input's unit
 * (the input goes on), or its whole unit.  Returns 0, or -1 after taking
 * the input's unit back too.
 */
static int
report_undo(struct store *s)
{
	if (!s->in_input) {
		store_unit_abort(s);
		return 0;
	}
	s->report = 0;
	if (store_run(s, ST_ROLLBACK_TO, "cannot undo report") == -1 ||
	    store_run(s, ST_RELEASE, "cannot undo report") == -1) {
		store_unit_abort(s);
		return -1;
	}
	return 0;
}

int
store_report_end(struct store *s, const struct report *r,
    const uint8_t doc_sha[HASH_LEN], const struct diag *d)
{
	char hex[HASH_HEX_LEN], chex[HASH_HEX_LEN];
	uint8_t canon[HASH_LEN];
	struct binder b;
	int64_t orig, promote;
	int m;

	if (s->report == 0) {
		snprintf(s->err, sizeof(s->err), "cannot store report: "
		    "no report is open");
		return -1;
	}
	hash_hex(doc_sha, hex);
	canon_final(&s->canon, r, canon);
	hash_hex(canon, chex);
	if ((m = report_match(s, hex, chex, &orig, &promote)) == -1)
		goto fail;
	if (m == 1) {
		/* after the undo: the report's savepoint would take it back */
		if (report_undo(s) == -1 || (promote != 0 &&
		    store_run_id(s, ST_REPORT_PROMOTE, promote,
		    "cannot store report") == -1))
			goto fail;
		return REPORT_DUPLICATE;
	}
	binder_start(&b, s, ST_REPORT_FINISH);
	binder_int(&b, (int64_t)r->n_records);
	binder_int(&b, r->messages);
	/* a record may reveal RFC 9990 after the report row was written */
	binder_text(&b, r->format == FORMAT_RFC9990 ? "rfc9990" : "rfc7489");
	binder_text(&b, hex);
	binder_text(&b, chex);
	binder_text(&b, orig != 0 ? "conflict" : "stored");
	if (orig != 0)
		binder_int(&b, orig);
	else
		binder_null(&b);
	binder_int(&b, s->report);
	if (binder_run(s, &b, "cannot store report") == -1 ||
	    report_errors(s, r) == -1 ||
	    store_warnings_add(s, s->input, s->report, d) == -1 ||
	    (s->in_input ? store_run(s, ST_RELEASE, "cannot store report") :
	    store_unit_commit(s, "cannot store report")) == -1)
		goto fail;
	s->report = 0;
	return orig != 0 ? REPORT_CONFLICT : REPORT_STORED;
fail:
	store_unit_abort(s);
	return -1;
}

void
store_report_abort(struct store *s)
{
	if (s->report != 0 && s->in_input && report_undo(s) == 0)
		return;
	if (!s->in_input)
		store_unit_abort(s);
}


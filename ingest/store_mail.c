/*
 * The mail ledger: one row per distinct e-mail message (by SHA-256 of its
 * bytes), its outcome, and the inputs (report parts) it carried.
 */
#include <assert.h>
#include <stdio.h>
#include <time.h>

#include <sqlite3.h>

#include "store_int.h"

/*
 * The mail ledger.  Each call is one statement: its own transaction,
 * durable when it returns, unless a batch holds the transaction open;
 * then it joins the batch and is committed with it.
 */

int
store_message_lookup(struct store *s, const uint8_t sha[HASH_LEN],
    struct message_info *info)
{
	assert(s->report == 0);
	return store_find_sha(s, ST_MSG_LOOKUP, sha, "message", &info->id,
	    &info->outcome);
}

int64_t
store_message_add(struct store *s, const uint8_t sha[HASH_LEN],
    const char *source, int64_t size, const struct message_head *h)
{
	char hex[HASH_HEX_LEN];
	struct binder b;
	int raw;

	assert(s->report == 0);
	if (source == NULL)
		source = "-";
	hash_hex(sha, hex);
	binder_start(&b, s, ST_MSG_ADD);
	binder_text(&b, hex);
	/* headers and names as a person reads them in v_messages */
	(void)binder_visible(&b, h != NULL ? h->message_id : NULL);
	(void)binder_visible(&b, h != NULL ? h->from : NULL);
	(void)binder_visible(&b, h != NULL ? h->subject : NULL);
	if (h != NULL && h->has_date)
		binder_int(&b, h->date);
	else
		binder_null(&b);
	raw = binder_visible(&b, source);
	binder_int(&b, size);
	binder_int(&b, (int64_t)time(NULL));
	binder_int(&b, (int64_t)time(NULL));
	binder_text(&b, raw ? source : NULL);
	if (binder_run(s, &b, "cannot add message") == -1)
		return -1;
	return sqlite3_last_insert_rowid(s->db);
}

int
store_message_seen(struct store *s, int64_t message_id)
{
	return store_seen(s, ST_MSG_SEEN, message_id, "message");
}

int
store_message_link(struct store *s, int64_t message_id, int64_t input_id,
    const char *location)
{
	struct binder b;

	binder_start(&b, s, ST_MSG_LINK);
	binder_int(&b, message_id);
	binder_int(&b, input_id);
	binder_text(&b, location);
	return binder_run(s, &b, "cannot link input to message");
}

int
store_message_linked(struct store *s, int64_t message_id, int64_t input_id)
{
	struct binder b;
	sqlite3_stmt *st;
	int step;

	st = binder_start(&b, s, ST_MSG_LINKED);
	binder_int(&b, message_id);
	binder_int(&b, input_id);
	if (b.rc != SQLITE_OK || ((step = sqlite3_step(st)) != SQLITE_ROW &&
	    step != SQLITE_DONE)) {
		store_seterr(s, "cannot look up message link");
		sqlite3_reset(st);
		return -1;
	}
	sqlite3_reset(st);
	return step == SQLITE_ROW;
}

int
store_message_finish(struct store *s, int64_t message_id, enum outcome o,
    const char *reason, size_t n_reports)
{
	struct binder b;

	assert(s->report == 0);
	binder_start(&b, s, ST_MSG_FINISH);
	binder_text(&b, outcome_name(o));
	(void)binder_visible(&b, reason);
	binder_int(&b, (int64_t)n_reports);
	return store_update_one(s, &b, message_id, "cannot finish message",
	    "message");
}

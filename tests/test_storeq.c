/*
 * The parser-to-store queue: records arrive in order and whole, a failing
 * handler stops the report and is reported by sync, and the queue is
 * usable again for the next report.
 */
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "storeq.h"
#include "xalloc.h"

Suite	*storeq_suite(void);

struct seen {
	int64_t		 next;		/* count expected next */
	int64_t		 handled;
	int64_t		 fail_at;	/* -1: never */
	int		 out_of_order;
};

static int
handle(void *arg, struct record *rec)
{
	struct seen *s = arg;

	if (rec->count != s->next || rec->header_from == NULL ||
	    strcmp(rec->header_from, "example.org") != 0)
		s->out_of_order = 1;
	s->next = rec->count + 1;
	s->handled++;
	return rec->count == s->fail_at ? -1 : 0;
}

static void
make(struct record *rec, int64_t i)
{
	record_init(rec);
	rec->count = i;
	rec->header_from = xstrdup("example.org");
}

START_TEST(test_storeq_records_arrive_in_order_and_whole)
{
	struct seen s = { 0, 0, -1, 0 };
	struct storeq *q = storeq_new(handle, &s);
	struct record rec;

	for (int64_t i = 0; i < 100000; i++) {
		make(&rec, i);
		ck_assert_int_eq(storeq_push(q, &rec), 0);
		ck_assert_ptr_null(rec.header_from);	/* moved */
	}
	ck_assert_int_eq(storeq_sync(q), 0);
	ck_assert_int_eq(s.handled, 100000);
	ck_assert_int_eq(s.out_of_order, 0);
	storeq_free(q);
}
END_TEST

START_TEST(test_storeq_failure_stops_report_and_queue_recovers)
{
	struct seen s = { 0, 0, 10, 0 };
	struct storeq *q = storeq_new(handle, &s);
	struct record rec;
	int pushed = 0;

	for (int64_t i = 0; i < 5000; i++) {
		make(&rec, i);
		if (storeq_push(q, &rec) == -1) {
			record_release(&rec);
			break;
		}
		pushed++;
	}
	ck_assert_int_eq(storeq_sync(q), -1);
	ck_assert_int_eq(s.handled, 11);	/* nothing after the failure */
	ck_assert_int_ge(pushed, 11);
	/* the next report starts clean */
	s.next = 0;
	s.fail_at = -1;
	s.handled = 0;
	for (int64_t i = 0; i < 3; i++) {
		make(&rec, i);
		ck_assert_int_eq(storeq_push(q, &rec), 0);
	}
	ck_assert_int_eq(storeq_sync(q), 0);
	ck_assert_int_eq(s.handled, 3);
	storeq_free(q);
}
END_TEST

START_TEST(test_storeq_free_drops_queued_records)
{
	struct seen s = { 0, 0, -1, 0 };
	struct storeq *q = storeq_new(handle, &s);
	struct record rec;

	for (int64_t i = 0; i < 100; i++) {
		make(&rec, i);
		ck_assert_int_eq(storeq_push(q, &rec), 0);
	}
	storeq_free(q);		/* must not leak (ASan) nor hang */
	ck_assert_int_le(s.handled, 100);
}
END_TEST

Suite *
storeq_suite(void)
{
	Suite *s = suite_create("storeq");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_storeq_records_arrive_in_order_and_whole);
	tcase_add_test(tc, test_storeq_failure_stops_report_and_queue_recovers);
	tcase_add_test(tc, test_storeq_free_drops_queued_records);
	suite_add_tcase(s, tc);
	return s;
}

/*
 * report/window.c: --since/--until/--last/--week into whole UTC days,
 * ISO weeks at year boundaries, malformed values refused, and the
 * proportional share of a report that straddles the window.
 */
#include <string.h>

#include <check.h>

#include "window.h"

Suite *window_suite(void);

/* 2026-11-19 15:30:00 UTC, a Thursday */
#define NOW	(1795046400LL + 15 * 3600 + 1800)
#define DAY	86400LL
/* 2026-11-16 00:00 UTC */
#define D16	1794787200LL

static int
win(const char *since, const char *until, const char *last,
    const char *week, struct window *w)
{
	struct window_spec s;
	char err[256];

	memset(&s, 0, sizeof(s));
	s.since = since;
	s.until = until;
	s.last = last;
	s.week = week;
	s.now = NOW;
	s.default_days = WINDOW_DEFAULT_DAYS;
	return window_parse(&s, w, err, sizeof(err));
}

START_TEST(test_window_default_is_last_seven_full_days)
{
	struct window w;

	ck_assert_int_eq(win(NULL, NULL, NULL, NULL, &w), 0);
	/* today starts 2026-11-19 00:00 = D16 + 3 days */
	ck_assert_int_eq(w.until, D16 + 3 * DAY);
	ck_assert_int_eq(w.since, D16 + 3 * DAY - 7 * DAY);
	ck_assert_int_eq(window_days(&w), 7);
}
END_TEST

START_TEST(test_window_dates_include_the_until_day)
{
	struct window w;

	ck_assert_int_eq(win("2026-11-16", "2026-11-17", NULL, NULL, &w), 0);
	ck_assert_int_eq(w.since, D16);
	ck_assert_int_eq(w.until, D16 + 2 * DAY);
	/* epoch: since rounded down, until (exclusive) rounded up */
	ck_assert_int_eq(win("1794787300", "1794873601", NULL, NULL, &w), 0);
	ck_assert_int_eq(w.since, D16);
	ck_assert_int_eq(w.until, D16 + 2 * DAY);
	/* --since alone runs to the end of today */
	ck_assert_int_eq(win("2026-11-16", NULL, NULL, NULL, &w), 0);
	ck_assert_int_eq(w.until, D16 + 4 * DAY);
}
END_TEST

START_TEST(test_window_last_days_and_weeks)
{
	struct window w;

	ck_assert_int_eq(win(NULL, NULL, "30d", NULL, &w), 0);
	ck_assert_int_eq(window_days(&w), 30);
	ck_assert_int_eq(w.until, D16 + 3 * DAY);
	ck_assert_int_eq(win(NULL, NULL, "4w", NULL, &w), 0);
	ck_assert_int_eq(window_days(&w), 28);
	ck_assert_int_eq(win(NULL, NULL, "7", NULL, &w), -1);
	ck_assert_int_eq(win(NULL, NULL, "-7d", NULL, &w), -1);
	ck_assert_int_eq(win(NULL, NULL, "0d", NULL, &w), -1);
	ck_assert_int_eq(win(NULL, NULL, "99999d", NULL, &w), -1);
}
END_TEST

START_TEST(test_window_iso_weeks_cross_year_boundaries)
{
	struct window w;

	/* 2026-W01 starts Monday 2025-12-29 (Jan 1 2026 is a Thursday) */
	ck_assert_int_eq(win(NULL, NULL, NULL, "2026-W01", &w), 0);
	ck_assert_int_eq(w.since, window_days_from_civil(2025, 12, 29) * DAY);
	ck_assert_int_eq(window_days(&w), 7);
	/* 2020 has 53 weeks, 2021 has not */
	ck_assert_int_eq(win(NULL, NULL, NULL, "2020-W53", &w), 0);
	ck_assert_int_eq(w.since, window_days_from_civil(2020, 12, 28) * DAY);
	ck_assert_int_eq(win(NULL, NULL, NULL, "2021-W53", &w), -1);
	ck_assert_int_eq(win(NULL, NULL, NULL, "2021-W00", &w), -1);
	ck_assert_int_eq(win(NULL, NULL, NULL, "2021W10", &w), -1);
	/* last: the week before the one holding Thursday 2026-11-19,
	   i.e. Monday 2026-11-09 .. Sunday 2026-11-15 */
	ck_assert_int_eq(win(NULL, NULL, NULL, "last", &w), 0);
	ck_assert_int_eq(w.since, window_days_from_civil(2026, 11, 9) * DAY);
	ck_assert_int_eq(w.until, D16);
}
END_TEST

START_TEST(test_window_malformed_and_conflicting_values_refused)
{
	struct window w;

	ck_assert_int_eq(win("2026-02-30", NULL, NULL, NULL, &w), -1);
	ck_assert_int_eq(win("2026-1-5", NULL, NULL, NULL, &w), -1);
	ck_assert_int_eq(win("12abc", NULL, NULL, NULL, &w), -1);
	ck_assert_int_eq(win("2026-11-17", "2026-11-16", NULL, NULL, &w), -1);
	ck_assert_int_eq(win("2026-11-16", NULL, "7d", NULL, &w), -1);
	ck_assert_int_eq(win(NULL, NULL, "7d", "last", &w), -1);
	ck_assert_int_eq(win("1970-01-01", "2026-01-01", NULL, NULL, &w), -1);
	ck_assert_int_eq(win("2024-02-29", "2024-02-29", NULL, NULL, &w), 0);
}
END_TEST

START_TEST(test_window_share_is_proportional_to_overlap)
{
	struct window w = { D16, D16 + DAY };

	/* a day from 12:00 to 12:00: half of it in D16 */
	ck_assert(window_share(&w, D16 + 43200, D16 + DAY + 43200) == 0.5);
	/* Google style 00:00:00..23:59:59 and 00:00..00:00 both count whole */
	ck_assert(window_share(&w, D16, D16 + DAY - 1) == 1.0);
	ck_assert(window_share(&w, D16, D16 + DAY) == 1.0);
	ck_assert(window_share(&w, D16 + DAY, D16 + 2 * DAY) == 0.0);
	/* zero-length range: whole in the window holding begin */
	ck_assert(window_share(&w, D16 + 5, D16 + 5) == 1.0);
	ck_assert(window_share(&w, D16 + DAY, D16 + DAY) == 0.0);
	/* three days, one inside */
	ck_assert(window_share(&w, D16 - DAY, D16 + 2 * DAY) == 1.0 / 3);
}
END_TEST

START_TEST(test_window_dates_print_in_utc)
{
	char s[32];

	window_date(D16 + 86399, s, sizeof(s));
	ck_assert_str_eq(s, "2026-11-16");
	window_timestamp(D16 + 3661, s, sizeof(s));
	ck_assert_str_eq(s, "2026-11-16T01:01:01Z");
}
END_TEST

Suite *
window_suite(void)
{
	Suite *s = suite_create("window");
	TCase *tc = tcase_create("window");

	tcase_add_test(tc, test_window_default_is_last_seven_full_days);
	tcase_add_test(tc, test_window_dates_include_the_until_day);
	tcase_add_test(tc, test_window_last_days_and_weeks);
	tcase_add_test(tc, test_window_iso_weeks_cross_year_boundaries);
	tcase_add_test(tc,
	    test_window_malformed_and_conflicting_values_refused);
	tcase_add_test(tc, test_window_share_is_proportional_to_overlap);
	tcase_add_test(tc, test_window_dates_print_in_utc);
	suite_add_tcase(s, tc);
	return s;
}

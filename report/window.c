/*
 * The time window of a run: parsing --since, --until, --last and --week
 * into whole UTC days, civil date arithmetic (no timegm, no TZ), and the
 * proportional share of a report that falls in the window.
 */
#include <stdio.h>
#include <string.h>

#include "limits.h"
#include "num.h"
#include "window.h"

/* Howard Hinnant's days_from_civil: exact for every proleptic date */
int64_t
window_days_from_civil(int64_t y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

void
window_civil_from_days(int64_t z, int64_t *y, int *m, int *d)
{
	int64_t era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

static int64_t
floor_day(int64_t t)
{
	return (t >= 0 ? t / WINDOW_DAY : (t - WINDOW_DAY + 1) / WINDOW_DAY);
}

void
window_date(int64_t t, char *out, size_t outlen)
{
	int64_t y;
	int m, d;

	window_civil_from_days(floor_day(t), &y, &m, &d);
	snprintf(out, outlen, "%04lld-%02d-%02d", (long long)y, m, d);
}

void
window_timestamp(int64_t t, char *out, size_t outlen)
{
	int64_t y, s;
	int m, d;

	window_civil_from_days(floor_day(t), &y, &m, &d);
	s = t - floor_day(t) * WINDOW_DAY;
	snprintf(out, outlen, "%04lld-%02d-%02dT%02d:%02d:%02dZ",
	    (long long)y, m, d, (int)(s / 3600), (int)(s / 60 % 60),
	    (int)(s % 60));
}

static int
digits(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return 0;
	return 1;
}

static int
num_field(const char *s, size_t n)
{
	int v = 0;
	size_t i;

	for (i = 0; i < n; i++)
		v = v * 10 + (s[i] - '0');
	return v;
}

static int
month_days(int64_t y, int m)
{
	static const int md[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31,
	    30, 31 };
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	return (m == 2 && leap) ? 29 : md[m - 1];
}

/* "YYYY-MM-DD" to its day number; -1 if malformed */
static int
parse_date(const char *s, int64_t *day)
{
	int y, m, d;

	if (strlen(s) != 10 || s[4] != '-' || s[7] != '-' ||
	    !digits(s, 4) || !digits(s + 5, 2) || !digits(s + 8, 2))
		return -1;
	y = num_field(s, 4);
	m = num_field(s + 5, 2);
	d = num_field(s + 8, 2);
	if (y < 1970 || m < 1 || m > 12 || d < 1 || d > month_days(y, m))
		return -1;
	*day = window_days_from_civil(y, m, d);
	return 0;
}

/* a date or epoch seconds; *day is its UTC day, *exact 1 for epoch */
static int
parse_time(const char *s, int64_t *t, int *is_epoch)
{
	int64_t day;

	if (parse_date(s, &day) == 0) {
		*t = day * WINDOW_DAY;
		*is_epoch = 0;
		return 0;
	}
	if (strlen(s) == 10 && s[4] == '-')
		return -1;
	*is_epoch = 1;
	return num_i64(s, 0, MAX_TIMESTAMP, t);
}

/* Monday (day number) of ISO week w of ISO year y */
static int64_t
iso_week_start(int64_t y, int w)
{
	int64_t jan4 = window_days_from_civil(y, 1, 4);
	int64_t wd = ((jan4 + 3) % 7 + 7) % 7;	/* Monday = 0 */

	return jan4 - wd + (int64_t)(w - 1) * 7;
}

static int
parse_week(const char *s, int64_t today, int64_t *start, char *err,
    size_t errlen)
{
	int64_t y, thu_y;
	int w, m, d;

	if (strcmp(s, "last") == 0) {
		*start = today - ((today + 3) % 7 + 7) % 7 - 7;
		return 0;
	}
	if (strlen(s) != 8 || s[4] != '-' || s[5] != 'W' || !digits(s, 4) ||
	    !digits(s + 6, 2))
		goto bad;
	y = num_field(s, 4);
	w = num_field(s + 6, 2);
	if (y < 1970 || w < 1 || w > 53)
		goto bad;
	*start = iso_week_start(y, w);
	/* the week belongs to the year holding its Thursday */
	window_civil_from_days(*start + 3, &thu_y, &m, &d);
	if (thu_y != y)
		goto bad;
	return 0;
bad:
	snprintf(err, errlen, "--week: '%s' is not 'last' or an ISO week "
	    "like 2026-W47", s);
	return -1;
}

static int
parse_last(const char *s, int *days, char *err, size_t errlen)
{
	size_t n = strlen(s);
	int64_t v;
	char num[16];

	if (n < 2 || n >= sizeof(num) || (s[n - 1] != 'd' && s[n - 1] != 'w'))
		goto bad;
	memcpy(num, s, n - 1);
	num[n - 1] = '\0';
	if (num_i64(num, 1, MAX_WINDOW_DAYS, &v) == -1)
		goto bad;
	*days = (int)(s[n - 1] == 'w' ? v * 7 : v);
	return 0;
bad:
	snprintf(err, errlen, "--last: '%s' is not a number of days or "
	    "weeks like 7d or 4w", s);
	return -1;
}

static int
parse_range(const struct window_spec *sp, int64_t today, struct window *w,
    char *err, size_t errlen)
{
	int64_t t;
	int ep;

	w->until = (today + 1) * WINDOW_DAY;
	if (sp->until != NULL) {
		if (parse_time(sp->until, &t, &ep) == -1) {
			snprintf(err, errlen, "--until: '%s' is not a date "
			    "(YYYY-MM-DD) or epoch seconds", sp->until);
			return -1;
		}
		/* a date is included whole; an epoch is rounded up */
		w->until = ep ? floor_day(t + WINDOW_DAY - 1) * WINDOW_DAY :
		    t + WINDOW_DAY;
	}
	w->since = w->until - (int64_t)sp->default_days * WINDOW_DAY;
	if (sp->since != NULL) {
		if (parse_time(sp->since, &t, &ep) == -1) {
			snprintf(err, errlen, "--since: '%s' is not a date "
			    "(YYYY-MM-DD) or epoch seconds", sp->since);
			return -1;
		}
		w->since = floor_day(t) * WINDOW_DAY;
	}
	return 0;
}

int
window_parse(const struct window_spec *sp, struct window *w, char *err,
    size_t errlen)
{
	int64_t today = floor_day(sp->now), start;
	int days;

	if ((sp->week != NULL) + (sp->last != NULL) +
	    (sp->since != NULL || sp->until != NULL) > 1) {
		snprintf(err, errlen, "--week, --last and --since/--until "
		    "exclude each other");
		return -1;
	}
	if (sp->week != NULL) {
		if (parse_week(sp->week, today, &start, err, errlen) == -1)
			return -1;
		w->since = start * WINDOW_DAY;
		w->until = w->since + 7 * WINDOW_DAY;
	} else if (sp->last != NULL || (sp->since == NULL &&
	    sp->until == NULL)) {
		days = sp->default_days;
		if (sp->last != NULL &&
		    parse_last(sp->last, &days, err, errlen) == -1)
			return -1;
		w->until = today * WINDOW_DAY;
		w->since = w->until - (int64_t)days * WINDOW_DAY;
	} else if (parse_range(sp, today, w, err, errlen) == -1)
		return -1;
	if (w->until <= w->since) {
		snprintf(err, errlen, "the window is empty: --until is not "
		    "after --since");
		return -1;
	}
	if (window_days(w) > MAX_WINDOW_DAYS) {
		snprintf(err, errlen, "the window is longer than %d days",
		    MAX_WINDOW_DAYS);
		return -1;
	}
	return 0;
}

int
window_days(const struct window *w)
{
	return (int)((w->until - w->since) / WINDOW_DAY);
}

double
window_share(const struct window *w, int64_t begin, int64_t end)
{
	int64_t lo, hi;

	if (end <= begin)
		return (begin >= w->since && begin < w->until) ? 1.0 : 0.0;
	lo = begin > w->since ? begin : w->since;
	hi = end < w->until ? end : w->until;
	if (hi <= lo)
		return 0.0;
	return (double)(hi - lo) / (double)(end - begin);
}

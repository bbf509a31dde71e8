/*
 * The time window of a dmarc-report run and the rule that attributes a
 * report to it.  A window is the half-open interval [since, until) of UTC
 * epoch seconds, always whole UTC days.  main.c builds it from --since,
 * --until, --last and --week; query.c uses window_share's rule in SQL.
 *
 * Attribution: a report with date range begin..end (end > begin) gives
 * each record count * overlap / (end - begin) messages, where overlap is
 * the seconds of [begin, end) inside the window.  A report with end <=
 * begin counts whole in the window holding begin.  So a Google-style day
 * (00:00:00 to 23:59:59) and a 00:00 to 00:00 day both count whole in
 * their day and nothing in the next.
 */
#ifndef DMARC_WINDOW_H
#define DMARC_WINDOW_H

#include <stddef.h>
#include <stdint.h>

#include "limits.h"

#define WINDOW_DAY		86400LL
/* default window: the last 7 full UTC days */
#define WINDOW_DEFAULT_DAYS	7

struct window {
	int64_t		 since;		/* first second, 00:00 UTC */
	int64_t		 until;		/* first second after, 00:00 UTC */
};

/*
 * What the user asked for; fields NULL when not given.  now is the
 * current time (epoch seconds; tests pin it with --now or
 * DMARC_REPORT_NOW).
 */
struct window_spec {
	const char	*since;		/* YYYY-MM-DD or epoch seconds */
	const char	*until;		/* YYYY-MM-DD (that day included) or
					   epoch seconds (exclusive) */
	const char	*last;		/* Nd or Nw: N full days ending today */
	const char	*week;		/* "last" or YYYY-Www (ISO 8601) */
	int64_t		 now;
	int		 default_days;	/* window when nothing is given */
};

/*
 * Builds the window.  --week and --last exclude each other and
 * --since/--until; --since alone runs until the end of today, --until
 * alone starts default_days before it.  Epoch values are rounded down to
 * 00:00 UTC for since and up for until.  Returns 0, or -1 with a message
 * in err (malformed value, until <= since, longer than MAX_WINDOW_DAYS).
 */
int	window_parse(const struct window_spec *, struct window *,
	    char *err, size_t errlen);

/* number of UTC days in the window */
int	window_days(const struct window *);

/* the share of a report begin..end attributed to the window (0..1) */
double	window_share(const struct window *, int64_t begin, int64_t end);

/* "YYYY-MM-DD" of the UTC day holding t into out (size >= 11) */
void	window_date(int64_t t, char *out, size_t outlen);
/* "YYYY-MM-DDTHH:MM:SSZ" into out (size >= 21) */
void	window_timestamp(int64_t t, char *out, size_t outlen);

/* days since 1970-01-01 of a civil date, and back (proleptic Gregorian) */
int64_t	window_days_from_civil(int64_t y, int m, int d);
void	window_civil_from_days(int64_t days, int64_t *y, int *m, int *d);

#endif

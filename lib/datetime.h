/*
 * Dates as untrusted text: RFC 3339 date-time (TLS reports, RFC 8460)
 * to seconds since the epoch, strictly: every field its fixed width and
 * range, a time zone always given.  No locale, no TZ, no libc mktime.
 */
#ifndef DMARC_DATETIME_H
#define DMARC_DATETIME_H

#include <stdint.h>

/*
 * Parses "YYYY-MM-DDTHH:MM:SS[.frac](Z|+HH:MM|-HH:MM)" ('T' and 'Z' in
 * either case, or a space for 'T', as RFC 3339 5.6 allows) into *out,
 * UTC seconds; a leap second 60 counts as 59.  Sets *fraction to 1 when
 * a fraction was dropped.  Returns 0, or -1 when s is not such a
 * date-time or lies outside 1970..9999 (*out untouched).
 */
int	datetime_rfc3339(const char *s, int64_t *out, int *fraction);

/* days since 1970-01-01 of a proleptic Gregorian date (month 1..12) */
int64_t	datetime_days(int64_t year, int month, int day);

#endif

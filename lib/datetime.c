/*
 * RFC 3339 date-time parsing (datetime.h): fixed-width fields read
 * digit by digit, ranges checked, the offset applied, the calendar done
 * by a days-from-civil computation.
 */
#include <ctype.h>
#include <string.h>

#include "datetime.h"
#include "limits.h"

int64_t
datetime_days(int64_t y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* n digits at s as a number, or -1 */
static int
digits(const char *s, int n)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		if (!isdigit((unsigned char)s[i]))
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

static int
leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* the zone at s ("Z", "+HH:MM", "-HH:MM") as seconds east of UTC */
static int
zone(const char *s, int64_t *east)
{
	int hh, mm;

	if ((s[0] == 'Z' || s[0] == 'z') && s[1] == '\0') {
		*east = 0;
		return 0;
	}
	if ((s[0] != '+' && s[0] != '-') || (hh = digits(s + 1, 2)) < 0 ||
	    s[3] != ':' || (mm = digits(s + 4, 2)) < 0 || s[6] != '\0' ||
	    hh > 23 || mm > 59)
		return -1;
	*east = (s[0] == '-' ? -1 : 1) * (int64_t)(hh * 3600 + mm * 60);
	return 0;
}

int
datetime_rfc3339(const char *s, int64_t *out, int *fraction)
{
	static const int mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31,
	    30, 31 };
	int y, mo, d, h, mi, sec, frac = 0;
	int64_t east, t;
	const char *p;

	if (strlen(s) < 20 || (y = digits(s, 4)) < 1970 || s[4] != '-' ||
	    (mo = digits(s + 5, 2)) < 1 || mo > 12 || s[7] != '-' ||
	    (d = digits(s + 8, 2)) < 1 ||
	    d > mdays[mo - 1] + (mo == 2 && leap(y)) ||
	    strchr("Tt ", s[10]) == NULL || s[10] == '\0' ||
	    (h = digits(s + 11, 2)) < 0 || h > 23 || s[13] != ':' ||
	    (mi = digits(s + 14, 2)) < 0 || mi > 59 || s[16] != ':' ||
	    (sec = digits(s + 17, 2)) < 0 || sec > 60)
		return -1;
	p = s + 19;
	if (*p == '.') {
		if (!isdigit((unsigned char)p[1]))
			return -1;
		for (p++; isdigit((unsigned char)*p); p++)
			frac = 1;
	}
	if (zone(p, &east) == -1)
		return -1;
	if (sec == 60)
		sec = 59;
	t = datetime_days(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec - east;
	if (t < 0 || t > MAX_TIMESTAMP)
		return -1;
	*out = t;
	*fraction = frac;
	return 0;
}

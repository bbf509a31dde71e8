/*
 * Diagnostic counters and the first-error slot.  The names are part of the
 * user-facing contract (JSON summary, database): never rename one.
 */
#include <stdio.h>
#include <string.h>

#include "diag.h"

static const char *const names[DIAG__COUNT] = {
	[DIAG_ENUM_CASE] = "enum-case",
	[DIAG_ENUM_ALIAS] = "enum-alias",
	[DIAG_ENUM_UNKNOWN] = "enum-unknown",
	[DIAG_MISSING_FIELD] = "missing-field",
	[DIAG_EMPTY_FIELD] = "empty-field",
	[DIAG_UNKNOWN_ELEMENT] = "unknown-element",
	[DIAG_MISNAMED_ELEMENT] = "misnamed-element",
	[DIAG_STRAY_TEXT] = "stray-text",
	[DIAG_TEXT_TRUNCATED] = "text-truncated",
	[DIAG_FRACTIONAL_TIME] = "fractional-timestamp",
	[DIAG_LONG_RANGE] = "long-date-range",
	[DIAG_ZERO_RANGE] = "zero-date-range",
	[DIAG_CP1252] = "windows-1252-transcoded",
	[DIAG_BAD_SOURCE_IP] = "invalid-source-ip",
	[DIAG_BAD_DOMAIN] = "invalid-domain",
	[DIAG_BAD_IDN] = "invalid-idn",
	[DIAG_NO_RECORDS] = "no-records",
	[DIAG_ALIGN_DISAGREES] = "alignment-disagrees",
	[DIAG_GZIP_TRAILING] = "gzip-trailing-bytes",
	[DIAG_ZIP_ENTRY_SKIPPED] = "zip-entry-skipped",
	[DIAG_ARF_BAD_LINE] = "arf-bad-line",
	[DIAG_ARF_CONTAINER] = "arf-container",
	[DIAG_ARF_NO_ORIGINAL] = "arf-no-original",
	[DIAG_ARF_FIELDS_CUT] = "arf-fields-cut",
	[DIAG_ARF_BAD_BYTES] = "arf-bad-bytes",
};

void
diag_init(struct diag *d)
{
	memset(d, 0, sizeof(*d));
}

void
diag_warn(struct diag *d, enum diag_code code)
{
	if ((unsigned)code < DIAG__COUNT)
		d->count[code]++;
}

void
diag_verror(struct diag *d, const char *fmt, va_list ap)
{
	if (d->failed)
		return;
	d->failed = 1;
	vsnprintf(d->error, sizeof(d->error), fmt, ap);
}

void
diag_error(struct diag *d, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	diag_verror(d, fmt, ap);
	va_end(ap);
}

void
diag_merge(struct diag *dst, const struct diag *src)
{
	for (int i = 0; i < DIAG__COUNT; i++)
		dst->count[i] += src->count[i];
}

unsigned long
diag_nwarnings(const struct diag *d)
{
	unsigned long n = 0;

	for (int i = 0; i < DIAG__COUNT; i++)
		n += d->count[i];
	return n;
}

const char *
diag_name(enum diag_code code)
{
	if ((unsigned)code >= DIAG__COUNT || names[code] == NULL)
		return "unknown";
	return names[code];
}

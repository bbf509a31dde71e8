/*
 * Diagnostics for one unit of input (a report, or an input file).  Errors
 * reject the unit: the first one is kept as text, in the house voice
 * ("what went wrong: detail").  Warnings are the named quirks a real
 * reporter needed us to tolerate; they are counted by name so the user can
 * see which reporter needed which fix.  Nothing here prints or exits.
 */
#ifndef DMARC_DIAG_H
#define DMARC_DIAG_H

#include <stdarg.h>

enum diag_code {
	DIAG_ENUM_CASE,		/* enum word in odd case or padded: "Pass " */
	DIAG_ENUM_ALIAS,	/* non-standard word mapped: hardfail -> fail */
	DIAG_ENUM_UNKNOWN,	/* word outside the schema, kept raw only */
	DIAG_MISSING_FIELD,	/* element RFC 7489 requires is absent */
	DIAG_EMPTY_FIELD,	/* element present but empty */
	DIAG_UNKNOWN_ELEMENT,	/* element outside both schemas, skipped */
	DIAG_MISNAMED_ELEMENT,	/* known misspelling: identities, data_range */
	DIAG_STRAY_TEXT,	/* character data between elements */
	DIAG_TEXT_TRUNCATED,	/* value longer than its limit, cut */
	DIAG_FRACTIONAL_TIME,	/* "1234567890.5": fraction dropped */
	DIAG_LONG_RANGE,	/* date range longer than a day and an hour */
	DIAG_ZERO_RANGE,	/* begin == end */
	DIAG_CP1252,		/* Windows-1252 bytes in UTF-8, transcoded */
	DIAG_BAD_SOURCE_IP,	/* source_ip not an address; record kept */
	DIAG_BAD_DOMAIN,	/* domain value not a sane DNS name; kept raw */
	DIAG_BAD_IDN,		/* U-labels or xn-- labels that are no IDN */
	DIAG_NO_RECORDS,	/* report without any record */
	DIAG_ALIGN_DISAGREES,	/* our DMARC verdict differs from receiver's */
	DIAG_GZIP_TRAILING,	/* bytes after the last gzip member */
	DIAG_ZIP_ENTRY_SKIPPED,	/* zip entry that is not a report */
	DIAG_ARF_BAD_LINE,	/* ARF or header line that is no field */
	DIAG_ARF_CONTAINER,	/* failure report not in multipart/report;
				   report-type=feedback-report (RFC 6591 3) */
	DIAG_ARF_NO_ORIGINAL,	/* no original message or headers part */
	DIAG_ARF_FIELDS_CUT,	/* fields or headers past their limit */
	DIAG_ARF_BAD_BYTES,	/* control bytes or invalid UTF-8 replaced */
	DIAG__COUNT
};

/* longest error text kept; longer messages are cut */
#define DIAG_ERROR_LEN	512

struct diag {
	unsigned long	 count[DIAG__COUNT];	/* warnings by code */
	int		 failed;		/* an error was reported */
	char		 error[DIAG_ERROR_LEN];	/* first error, "" if none */
};

void	 diag_init(struct diag *);
/* counts one occurrence of a named warning */
void	 diag_warn(struct diag *, enum diag_code);
/* records an error; only the first is kept, later ones are ignored */
void	 diag_error(struct diag *, const char *fmt, ...)
	    __attribute__((format(printf, 2, 3)));
void	 diag_verror(struct diag *, const char *fmt, va_list)
	    __attribute__((format(printf, 2, 0)));
/* adds the warning counts of src into dst (errors are not merged) */
void	 diag_merge(struct diag *dst, const struct diag *src);
/* total number of warnings */
unsigned long diag_nwarnings(const struct diag *);
/* the stable name of a code: "enum-case"; used in JSON and the database */
const char *diag_name(enum diag_code);

#endif

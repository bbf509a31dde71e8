/*
 * The one strict number parser.  Untrusted decimal text becomes an integer
 * only if the whole string is digits (after the caller trimmed XML
 * whitespace), fits the range, and strtoll agrees: no hex, octal,
 * exponent or leading/trailing junk is accepted.  Values read from a
 * report (num_xsd, num_epoch) may carry the sign XML Schema's integer
 * lexical form allows; command-line values (num_i64, num_size) may not.
 */
#ifndef DMARC_NUM_H
#define DMARC_NUM_H

#include <stdint.h>

/*
 * Parses s as an unsigned decimal integer in [lo, hi] into *out.  An
 * optional leading '+' or '-' is not accepted; "007" is accepted (= 7).
 * Returns 0 on success, -1 if s is empty, not all digits, or out of range
 * (*out untouched).
 */
int	num_i64(const char *s, int64_t lo, int64_t hi, int64_t *out);

/*
 * As num_i64 for a value in XML Schema integer lexical form (xs:integer,
 * xs:unsignedInt, xs:unsignedByte): one optional leading '+' or '-',
 * then digits, so "+5" is 5 and "-0" is 0; "-5" is refused by a range
 * starting at 0, "+", "++5", "+ 5" and "+-5" by the form.
 */
int	num_xsd(const char *s, int64_t lo, int64_t hi, int64_t *out);

/*
 * As num_xsd for a timestamp that may carry a fraction: "1234567890.123"
 * gives 1234567890 and sets *fraction to 1 (0 when there was none).  The
 * fraction must be digits only; a leading '+' is accepted.
 */
int	num_epoch(const char *s, int64_t lo, int64_t hi, int64_t *out,
	    int *fraction);

/*
 * As num_i64 for a size given on the command line: digits with an
 * optional binary suffix K, M or G (either case; "512M" is 512 MiB).
 * The range applies to the value in bytes.
 */
int	num_size(const char *s, int64_t lo, int64_t hi, int64_t *out);

#endif

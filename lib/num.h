/*
 * The one strict number parser.  Untrusted decimal text becomes an integer
 * only if the whole string is digits (after the caller trimmed XML
 * whitespace), fits the range, and strtoll agrees: no sign, hex, octal,
 * exponent or leading/trailing junk is accepted.
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
 * As num_i64 for a timestamp that may carry a fraction: "1234567890.123"
 * gives 1234567890 and sets *fraction to 1 (0 when there was none).  The
 * fraction must be digits only.
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

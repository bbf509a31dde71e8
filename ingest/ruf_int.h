/*
 * Inside the failure report parser: the header block reader of
 * ruf_fields.c that ruf_parse.c uses for the ARF part and the original
 * message's headers.
 */
#ifndef DMARC_RUF_INT_H
#define DMARC_RUF_INT_H

#include <stddef.h>

#include "diag.h"
#include "ruf.h"

/*
 * The fields of the header block p[0..n), up to its blank line: at most
 * max of them into *f (n in *nf; free with ruf_fields_free), each value
 * unfolded, trimmed, cleaned and cut at MAX_RUF_FIELD_BYTES.  Never
 * fails; what it skips or cuts is counted in d.
 */
void	ruf_fields_parse(const char *p, size_t n, size_t max,
	    struct ruf_field **f, size_t *nf, struct diag *d);
void	ruf_fields_free(struct ruf_field *, size_t n);
/*
 * A clean copy of p[0..n): blanks trimmed, control bytes (tab aside),
 * DEL and invalid UTF-8 as '?' (then DIAG_ARF_BAD_BYTES in d).  Caller
 * frees.
 */
char	*ruf_clean(const char *p, size_t n, struct diag *d);
/* the same for text of several lines: line feeds kept, CRs dropped */
char	*ruf_clean_lines(const char *p, size_t n, struct diag *d);

#endif

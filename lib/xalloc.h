/*
 * Allocation that cannot fail.  Running out of memory is a system failure,
 * not an input failure: every limit on untrusted sizes is checked before an
 * allocation is made (see limits.h), so these die with a message instead of
 * returning NULL.  Callers own what they get and release it with free().
 */
#ifndef DMARC_XALLOC_H
#define DMARC_XALLOC_H

#include <stddef.h>

void	*xmalloc(size_t);
void	*xcalloc(size_t, size_t);
/* realloc of nmemb * size with the multiplication checked */
void	*xreallocarray(void *, size_t nmemb, size_t size);
char	*xstrdup(const char *);
/* copy of the first n bytes of s (which need not be terminated), NUL added */
char	*xstrndup(const char *s, size_t n);
/* a new string formatted as by printf (an output error gives "") */
char	*xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif

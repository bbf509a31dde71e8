/*
 * Shared copies of the strings of the model's value lists (model.h):
 * the same reporter, DKIM domain, selector or result is one allocation
 * however many sources list it, counted by reference.  A run holds
 * hundreds of thousands of values over a few thousand distinct strings.
 *
 * One pool for the process, used by the thread that builds and releases
 * models (not thread-safe).  It frees its table when the last string is
 * released.
 */
#ifndef DMARC_STRPOOL_H
#define DMARC_STRPOOL_H

/* a shared copy of s (NULL for NULL); release it with strpool_put */
char	*strpool_get(const char *s);
/* drops one reference to a strpool_get string; NULL is fine */
void	 strpool_put(char *s);

#endif

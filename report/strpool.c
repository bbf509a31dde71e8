/*
 * The string pool of strpool.h: a chained hash table of reference
 * counted strings; each string carries its header in front of it, so a
 * release needs no lookup to find its count.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "strpool.h"
#include "xalloc.h"

struct pstr {
	struct pstr	*next;		/* in its bucket */
	size_t		 refs;
	uint32_t	 hash;
	char		 s[];
};

static struct pstr	**tab;		/* [n_tab], NULL while empty */
static size_t		 n_tab, n_used;

static uint32_t
str_hash(const char *s)
{
	uint32_t h = 2166136261u;

	for (; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

static void
grow(void)
{
	size_t i, n = n_tab ? n_tab * 2 : 256;
	struct pstr **t = xcalloc(n, sizeof(*t)), *p, *next;

	for (i = 0; i < n_tab; i++)
		for (p = tab[i]; p != NULL; p = next) {
			next = p->next;
			p->next = t[p->hash & (n - 1)];
			t[p->hash & (n - 1)] = p;
		}
	free(tab);
	tab = t;
	n_tab = n;
}

char *
strpool_get(const char *s)
{
	struct pstr *p;
	uint32_t h;
	size_t len;

	if (s == NULL)
		return NULL;
	h = str_hash(s);
	for (p = n_tab ? tab[h & (n_tab - 1)] : NULL; p != NULL; p = p->next)
		if (p->hash == h && strcmp(p->s, s) == 0) {
			p->refs++;
			return p->s;
		}
	if (n_used >= n_tab)
		grow();
	len = strlen(s);
	p = xmalloc(sizeof(*p) + len + 1);
	memcpy(p->s, s, len + 1);
	p->hash = h;
	p->refs = 1;
	p->next = tab[h & (n_tab - 1)];
	tab[h & (n_tab - 1)] = p;
	n_used++;
	return p->s;
}

void
strpool_put(char *s)
{
	struct pstr *p, **pp;

	if (s == NULL)
		return;
	p = (struct pstr *)(void *)(s - offsetof(struct pstr, s));
	if (--p->refs > 0)
		return;
	for (pp = &tab[p->hash & (n_tab - 1)]; *pp != p; pp = &(*pp)->next)
		;
	*pp = p->next;
	free(p);
	if (--n_used == 0) {
		free(tab);
		tab = NULL;
		n_tab = 0;
	}
}

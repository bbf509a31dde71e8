/*
 * A shared library loaded with dlopen(3) on first use instead of being
 * linked, its functions resolved into a table of pointers (curlload.h,
 * zipload.h): what a run does not use it does not load.  Once per
 * process; the handle stays open.
 */
#ifndef DMARC_LAZYLIB_H
#define DMARC_LAZYLIB_H

#include <stddef.h>

/* a function pointer at off in the table, and the symbol it is */
struct lazy_sym {
	const char	*name;
	size_t		 off;
};

#define LAZY_SYM(type, field, name)	{ name, offsetof(type, field) }

struct lazy_lib {
	const char		*soname;
	const struct lazy_sym	*syms;
	size_t			 n_syms;
	void			*table;		/* filled when loaded */
	int			 loaded;	/* 0 not tried, 1 done, -1 failed */
	char			 why[256];	/* the failure */
};

/* loads l once; 0, or -1 with the reason in err */
int	lazy_load(struct lazy_lib *l, char *err, size_t errlen);

#endif

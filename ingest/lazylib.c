/*
 * Loading a library on first use (lazylib.h): dlopen, then every symbol
 * of its table, all or nothing.
 */
#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

#include "lazylib.h"

static int
load(struct lazy_lib *l)
{
	void *h = dlopen(l->soname, RTLD_NOW | RTLD_LOCAL), *f;

	if (h == NULL) {
		snprintf(l->why, sizeof(l->why), "cannot load %s: %s",
		    l->soname, dlerror());
		return -1;
	}
	for (size_t i = 0; i < l->n_syms; i++) {
		if ((f = dlsym(h, l->syms[i].name)) == NULL) {
			snprintf(l->why, sizeof(l->why), "%s lacks %s",
			    l->soname, l->syms[i].name);
			dlclose(h);
			return -1;
		}
		/* POSIX: a function pointer is represented as a void * */
		memcpy((char *)l->table + l->syms[i].off, &f, sizeof(f));
	}
	return 0;
}

int
lazy_load(struct lazy_lib *l, char *err, size_t errlen)
{
	if (l->loaded == 0)
		l->loaded = load(l) == 0 ? 1 : -1;
	if (l->loaded == 1)
		return 0;
	snprintf(err, errlen, "%s", l->why);
	return -1;
}

/*
 * Loads libcurl on first use (curlload.h says why) and resolves the
 * functions of struct curl_api.  The handle stays open for the life of
 * the process.
 */
#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

#include "curlload.h"

struct curl_api curl_api;

/* a function of curl_api and the symbol it is */
struct sym {
	const char	*name;
	size_t		 off;
};

#define SYM(f, n)	{ n, offsetof(struct curl_api, f) }

static const struct sym syms[] = {
	SYM(global_init, "curl_global_init"),
	SYM(global_cleanup, "curl_global_cleanup"),
	SYM(easy_init, "curl_easy_init"),
	SYM(easy_cleanup, "curl_easy_cleanup"),
	SYM(easy_setopt, "curl_easy_setopt"),
	SYM(easy_getinfo, "curl_easy_getinfo"),
	SYM(easy_perform, "curl_easy_perform"),
	SYM(easy_send, "curl_easy_send"),
	SYM(easy_recv, "curl_easy_recv"),
	SYM(easy_strerror, "curl_easy_strerror"),
	SYM(free, "curl_free"),
	SYM(url, "curl_url"),
	SYM(url_cleanup, "curl_url_cleanup"),
	SYM(url_get, "curl_url_get"),
	SYM(url_set, "curl_url_set"),
};

static int loaded;		/* 1 done, -1 failed */
static char why[256];

static int
load(void)
{
	void *h = dlopen(CURLLOAD_SONAME, RTLD_NOW | RTLD_LOCAL);
	struct curl_api api;
	void *f;

	if (h == NULL) {
		snprintf(why, sizeof(why), "cannot load libcurl: %s",
		    dlerror());
		return -1;
	}
	for (size_t i = 0; i < sizeof(syms) / sizeof(syms[0]); i++) {
		if ((f = dlsym(h, syms[i].name)) == NULL) {
			snprintf(why, sizeof(why), "libcurl (%s) lacks %s",
			    CURLLOAD_SONAME, syms[i].name);
			dlclose(h);
			return -1;
		}
		/* POSIX: a function pointer has the representation of a void * */
		memcpy((char *)&api + syms[i].off, &f, sizeof(f));
	}
	curl_api = api;
	return 0;
}

int
curl_load(char *err, size_t errlen)
{
	if (loaded == 0)
		loaded = load() == 0 ? 1 : -1;
	if (loaded == 1)
		return 0;
	snprintf(err, errlen, "%s", why);
	return -1;
}

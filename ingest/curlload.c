/*
 * libcurl's table for lazylib.c: loaded on first use (curlload.h says
 * why).
 */
#include "curlload.h"
#include "lazylib.h"

struct curl_api curl_api;

#define SYM(f, n)	LAZY_SYM(struct curl_api, f, n)

static const struct lazy_sym syms[] = {
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

static struct lazy_lib lib = { CURLLOAD_SONAME, syms,
    sizeof(syms) / sizeof(syms[0]), &curl_api, 0, "" };

int
curl_load(char *err, size_t errlen)
{
	return lazy_load(&lib, err, errlen);
}

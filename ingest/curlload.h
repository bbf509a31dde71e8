/*
 * libcurl, loaded with dlopen(3) when an IMAP run first needs it instead
 * of being linked: libcurl and the libraries under it (TLS, SSH, LDAP,
 * Kerberos, ...) are about 25 shared objects whose loading and
 * constructors were a third of the start-up of every run, the MTA pipe
 * (--mail) included, that never speaks IMAP.  imap.c calls libcurl only
 * through curl_api, after curl_load().
 */
#ifndef DMARC_CURLLOAD_H
#define DMARC_CURLLOAD_H

#include <stddef.h>

#include <curl/curl.h>

/* the SONAME loaded: Debian's libcurl4 (the one pkg-config names) */
#define CURLLOAD_SONAME	"libcurl.so.4"

/* the libcurl functions dmarc-ingest uses */
struct curl_api {
	CURLcode	 (*global_init)(long);
	void		 (*global_cleanup)(void);
	CURL		*(*easy_init)(void);
	void		 (*easy_cleanup)(CURL *);
	CURLcode	 (*easy_setopt)(CURL *, CURLoption, ...);
	CURLcode	 (*easy_getinfo)(CURL *, CURLINFO, ...);
	CURLcode	 (*easy_perform)(CURL *);
	CURLcode	 (*easy_send)(CURL *, const void *, size_t, size_t *);
	CURLcode	 (*easy_recv)(CURL *, void *, size_t, size_t *);
	const char	*(*easy_strerror)(CURLcode);
	void		 (*free)(void *);
	CURLU		*(*url)(void);
	void		 (*url_cleanup)(CURLU *);
	CURLUcode	 (*url_get)(const CURLU *, CURLUPart, char **,
			    unsigned int);
	CURLUcode	 (*url_set)(CURLU *, CURLUPart, const char *,
			    unsigned int);
};

extern struct curl_api curl_api;

/*
 * Loads libcurl and fills curl_api, once per process (later calls only
 * say how the first went).  0, or -1 with the reason in err.
 */
int	curl_load(char *err, size_t errlen);

#endif

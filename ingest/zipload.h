/*
 * libzip, loaded with dlopen(3) when the first zip archive is opened
 * instead of being linked (lazylib.h): with libcrypto and libbz2 under it
 * it was about a fifth of the start-up of every run, the MTA pipe
 * included, whose input holds no zip.  unpack.c calls libzip only through
 * zip_api, after zip_load().
 */
#ifndef DMARC_ZIPLOAD_H
#define DMARC_ZIPLOAD_H

#include <stddef.h>

#include <zip.h>

/* the SONAME loaded: Debian's libzip4 (the one pkg-config names) */
#define ZIPLOAD_SONAME	"libzip.so.4"

/* the libzip functions unpack.c uses, typed as zip.h declares them */
struct zip_api {
	__typeof__(zip_discard)			*discard;
	__typeof__(zip_error_fini)		*error_fini;
	__typeof__(zip_error_init)		*error_init;
	__typeof__(zip_error_strerror)		*error_strerror;
	__typeof__(zip_fclose)			*fclose;
	__typeof__(zip_file_get_external_attributes) *file_get_external_attributes;
	__typeof__(zip_file_strerror)		*file_strerror;
	__typeof__(zip_fopen_index)		*fopen_index;
	__typeof__(zip_fread)			*fread;
	__typeof__(zip_get_num_entries)		*get_num_entries;
	__typeof__(zip_open_from_source)	*open_from_source;
	__typeof__(zip_source_buffer_create)	*source_buffer_create;
	__typeof__(zip_source_filep_create)	*source_filep_create;
	__typeof__(zip_source_free)		*source_free;
	__typeof__(zip_stat_index)		*stat_index;
	__typeof__(zip_strerror)		*strerror;
};

extern struct zip_api zip_api;

/* loads libzip once per process; 0, or -1 with the reason in err */
int	zip_load(char *err, size_t errlen);

#endif

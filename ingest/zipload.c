/*
 * libzip's table for lazylib.c: loaded when the first zip archive is
 * opened (zipload.h says why).
 */
#include "lazylib.h"
#include "zipload.h"

struct zip_api zip_api;

#define SYM(f)	LAZY_SYM(struct zip_api, f, "zip_" #f)

static const struct lazy_sym syms[] = {
	SYM(discard), SYM(error_fini), SYM(error_init), SYM(error_strerror),
	SYM(fclose), SYM(file_get_external_attributes), SYM(file_strerror),
	SYM(fopen_index), SYM(fread), SYM(get_num_entries),
	SYM(open_from_source), SYM(source_buffer_create),
	SYM(source_filep_create), SYM(source_free), SYM(stat_index),
	SYM(strerror),
};

static struct lazy_lib lib = { ZIPLOAD_SONAME, syms,
    sizeof(syms) / sizeof(syms[0]), &zip_api, 0, "" };

int
zip_load(char *err, size_t errlen)
{
	return lazy_load(&lib, err, errlen);
}

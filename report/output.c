/*
 * Atomic output for -o FILE (output.h): mkstemp next to the target so
 * the final rename() stays on one file system, fsync before rename so a
 * crash cannot leave an empty file under the final name.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "output.h"
#include "xalloc.h"

#define OUTPUT_TMP_SUFFIX	".tmp.XXXXXX"

static void
output_free(struct output *o)
{
	free(o->path);
	free(o->tmp);
	memset(o, 0, sizeof(*o));
}

int
output_open(struct output *o, const char *path, char *err, size_t errlen)
{
	mode_t mask;
	size_t n;
	int fd;

	memset(o, 0, sizeof(*o));
	if (path == NULL || strcmp(path, "-") == 0) {
		o->f = stdout;
		return 0;
	}
	n = strlen(path) + sizeof(OUTPUT_TMP_SUFFIX);
	o->tmp = xmalloc(n);
	snprintf(o->tmp, n, "%s%s", path, OUTPUT_TMP_SUFFIX);
	if ((fd = mkstemp(o->tmp)) == -1) {
		snprintf(err, errlen, "'%s': cannot create a temporary file: "
		    "%s", path, strerror(errno));
		output_free(o);
		return -1;
	}
	/* mkstemp makes 0600; give the file the mode creat() would */
	mask = umask(0);
	umask(mask);
	(void)fchmod(fd, 0666 & ~mask);
	if ((o->f = fdopen(fd, "w")) == NULL) {
		snprintf(err, errlen, "'%s': %s", path, strerror(errno));
		close(fd);
		unlink(o->tmp);
		output_free(o);
		return -1;
	}
	o->path = xstrdup(path);
	return 0;
}

static int
output_commit(struct output *o, char *err, size_t errlen)
{
	if (fflush(o->f) == EOF || ferror(o->f) || fsync(fileno(o->f)) == -1) {
		snprintf(err, errlen, "'%s': write failed: %s", o->path,
		    strerror(errno));
		return -1;
	}
	if (fclose(o->f) == EOF) {
		o->f = NULL;
		snprintf(err, errlen, "'%s': write failed: %s", o->path,
		    strerror(errno));
		return -1;
	}
	o->f = NULL;
	if (rename(o->tmp, o->path) == -1) {
		snprintf(err, errlen, "'%s': cannot rename the temporary file "
		    "into place: %s", o->path, strerror(errno));
		return -1;
	}
	return 0;
}

int
output_close(struct output *o, int ok, char *err, size_t errlen)
{
	int rc = -1;

	if (o->tmp == NULL) {
		if (fflush(o->f) == EOF || ferror(o->f)) {
			snprintf(err, errlen, "standard output: write "
			    "failed: %s", strerror(errno));
			goto out;
		}
		rc = 0;
		goto out;
	}
	if (ok && output_commit(o, err, errlen) == 0) {
		rc = 0;
		goto out;
	}
	if (o->f != NULL)
		fclose(o->f);
	unlink(o->tmp);
	if (!ok)
		rc = 0;
out:
	output_free(o);
	return rc;
}

/*
 * Output for -o FILE (output.h).  A regular file or a new path is
 * replaced atomically: mkstemp next to the target so the final rename()
 * stays on one file system, the old file's mode (and, where allowed, its
 * owner) kept, fsync before rename so a crash cannot leave an empty file
 * under the final name.  A FIFO or a character device is opened and
 * written in place: renaming over /dev/null would turn it into a regular
 * file for every program on the machine.  So is a name of a descriptor
 * (/dev/stdout, /dev/fd/N), appended to.  A symbolic link is followed:
 * a link to a regular file replaces the target (the link stays), a link
 * to a FIFO or character device writes to it, anything else is refused.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
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

/* what a file of mode m is, for the refusal */
static const char *
kind_name(mode_t m)
{
	if (S_ISDIR(m))
		return "a directory";
	if (S_ISBLK(m))
		return "a block device";
	if (S_ISSOCK(m))
		return "a socket";
	return "not a regular file";
}

/*
 * /dev/stdout, /dev/stderr, /dev/fd/N and /proc/self/fd/N name a
 * descriptor the caller opened (perhaps to a regular file, with >>):
 * written in place at its end, never replaced.
 */
static int
is_descriptor_name(const char *path)
{
	return strncmp(path, "/dev/fd/", 8) == 0 ||
	    strcmp(path, "/dev/stdout") == 0 ||
	    strcmp(path, "/dev/stderr") == 0 ||
	    strncmp(path, "/proc/self/fd/", 14) == 0;
}

/* a FIFO, character device or descriptor: written in place */
static int
open_direct(struct output *o, const char *path, char *err, size_t errlen)
{
	struct stat st;
	int fd, flags = O_WRONLY | O_NOCTTY | O_CLOEXEC;

	if (is_descriptor_name(path))
		flags |= O_APPEND;
	if ((fd = open(path, flags)) == -1) {
		snprintf(err, errlen, "'%s': cannot open: %s", path,
		    strerror(errno));
		return -1;
	}
	/* it may have changed since the stat() */
	if (fstat(fd, &st) == -1 || !(S_ISFIFO(st.st_mode) ||
	    S_ISCHR(st.st_mode) || S_ISSOCK(st.st_mode) ||
	    (S_ISREG(st.st_mode) && is_descriptor_name(path)))) {
		snprintf(err, errlen, "'%s': changed while being opened",
		    path);
		close(fd);
		return -1;
	}
	if ((o->f = fdopen(fd, "w")) == NULL) {
		snprintf(err, errlen, "'%s': %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	o->path = xstrdup(path);
	o->direct = 1;
	return 0;
}

/*
 * A temporary file next to target; st the existing file's status, or
 * NULL for a new path (then the mode creat() would give).
 */
static int
open_atomic(struct output *o, const char *target, const struct stat *st,
    char *err, size_t errlen)
{
	mode_t mask;
	size_t n;
	int fd;

	n = strlen(target) + sizeof(OUTPUT_TMP_SUFFIX);
	o->tmp = xmalloc(n);
	snprintf(o->tmp, n, "%s%s", target, OUTPUT_TMP_SUFFIX);
	if ((fd = mkstemp(o->tmp)) == -1) {
		snprintf(err, errlen, "'%s': cannot create a temporary file: "
		    "%s", target, strerror(errno));
		return -1;
	}
	if (st != NULL) {
		/* an owner change needs privilege; without it, ours */
		if (fchown(fd, st->st_uid, st->st_gid) == -1)
			errno = 0;
		(void)fchmod(fd, st->st_mode & 07777);
	} else {
		mask = umask(0);
		umask(mask);
		(void)fchmod(fd, 0666 & ~mask);
	}
	if ((o->f = fdopen(fd, "w")) == NULL) {
		snprintf(err, errlen, "'%s': %s", target, strerror(errno));
		close(fd);
		unlink(o->tmp);
		return -1;
	}
	o->path = xstrdup(target);
	return 0;
}

/* the regular file a symbolic link points to, replaced in its place */
static int
open_link(struct output *o, const char *path, const struct stat *st,
    char *err, size_t errlen)
{
	char *real;
	int rc;

	if ((real = realpath(path, NULL)) == NULL) {
		snprintf(err, errlen, "'%s': cannot resolve the symbolic "
		    "link: %s", path, strerror(errno));
		return -1;
	}
	rc = open_atomic(o, real, st, err, errlen);
	free(real);
	return rc;
}

int
output_open(struct output *o, const char *path, char *err, size_t errlen)
{
	struct stat lst, st;
	int rc = -1;

	memset(o, 0, sizeof(*o));
	if (path == NULL || strcmp(path, "-") == 0) {
		o->f = stdout;
		return 0;
	}
	if (lstat(path, &lst) == -1) {
		if (errno == ENOENT)
			rc = open_atomic(o, path, NULL, err, errlen);
		else
			snprintf(err, errlen, "'%s': %s", path,
			    strerror(errno));
		goto out;
	}
	if (stat(path, &st) == -1) {
		snprintf(err, errlen, "'%s': a symbolic link to nothing: %s",
		    path, strerror(errno));
		goto out;
	}
	if (S_ISFIFO(st.st_mode) || S_ISCHR(st.st_mode) ||
	    is_descriptor_name(path))
		rc = open_direct(o, path, err, errlen);
	else if (S_ISREG(st.st_mode) && S_ISLNK(lst.st_mode))
		rc = open_link(o, path, &st, err, errlen);
	else if (S_ISREG(st.st_mode))
		rc = open_atomic(o, path, &st, err, errlen);
	else
		snprintf(err, errlen, "'%s': cannot write a report to %s: "
		    "give a regular file, a FIFO, a character device or '-'",
		    path, kind_name(st.st_mode));
out:
	if (rc == -1)
		output_free(o);
	return rc;
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

/* standard output, a FIFO or a device: flushed (and closed) in place */
static int
close_direct(struct output *o, char *err, size_t errlen)
{
	const char *name = o->direct ? o->path : "standard output";
	int rc = 0;

	if (fflush(o->f) == EOF || ferror(o->f))
		rc = -1;
	if (o->direct && fclose(o->f) == EOF)
		rc = -1;
	if (rc == -1)
		snprintf(err, errlen, "%s%s%s: write failed: %s",
		    o->direct ? "'" : "", name, o->direct ? "'" : "",
		    strerror(errno));
	return rc;
}

int
output_close(struct output *o, int ok, char *err, size_t errlen)
{
	int rc = -1;

	if (o->tmp == NULL) {
		rc = close_direct(o, err, errlen);
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

/*
 * Input discovery: command-line paths, directory walks in a stable order
 * that leave the database's own files out, and spooling of standard
 * input.  Only names and descriptors come out of
 * here; reading the content is the pipeline's job.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fdio.h"
#include "hash.h"
#include "limits.h"
#include "source.h"
#include "xalloc.h"

void
pathlist_init(struct pathlist *l)
{
	memset(l, 0, sizeof(*l));
}

void
pathlist_release(struct pathlist *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	pathlist_init(l);
}

static void
pathlist_add(struct pathlist *l, char *owned)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 64;
		l->v = xreallocarray(l->v, l->cap, sizeof(*l->v));
	}
	l->v[l->n++] = owned;
}

static int
byname(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static char *
join_suffix(const char *path, const char *suffix)
{
	size_t n = strlen(path) + strlen(suffix) + 1;
	char *p = xmalloc(n);

	snprintf(p, n, "%s%s", path, suffix);
	return p;
}

static char *
join(const char *dir, const char *name)
{
	size_t n = strlen(dir) + strlen(name) + 2;
	char *p = xmalloc(n);

	snprintf(p, n, "%s%s%s", dir,
	    dir[0] != '\0' && dir[strlen(dir) - 1] == '/' ? "" : "/", name);
	return p;
}

/* the entry names of dir, sorted bytewise; NULL on error (errno set) */
static char **
list_dir(const char *dir, size_t *n)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	struct pathlist names;

	*n = 0;
	if (d == NULL)
		return NULL;
	pathlist_init(&names);
	errno = 0;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] != '.')
			pathlist_add(&names, xstrdup(de->d_name));
		errno = 0;
	}
	if (errno != 0) {
		int saved = errno;

		closedir(d);
		pathlist_release(&names);
		errno = saved;
		return NULL;
	}
	closedir(d);
	if (names.n > 0)
		qsort(names.v, names.n, sizeof(*names.v), byname);
	*n = names.n;
	return names.v != NULL ? names.v : xcalloc(1, sizeof(char *));
}

void
source_skip_db(struct source_skip *skip, const char *dbpath)
{
	static const char *const suffix[SOURCE_SKIP_FILES] = {
		"", "-wal", "-shm", "-journal", ".lock",
	};
	struct stat sb;
	char *path;

	skip->n = 0;
	for (size_t i = 0; i < SOURCE_SKIP_FILES; i++) {
		path = join_suffix(dbpath, suffix[i]);
		if (stat(path, &sb) == 0) {
			skip->dev[skip->n] = sb.st_dev;
			skip->ino[skip->n++] = sb.st_ino;
		}
		free(path);
	}
}

static int
skipped(const struct source_skip *skip, const struct stat *sb)
{
	for (size_t i = 0; skip != NULL && i < skip->n; i++)
		if (skip->dev[i] == sb->st_dev && skip->ino[i] == sb->st_ino)
			return 1;
	return 0;
}

static int
walk(const char *dir, int depth, struct pathlist *l,
    const struct source_skip *skip, source_err_fn err, void *arg)
{
	struct stat sb;
	char **names, *path;
	size_t n;
	int rc = 0;

	if (depth > MAX_WALK_DEPTH) {
		err(arg, dir, "directory tree deeper than MAX_WALK_DEPTH");
		return -1;
	}
	if ((names = list_dir(dir, &n)) == NULL) {
		err(arg, dir, strerror(errno));
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		path = join(dir, names[i]);
		free(names[i]);
		if (lstat(path, &sb) == -1) {
			err(arg, path, strerror(errno));
			rc = -1;
		} else if (S_ISDIR(sb.st_mode)) {
			if (walk(path, depth + 1, l, skip, err, arg) == -1)
				rc = -1;
		} else if (S_ISREG(sb.st_mode) && !skipped(skip, &sb)) {
			pathlist_add(l, path);
			continue;
		}
		free(path);
	}
	free(names);
	return rc;
}

int
source_collect(const char *path, struct pathlist *l,
    const struct source_skip *skip, source_err_fn err, void *arg)
{
	struct stat sb;

	if (stat(path, &sb) == -1) {
		err(arg, path, strerror(errno));
		return -1;
	}
	if (S_ISDIR(sb.st_mode))
		return walk(path, 0, l, skip, err, arg);
	if (!S_ISREG(sb.st_mode)) {
		err(arg, path, "not a regular file or directory");
		return -1;
	}
	if (skipped(skip, &sb)) {
		err(arg, path, "the database or one of its files: not an "
		    "input");
		return -1;
	}
	pathlist_add(l, xstrdup(path));
	return 0;
}

/* reads the rest of in_fd only to hash and count it; 0 or -1 */
static int
drain(int in_fd, struct hash *h, uint64_t *total)
{
	char chunk[65536];
	ssize_t got;

	while ((got = read(in_fd, chunk, sizeof(chunk))) != 0) {
		if (got == -1 && errno == EINTR)
			continue;
		if (got == -1)
			return -1;
		hash_add(h, chunk, (size_t)got);
		*total += (uint64_t)got;
	}
	return 0;
}

int
source_spool_hashed(int in_fd, size_t max, uint8_t sha[HASH_LEN],
    uint64_t *size)
{
	char chunk[65536];
	struct hash h;
	ssize_t got;
	int fd, saved;

	*size = 0;
	hash_init(&h);
	if ((fd = fd_temp("dmarc-ingest")) == -1)
		return -1;
	while ((got = read(in_fd, chunk, sizeof(chunk))) != 0) {
		if (got == -1 && errno == EINTR)
			continue;
		if (got == -1)
			goto fail;
		hash_add(&h, chunk, (size_t)got);
		*size += (uint64_t)got;
		if (*size > max) {
			if (drain(in_fd, &h, size) == -1)
				goto fail;
			hash_final(&h, sha);
			errno = EFBIG;
			goto fail;
		}
		if (fd_write_all(fd, chunk, (size_t)got) == -1)
			goto fail;
	}
	hash_final(&h, sha);
	if (lseek(fd, 0, SEEK_SET) == -1)
		goto fail;
	return fd;
fail:
	saved = errno;
	close(fd);
	errno = saved;
	return -1;
}

int
source_spool(int in_fd, size_t max)
{
	char chunk[65536];
	size_t total = 0;
	ssize_t got;
	int fd, saved;

	if ((fd = fd_temp("dmarc-ingest")) == -1)
		return -1;
	while ((got = read(in_fd, chunk, sizeof(chunk))) != 0) {
		if (got == -1 && errno == EINTR)
			continue;
		if (got == -1)
			goto fail;
		total += (size_t)got;
		if (total > max) {
			errno = EFBIG;
			goto fail;
		}
		if (fd_write_all(fd, chunk, (size_t)got) == -1)
			goto fail;
	}
	if (lseek(fd, 0, SEEK_SET) == -1)
		goto fail;
	return fd;
fail:
	saved = errno;
	close(fd);
	errno = saved;
	return -1;
}

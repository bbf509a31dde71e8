/*
 * The site's directory (site_out.h).  A run builds the whole site in a
 * new directory beside DIR (DIR.tmp-XXXXXX, same file system), then
 * swaps it with DIR in one renameat2(RENAME_EXCHANGE): a reader sees the
 * old site or the new one, never a mix in one directory listing, and
 * DIR stays a plain directory (any web server, file://) rather than a
 * symbolic link a server must be told to follow.  The old tree, now at
 * the temporary name, is removed.  A page whose bytes equal the old
 * site's is hard-linked from it instead of written, so it keeps its
 * mtime (Last-Modified, rsync) and a nightly run writes only what
 * changed.  DIR must be missing, empty or an earlier site (it holds
 * SITE_MARK): a run never empties a directory that is not its own.
 * A run holds an flock on its tree while it builds it; a tree beside DIR
 * that nobody holds is what a killed run left, and the next run removes
 * it (when it is marked as a site, or older than SITE_STALE_AGE).
 */
#define _GNU_SOURCE
#include <sys/file.h>
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "fdio.h"
#include "site_out.h"
#include "xalloc.h"

#define SITE_MARK	".dmarc-report-site"
#define TMP_SUFFIX	".tmp-"
/* an unmarked tree nobody holds is taken as left over past this age */
#define SITE_STALE_AGE	600

static void	rm_tree(const char *);

static const char *const subdirs[] = { "d", "s", "o", "r", "in", "day" };

/* 1 if dir is missing, 0 if usable, -1 (err set) if it is not ours */
static int
check_dir(const char *dir, char *err, size_t errlen)
{
	struct stat st;
	char mark[4096];
	int fd;

	if (lstat(dir, &st) == -1) {
		if (errno == ENOENT)
			return 1;
		snprintf(err, errlen, "'%s': %s", dir, strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode)) {
		snprintf(err, errlen, "'%s': not a directory", dir);
		return -1;
	}
	snprintf(mark, sizeof(mark), "%s/" SITE_MARK, dir);
	if ((fd = open(mark, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) != -1) {
		close(fd);
		return 0;
	}
	if (rmdir(dir) == 0)	/* empty: ours from now on */
		return 1;
	snprintf(err, errlen, "'%s': a directory that is not a site of "
	    "dmarc-report (no %s in it): not replaced", dir, SITE_MARK);
	return -1;
}

/* 1 if path is a tree of a killed run: nobody holds its lock */
static int
stale(const char *path)
{
	char mark[4096];
	struct stat st;
	int fd, gone = 0;

	if ((fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	    O_CLOEXEC)) == -1)
		return 0;
	if (flock(fd, LOCK_EX | LOCK_NB) == 0 && fstat(fd, &st) == 0 &&
	    snprintf(mark, sizeof(mark), "%s/" SITE_MARK, path) <
	    (int)sizeof(mark)) {
		gone = access(mark, F_OK) == 0 ||
		    time(NULL) - st.st_mtime > SITE_STALE_AGE;
	}
	close(fd);
	return gone;
}

/* removes the DIR.tmp-XXXXXX trees killed runs left beside dir */
static void
sweep(const char *dir, size_t n)
{
	const char *slash = NULL, *base;
	char parent[4096], path[4096];
	struct dirent *e;
	size_t i, bn;
	DIR *d;

	for (i = 0; i < n; i++)
		if (dir[i] == '/')
			slash = dir + i;
	base = slash != NULL ? slash + 1 : dir;
	bn = n - (size_t)(base - dir);
	if (slash == NULL)
		snprintf(parent, sizeof(parent), ".");
	else
		snprintf(parent, sizeof(parent), "%.*s", slash == dir ? 1 :
		    (int)(slash - dir), dir);
	if ((d = opendir(parent)) == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		if (strlen(e->d_name) != bn + sizeof(TMP_SUFFIX) - 1 + 6 ||
		    strncmp(e->d_name, base, bn) != 0 ||
		    strncmp(e->d_name + bn, TMP_SUFFIX,
		    sizeof(TMP_SUFFIX) - 1) != 0)
			continue;
		if (snprintf(path, sizeof(path), "%s/%s", parent,
		    e->d_name) < (int)sizeof(path) && stale(path))
			rm_tree(path);
	}
	closedir(d);
}

int
site_out_open(struct site_out *so, const char *dir, char *err,
    size_t errlen)
{
	size_t n = strlen(dir), i;
	char sub[4096];
	int fd;

	memset(so, 0, sizeof(*so));
	so->lock = -1;
	while (n > 1 && dir[n - 1] == '/')
		n--;
	if (n == 0 || n > 3000) {
		snprintf(err, errlen, "-o: not a usable directory name");
		return -1;
	}
	so->dir = xstrndup(dir, n);
	if ((so->had_old = check_dir(so->dir, err, errlen)) == -1)
		goto fail;
	so->had_old = !so->had_old;
	sweep(so->dir, n);
	so->tmp = xmalloc(n + 16);
	snprintf(so->tmp, n + 16, "%s" TMP_SUFFIX "XXXXXX", so->dir);
	if (mkdtemp(so->tmp) == NULL) {
		snprintf(err, errlen, "'%s': %s", so->tmp, strerror(errno));
		free(so->tmp);
		so->tmp = NULL;
		goto fail;
	}
	/* held until the run ends: a tree in use is never swept */
	if ((so->lock = open(so->tmp, O_RDONLY | O_DIRECTORY |
	    O_CLOEXEC)) == -1 || flock(so->lock, LOCK_EX) == -1) {
		snprintf(err, errlen, "'%s': %s", so->tmp, strerror(errno));
		goto fail;
	}
	chmod(so->tmp, 0755);
	for (i = 0; i < sizeof(subdirs) / sizeof(subdirs[0]); i++) {
		snprintf(sub, sizeof(sub), "%s/%s", so->tmp, subdirs[i]);
		if (mkdir(sub, 0755) == -1) {
			snprintf(err, errlen, "'%s': %s", sub, strerror(errno));
			goto fail;
		}
	}
	snprintf(sub, sizeof(sub), "%s/" SITE_MARK, so->tmp);
	if ((fd = open(sub, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
	    0644)) == -1 || fd_write_all(fd, "dmarc-report site\n", 18)) {
		snprintf(err, errlen, "'%s': %s", sub, strerror(errno));
		if (fd != -1)
			close(fd);
		goto fail;
	}
	close(fd);
	return 0;
fail:
	site_out_abort(so);
	return -1;
}

/* 1 if the old site's file name holds exactly p[0..n), else 0 */
static int
same_as_old(const char *old, const void *p, size_t n)
{
	struct stat st;
	char buf[65536];
	size_t off = 0;
	ssize_t got;
	int fd, same = 0;

	if ((fd = open(old, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) == -1)
		return 0;
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode) ||
	    (uintmax_t)st.st_size != (uintmax_t)n)
		goto out;
	while (off < n) {
		size_t want = n - off < sizeof(buf) ? n - off : sizeof(buf);

		if ((got = fd_read_full(fd, buf, want)) != (ssize_t)want ||
		    memcmp(buf, (const char *)p + off, want) != 0)
			goto out;
		off += want;
	}
	same = 1;
out:
	close(fd);
	return same;
}

/* the old site's name and the new tree's, of a page name */
static void
paths(const struct site_out *so, const char *name, char *old, char *tmp,
    size_t len)
{
	snprintf(old, len, "%s/%s", so->dir, name);
	snprintf(tmp, len, "%s/%s", so->tmp, name);
}

int
site_out_keep(struct site_out *so, const char *name)
{
	char old[4096], tmp[4096];
	struct stat st;

	paths(so, name, old, tmp, sizeof(old));
	if (lstat(tmp, &st) == 0)	/* written already in this run */
		return 1;
	if (!so->had_old)
		return 0;
	if (lstat(old, &st) == -1 || !S_ISREG(st.st_mode) ||
	    link(old, tmp) == -1)
		return 0;
	so->unchanged++;
	return 1;
}

int
site_out_page(struct site_out *so, const char *name, const void *p,
    size_t n, char *err, size_t errlen)
{
	char old[4096], tmp[4096];
	int fd;

	paths(so, name, old, tmp, sizeof(old));
	if (so->had_old && same_as_old(old, p, n) && link(old, tmp) == 0) {
		so->unchanged++;
		return 0;
	}
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
	    O_CLOEXEC, 0644)) == -1 || fd_write_all(fd, p, n) == -1) {
		snprintf(err, errlen, "'%s': %s", tmp, strerror(errno));
		if (fd != -1)
			close(fd);
		return -1;
	}
	if (close(fd) == -1) {
		snprintf(err, errlen, "'%s': %s", tmp, strerror(errno));
		return -1;
	}
	so->written++;
	return 0;
}

FILE *
site_out_file(struct site_out *so, const char *name, char *err,
    size_t errlen)
{
	char old[4096], tmp[4096];
	FILE *f;
	int fd;

	paths(so, name, old, tmp, sizeof(old));
	if ((fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
	    O_CLOEXEC, 0644)) == -1 || (f = fdopen(fd, "w")) == NULL) {
		snprintf(err, errlen, "'%s': %s", tmp, strerror(errno));
		if (fd != -1)
			close(fd);
		return NULL;
	}
	so->written++;
	return f;
}

static int
rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)ftw;
	return flag == FTW_DP ? rmdir(path) : unlink(path);
}

/* removes the tree at path (no symbolic link followed, one device) */
static void
rm_tree(const char *path)
{
	(void)nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS | FTW_MOUNT);
}

int
site_out_commit(struct site_out *so, char *err, size_t errlen)
{
	int fd, rc = -1;

	/* the pages reach the disk before the swap makes them the site */
	if ((fd = open(so->tmp, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) != -1) {
		(void)syncfs(fd);
		close(fd);
	}
	if (so->had_old) {
		if (renameat2(AT_FDCWD, so->tmp, AT_FDCWD, so->dir,
		    RENAME_EXCHANGE) == -1) {
			snprintf(err, errlen, "'%s': swap failed: %s",
			    so->dir, strerror(errno));
			goto out;
		}
	} else if (rename(so->tmp, so->dir) == -1) {
		snprintf(err, errlen, "'%s': %s", so->dir, strerror(errno));
		goto out;
	}
	rc = 0;
out:
	/* the old site (after the swap) or the failed new one */
	site_out_abort(so);
	return rc;
}

void
site_out_abort(struct site_out *so)
{
	if (so->tmp != NULL)
		rm_tree(so->tmp);
	if (so->lock != -1)
		close(so->lock);
	so->lock = -1;
	free(so->tmp);
	free(so->dir);
	so->tmp = so->dir = NULL;
}

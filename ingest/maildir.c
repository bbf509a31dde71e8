/*
 * Maildir reading and marking.  A message is renamed only after
 * ingest_message settled it and the batch holding its reports was
 * committed (settled messages wait in struct walk until then): a run
 * killed before the rename leaves it unmarked, and the next run finds it
 * in the mail ledger and only renames it.  Renames never replace an
 * existing file (RENAME_NOREPLACE where the file system has it); a taken
 * name is made unique instead, so no message is stuck unmarked.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "limits.h"
#include "maildir.h"
#include "mailsource.h"
#include "xalloc.h"

/* names below a directory */
struct names {
	char	**v;
	size_t	  n, cap;
};

static int
byname(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void
names_release(struct names *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	memset(l, 0, sizeof(*l));
}

/* the entry names of dir not starting with '.', sorted; -1 on error */
static int
names_list(const char *dir, struct names *l)
{
	DIR *d = opendir(dir);
	struct dirent *de;

	memset(l, 0, sizeof(*l));
	if (d == NULL)
		return -1;
	while ((errno = 0, de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		if (l->n == l->cap) {
			l->cap = l->cap ? l->cap * 2 : 64;
			l->v = xreallocarray(l->v, l->cap, sizeof(*l->v));
		}
		l->v[l->n++] = xstrdup(de->d_name);
	}
	closedir(d);
	if (l->n > 0)
		qsort(l->v, l->n, sizeof(*l->v), byname);
	return 0;
}

static char *
join3(const char *a, const char *b, const char *c)
{
	size_t n = strlen(a) + strlen(b) + strlen(c) + 3;
	char *p = xmalloc(n);

	snprintf(p, n, "%s/%s%s%s", a, b, c[0] != '\0' ? "/" : "", c);
	return p;
}

/* the marked name, the unique part suffixed ".N" when n > 0 */
static char *
marked_name(const char *name, const char *add, unsigned n)
{
	const char *colon = strchr(name, ':');
	size_t base = colon != NULL ? (size_t)(colon - name) : strlen(name);
	char have[128] = { 0 }, flags[129], suffix[16] = "", *out;
	size_t k = 0, len;

	/*
	 * Only "2," info carries flags (the Maildir spec); "1," info is
	 * experimental and is dropped, the name made unique by the caller.
	 */
	if (colon != NULL && strncmp(colon, ":2,", 3) == 0)
		for (const char *p = colon + 3; *p != '\0'; p++)
			if ((unsigned char)*p < 128)
				have[(unsigned char)*p] = 1;
	for (const char *p = add; *p != '\0'; p++)
		have[(unsigned char)*p & 127] = 1;
	for (int c = 33; c < 127; c++)
		if (have[c] && c != '/' && c != ':')
			flags[k++] = (char)c;
	flags[k] = '\0';
	if (n > 0)
		snprintf(suffix, sizeof(suffix), ".%u", n);
	len = base + strlen(suffix) + 3 + k + 1;
	out = xmalloc(len);
	snprintf(out, len, "%.*s%s:2,%s", (int)base, name, suffix, flags);
	return out;
}

char *
maildir_marked_name(const char *name, const char *add)
{
	return marked_name(name, add, 0);
}

/* renames without replacing a file that is there */
static int
move(const char *from, const char *to)
{
#ifdef RENAME_NOREPLACE
	if (renameat2(AT_FDCWD, from, AT_FDCWD, to, RENAME_NOREPLACE) == 0)
		return 0;
	if (errno != EINVAL && errno != ENOSYS)
		return -1;
#endif
	if (access(to, F_OK) == 0) {
		errno = EEXIST;
		return -1;
	}
	return rename(from, to);
}

/* creates a Maildir's three subdirectories where missing */
static int
maildir_make(const char *dir)
{
	static const char *const sub[] = { "", "cur", "new", "tmp" };
	char *p;
	int rc = 0;

	for (size_t i = 0; i < 4 && rc == 0; i++) {
		p = join3(dir, sub[i], "");
		if (mkdir(p, 0700) == -1 && errno != EEXIST)
			rc = -1;
		free(p);
	}
	return rc;
}

/*
 * Renames from to the marked name in dir/cur, never over another file:
 * when the name is taken (two messages whose names differ only in their
 * info, "a:1,x" and "a:1,y"), the unique part gets ".1", ".2", ...
 */
static int
move_marked(const char *from, const char *dir, const char *name,
    const char *add)
{
	char *to_name, *to;
	int rc = -1;

	for (unsigned n = 0; n <= MAX_MAILDIR_NAME_TRIES; n++) {
		to_name = marked_name(name, add, n);
		to = join3(dir, "cur", to_name);
		free(to_name);
		if (strcmp(from, to) == 0)
			rc = 0;		/* already marked */
		else
			rc = move(from, to);
		free(to);
		if (rc == 0 || errno != EEXIST)
			break;
	}
	return rc;
}

/*
 * Marks the committed message sub/name of dir done (mailsource.h), and
 * flagged or moved to --failed-to when a report in it was rejected
 */
static int
mark(const char *dir, const char *sub, const char *name, int rejected,
    const struct maildir_opts *o, maildir_err_fn err, void *arg)
{
	const char *target = rejected ? o->failed_to : o->move_to;
	char *from = join3(dir, sub, name);
	int rc = 0;

	if (move_marked(from, target != NULL ? target : dir, name,
	    rejected && target == NULL ? "FS" : "S") == -1) {
		err(arg, from, strerror(errno));
		rc = -1;
	}
	free(from);
	return rc;
}

/* a settled message waiting for its batch's commit to be marked */
struct waiting {
	const char	*sub, *name;	/* names owned by the walk's lists */
	int		 rejected;
	uint64_t	 batch;		/* ingest_batch_no() at its end */
};

/* one run over a Maildir */
struct walk {
	struct ingest			*ing;
	const char			*dir;
	const struct maildir_opts	*o;
	maildir_err_fn			 err;
	void				*arg;
	struct waiting			 w[MAILDIR_MARK_BATCH];
	size_t				 n_w;
};

/*
 * Marks the waiting messages whose batch is committed, after committing
 * the batch first when commit is set.  The others stay waiting, or with
 * commit set are left unmarked (their batch was lost).  0, -1 when a
 * mark failed, -2 when the commit failed.
 */
static int
flush(struct walk *wk, int commit)
{
	uint64_t durable;
	size_t i;
	int rc = 0;

	if (commit && ingest_commit(wk->ing) == -1)
		rc = -2;
	durable = ingest_durable(wk->ing);
	for (i = 0; i < wk->n_w && wk->w[i].batch <= durable; i++)
		if (mark(wk->dir, wk->w[i].sub, wk->w[i].name,
		    wk->w[i].rejected, wk->o, wk->err, wk->arg) == -1 &&
		    rc == 0)
			rc = -1;
	if (commit)
		i = wk->n_w;
	memmove(wk->w, wk->w + i, (wk->n_w - i) * sizeof(*wk->w));
	wk->n_w -= i;
	return rc;
}

/* a settled message waits for its batch; 0, -1 or -2 as flush() */
static int
wait_mark(struct walk *wk, const char *sub, const char *name, int rejected)
{
	struct waiting *w = &wk->w[wk->n_w++];

	w->sub = sub;
	w->name = name;
	w->rejected = rejected;
	w->batch = ingest_batch_no(wk->ing);
	if (wk->n_w == MAILDIR_MARK_BATCH)
		return flush(wk, 1);
	return ingest_durable(wk->ing) >= w->batch ? flush(wk, 0) : 0;
}

/* 0 go on, -1 something failed here, -2 the database failed: stop */
static int
one(struct walk *wk, const char *sub, const char *name)
{
	char *path = join3(wk->dir, sub, name), *source;
	struct stat sb;
	enum mailsource_mark after;
	enum outcome oc = OUTCOME_PENDING;
	size_t n;
	int fd, rc = 0;

	/*
	 * Opened before looking at it, so that a message moved or deleted
	 * by another mail client after the listing (ENOENT), a link (ELOOP)
	 * or a FIFO (not blocked on: O_NONBLOCK) is skipped, not an error.
	 */
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd == -1 && (errno == ENOENT || errno == ELOOP)) {
		free(path);
		return 0;
	}
	if (fd == -1 || fstat(fd, &sb) == -1) {
		wk->err(wk->arg, path, strerror(errno));
		if (fd != -1)
			close(fd);
		free(path);
		return -1;
	}
	if (!S_ISREG(sb.st_mode)) {
		close(fd);
		free(path);
		return 0;	/* not a message */
	}
	n = strlen(path) + sizeof("maildir:");
	source = xmalloc(n);
	snprintf(source, n, "maildir:%s", path);
	rc = ingest_message(wk->ing, fd, source, &oc);
	close(fd);
	after = mailsource_after(rc, oc);
	if (after == MAILSOURCE_LEAVE)
		rc = -2;	/* not settled: left in place, unmarked */
	else
		rc = wait_mark(wk, sub, name,
		    after == MAILSOURCE_DONE_REJECTED);
	free(source);
	free(path);
	return rc;
}

static int
check_target(const char *dir, maildir_err_fn err, void *arg)
{
	if (dir != NULL && maildir_make(dir) == -1) {
		err(arg, dir, strerror(errno));
		return -1;
	}
	return 0;
}

int
maildir_run(struct ingest *ing, const char *dir,
    const struct maildir_opts *o, maildir_err_fn err, void *arg)
{
	static const char *const subs[] = { "new", "cur" };
	struct walk *wk;
	struct names l[2];
	char *p;
	int rc = 0, r = 0;

	if (check_target(o->move_to, err, arg) == -1 ||
	    check_target(o->failed_to, err, arg) == -1)
		return -1;
	memset(l, 0, sizeof(l));
	/* both lists first: a message marked now moves into cur/ */
	for (size_t s = 0; s < 2; s++) {
		p = join3(dir, subs[s], "");
		if (names_list(p, &l[s]) == -1) {
			err(arg, p, strerror(errno));
			rc = r = -1;
		}
		free(p);
	}
	wk = xcalloc(1, sizeof(*wk));
	wk->ing = ing;
	wk->dir = dir;
	wk->o = o;
	wk->err = err;
	wk->arg = arg;
	for (size_t s = 0; s < 2 && r != -2; s++)
		for (size_t i = 0; i < l[s].n && r != -2; i++)
			if ((r = one(wk, subs[s], l[s].v[i])) != 0)
				rc = -1;
	/* what was committed before a database error is still marked */
	if (flush(wk, 1) != 0)
		rc = -1;
	free(wk);
	names_release(&l[0]);
	names_release(&l[1]);
	return rc;
}

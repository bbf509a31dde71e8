/*
 * The run lock (lock.h): flock(2) polled with LOCK_NB so the wait has a
 * deadline and no signal handler is needed.  The lock file's contents are
 * never read; its existence means nothing, only the kernel lock does.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#include "lock.h"
#include "xalloc.h"

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
nap(void)
{
	struct timespec ts = { 0, LOCK_POLL_MS * 1000000L };

	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

/* polls until locked (0), the deadline passed (1) or an error (-1) */
static int
lock_wait(int fd, unsigned timeout)
{
	double deadline = now_s() + timeout;

	for (;;) {
		if (flock(fd, LOCK_EX | LOCK_NB) == 0)
			return 0;
		if (errno != EWOULDBLOCK && errno != EINTR)
			return -1;
		if (now_s() >= deadline)
			return 1;
		nap();
	}
}

enum lock_status
lock_acquire(struct lock *l, const char *dbpath, unsigned timeout,
    char *err, size_t errlen)
{
	size_t n = strlen(dbpath) + sizeof(".lock");
	int w;

	l->path = xmalloc(n);
	snprintf(l->path, n, "%s.lock", dbpath);
	l->fd = open(l->path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW,
	    0600);
	if (l->fd == -1) {
		snprintf(err, errlen, "cannot open lock file '%s': %s",
		    l->path, strerror(errno));
		lock_release(l);
		return LOCK_ERROR;
	}
	if ((w = lock_wait(l->fd, timeout)) == 0)
		return LOCK_OK;
	if (w == 1)
		snprintf(err, errlen, "another dmarc-ingest holds the lock "
		    "on '%s' (waited %u s)", dbpath, timeout);
	else
		snprintf(err, errlen, "cannot lock '%s': %s", l->path,
		    strerror(errno));
	lock_release(l);
	return w == 1 ? LOCK_BUSY : LOCK_ERROR;
}

void
lock_release(struct lock *l)
{
	if (l == NULL)
		return;
	if (l->fd != -1)
		close(l->fd);
	l->fd = -1;
	free(l->path);
	l->path = NULL;
}

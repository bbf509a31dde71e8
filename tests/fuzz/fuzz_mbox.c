/*
 * Fuzz target: the mbox splitter (mbox.c) on arbitrary bytes, put in a
 * memfd and opened by its /proc/self/fd path; every message handed out
 * is read to its end.
 */
#define _GNU_SOURCE
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

#include "mbox.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static int
drain(void *arg, int fd, const char *source)
{
	char buf[65536];

	(void)source;
	if (fd == -1)
		return 0;
	while (read(fd, buf, sizeof(buf)) > 0)
		(*(size_t *)arg)++;
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[64], err[256];
	size_t n = 0;
	int fd;

	if ((fd = memfd_create("fuzz", 0)) == -1)
		return 0;
	if (write(fd, data, size) == (ssize_t)size) {
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
		(void)mbox_read(path, drain, &n, err, sizeof(err));
	}
	close(fd);
	return 0;
}

/*
 * Fuzz target: container sniffing and unpacking (sniff.c, stream.c,
 * unpack.c) on arbitrary bytes; every document found is read to its end
 * so the decoders run fully.
 */
#define _GNU_SOURCE
#include <stddef.h>
#include <stdint.h>
#include <sys/mman.h>
#include <unistd.h>

#include "diag.h"
#include "limits.h"
#include "unpack.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static int
drain(void *arg, struct stream *doc, enum container kind,
    const char *where)
{
	char buf[65536];

	(void)arg;
	(void)kind;
	(void)where;
	while (stream_read(doc, buf, sizeof(buf)) > 0)
		;
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct diag d;
	int fd = memfd_create("fuzz", 0);

	if (fd == -1)
		return 0;
	if (write(fd, data, size) == (ssize_t)size) {
		diag_init(&d);
		unpack_fd(fd, MAX_XML_BYTES, drain, NULL, &d);
	}
	close(fd);
	return 0;
}

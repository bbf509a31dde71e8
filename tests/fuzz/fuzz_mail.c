/*
 * Fuzz target: the MIME message walker (mail.c) on arbitrary bytes, as
 * the pipeline drives it: the pre-scan and its limits first, then parse,
 * headers for the ledger, and a walk whose candidate parts are read to
 * their end.
 */
#define _GNU_SOURCE
#include <stddef.h>
#include <stdint.h>
#include <sys/mman.h>
#include <unistd.h>

#include "hash.h"
#include "limits.h"
#include "mail.h"
#include "mailscan.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static int
drain(void *arg, const struct mail_part *part)
{
	char buf[65536];

	while (read(part->fd, buf, sizeof(buf)) > 0)
		(*(size_t *)arg)++;
	return 0;
}

static void
walk(int fd, off_t lead)
{
	struct mail_result res;
	struct mail *m;
	char err[256];
	size_t n = 0;

	if ((m = mail_open(fd, lead, err, sizeof(err))) == NULL)
		return;
	(void)mail_meta(m);
	(void)mail_walk(m, MAX_MAIL_REPORTS, drain, &n, &res, err, sizeof(err));
	mail_free(m);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t sha[HASH_LEN];
	struct mail_scan scan;
	char why[256];
	int fd;

	mail_init();
	(void)mail_sniff(data, size);
	if ((fd = memfd_create("fuzz", 0)) == -1)
		return 0;
	if (write(fd, data, size) == (ssize_t)size &&
	    lseek(fd, 0, SEEK_SET) == 0 &&
	    mail_scan(fd, sha, &scan) == 0 &&
	    mail_scan_refusal(&scan, why, sizeof(why)) == NULL)
		walk(fd, scan.lead);
	close(fd);
	return 0;
}

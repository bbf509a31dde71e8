/*
 * Tests for lib/fdio.c: whole writes and reads across short counts (a
 * pipe), reads stopping at the end of a file, and temporary files that
 * are unlinked, private, close-on-exec and placed in $TMPDIR.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "fdio.h"
#include "testutil.h"

Suite	*fdio_suite(void);

/* more than a pipe buffer, so writes and reads come in pieces */
#define BIG	(1024 * 1024 + 7)

START_TEST(test_fdio_whole_buffer_through_a_pipe)
{
	char *out = malloc(BIG), *in = malloc(BIG);
	int fds[2];
	pid_t pid;

	ck_assert_ptr_nonnull(out);
	ck_assert_ptr_nonnull(in);
	for (size_t i = 0; i < BIG; i++)
		out[i] = (char)(i * 31 + 7);
	ck_assert_int_eq(pipe(fds), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		close(fds[0]);
		_exit(fd_write_all(fds[1], out, BIG) == 0 ? 0 : 1);
	}
	close(fds[1]);
	ck_assert_int_eq(fd_read_full(fds[0], in, BIG), BIG);
	/* the writer closed: the end reads as 0, not an error */
	ck_assert_int_eq(fd_read_full(fds[0], in, 1), 0);
	close(fds[0]);
	ck_assert_int_eq(memcmp(in, out, BIG), 0);
	free(out);
	free(in);
}
END_TEST

START_TEST(test_fdio_read_full_stops_at_end_of_file)
{
	char buf[64];
	int fd = fd_temp("dmarc-test-fdio");

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(fd_write_all(fd, "0123456789", 10), 0);
	ck_assert_int_eq(lseek(fd, 0, SEEK_SET), 0);
	ck_assert_int_eq(fd_read_full(fd, buf, sizeof(buf)), 10);
	ck_assert_int_eq(memcmp(buf, "0123456789", 10), 0);
	ck_assert_int_eq(fd_read_full(-1, buf, 1), -1);
	ck_assert_int_eq(fd_write_all(-1, "x", 1), -1);
	close(fd);
}
END_TEST

/* sets $TMPDIR to dir (NULL: unset); returns the old value (caller frees) */
static char *
tmpdir_set(const char *dir)
{
	const char *old = getenv("TMPDIR");
	char *saved = old != NULL ? strdup(old) : NULL;

	if (dir != NULL)
		setenv("TMPDIR", dir, 1);
	else
		unsetenv("TMPDIR");
	return saved;
}

START_TEST(test_fdio_temp_is_unlinked_private_in_tmpdir)
{
	char *dir = tu_tmpdir(), *saved = tmpdir_set(dir);
	struct stat sb;
	int fd;

	fd = fd_temp("dmarc-test-fdio");
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(fstat(fd, &sb), 0);
	ck_assert_uint_eq(sb.st_nlink, 0);
	ck_assert_uint_eq(sb.st_mode & 0777, 0600);
	ck_assert_int_eq(fcntl(fd, F_GETFD) & FD_CLOEXEC, FD_CLOEXEC);
	close(fd);
	/* nothing is left behind in the directory */
	ck_assert_int_eq(rmdir(dir), 0);
	free(tmpdir_set(saved));
	free(saved);
	free(dir);
}
END_TEST

/* a $TMPDIR too long for a path is an error, not a cut name */
START_TEST(test_fdio_temp_refuses_overlong_tmpdir)
{
	char longdir[5000], *saved;

	memset(longdir, 'd', sizeof(longdir) - 1);
	longdir[0] = '/';
	longdir[sizeof(longdir) - 1] = '\0';
	saved = tmpdir_set(longdir);
	ck_assert_int_eq(fd_temp("x"), -1);
	ck_assert_int_eq(errno, ENAMETOOLONG);
	free(tmpdir_set(saved));
	free(saved);
}
END_TEST

Suite *
fdio_suite(void)
{
	Suite *s = suite_create("fdio");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_fdio_whole_buffer_through_a_pipe);
	tcase_add_test(tc, test_fdio_read_full_stops_at_end_of_file);
	tcase_add_test(tc, test_fdio_temp_is_unlinked_private_in_tmpdir);
	tcase_add_test(tc, test_fdio_temp_refuses_overlong_tmpdir);
	suite_add_tcase(s, tc);
	return s;
}

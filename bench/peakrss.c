/*
 * dmarc-bench-peakrss: runs a command and says what it cost.  Forks and
 * execs CMD ARGS..., waits for it with wait4(2), prints one line
 * "wall_s=<seconds> maxrss_kb=<kilobytes> user_s=<s> sys_s=<s>" on
 * standard error (CPU times vary less than wall time on a loaded
 * machine; the child's own stdout and stderr pass through untouched) and
 * exits with the child's status, or 128 + signal if it was killed.
 * Used by bench/run.sh and bench/report-bench.sh.
 */
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int
main(int argc, char *argv[])
{
	struct rusage ru;
	double t0;
	pid_t pid;
	int status;

	if (argc < 2) {
		fprintf(stderr, "usage: dmarc-bench-peakrss CMD [ARG...]\n");
		return 2;
	}
	t0 = now();
	if ((pid = fork()) == -1) {
		fprintf(stderr, "dmarc-bench-peakrss: fork: %s\n",
		    strerror(errno));
		return 2;
	}
	if (pid == 0) {
		execvp(argv[1], argv + 1);
		fprintf(stderr, "dmarc-bench-peakrss: %s: %s\n", argv[1],
		    strerror(errno));
		_exit(127);
	}
	while (wait4(pid, &status, 0, &ru) == -1) {
		if (errno != EINTR) {
			fprintf(stderr, "dmarc-bench-peakrss: wait4: %s\n",
			    strerror(errno));
			return 2;
		}
	}
	/* ru_maxrss is in kilobytes on Linux */
	fprintf(stderr, "wall_s=%.3f maxrss_kb=%ld user_s=%.3f sys_s=%.3f\n",
	    now() - t0, ru.ru_maxrss, (double)ru.ru_utime.tv_sec +
	    ru.ru_utime.tv_usec / 1e6, (double)ru.ru_stime.tv_sec +
	    ru.ru_stime.tv_usec / 1e6);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}

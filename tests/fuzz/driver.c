/*
 * Standalone driver for the fuzz targets, for compilers without
 * libFuzzer: runs LLVMFuzzerTestOneInput once on every file named on the
 * command line or found below a named directory, so ctest replays the
 * seed corpora (tests/data) on every build, under the sanitizers in CI.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static int
run_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	uint8_t *p = NULL;
	long n;

	if (f == NULL || fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET) != 0 || (p = malloc((size_t)n + 1)) == NULL ||
	    fread(p, 1, (size_t)n, f) != (size_t)n) {
		perror(path);
		if (f != NULL)
			fclose(f);
		free(p);
		return -1;
	}
	fclose(f);
	LLVMFuzzerTestOneInput(p, (size_t)n);
	free(p);
	return 1;
}

static int
run_path(const char *path)
{
	struct stat sb;
	struct dirent *de;
	DIR *d;
	char sub[4096];
	int n = 0, k;

	if (stat(path, &sb) == -1) {
		perror(path);
		return -1;
	}
	if (!S_ISDIR(sb.st_mode))
		return run_file(path);
	if ((d = opendir(path)) == NULL) {
		perror(path);
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(sub, sizeof(sub), "%s/%s", path, de->d_name);
		if ((k = run_path(sub)) < 0) {
			closedir(d);
			return -1;
		}
		n += k;
	}
	closedir(d);
	return n;
}

int
main(int argc, char *argv[])
{
	int n = 0, k;

	for (int i = 1; i < argc; i++) {
		if ((k = run_path(argv[i])) < 0)
			return 1;
		n += k;
	}
	printf("%s: %d inputs replayed\n", argv[0], n);
	return n > 0 ? 0 : 1;
}

/*
 * The one test runner.  "dmarc-tests SUITE..." runs the named suites,
 * "dmarc-tests" runs them all; ctest runs one suite per test so a failure
 * names its module.  "dmarc-tests --rss-run ..." is tu_run_rss's runner.
 * Exit status 0 only when every test passed; skipped tests print SKIP
 * lines (tu_skip) and their count last.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <check.h>

#include "suites.h"
#include "testutil.h"

static int
add_suite(SRunner **sr, const char *name)
{
	for (size_t i = 0; i < sizeof(suites) / sizeof(suites[0]); i++) {
		if (name != NULL && strcmp(name, suites[i].name) != 0)
			continue;
		if (*sr == NULL)
			*sr = srunner_create(suites[i].make());
		else
			srunner_add_suite(*sr, suites[i].make());
		if (name != NULL)
			return 0;
	}
	if (name == NULL)
		return 0;
	fprintf(stderr, "dmarc-tests: no such suite: %s\n", name);
	return -1;
}

int
main(int argc, char *argv[])
{
	SRunner *sr = NULL;
	int failed;

	/* tu_run_rss's fresh runner, not a suite */
	if (argc >= 2 && strcmp(argv[1], "--rss-run") == 0)
		return tu_rss_main(argc, argv);
	if (argc < 2) {
		add_suite(&sr, NULL);
	} else {
		for (int i = 1; i < argc; i++)
			if (add_suite(&sr, argv[i]) == -1)
				return 2;
	}
	tu_skip_init();
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	if (tu_skips() > 0)
		printf("dmarc-tests: %lu skipped (SKIP lines above)\n",
		    tu_skips());
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}

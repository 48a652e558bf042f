/* Per-run cost of sbx for a program that embeds it (broker/sbx.h), as an
 * online judge can: sbx_run() in a loop, without an exec of sbx per run
 * (glibc's start-up alone is about 0.6 ms of CPU in a VM, where each of
 * its cpuid probes traps) nor a policy to parse. Prints
 *
 *   MEDIAN_MS P25_MS P75_MS sbx_run(POLICY) PROGRAM
 *
 * and fails (exit 1) when a run does not end OK, or when the process holds
 * more descriptors after the runs than before (a leak per run would show).
 *
 * usage: sbx-bench-library RUNS [POLICY [PROGRAM]]  (strict, /bin/true) */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "bench-util.h"
#include "cli.h"
#include "policy.h"
#include "sbx.h"

#define WARMUP 20

static int open_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	int n = 0;

	if (!d)
		return -1;
	while (readdir(d))
		n++;
	closedir(d);
	return n;
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 0;
	const char *name = argc > 2 ? argv[2] : "strict";
	char *prog[] = {argc > 3 ? argv[3] : "/bin/true", NULL};
	struct sbx_run_opts ro = {.argv = prog};
	struct sbx_error err = {0};
	Sbx__Policy *p = NULL;
	double *ms;
	int fds;

	if (n < 1) {
		fprintf(stderr, "usage: %s RUNS [POLICY [PROGRAM]]\n", argv[0]);
		return 2;
	}
	if (cli_build_policy(name, NULL, &p, &err) < 0) {
		fprintf(stderr, "%s\n", err.msg);
		return 1;
	}
	if (!(ms = calloc((size_t)n, sizeof(*ms))))
		return 1;
	fds = open_fds();
	for (int i = -WARMUP; i < n; i++) {
		struct sbx_result res;
		double start = now_ms();
		if (sbx_run(p, &ro, &res, &err) < 0 ||
		    res.verdict != SBX_VERDICT_OK) {
			fprintf(stderr, "run %d: %s\n", i,
				err.msg[0] ? err.msg : "not OK");
			return 1;
		}
		if (i >= 0)
			ms[i] = now_ms() - start;
	}
	if (open_fds() != fds) {
		fprintf(stderr, "descriptors: %d before the runs, %d after\n",
			fds, open_fds());
		return 1;
	}
	qsort(ms, (size_t)n, sizeof(*ms), cmp_double);
	printf("%.3f %.3f %.3f sbx_run(%s) %s\n", ms[n / 2], ms[n / 4],
	       ms[3 * n / 4], name, prog[0]);
	free(ms);
	policy_free(p);
	return 0;
}

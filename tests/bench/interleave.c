/* Start-up benchmark harness: runs each command in turn, round after
 * round, so that a machine whose speed drifts (a busy host, a VM's
 * neighbours) slows every command alike; hyperfine runs all samples of one
 * command before the next. Prints one line per command:
 *
 *   MEDIAN_MS P25_MS P75_MS COMMAND...
 *
 * usage: interleave [--all-gone] RUNS CMD [ARGS...] [-- CMD [ARGS...]]...
 * Output of the commands goes to /dev/null; a command that fails stops
 * the benchmark (exit 1).
 *
 * --all-gone: a run ends when every process the command started is gone,
 * not when the command exits. The harness is a child subreaper and reaps
 * until none is left: a tool that exits before its sandbox's init has
 * finished exiting (bubblewrap's monitor does not wait for it; the kernel
 * tears the namespaces down in that exit) is then timed to the same end as
 * one that waits (sbx). */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench-util.h"

#define WARMUP 20
#define MAX_CMDS 16

/* Runs argv once; returns its duration in ms, or -1 if it failed. */
static double run_once(char **argv, int devnull, bool all_gone)
{
	double start = now_ms();
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return -1;
	if (pid == 0) {
		dup2(devnull, 1);
		dup2(devnull, 2);
		execvp(argv[0], argv);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) ||
	    WEXITSTATUS(status) != 0)
		return -1;
	/* orphans of the command are ours: wait for the last */
	while (all_gone && (waitpid(-1, NULL, 0) > 0 || errno == EINTR))
		;
	return now_ms() - start;
}

int main(int argc, char **argv)
{
	char **cmds[MAX_CMDS];
	int n, nc = 0, devnull = open("/dev/null", O_WRONLY | O_CLOEXEC);
	bool all_gone = argc > 1 && !strcmp(argv[1], "--all-gone");

	if (all_gone) {
		argv++;
		argc--;
		if (prctl(PR_SET_CHILD_SUBREAPER, 1) < 0) {
			perror("interleave: PR_SET_CHILD_SUBREAPER");
			return 1;
		}
	}
	if (argc < 3 || (n = atoi(argv[1])) < 1 || devnull < 0) {
		fprintf(stderr, "usage: %s [--all-gone] RUNS CMD [ARGS...] "
			"[-- CMD...]...\n", argv[0]);
		return 2;
	}
	cmds[nc++] = &argv[2];
	for (int i = 2; i < argc && nc < MAX_CMDS; i++)
		if (!strcmp(argv[i], "--") && i + 1 < argc) {
			argv[i] = NULL;
			cmds[nc++] = &argv[i + 1];
		}
	double *ms = calloc((size_t)n * (size_t)nc, sizeof(*ms));
	if (!ms)
		return 1;
	for (int r = -WARMUP; r < n; r++)
		for (int c = 0; c < nc; c++) {
			double t = run_once(cmds[c], devnull, all_gone);
			if (t < 0) {
				fprintf(stderr, "interleave: %s failed\n", cmds[c][0]);
				return 1;
			}
			if (r >= 0)
				ms[c * n + r] = t;
		}
	for (int c = 0; c < nc; c++) {
		double *v = ms + c * n;
		qsort(v, (size_t)n, sizeof(*v), cmp_double);
		printf("%.3f %.3f %.3f", v[n / 2], v[n / 4], v[3 * n / 4]);
		for (char **a = cmds[c]; *a; a++)
			printf(" %s", *a);
		printf("\n");
	}
	free(ms);
	return 0;
}

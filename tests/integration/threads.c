/* Integration test: a program that embeds sbx runs sandboxes from several
 * threads at once (broker/sbx.h). PID 1 and the payload are clones of one
 * thread of such a program; glibc's own id changes (setresuid() and
 * friends) wait there for the other threads it knows of, which do not
 * exist in the clone, and a lock another thread held at the clone stays
 * held in it. Before both were avoided, a few runs in every hundred hung
 * until their wall-clock limit. Each run here has a 3 s limit and must end
 * OK; the whole test takes about a second.
 *
 * usage: sbx-test-threads [THREADS [RUNS]]   (8 threads, 25 runs each) */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli.h"
#include "policy.h"
#include "sbx.h"

struct worker {
	const Sbx__Policy *policy;
	int runs, failed;
	pthread_t thread;
};

static void *work(void *arg)
{
	struct worker *w = arg;
	char *prog[] = {"/bin/true", NULL};

	for (int i = 0; i < w->runs; i++) {
		struct sbx_run_opts ro = {.argv = prog};
		struct sbx_error err = {0};
		struct sbx_result res;

		if (sbx_run(w->policy, &ro, &res, &err) < 0 ||
		    res.verdict != SBX_VERDICT_OK) {
			fprintf(stderr, "run %d: verdict %d%s%s\n", i,
				(int)res.verdict, err.msg[0] ? ": " : "",
				err.msg);
			w->failed++;
		}
	}
	return NULL;
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 8, runs = argc > 2 ? atoi(argv[2]) : 25;
	struct sbx_error err = {0};
	struct worker *w;
	Sbx__Policy *p = NULL;
	int failed = 0;

	if (n < 1 || runs < 1 || !(w = calloc((size_t)n, sizeof(*w))))
		return 2;
	if (cli_build_policy("strict", NULL, &p, &err) < 0) {
		fprintf(stderr, "%s\n", err.msg);
		free(w);
		return 1;
	}
	p->limits->wall_time_ms = 3000;
	for (int i = 0; i < n; i++) {
		w[i] = (struct worker){.policy = p, .runs = runs};
		if (pthread_create(&w[i].thread, NULL, work, &w[i]) != 0) {
			fprintf(stderr, "pthread_create failed\n");
			exit(1);
		}
	}
	for (int i = 0; i < n; i++) {
		pthread_join(w[i].thread, NULL);
		failed += w[i].failed;
	}
	printf("%d threads x %d runs: %d failed\n", n, runs, failed);
	policy_free(p);
	free(w);
	return failed ? 1 : 0;
}

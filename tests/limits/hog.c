/* sbx-hog: resource-hungry payloads for the limit tests (runs inside the
 * sandbox; static).
 *   mem MIB          touch MIB MiB, read it back, sleep 1 s
 *   spin             burn CPU forever
 *   threads N        burn CPU forever in N threads
 *   orphan-spin      a child forks a spinner and exits (the spinner is
 *                    orphaned); the parent waits for that child, then
 *                    sleeps: only the orphan burns CPU
 *   forkbomb         fork until refused, report how many, exit 0
 *   write MIB        write MIB MiB of 'x' to stdout and stderr alternately
 *   cpu MS           burn MS ms of CPU time, print getrusage's figure
 *   thread-fork-spin a second thread forks a spinner (a child on that
 *                    thread's list of children, not the first one's), then
 *                    both threads sleep
 *   cpu-sleep MS     burn MS ms of CPU time, then sleep forever
 *   cpu-socket MS    burn MS ms of CPU time, then call socket(2), which
 *                    the strict policy forbids */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile unsigned long sink;

static void *spin(void *arg)
{
	(void)arg;
	for (;;)
		sink++;
	return NULL;
}

static int mem(long mib)
{
	size_t n = (size_t)mib << 20;
	volatile char *p = malloc(n);
	unsigned long sum = 0;

	if (!p)
		return 3;
	for (size_t i = 0; i < n; i += 4096)
		p[i] = (char)i;
	for (size_t i = 0; i < n; i += 4096)
		sum += (unsigned char)p[i];
	printf("touched %ld MiB (%lu)\n", mib, sum);
	fflush(stdout);
	sleep(1);
	return 0;
}

static int threads(int n)
{
	pthread_t t;

	for (int i = 1; i < n; i++)
		if (pthread_create(&t, NULL, spin, NULL) != 0)
			return 3;
	spin(NULL);
	return 0;
}

static void *fork_spinner(void *arg)
{
	(void)arg;
	if (fork() == 0)
		spin(NULL);
	for (;;)
		pause();
	return NULL;
}

static int thread_fork_spin(void)
{
	pthread_t t;

	if (pthread_create(&t, NULL, fork_spinner, NULL) != 0)
		return 3;
	for (;;)
		pause();
	return 0;
}

static int forkbomb(void)
{
	int n = 0;

	for (;;) {
		pid_t p = fork();
		if (p < 0)
			break;
		if (p == 0) {
			pause();
			_exit(0);
		}
		n++;
		if (n > 100000)
			return 1;
	}
	printf("forks refused after %d\n", n);
	return 0;
}

static int writer(long mib)
{
	static char buf[65536];

	memset(buf, 'x', sizeof(buf));
	for (long i = 0; i < mib * 16; i++)
		if (write(1 + (i & 1), buf, sizeof(buf)) < 0)
			return 3;
	return 0;
}

static int cpu(long ms)
{
	struct rusage ru;
	long used;

	do {
		for (int i = 0; i < 100000; i++)
			sink++;
		getrusage(RUSAGE_SELF, &ru);
		used = ru.ru_utime.tv_sec * 1000 + ru.ru_utime.tv_usec / 1000 +
		       ru.ru_stime.tv_sec * 1000 + ru.ru_stime.tv_usec / 1000;
	} while (used < ms);
	printf("cpu %ld ms\n", used);
	return 0;
}

int main(int argc, char **argv)
{
	const char *verb = argc > 1 ? argv[1] : "";
	long arg = argc > 2 ? strtol(argv[2], NULL, 10) : 0;

	if (!strcmp(verb, "mem"))
		return mem(arg);
	if (!strcmp(verb, "spin"))
		spin(NULL);
	if (!strcmp(verb, "threads"))
		return threads((int)arg);
	if (!strcmp(verb, "orphan-spin")) {
		pid_t child = fork();
		if (child == 0) {
			if (fork() == 0)
				spin(NULL);
			_exit(0);
		}
		waitpid(child, NULL, 0);
		for (;;)
			pause();
	}
	if (!strcmp(verb, "thread-fork-spin"))
		return thread_fork_spin();
	if (!strcmp(verb, "forkbomb"))
		return forkbomb();
	if (!strcmp(verb, "write"))
		return writer(arg);
	if (!strcmp(verb, "cpu"))
		return cpu(arg);
	if (!strcmp(verb, "cpu-sleep")) {
		cpu(arg);
		fflush(stdout);
		for (;;)
			pause();
	}
	if (!strcmp(verb, "cpu-socket")) {
		cpu(arg);
		fflush(stdout);
		return socket(AF_INET, SOCK_STREAM, 0) < 0 ? 3 : 0;
	}
	fprintf(stderr, "usage: sbx-hog mem|spin|threads|orphan-spin|thread-fork-spin|forkbomb|write|cpu|cpu-sleep|cpu-socket [N]\n");
	return 2;
}

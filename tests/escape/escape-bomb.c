/* escape-bomb: resource exhaustion: processes, memory, descriptors, CPU,
 * sleeping past the wall clock. Each takes the limit it must hit; being
 * killed by sbx (exit 137, SIGXCPU 152, SYS 159) also counts as held, which
 * the runner decides, together with "nothing is left running". Disk
 * through the write layer is escape-fs disk-bomb. See escape.h. */
#include "escape.h"

#include <signal.h>
#include <sys/mman.h>
#include <sys/wait.h>

/* fork MAX: forks sleeping children until fork fails. */
static int a_fork(int argc, char **argv)
{
	long max = strtol(argv[1], NULL, 0), n = 0;
	int e = 0;
	for (;;) {
		pid_t p = fork();
		if (p < 0) {
			e = errno;
			break;
		}
		if (p == 0) {
			pause();
			_exit(0);
		}
		if (++n > 4 * max + 64)
			break;
	}
	if (n > max)
		return escaped("forked %ld processes, limit %ld", n, max);
	return held("fork failed after %ld children (limit %ld): %s", n, max, en(e));
}

/* memory MAX: allocates and touches 16 MiB at a time, in transparent huge
 * pages where the kernel gives them: the fastest a single thread grows,
 * which is what a sampled limit (rootless, without a cgroup) must catch. */
static int a_memory(int argc, char **argv)
{
	unsigned long long max = strtoull(argv[1], NULL, 0), total = 0;
	const size_t chunk = 16 << 20;
	for (;;) {
		char *p = mmap(NULL, chunk, PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED)
			return held("mmap failed after %llu MiB: %s", total >> 20, en(errno));
		madvise(p, chunk, MADV_HUGEPAGE);
		memset(p, 1, chunk);
		total += chunk;
		if (total > max + (128ULL << 20))
			return escaped("%llu MiB resident, limit %llu MiB", total >> 20,
				       max >> 20);
	}
}

/* fds MAX: dup(0) until it fails. */
static int a_fds(int argc, char **argv)
{
	long max = strtol(argv[1], NULL, 0), n = 3;
	int e = 0;
	for (;; n++) {
		if (dup(0) < 0) {
			e = errno;
			break;
		}
		if (n > 4 * max + 64)
			break;
	}
	if (n > max)
		return escaped("%ld descriptors open, limit %ld", n, max);
	return held("dup failed at %ld descriptors (limit %ld): %s", n, max, en(e));
}

static int a_cpu(int argc, char **argv)
{
	for (volatile unsigned long i = 0;; i++) {}
	return ESC_ESCAPE;
}

static int a_sleep(int argc, char **argv)
{
	sigset_t s;
	sigemptyset(&s);
	for (;;)
		sigsuspend(&s);
	return ESC_ESCAPE;
}

int main(int argc, char **argv)
{
	static const struct esc_attack t[] = {
		{ "fork", a_fork, 1 },
		{ "memory", a_memory, 1 },
		{ "fds", a_fds, 1 },
		{ "cpu", a_cpu, 0 },
		{ "sleep", a_sleep, 0 },
		{ NULL, NULL, 0 },
	};
	return esc_main(t, argc, argv);
}

/* vmprobe: the payloads of the VM tests (tests/vm/run.sh), one static
 * binary with a few modes, so the guest's initramfs needs no libraries for
 * them:
 *   vmprobe mem MIB [HOLD_SEC]  touch MIB MiB page by page, read it back
 *                               (so the writes cannot be dropped), print
 *                               the checksum, then sleep HOLD_SEC
 *   vmprobe spin [THREADS]      burn CPU in THREADS threads until killed
 *   vmprobe fork N              fork up to N children that wait; print
 *                               "forked K" (K < N when fork fails), reap
 *   vmprobe orphan              fork a spinning grandchild that outlives
 *                               its parent (setsid), then exit 0
 *   vmprobe as UID PROG ARGS... run PROG as uid and gid UID, no
 *                               supplementary groups (busybox's setpriv
 *                               cannot change ids) */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <grp.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile uint64_t sink;

static int mem(long mib, long hold)
{
	size_t size = (size_t)mib << 20, page = (size_t)sysconf(_SC_PAGESIZE);
	unsigned char *p = mmap(NULL, size, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	uint64_t sum = 0;

	if (p == MAP_FAILED) {
		perror("vmprobe: mmap");
		return 2;
	}
	for (size_t i = 0; i < size; i += page)
		p[i] = (unsigned char)(i / page * 7 + 1);
	for (size_t i = 0; i < size; i += page)
		sum += p[i];
	sink = sum;
	printf("touched %ld MiB sum %llu\n", mib, (unsigned long long)sum);
	fflush(stdout);
	if (hold > 0)
		sleep((unsigned)hold);
	return 0;
}

static void *burn(void *arg)
{
	volatile uint64_t x = 0;

	(void)arg;
	for (;;)
		x++;
	return NULL;
}

static int spin(int threads)
{
	pthread_t t;

	for (int i = 1; i < threads; i++)
		if (pthread_create(&t, NULL, burn, NULL) != 0) {
			fprintf(stderr, "vmprobe: pthread_create failed\n");
			return 2;
		}
	burn(NULL);
	return 0;
}

static int forker(int n)
{
	int k = 0;

	for (; k < n; k++) {
		pid_t pid = fork();
		if (pid < 0)
			break;
		if (pid == 0) {
			pause();
			_exit(0);
		}
	}
	printf("forked %d\n", k);
	fflush(stdout);
	signal(SIGTERM, SIG_IGN);
	kill(0, SIGTERM);
	while (wait(NULL) > 0 || errno == EINTR)
		;
	return 0;
}

static int orphan(void)
{
	pid_t pid = fork();

	if (pid == 0) {
		setsid();
		if (fork() == 0)
			burn(NULL);
		_exit(0);
	}
	waitpid(pid, NULL, 0);
	return 0;
}

static int as(uid_t id, char **argv)
{
	if (setgroups(0, NULL) < 0 || setgid(id) < 0 || setuid(id) < 0) {
		perror("vmprobe: as");
		return 125;
	}
	execvp(argv[0], argv);
	perror("vmprobe: exec");
	return 127;
}

int main(int argc, char **argv)
{
	if (argc >= 3 && strcmp(argv[1], "mem") == 0)
		return mem(atol(argv[2]), argc > 3 ? atol(argv[3]) : 0);
	if (argc >= 2 && strcmp(argv[1], "spin") == 0)
		return spin(argc > 2 ? atoi(argv[2]) : 1);
	if (argc >= 3 && strcmp(argv[1], "fork") == 0)
		return forker(atoi(argv[2]));
	if (argc >= 2 && strcmp(argv[1], "orphan") == 0)
		return orphan();
	if (argc >= 4 && strcmp(argv[1], "as") == 0)
		return as((uid_t)atoi(argv[2]), argv + 3);
	fprintf(stderr, "usage: vmprobe mem MIB [HOLD] | spin [THREADS] | "
		"fork N | orphan | as UID PROG [ARGS]\n");
	return 2;
}

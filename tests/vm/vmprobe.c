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
 *                               cannot change ids)
 *   setpriv --reuid=UID --regid=GID --init-groups|--clear-groups PROG ARGS...
 *                               (invoked as "setpriv", or "vmprobe setpriv")
 *                               the few util-linux setpriv options that
 *                               tests/escape/run.sh uses: real, effective
 *                               and saved ids; --init-groups takes the
 *                               supplementary groups naming the user of
 *                               UID in /etc/group, --clear-groups none;
 *                               any other option is an error */
#define _GNU_SOURCE
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

/* The user name of uid, from /etc/passwd (static glibc has no NSS). */
static int user_name(uid_t uid, char *name, size_t size)
{
	FILE *f = fopen("/etc/passwd", "re");
	char line[512];
	int found = -1;

	while (f && found < 0 && fgets(line, sizeof(line), f)) {
		char *colon = strchr(line, ':'), *uidp;
		if (!colon)
			continue;
		*colon = '\0';
		uidp = strchr(colon + 1, ':');
		if (uidp && (uid_t)strtoul(uidp + 1, NULL, 10) == uid &&
		    strlen(line) < size) {
			strcpy(name, line);
			found = 0;
		}
	}
	if (f)
		fclose(f);
	return found;
}

/* Supplementary groups of user: primary gid plus every /etc/group entry
 * listing the user; returns the count. */
static int user_groups(const char *user, gid_t gid, gid_t *groups, int max)
{
	FILE *f = fopen("/etc/group", "re");
	char line[1024];
	int n = 0;

	groups[n++] = gid;
	while (f && n < max && fgets(line, sizeof(line), f)) {
		char *save = NULL, *name = strtok_r(line, ":", &save);
		char *pw = strtok_r(NULL, ":", &save);
		char *id = strtok_r(NULL, ":", &save);
		char *members = strtok_r(NULL, ":\n", &save);
		if (!name || !pw || !id || !members)
			continue;
		for (char *m = strtok_r(members, ",", &save); m;
		     m = strtok_r(NULL, ",", &save))
			if (strcmp(m, user) == 0 && (gid_t)atol(id) != gid) {
				groups[n++] = (gid_t)atol(id);
				break;
			}
	}
	if (f)
		fclose(f);
	return n;
}

static int setpriv(int argc, char **argv)
{
	long uid = -1, gid = -1;
	int groups = -1; /* 0 clear, 1 init */
	int i = 1;

	for (; i < argc && strncmp(argv[i], "--", 2) == 0; i++) {
		if (strncmp(argv[i], "--reuid=", 8) == 0)
			uid = atol(argv[i] + 8);
		else if (strncmp(argv[i], "--regid=", 8) == 0)
			gid = atol(argv[i] + 8);
		else if (strcmp(argv[i], "--init-groups") == 0)
			groups = 1;
		else if (strcmp(argv[i], "--clear-groups") == 0)
			groups = 0;
		else
			break;
	}
	if (uid < 0 || gid < 0 || groups < 0 || i >= argc ||
	    strncmp(argv[i], "--", 2) == 0) {
		fprintf(stderr, "vmprobe setpriv: want --reuid=UID --regid=GID "
			"--init-groups|--clear-groups PROG [ARGS]\n");
		return 2;
	}
	gid_t list[64];
	int n = 0;
	if (groups == 1) {
		char name[256];
		if (user_name((uid_t)uid, name, sizeof(name)) < 0) {
			fprintf(stderr, "vmprobe setpriv: no user with uid %ld\n", uid);
			return 125;
		}
		n = user_groups(name, (gid_t)gid, list, 64);
	}
	if (setgroups((size_t)n, list) < 0 ||
	    setresgid((gid_t)gid, (gid_t)gid, (gid_t)gid) < 0 ||
	    setresuid((uid_t)uid, (uid_t)uid, (uid_t)uid) < 0) {
		perror("vmprobe setpriv");
		return 125;
	}
	execvp(argv[i], argv + i);
	perror("vmprobe setpriv: exec");
	return 127;
}

int main(int argc, char **argv)
{
	const char *self = strrchr(argv[0], '/');

	if (strcmp(self ? self + 1 : argv[0], "setpriv") == 0)
		return setpriv(argc, argv);
	if (argc >= 2 && strcmp(argv[1], "setpriv") == 0)
		return setpriv(argc - 1, argv + 1);
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
		"fork N | orphan | as UID PROG [ARGS] | setpriv OPTIONS PROG [ARGS]\n");
	return 2;
}

/* Resident memory and CPU time of a process tree from /proc (broker).
 * Walks the "children" lists (orphans are PID 1's children, so none is
 * missed) rather than scanning all of /proc. */
#include "tree-usage.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "proc-stat.h"

#define MAX_TREE 4096

static int read_small(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	return (int)n;
}

static uint64_t rss_of(pid_t pid)
{
	char path[64], buf[128];
	unsigned long size, resident;

	snprintf(path, sizeof(path), "/proc/%d/statm", (int)pid);
	if (read_small(path, buf, sizeof(buf)) < 0 ||
	    sscanf(buf, "%lu %lu", &size, &resident) != 2)
		return 0; /* gone meanwhile */
	return (uint64_t)resident * (uint64_t)sysconf(_SC_PAGESIZE);
}

/* Appends to the queue the children of thread tid of pid. */
static void add_thread_children(pid_t pid, const char *tid, pid_t *queue,
				size_t *n)
{
	char path[96], buf[4096];
	char *p, *end;

	snprintf(path, sizeof(path), "/proc/%d/task/%s/children", (int)pid, tid);
	if (read_small(path, buf, sizeof(buf)) <= 0)
		return;
	for (p = buf; *n < MAX_TREE; p = end) {
		long c = strtol(p, &end, 10);
		if (end == p || c <= 0)
			break;
		queue[(*n)++] = (pid_t)c;
	}
}

/* Appends pid's children to the queue: each thread has its own list (a
 * child forked by a thread other than the first is on that thread's).
 * Returns the number of files of /proc it opened. */
static unsigned add_children(pid_t pid, pid_t *queue, size_t *n)
{
	char path[64];
	struct dirent *de;
	unsigned reads = 1;
	DIR *d;

	snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
	if (!(d = opendir(path)))
		return reads;
	while ((de = readdir(d)))
		if (de->d_name[0] != '.') {
			add_thread_children(pid, de->d_name, queue, n);
			reads++;
		}
	closedir(d);
	return reads;
}

/* utime, stime, cutime, cstime of pid (fields 14 to 17), in ticks. */
static int cpu_ticks(pid_t pid, uint64_t t[4])
{
	return proc_stat_fields(pid, 14, t, 4);
}

/* Calls each(pid, arg), which reads one file, for init's descendants,
 * parents first. Returns the number of files read, or -ENOMEM. */
static int walk_tree(pid_t init, void (*each)(pid_t, void *), void *arg)
{
	pid_t *queue = malloc(MAX_TREE * sizeof(*queue));
	size_t n = 0;
	unsigned reads;

	if (!queue)
		return -ENOMEM;
	reads = add_children(init, queue, &n);
	for (size_t i = 0; i < n; i++) {
		each(queue[i], arg);
		reads += 1 + add_children(queue[i], queue, &n);
	}
	free(queue);
	/* at most three per task of the machine: far below INT_MAX */
	return (int)reads;
}

static void add_rss(pid_t pid, void *total)
{
	*(uint64_t *)total += rss_of(pid);
}

int tree_rss_bytes(pid_t init, uint64_t *ret)
{
	*ret = 0;
	return walk_tree(init, add_rss, ret);
}

static void add_cpu(pid_t pid, void *total)
{
	uint64_t t[4];

	if (cpu_ticks(pid, t) == 0)
		*(uint64_t *)total += t[0] + t[1] + t[2] + t[3];
}

int tree_cpu_usec(pid_t init, uint64_t *ret)
{
	uint64_t t[4], ticks;
	long hz = sysconf(_SC_CLK_TCK);
	int r = cpu_ticks(init, t);

	if (r < 0)
		return r;
	ticks = t[2] + t[3];
	if ((r = walk_tree(init, add_cpu, &ticks)) < 0)
		return r;
	*ret = ticks * 1000000 / (uint64_t)(hz > 0 ? hz : 100);
	return r + 1;
}

/* Resident memory of a process tree from /proc (broker). Walks the
 * "children" lists (orphans are PID 1's children, so none is missed)
 * rather than scanning all of /proc. */
#include "rss.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

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

/* Appends pid's children to the queue; threads have their own lists. */
static void add_children(pid_t pid, pid_t *queue, size_t *n)
{
	char path[64], buf[4096];
	char *p, *end;

	snprintf(path, sizeof(path), "/proc/%d/task/%d/children", (int)pid,
		 (int)pid);
	if (read_small(path, buf, sizeof(buf)) <= 0)
		return;
	for (p = buf; *n < MAX_TREE; p = end) {
		long c = strtol(p, &end, 10);
		if (end == p || c <= 0)
			break;
		queue[(*n)++] = (pid_t)c;
	}
}

int rss_tree_bytes(pid_t init, uint64_t *ret)
{
	pid_t *queue = malloc(MAX_TREE * sizeof(*queue));
	size_t n = 0, i;
	uint64_t total = 0;

	if (!queue)
		return -ENOMEM;
	add_children(init, queue, &n);
	for (i = 0; i < n; i++) {
		total += rss_of(queue[i]);
		add_children(queue[i], queue, &n);
	}
	free(queue);
	*ret = total;
	return 0;
}

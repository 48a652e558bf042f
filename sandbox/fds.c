/* fd hygiene (broker, sandbox init, payload). */
#include "fds.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>

#include "cleanup.h"
#include "dirents.h"
#include "syscalls.h"

static bool kept(int fd, const int *keep, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		if (keep[i] == fd)
			return true;
	return false;
}

/* The slow path for kernels without close_range (< 5.9). */
static int walk_proc_fds(int from, const int *keep, unsigned n, bool cloexec)
{
	_cleanup_(dents_close) struct dents d = {.fd = -1};
	unsigned char type;
	const char *name;
	int r = dents_open(&d, AT_FDCWD, "/proc/self/fd");

	if (r < 0)
		return r;
	while ((name = dents_next(&d, &type))) {
		int fd = atoi(name);
		if (fd < from || fd == d.fd || kept(fd, keep, n))
			continue;
		if (cloexec)
			fcntl(fd, F_SETFD, FD_CLOEXEC);
		else
			close(fd);
	}
	return 0;
}

/* Closes [lo, hi] with close_range; returns false when unsupported. */
static bool close_span(int lo, int hi)
{
	if (lo > hi)
		return true;
	return sys_close_range((unsigned)lo, (unsigned)hi, 0) == 0;
}

int fds_close_except(int from, const int *keep, unsigned n)
{
	int lo = from;

	/* close_range between the kept descriptors, lowest first */
	for (;;) {
		int next = -1;
		for (unsigned i = 0; i < n; i++)
			if (keep[i] >= lo && (next < 0 || keep[i] < next))
				next = keep[i];
		if (next < 0)
			break;
		if (!close_span(lo, next - 1))
			return walk_proc_fds(from, keep, n, false);
		lo = next + 1;
	}
	if (sys_close_range((unsigned)lo, ~0U, 0) == 0)
		return 0;
	return walk_proc_fds(from, keep, n, false);
}

int fds_cloexec_from(int from)
{
	if (sys_close_range((unsigned)from, ~0U, CLOSE_RANGE_CLOEXEC) == 0)
		return 0;
	return walk_proc_fds(from, NULL, 0, true);
}

int fds_write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len) {
		ssize_t n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

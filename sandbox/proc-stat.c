/* Numeric fields of /proc/PID/stat: see proc-stat.h. */
#include "proc-stat.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int proc_stat_fields(pid_t pid, int field, uint64_t *out, int n)
{
	char path[64], buf[1024], *p, *end;
	ssize_t len;
	int fd;

	if (pid)
		snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	else
		snprintf(path, sizeof(path), "/proc/self/stat");
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return -errno;
	len = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (len <= 0)
		return len < 0 ? -errno : -EIO;
	buf[len] = '\0';
	/* the last ')' ends the command name (field 2) */
	p = strrchr(buf, ')');
	for (int f = 2; p && f < field; f++)
		p = strchr(p + 1, ' ');
	for (int i = 0; i < n; i++) {
		if (!p)
			return -EIO;
		errno = 0;
		out[i] = strtoull(p + 1, &end, 10);
		if (end == p + 1 || errno)
			return -EIO;
		p = strchr(end, ' ');
		if (!p && i + 1 < n)
			return -EIO;
	}
	return 0;
}

/* cgroup file I/O (broker). */
#include "cgroup-file.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cleanup.h"

int cgf_write_fd(int fd, const char *text)
{
	size_t len = strlen(text);
	ssize_t n = write(fd, text, len);

	if (n < 0)
		return -errno;
	return (size_t)n == len ? 0 : -EIO;
}

int cgf_write(int dirfd, const char *name, const char *text)
{
	_cleanup_close_ int fd = openat(dirfd, name, O_WRONLY | O_CLOEXEC);

	return fd < 0 ? -errno : cgf_write_fd(fd, text);
}

int cgf_write_u64(int dirfd, const char *name, uint64_t v)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%" PRIu64, v);
	return cgf_write(dirfd, name, buf);
}

int cgf_read(int dirfd, const char *name, char *buf, size_t size)
{
	_cleanup_close_ int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC);
	size_t used = 0;

	if (fd < 0)
		return -errno;
	while (used + 1 < size) {
		ssize_t n = read(fd, buf + used, size - used - 1);
		if (n < 0)
			return -errno;
		if (n == 0)
			break;
		used += (size_t)n;
	}
	buf[used] = '\0';
	return (int)used;
}

int cgf_read_u64(int dirfd, const char *name, uint64_t *ret)
{
	char buf[64], *end;
	int r = cgf_read(dirfd, name, buf, sizeof(buf));

	if (r < 0)
		return r;
	if (strncmp(buf, "max", 3) == 0) {
		*ret = UINT64_MAX;
		return 0;
	}
	errno = 0;
	*ret = strtoull(buf, &end, 10);
	return errno || end == buf ? -EINVAL : 0;
}

/* The value of key in flat-keyed text, or -ENOENT. */
static int find_key(const char *text, const char *key, uint64_t *ret)
{
	size_t klen = strlen(key);

	for (const char *line = text; line && *line;) {
		if (strncmp(line, key, klen) == 0 && line[klen] == ' ') {
			*ret = strtoull(line + klen + 1, NULL, 10);
			return 0;
		}
		line = strchr(line, '\n');
		line = line ? line + 1 : NULL;
	}
	return -ENOENT;
}

int cgf_read_keys(int dirfd, const char *name, size_t n,
		  const char *const keys[], uint64_t *const vals[])
{
	char buf[4096];
	int r = cgf_read(dirfd, name, buf, sizeof(buf));

	for (size_t i = 0; r >= 0 && i < n; i++)
		r = find_key(buf, keys[i], vals[i]);
	return r < 0 ? r : 0;
}

int cgf_read_key(int dirfd, const char *name, const char *key, uint64_t *ret)
{
	return cgf_read_keys(dirfd, name, 1, &key, &ret);
}

int cgf_read_cpu_usec(int dirfd, int version, uint64_t *ret)
{
	uint64_t ns;
	int r;

	if (version != 1 &&
	    ((r = cgf_read_key(dirfd, "cpu.stat", "usage_usec", ret)) == 0 ||
	     version == 2))
		return r;
	if ((r = cgf_read_u64(dirfd, "cpuacct.usage", &ns)) < 0)
		return r;
	*ret = ns / 1000;
	return 0;
}

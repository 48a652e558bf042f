/* The mounts below a mount (sandbox): see mount-list.h. */
#include "mount-list.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cleanup.h"
#include "mount-util.h"
#include "syscalls.h"

#define BATCH 64

/* A mountinfo path field in place, its octal escapes (\040 for a space)
 * decoded. */
static void unescape(char *s)
{
	char *out = s;

	for (; *s; s++) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' &&
		    s[2] >= '0' && s[2] <= '7' && s[3] >= '0' && s[3] <= '7') {
			*out++ = (char)((s[1] - '0') << 6 | (s[2] - '0') << 3 |
					(s[3] - '0'));
			s += 3;
		} else {
			*out++ = *s;
		}
	}
	*out = '\0';
}

/* fn(point, arg) when line's mount point (its fifth field) lies below
 * path; 0 otherwise. */
static int line_below(char *line, const char *path,
		      int (*fn)(const char *, void *), void *arg)
{
	char *point = NULL, *save = NULL, *tok = strtok_r(line, " ", &save);

	for (int i = 0; tok && i < 4; i++)
		point = tok = strtok_r(NULL, " ", &save);
	if (!point)
		return 0;
	unescape(point);
	return mu_path_within(point, path) && strcmp(point, path) ?
		fn(point, arg) : 0;
}

/* Read in pieces into a buffer on the stack (no stdio: see dirents.h
 * for why PID 1 does not allocate). */
int ml_each_in_mountinfo(const char *mountinfo, const char *path,
			 int (*fn)(const char *, void *), void *arg)
{
	_cleanup_close_ int fd = open(mountinfo, O_RDONLY | O_CLOEXEC);
	/* a line's longest: its two paths escaped, and the rest */
	char buf[8 * PATH_MAX + 1024];
	size_t len = 0;
	int r = 0;

	if (fd < 0)
		return -errno;
	for (;;) {
		ssize_t n = read(fd, buf + len, sizeof(buf) - 1 - len);
		char *line = buf, *nl;

		if (n < 0)
			return -EIO;
		len += (size_t)n;
		buf[len] = '\0';
		while (r == 0 && (nl = strchr(line, '\n'))) {
			*nl = '\0';
			r = line_below(line, path, fn, arg);
			line = nl + 1;
		}
		len -= (size_t)(line - buf);
		memmove(buf, line, len);
		buf[len] = '\0';
		if (r || n == 0)
			return r ? r : len ? line_below(buf, path, fn, arg) : 0;
		if (len == sizeof(buf) - 1)
			return -EIO;
	}
}

#define STATMOUNT_SIZE (sizeof(struct sbx_statmount) + 2 * PATH_MAX)

/* fn for the mount point of each mount in ids. */
static int each_point(const uint64_t *ids, long n, struct sbx_statmount *sm,
		      int (*fn)(const char *, void *), void *arg)
{
	for (long i = 0; i < n; i++) {
		struct sbx_mnt_id_req req = {.size = sizeof(req),
					     .mnt_id = ids[i],
					     .param = SBX_STATMOUNT_MNT_POINT};
		if (sys_statmount(&req, sm, STATMOUNT_SIZE, 0) < 0)
			return -errno;
		if (!(sm->mask & SBX_STATMOUNT_MNT_POINT))
			return -EIO;
		int r = fn(sm->str + sm->mnt_point, arg);
		if (r)
			return r;
	}
	return 0;
}

int ml_each_below(const char *path, const char *mountinfo,
		  int (*fn)(const char *point, void *arg), void *arg)
{
	struct sbx_mnt_id_req req = {.size = sizeof(req)};
	uint64_t ids[BATCH];
	struct statx sx;
	long n = -1;

	if (statx(AT_FDCWD, path, 0, SBX_STATX_MNT_ID_UNIQUE, &sx) == 0 &&
	    (sx.stx_mask & SBX_STATX_MNT_ID_UNIQUE)) {
		req.mnt_id = sx.stx_mnt_id;
		n = sys_listmount(&req, ids, BATCH, 0);
	}
	/* The first batch decides, before fn sees any mount: all of them
	 * from listmount, or all from mountinfo. */
	if (n < 0)
		return ml_each_in_mountinfo(mountinfo, path, fn, arg);
	/* On the stack, not malloc'd: see dirents.h for why PID 1 does
	 * not allocate. */
	union {
		struct sbx_statmount sm;
		char bytes[STATMOUNT_SIZE];
	} buf;
	for (;;) {
		int r = each_point(ids, n, &buf.sm, fn, arg);
		if (r || n < BATCH)
			return r;
		req.param = ids[n - 1];
		if ((n = sys_listmount(&req, ids, BATCH, 0)) < 0)
			return -errno;
	}
}

/* Id maps of the sandbox's user namespace (broker). */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cleanup.h"
#include "userns.h"

static int write_file(pid_t pid, const char *name, const char *text,
		      struct sbx_error *err)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/%s", pid, name);
	_cleanup_close_ int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return sbx_err_errno(err, -errno, "open %s", path);
	ssize_t n = write(fd, text, strlen(text));
	if (n < 0)
		return sbx_err_errno(err, -errno, "write \"%.*s\" to %s",
				     (int)strcspn(text, "\n"), text, path);
	return 0;
}

int userns_write_maps(pid_t pid, const Sbx__Identity *id, bool host_root,
		      struct sbx_error *err)
{
	char uid_map[64], gid_map[64];
	int r;

	if (host_root) {
		snprintf(uid_map, sizeof(uid_map), "0 %u %u\n",
			 USERNS_ROOT_BASE, USERNS_ROOT_COUNT);
		snprintf(gid_map, sizeof(gid_map), "%s", uid_map);
	} else {
		snprintf(uid_map, sizeof(uid_map), "%u %u 1\n", id->uid,
			 (unsigned)geteuid());
		snprintf(gid_map, sizeof(gid_map), "%u %u 1\n", id->gid,
			 (unsigned)getegid());
		r = write_file(pid, "setgroups", "deny", err);
		if (r < 0)
			return r;
	}
	r = write_file(pid, "uid_map", uid_map, err);
	if (r < 0)
		return r;
	return write_file(pid, "gid_map", gid_map, err);
}

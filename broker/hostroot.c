/* The host's root mount on its own (broker). */
#include "hostroot.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/mount.h>
#include <string.h>
#include <unistd.h>

#include "syscalls.h"

bool hostroot_wanted(const Sbx__Filesystem *fs)
{
	if (fs->read_only_root || fs->keep_changes)
		return false;
	return fs->n_layers == 0 ||
	       (fs->n_layers == 1 && !strcmp(fs->layers[0], "/"));
}

int hostroot_clone(void)
{
	int fd = sys_open_tree(AT_FDCWD, "/", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
	/* Private: nothing mounted on it may reach the host's root through
	 * its peer group. Read-only: the overlay only ever reads it. */
	struct mount_attr a = {
		.attr_set = MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID |
			    MOUNT_ATTR_NODEV,
		.propagation = MS_PRIVATE,
	};

	if (fd < 0)
		return -errno;
	if (sys_mount_setattr(fd, "", AT_EMPTY_PATH, &a) < 0) {
		int e = -errno;
		close(fd);
		return e;
	}
	return fd;
}

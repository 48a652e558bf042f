/* --workdir as root and --keep-changes (broker).
 *
 * Rootless, the source tree is owned by the caller, whose uid is the
 * payload's inside: a plain read-write bind does. As root the sandbox runs
 * as an unprivileged host range (USERNS_ROOT_BASE + id), to which a tree
 * owned by root (or anyone) is read-only; mapping the owner into the
 * namespace would make the payload that owner on the host. An idmapped
 * mount maps the tree's owner to the payload's uid on that one mount
 * only: the payload stays nobody everywhere else. */
#include "workdir.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/mount.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cleanup.h"
#include "syscalls.h"
#include "userns.h"

static int write_map(pid_t pid, const char *name, unsigned inside,
		     unsigned outside)
{
	char path[64], map[64];

	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, name);
	snprintf(map, sizeof(map), "%u %u 1\n", inside, outside);
	_cleanup_close_ int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	return write(fd, map, strlen(map)) < 0 ? -errno : 0;
}

/* A user namespace whose only mapping is owner -> host USERNS_ROOT_BASE +
 * uid (same for the group), held by a child that waits to be killed. */
static int idmap_userns(uid_t owner, gid_t group, uid_t uid, gid_t gid)
{
	struct clone_args args = {.flags = CLONE_NEWUSER,
				  .exit_signal = SIGCHLD};
	char path[64];
	int fd = -1, r;
	pid_t pid = sys_clone3(&args);

	if (pid < 0)
		return -errno;
	if (pid == 0) {
		for (;;)
			pause();
	}
	r = write_map(pid, "uid_map", owner, USERNS_ROOT_BASE + uid);
	if (r == 0)
		r = write_map(pid, "gid_map", group, USERNS_ROOT_BASE + gid);
	if (r == 0) {
		snprintf(path, sizeof(path), "/proc/%d/ns/user", (int)pid);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			r = -errno;
	}
	kill(pid, SIGKILL);
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
	return r < 0 ? r : fd;
}

int workdir_idmapped(const char *dir, uid_t uid, gid_t gid,
		     struct sbx_error *err)
{
	struct stat st;
	_cleanup_close_ int mnt = -1, ns = -1;

	if (stat(dir, &st) < 0)
		return sbx_err_errno(err, -errno, "workdir %s", dir);
	if (!S_ISDIR(st.st_mode))
		return sbx_err(err, -ENOTDIR, "workdir %s: not a directory",
			       dir);
	ns = idmap_userns(st.st_uid, st.st_gid, uid, gid);
	if (ns < 0)
		return sbx_err_errno(err, ns, "user namespace for the idmapped "
				     "workdir %s", dir);
	mnt = sys_open_tree(AT_FDCWD, dir, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
	if (mnt < 0)
		return sbx_err_errno(err, -errno, "open_tree %s", dir);
	struct mount_attr a = {
		.attr_set = MOUNT_ATTR_IDMAP | MOUNT_ATTR_NOSUID |
			    MOUNT_ATTR_NODEV,
		.userns_fd = (uint64_t)ns,
	};
	if (sys_mount_setattr(mnt, "", AT_EMPTY_PATH, &a) < 0) {
		int e = -errno;
		sbx_err_errno(err, e, "idmapped mount of workdir %s", dir);
		sbx_err_hint(err, "idmapped mounts need Linux 5.12 or later "
			     "and a filesystem that supports them (ext4, "
			     "xfs, btrfs, tmpfs from 6.3); or run sbx as the "
			     "tree's owner");
		return e;
	}
	return TAKE_FD(mnt);
}

int keep_changes_prepare(const char *dir, bool host_root,
			 struct sbx_error *err)
{
	static const char *const sub[] = {"upper", "work"};
	char path[4096];
	struct stat st;

	if (mkdir(dir, 0755) < 0 && errno != EEXIST)
		return sbx_err_errno(err, -errno, "keep_changes: mkdir %s", dir);
	if (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode))
		return sbx_err_errno(err, -ENOTDIR, "keep_changes: %s", dir);
	for (size_t i = 0; i < ARRAY_SIZE(sub); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, sub[i]);
		if (lstat(path, &st) == 0) {
			sbx_err(err, -EEXIST, "keep_changes: %s exists "
				"(an earlier run's changes)", path);
			sbx_err_hint(err, "give an empty or new directory, or "
				     "remove %s/upper and %s/work", dir, dir);
			return -EEXIST;
		}
	}
	if (host_root &&
	    chown(dir, USERNS_ROOT_BASE, USERNS_ROOT_BASE) < 0)
		return sbx_err_errno(err, -errno, "keep_changes: chown %s", dir);
	return 0;
}

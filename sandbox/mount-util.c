/* Mount and path helpers (PID 1 of the sandbox). */
#include "mount-util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "syscalls.h"

int mu_join(char buf[PATH_MAX], const char *root, const char *path)
{
	int n = snprintf(buf, PATH_MAX, "%s%s", root, path);
	return n < 0 || n >= PATH_MAX ? -ENAMETOOLONG : 0;
}

int mu_pathf(char buf[PATH_MAX], const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	int n = vsnprintf(buf, PATH_MAX, fmt, ap);
	va_end(ap);
	return n < 0 || n >= PATH_MAX ? -ENAMETOOLONG : 0;
}

bool mu_path_within(const char *path, const char *dir)
{
	size_t n = strlen(dir);

	if (n == 1 && dir[0] == '/')
		return true;
	return !strncmp(path, dir, n) && (path[n] == '\0' || path[n] == '/');
}

bool mu_replaced_or_hidden(const Sbx__Filesystem *fs, const char *path)
{
	static const char *const own[] = {"/proc", "/sys", "/dev"};

	for (size_t i = 0; i < sizeof(own) / sizeof(own[0]); i++)
		if (mu_path_within(path, own[i]))
			return true;
	for (size_t i = 0; i < fs->n_hidden_paths; i++)
		if (mu_path_within(path, fs->hidden_paths[i]))
			return true;
	return false;
}

int mu_mkdir_p(const char *path, mode_t mode)
{
	char buf[PATH_MAX];
	size_t len = strlen(path);

	if (len >= sizeof(buf))
		return -ENAMETOOLONG;
	memcpy(buf, path, len + 1);
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, mode) < 0 && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	if (mkdir(buf, mode) < 0 && errno != EEXIST)
		return -errno;
	return 0;
}

int mu_make_mountpoint(const char *path, bool is_file)
{
	char parent[PATH_MAX];
	struct stat st;

	if (lstat(path, &st) == 0)
		return 0;
	if (!is_file)
		return mu_mkdir_p(path, 0755);
	snprintf(parent, sizeof(parent), "%s", path);
	char *slash = strrchr(parent, '/');
	if (slash && slash != parent) {
		*slash = '\0';
		/* it usually exists: no walk from the root then */
		int r = stat(parent, &st) == 0 ? 0 : mu_mkdir_p(parent, 0755);
		if (r < 0)
			return r;
	}
	int fd = open(path, O_CREAT | O_WRONLY | O_CLOEXEC | O_NOFOLLOW, 0444);
	if (fd < 0)
		return errno == EEXIST ? 0 : -errno;
	close(fd);
	return 0;
}

/* mount(2) remount for kernels without mount_setattr (< 5.12): the flags
 * already on the mount must be repeated or the kernel refuses to drop the
 * locked ones. Not recursive. */
static int restrict_legacy(const char *path, uint64_t attrs)
{
	struct statvfs sv;
	unsigned long flags = MS_REMOUNT | MS_BIND;

	if (statvfs(path, &sv) < 0)
		return -errno;
	if ((sv.f_flag & ST_RDONLY) || (attrs & MOUNT_ATTR_RDONLY))
		flags |= MS_RDONLY;
	if ((sv.f_flag & ST_NOSUID) || (attrs & MOUNT_ATTR_NOSUID))
		flags |= MS_NOSUID;
	if ((sv.f_flag & ST_NODEV) || (attrs & MOUNT_ATTR_NODEV))
		flags |= MS_NODEV;
	if ((sv.f_flag & ST_NOEXEC) || (attrs & MOUNT_ATTR_NOEXEC))
		flags |= MS_NOEXEC;
	if (sv.f_flag & ST_NOATIME)
		flags |= MS_NOATIME;
	if (sv.f_flag & ST_NODIRATIME)
		flags |= MS_NODIRATIME;
	if (sv.f_flag & ST_RELATIME)
		flags |= MS_RELATIME;
	return mount(NULL, path, NULL, flags, NULL) < 0 ? -errno : 0;
}

int mu_restrict(const char *path, uint64_t attrs, bool recursive)
{
	struct mount_attr a = {.attr_set = attrs};

	if (sys_mount_setattr(AT_FDCWD, path, recursive ? AT_RECURSIVE : 0,
			      &a) == 0)
		return 0;
	if (errno != ENOSYS)
		return -errno;
	return restrict_legacy(path, attrs);
}

int mu_bind(const char *src, const char *dst, bool recursive, uint64_t attrs)
{
	unsigned long flags = MS_BIND | (recursive ? MS_REC : 0);

	if (mount(src, dst, NULL, flags, NULL) < 0)
		return -errno;
	return attrs ? mu_restrict(dst, attrs, recursive) : 0;
}

/* sbx-probe: filesystem verbs (hidden and masked files, writes, the write
 * layer, mounts, /proc, /sys, /dev). */
#include "probe.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

static int verb_read(int argc, char **argv)
{
	char buf[64];
	long n;

	(void)argc;
	n = probe_read_file(argv[1], buf, sizeof(buf));
	if (n < 0)
		return probe_held(argv[0], "%s: %s", argv[1],
				  probe_errname((int)-n));
	buf[strcspn(buf, "\n")] = '\0';
	return probe_escape(argv[0], "%s: read %ld bytes \"%.32s\"", argv[1], n,
			    buf);
}

static int write_text(const char *path, const char *text, int flags)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC | flags, 0644);
	size_t len = strlen(text);

	if (fd < 0)
		return -errno;
	ssize_t n = write(fd, text, len);
	int e = n < 0 ? errno : (size_t)n == len ? 0 : EIO;
	if (close(fd) < 0 && !e)
		e = errno;
	return -e;
}

static int verb_write(int argc, char **argv)
{
	(void)argc;
	int r = write_text(argv[1], "sbx-probe\n", O_APPEND);
	if (r < 0)
		return probe_held(argv[0], "%s: %s", argv[1], probe_errname(-r));
	return probe_escape(argv[0], "%s: written", argv[1]);
}

/* Helper: create FILE TEXT must succeed (the write layer works). */
static int verb_create(int argc, char **argv)
{
	(void)argc;
	int r = write_text(argv[1], argv[2], O_TRUNC);
	if (r < 0)
		return probe_say(PROBE_FAILED, argv[0], "%s: %s", argv[1],
				 probe_errname(-r));
	return probe_say(0, argv[0], "%s: written", argv[1]);
}

/* fill FILE BYTES: writes until an error; held when the write stopped
 * with ENOSPC before BYTES, escape when all BYTES went through. */
static int verb_fill(int argc, char **argv)
{
	static char chunk[65536];
	long long want, done = 0;
	int e = 0;

	(void)argc;
	if (probe_num(argv[2], &want) < 0 || want <= 0)
		return PROBE_USAGE;
	signal(SIGXFSZ, SIG_IGN);
	memset(chunk, 'x', sizeof(chunk));
	int fd = open(argv[1], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return probe_say(PROBE_FAILED, argv[0], "%s: %s", argv[1],
				 probe_errname(errno));
	while (done < want) {
		size_t len = want - done < (long long)sizeof(chunk) ?
			(size_t)(want - done) : sizeof(chunk);
		ssize_t n = write(fd, chunk, len);
		if (n < 0) {
			e = errno;
			break;
		}
		done += n;
	}
	if (!e && fsync(fd) < 0)
		e = errno;
	close(fd);
	if (!e)
		return probe_escape(argv[0], "wrote %lld bytes without ENOSPC",
				    done);
	if (e != ENOSPC)
		return probe_say(PROBE_FAILED, argv[0], "%s after %lld bytes",
				 probe_errname(e), done);
	return probe_held(argv[0], "ENOSPC after %lld bytes", done);
}

struct mount_try {
	const char *what;
	const char *src, *target, *type;
	unsigned long flags;
};

static const struct mount_try mount_tries[] = {
	{"tmpfs on /tmp", "tmpfs", "/tmp", "tmpfs", 0},
	{"bind / on /tmp", "/", "/tmp", NULL, MS_BIND | MS_REC},
	{"remount / read-write", NULL, "/", NULL, MS_REMOUNT | MS_BIND},
	{"remount /proc/sys read-write", NULL, "/proc/sys", NULL,
	 MS_REMOUNT | MS_BIND},
	{"remount /sys read-write", NULL, "/sys", NULL, MS_REMOUNT | MS_BIND},
	{"proc on /tmp", "proc", "/tmp", "proc", 0},
	{"make / shared", NULL, "/", NULL, MS_SHARED | MS_REC},
};

/* Runs the mount attempts; returns how many succeeded, detail in buf. */
static int try_mounts(char *buf, size_t size)
{
	int worked = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < sizeof(mount_tries) / sizeof(mount_tries[0]); i++) {
		const struct mount_try *m = &mount_tries[i];
		int r = mount(m->src, m->target, m->type, m->flags, NULL);
		snprintf(buf + strlen(buf), size - strlen(buf), "%s%s: %s",
			 i ? ", " : "", m->what, r == 0 ? "MOUNTED" :
			 probe_errname(errno));
		worked += r == 0;
	}
	int fd = (int)syscall(SYS_fsopen, "tmpfs", 0);
	snprintf(buf + strlen(buf), size - strlen(buf), ", fsopen tmpfs: %s",
		 fd >= 0 ? "OPENED" : probe_errname(errno));
	worked += fd >= 0;
	return worked;
}

static int verb_mount(int argc, char **argv)
{
	char buf[1024];

	(void)argc;
	if (try_mounts(buf, sizeof(buf)))
		return probe_escape(argv[0], "%s", buf);
	return probe_held(argv[0], "%s", buf);
}

static int verb_umount(int argc, char **argv)
{
	(void)argc;
	if (umount2(argv[1], 0) == 0)
		return probe_escape(argv[0], "unmounted %s", argv[1]);
	int e = errno;
	if (umount2(argv[1], MNT_DETACH) == 0)
		return probe_escape(argv[0], "detached %s", argv[1]);
	return probe_held(argv[0], "%s: %s, detach: %s", argv[1],
			  probe_errname(e), probe_errname(errno));
}

/* Mounts the sandbox put there to hide or protect something: a nested
 * user namespace must not be able to take them away. */
static const char *const locked_mounts[] = {
	"/etc/shadow", "/proc/kcore", "/proc/sysrq-trigger", "/proc/sys",
	"/home", "/root", "/tmp", "/sys", "/sys/firmware",
};

/* A nested user and mount namespace: mounting there is allowed by the
 * kernel (until seccomp forbids it) and only affects the nested namespace;
 * uncovering what the sandbox hid must not work. */
static int verb_unshare_user_mount(int argc, char **argv)
{
	char buf[1024], unlocked[512] = "";

	(void)argc;
	if (unshare(CLONE_NEWUSER | CLONE_NEWNS) < 0)
		return probe_held(argv[0], "unshare(NEWUSER|NEWNS): %s",
				  probe_errname(errno));
	for (size_t i = 0; i < sizeof(locked_mounts) / sizeof(locked_mounts[0]); i++)
		if (umount2(locked_mounts[i], MNT_DETACH) == 0)
			snprintf(unlocked + strlen(unlocked),
				 sizeof(unlocked) - strlen(unlocked), " %s",
				 locked_mounts[i]);
	int r = mount(NULL, "/proc/sys", NULL, MS_REMOUNT | MS_BIND, NULL);
	if (r == 0)
		snprintf(unlocked + strlen(unlocked),
			 sizeof(unlocked) - strlen(unlocked),
			 " /proc/sys-made-writable");
	if (*unlocked)
		return probe_escape(argv[0], "nested namespace removed "
				    "protections:%s", unlocked);
	int n = try_mounts(buf, sizeof(buf));
	return probe_held(argv[0], "nested userns allowed, protections locked; "
			  "%d mount(s) inside the nested namespace: %s", n, buf);
}

/* The classic chroot escape from a nested user namespace (which grants
 * CAP_SYS_CHROOT there), then: is FILE (a host path) reachable? */
static int verb_chroot_escape(int argc, char **argv)
{
	char buf[64];

	(void)argc;
	if (unshare(CLONE_NEWUSER) < 0)
		return probe_held(argv[0], "unshare(NEWUSER): %s",
				  probe_errname(errno));
	if (chdir("/") < 0 || chroot("/dev") < 0)
		return probe_held(argv[0], "chroot /dev: %s",
				  probe_errname(errno));
	for (int i = 0; i < 64; i++)
		if (chdir("..") < 0)
			break;
	if (chroot(".") < 0)
		return probe_held(argv[0], "chroot .: %s", probe_errname(errno));
	long n = probe_read_file(argv[1], buf, sizeof(buf));
	if (n >= 0)
		return probe_escape(argv[0], "%s readable after the chroot "
				    "escape", argv[1]);
	return probe_held(argv[0], "chroot escape leads to the sandbox root; "
			  "%s: %s", argv[1], probe_errname((int)-n));
}

/* Shocker: open_by_handle_at needs CAP_DAC_READ_SEARCH in the initial
 * user namespace. */
static int verb_open_by_handle(int argc, char **argv)
{
	struct {
		struct file_handle fh;
		unsigned char raw[128];
	} h = {.fh.handle_bytes = 128};
	int mnt_id;

	(void)argc;
	if (name_to_handle_at(AT_FDCWD, "/etc/passwd", &h.fh, &mnt_id, 0) < 0)
		return probe_held(argv[0], "name_to_handle_at: %s",
				  probe_errname(errno));
	int fd = open_by_handle_at(open("/", O_PATH | O_CLOEXEC), &h.fh,
				   O_RDONLY | O_CLOEXEC);
	if (fd >= 0)
		return probe_escape(argv[0], "open_by_handle_at opened a file");
	return probe_held(argv[0], "open_by_handle_at: %s", probe_errname(errno));
}

static const char *const proc_masked[] = {
	"/proc/kcore", "/proc/keys", "/proc/timer_list", "/proc/sched_debug",
	"/proc/kallsyms", "/proc/kpagecount", "/proc/kpageflags",
	"/proc/config.gz", "/proc/vmallocinfo", "/proc/pagetypeinfo",
	"/proc/latency_stats", "/proc/kpagecgroup", "/proc/sysrq-trigger",
	"/proc/acpi", "/proc/scsi", "/proc/asound", "/proc/timer_stats",
};

/* Non-empty content readable from path (file or directory)? */
static bool has_content(const char *path, char *why, size_t size)
{
	struct stat st;
	char buf[256];

	if (stat(path, &st) < 0)
		return false;
	if (S_ISDIR(st.st_mode)) {
		DIR *d = opendir(path);
		struct dirent *de;
		bool any = false;
		while (d && (de = readdir(d)))
			if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
				any = true;
		if (d)
			closedir(d);
		if (any)
			snprintf(why, size, "%s lists entries", path);
		return any;
	}
	long n = probe_read_file(path, buf, sizeof(buf));
	if (n > 0)
		snprintf(why, size, "%s: read %ld bytes", path, n);
	return n > 0;
}

static int verb_proc_kcore(int argc, char **argv)
{
	char why[256];

	(void)argc;
	for (size_t i = 0; i < sizeof(proc_masked) / sizeof(proc_masked[0]); i++)
		if (has_content(proc_masked[i], why, sizeof(why)))
			return probe_escape(argv[0], "%s", why);
	int r = write_text("/proc/sysrq-trigger", "h", 0);
	if (r == 0)
		return probe_escape(argv[0], "wrote /proc/sysrq-trigger");
	return probe_held(argv[0], "%zu masked /proc entries empty, "
			  "sysrq-trigger: %s",
			  sizeof(proc_masked) / sizeof(proc_masked[0]),
			  probe_errname(-r));
}

static int write_files(const char *verb, const char *mnt,
		       const char *const *files, size_t n)
{
	struct statvfs sv;
	char buf[512] = "";

	if (statvfs(mnt, &sv) < 0)
		return probe_say(PROBE_FAILED, verb, "statvfs %s: %s", mnt,
				 probe_errname(errno));
	if (!(sv.f_flag & ST_RDONLY))
		snprintf(buf, sizeof(buf), "%s is not mounted read-only; ", mnt);
	for (size_t i = 0; i < n; i++) {
		char cur[256];
		long len = probe_read_file(files[i], cur, sizeof(cur));
		/* Write back what is there: harmless if it ever worked. */
		int r = write_text(files[i], len > 0 ? cur : "0\n", 0);
		if (r == 0)
			return probe_escape(verb, "%swrote %s", buf, files[i]);
		snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf), "%s%s: %s",
			 i ? ", " : "", files[i], probe_errname(-r));
	}
	if (!(sv.f_flag & ST_RDONLY))
		return probe_escape(verb, "%s", buf);
	return probe_held(verb, "%s read-only; %s", mnt, buf);
}

static int verb_proc_sys_write(int argc, char **argv)
{
	static const char *const files[] = {
		"/proc/sys/kernel/hostname", "/proc/sys/kernel/domainname",
		"/proc/sys/kernel/core_pattern", "/proc/sys/vm/drop_caches",
	};
	(void)argc;
	return write_files(argv[0], "/proc/sys", files,
			   sizeof(files) / sizeof(files[0]));
}

static int verb_sys_write(int argc, char **argv)
{
	static const char *const files[] = {
		"/sys/kernel/uevent_helper", "/sys/kernel/mm/transparent_hugepage/enabled",
		"/sys/power/state",
	};
	(void)argc;
	return write_files(argv[0], "/sys", files,
			   sizeof(files) / sizeof(files[0]));
}

/* The minimal /dev: these names only, character devices among the
 * harmless ones. */
static int verb_dev_list(int argc, char **argv)
{
	static const char *const names[] = {
		"null", "zero", "full", "random", "urandom", "tty", "ptmx", "pts",
		"shm", "fd", "stdin", "stdout", "stderr", "core",
	};
	static const unsigned devs[][2] = {{1, 3}, {1, 5}, {1, 7}, {1, 8},
					   {1, 9}, {5, 0}};
	DIR *d = opendir("/dev");
	struct dirent *de;
	char extra[512] = "";
	int count = 0;

	(void)argc;
	if (!d)
		return probe_say(PROBE_FAILED, argv[0], "opendir /dev: %s",
				 probe_errname(errno));
	while ((de = readdir(d))) {
		char path[300];
		struct stat st;
		bool known = false;
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		count++;
		for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
			known |= !strcmp(names[i], de->d_name);
		snprintf(path, sizeof(path), "/dev/%s", de->d_name);
		if (lstat(path, &st) == 0 && (S_ISBLK(st.st_mode) ||
					       S_ISCHR(st.st_mode))) {
			bool ok = false;
			for (size_t i = 0; i < sizeof(devs) / sizeof(devs[0]); i++)
				ok |= major(st.st_rdev) == devs[i][0] &&
				      minor(st.st_rdev) == devs[i][1];
			known &= ok && S_ISCHR(st.st_mode);
		}
		if (!known)
			snprintf(extra + strlen(extra),
				 sizeof(extra) - strlen(extra), " %s", de->d_name);
	}
	closedir(d);
	if (*extra)
		return probe_escape(argv[0], "unexpected in /dev:%s", extra);
	return probe_held(argv[0], "%d expected entries in /dev", count);
}

static int verb_mknod(int argc, char **argv)
{
	(void)argc;
	if (mknod(argv[1], S_IFCHR | 0666, makedev(1, 1)) == 0)
		return probe_escape(argv[0], "created /dev/mem's twin at %s",
				    argv[1]);
	return probe_held(argv[0], "mknod %s c 1 1: %s", argv[1],
			  probe_errname(errno));
}

const struct probe_verb probe_fs_verbs[] = {
	{"read", 1, 1, "FILE", verb_read},
	{"write", 1, 1, "FILE", verb_write},
	{"create", 2, 2, "FILE TEXT", verb_create},
	{"fill", 2, 2, "FILE BYTES", verb_fill},
	{"mount", 0, 0, "", verb_mount},
	{"umount", 1, 1, "PATH", verb_umount},
	{"unshare-user-mount", 0, 0, "", verb_unshare_user_mount},
	{"chroot-escape", 1, 1, "FILE", verb_chroot_escape},
	{"open-by-handle", 0, 0, "", verb_open_by_handle},
	{"proc-kcore", 0, 0, "", verb_proc_kcore},
	{"proc-sys-write", 0, 0, "", verb_proc_sys_write},
	{"sys-write", 0, 0, "", verb_sys_write},
	{"dev-list", 0, 0, "", verb_dev_list},
	{"mknod", 1, 1, "PATH", verb_mknod},
	{NULL, 0, 0, NULL, NULL},
};

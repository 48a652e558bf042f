/* escape-fs: attacks on the file system view: host-only files, writes
 * outside, the sbx binary and /proc/self/exe (CVE-2019-5736), leaked
 * descriptors and cwd (CVE-2024-21626), setuid binaries, open_by_handle_at
 * (Shocker), device nodes, mount/umount/pivot_root, core_pattern and
 * modprobe, cgroup release_agent (CVE-2022-0492), disk through the write
 * layer. See escape.h for the protocol. */
#include "escape.h"

#include <dirent.h>
#include <limits.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>

/* read-secret TOKEN PATH...: no path (nor its /proc/1/root, /proc/self/root
 * spelling) yields the token. */
static int a_read_secret(int argc, char **argv)
{
	const char *token = argv[1];
	char buf[4096], p[PATH_MAX];
	int tried = 0;

	for (int i = 2; i < argc; i++) {
		const char *prefixes[] = { "", "/proc/1/root", "/proc/self/root",
					   "/proc/1/cwd/../../../../.." };
		for (size_t k = 0; k < sizeof(prefixes) / sizeof(*prefixes); k++) {
			snprintf(p, sizeof(p), "%s%s", prefixes[k], argv[i]);
			tried++;
			long n = esc_read(p, buf, sizeof(buf));
			if (n > 0 && strstr(buf, token))
				return escaped("read the host secret through %s", p);
		}
	}
	return held("%d spellings of %d host-only files, none yields the secret",
		    tried, argc - 2);
}

/* write-outside PATH...: creates each path. Inside it may work (the write
 * layer takes it); the runner checks the host side. */
static int a_write_outside(int argc, char **argv)
{
	char out[1024] = "";
	for (int i = 1; i < argc; i++) {
		int fd = open(argv[i], O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		char one[256];
		if (fd >= 0) {
			if (write(fd, "pwned\n", 6) != 6) {}
			close(fd);
			snprintf(one, sizeof(one), " %s:written-inside", argv[i]);
		} else {
			snprintf(one, sizeof(one), " %s:%s", argv[i], en(errno));
		}
		strncat(out, one, sizeof(out) - strlen(out) - 1);
	}
	return held("%s (the host side is checked by the runner)", out);
}

/* overwrite-exe SBXPATH: /proc/1/exe is the host's sbx binary (PID 1 is
 * sbx's own init); opening it for writing, directly or by reopening an
 * O_PATH descriptor through /proc/self/fd, is the runc attack. Writes to
 * SBXPATH and /proc/self/exe must stay in the write layer (runner checks
 * hashes). */
static int a_overwrite_exe(int argc, char **argv)
{
	char detail[512];
	int fd = open("/proc/1/exe", O_WRONLY | O_CLOEXEC);
	if (fd >= 0)
		return escaped("/proc/1/exe (the host's sbx) opened for writing");
	int e1 = errno;
	int pfd = open("/proc/1/exe", O_PATH | O_CLOEXEC);
	int e2 = errno;
	if (pfd >= 0) {
		char p[64];
		snprintf(p, sizeof(p), "/proc/self/fd/%d", pfd);
		fd = open(p, O_WRONLY | O_CLOEXEC);
		if (fd >= 0)
			return escaped("reopened an O_PATH fd of /proc/1/exe for writing");
		e2 = errno;
	}
	snprintf(detail, sizeof(detail), "/proc/1/exe: %s, O_PATH reopen: %s",
		 en(e1), en(e2));
	const char *others[] = { "/proc/self/exe", argv[1] };
	for (int i = 0; i < 2; i++) {
		char one[160];
		fd = open(others[i], O_WRONLY | O_CLOEXEC);
		if (fd >= 0) {
			ssize_t n = pwrite(fd, "PWNED", 5, 0);
			snprintf(one, sizeof(one), "; %s: wrote %zd bytes inside",
				 others[i], n);
			close(fd);
		} else {
			snprintf(one, sizeof(one), "; %s: %s", others[i], en(errno));
		}
		strncat(detail, one, sizeof(detail) - strlen(detail) - 1);
	}
	return held("%s", detail);
}

/* leaked-fds: only 0-2 are open, none is a directory, and walking ".."
 * from the cwd ends at the sandbox's own root. */
static int a_leaked_fds(int argc, char **argv)
{
	DIR *d = opendir("/proc/self/fd");
	struct stat st, root;
	int dfd = d ? dirfd(d) : -1;

	if (!d)
		return esc_error("opendir /proc/self/fd: %s", en(errno));
	for (struct dirent *e; (e = readdir(d));) {
		int fd = atoi(e->d_name);
		if (e->d_name[0] == '.' || fd == dfd)
			continue;
		char p[64], target[PATH_MAX] = "";
		snprintf(p, sizeof(p), "/proc/self/fd/%d", fd);
		if (readlink(p, target, sizeof(target) - 1) < 0) {}
		if (fd > 2)
			return escaped("descriptor %d leaked into the payload: %s",
				       fd, target);
		if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode))
			return escaped("descriptor %d is a directory: %s", fd, target);
	}
	closedir(d);
	if (stat("/", &root) < 0)
		return esc_error("stat /: %s", en(errno));
	int cur = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	for (int i = 0; cur >= 0 && i < 256; i++) {
		int up = openat(cur, "..", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		close(cur);
		cur = up;
	}
	if (cur < 0 || fstat(cur, &st) < 0)
		return esc_error("walking up from the cwd: %s", en(errno));
	close(cur);
	if (st.st_dev != root.st_dev || st.st_ino != root.st_ino)
		return escaped("\"..\" from the cwd leads above the sandbox root");
	char cwd[PATH_MAX];
	if (!getcwd(cwd, sizeof(cwd)))
		return escaped("getcwd: %s: the cwd is outside the root", en(errno));
	return held("fds 0-2 only, cwd %s below the sandbox root", cwd);
}

/* setuid SUIDPATH: execs a setuid-root copy of this program; the child
 * (suid-child) reports its effective ids. */
static int a_setuid(int argc, char **argv)
{
	char *args[] = { argv[1], "suid-child", NULL };
	pid_t pid = fork();
	if (pid < 0)
		return esc_error("fork: %s", en(errno));
	if (pid == 0) {
		execv(argv[1], args);
		printf("setuid: held: execv %s: %s\n", argv[1], en(errno));
		_exit(0);
	}
	int st;
	waitpid(pid, &st, 0);
	return WIFEXITED(st) ? WEXITSTATUS(st) : ESC_ERROR;
}

static int a_suid_child(int argc, char **argv)
{
	esc_attack = "setuid";
	uid_t r, e, s;
	getresuid(&r, &e, &s);
	if (e != r || s != r)
		return escaped("setuid bit honoured: ruid %u euid %u suid %u", r, e, s);
	return held("setuid bit ignored: uid %u", r);
}

/* shocker: open_by_handle_at with a forged handle of inode 2 (the root of
 * an ext4 file system) needs CAP_DAC_READ_SEARCH in the initial namespace. */
static int a_shocker(int argc, char **argv)
{
	struct {
		struct file_handle fh;
		unsigned char f[MAX_HANDLE_SZ];
	} h = { .fh.handle_bytes = MAX_HANDLE_SZ };
	int mnt_id;
	if (name_to_handle_at(AT_FDCWD, "/etc", &h.fh, &mnt_id, 0) < 0 &&
	    errno != EOPNOTSUPP && errno != EOVERFLOW)
		return held("name_to_handle_at: %s", en(errno));
	int mfd = open("/etc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int e = 0;
	for (unsigned ino = 2; ino < 64; ino++) {
		struct {
			struct file_handle fh;
			unsigned char f[8];
		} g = { .fh.handle_bytes = 8, .fh.handle_type = 1 };
		memcpy(g.f, &ino, 4);
		int fd = open_by_handle_at(mfd, &g.fh, O_RDONLY);
		if (fd >= 0)
			return escaped("open_by_handle_at opened inode %u", ino);
		e = errno;
		if (e == EPERM)
			break;
	}
	return held("open_by_handle_at: %s", en(e));
}

/* devices: host block and memory devices, kmsg, and a node made here. */
static int a_devices(int argc, char **argv)
{
	const char *paths[] = { "/dev/mem", "/dev/kmem", "/dev/port", "/dev/kmsg",
		"/dev/sda", "/dev/vda", "/dev/nvme0n1", "/dev/mapper/control",
		"/dev/fuse", "/dev/net/tun", "/dev/kvm", "/dev/vsock",
		"/dev/vhost-vsock", "/dev/console", "/dev/tty0", "/dev/tty1",
		"/dev/loop-control", "/dev/uinput", "/dev/cpu/0/msr", NULL };
	char buf[16], seen[512] = "";
	for (int i = 0; paths[i]; i++) {
		int fd = open(paths[i], O_RDWR | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
		if (fd < 0)
			fd = open(paths[i], O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
		if (fd >= 0)
			return escaped("opened %s", paths[i]);
		if (errno != ENOENT) {
			strncat(seen, " ", sizeof(seen) - strlen(seen) - 1);
			strncat(seen, paths[i], sizeof(seen) - strlen(seen) - 1);
			strncat(seen, ":", sizeof(seen) - strlen(seen) - 1);
			strncat(seen, en(errno), sizeof(seen) - strlen(seen) - 1);
		}
	}
	const char *dirs[] = { "/tmp", "/dev/shm", "/dev", NULL };
	int e = 0;
	for (int i = 0; dirs[i]; i++) {
		char p[64];
		snprintf(p, sizeof(p), "%s/esc-mem", dirs[i]);
		if (mknod(p, S_IFCHR | 0666, makedev(1, 1)) == 0) {
			int fd = open(p, O_RDONLY | O_CLOEXEC);
			if (fd >= 0 && read(fd, buf, sizeof(buf)) >= 0)
				return escaped("mknod %s (1:1 /dev/mem) and read it", p);
			e = errno;
			unlink(p);
		} else {
			e = errno;
		}
	}
	return held("no host device opened (%s); mknod: %s",
		    seen[0] ? seen + 1 : "all absent", en(e));
}

/* mount: every mount-table change needs CAP_SYS_ADMIN over the mount
 * namespace's owner, which the payload lacks. */
static int a_mount(int argc, char **argv)
{
	struct { const char *what; long r; } t[8];
	int n = 0, e;
#define TRY(w, call) do { long r_ = (call); e = errno; \
	if (r_ == 0) return escaped("%s succeeded", w); \
	t[n].what = w; t[n++].r = e; } while (0)
	TRY("mount tmpfs /tmp", mount("none", "/tmp", "tmpfs", 0, NULL));
	TRY("umount /proc/kcore mask", umount2("/proc/kcore", MNT_DETACH));
	TRY("remount / rw", mount(NULL, "/", NULL, MS_REMOUNT | MS_BIND, NULL));
	TRY("bind / on /mnt", mount("/", "/mnt", NULL, MS_BIND | MS_REC, NULL));
	TRY("pivot_root", syscall(SYS_pivot_root, "/tmp", "/tmp"));
	TRY("mount proc", mount("proc", "/tmp", "proc", 0, NULL));
	TRY("chroot", chroot("/tmp"));
#undef TRY
	char d[512] = "";
	for (int i = 0; i < n; i++) {
		char one[96];
		snprintf(one, sizeof(one), "%s%s: %s", i ? ", " : "", t[i].what,
			 en((int)t[i].r));
		strncat(d, one, sizeof(d) - strlen(d) - 1);
	}
	return held("%s", d);
}

/* proc-sys: global kernel knobs through /proc. */
static int a_proc_sys(int argc, char **argv)
{
	const char *files[] = { "/proc/sys/kernel/core_pattern",
		"/proc/sys/kernel/modprobe", "/proc/sysrq-trigger",
		"/proc/sys/kernel/hostname", "/proc/sys/vm/drop_caches",
		"/proc/sys/kernel/randomize_va_space", NULL };
	const char *vals[] = { "|/tmp/pwn %p", "/tmp/pwn", "h", "pwned", "3", "0" };
	char d[512] = "";
	for (int i = 0; files[i]; i++) {
		int fd = open(files[i], O_WRONLY | O_CLOEXEC);
		if (fd >= 0) {
			ssize_t w = write(fd, vals[i], strlen(vals[i]));
			close(fd);
			if (w > 0)
				return escaped("wrote %s", files[i]);
		}
		char one[96];
		snprintf(one, sizeof(one), "%s%s: %s", i ? ", " : "",
			 files[i] + 6, en(errno));
		strncat(d, one, sizeof(d) - strlen(d) - 1);
	}
	return held("%s", d);
}

/* release-agent: CVE-2022-0492 needs a v1 hierarchy mounted (or visible)
 * with a writable release_agent. */
static int a_release_agent(int argc, char **argv)
{
	const char *ctl[] = { "rdma", "memory", "pids", "cpu", "devices", NULL };
	mkdir("/tmp/esc-cg", 0755);
	for (int i = 0; ctl[i]; i++) {
		if (mount("cgroup", "/tmp/esc-cg", "cgroup", 0, ctl[i]) == 0) {
			int fd = open("/tmp/esc-cg/release_agent", O_WRONLY | O_CLOEXEC);
			if (fd >= 0 && write(fd, "/tmp/pwn", 8) > 0)
				return escaped("mounted cgroup v1 %s and wrote release_agent",
					       ctl[i]);
			return escaped("mounted a cgroup v1 hierarchy (%s)", ctl[i]);
		}
	}
	int me = errno;
	DIR *d = opendir("/sys/fs/cgroup");
	int seen = 0;
	for (struct dirent *e; d && (e = readdir(d));) {
		char p[PATH_MAX];
		snprintf(p, sizeof(p), "/sys/fs/cgroup/%s/release_agent", e->d_name);
		int fd = open(p, O_WRONLY | O_CLOEXEC);
		if (fd >= 0)
			return escaped("%s is writable", p);
		if (errno != ENOENT)
			seen++;
	}
	if (d)
		closedir(d);
	return held("mount cgroup: %s; %d release_agent files visible, none writable",
		    en(me), seen);
}

/* disk-bomb DIR MAX: the write layer stops writes near its size. */
static int a_disk_bomb(int argc, char **argv)
{
	unsigned long long max = strtoull(argv[2], NULL, 0), total = 0;
	static char chunk[1 << 20];
	char p[PATH_MAX];
	memset(chunk, 'x', sizeof(chunk));
	int e = 0;
	for (int f = 0; f < 32768 && !e; f++) {
		snprintf(p, sizeof(p), "%s/esc-bomb-%d", argv[1], f);
		int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
		if (fd < 0) {
			e = errno;
			break;
		}
		for (int i = 0; i < 8; i++) { /* 8 MiB files: below file_size_bytes */
			ssize_t n = write(fd, chunk, sizeof(chunk));
			if (n < 0) {
				e = errno;
				break;
			}
			total += (unsigned long long)n;
			if (total > 2 * max + (64ULL << 20))
				return escaped("wrote %llu bytes, limit %llu", total, max);
		}
		close(fd);
	}
	if (total > max + (1ULL << 20))
		return escaped("wrote %llu bytes past the %llu-byte layer", total, max);
	return held("stopped at %llu bytes (layer %llu): %s", total, max, en(e));
}

int main(int argc, char **argv)
{
	static const struct esc_attack t[] = {
		{ "read-secret", a_read_secret, 2 },
		{ "write-outside", a_write_outside, 1 },
		{ "overwrite-exe", a_overwrite_exe, 1 },
		{ "leaked-fds", a_leaked_fds, 0 },
		{ "setuid", a_setuid, 1 },
		{ "suid-child", a_suid_child, 0 },
		{ "shocker", a_shocker, 0 },
		{ "devices", a_devices, 0 },
		{ "mount", a_mount, 0 },
		{ "proc-sys", a_proc_sys, 0 },
		{ "release-agent", a_release_agent, 0 },
		{ "disk-bomb", a_disk_bomb, 2 },
		{ NULL, NULL, 0 },
	};
	return esc_main(t, argc, argv);
}

/* The kernel's floor for strict's isolation: the system calls a run of
 * `sbx --policy strict PROGRAM` needs for the same isolation, made in a
 * straight line, with none of sbx's generality, checks or reporting, so
 * that bench.sh can show what that isolation costs this kernel beside
 * `unshare` and sbx.
 *
 *   sbx-bench-floor PROGRAM [ARGS...]
 *
 * What it does, as sbx does with strict: one clone3 with every namespace
 * (the network one included, lo up), id maps (root: the sandbox's 65536
 * ids; rootless: the caller's), as root a v2 group the child is cloned
 * into and v1 memory, pids and devices groups with strict's limits
 * written while the child mounts; a 16 MiB tmpfs write layer, the root as
 * one overlay over the host's root mount alone (as root) or one overlay
 * per non-empty top-level directory (rootless), strict's hidden paths as
 * opaque directories, /dev (six nodes, devpts, links), /proc with its
 * masks and read-only parts, a read-only /sys with its masks, strict's
 * masked paths, pivot_root, hostname, rlimits, a new session, uid 1000,
 * every capability dropped, no_new_privs, and the strict seccomp program
 * sbx compiled at build time, with its listener. Then the child execs
 * PROGRAM itself, as PID 1.
 *
 * What it leaves out, so the floor is below what sbx can reach: an init
 * that reaps, measures and reports; the policy; the network helper (the
 * namespace comes with the clone); the host's mounts put back over the
 * root (none on the machine this was written on); checks of what exists;
 * error reports (a failure exits 1, naming the call); supervision.
 *
 * Exits with PROGRAM's status. Bench-only: not installed. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "filter-prebuilt.h"
#include "seccomp_filter.h"
#include "syscalls.h"

#define UID_BASE 1879048192u /* broker/userns.c's USERNS_ROOT_BASE */
#define V1 "/sys/fs/cgroup/"

static const char *const hidden[] = {
	"home", "root", "tmp", "var/tmp", "run", "mnt", "media", "srv",
	"var/lib", "var/log", "var/spool", "var/mail", "var/cache",
	"lost+found", "boot",
};
static const char *const masked[] = {
	"etc/shadow", "etc/gshadow", "etc/ssh", "etc/sudoers", "etc/sudoers.d",
};
static const char *const proc_masked[] = {
	"keys", "kallsyms", "config.gz", "acpi",
};
static const char *const proc_ro[] = {"sys", "bus", "fs", "irq"};
static const char *const sys_masked[] = {
	"firmware", "devices/virtual/powercap",
};
static const char *const devices[] = {
	"null", "zero", "full", "random", "urandom", "tty",
};
static const char *const v1_ctl[] = {"memory", "pids", "devices"};

static _Noreturn void die(const char *what)
{
	fprintf(stderr, "sbx-bench-floor: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void must(int r, const char *what)
{
	if (r < 0)
		die(what);
}

static int write_at(int dir, const char *file, const char *s)
{
	int fd = openat(dir, file, O_WRONLY | O_CLOEXEC), r;

	if (fd < 0)
		return -1;
	r = write(fd, s, strlen(s)) < 0 ? -1 : 0;
	close(fd);
	return r;
}

/* --- the broker's part ------------------------------------------------ */

struct groups {
	char name[64];
	int v2;          /* the v2 hierarchy, or -1: rootless */
	int v1[3];       /* v1_ctl's hierarchies, or -1 */
	int dir[3];      /* the run's group in each */
};

static int groups_make(struct groups *g)
{
	snprintf(g->name, sizeof(g->name), "sbx-floor-%d", getpid());
	g->v2 = -1;
	for (int i = 0; i < 3; i++)
		g->v1[i] = g->dir[i] = -1;
	if (geteuid() != 0)
		return 0;
	g->v2 = open(V1 "unified", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (g->v2 < 0)
		g->v2 = open(V1, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (g->v2 < 0 || mkdirat(g->v2, g->name, 0755) < 0) {
		g->v2 = -1;
		return -1;
	}
	return 0;
}

/* The broker's own group in v1 hierarchy ctl (from /proc/self/cgroup),
 * where sbx makes the run's group too. */
static void v1_own_path(const char *ctl, char *path, size_t size)
{
	FILE *f = fopen("/proc/self/cgroup", "re");
	char line[512];

	snprintf(path, size, V1 "%s", ctl);
	while (f && fgets(line, sizeof(line), f)) {
		char *c = strchr(line, ':'), *p = c ? strchr(c + 1, ':') : NULL;

		if (!p || (size_t)(p - c - 1) != strlen(ctl) ||
		    strncmp(c + 1, ctl, strlen(ctl)))
			continue;
		p[1 + strcspn(p + 1, "\n")] = 0;
		snprintf(path, size, V1 "%s%s", ctl, p + 1);
	}
	if (f)
		fclose(f);
}

/* While the child mounts: strict's limits, and the tasks files it joins
 * the groups through (opened here, with the broker's rights). Returns
 * how many, or -1. */
static int v1_groups(struct groups *g, int tasks[3])
{
	static const char *const allow =
		"c 1:3 rwm\nc 1:5 rwm\nc 1:7 rwm\nc 1:8 rwm\nc 1:9 rwm\n"
		"c 5:0 rwm\nc 5:2 rwm\nc 136:* rwm\n";
	int n = 0;

	for (int i = 0; i < 3; i++) {
		char path[512];

		v1_own_path(v1_ctl[i], path, sizeof(path));
		if ((g->v1[i] = open(path, O_RDONLY | O_DIRECTORY |
					     O_CLOEXEC)) < 0)
			continue;
		if (mkdirat(g->v1[i], g->name, 0755) < 0) {
			g->v1[i] = -1;
			return -1;
		}
		g->dir[i] = openat(g->v1[i], g->name, O_RDONLY | O_DIRECTORY |
				   O_CLOEXEC);
		if ((tasks[n++] = openat(g->dir[i], "tasks",
					 O_WRONLY | O_CLOEXEC)) < 0)
			return -1;
	}
	if (g->dir[0] >= 0 &&
	    (write_at(g->dir[0], "memory.limit_in_bytes", "268435456") < 0 ||
	     write_at(g->dir[0], "memory.memsw.limit_in_bytes",
		      "268435456") < 0 ||
	     write_at(g->dir[0], "memory.swappiness", "0") < 0))
		return -1;
	if (g->dir[1] >= 0 && write_at(g->dir[1], "pids.max", "16") < 0)
		return -1;
	if (g->dir[2] >= 0 && (write_at(g->dir[2], "devices.deny", "a") < 0 ||
			       write_at(g->dir[2], "devices.allow", allow) < 0))
		return -1;
	return n;
}

static void groups_remove(struct groups *g)
{
	for (int i = 0; i < 3; i++)
		if (g->v1[i] >= 0)
			unlinkat(g->v1[i], g->name, AT_REMOVEDIR);
	if (g->v2 >= 0)
		unlinkat(g->v2, g->name, AT_REMOVEDIR);
}

static int write_maps(pid_t pid)
{
	char path[64], map[64];
	uid_t uid = geteuid();
	gid_t gid = getegid();

	if (uid != 0) {
		snprintf(path, sizeof(path), "/proc/%d/setgroups", pid);
		if (write_at(AT_FDCWD, path, "deny") < 0)
			return -1;
	}
	for (int i = 0; i < 2; i++) {
		snprintf(path, sizeof(path), "/proc/%d/%s", pid,
			 i ? "gid_map" : "uid_map");
		if (uid == 0)
			snprintf(map, sizeof(map), "0 %u 65536\n", UID_BASE);
		else
			snprintf(map, sizeof(map), "1000 %u 1\n",
				 i ? (unsigned)gid : (unsigned)uid);
		if (write_at(AT_FDCWD, path, map) < 0)
			return -1;
	}
	return 0;
}

/* --- the child's part: the root --------------------------------------- */

static void bind_ro(const char *src, const char *dst, unsigned attr)
{
	struct mount_attr a = {.attr_set = MOUNT_ATTR_RDONLY | attr};

	must(mount(src, dst, NULL, MS_BIND, NULL), dst);
	must(sys_mount_setattr(AT_FDCWD, dst, 0, &a), dst);
}

/* An empty read-only node over path, where it exists. */
static void mask(const char *path)
{
	struct stat st;

	if (lstat(path, &st) < 0)
		return;
	mount(S_ISDIR(st.st_mode) ? "/empty/d" : "/empty/f", path, NULL,
	      MS_BIND, NULL);
}

static void opaque_dir(const char *upper, const char *rel, const char *lower)
{
	char u[256], l[256];
	struct stat st;

	snprintf(l, sizeof(l), "%s/%s", lower, rel);
	if (lstat(l, &st) < 0 || !S_ISDIR(st.st_mode))
		return;
	snprintf(u, sizeof(u), "%s/%s", upper, rel);
	if (mkdir(u, st.st_mode & 07777) == 0)
		setxattr(u, "user.overlay.opaque", "y", 1, 0);
}

/* Overlays mounted in a user namespace keep their metadata in user.*
 * xattrs (userxattr), where the opaque directories are marked too. */
static int overlay(const char *lower, const char *upper, const char *work,
		   const char *dst)
{
	char opts[512];

	snprintf(opts, sizeof(opts),
		 "lowerdir=%s,upperdir=%s,workdir=%s,userxattr", lower, upper,
		 work);
	return mount("overlay", dst, "overlay", MS_NOSUID | MS_NODEV, opts);
}

/* As root: one overlay over the host's root mount alone (root_fd). */
static void root_one_overlay(int root_fd)
{
	must(mkdir("/lower", 0700), "mkdir /lower");
	must(sys_move_mount(root_fd, "", AT_FDCWD, "/lower",
			    MOVE_MOUNT_F_EMPTY_PATH), "move_mount");
	mkdir("/upper/0", 0755);
	mkdir("/upper/0/var", 0755);
	mkdir("/work/0", 0700);
	for (size_t i = 0; i < sizeof(hidden) / sizeof(*hidden); i++)
		opaque_dir("/upper/0", hidden[i], "/lower");
	must(overlay("/lower", "/upper/0", "/work/0", "/newroot"), "overlay");
}

static bool hidden_top(const char *name)
{
	for (size_t i = 0; i < sizeof(hidden) / sizeof(*hidden); i++)
		if (!strcmp(hidden[i], name))
			return true;
	return false;
}

/* Rootless: the host's root has locked submounts, so each non-empty
 * top-level directory is an overlay of its own (a read-only bind where
 * overlayfs refuses it), the empty and hidden ones directories of the
 * write layer; links are made again, files bound. */
static void root_by_entry(void)
{
	DIR *d = opendir("/oldroot");
	struct dirent *e;
	int n = 0;

	must(mount("/newroot", "/newroot", NULL, MS_BIND, NULL),
	     "bind /newroot"); /* a mount point, for pivot_root */
	mkdir("/newroot/dev", 0755);
	mkdir("/newroot/proc", 0555);
	mkdir("/newroot/sys", 0555);
	while ((e = readdir(d))) {
		char src[300], dst[300], up[64], wk[64], link[256];
		struct stat st;
		ssize_t len;

		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..") ||
		    !strcmp(e->d_name, "proc") ||
		    !strcmp(e->d_name, "sys") || !strcmp(e->d_name, "dev"))
			continue;
		snprintf(src, sizeof(src), "/oldroot/%s", e->d_name);
		snprintf(dst, sizeof(dst), "/newroot/%s", e->d_name);
		if (lstat(src, &st) < 0)
			continue;
		if (S_ISLNK(st.st_mode)) {
			len = readlink(src, link, sizeof(link) - 1);
			link[len < 0 ? 0 : len] = 0;
			symlink(link, dst);
			continue;
		}
		if (!S_ISDIR(st.st_mode)) {
			close(open(dst, O_CREAT | O_WRONLY | O_CLOEXEC, 0444));
			bind_ro(src, dst, 0);
			continue;
		}
		mkdir(dst, st.st_mode & 07777);
		if (st.st_nlink <= 2 || hidden_top(e->d_name))
			continue;
		snprintf(up, sizeof(up), "/upper/%d", n);
		snprintf(wk, sizeof(wk), "/work/%d", n++);
		mkdir(up, 0755);
		mkdir(wk, 0700);
		if (!strcmp(e->d_name, "var"))
			for (size_t i = 0; i < sizeof(hidden) / sizeof(*hidden);
			     i++)
				if (!strncmp(hidden[i], "var/", 4))
					opaque_dir(up, hidden[i] + 4, src);
		if (overlay(src, up, wk, dst) < 0) {
			must(mount(src, dst, NULL, MS_BIND | MS_REC, NULL), dst);
			mount(NULL, dst, NULL, MS_REMOUNT | MS_BIND | MS_RDONLY,
			      NULL);
		}
	}
	closedir(d);
}

static void dev(void)
{
	struct mount_attr a = {.attr_set = MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV |
					   MOUNT_ATTR_NOEXEC};
	static const char *const links[][2] = {
		{"pts/ptmx", "ptmx"}, {"/proc/self/fd", "fd"},
		{"/proc/self/fd/0", "stdin"}, {"/proc/self/fd/1", "stdout"},
		{"/proc/self/fd/2", "stderr"},
	};

	must(mkdir("/devfs", 0755), "mkdir /devfs");
	must(mount("/devfs", "/newroot/dev", NULL, MS_BIND, NULL), "/dev");
	must(sys_mount_setattr(AT_FDCWD, "/newroot/dev", 0, &a),
	     "/dev");
	a.attr_set = MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC;
	for (size_t i = 0; i < sizeof(devices) / sizeof(*devices); i++) {
		char src[64], dst[64];

		snprintf(src, sizeof(src), "/oldroot/dev/%s", devices[i]);
		snprintf(dst, sizeof(dst), "/newroot/dev/%s", devices[i]);
		close(open(dst, O_CREAT | O_WRONLY | O_CLOEXEC, 0444));
		must(mount(src, dst, NULL, MS_BIND, NULL), dst);
		must(sys_mount_setattr(AT_FDCWD, dst, 0, &a), dst);
	}
	mkdir("/newroot/dev/pts", 0755);
	must(mount("devpts", "/newroot/dev/pts", "devpts", MS_NOSUID | MS_NOEXEC,
		   "newinstance,ptmxmode=0666,mode=0620"), "devpts");
	for (size_t i = 0; i < sizeof(links) / sizeof(*links); i++) {
		char dst[64];

		snprintf(dst, sizeof(dst), "/newroot/dev/%s", links[i][1]);
		symlink(links[i][0], dst);
	}
	mkdir("/newroot/dev/shm", 01777);
}

static void proc(void)
{
	char path[64];

	must(mount("proc", "/newroot/proc", "proc", MS_NOSUID | MS_NODEV |
		   MS_NOEXEC, NULL), "/proc");
	close(open("/empty/f", O_CREAT | O_WRONLY | O_CLOEXEC, 0));
	mkdir("/empty/d", 0);
	bind_ro("/empty/f", "/empty/f", MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV |
		MOUNT_ATTR_NOEXEC);
	bind_ro("/empty/d", "/empty/d", MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV |
		MOUNT_ATTR_NOEXEC);
	for (size_t i = 0; i < sizeof(proc_masked) / sizeof(*proc_masked); i++) {
		snprintf(path, sizeof(path), "/newroot/proc/%s", proc_masked[i]);
		mask(path);
	}
	for (size_t i = 0; i < sizeof(proc_ro) / sizeof(*proc_ro); i++) {
		snprintf(path, sizeof(path), "/newroot/proc/%s", proc_ro[i]);
		if (access(path, F_OK) == 0)
			bind_ro(path, path, 0);
	}
}

static void sys_and_masks(void)
{
	char path[64];

	must(mount("sysfs", "/newroot/sys", "sysfs", MS_RDONLY | MS_NOSUID |
		   MS_NODEV | MS_NOEXEC, NULL), "/sys");
	for (size_t i = 0; i < sizeof(sys_masked) / sizeof(*sys_masked); i++) {
		snprintf(path, sizeof(path), "/newroot/sys/%s", sys_masked[i]);
		mask(path);
	}
	for (size_t i = 0; i < sizeof(masked) / sizeof(*masked); i++) {
		snprintf(path, sizeof(path), "/newroot/%s", masked[i]);
		mask(path);
	}
}

static void loopback_up(void)
{
	struct ifreq ifr = {.ifr_name = "lo"};
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	must(s, "socket");
	must(ioctl(s, SIOCGIFFLAGS, &ifr), "SIOCGIFFLAGS");
	ifr.ifr_flags |= IFF_UP;
	must(ioctl(s, SIOCSIFFLAGS, &ifr), "SIOCSIFFLAGS");
	close(s);
}

static void build_root(int root_fd)
{
	must(mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL), "private");
	must(mount("sbx", "/tmp", "tmpfs", MS_NOSUID | MS_NODEV,
		   "size=16777216,mode=0755"), "write layer");
	must(chdir("/tmp"), "chdir");
	mkdir("oldroot", 0755);
	mkdir("newroot", 0755);
	mkdir("upper", 0755);
	mkdir("work", 0755);
	mkdir("empty", 0755);
	must(sys_pivot_root(".", "oldroot"), "pivot_root");
	must(chdir("/"), "chdir");
	if (root_fd >= 0)
		root_one_overlay(root_fd);
	else
		root_by_entry();
	dev();
	proc();
	sys_and_masks();
	must(umount2("/oldroot", MNT_DETACH), "umount /oldroot");
	must(chdir("/newroot"), "chdir");
	must(sys_pivot_root(".", "."), "pivot_root");
	must(umount2(".", MNT_DETACH), "umount staging");
	must(chdir("/"), "chdir");
}

/* --- the child's part: identity, limits, filter, exec ----------------- */

static void limits(void)
{
	static const struct {
		int res;
		rlim_t v;
	} rl[] = {
		{RLIMIT_CPU, 11}, {RLIMIT_FSIZE, 16777216}, {RLIMIT_NOFILE, 64},
		{RLIMIT_STACK, 8388608}, {RLIMIT_CORE, 0},
	};

	for (size_t i = 0; i < sizeof(rl) / sizeof(*rl); i++) {
		struct rlimit r = {rl[i].v, rl[i].v};

		must(setrlimit(rl[i].res, &r), "setrlimit");
	}
}

static void drop_privileges(bool root)
{
	struct __user_cap_header_struct h = {.version =
					     _LINUX_CAPABILITY_VERSION_3};
	struct __user_cap_data_struct d[2] = {{0}};

	for (int c = 0; prctl(PR_CAPBSET_READ, c) >= 0; c++)
		must(prctl(PR_CAPBSET_DROP, c), "bounding set");
	must(setresgid(1000, 1000, 1000), "setresgid");
	if (root) /* rootless, setgroups is denied */
		must(setgroups(0, NULL), "setgroups");
	must(setresuid(1000, 1000, 1000), "setresuid");
	must((int)syscall(SYS_capset, &h, d), "capset");
	must(prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), "no_new_privs");
}

/* strict's program, as sbx compiled it, patched as the payload patches
 * it (its exec is allowed with exactly these pointers), with its
 * listener. */
static void load_filter(char **argv)
{
	const struct scf_prebuilt *pb = NULL;
	struct scf_exec x = {argv[0], argv, environ};
	struct scf_prog p;
	struct sock_fprog fp;
	int fd;

	for (size_t i = 0; i < scf_prebuilt_count; i++)
		if (!strcmp(scf_prebuilt_table[i].policy, "strict"))
			pb = &scf_prebuilt_table[i];
	if (!pb || pb->extra) {
		errno = ENOENT;
		die("strict's prebuilt filter");
	}
	p = scf_prebuilt_prog(pb);
	p.main = malloc(sizeof(*p.main) * pb->n_main);
	if (!p.main)
		die("malloc");
	memcpy(p.main, pb->main, sizeof(*p.main) * pb->n_main);
	scf_patch(&p, 2, &x);
	fp.len = p.n_main;
	fp.filter = p.main;
	fd = sys_seccomp(SECCOMP_SET_MODE_FILTER,
			 p.listener ? SECCOMP_FILTER_FLAG_NEW_LISTENER : 0, &fp);
	must(fd, "seccomp");
	/* Nobody answers it here: closed, a call strict refuses fails with
	 * ENOSYS instead of waiting for an answer forever. */
	if (p.listener)
		close(fd);
}

struct child {
	int sync[2];     /* maps written, then the tasks files' fds */
	int root_fd;     /* the host's root mount alone, or -1: rootless */
	char **argv;
};

static _Noreturn void child_main(struct child *c)
{
	int tasks[3], n;

	/* The descriptor table is the broker's (CLONE_FILES): it opens the
	 * tasks files after the clone. exec gives the program its own. */
	if (read(c->sync[0], &n, 1) != 1)
		die("wait for maps");
	if (c->root_fd >= 0) { /* host uid 0, unmapped here */
		must(setresgid(0, 0, 0), "setresgid");
		must(setgroups(0, NULL), "setgroups");
		must(setresuid(0, 0, 0), "setresuid");
	}
	must(prctl(PR_SET_PDEATHSIG, SIGKILL), "pdeathsig");
	build_root(c->root_fd);
	loopback_up();
	must(sethostname("sbx", 3), "sethostname");
	if (read(c->sync[0], &n, sizeof(n)) != sizeof(n) ||
	    read(c->sync[0], tasks, sizeof(int) * (size_t)n) !=
		    (ssize_t)(sizeof(int) * (size_t)n))
		die("wait for the groups");
	for (int i = 0; i < n; i++)
		must((int)write(tasks[i], "0", 1), "join v1 group");
	limits();
	must(setsid(), "setsid");
	drop_privileges(c->root_fd >= 0);
	load_filter(c->argv);
	execve(c->argv[0], c->argv, environ);
	die(c->argv[0]);
}

/* Clones the child into g and lets it go; returns its wait status, or -1
 * with errno set (the child, if any, killed and reaped). */
static int run(struct child *c, struct groups *g)
{
	struct clone_args ca = {
		.flags = CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID |
			 CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS |
			 CLONE_NEWCGROUP | CLONE_FILES,
		.exit_signal = SIGCHLD,
	};
	int tasks[3], n = 0, status, e;
	pid_t pid;

	if (g->v2 >= 0) {
		ca.flags |= CLONE_INTO_CGROUP;
		ca.cgroup = (unsigned)openat(g->v2, g->name, O_RDONLY |
					     O_DIRECTORY | O_CLOEXEC);
	}
	if ((pid = sys_clone3(&ca)) < 0)
		return -1;
	if (pid == 0)
		child_main(c);
	if (write_maps(pid) < 0 || write(c->sync[1], "", 1) < 0 ||
	    (g->v2 >= 0 && (n = v1_groups(g, tasks)) < 0) ||
	    write(c->sync[1], &n, sizeof(n)) < 0 ||
	    write(c->sync[1], tasks, sizeof(int) * (size_t)n) < 0) {
		e = errno;
		kill(pid, SIGKILL);
		waitpid(pid, &status, 0);
		errno = e;
		return -1;
	}
	return waitpid(pid, &status, 0) < 0 ? -1 : status;
}

int main(int argc, char **argv)
{
	struct groups g;
	struct child c = {.argv = argv + 1, .root_fd = -1};
	int status;

	if (argc < 2) {
		fprintf(stderr, "usage: %s PROGRAM [ARGS...]\n", argv[0]);
		return 2;
	}
	if (geteuid() == 0) {
		struct mount_attr a = {
			.attr_set = MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID |
				    MOUNT_ATTR_NODEV,
			.propagation = MS_PRIVATE,
		};

		c.root_fd = sys_open_tree(AT_FDCWD, "/", OPEN_TREE_CLONE |
					  OPEN_TREE_CLOEXEC);
		must(c.root_fd, "open_tree");
		must(sys_mount_setattr(c.root_fd, "", AT_EMPTY_PATH, &a),
		     "mount_setattr");
	}
	must(pipe2(c.sync, O_CLOEXEC), "pipe");
	if (groups_make(&g) < 0)
		die("v2 group");
	status = run(&c, &g);
	groups_remove(&g);
	if (status < 0)
		die("run");
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

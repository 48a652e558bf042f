/* escape-proc: attacks on other processes and namespaces: signalling,
 * ptrace and process_vm_readv of a host process (and of sbx's PID 1),
 * /proc and /sys leaks, setns through /proc/<pid>/ns, nested user
 * namespaces to regain capabilities. See escape.h for the protocol. */
#include "escape.h"

#include <dirent.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/ptrace.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/wait.h>

static long num(const char *s)
{
	return strtol(s, NULL, 0);
}

/* kill HOSTPID: the host's pid is not in our pid namespace; kill(-1)
 * reaches only the sandbox. The runner checks the host process lives. */
static int a_kill(int argc, char **argv)
{
	pid_t pid = (pid_t)num(argv[1]);
	int r = kill(pid, SIGKILL), e = errno;
	int r1 = kill(1, SIGKILL), e1 = errno;
	held("kill(%d): %s, kill(1): %s, then kill(-1, SIGKILL) (runner checks the host process)",
	     pid, r ? en(e) : "sent (to a sandbox pid)", r1 ? en(e1) : "sent");
	kill(-1, SIGKILL);
	return ESC_HELD;
}

/* ptrace HOSTPID: attach to the host pid and to PID 1 (sbx's init). */
static int a_ptrace(int argc, char **argv)
{
	pid_t pids[] = { (pid_t)num(argv[1]), 1 };
	int errs[2];
	for (int i = 0; i < 2; i++) {
		if (ptrace(PTRACE_SEIZE, pids[i], 0, 0) == 0)
			return escaped("PTRACE_SEIZE %d succeeded", pids[i]);
		errs[i] = errno;
		if (ptrace(PTRACE_ATTACH, pids[i], 0, 0) == 0)
			return escaped("PTRACE_ATTACH %d succeeded", pids[i]);
	}
	return held("ptrace(%d): %s, ptrace(1): %s", pids[0], en(errs[0]),
		    en(errs[1]));
}

/* vm-readv HOSTPID ADDR: read another process's memory. */
static int a_vm_readv(int argc, char **argv)
{
	pid_t pids[] = { (pid_t)num(argv[1]), 1 };
	int errs[2];
	char buf[64];
	for (int i = 0; i < 2; i++) {
		/* Any mapped address of theirs would do; with the same static
		 * binary layout unknown, try their stack via /proc. */
		struct iovec l = { buf, sizeof(buf) };
		struct iovec r = { (void *)0x400000, sizeof(buf) };
		ssize_t n = process_vm_readv(pids[i], &l, 1, &r, 1, 0);
		if (n > 0)
			return escaped("process_vm_readv(%d) read %zd bytes", pids[i], n);
		errs[i] = errno;
		char p[64];
		snprintf(p, sizeof(p), "/proc/%d/mem", pids[i]);
		int fd = open(p, O_RDONLY | O_CLOEXEC);
		if (fd >= 0 && pread(fd, buf, sizeof(buf), 0x400000) > 0)
			return escaped("read %s", p);
		if (fd >= 0)
			close(fd);
	}
	return held("process_vm_readv(%d): %s, (1): %s", pids[0], en(errs[0]),
		    en(errs[1]));
}

/* proc-leak HALF1 HALF2: no host process visible (HALF1-HALF2 is in the
 * command line of a host process; split, as PID 1 shows sbx's argv), PID 1's environment (the caller's) unreadable,
 * kernel addresses and memory hidden. */
static int a_proc_leak(int argc, char **argv)
{
	static char buf[1 << 16];
	char marker[256];
	int npids = 0;
	snprintf(marker, sizeof(marker), "%s-%s", argv[1], argv[2]);
	DIR *d = opendir("/proc");
	if (!d)
		return esc_error("opendir /proc: %s", en(errno));
	for (struct dirent *e; (e = readdir(d));) {
		if (e->d_name[0] < '0' || e->d_name[0] > '9')
			continue;
		npids++;
		char p[PATH_MAX];
		snprintf(p, sizeof(p), "/proc/%s/cmdline", e->d_name);
		long n = esc_read(p, buf, sizeof(buf));
		for (long i = 0; i < n; i++)
			if (!buf[i])
				buf[i] = ' ';
		if (n > 0 && strstr(buf, marker))
			return escaped("host process visible as /proc/%s", e->d_name);
	}
	closedir(d);
	if (npids > 8)
		return escaped("%d processes visible in /proc", npids);
	long n = esc_read("/proc/1/environ", buf, sizeof(buf));
	if (n > 0)
		return escaped("/proc/1/environ (the caller's environment) readable: %ld bytes", n);
	int env_e = (int)-n;
	n = esc_read("/proc/kallsyms", buf, sizeof(buf));
	if (n > 0) {
		/* Zeroed addresses (kptr_restrict) are no leak. */
		for (char *l = buf; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL)
			if (strspn(l, "0") < 16 && l[strspn(l, "0123456789abcdef")] == ' ')
				return escaped("/proc/kallsyms shows kernel addresses");
	}
	const char *hidden[] = { "/proc/kcore", "/proc/timer_list",
		"/proc/sched_debug", "/proc/keys", "/proc/vmallocinfo",
		"/proc/kpagecount", "/proc/sysrq-trigger", NULL };
	for (int i = 0; hidden[i]; i++) {
		n = esc_read(hidden[i], buf, 4096);
		if (n > 0)
			return escaped("%s readable (%ld bytes)", hidden[i], n);
	}
	return held("%d pids in /proc, /proc/1/environ: %s, kallsyms/kcore/timer_list/sched_debug/keys empty or absent",
		    npids, en(env_e));
}

/* sys-leak: the fresh sysfs shows only our network namespace and hides the
 * debug, firmware and security trees; nothing in it is writable. */
static int a_sys_leak(int argc, char **argv)
{
	DIR *d = opendir("/sys/class/net");
	char names[256] = "";
	for (struct dirent *e; d && (e = readdir(d));) {
		if (e->d_name[0] == '.')
			continue;
		if (strcmp(e->d_name, "lo") != 0)
			return escaped("host interface %s visible in /sys/class/net",
				       e->d_name);
		strncat(names, e->d_name, sizeof(names) - strlen(names) - 1);
	}
	if (d)
		closedir(d);
	const char *trees[] = { "/sys/kernel/debug", "/sys/firmware",
		"/sys/kernel/security", "/sys/fs/bpf", NULL };
	for (int i = 0; trees[i]; i++) {
		DIR *t = opendir(trees[i]);
		int n = 0;
		for (struct dirent *e; t && (e = readdir(t));)
			n += e->d_name[0] != '.';
		if (t)
			closedir(t);
		if (n > 0)
			return escaped("%s lists %d entries", trees[i], n);
	}
	const char *w[] = { "/sys/kernel/mm/transparent_hugepage/enabled",
		"/sys/kernel/uevent_helper", "/sys/power/state", NULL };
	for (int i = 0; w[i]; i++) {
		int fd = open(w[i], O_WRONLY | O_CLOEXEC);
		if (fd >= 0)
			return escaped("%s opened for writing", w[i]);
	}
	return held("/sys/class/net: %s; debug, firmware, security, bpf empty; read-only",
		    names[0] ? names : "(empty)");
}

/* setns HOSTPID: the host process's namespaces through /proc. */
static int a_setns(int argc, char **argv)
{
	const char *ns[] = { "mnt", "pid", "net", "user", "uts", "ipc", "cgroup", NULL };
	int e = 0;
	for (int i = 0; ns[i]; i++) {
		char p[64];
		snprintf(p, sizeof(p), "/proc/%s/ns/%s", argv[1], ns[i]);
		int fd = open(p, O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			e = errno;
			continue;
		}
		if (setns(fd, 0) == 0)
			return escaped("setns(%s) succeeded", p);
		e = errno;
		close(fd);
	}
	return held("/proc/%s/ns/*: %s", argv[1], en(e));
}

static void write_file(const char *p, const char *s)
{
	int fd = open(p, O_WRONLY | O_CLOEXEC);
	if (fd >= 0) {
		if (write(fd, s, strlen(s)) < 0) {}
		close(fd);
	}
}

/* nested-userns: a new user namespace gives every capability over what it
 * owns, but the masks over /proc and the read-only mounts came from a more
 * privileged namespace and are locked; procfs cannot be mounted afresh. */
static int a_nested_userns(int argc, char **argv)
{
	uid_t uid = getuid();
	gid_t gid = getgid();
	if (unshare(CLONE_NEWUSER | CLONE_NEWNS) < 0)
		return held("unshare(CLONE_NEWUSER|CLONE_NEWNS): %s", en(errno));
	char m[64];
	write_file("/proc/self/setgroups", "deny");
	snprintf(m, sizeof(m), "0 %u 1", uid);
	write_file("/proc/self/uid_map", m);
	snprintf(m, sizeof(m), "0 %u 1", gid);
	write_file("/proc/self/gid_map", m);
	char buf[64];
	if (umount2("/proc/kcore", MNT_DETACH) == 0 &&
	    esc_read("/proc/kcore", buf, sizeof(buf)) > 0)
		return escaped("unmasked /proc/kcore from a nested user namespace");
	int e1 = errno;
	mkdir("/tmp/esc-proc", 0755);
	if (mount("proc", "/tmp/esc-proc", "proc", 0, NULL) == 0)
		return escaped("mounted a fresh procfs (no masks) from a nested userns");
	int e2 = errno;
	if (mount(NULL, "/usr", NULL, MS_REMOUNT | MS_BIND, NULL) == 0) {
		int fd = open("/usr/esc-pwned", O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
		if (fd >= 0)
			return escaped("remounted /usr read-write and created a file");
	}
	int e3 = errno;
	return held("userns created; umount kcore mask: %s, mount proc: %s, remount /usr rw: %s",
		    en(e1), en(e2), en(e3));
}

/* sysv-ipc KEY: the host made a shared memory segment, a message queue and
 * a semaphore set with KEY; the IPC namespace must hide them. */
static int a_sysv_ipc(int argc, char **argv)
{
	key_t key = (key_t)strtol(argv[1], NULL, 0);
	int shm = shmget(key, 0, 0), e1 = errno;
	if (shm >= 0)
		return escaped("the host's shared memory segment (key %#x) is visible", key);
	int msq = msgget(key, 0), e2 = errno;
	if (msq >= 0)
		return escaped("the host's message queue (key %#x) is visible", key);
	int sem = semget(key, 0, 0), e3 = errno;
	if (sem >= 0)
		return escaped("the host's semaphore set (key %#x) is visible", key);
	return held("key %#x: shmget %s, msgget %s, semget %s", key, en(e1),
		    en(e2), en(e3));
}

int main(int argc, char **argv)
{
	static const struct esc_attack t[] = {
		{ "kill", a_kill, 1 },
		{ "ptrace", a_ptrace, 1 },
		{ "vm-readv", a_vm_readv, 1 },
		{ "proc-leak", a_proc_leak, 2 },
		{ "sys-leak", a_sys_leak, 0 },
		{ "setns", a_setns, 1 },
		{ "nested-userns", a_nested_userns, 0 },
		{ "sysv-ipc", a_sysv_ipc, 1 },
		{ NULL, NULL, 0 },
	};
	return esc_main(t, argc, argv);
}

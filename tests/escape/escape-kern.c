/* escape-kern: kernel attack surface the filters must close: the x32 and
 * i386 entry points, io_uring, userfaultfd, bpf, perf_event_open, keyctl
 * and the caller's session keyring, TIOCSTI/TIOCLINUX, hostname and clock
 * changes, a seccomp filter of one's own. See escape.h for the protocol. */
#include "escape.h"

#include <linux/bpf.h>
#include <linux/keyctl.h>
#include <linux/filter.h>
#include <linux/perf_event.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <termios.h>
#include <sys/time.h>
#include <time.h>

#ifndef __X32_SYSCALL_BIT
#define __X32_SYSCALL_BIT 0x40000000
#endif

/* x32: getpid through the x32 ABI. The filter kills every foreign ABI, so
 * reaching the call at all is the failure. */
static int a_x32(int argc, char **argv)
{
	long r = syscall(__X32_SYSCALL_BIT | SYS_getpid);
	if (r > 0)
		return escaped("x32 getpid returned %ld: foreign ABI reachable", r);
	return held("x32 getpid: %s", en(errno));
}

/* i386: getpid (20) through int $0x80. */
static int a_i386(int argc, char **argv)
{
	long r = 20;
	__asm__ volatile("int $0x80" : "+a"(r) : : "memory", "rcx", "r11");
	if (r > 0)
		return escaped("int 0x80 getpid returned %ld: i386 ABI reachable", r);
	return held("int 0x80 getpid: %s", en((int)-r));
}

#define FD_CALL(name, expr) do { long r_ = (expr); \
	if (r_ >= 0) return escaped(name " returned %ld", r_); \
	return held(name ": %s", en(errno)); } while (0)

static int a_io_uring(int argc, char **argv)
{
	char params[120] = { 0 };
	FD_CALL("io_uring_setup", syscall(SYS_io_uring_setup, 8, params));
}

static int a_userfaultfd(int argc, char **argv)
{
	FD_CALL("userfaultfd", syscall(SYS_userfaultfd, O_CLOEXEC));
}

static int a_bpf(int argc, char **argv)
{
	union bpf_attr a;
	memset(&a, 0, sizeof(a));
	a.map_type = BPF_MAP_TYPE_ARRAY;
	a.key_size = 4;
	a.value_size = 8;
	a.max_entries = 1;
	FD_CALL("bpf(BPF_MAP_CREATE)", syscall(SYS_bpf, BPF_MAP_CREATE, &a, sizeof(a)));
}

static int a_perf(int argc, char **argv)
{
	struct perf_event_attr a;
	memset(&a, 0, sizeof(a));
	a.type = PERF_TYPE_SOFTWARE;
	a.size = sizeof(a);
	a.config = PERF_COUNT_SW_CPU_CLOCK;
	a.exclude_kernel = 1;
	FD_CALL("perf_event_open", syscall(SYS_perf_event_open, &a, 0, -1, -1, 0));
}

/* keyring DESC: the caller planted a "user" key DESC in its session
 * keyring; the sandbox must not find it (nor add keys there). */
static int a_keyring(int argc, char **argv)
{
	long id = syscall(SYS_keyctl, KEYCTL_SEARCH, KEY_SPEC_SESSION_KEYRING,
			  "user", argv[1], 0);
	if (id >= 0) {
		char buf[128] = "";
		long n = syscall(SYS_keyctl, KEYCTL_READ, id, buf, sizeof(buf) - 1);
		return escaped("found the caller's key %s (id %ld, %ld bytes readable)",
			       argv[1], id, n);
	}
	int e = errno;
	long add = syscall(SYS_add_key, "user", "sbx-escape-added", "x", 1,
			   KEY_SPEC_SESSION_KEYRING);
	if (add >= 0)
		return held("key not found (%s); added one to a keyring of our own (runner checks the caller's)",
			    en(e));
	return held("keyctl search: %s, add_key: %s", en(e), en(errno));
}

/* tiocsti: push input into the terminal the caller reads from, on 0-2 and
 * /dev/tty; TIOCLINUX likewise. The runner gives the sandbox a real pty and
 * checks its input queue afterwards. */
static int a_tiocsti(int argc, char **argv)
{
	char d[256] = "";
	int fds[4] = { 0, 1, 2, open("/dev/tty", O_RDWR | O_CLOEXEC | O_NOCTTY) };
	int tty_e = errno;
	for (int i = 0; i < 4; i++) {
		if (fds[i] < 0)
			continue;
		const char *s = "id # sbx-escape-injected\n";
		int injected = 0;
		for (const char *c = s; *c; c++)
			if (ioctl(fds[i], TIOCSTI, c) == 0)
				injected++;
		char sub[2] = { 6, 0 }; /* TIOCL_GETSHIFTSTATE-like probe */
		int lr = ioctl(fds[i], TIOCLINUX, sub);
		char one[64];
		snprintf(one, sizeof(one), " fd%d:sti=%d/%s,linux=%s", i, injected,
			 injected ? "ok" : en(errno), lr == 0 ? "ok" : en(errno));
		strncat(d, one, sizeof(d) - strlen(d) - 1);
		if (injected)
			return escaped("TIOCSTI injected %d bytes through fd %d", injected, i);
	}
	return held("%s /dev/tty:%s", d, fds[3] < 0 ? en(tty_e) : "opened");
}

/* hostname NAME: the UTS namespace is ours; even so the payload lacks
 * CAP_SYS_ADMIN. The runner checks the host's hostname. */
static int a_hostname(int argc, char **argv)
{
	if (sethostname(argv[1], strlen(argv[1])) == 0)
		return held("sethostname worked inside (private UTS namespace; runner checks the host)");
	int e = errno;
	if (setdomainname(argv[1], strlen(argv[1])) == 0)
		return held("setdomainname worked inside (runner checks the host)");
	return held("sethostname: %s, setdomainname: %s", en(e), en(errno));
}

/* settime: the clocks are global (a time namespace offsets only monotonic
 * and boottime); changing CLOCK_REALTIME needs CAP_SYS_TIME on the host. */
static int a_settime(int argc, char **argv)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += 3600 * 24 * 365;
	if (clock_settime(CLOCK_REALTIME, &ts) == 0) {
		ts.tv_sec -= 3600 * 24 * 365;
		clock_settime(CLOCK_REALTIME, &ts);
		return escaped("clock_settime(CLOCK_REALTIME) succeeded");
	}
	int e = errno;
	struct timeval tv = { ts.tv_sec, 0 };
	if (settimeofday(&tv, NULL) == 0)
		return escaped("settimeofday succeeded");
	return held("clock_settime: %s, settimeofday: %s", en(e), en(errno));
}

/* seccomp-loosen: a filter of one's own that allows everything (the build
 * policy lets a program add filters) must not loosen the sandbox's: the
 * kernel keeps the most severe answer of all. unshare(CLONE_NEWUSER) must
 * still be refused after it. Where seccomp() itself is refused, the
 * sandbox's filter stopped the attack. */
static int a_seccomp_loosen(int argc, char **argv)
{
	struct sock_filter allow = BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	struct sock_fprog prog = { 1, &allow };

	if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) < 0)
		return held("seccomp(SECCOMP_SET_MODE_FILTER): %s", en(errno));
	if (unshare(CLONE_NEWUSER) == 0)
		return escaped("unshare(CLONE_NEWUSER) after an allow-all filter "
			       "of our own");
	return held("allow-all filter added; unshare: %s", en(errno));
}

int main(int argc, char **argv)
{
	static const struct esc_attack t[] = {
		{ "x32", a_x32, 0 },
		{ "i386", a_i386, 0 },
		{ "io-uring", a_io_uring, 0 },
		{ "userfaultfd", a_userfaultfd, 0 },
		{ "bpf", a_bpf, 0 },
		{ "perf", a_perf, 0 },
		{ "keyring", a_keyring, 1 },
		{ "tiocsti", a_tiocsti, 0 },
		{ "hostname", a_hostname, 1 },
		{ "settime", a_settime, 0 },
		{ "seccomp-loosen", a_seccomp_loosen, 0 },
		{ NULL, NULL, 0 },
	};
	return esc_main(t, argc, argv);
}

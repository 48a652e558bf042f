/* sbx-probe: entry point, shared helpers, and the verbs about the process
 * itself (identity, capabilities, descriptors, signals, children). */
#include "probe.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

static int vsay(int code, const char *verb, const char *tag, const char *fmt,
		va_list ap)
{
	printf("%s: %s", verb, tag);
	vprintf(fmt, ap);
	putchar('\n');
	fflush(stdout);
	return code;
}

int probe_held(const char *verb, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int r = vsay(PROBE_HELD, verb, "held: ", fmt, ap);
	va_end(ap);
	return r;
}

int probe_escape(const char *verb, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int r = vsay(PROBE_ESCAPE, verb, "ESCAPE: ", fmt, ap);
	va_end(ap);
	return r;
}

int probe_say(int code, const char *verb, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int r = vsay(code, verb, "", fmt, ap);
	va_end(ap);
	return r;
}

int probe_num(const char *s, long long *out)
{
	char *end;

	errno = 0;
	*out = strtoll(s, &end, 0);
	return errno || end == s || *end ? -1 : 0;
}

const char *probe_errname(int e)
{
	const char *n = strerrorname_np(e);
	return n ? n : "E?";
}

long probe_read_file(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	size_t used = 0;

	if (fd < 0)
		return -errno;
	while (used + 1 < size) {
		ssize_t n = read(fd, buf + used, size - 1 - used);
		if (n < 0) {
			int e = errno;
			close(fd);
			return -e;
		}
		if (n == 0)
			break;
		used += (size_t)n;
	}
	buf[used] = '\0';
	close(fd);
	return (long)used;
}

/* The value of "Key:" in /proc/self/status, or NULL. */
static const char *status_field(const char *status, const char *key,
				char *out, size_t size)
{
	size_t n = strlen(key);

	for (const char *l = status; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
		if (strncmp(l, key, n) == 0 && l[n] == ':') {
			const char *v = l + n + 1;
			v += strspn(v, " \t");
			size_t len = strcspn(v, "\n");
			snprintf(out, size, "%.*s", (int)len, v);
			return out;
		}
	}
	return NULL;
}

static int verb_caps(int argc, char **argv)
{
	static const char *const keys[] = {"CapInh", "CapPrm", "CapEff",
					   "CapBnd", "CapAmb"};
	char status[8192], v[64], bad[256] = "";
	long n = probe_read_file("/proc/self/status", status, sizeof(status));

	(void)argc;
	if (n < 0)
		return probe_say(PROBE_FAILED, argv[0], "read /proc/self/status: %s",
				 probe_errname((int)-n));
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		if (!status_field(status, keys[i], v, sizeof(v)) ||
		    strtoull(v, NULL, 16) != 0)
			snprintf(bad + strlen(bad), sizeof(bad) - strlen(bad),
				 " %s=%s", keys[i], v);
	}
	if (!status_field(status, "NoNewPrivs", v, sizeof(v)) || strcmp(v, "1"))
		snprintf(bad + strlen(bad), sizeof(bad) - strlen(bad),
			 " NoNewPrivs=%s", v);
	if (prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) != 1)
		snprintf(bad + strlen(bad), sizeof(bad) - strlen(bad),
			 " PR_GET_NO_NEW_PRIVS!=1");
	if (*bad)
		return probe_escape(argv[0], "%s", bad + 1);
	return probe_held(argv[0], "all capability sets empty, NoNewPrivs 1");
}

static int verb_ids(int argc, char **argv)
{
	long long uid, gid;
	uid_t ru, eu, su;
	gid_t rg, eg, sg, groups[64];
	int ng;

	(void)argc;
	if (probe_num(argv[1], &uid) < 0 || probe_num(argv[2], &gid) < 0)
		return PROBE_USAGE;
	getresuid(&ru, &eu, &su);
	getresgid(&rg, &eg, &sg);
	ng = getgroups(64, groups);
	for (int i = 0; i < ng; i++)
		if (groups[i] != (gid_t)gid)
			return probe_escape(argv[0], "supplementary group %u",
					    (unsigned)groups[i]);
	if (ru != uid || eu != uid || su != uid || rg != gid || eg != gid ||
	    sg != gid)
		return probe_escape(argv[0], "uids %u/%u/%u gids %u/%u/%u, "
				    "expected %lld/%lld", ru, eu, su, rg, eg, sg,
				    uid, gid);
	return probe_held(argv[0], "uid %u gid %u, %d groups", ru, rg, ng);
}

static int verb_fds(int argc, char **argv)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *de;
	char leaked[512] = "";

	(void)argc;
	if (!d)
		return probe_say(PROBE_FAILED, argv[0], "opendir: %s",
				 probe_errname(errno));
	while ((de = readdir(d))) {
		char path[64], target[256];
		int fd = atoi(de->d_name);
		if (de->d_name[0] == '.' || fd <= 2 || fd == dirfd(d))
			continue;
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
		ssize_t n = readlink(path, target, sizeof(target) - 1);
		target[n < 0 ? 0 : n] = '\0';
		snprintf(leaked + strlen(leaked), sizeof(leaked) - strlen(leaked),
			 " %d->%s", fd, target);
	}
	closedir(d);
	if (*leaked)
		return probe_escape(argv[0], "open descriptors above 2:%s", leaked);
	return probe_held(argv[0], "no descriptor above 2");
}

/* The setuid part: exec PATH (a setuid copy of this probe) with the
 * "report-ids" verb and relay its verdict. */
static int verb_setuid_exec(int argc, char **argv)
{
	int fds[2];
	char buf[512] = "";
	int st;

	(void)argc;
	if (pipe2(fds, O_CLOEXEC) < 0)
		return PROBE_FAILED;
	pid_t pid = fork();
	if (pid == 0) {
		dup2(fds[1], 1);
		execl(argv[1], argv[1], "report-ids", (char *)NULL);
		printf("report-ids: exec-failed %s\n", probe_errname(errno));
		fflush(stdout);
		_exit(PROBE_FAILED);
	}
	close(fds[1]);
	ssize_t n = read(fds[0], buf, sizeof(buf) - 1);
	buf[n < 0 ? 0 : n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	waitpid(pid, &st, 0);
	if (!WIFEXITED(st) || WEXITSTATUS(st) == PROBE_FAILED)
		return probe_say(PROBE_FAILED, argv[0], "%s: %s (status %#x)",
				 argv[1], buf, st);
	if (WEXITSTATUS(st) == PROBE_ESCAPE)
		return probe_escape(argv[0], "%s gained privileges: %s", argv[1],
				    buf);
	return probe_held(argv[0], "%s gained nothing: %s", argv[1], buf);
}

/* Run by a setuid copy: escape when the exec changed anything. */
static int verb_report_ids(int argc, char **argv)
{
	uid_t ru, eu, su;
	gid_t rg, eg, sg;
	char status[8192], eff[64] = "?", prm[64] = "?";

	(void)argc;
	getresuid(&ru, &eu, &su);
	getresgid(&rg, &eg, &sg);
	if (probe_read_file("/proc/self/status", status, sizeof(status)) > 0) {
		status_field(status, "CapEff", eff, sizeof(eff));
		status_field(status, "CapPrm", prm, sizeof(prm));
	}
	int gained = eu != ru || su != ru || eg != rg || sg != rg ||
		     strtoull(eff, NULL, 16) || strtoull(prm, NULL, 16);
	return probe_say(gained ? PROBE_ESCAPE : PROBE_HELD, argv[0],
			 "uid %u/%u/%u gid %u/%u/%u CapEff %s CapPrm %s", ru, eu,
			 su, rg, eg, sg, eff, prm);
}

/* Pushes TEXT and a newline into fd's input queue with TIOCSTI; returns 0
 * when every byte went in, else the errno of the first refusal. */
static int push_input(int fd, const char *text)
{
	for (const char *p = text;; p++) {
		char c = *p ? *p : '\n';
		if (ioctl(fd, TIOCSTI, &c) < 0)
			return errno;
		if (!*p)
			return 0;
	}
}

static void tty_name(int fd, char *out, size_t size)
{
	struct stat st;

	if (fstat(fd, &st) < 0)
		snprintf(out, size, "?");
	else
		snprintf(out, size, "%u:%u", major(st.st_rdev), minor(st.st_rdev));
}

/* The controlling terminal (tty_nr of /proc/self/stat) as major:minor. */
static void ctty_name(char *out, size_t size)
{
	char stat[1024];
	unsigned long nr;
	const char *p;

	snprintf(out, size, "?");
	if (probe_read_file("/proc/self/stat", stat, sizeof(stat)) <= 0 ||
	    !(p = strrchr(stat, ')')) ||
	    sscanf(p + 1, " %*c %*d %*d %*d %lu", &nr) != 1)
		return;
	snprintf(out, size, "%lu:%lu", (nr >> 8) & 0xfff,
		 (nr & 0xff) | ((nr >> 12) & 0xfff00));
}

/* tiocsti [TEXT]: fake terminal input (TEXT and a newline, default "#")
 * with TIOCSTI into fd 0 and into /dev/tty. Held when both are refused and
 * there is no controlling terminal. Otherwise ESCAPE, naming the terminal
 * (major:minor) the input went to: when sbx gives the payload a terminal of
 * its own (stdin and stdout are terminals), that is its private
 * pseudo-terminal, and only the caller can tell whether the text reached
 * its terminal (tests/integration/test_identity.sh reads it back). */
static int verb_tiocsti(int argc, char **argv)
{
	const char *text = argc > 1 ? argv[1] : "#";
	char name0[32], namet[32] = "-", what[256] = "";
	int fd, e0, et = 0, tty_errno = 0;

	if (!isatty(0))
		return probe_say(PROBE_FAILED, argv[0], "fd 0 is not a terminal");
	tty_name(0, name0, sizeof(name0));
	e0 = push_input(0, text);
	fd = open("/dev/tty", O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		tty_errno = errno;
	} else {
		ctty_name(namet, sizeof(namet));
		et = push_input(fd, text);
		close(fd);
	}
	if (!e0)
		snprintf(what, sizeof(what), "TIOCSTI on fd 0 (tty %s) pushed "
			 "input; ", name0);
	if (fd >= 0)
		snprintf(what + strlen(what), sizeof(what) - strlen(what),
			 "/dev/tty (tty %s) opened, TIOCSTI there: %s", namet,
			 et ? probe_errname(et) : "pushed input");
	if (*what)
		return probe_escape(argv[0], "%s", what);
	return probe_held(argv[0], "TIOCSTI: %s, /dev/tty: %s",
			  probe_errname(e0), probe_errname(tty_errno));
}

static int verb_sleep(int argc, char **argv)
{
	long long s;

	(void)argc;
	if (probe_num(argv[1], &s) < 0 || s < 0)
		return PROBE_USAGE;
	sleep((unsigned)s);
	return probe_say(0, argv[0], "slept %lld s", s);
}

static int verb_exit(int argc, char **argv)
{
	long long c;

	(void)argc;
	if (probe_num(argv[1], &c) < 0)
		return PROBE_USAGE;
	fflush(stdout);
	_exit((int)c);
}

static int verb_kill_self(int argc, char **argv)
{
	long long s;

	(void)argc;
	if (probe_num(argv[1], &s) < 0)
		return PROBE_USAGE;
	signal((int)s, SIG_DFL);
	kill(getpid(), (int)s);
	pause();
	return probe_say(PROBE_FAILED, argv[0], "still alive");
}

static volatile sig_atomic_t trapped;

static void on_trap(int sig)
{
	trapped = sig;
}

/* trap SIG CODE SECONDS: says "ready", exits CODE when SIG arrives, or
 * PROBE_FAILED after SECONDS without it. */
static int verb_trap(int argc, char **argv)
{
	long long sig, code, secs;
	struct sigaction sa = {.sa_handler = on_trap};

	(void)argc;
	if (probe_num(argv[1], &sig) < 0 || probe_num(argv[2], &code) < 0 ||
	    probe_num(argv[3], &secs) < 0)
		return PROBE_USAGE;
	sigaction((int)sig, &sa, NULL);
	probe_say(0, argv[0], "ready");
	for (long long i = 0; i < secs * 10 && !trapped; i++)
		usleep(100000);
	if (!trapped)
		return probe_say(PROBE_FAILED, argv[0], "no signal %lld", sig);
	probe_say(0, argv[0], "got signal %d", (int)trapped);
	return (int)code;
}

/* A grandchild that outlives us and sleeps forever in its own session. */
static int verb_orphan(int argc, char **argv)
{
	int st;

	(void)argc;
	pid_t pid = fork();
	if (pid == 0) {
		setsid();
		if (fork() == 0) {
			signal(SIGHUP, SIG_IGN);
			signal(SIGTERM, SIG_IGN);
			for (;;)
				pause();
		}
		_exit(0);
	}
	waitpid(pid, &st, 0);
	return probe_say(0, argv[0], "left an orphan behind");
}

/* The pid namespace: we are a small pid under init, and /proc shows only a
 * handful of processes, none of them HOSTPID when given. */
static int verb_pidns(int argc, char **argv)
{
	DIR *d = opendir("/proc");
	struct dirent *de;
	int count = 0;
	long long host = -1;
	char path[64];

	if (argc > 1 && probe_num(argv[1], &host) < 0)
		return PROBE_USAGE;
	if (!d)
		return probe_say(PROBE_FAILED, argv[0], "opendir /proc: %s",
				 probe_errname(errno));
	while ((de = readdir(d)))
		if (de->d_name[0] >= '0' && de->d_name[0] <= '9')
			count++;
	closedir(d);
	if (getpid() > 64 || getppid() != 1 || count > 16)
		return probe_escape(argv[0], "pid %d ppid %d, %d processes in "
				    "/proc", getpid(), getppid(), count);
	snprintf(path, sizeof(path), "/proc/%lld", host);
	if (host > 0 && access(path, F_OK) == 0)
		return probe_escape(argv[0], "host pid %lld visible in /proc",
				    host);
	return probe_held(argv[0], "pid %d ppid %d, %d processes in /proc",
			  getpid(), getppid(), count);
}

/* signal PID: is the pid reachable at all (kill 0)? */
static int verb_signal(int argc, char **argv)
{
	long long pid;

	(void)argc;
	if (probe_num(argv[1], &pid) < 0 || pid <= 1)
		return PROBE_USAGE;
	if (kill((pid_t)pid, 0) == 0)
		return probe_escape(argv[0], "pid %lld exists and is signalable",
				    pid);
	return probe_held(argv[0], "kill(%lld, 0): %s", pid,
			  probe_errname(errno));
}

/* kill PID: SIGKILL it, its process group, then everything we can. */
static int verb_kill(int argc, char **argv)
{
	long long pid;
	int e1, e2;

	(void)argc;
	if (probe_num(argv[1], &pid) < 0 || pid <= 1 || pid == getpid())
		return PROBE_USAGE;
	if (kill((pid_t)pid, SIGKILL) == 0)
		return probe_escape(argv[0], "SIGKILL delivered to pid %lld", pid);
	e1 = errno;
	if (kill(-(pid_t)pid, SIGKILL) == 0)
		return probe_escape(argv[0], "SIGKILL delivered to group %lld",
				    pid);
	e2 = errno;
	/* Everything we may signal, which is nothing outside. */
	signal(SIGTERM, SIG_IGN);
	kill(-1, SIGTERM);
	return probe_held(argv[0], "kill(%lld): %s, kill(-%lld): %s", pid,
			  probe_errname(e1), pid, probe_errname(e2));
}

static int verb_ptrace(int argc, char **argv)
{
	long long pid;

	(void)argc;
	if (probe_num(argv[1], &pid) < 0 || pid < 1)
		return PROBE_USAGE;
	if (ptrace(PTRACE_ATTACH, (pid_t)pid, NULL, NULL) == 0) {
		ptrace(PTRACE_DETACH, (pid_t)pid, NULL, NULL);
		return probe_escape(argv[0], "attached to pid %lld", pid);
	}
	int e = errno;
	if (ptrace(PTRACE_SEIZE, (pid_t)pid, NULL, NULL) == 0) {
		ptrace(PTRACE_DETACH, (pid_t)pid, NULL, NULL);
		return probe_escape(argv[0], "seized pid %lld", pid);
	}
	return probe_held(argv[0], "PTRACE_ATTACH %lld: %s, SEIZE: %s", pid,
			  probe_errname(e), probe_errname(errno));
}

static const struct probe_verb proc_verbs[] = {
	{"caps", 0, 0, "", verb_caps},
	{"ids", 2, 2, "UID GID", verb_ids},
	{"fds", 0, 0, "", verb_fds},
	{"setuid-exec", 1, 1, "PATH", verb_setuid_exec},
	{"report-ids", 0, 0, "", verb_report_ids},
	{"tiocsti", 0, 1, "[TEXT]", verb_tiocsti},
	{"sleep", 1, 1, "SECONDS", verb_sleep},
	{"exit", 1, 1, "CODE", verb_exit},
	{"kill-self", 1, 1, "SIGNUM", verb_kill_self},
	{"trap", 3, 3, "SIGNUM CODE SECONDS", verb_trap},
	{"orphan", 0, 0, "", verb_orphan},
	{"pidns", 0, 1, "[HOSTPID]", verb_pidns},
	{"signal", 1, 1, "PID", verb_signal},
	{"kill", 1, 1, "PID", verb_kill},
	{"ptrace", 1, 1, "PID", verb_ptrace},
	{NULL, 0, 0, NULL, NULL},
};

static const struct probe_verb *const tables[] = {
	proc_verbs, probe_fs_verbs, probe_ns_verbs,
};

static void usage(FILE *f)
{
	fputs("usage: sbx-probe VERB [ARGS]\n", f);
	for (size_t t = 0; t < sizeof(tables) / sizeof(tables[0]); t++)
		for (const struct probe_verb *v = tables[t]; v->name; v++)
			fprintf(f, "  %s %s\n", v->name, v->usage);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return PROBE_USAGE;
	}
	/* As a setuid copy, do nothing with the privileges but report. */
	if ((getuid() != geteuid() || getgid() != getegid()) &&
	    strcmp(argv[1], "report-ids")) {
		fprintf(stderr, "sbx-probe: setuid: only report-ids\n");
		return PROBE_USAGE;
	}
	for (size_t t = 0; t < sizeof(tables) / sizeof(tables[0]); t++)
		for (const struct probe_verb *v = tables[t]; v->name; v++) {
			if (strcmp(v->name, argv[1]))
				continue;
			if (argc - 2 < v->min_args || argc - 2 > v->max_args) {
				fprintf(stderr, "usage: sbx-probe %s %s\n",
					v->name, v->usage);
				return PROBE_USAGE;
			}
			return v->fn(argc - 1, argv + 1);
		}
	fprintf(stderr, "sbx-probe: unknown verb %s\n", argv[1]);
	usage(stderr);
	return PROBE_USAGE;
}

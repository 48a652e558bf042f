/* PID 1 of the sandbox (after setup). The payload is never PID 1: a program
 * that does not reap its children, or ignores signals the way PID 1 may,
 * must not be able to leave zombies or shrug off SIGTERM. */
#include "init.h"

#include <errno.h>
#include <string.h>
#include <stdio.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "channel.h"
#include "cleanup.h"
#include "payload.h"
#include "proc-stat.h"

static uint64_t tv_usec(struct timeval tv)
{
	return (uint64_t)tv.tv_sec * 1000000 + (uint64_t)tv.tv_usec;
}

static uint64_t self_cpu_usec(void)
{
	struct rusage ru;

	if (getrusage(RUSAGE_SELF, &ru) < 0)
		return 0;
	return tv_usec(ru.ru_utime) + tv_usec(ru.ru_stime);
}

static void fill_usage(Sbx__ExitReport *r)
{
	struct rusage ru;

	r->has_init_cpu_usec = 1;
	r->init_cpu_usec = self_cpu_usec();

	if (getrusage(RUSAGE_CHILDREN, &ru) < 0)
		return;
	r->has_user_usec = r->has_sys_usec = r->has_maxrss_kib = 1;
	r->user_usec = tv_usec(ru.ru_utime);
	r->sys_usec = tv_usec(ru.ru_stime);
	r->maxrss_kib = (uint64_t)ru.ru_maxrss;
	r->has_minflt = r->has_majflt = r->has_nvcsw = r->has_nivcsw = 1;
	r->minflt = (uint64_t)ru.ru_minflt;
	r->majflt = (uint64_t)ru.ru_majflt;
	r->nvcsw = (uint64_t)ru.ru_nvcsw;
	r->nivcsw = (uint64_t)ru.ru_nivcsw;
}

/* PID 1 is a copy of the broker, so /proc/1/cmdline, which anyone in the
 * sandbox may read, would show the caller's whole sbx command line (policy
 * paths, --env values). Overwrite that memory: it is ours, a copy, and the
 * payload, whose argv may point into it, has exec'd by now. */
static void hide_cmdline(void)
{
	uint64_t arg[2]; /* fields 48 and 49: arg_start, arg_end */

	if (proc_stat_fields(0, 48, arg, 2) < 0 || arg[1] <= arg[0])
		return;
	memset((void *)(uintptr_t)arg[0], 0, arg[1] - arg[0]);
	snprintf((char *)(uintptr_t)arg[0], arg[1] - arg[0], "sbx-init");
}

/* Reaps whatever has exited; returns true once the payload has. */
static bool reap(pid_t payload, int *status)
{
	bool done = false;
	int st;
	pid_t p;

	while ((p = waitpid(-1, &st, WNOHANG)) > 0)
		if (p == payload) {
			*status = st;
			done = true;
		}
	return done;
}

/* Our children now, as the kernel lists them: every descendant is one
 * once its parent died, since we are a subreaper. */
static size_t read_children(pid_t *out, size_t max)
{
	char path[64], buf[4096];
	size_t n = 0;
	ssize_t len;
	int fd;

	snprintf(path, sizeof(path), "/proc/self/task/%d/children", (int)getpid());
	fd = open(path, O_RDONLY | O_CLOEXEC);
	len = fd >= 0 ? read(fd, buf, sizeof(buf) - 1) : -1;
	if (fd >= 0)
		close(fd);
	if (len <= 0)
		return 0;
	buf[len] = '\0';
	/* each pid ends in a space: a number cut short by a full buffer
	 * would be another process's pid */
	for (char *p = buf, *end; n < max; p = end) {
		long v = strtol(p, &end, 10);
		if (end == p || *end != ' ')
			break;
		out[n++] = (pid_t)v;
	}
	return n;
}

/* Without a PID namespace of our own, kill(-1) would reach every process
 * the caller may signal on the host. Kill our children instead, reaping
 * one at a time: a dying child's own children become ours (subreaper) and
 * are killed on the next round, until none is left. */
static void kill_descendants(void)
{
	pid_t kids[256];

	for (;;) {
		size_t n = read_children(kids, ARRAY_SIZE(kids));
		for (size_t i = 0; i < n; i++)
			kill(kids[i], SIGKILL);
		if (waitpid(-1, NULL, 0) < 0 && errno == ECHILD)
			return;
	}
}

/* The payload is gone: so must everything it left behind, and it must be
 * reaped so its CPU time is counted in RUSAGE_CHILDREN. As the init of a
 * PID namespace, kill(-1) reaches exactly the namespace's processes. */
static void kill_and_reap_rest(void)
{
	if (getpid() != 1) {
		kill_descendants();
		return;
	}
	kill(-1, SIGKILL);
	while (waitpid(-1, NULL, 0) > 0 || errno == EINTR)
		;
}

struct payload_args {
	const struct sandbox_config *cfg;
	const struct cgroup_join *join;
};

static int payload_main(void *arg)
{
	const struct payload_args *a = arg;

	payload_exec(a->cfg, a->join);
}

#ifdef __SANITIZE_ADDRESS__
/* AddressSanitizer cannot follow a clone onto a stack of our own (it warns
 * of false reports at the payload's noreturn calls): the sanitized build
 * forks. */
static pid_t start_payload(struct payload_args *a)
{
	pid_t pid = fork();

	if (pid == 0)
		payload_main(a);
	return pid;
}
#else
/* The payload runs on this stack until its exec. */
static char payload_stack[256 * 1024] __attribute__((aligned(16)));

/* As posix_spawn() does: the payload shares our memory until its exec, and
 * we sleep until then, so no page tables are copied for it only to be
 * thrown away by its exec. Its ids, capabilities, filter, descriptors,
 * limits and signal mask are still its own: only CLONE_VM is shared. The
 * code it runs until the exec is ours; nothing it does touches memory we
 * use after it, and a failure ends it with _exit(), which wakes us. */
static pid_t start_payload(struct payload_args *a)
{
	return clone(payload_main, payload_stack + sizeof(payload_stack),
		     CLONE_VM | CLONE_VFORK | SIGCHLD, a);
}
#endif

static void forward(pid_t payload, bool group, int sig)
{
	if (group && kill(-payload, sig) == 0)
		return;
	kill(payload, sig);
}

/* Whether CHAN_STOP_SIGNAL is the broker's stop request: it comes from
 * outside our PID namespace (sender pid 0 here, as getppid() is) or,
 * without one, from our parent. From a process of the sandbox it is
 * ignored. */
static bool from_broker(const siginfo_t *si)
{
	return si->si_code == SI_USER && si->si_pid == getppid();
}

/* Kills the payload, and as the init of a PID namespace everything else at
 * once; the loop then reaps the payload, and kill_and_reap_rest() what is
 * left (without a PID namespace, the payload's descendants). */
static void stop(pid_t payload)
{
	kill(getpid() == 1 ? -1 : payload, SIGKILL);
}

void init_run(const struct sandbox_config *cfg, const struct cgroup_join *join,
	      const uint32_t setup_usec[TIME_MAX_])
{
	struct payload_args args = {cfg, join};
	Sbx__ExitReport report = SBX__EXIT_REPORT__INIT;
	bool group = cfg->policy->process->new_session;
	sigset_t set;
	int status = 0;
	pid_t payload;

	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGQUIT);
	sigaddset(&set, CHAN_STOP_SIGNAL);
	sigprocmask(SIG_BLOCK, &set, NULL);
	/* without a PID namespace, orphans must still come to us */
	if (getpid() != 1 && prctl(PR_SET_CHILD_SUBREAPER, 1) < 0) {
		chan_send_error(cfg->chan_fd, STEP_FORK, errno,
				"PR_SET_CHILD_SUBREAPER");
		_exit(125);
	}

	payload = start_payload(&args);
	if (payload < 0) {
		chan_send_error(cfg->chan_fd, STEP_FORK, errno, "clone");
		_exit(125);
	}
	for (int i = 0; i < join->n; i++)
		close(join->fd[i]);
	hide_cmdline();
	chan_send_started(cfg->chan_fd, self_cpu_usec(), setup_usec, TIME_MAX_);

	for (;;) {
		siginfo_t si;
		if (sigwaitinfo(&set, &si) < 0)
			continue;
		if (si.si_signo == CHAN_STOP_SIGNAL) {
			if (from_broker(&si))
				stop(payload);
			continue;
		}
		if (si.si_signo != SIGCHLD) {
			if (cfg->policy->process->forward_signals)
				forward(payload, group, si.si_signo);
			continue;
		}
		if (reap(payload, &status))
			break;
	}
	kill_and_reap_rest();
	report.has_wait_status = 1;
	report.wait_status = status;
	fill_usage(&report);
	chan_send_exit(cfg->chan_fd, &report);
	_exit(0);
}

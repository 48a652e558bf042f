/* PID 1 of the sandbox (after setup). The payload is never PID 1: a program
 * that does not reap its children, or ignores signals the way PID 1 may,
 * must not be able to leave zombies or shrug off SIGTERM. */
#include "init.h"

#include <errno.h>
#include <string.h>
#include <stdio.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "channel.h"
#include "payload.h"

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
 * paths, --env values). Overwrite that memory: it is ours, a copy, and
 * the payload, which execs from it, has its own since the fork. */
static void hide_cmdline(void)
{
	char buf[1024];
	unsigned long start = 0, end = 0;
	int fd = open("/proc/self/stat", O_RDONLY | O_CLOEXEC);
	ssize_t n = fd >= 0 ? read(fd, buf, sizeof(buf) - 1) : -1;
	char *p;

	if (fd >= 0)
		close(fd);
	if (n <= 0)
		return;
	buf[n] = '\0';
	/* fields 48 and 49 (arg_start, arg_end) count from the one after
	 * the command name, which may hold spaces */
	p = strrchr(buf, ')');
	for (int field = 2; p && field < 48; field++)
		p = strchr(p + 1, ' ');
	if (!p || sscanf(p + 1, "%lu %lu", &start, &end) != 2 || end <= start)
		return;
	memset((void *)start, 0, end - start);
	snprintf((char *)start, end - start, "sbx-init");
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

/* The payload is gone: so must everything it left behind, and it must be
 * reaped so its CPU time is counted in RUSAGE_CHILDREN. */
static void kill_and_reap_rest(void)
{
	kill(-1, SIGKILL);
	while (waitpid(-1, NULL, 0) > 0 || errno == EINTR)
		;
}

static void forward(pid_t payload, bool group, int sig)
{
	if (group && kill(-payload, sig) == 0)
		return;
	kill(payload, sig);
}

void init_run(const struct sandbox_config *cfg,
	      const uint32_t setup_usec[TIME_MAX_])
{
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
	sigprocmask(SIG_BLOCK, &set, NULL);

	payload = fork();
	if (payload < 0) {
		chan_send_error(cfg->chan_fd, STEP_FORK, errno, "fork");
		_exit(125);
	}
	if (payload == 0)
		payload_exec(cfg);
	hide_cmdline();
	chan_send_started(cfg->chan_fd, self_cpu_usec(), setup_usec, TIME_MAX_);

	for (;;) {
		siginfo_t si;
		if (sigwaitinfo(&set, &si) < 0)
			continue;
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

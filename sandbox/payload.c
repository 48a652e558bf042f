/* The payload process between its clone and its exec, in PID 1's memory
 * (init.c start_payload()). */
#include "payload.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <unistd.h>

#include "caps.h"
#include "channel.h"
#include "fds.h"
#include "seccomp_filter.h"

static int set_rlimit(int resource, bool has, uint64_t value)
{
	struct rlimit rl = {.rlim_cur = value, .rlim_max = value};

	if (!has)
		return 0;
	return setrlimit(resource, &rl) < 0 ? -errno : 0;
}

/* RLIMIT_CPU counts per process, in whole seconds: SIGXCPU at the soft
 * limit, SIGKILL a second later. The broker enforces the limit over every
 * process together (from the cgroup, or sampled from /proc without one);
 * this is only a backstop, a second later so that the broker acts first. */
static int set_cpu_backstop(const Sbx__Limits *l)
{
	uint64_t ms = l->cpu_time_ms + (l->has_extra_time_ms ? l->extra_time_ms : 0);
	struct rlimit rl = {.rlim_cur = (ms + 999) / 1000 + 1};

	if (!l->has_cpu_time_ms)
		return 0;
	rl.rlim_max = rl.rlim_cur + 1;
	return setrlimit(RLIMIT_CPU, &rl) < 0 ? -errno : 0;
}

static int set_rlimits(const Sbx__Limits *l, bool cgroup_limits,
		       struct setup_error *e)
{
	const struct {
		int res;
		bool has;
		uint64_t value;
		const char *name;
	} lim[] = {
		{RLIMIT_FSIZE, l->has_file_size_bytes, l->file_size_bytes, "FSIZE"},
		{RLIMIT_NOFILE, l->has_open_files, l->open_files, "NOFILE"},
		{RLIMIT_STACK, l->has_stack_bytes, l->stack_bytes, "STACK"},
		{RLIMIT_CORE, l->has_core_bytes, l->core_bytes, "CORE"},
		/* Without a cgroup, RLIMIT_NPROC stands in for the process
		 * limit: Linux 5.14+ counts it per user namespace, so only
		 * this sandbox's processes (PID 1 among them when rootless).
		 * Memory has no such stand-in: RLIMIT_DATA and RLIMIT_AS also
		 * count reserved thread stacks, so a threaded program would
		 * fail long before using its memory. */
		{RLIMIT_NPROC, !cgroup_limits && l->has_processes,
		 l->processes + 1, "NPROC"},
	};
	int r;

	for (size_t i = 0; i < sizeof(lim) / sizeof(lim[0]); i++) {
		r = set_rlimit(lim[i].res, lim[i].has, lim[i].value);
		if (r < 0)
			return setup_fail(e, STEP_RLIMITS, -r, "RLIMIT_%s %llu",
					  lim[i].name,
					  (unsigned long long)lim[i].value);
	}
	if ((r = set_cpu_backstop(l)) < 0)
		return setup_fail(e, STEP_RLIMITS, -r, "RLIMIT_CPU");
	return 0;
}

/* SIGKILL when the broker goes; if it is already gone, its end of the
 * channel is closed and we stop here. */
static int die_with_parent(int chan_fd)
{
	struct pollfd p = {.fd = chan_fd, .events = POLLIN};

	if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0)
		return -errno;
	if (poll(&p, 1, 0) > 0 && (p.revents & (POLLHUP | POLLERR)))
		_exit(125);
	return 0;
}

/* Writing "0" to a v1 group's tasks file moves the writer itself, the one
 * move the kernel makes without waiting for an RCU grace period
 * (milliseconds here). First, so that all the payload does is counted. */
static int join_groups(const struct cgroup_join *join, struct setup_error *e)
{
	for (int i = 0; i < join->n; i++)
		if (write(join->fd[i], "0", 1) != 1)
			return setup_fail(e, STEP_CGROUP, errno,
					  "move into group %d of %d", i + 1,
					  join->n);
	return 0;
}

static int prepare(const struct sandbox_config *cfg,
		   const struct cgroup_join *join, struct setup_error *e)
{
	const Sbx__Policy *p = cfg->policy;
	sigset_t all;
	int r;

	if ((r = join_groups(join, e)) < 0)
		return r;
	sigfillset(&all);
	sigprocmask(SIG_UNBLOCK, &all, NULL);
	/* A new session has no controlling terminal: TIOCSTI into the
	 * caller's terminal is refused. */
	if ((p->process->new_session || cfg->tty) && setsid() < 0)
		return setup_fail(e, STEP_SESSION, errno, "setsid");
	/* The broker's pseudo-terminal (never the caller's terminal) becomes
	 * ours: job control and Ctrl-C through its line discipline. */
	if (cfg->tty && ioctl(0, TIOCSCTTY, 0) < 0)
		return setup_fail(e, STEP_SESSION, errno, "TIOCSCTTY");
	if ((r = set_rlimits(p->limits, cfg->cgroup_limits, e)) < 0)
		return r;
	if (chdir(p->filesystem->workdir) < 0)
		return setup_fail(e, STEP_CHDIR, errno, "chdir %s",
				  p->filesystem->workdir);
	r = caps_drop_and_switch(p->capabilities, p->n_capabilities,
				 p->identity->uid, p->identity->gid,
				 cfg->host_root, e);
	if (r < 0)
		return r;
	/* After the switch of ids, which would clear it. */
	if (cfg->die_with_parent && (r = die_with_parent(cfg->chan_fd)) < 0)
		return setup_fail(e, STEP_SESSION, -r, "PR_SET_PDEATHSIG");
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return setup_fail(e, STEP_NNP, errno, "PR_SET_NO_NEW_PRIVS");
	/* Everything but 0-2 and the channel is already closed; the channel
	 * must close on exec but stay for reporting a failed exec. Before the
	 * filter: close_range need not be allowed. */
	if ((r = fds_cloexec_from(3)) < 0)
		return setup_fail(e, STEP_EXEC, -r, "close_range");
	/* The filter last: from here on only sendmsg/sendto on the channel,
	 * this exact execve and exit_group are sure to pass. */
	if (p->seccomp->enabled && !cfg->seccomp)
		return setup_fail(e, STEP_SECCOMP, EINVAL, "no compiled filter");
	if (cfg->seccomp) {
		struct scf_exec x = {cfg->exec_path, cfg->argv, cfg->envp};
		if ((r = scf_load(cfg->seccomp, cfg->chan_fd, &x, e)) < 0)
			return r;
	}
	return 0;
}

void payload_exec(const struct sandbox_config *cfg,
		  const struct cgroup_join *join)
{
	struct setup_error e = {0};

	if (prepare(cfg, join, &e) == 0) {
		execve(cfg->exec_path, cfg->argv, cfg->envp);
		setup_fail(&e, STEP_EXEC, errno, "execve %s", cfg->exec_path);
	}
	chan_send_error(cfg->chan_fd, e.step, e.errnum, e.detail);
	_exit(125);
}

/* sbx_enter: a command inside a running sandbox (broker).
 *
 * Three processes. We (the broker of this command) fork a helper; the
 * helper joins the sandbox's groups and namespaces and clones the command
 * with CLONE_PARENT, so the command is our child yet in the sandbox's pid
 * namespace (setns moves only a process's future children there). The
 * command then takes the payload's own path (sandbox/payload.c): new
 * session, rlimits, working directory, capabilities and ids,
 * no_new_privs, the policy's seccomp filter, exec. Helper and command are
 * not dumpable from before the join until the exec, so nothing in the
 * sandbox can ptrace them or open their /proc files while they hold
 * privileges there (runc's CVE-2016-9962). */
#include <errno.h>
#include <fcntl.h>
#include <linux/nsfs.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cgroup-file.h"
#include "channel.h"
#include "cleanup.h"
#include "env.h"
#include "fds.h"
#include "launch.h"
#include "payload.h"
#include "registry.h"
#include "result.h"
#include "sbx.h"
#include "seccomp_filter.h"
#include "signals.h"
#include "supervise.h"
#include "syscalls.h"

extern char **environ;

/* What the helper and the command need, prepared before the fork. */
struct entry {
	const Sbx__RunRecord *rec;
	int pidfd;        /* the sandbox's payload */
	int pid_w;        /* the helper writes the command's pid here */
	struct sandbox_config cfg; /* for payload_exec; exec_path and
				    * seccomp are filled in by the command */
};

static __attribute__((noreturn)) void fail(int chan, unsigned step, int errnum,
					   const char *detail)
{
	chan_send_error(chan, step, errnum, detail);
	_exit(125);
}

/* Where the command's name leads inside, through the policy's PATH. */
static int resolve(const char *name, char *const *envp, char *out,
		   size_t size)
{
	const char *path = env_get(envp, "PATH");

	if (strchr(name, '/')) {
		snprintf(out, size, "%s", name);
		return 0;
	}
	for (const char *p = path ? path : "/usr/local/bin:/usr/bin:/bin"; *p;) {
		size_t n = strcspn(p, ":");
		if (n > 0 && (size_t)snprintf(out, size, "%.*s/%s", (int)n, p,
					      name) < size &&
		    access(out, X_OK) == 0)
			return 0;
		p += n + (p[n] == ':');
	}
	return -ENOENT;
}

/* In the sandbox, before anything of the sandbox's runs in us. */
static __attribute__((noreturn)) void command(struct entry *x)
{
	struct sandbox_config *cfg = &x->cfg;
	struct scf_prog filter = {0};
	struct sbx_error err = {0};
	char path[4096];
	int r;

	for (int i = 0; i < 3; i++)
		if (cfg->stdio[i] >= 0 && dup2(cfg->stdio[i], i) < 0)
			fail(cfg->chan_fd, STEP_JOIN, errno, "dup2 stdio");
	fds_close_except(3, &cfg->chan_fd, 1);
	if (resolve(cfg->argv[0], cfg->envp, path, sizeof(path)) < 0)
		fail(cfg->chan_fd, STEP_EXEC, ENOENT, cfg->argv[0]);
	cfg->exec_path = path;
	if (cfg->policy->seccomp->enabled) {
		if ((r = scf_compile(cfg->policy->seccomp, scf_user_notif(),
				     &filter, &err)) < 0)
			fail(cfg->chan_fd, STEP_SECCOMP, -r, err.msg);
		(void)scf_merge(&filter);
		cfg->seccomp = &filter;
	}
	/* the groups are joined already (join_cgroups()) */
	payload_exec(cfg, &(const struct cgroup_join){.n = 0});
}

/* The sandbox's groups, so its limits and accounting cover the command. */
static void join_cgroups(const Sbx__RunRecord *rec, int chan)
{
	for (size_t i = 0; i < rec->n_cgroup_dirs; i++) {
		const char *dir = rec->cgroup_dirs[i];
		_cleanup_close_ int fd = open(dir, O_RDONLY | O_DIRECTORY |
							   O_CLOEXEC);
		int r = fd < 0 ? -errno
			       : cgf_write_u64(fd, "cgroup.procs",
					       (uint64_t)getpid());
		if (r < 0)
			fail(chan, STEP_JOIN, -r, dir);
	}
}

static __attribute__((noreturn)) void helper(struct entry *x)
{
	int chan = x->cfg.chan_fd;
	struct clone_args args = {.flags = CLONE_PARENT};
	pid_t pid;

	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
		fail(chan, STEP_JOIN, errno, "PR_SET_DUMPABLE");
	join_cgroups(x->rec, chan);
	/* The user namespace first (the kernel orders them), which gives us
	 * the rights to join the others it owns. */
	if (setns(x->pidfd, (int)x->cfg.ns_flags) < 0)
		fail(chan, STEP_JOIN, errno, "setns");
	pid = sys_clone3(&args);
	if (pid < 0)
		fail(chan, STEP_JOIN, errno, "clone3");
	if (pid == 0)
		command(x);
	if (write(x->pid_w, &pid, sizeof(pid)) != sizeof(pid))
		fail(chan, STEP_JOIN, errno, "report the command's pid");
	_exit(0);
}

/* Only the sandbox's owner may join it (the kernel agrees: joining a user
 * namespace needs its capabilities, which only its owner holds outside). */
static int check_owner(const Sbx__RunRecord *rec, struct sbx_error *err)
{
	char path[64];
	uid_t owner;
	_cleanup_close_ int fd = -1;

	snprintf(path, sizeof(path), "/proc/%d/ns/user", (int)rec->pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	/* Rootless, PID 1 is not dumpable, so its /proc files are closed to
	 * us: then only the kernel's check at setns stands, which suffices. */
	if (fd < 0 && errno == EACCES)
		return 0;
	if (fd < 0 || ioctl(fd, NS_GET_OWNER_UID, &owner) < 0)
		return sbx_err_errno(err, -errno, "sandbox %s: %s", rec->id, path);
	if (owner != geteuid())
		return sbx_err(err, -EPERM, "sandbox %s belongs to uid %u",
			       rec->id, (unsigned)owner);
	return 0;
}

/* The namespaces to join are the payload's, not PID 1's: setns through a
 * pidfd needs ptrace access to the process, and PID 1, a copy of the
 * broker made in the caller's user namespace and not dumpable, grants it
 * only to a root caller, while the payload, exec'd inside, grants it to
 * the namespace's owner. Its time namespace is the sandbox's, too. The
 * payload is PID 1's first child and lives as long as the sandbox. */
static int open_payload(const Sbx__RunRecord *rec, int *ret,
			struct sbx_error *err)
{
	char path[64], buf[64];
	_cleanup_close_ int fd = -1;
	uint64_t ticks = 0;
	ssize_t n;
	int pid = 0, pidfd;

	snprintf(path, sizeof(path), "/proc/%d/task/%d/children",
		 (int)rec->pid, (int)rec->pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	n = fd >= 0 ? read(fd, buf, sizeof(buf) - 1) : -1;
	if (n > 0) {
		buf[n] = '\0';
		pid = atoi(buf);
	}
	if (pid <= 0)
		return sbx_err(err, -ESRCH, "sandbox %s: no payload in %s",
			       rec->id, path);
	pidfd = sys_pidfd_open(pid, 0);
	if (pidfd < 0)
		return sbx_err_errno(err, -errno, "sandbox %s: pidfd_open %d",
				     rec->id, pid);
	/* still PID 1's child, PID 1 still the recorded process: pidfd is
	 * the payload */
	if (registry_parent(pid) != rec->pid ||
	    registry_start_ticks(rec->pid, &ticks) < 0 ||
	    ticks != rec->start_ticks) {
		close(pidfd);
		return sbx_err(err, -ESRCH, "sandbox %s has just ended",
			       rec->id);
	}
	*ret = pidfd;
	return 0;
}

/* A call the policy sends to the broker for a SYS verdict: nobody answers
 * an entered command's notifications, so such calls kill it instead. */
static void notify_to_kill(Sbx__Seccomp *sc)
{
	if (sc->default_action == SBX__SECCOMP__ACTION__NOTIFY)
		sc->default_action = SBX__SECCOMP__ACTION__KILL;
	for (size_t i = 0; i < sc->n_rules; i++)
		if (sc->rules[i]->action == SBX__SECCOMP__ACTION__NOTIFY)
			sc->rules[i]->action = SBX__SECCOMP__ACTION__KILL;
}

/* Forks the helper and learns the command's pid; the helper is reaped. */
static int start(struct entry *x, struct launch *l, struct sbx_error *err)
{
	int sv[2], p[2], st;
	pid_t helper_pid, cmd = -1;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return sbx_err_errno(err, -errno, "socketpair");
	if (pipe2(p, O_CLOEXEC) < 0) {
		int r = -errno;
		close(sv[0]);
		close(sv[1]);
		return sbx_err_errno(err, r, "pipe2");
	}
	l->chan = sv[0];
	x->cfg.chan_fd = sv[1];
	x->pid_w = p[1];
	helper_pid = fork();
	if (helper_pid == 0) {
		close(sv[0]);
		close(p[0]);
		helper(x);
	}
	close(sv[1]);
	close(p[1]);
	if (helper_pid > 0) {
		if (read(p[0], &cmd, sizeof(cmd)) != sizeof(cmd))
			cmd = -1;
		while (waitpid(helper_pid, &st, 0) < 0 && errno == EINTR)
			;
	}
	close(p[0]);
	if (helper_pid < 0)
		return sbx_err_errno(err, -errno, "fork");
	l->pid = cmd;
	l->pidfd = cmd > 0 ? sys_pidfd_open(cmd, 0) : -1;
	return 0;
}

/* The helper ended without starting the command: it said why. */
static int helper_error(int chan, struct supervision *s,
			struct sbx_error *err)
{
	struct chan_msg m;
	int t;

	while ((t = chan_recv(chan, &m)) > 0)
		if (t == CHAN_SETUP_ERROR) {
			s->got_error = true;
			s->error = m.error;
			return 0;
		}
	return sbx_err(err, -EPROTO, "joining the sandbox failed without a "
		       "report");
}

static void pty_finishp(struct pty *p)
{
	pty_finish(p);
}

/* Runs the command and watches it like a sandbox's PID 1. */
static int run(struct entry *x, struct supervision *s, struct sbx_error *err)
{
	_cleanup_(pty_finishp) struct pty pty = PTY_INIT;
	struct output out = OUTPUT_INIT;
	struct watch w = {.out = &out};
	struct launch l = LAUNCH_INIT;
	sigset_t old;
	int sigfd, r;

	if ((r = pty_open(&pty, false, false, err)) < 0)
		return r;
	if (pty.active) {
		x->cfg.stdio[0] = x->cfg.stdio[1] = x->cfg.stdio[2] = pty.slave;
		x->cfg.tty = true;
		w.pty = &pty;
	}
	if ((sigfd = signals_block(&old)) < 0)
		return sbx_err_errno(err, sigfd, "signalfd");
	r = start(x, &l, err);
	pty_started(&pty);
	memset(s, 0, sizeof(*s));
	if (r == 0 && l.pidfd >= 0)
		r = supervise(&l, sigfd, &w, s, err);
	else if (r == 0)
		r = helper_error(l.chan, s, err);
	launch_cleanup(&l);
	close(sigfd);
	signals_restore(&old);
	return r;
}

int sbx_enter(const struct sbx_enter_opts *opts, int *ret_status,
	      struct sbx_error *err)
{
	static char *const shell[] = {"/bin/sh", NULL};
	_cleanup_close_ int pidfd = -1, payload = -1;
	Sbx__RunRecord *rec = NULL;
	struct supervision s;
	struct sbx_result res = {.exit_code = SBX_EXIT_FAILURE};
	struct entry x = {0};
	int r;

	*ret_status = SBX_EXIT_FAILURE;
	if ((r = registry_open(opts->id, &rec, &pidfd, err)) < 0)
		return r;
	if ((r = check_owner(rec, err)) < 0)
		goto out;
	if (!rec->policy || !rec->policy->seccomp || !rec->policy->namespaces) {
		r = sbx_err(err, -EINVAL, "sandbox %s: its record has no policy",
			    rec->id);
		goto out;
	}
	notify_to_kill(rec->policy->seccomp);
	if ((r = open_payload(rec, &payload, err)) < 0)
		goto out;
	x.rec = rec;
	x.pidfd = payload;
	x.cfg = (struct sandbox_config){
		.policy = rec->policy,
		.argv = opts->argv && opts->argv[0] ? opts->argv : shell,
		.envp = env_build(rec->policy->environment, environ),
		.host_root = rec->host_root,
		.cgroup_limits = rec->n_cgroup_dirs > 0,
		.ns_flags = launch_ns_flags(rec->policy),
		.stdio = {-1, -1, -1},
		.sync_fd = -1,
		.workdir_fd = -1,
		.root_fd = -1,
		.die_with_parent = true,
	};
	if (!x.cfg.envp) {
		r = sbx_err(err, -ENOMEM, "building the environment");
		goto out;
	}
	r = run(&x, &s, err);
	if (r == 0 && s.got_error) {
		r = result_setup_error(&s.error, &res, err);
		*ret_status = res.exit_code;
		if (s.error.step == STEP_EXEC && s.error.errnum == ENOENT)
			sbx_err_hint(err, "the command is looked up inside "
				     "the sandbox, in its policy's PATH");
	} else if (r == 0) {
		*ret_status = WIFSIGNALED(s.init_status)
				      ? 128 + WTERMSIG(s.init_status)
				      : WEXITSTATUS(s.init_status);
	}
	env_free((char **)x.cfg.envp);
out:
	registry_record_free(rec);
	return r;
}

/* The clone (broker). All namespaces are created by a single clone3 with
 * CLONE_NEWUSER among the flags: the kernel creates the user namespace
 * first and makes it the owner of the others, so the child is PID 1 of the
 * new pid namespace without an intermediate process. The network namespace
 * is the exception: a helper makes it while PID 1 mounts (netns.h). */
#include "launch.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cleanup.h"
#include "pasta.h"
#include "syscalls.h"
#include "userns.h"

unsigned long launch_ns_flags(const Sbx__Policy *p)
{
	const Sbx__Namespaces *ns = p->namespaces;
	unsigned long f = CLONE_NEWUSER;

	if (ns->pid)
		f |= CLONE_NEWPID;
	if (ns->mount)
		f |= CLONE_NEWNS;
	if (ns->net && p->network->mode != SBX__NETWORK__MODE__HOST)
		f |= CLONE_NEWNET;
	if (ns->ipc)
		f |= CLONE_NEWIPC;
	if (ns->uts)
		f |= CLONE_NEWUTS;
	if (ns->cgroup)
		f |= CLONE_NEWCGROUP;
	return f;
}

static void clone_hint(struct sbx_error *err, int e)
{
	if (e == EPERM || e == ENOSPC || e == EUSERS || e == EACCES)
		sbx_err_hint(err,
			     "user namespaces look disabled: check sysctl "
			     "user.max_user_namespaces (> 0), "
			     "kernel.unprivileged_userns_clone (= 1, Debian "
			     "kernels) and kernel.apparmor_restrict_"
			     "unprivileged_userns (= 0, Ubuntu); `sbx doctor` "
			     "checks them all");
}

/* clone3, straight into the v2 group where there is one (Linux 5.7+), so
 * not a single instruction of the sandbox runs outside it. */
static int do_clone(struct sandbox_config *cfg, struct cgroup *cg,
		    struct launch *l, bool *ret_into_cg, struct sbx_error *err)
{
	int pidfd = -1, cgfd = cg_clone_fd(cg);
	struct clone_args args = {
		.flags = (cfg->ns_flags | CLONE_PIDFD) &
			 ~(cfg->netns_fd >= 0 ? CLONE_NEWNET : 0ul),
		.pidfd = (uint64_t)(uintptr_t)&pidfd,
		.exit_signal = SIGCHLD,
	};
	pid_t pid = -1;

	if (cgfd >= 0) {
		args.flags |= CLONE_INTO_CGROUP;
		args.cgroup = (uint64_t)cgfd;
		pid = sys_clone3(&args);
		*ret_into_cg = pid >= 0;
		args.flags &= ~(uint64_t)CLONE_INTO_CGROUP;
	}
	if (pid < 0)
		pid = sys_clone3(&args);
	if (pid < 0) {
		int e = errno;
		sbx_err_errno(err, -e, "clone3 into new namespaces");
		clone_hint(err, e);
		return -e;
	}
	if (pid == 0)
		sandbox_main(cfg);
	l->pid = pid;
	l->pidfd = pidfd;
	return 0;
}

/* The channel, the sync pipe and, when the helper makes the network
 * namespace, its socket: our ends into ret, the sandbox's into cfg. */
static int open_channels(struct sandbox_config *cfg, struct launch *ret,
			 struct sbx_error *err)
{
	int sv[2], sync[2];

	cfg->chan_fd = cfg->sync_fd = cfg->netns_fd = -1;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return sbx_err_errno(err, -errno, "socketpair");
	ret->chan = sv[0];
	cfg->chan_fd = sv[1];
	if (pipe2(sync, O_CLOEXEC) < 0)
		return sbx_err_errno(err, -errno, "pipe2");
	ret->sync_w = sync[1];
	cfg->sync_fd = sync[0];
	if (netns_deferred(cfg->policy, cfg->ns_flags))
		return netns_prepare(&ret->netns, &cfg->netns_fd, err);
	return 0;
}

/* The sandbox has its copies now (or never will). */
static void close_sandbox_ends(struct sandbox_config *cfg)
{
	close_and_reset(&cfg->chan_fd);
	close_and_reset(&cfg->sync_fd);
	close_and_reset(&cfg->netns_fd);
}

int launch_sandbox(struct sandbox_config *cfg, struct cgroup *cg,
		   struct launch *ret, struct sbx_error *err)
{
	bool into_cg = false, helper;
	int r = open_channels(cfg, ret, err);

	helper = cfg->netns_fd >= 0;
	if (r == 0)
		r = do_clone(cfg, cg, ret, &into_cg, err);
	close_sandbox_ends(cfg);
	if (r < 0)
		goto fail;
	r = cg_attach(cg, ret->pid, into_cg, err);
	if (r < 0)
		goto fail;
	r = userns_write_maps(ret->pid, cfg->policy->identity, cfg->host_root,
			      err);
	if (r < 0) {
		sbx_err_prefix(err, "user namespace id maps");
		goto fail;
	}
	if ((cfg->ns_flags & CLONE_NEWNET) &&
	    cfg->policy->network->mode == SBX__NETWORK__MODE__USER &&
	    (r = ret->pasta = pasta_start(ret->pid, err)) < 0)
		goto fail;
	/* The helper runs after the release (run.c), but PID 1's user
	 * namespace can only be opened before: PID 1 then makes itself
	 * undumpable. */
	if (helper && (r = netns_open_userns(&ret->netns, ret->pid, err)) < 0)
		goto fail;
	if (write(ret->sync_w, "", 1) != 1) {
		r = sbx_err_errno(err, -errno, "release the sandbox");
		goto fail;
	}
	return 0;
fail:
	launch_cleanup(ret);
	return r;
}

void launch_cleanup(struct launch *l)
{
	if (l->pidfd >= 0) {
		siginfo_t si;
		sys_pidfd_send_signal(l->pidfd, SIGKILL);
		while (waitid(P_PIDFD, l->pidfd, &si, WEXITED) < 0 &&
		       errno == EINTR)
			;
	}
	pasta_stop(l->pasta);
	l->pasta = -1;
	netns_cleanup(&l->netns);
	close_and_reset(&l->pidfd);
	close_and_reset(&l->chan);
	close_and_reset(&l->sync_w);
	l->pid = -1;
}

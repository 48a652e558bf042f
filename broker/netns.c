/* The sandbox's network namespace, made by a helper beside PID 1's setup
 * (broker). See netns.h for why. */
#include "netns.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "channel.h"
#include "cleanup.h"
#include "fds.h"
#include "net.h"
#include "setup.h"

bool netns_deferred(const Sbx__Policy *p, unsigned long ns_flags)
{
	return (ns_flags & CLONE_NEWNET) &&
	       p->network->mode != SBX__NETWORK__MODE__USER;
}

int netns_prepare(struct netns_helper *h, int *child_sock,
		  struct sbx_error *err)
{
	int sv[2];

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return sbx_err_errno(err, -errno, "socketpair for the network "
				     "namespace");
	h->sock = sv[0];
	*child_sock = sv[1];
	return 0;
}

int netns_open_userns(struct netns_helper *h, pid_t pid1,
		      struct sbx_error *err)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/ns/user", (int)pid1);
	h->userns = open(path, O_RDONLY | O_CLOEXEC);
	if (h->userns < 0)
		return sbx_err_errno(err, -errno, "open %s", path);
	return 0;
}

__attribute__((noreturn)) static void helper_fail(int sock, int e,
						  const char *what)
{
	chan_send_error(sock, STEP_NETWORK, e, what);
	_exit(1);
}

/* The helper: a copy of the broker, so it drops what it holds of the
 * broker's first (its copies of the payload's output pipes would delay
 * their end of file), and becomes undumpable before it joins the sandbox's
 * user namespace, where the sandbox's root holds every capability. */
__attribute__((noreturn)) static void helper_main(int sock, int userns,
						  bool loopback)
{
	int keep[] = {sock, userns};
	int netns, r;

	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 ||
	    prctl(PR_SET_DUMPABLE, 0) < 0)
		helper_fail(sock, errno, "prctl in the network helper");
	fds_close_except(3, keep, ARRAY_SIZE(keep));
	if (setns(userns, CLONE_NEWUSER) < 0)
		helper_fail(sock, errno, "setns into the sandbox's user "
			    "namespace");
	if (unshare(CLONE_NEWNET) < 0)
		helper_fail(sock, errno, "unshare CLONE_NEWNET");
	if (loopback && (r = net_loopback_up()) < 0)
		helper_fail(sock, -r, "SIOCSIFFLAGS lo up");
	netns = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (netns < 0)
		helper_fail(sock, errno, "open /proc/self/ns/net");
	/* a failed send: PID 1 is gone, and the run has failed already */
	_exit(chan_send_fd(sock, CHAN_NETNS, netns) < 0);
}

int netns_start(struct netns_helper *h, bool loopback, struct sbx_error *err)
{
	pid_t pid = fork();

	if (pid == 0)
		helper_main(h->sock, h->userns, loopback);
	if (pid < 0)
		return sbx_err_errno(err, -errno, "fork the network helper");
	h->pid = pid;
	close_and_reset(&h->sock);
	close_and_reset(&h->userns);
	return 0;
}

void netns_reap(struct netns_helper *h)
{
	if (h->pid <= 0)
		return;
	while (waitpid(h->pid, NULL, 0) < 0 && errno == EINTR)
		;
	h->pid = -1;
}

void netns_cleanup(struct netns_helper *h)
{
	close_and_reset(&h->sock);
	close_and_reset(&h->userns);
	if (h->pid > 0)
		kill(h->pid, SIGKILL);
	netns_reap(h);
}

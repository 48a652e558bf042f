/* The sandbox's network namespace, made by a helper beside PID 1's setup
 * (broker). See netns.h for why. */
#include "netns.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
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

/* The helper: it shares the broker's memory (below) but not its
 * descriptors, so it drops its copies of the broker's first (the
 * payload's output pipes among them), then joins the sandbox's user
 * namespace, where the sandbox's root holds every capability. It stays
 * dumpable: dumpability belongs to the memory, the broker's; nothing
 * untrusted exists yet to trace it (the payload is forked only after the
 * broker's go, which waits for the helper's exit). */
__attribute__((noreturn)) static void helper_main(int sock, int userns,
						  bool loopback)
{
	int keep[] = {sock, userns};
	int netns, r;

	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0)
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

struct helper_args {
	int sock, userns;
	bool loopback;
};

static int helper_entry(void *arg)
{
	const struct helper_args *a = arg;

	helper_main(a->sock, a->userns, a->loopback);
}

#ifdef __SANITIZE_ADDRESS__
/* AddressSanitizer cannot follow a clone onto a stack of our own: the
 * sanitized build forks. */
static pid_t start_helper(struct helper_args *a)
{
	pid_t pid = fork();

	if (pid == 0)
		helper_entry(a);
	return pid;
}
#else
#define HELPER_STACK (64 * 1024)

/* As posix_spawn() does: the helper runs in our memory, on its own stack,
 * while we sleep until it exits. No page tables copied, faulted in and
 * freed for it, and the broker off the CPUs meanwhile, which PID 1's
 * setup and the helper share. Every signal stays blocked in it: a handler
 * of a program that embeds sbx must not run there, in memory it shares
 * with the program. Its stack is the run's own, not a static one: threads
 * of such a program may run sandboxes at once. */
static pid_t start_helper(struct helper_args *a)
{
	char *stack = malloc(HELPER_STACK);
	sigset_t all, old;
	pid_t pid;
	int e;

	if (!stack)
		return -1;
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	pid = clone(helper_entry, stack + HELPER_STACK,
		    CLONE_VM | CLONE_VFORK | SIGCHLD, a);
	e = errno;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	free(stack); /* the helper has exited: CLONE_VFORK */
	errno = e;
	return pid;
}
#endif

int netns_make(struct netns_helper *h, bool loopback, struct sbx_error *err)
{
	struct helper_args a = {h->sock, h->userns, loopback};

	if (h->sock < 0)
		return 0;
	pid_t pid = start_helper(&a);
	int e = errno;

	close_and_reset(&h->sock);
	close_and_reset(&h->userns);
	if (pid < 0)
		return sbx_err_errno(err, -e, "start the network helper");
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
	return 0;
}

void netns_cleanup(struct netns_helper *h)
{
	close_and_reset(&h->sock);
	close_and_reset(&h->userns);
}

/* The sandbox's network namespace, made beside PID 1's setup (broker).
 *
 * Creating a network namespace initialises every per-namespace part of the
 * network stack and registers lo: about 0.3 ms of CPU here, which clone3
 * would spend before PID 1 even exists. Instead PID 1 is cloned without
 * CLONE_NEWNET, and just before it is released a helper forked from the
 * broker joins the sandbox's user namespace, creates the network namespace there
 * (so the sandbox's user namespace owns it, exactly as after the clone),
 * brings lo up and passes the namespace to PID 1 over a socket pair, while
 * PID 1 mounts its root on the other CPU. PID 1 joins it before it mounts
 * /sys (a fresh sysfs shows the mounter's network namespace), long before
 * the payload exists. The helper's failures reach PID 1, which reports
 * them as its own setup error.
 *
 * Not for network { mode: USER }: pasta attaches to the namespace PID 1
 * is cloned with. */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

#include "error.h"
#include "sbx.pb-c.h"

struct netns_helper {
	int sock;   /* our end of the socket pair to PID 1, or -1 */
	int userns; /* the sandbox's user namespace, or -1 */
	pid_t pid;  /* the helper, or -1 */
};

#define NETNS_HELPER_INIT {.sock = -1, .userns = -1, .pid = -1}

/* Whether the network namespace of a sandbox cloned with ns_flags under
 * policy p is made by the helper. */
bool netns_deferred(const Sbx__Policy *p, unsigned long ns_flags);

/* Before the clone: the socket pair. *child_sock (close-on-exec) is PID
 * 1's end, the broker's to close once PID 1 has its copy. Returns 0 or
 * -errno with err set. */
int netns_prepare(struct netns_helper *h, int *child_sock,
		  struct sbx_error *err);

/* Before PID 1 is released: its user namespace, opened while PID 1 is
 * still dumpable (a rootless caller may not open it afterwards). Returns 0
 * or -errno with err set. */
int netns_open_userns(struct netns_helper *h, pid_t pid1,
		      struct sbx_error *err);

/* Just before the release: forks the helper, which brings lo up when
 * loopback, and closes the broker's copies of the socket and the user
 * namespace. Returns 0 or -errno with err set. */
int netns_start(struct netns_helper *h, bool loopback, struct sbx_error *err);

/* Waits for the helper, which ends on its own within moments of its
 * start, and reaps it. Before the payload exists: having joined the
 * sandbox's user namespace, the helper counts, until reaped, as one of the
 * sandbox's processes for RLIMIT_NPROC (per user namespace and uid), the
 * process limit of a run without cgroups. */
void netns_reap(struct netns_helper *h);

/* Closes what is still open; kills the helper if it still runs, and reaps
 * it. */
void netns_cleanup(struct netns_helper *h);

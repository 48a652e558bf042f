/* The sandbox's network namespace, made beside PID 1's setup (broker).
 *
 * Creating a network namespace initialises every per-namespace part of the
 * network stack and registers lo: about 0.3 ms of CPU here, which clone3
 * would spend before PID 1 even exists. Instead PID 1 is cloned without
 * CLONE_NEWNET, and once it is released a helper started by the broker
 * (as posix_spawn() starts a child: in the broker's memory, the broker
 * asleep until it exits) joins the sandbox's user namespace, creates the
 * network namespace there (so the sandbox's user namespace owns it,
 * exactly as after the clone), brings lo up and passes the namespace to
 * PID 1 over a socket pair, while PID 1 mounts its root on the other CPU.
 * PID 1 joins it before it mounts /sys (a fresh sysfs shows the mounter's
 * network namespace), long before the payload exists. The helper's
 * failures reach PID 1, which reports them as its own setup error.
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
};

#define NETNS_HELPER_INIT {.sock = -1, .userns = -1}

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

/* After PID 1's release, before the broker's go: runs the helper to its
 * end (it brings lo up when loopback) and reaps it, then closes the
 * broker's copies of the socket and the user namespace; nothing without
 * a helper (no socket). The helper is gone before the payload can exist:
 * having joined the sandbox's user namespace, it would count as one of
 * the sandbox's processes for RLIMIT_NPROC (per user namespace and uid),
 * the process limit of a run without cgroups, and it shares the broker's
 * memory. Returns 0, or -errno with err set when it could not start (its
 * own failures reach PID 1). */
int netns_make(struct netns_helper *h, bool loopback, struct sbx_error *err);

/* Closes what is still open. */
void netns_cleanup(struct netns_helper *h);

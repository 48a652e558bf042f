/* Creating the sandbox: one clone3 into a new user namespace and the
 * namespaces it owns, the id maps, the release (broker). */
#pragma once

#include <sys/types.h>

#include "cgroup.h"
#include "error.h"
#include "netns.h"
#include "setup.h"

struct launch {
	pid_t pid;    /* PID 1 of the sandbox, as the host sees it */
	int pidfd;
	int chan;     /* our end of the channel */
	int sync_w;   /* held open for the whole run: its EOF tells the
		       * sandbox we died */
	pid_t pasta;  /* user-mode networking helper, or -1 */
	struct netns_helper netns; /* makes the network namespace */
};

#define LAUNCH_INIT                                                            \
	{.pid = -1, .pidfd = -1, .chan = -1, .sync_w = -1, .pasta = -1,       \
	 .netns = NETNS_HELPER_INIT}

/* CLONE_NEW* flags for the policy (the user namespace always). */
unsigned long launch_ns_flags(const Sbx__Policy *p);

/* Clones the sandbox (which runs sandbox_main(cfg) with its chan_fd and
 * sync_fd filled in) into the cgroup cg (may be NULL), writes its id maps
 * and releases it. On failure nothing is left running. Returns 0 or -errno
 * with err set. */
int launch_sandbox(struct sandbox_config *cfg, struct cgroup *cg,
		   struct launch *ret, struct sbx_error *err);

/* Kills the sandbox if it still runs, reaps it, closes the descriptors. */
void launch_cleanup(struct launch *l);

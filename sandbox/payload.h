/* The payload's last steps before exec (payload process). */
#pragma once

#include "setup.h"

/* The v1 groups in join, session, rlimits, working directory,
 * capabilities and ids, no_new_privs, seccomp, exec. Never returns: on
 * failure reports (step, errno, detail) to the broker and exits 125. */
__attribute__((noreturn)) void payload_exec(const struct sandbox_config *cfg,
					    const struct cgroup_join *join);

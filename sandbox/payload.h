/* The payload's last steps before exec (payload process). */
#pragma once

#include "setup.h"

/* Session, rlimits, working directory, capabilities and ids,
 * no_new_privs, seccomp, exec. Never returns: on failure reports
 * (step, errno, detail) to the broker and exits 125. */
__attribute__((noreturn)) void payload_exec(const struct sandbox_config *cfg);

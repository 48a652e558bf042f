/* PID 1 of the sandbox once set up: starts the payload, reaps every process,
 * forwards signals, reports the payload's end to the broker. */
#pragma once

#include "setup.h"

/* Never returns: exits after reporting. join: the groups the payload
 * joins (closed here once it has); setup_usec: how long each part of the
 * setup took (enum sandbox_timing), sent on with the start. */
__attribute__((noreturn)) void init_run(const struct sandbox_config *cfg,
					const struct cgroup_join *join,
					const uint32_t setup_usec[TIME_MAX_]);

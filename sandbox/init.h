/* PID 1 of the sandbox once set up: forks the payload, reaps every process,
 * forwards signals, reports the payload's end to the broker. */
#pragma once

#include "setup.h"

/* Never returns: exits after reporting. */
__attribute__((noreturn)) void init_run(const struct sandbox_config *cfg);

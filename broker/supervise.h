/* Watching a running sandbox: one poll loop over its pidfd, the channel,
 * the forwarded signals and the wall-clock timer (broker). */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "channel.h"
#include "error.h"
#include "launch.h"

struct supervision {
	bool got_report;             /* PID 1 reported the payload's end */
	Sbx__ExitReport report;
	bool got_error;              /* a setup step failed */
	struct chan_setup_error error;
	bool wall_expired;           /* we killed it at the wall limit */
	int init_status;             /* wait status of PID 1 */
	uint64_t wall_usec;          /* release to PID 1's end */
};

/* Runs until PID 1 has exited and been reaped (l->pidfd is then closed).
 * sigfd is a signalfd for the signals to forward. wall_limit_ms 0: none.
 * Returns 0 or -errno with err set. */
int supervise(struct launch *l, int sigfd, uint64_t wall_limit_ms,
	      struct supervision *out, struct sbx_error *err);

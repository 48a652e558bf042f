/* Turning what supervision saw into a verdict and numbers (broker). */
#pragma once

#include "cgroup.h"
#include "sbx.h"
#include "supervise.h"

/* Fills res from a finished supervision and the cgroup's statistics (cs
 * may be NULL: rusage accounting) under the policy's limits.
 * Precedence, first match wins: WLE (killed at the wall limit), TLE (killed
 * at the CPU limit, CPU over it, or SIGXCPU), OLE (cut at the output
 * limit), MLE (the OOM killer fired in
 * the group), SIG, RE, OK. */
void result_fill(const struct supervision *s, const struct cg_stats *cs,
		 const Sbx__Limits *limits, struct sbx_result *res);

/* The shell's convention, which env(1) and docker follow: 127
 * (SBX_EXIT_NOTFOUND) for a program that is not there, 126 for one that
 * cannot be run. */
int result_program_exit_code(int errnum);

/* A setup failure inside, as one error line in err with a hint where we
 * know one; res->exit_code gets 126/127 for a failed exec. Returns the
 * negative errno. */
int result_setup_error(const struct chan_setup_error *e,
		       struct sbx_result *res, struct sbx_error *err);

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

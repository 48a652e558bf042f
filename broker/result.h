/* Turning what supervision saw into a verdict and numbers (broker). */
#pragma once

#include "sbx.h"
#include "supervise.h"

/* Fills res from a finished supervision under the policy's limits.
 * Precedence: WLE (we killed it at the wall limit), then TLE (CPU over the
 * limit, or killed by SIGXCPU), then SIG, then RE, then OK. */
void result_fill(const struct supervision *s, const Sbx__Limits *limits,
		 struct sbx_result *res);

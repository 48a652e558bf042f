/* When the broker's next walk of /proc is due, for a sandbox without a
 * cgroup (broker/supervise.c, broker/tree-usage.c): the sampling that
 * stands in for the memory and CPU limits must be frequent enough to stop
 * a fast allocator close to its limit, and cheap enough that a build of a
 * thousand processes does not cost the broker a CPU. Pure arithmetic on
 * microseconds, so that its bounds are unit-tested. */
#pragma once

#include <stdint.h>

/* A walk costs the broker CPU in proportion to the processes it reads:
 * the next is due only once this many times its cost has passed. */
#define PACE_COST_SHARE 20

/* The most a walk is believed to cost per file of /proc it read (about 9
 * µs on the VM sbx is developed on). The broker's CPU clock also counts
 * time its CPU spent elsewhere (a hypervisor's steal, interrupts): in CI a
 * walk of five files read as 45 ms and postponed the next memory sample
 * by 0.9 s, while perf saw no such work. */
#define PACE_READ_COST_USEC 20

/* The longest and the shortest wait between two memory samples. */
#define PACE_RSS_MAX_USEC 20000
#define PACE_RSS_MIN_USEC 2000

/* The fastest that a sandbox is assumed to grow, in bytes a microsecond
 * (16 GiB/s: one core zeroing transparent huge pages manages 6 GB/s on
 * the 2-core VM sbx is developed on). */
#define PACE_RSS_RATE_BOUND ((16ULL << 30) / 1000000)

struct sample_pace {
	uint64_t next_usec; /* no walk before this time (CLOCK_MONOTONIC) */
};

/* Records a walk that ended at end_usec, read `reads` files and took
 * cost_usec of the broker's CPU time (not wall time, which a preemption
 * would inflate), believed up to PACE_READ_COST_USEC a file. */
void pace_walked(struct sample_pace *p, uint64_t end_usec, uint64_t cost_usec,
		 unsigned reads);

/* How long to wait before the next memory sample, with rss of limit bytes
 * in use: the time the sandbox needs to fill the headroom at
 * PACE_RSS_RATE_BOUND, within [PACE_RSS_MIN_USEC, PACE_RSS_MAX_USEC], and
 * never before the walk's cost allows (p). */
uint64_t pace_rss_delay(const struct sample_pace *p, uint64_t now_usec,
			uint64_t rss, uint64_t limit);

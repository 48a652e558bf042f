/* What a sandbox without a cgroup uses, from /proc (broker): the resident
 * memory and the CPU time of every process below its PID 1. Approximations
 * for rootless runs without a delegated cgroup, where nothing else limits
 * the sandbox as a whole: shared pages count once per process, a fast
 * allocator overshoots by what it touches between two samples, CPU time
 * comes in clock ticks. The run's reported figures come from PID 1's
 * rusage instead, exact. */
#pragma once

#include <stdint.h>
#include <sys/types.h>

/* Both return the number of files of /proc they read (what the walk cost:
 * broker/sample-pace.h), or -errno. */

/* Sum of the RSS of init's descendants, in bytes (init excluded: it is
 * sbx's own). */
int tree_rss_bytes(pid_t init, uint64_t *ret);

/* CPU time of init's descendants, living and reaped, in microseconds:
 * init's children's time (what it reaped) and each living descendant's own
 * and its reaped children's, read parents first so that a process reaped
 * during the walk is missed rather than counted twice. init's own time,
 * sbx's setup, is left out. */
int tree_cpu_usec(pid_t init, uint64_t *ret);

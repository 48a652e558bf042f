/* Memory of a sandbox without a cgroup: the resident set of every process
 * below its PID 1, read from /proc (broker). An approximation (shared pages
 * count once per process, a fast allocator overshoots by what it touches
 * between two samples), for rootless runs without a delegated cgroup where
 * nothing else limits memory. */
#pragma once

#include <stdint.h>
#include <sys/types.h>

/* Sum of the RSS of init's descendants, in bytes (init excluded: it is
 * sbx's own). Returns 0 or -errno. */
int rss_tree_bytes(pid_t init, uint64_t *ret);

/* The run's control groups: one interface over cgroup v1 and v2, chosen per
 * controller (a v1 hierarchy when the controller is mounted there, else the
 * unified one), so pure v2, pure v1 and hybrid hosts all work (broker).
 *
 * Lifecycle: cg_create (the group that accounts CPU made) -> the sandbox is
 * cloned into it (cg_clone_fd) or attached (cg_attach) before it is
 * released -> cg_finish while its PID 1 mounts the root, before the
 * payload exists (the other groups made, limits written; the payload
 * joins them) -> cg_cpu_usec while it runs -> cg_stats after PID 1's report
 * -> cg_remove_payload_groups while PID 1 exits -> cg_destroy (kills what
 * is left, removes the rest). */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "error.h"
#include "sbx.pb-c.h"

struct cgroup;

struct cg_stats {
	bool has_cpu;
	uint64_t cpu_usec, user_usec, sys_usec;
	bool has_memory_peak;
	uint64_t memory_peak_bytes;
	uint64_t oom_kills;
	bool has_pids_peak;
	uint64_t pids_peak;
};

/* Creates the groups under parent (relative to each hierarchy's root), or
 * under the caller's own groups when parent is NULL. When parent is NULL
 * and the caller may not create groups (rootless without delegation),
 * returns 0 with *ret = NULL and a one-line reason in note (size bytes):
 * the run then relies on rlimits and rusage. Returns -errno with err set on
 * real failures; nothing is left behind. */
int cg_create(const Sbx__Policy *p, const char *parent, struct cgroup **ret,
	      char *note, size_t size, struct sbx_error *err);

/* Whether cg_finish will make groups the sandbox's PID 1 must join
 * (CHAN_CGROUP_JOIN). */
bool cg_join_pending(const struct cgroup *cg);

/* Makes the groups cg_create left for later (v1 hierarchies on hosts with
 * a v2 group, which does the CPU accounting), writes the policy's limits,
 * and opens the tasks file of each group made here into join (at most max,
 * close-on-exec, the caller's to close): the sandbox's payload moves
 * itself in through them, first thing, and PID 1 stays out. Runs while
 * PID 1 sets itself up, so it costs no start-up time; the payload, which
 * the groups and limits are for, is started only after the broker says
 * go. NULL cg: nothing to do. Returns how many files were opened, or
 * -errno with err set. */
int cg_finish(struct cgroup *cg, const Sbx__Policy *p, int *join, size_t max,
	      struct sbx_error *err);

/* Removes the groups only the payload joined (the v1 ones of cg_finish;
 * PID 1 stays out of them), which are empty once PID 1 has reported: the
 * payload and all it started are reaped. Read cg_stats first. One still
 * busy is left for cg_destroy. NULL is fine. */
void cg_remove_payload_groups(struct cgroup *cg);

/* fd of the v2 group for clone3(CLONE_INTO_CGROUP), or -1. */
int cg_clone_fd(const struct cgroup *cg);

/* Moves pid into every group it is not already in (after a clone into the
 * v2 group, only the v1 ones). Returns 0 or -errno with err set. */
int cg_attach(struct cgroup *cg, pid_t pid, bool cloned_into_v2,
	      struct sbx_error *err);

/* CPU time used by everything in the group so far. Returns 0 or -errno. */
int cg_cpu_usec(struct cgroup *cg, uint64_t *ret);

void cg_stats(struct cgroup *cg, struct cg_stats *ret);

/* Absolute paths of the run's groups, at most max of them, into paths
 * (valid while cg lives). Returns how many. */
size_t cg_dirs(const struct cgroup *cg, const char **paths, size_t max);

/* "v1", "v2" or "hybrid": which versions this run's groups use. */
const char *cg_version(const struct cgroup *cg);

/* Kills every process in the groups, removes them, frees cg. NULL is
 * fine. */
void cg_destroy(struct cgroup *cg);

/* Shared between broker/cgroup.c (where groups go) and
 * broker/cgroup-limits.c (what is written into them). */
#pragma once

#include <limits.h>

#include "cgroup.h"
#include "cgroup-parse.h"

enum cg_ctrl {
	CG_MEMORY,
	CG_PIDS,
	CG_CPUACCT, /* CPU time accounting */
	CG_CPU,     /* CPU bandwidth (quota) */
	CG_DEVICES,
	CG_CPUSET,
	CG_IO,      /* v1 blkio */
	CG_N_,
};

#define CG_MAX_DIRS 8

struct cg_dir {
	int version;        /* 1 or 2 */
	unsigned ctrls;     /* 1 << enum cg_ctrl served through this group */
	int fd;             /* our group, O_DIRECTORY; -1 once removed
			     * (cg_remove_payload_groups) */
	int parent_fd;      /* its parent, for rmdir */
	char name[64];      /* our group's name in parent */
	bool payload_only;  /* joined by the payload, not PID 1 (cg_finish) */
	char path[PATH_MAX];
};

struct cgroup {
	size_t n;
	int by_ctrl[CG_N_]; /* index in dir, or -1 */
	int v2;             /* index of the v2 group, or -1 */
	bool in_leaf;       /* we moved into sbx-broker-<pid> of the v2 parent */
	unsigned v2_enabled; /* controllers (1 << cg_ctrl) we enabled there */
	unsigned deferred;  /* 1 << cg_ctrl whose v1 group cg_finish makes */
	int made[CGP_MAX_MOUNTS]; /* index in dir of our group per mount */
	struct cgp_mounts *ms; /* the hierarchies, for cg_finish */
	const char *parent; /* cgroup.parent of the policy, or NULL */
	char name[64];      /* sbx-<pid>-<random> */
	/* Last, and left uninitialised past n (make_dir fills an entry):
	 * zeroing all of them touched nine pages of fresh memory per run. */
	struct cg_dir dir[CG_MAX_DIRS];
};

/* The CPUs and memory nodes of the policy's cpuset: a v1 cpuset takes no
 * task before it has both. Returns 0 or -errno with err naming the file. */
int cg_write_cpuset(struct cgroup *cg, const Sbx__Policy *p,
		    struct sbx_error *err);

/* Writes the policy's memory, pids, CPU, I/O and device limits. Returns 0
 * or -errno with err naming the file. */
int cg_write_limits(struct cgroup *cg, const Sbx__Policy *p,
		    struct sbx_error *err);

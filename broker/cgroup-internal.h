/* Shared between broker/cgroup.c (where groups go) and
 * broker/cgroup-limits.c (what is written into them). */
#pragma once

#include <limits.h>

#include "cgroup.h"

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
	int fd;             /* our group, O_DIRECTORY */
	int parent_fd;      /* its parent, for rmdir */
	char name[64];      /* our group's name in parent */
	char path[PATH_MAX];
};

struct cgroup {
	struct cg_dir dir[CG_MAX_DIRS];
	size_t n;
	int by_ctrl[CG_N_]; /* index in dir, or -1 */
	int v2;             /* index of the v2 group, or -1 */
	bool in_leaf;       /* we moved into sbx-broker-<pid> of the v2 parent */
	unsigned v2_enabled; /* controllers (1 << cg_ctrl) we enabled there */
};

/* Writes the policy's limits into the groups. Returns 0 or -errno with
 * err naming the file. */
int cg_write_limits(struct cgroup *cg, const Sbx__Policy *p,
		    struct sbx_error *err);

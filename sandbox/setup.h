/* What the broker hands the sandbox, and the ordered setup steps PID 1 runs
 * inside the new namespaces before forking the payload.
 *
 * Everything here is prepared by the broker before the clone: the child
 * neither allocates nor parses, so a failure can only come from the kernel,
 * and each one is reported as (step, errno, detail) over the channel. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include <sys/types.h>

#include "channel.h"
#include "sbx.pb-c.h"

struct scf_prog;

/* The tasks files of the v1 groups the payload joins before anything else
 * (CHAN_CGROUP_JOIN; broker/cgroup.h cg_finish). */
struct cgroup_join {
	int fd[CHAN_MAX_FDS];
	int n;
};

enum sandbox_step {
	STEP_SYNC = 1,  /* waiting for the broker to write the id maps */
	STEP_IDENTITY,  /* becoming root of the user namespace */
	STEP_STAGING,   /* the tmpfs write layer and first pivot_root */
	STEP_ROOT,      /* overlay (or read-only) root from the layers */
	STEP_HIDE,      /* empty directories over hidden paths */
	STEP_BIND,      /* the policy's mounts and the program's bind */
	STEP_PROC,      /* fresh /proc and its masked paths */
	STEP_SYS,       /* read-only /sys */
	STEP_DEV,       /* minimal /dev */
	STEP_MASK,      /* masked paths */
	STEP_PIVOT,     /* entering the new root, detaching the old */
	STEP_HOSTNAME,
	STEP_NETWORK,
	STEP_TIMENS,
	STEP_FORK,      /* forking the payload */
	STEP_SESSION,   /* payload: setsid */
	STEP_RLIMITS,
	STEP_CHDIR,
	STEP_CAPS,      /* capabilities and identity */
	STEP_NNP,       /* no_new_privs */
	STEP_SECCOMP,
	STEP_EXEC,
	STEP_JOIN,      /* sbx enter: joining a running sandbox */
	STEP_CGROUP,    /* receiving the v1 groups, the payload joining them */
	STEP_MAX_,
};

/* The setup's parts whose durations PID 1 reports (--timings). */
enum sandbox_timing {
	TIME_MAPS,      /* waiting for the broker's id maps */
	TIME_IDENTITY,
	TIME_STAGING,   /* mounts.c, step by step */
	TIME_ROOT,
	TIME_DEV,
	TIME_PROC,
	TIME_HIDE,
	TIME_BINDS,
	TIME_SEAL,
	TIME_SYS,       /* after the others unless one lies in /sys */
	TIME_MASKS,
	TIME_PIVOT,
	TIME_HOSTNAME,
	TIME_NETWORK,
	TIME_TIMENS,
	TIME_GO,        /* waiting for the broker's limits and filter */
	TIME_MAX_,
};

/* "inside: mount root", ... (static strings); NULL when out of range. */
const char *sandbox_timing_name(unsigned t);

/* Microseconds since *since, which becomes now. */
uint32_t sandbox_elapsed(struct timespec *since);

/* "mount overlay root", ... for messages; "?" when out of range. */
const char *sandbox_step_name(unsigned step);

/* A mount computed by the broker on top of the policy's (the program's own
 * bind, the working tree). Same meaning as Sbx__Mount. */
struct sandbox_mount {
	Sbx__Mount__Type type;
	const char *source;      /* host path */
	const char *destination; /* path inside */
	bool is_file;            /* bind target is a file, not a directory */
};

struct sandbox_config {
	const Sbx__Policy *policy;        /* finalized */
	const struct sandbox_mount *extra_mounts;
	size_t n_extra_mounts;
	const char *exec_path;  /* absolute, valid inside the sandbox */
	char *const *argv;
	char *const *envp;
	bool host_root;         /* broker runs as root: ids need switching */
	bool cgroup_limits;     /* the run has a cgroup: memory, processes and
				 * CPU are limited there, rlimits only back
				 * them up; without one rlimits stand in */
	unsigned long ns_flags; /* CLONE_NEW* the sandbox was created with */
	int stdio[3];           /* installed as the payload's 0, 1, 2; -1:
				 * inherit the broker's */
	int chan_fd;            /* SOCK_SEQPACKET to the broker */
	int sync_fd;            /* read end: one byte once the maps exist, a
				 * second once the cgroup limits and the
				 * seccomp filter are in place */
	bool tty;               /* stdio is a pseudo-terminal of the broker's:
				 * the payload makes it its controlling tty */
	int netns_fd;           /* CLONE_NEWNET without it at the clone: the
				 * broker's helper sends the network
				 * namespace here (broker/netns.h); joined
				 * before /sys is mounted, then closed. -1:
				 * none to wait for */
	int workdir_fd;         /* filesystem.bind_workdir as root: a detached
				 * idmapped mount of the workdir to move in;
				 * -1: a plain bind */
	int root_fd;            /* as root: a detached clone of the host's
				 * root mount without its submounts
				 * (broker/hostroot.h), the one lower of an
				 * overlay root; -1: the root is built
				 * directory by directory */
	bool die_with_parent;   /* sbx enter: the payload's parent is the
				 * broker itself, not PID 1 */
	bool filter_pending;    /* seccomp lives in memory shared with the
				 * broker, which compiles it while we set up */
	bool cgroup_join;       /* before the go byte the broker sends
				 * CHAN_CGROUP_JOIN: groups to move into */
	struct scf_prog *seccomp; /* compiled filter (sandbox/seccomp_filter.h),
				 * or NULL: none; the payload patches its copy */
};

/* A setup failure on its way to the broker. */
struct setup_error {
	unsigned step;
	int errnum;
	char detail[256];
};

/* Records a failure: errno (positive) and a printf-style detail naming the
 * call and the path. Returns -errnum so callers can `return setup_fail(...)`. */
int setup_fail(struct setup_error *e, unsigned step, int errnum,
	       const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* Entry point of the cloned child (PID 1 of the new pid namespace): runs the
 * setup steps, forks the payload, reaps, reports, exits. Never returns. */
__attribute__((noreturn)) void sandbox_main(const struct sandbox_config *cfg);

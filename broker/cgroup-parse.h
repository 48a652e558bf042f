/* Parsing the kernel's cgroup descriptions: /proc/self/mountinfo (which
 * cgroup hierarchies are mounted where) and /proc/self/cgroup (where the
 * caller sits in each), or the latter alone with the usual mount points.
 * Pure functions over text, for the fuzzer and tests (broker). */
#pragma once

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

#define CGP_MAX_MOUNTS 16
#define CGP_POOL 32768

struct cgp_mount {
	int version;             /* 1 or 2 */
	const char *mountpoint;  /* these three in the pool */
	const char *root;        /* the mount's root within the hierarchy */
	const char *caller;      /* caller's group in this hierarchy, from
				  * /proc/self/cgroup; "" when unknown */
	char controllers[256];   /* v1: "cpu,cpuacct" (options); v2: "" */
};

/* The strings live together in pool rather than in PATH_MAX arrays of
 * each mount: a parse then touches a page or two of fresh memory instead
 * of three per mount, each a page fault (tens of microseconds per run in a
 * VM). Not to be copied: the mounts point into the pool. */
struct cgp_mounts {
	size_t n;
	struct cgp_mount m[CGP_MAX_MOUNTS];
	size_t used;             /* bytes of pool taken */
	char pool[CGP_POOL];
};

/* Fills out->m from mountinfo text (cgroup and cgroup2 mounts only; the
 * first mount of each hierarchy wins). Returns 0, -EINVAL on a malformed
 * cgroup line, or -E2BIG when the paths overflow the pool. */
int cgp_parse_mountinfo(const char *text, struct cgp_mounts *out);

/* Fills each mount's caller path from /proc/self/cgroup text. Returns 0,
 * -EINVAL on malformed text, or -E2BIG when the pool is full. */
int cgp_parse_proc_cgroup(const char *text, struct cgp_mounts *out);

/* Fills out->m from /proc/self/cgroup text alone, each hierarchy where
 * systemd (and every mainstream distribution) mounts it, with its root at
 * the hierarchy's root: with v2_only cgroup2 on /sys/fs/cgroup; otherwise
 * each v1 hierarchy "N:CTRLS:PATH" on /sys/fs/cgroup/CTRLS (named-only
 * hierarchies such as name=systemd left out) and cgroup2 on
 * /sys/fs/cgroup/unified. Reading mountinfo costs about 0.1 ms per run;
 * the caller checks every guess against the filesystem before trusting
 * it. Returns 0, -ENOENT when the text does not fit the convention,
 * -EINVAL on malformed text, or -E2BIG. */
int cgp_guess_mounts(const char *text, bool v2_only, struct cgp_mounts *out);

/* true when the comma-separated list has the name. */
bool cgp_has_controller(const char *list, const char *name);

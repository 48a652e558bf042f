/* Parsing the kernel's cgroup descriptions: /proc/self/mountinfo (which
 * cgroup hierarchies are mounted where) and /proc/self/cgroup (where the
 * caller sits in each). Pure functions over text, for the fuzzer and tests
 * (broker). */
#pragma once

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

#define CGP_MAX_MOUNTS 16

struct cgp_mount {
	int version;             /* 1 or 2 */
	char mountpoint[PATH_MAX];
	char root[PATH_MAX];     /* the mount's root within the hierarchy */
	char controllers[256];   /* v1: "cpu,cpuacct" (options); v2: "" */
	char caller[PATH_MAX];   /* caller's group in this hierarchy, from
				  * /proc/self/cgroup; "" when unknown */
};

struct cgp_mounts {
	size_t n;
	struct cgp_mount m[CGP_MAX_MOUNTS];
};

/* Fills out->m from mountinfo text (cgroup and cgroup2 mounts only; the
 * first mount of each hierarchy wins). Returns 0 or -EINVAL on a malformed
 * cgroup line. */
int cgp_parse_mountinfo(const char *text, struct cgp_mounts *out);

/* Fills each mount's caller path from /proc/self/cgroup text. Returns 0 or
 * -EINVAL on malformed text. */
int cgp_parse_proc_cgroup(const char *text, struct cgp_mounts *out);

/* true when the comma-separated list has the name. */
bool cgp_has_controller(const char *list, const char *name);

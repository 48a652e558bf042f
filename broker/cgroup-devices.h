/* The sandbox's device allow-list, as one set of rules written either to a
 * v1 devices controller or, on cgroup v2, as a BPF_PROG_TYPE_CGROUP_DEVICE
 * program attached to the run's group (broker). Rootless sandboxes cannot
 * create device nodes and see only the ones sbx binds, so these are for
 * root, where CAP_SYS_ADMIN would otherwise make any node usable. */
#pragma once

#include <stddef.h>

#include "error.h"
#include "sbx.pb-c.h"

#define DEV_ANY (-1)
#define DEV_MAX_RULES 64

struct dev_rule {
	char type;       /* 'c' or 'b' */
	int major;       /* or DEV_ANY */
	int minor;       /* or DEV_ANY */
	char access[4];  /* any of "rwm" */
};

/* The base rules (the minimal /dev and the sandbox's devpts) and the
 * policy's devices (stat'ed on the host). Returns the number of rules
 * (<= DEV_MAX_RULES) or -errno with err naming the device. */
int dev_rules(const Sbx__Policy *p, struct dev_rule out[DEV_MAX_RULES],
	      struct sbx_error *err);

/* "c 1:3 rwm" for devices.allow. */
void dev_rule_format(const struct dev_rule *r, char *buf, size_t size);

/* Loads a program allowing exactly rules[0..n) and attaches it to the v2
 * group cgroup_fd. Returns 0 or -errno with err set. */
int dev_bpf_attach(int cgroup_fd, const struct dev_rule *rules, size_t n,
		   struct sbx_error *err);

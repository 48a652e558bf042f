/* Syscall groups and the expansion of a policy's seccomp rules into one
 * entry per system call (broker).
 *
 * The groups are data: policies/syscall-groups.txtpb (message
 * sbx.SyscallGroups), embedded at build time. A rule names syscalls and
 * groups; expansion turns it into entries (syscall, action, errno, argument
 * conditions), in rule order, a group's plain members first, then its own
 * conditional rules (which may carry their own action, like clone3 -> ENOSYS).
 *
 * Override rule, per syscall, in expansion order (parent policy's rules
 * first, so a child overrides its parent):
 *  - an entry without conditions replaces every earlier entry of that syscall;
 *  - an entry with conditions replaces an earlier one with the same
 *    conditions, and otherwise adds to what is there.
 * sandbox/seccomp.c turns the result into BPF. */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "error.h"
#include "sbx.pb-c.h"

#define SC_MAX_ARGS 6

struct sc_arg {
	unsigned index;      /* 0 to 5 */
	Sbx__Seccomp__Op op;
	uint64_t value;
	uint64_t mask;       /* MASKED_EQ only */
};

struct sc_entry {
	const char *name;    /* borrowed from the policy or the groups */
	int nr;              /* libseccomp's number for the native arch; < 0:
			      * the call does not exist here (skipped) */
	Sbx__Seccomp__Action action;
	int errnum;          /* ERRNO: the errno */
	unsigned n_args;
	struct sc_arg args[SC_MAX_ARGS];
	unsigned rule;       /* index of the policy rule it came from */
	const char *group;   /* the group it came from, or NULL */
};

struct sc_ruleset {
	struct sc_entry *v;
	size_t n, cap;
	Sbx__SyscallGroups *groups; /* owned: names point into it */
};

#define SC_RULESET_INIT {NULL, 0, 0, NULL}

/* Parses the embedded groups. On success *ret owns them
 * (protobuf_c_message_free_unpacked). -EINVAL only if the embedded file is
 * broken (a build bug), -ENOMEM. */
int sc_groups_load(Sbx__SyscallGroups **ret, struct sbx_error *err);

/* The group called name, or NULL. */
const Sbx__SyscallGroups__Group *sc_group_find(const Sbx__SyscallGroups *g,
					       const char *name);

/* true when libseccomp knows the name on some architecture (it may still be
 * absent from the native one: "open" on aarch64). */
bool sc_syscall_known(const char *name);

/* Checks the names in sc's rules: every syscall known to libseccomp, every
 * group defined, arguments consistent (MASKED_EQ has a mask, one condition
 * per argument index). -EINVAL with a message naming the rule:
 * "seccomp.rules[2].groups[0] (\"fs_reed\") is not a syscall group". */
int sc_validate(const Sbx__Seccomp *sc, struct sbx_error *err);

/* Expands sc's rules (see the override rule above) into *ret, which the
 * caller frees with sc_ruleset_free (also after a failure). Rules must have
 * their action and errnum filled (policy_finalize). Returns 0, -EINVAL
 * (names as in sc_validate), or -ENOMEM. */
int sc_expand(const Sbx__Seccomp *sc, struct sc_ruleset *ret,
	      struct sbx_error *err);

void sc_ruleset_free(struct sc_ruleset *rs);

/* "allow", "errno(38)", "kill", "log", "notify" into buf. */
const char *sc_action_str(Sbx__Seccomp__Action a, int errnum, char *buf,
			  size_t size);

/* Prints the effective rule set, one line per entry:
 * "openat  allow  if arg2 & 0x400243 == 0x0  (rules[0], group fs_read)",
 * then the default action and the foreign-ABI treatment. For
 * `sbx policy syscalls NAME`. Returns 0 or a negative errno. */
int sc_print(const Sbx__Seccomp *sc, FILE *f, struct sbx_error *err);

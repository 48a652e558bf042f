/* Unit tests: syscall groups, rule expansion, validation of seccomp rules,
 * the compiled filters of the built-in policies (run through a small
 * classic-BPF interpreter, never loaded), compile cost, and the listener's
 * trip over the channel. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <inttypes.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "builtin.h"
#include "channel.h"
#include "cleanup.h"
#include "cli.h"
#include "filter-prebuilt.h"
#include "policy.h"
#include "seccomp_filter.h"
#include "syscall_groups.h"
#include "textformat.h"

static Sbx__Policy *load_final(const char *name)
{
	struct sbx_error err = {0};
	Sbx__Policy *p = NULL;

	if (policy_load(name, &p, &err) < 0 || policy_finalize(p, &err) < 0)
		fail_msg("%s: %s", name, err.msg);
	return p;
}

/* A policy from text (on top of nothing), finalized; NULL with *err set
 * when it does not validate. */
static Sbx__Policy *parse_final(const char *text, struct sbx_error *err)
{
	Sbx__Policy *p = NULL;

	if (policy_parse(text, strlen(text), false, "t.txtpb", &p, err) < 0)
		return NULL;
	free(p->name);
	p->name = strdup("t");
	if (policy_finalize(p, err) < 0) {
		policy_free(p);
		return NULL;
	}
	return p;
}

static void test_groups_well_formed(void **state)
{
	struct sbx_error err = {0};
	Sbx__SyscallGroups *g = NULL;
	unsigned dangerous = 0;

	assert_int_equal(sc_groups_load(&g, &err), 0);
	assert_true(g->n_groups >= 20);
	for (size_t i = 0; i < g->n_groups; i++) {
		const Sbx__SyscallGroups__Group *gr = g->groups[i];
		assert_non_null(gr->name);
		assert_non_null(gr->description);
		assert_true(gr->n_syscalls + gr->n_rules > 0);
		/* names unique, lookup finds each */
		assert_ptr_equal(sc_group_find(g, gr->name), gr);
		for (size_t j = 0; j < gr->n_syscalls; j++)
			if (!sc_syscall_known(gr->syscalls[j]))
				fail_msg("group %s: %s unknown to libseccomp",
					 gr->name, gr->syscalls[j]);
		for (size_t j = 0; j < gr->n_rules; j++)
			for (size_t k = 0; k < gr->rules[j]->n_syscalls; k++)
				assert_true(sc_syscall_known(
					gr->rules[j]->syscalls[k]));
		dangerous += gr->has_dangerous && gr->dangerous;
	}
	assert_true(dangerous >= 18);
	for (const char *const *n = (const char *const[]){
		     "basic_io", "fs_read", "fs_write", "process", "threads",
		     "memory", "signals", "time", "net_inet", "net_unix", "ipc",
		     "terminal", "modules", "kexec", "reboot", "swap", "mount",
		     "namespaces", "bpf", "perf", "userfaultfd", "keyrings",
		     "ptrace", "handles", "io_uring", "personality", "acct",
		     "quotactl", "clock_set", "syslog", "ioport", "kcmp", NULL};
	     *n; n++)
		if (!sc_group_find(g, *n))
			fail_msg("group %s missing", *n);
	assert_null(sc_group_find(g, "nope"));
	protobuf_c_message_free_unpacked(&g->base, NULL);
}

static const struct sc_entry *find(const struct sc_ruleset *rs,
				   const char *name, unsigned nth)
{
	for (size_t i = 0; i < rs->n; i++)
		if (strcmp(rs->v[i].name, name) == 0 && nth-- == 0)
			return &rs->v[i];
	return NULL;
}

static void test_expansion_and_overrides(void **state)
{
	struct sbx_error err = {0};
	struct sc_ruleset rs = SC_RULESET_INIT;
	Sbx__Policy *p = parse_final(
		"seccomp {\n"
		" rules { action: ALLOW groups: [\"threads\", \"terminal\"] }\n"
		" rules { action: LOG syscalls: \"futex\" }\n"
		" rules { action: ERRNO errnum: 13 syscalls: \"ioctl\" "
		"   args { index: 1 op: EQ value: 0x5401 } }\n"
		" rules { action: KILL syscalls: \"read\" "
		"   args { index: 0 op: GT value: 100 } }\n"
		" rules { action: ALLOW syscalls: \"read\" }\n"
		"}\n", &err);

	if (!p)
		fail_msg("%s", err.msg);
	assert_int_equal(sc_expand(p->seccomp, &rs, &err), 0);
	/* the later unconditional rule replaced the group's futex */
	const struct sc_entry *e = find(&rs, "futex", 0);
	assert_non_null(e);
	assert_int_equal(e->action, SBX__SECCOMP__ACTION__LOG);
	assert_int_equal(e->rule, 1);
	assert_null(find(&rs, "futex", 1));
	/* clone: the group's condition; clone3: the group's own action */
	e = find(&rs, "clone", 0);
	assert_non_null(e);
	assert_int_equal(e->n_args, 1);
	assert_int_equal(e->args[0].op, SBX__SECCOMP__OP__MASKED_EQ);
	assert_int_equal(e->args[0].mask, 0x7e020000);
	assert_string_equal(e->group, "threads");
	e = find(&rs, "clone3", 0);
	assert_int_equal(e->action, SBX__SECCOMP__ACTION__ERRNO);
	assert_int_equal(e->errnum, ENOSYS);
	/* ioctl: allow, then the group's two refusals, then ours */
	assert_int_equal(find(&rs, "ioctl", 0)->n_args, 0);
	assert_int_equal(find(&rs, "ioctl", 1)->args[0].value, 0x5412);
	assert_int_equal(find(&rs, "ioctl", 2)->args[0].value, 0x541c);
	assert_int_equal(find(&rs, "ioctl", 3)->errnum, 13);
	/* read: the conditional kill was replaced by the unconditional allow */
	assert_int_equal(find(&rs, "read", 0)->action,
			 SBX__SECCOMP__ACTION__ALLOW);
	assert_null(find(&rs, "read", 1));
	sc_ruleset_free(&rs);
	policy_free(p);
}

static void test_rule_args_combine_with_group(void **state)
{
	struct sbx_error err = {0};
	struct sc_ruleset rs = SC_RULESET_INIT;
	Sbx__Policy *p = parse_final(
		"seccomp { rules { action: ALLOW groups: \"net_unix\" "
		"args { index: 2 op: EQ value: 0 } } }\n", &err);

	assert_non_null(p);
	assert_int_equal(sc_expand(p->seccomp, &rs, &err), 0);
	const struct sc_entry *e = find(&rs, "socket", 0);
	assert_int_equal(e->n_args, 2); /* group's family, rule's protocol */
	assert_int_equal(e->args[0].index, 0);
	assert_int_equal(e->args[1].index, 2);
	sc_ruleset_free(&rs);
	policy_free(p);
}

static const struct {
	const char *text;
	const char *msg;
} bad[] = {
	{"seccomp { rules { action: ALLOW groups: \"fs_reed\" } }",
	 "policy t: seccomp.rules[0].groups[0] (\"fs_reed\") is not a syscall "
	 "group (`sbx policy syscalls` lists them)"},
	{"seccomp { rules { action: ALLOW syscalls: [\"read\", \"frobnicate\"] } }",
	 "policy t: seccomp.rules[0].syscalls[1] (\"frobnicate\") is not a "
	 "known system call"},
	{"seccomp { rules { action: ALLOW syscalls: \"read\" } rules { action: "
	 "KILL syscalls: \"ioctl\" args { index: 1 op: NE value: 1 } args { "
	 "index: 1 op: NE value: 2 } } }",
	 "policy t: seccomp.rules[1].args[1]: argument 1 has two conditions "
	 "(libseccomp takes one per argument; split the rule)"},
	{"seccomp { rules { action: ALLOW syscalls: \"read\" args { index: 0 "
	 "op: MASKED_EQ value: 1 } } }",
	 "policy t: seccomp.rules[0].args[0]: MASKED_EQ needs a mask"},
};

static void test_validation_errors(void **state)
{
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct sbx_error err = {0};
		Sbx__Policy *p = parse_final(bad[i].text, &err);
		if (p)
			fail_msg("case %zu accepted", i);
		assert_int_equal(err.code, -EINVAL);
		if (strcmp(err.msg, bad[i].msg) != 0)
			fail_msg("case %zu: got \"%s\", want \"%s\"", i, err.msg,
				 bad[i].msg);
	}
}

/* No built-in policy lets a call of a dangerous group through, except the
 * harmless personalities the process group allows by value. */
static void test_builtins_refuse_dangerous(void **state)
{
	struct sbx_error err = {0};
	Sbx__SyscallGroups *g = NULL;

	assert_int_equal(sc_groups_load(&g, &err), 0);
	for (size_t b = 0; b < builtin_policies_count; b++) {
		Sbx__Policy *p = load_final(builtin_policies[b].name);
		struct sc_ruleset rs = SC_RULESET_INIT;
		assert_true(p->seccomp->enabled);
		assert_int_not_equal(p->seccomp->default_action,
				     SBX__SECCOMP__ACTION__ALLOW);
		assert_false(p->seccomp->allow_foreign_abis);
		assert_int_equal(sc_expand(p->seccomp, &rs, &err), 0);
		for (size_t i = 0; i < rs.n; i++) {
			const struct sc_entry *e = &rs.v[i];
			bool lets_through =
				e->action == SBX__SECCOMP__ACTION__ALLOW ||
				e->action == SBX__SECCOMP__ACTION__LOG;
			for (size_t k = 0; lets_through && k < g->n_groups; k++) {
				const Sbx__SyscallGroups__Group *gr = g->groups[k];
				if (!gr->dangerous)
					continue;
				for (size_t j = 0; j < gr->n_syscalls; j++) {
					if (strcmp(gr->syscalls[j], e->name))
						continue;
					if (strcmp(e->name, "personality") == 0 &&
					    e->n_args == 1 &&
					    e->args[0].op == SBX__SECCOMP__OP__EQ &&
					    (e->args[0].value == 0 ||
					     e->args[0].value == 8 ||
					     e->args[0].value == 0x20000 ||
					     e->args[0].value == 0x20008 ||
					     e->args[0].value == 0xffffffff))
						continue;
					fail_msg("%s lets %s (group %s) through",
						 p->name, e->name, gr->name);
				}
			}
		}
		sc_ruleset_free(&rs);
		policy_free(p);
	}
	protobuf_c_message_free_unpacked(&g->base, NULL);
}

/* A classic-BPF interpreter for what libseccomp emits, over seccomp_data. */
static uint32_t run_bpf(const struct sock_filter *f, unsigned n,
			const struct seccomp_data *d)
{
	uint32_t a = 0, x = 0, mem[BPF_MEMWORDS] = {0};

	for (unsigned pc = 0; pc < n; pc++) {
		const struct sock_filter *i = &f[pc];
		switch (i->code) {
		case BPF_LD | BPF_W | BPF_ABS:
			assert_true(i->k + 4 <= sizeof(*d));
			memcpy(&a, (const char *)d + i->k, 4);
			break;
		case BPF_LD | BPF_MEM:
			a = mem[i->k];
			break;
		case BPF_LDX | BPF_MEM:
			x = mem[i->k];
			break;
		case BPF_ST:
			mem[i->k] = a;
			break;
		case BPF_STX:
			mem[i->k] = x;
			break;
		case BPF_LD | BPF_IMM:
			a = i->k;
			break;
		case BPF_ALU | BPF_AND | BPF_K:
			a &= i->k;
			break;
		case BPF_ALU | BPF_OR | BPF_K:
			a |= i->k;
			break;
		case BPF_MISC | BPF_TAX:
			x = a;
			break;
		case BPF_MISC | BPF_TXA:
			a = x;
			break;
		case BPF_JMP | BPF_JA:
			pc += i->k;
			break;
		case BPF_JMP | BPF_JEQ | BPF_K:
			pc += a == i->k ? i->jt : i->jf;
			break;
		case BPF_JMP | BPF_JGT | BPF_K:
			pc += a > i->k ? i->jt : i->jf;
			break;
		case BPF_JMP | BPF_JGE | BPF_K:
			pc += a >= i->k ? i->jt : i->jf;
			break;
		case BPF_JMP | BPF_JSET | BPF_K:
			pc += (a & i->k) ? i->jt : i->jf;
			break;
		case BPF_RET | BPF_K:
			return i->k;
		default:
			fail_msg("BPF opcode %#x at %u not interpreted", i->code, pc);
		}
	}
	fail_msg("BPF program fell off its end");
	return 0;
}

/* The kernel's combination of the stacked filters: the most severe answer,
 * ties to the filter loaded last (main). */
static uint32_t verdict(const struct scf_prog *p, uint32_t arch, int nr,
			uint64_t a0, uint64_t a1, uint64_t a2)
{
	struct seccomp_data d = {.nr = nr, .arch = arch,
				 .args = {a0, a1, a2, 0, 0, 0}};
	uint32_t m = run_bpf(p->main, p->n_main, &d);
	uint32_t e;

	if (!p->n_extra)
		return m;
	e = run_bpf(p->extra, p->n_extra, &d);
	/* signed comparison of the action, as in seccomp_run_filters */
	return (int32_t)(e & SECCOMP_RET_ACTION_FULL) <
	       (int32_t)(m & SECCOMP_RET_ACTION_FULL) ? e : m;
}

static struct scf_exec no_exec = {"/x", NULL, NULL};

static void compile_builtin(const char *name, struct scf_prog *ret)
{
	struct sbx_error err = {0};
	Sbx__Policy *p = load_final(name);

	if (scf_compile(p->seccomp, scf_user_notif(), ret, &err) < 0)
		fail_msg("%s: %s", name, err.msg);
	scf_patch(ret, 3, &no_exec);
	policy_free(p);
}

#define NATIVE AUDIT_ARCH_X86_64
#define NR(n) seccomp_syscall_resolve_name(n)
#define ACT(r) ((r) & SECCOMP_RET_ACTION_FULL)
/* NOTIFY, or KILL where the kernel has no user notification */
#define REFUSED(r) (ACT(r) == SECCOMP_RET_USER_NOTIF || \
		    ACT(r) == SECCOMP_RET_KILL_PROCESS)

static void test_compiled_builtins(void **state)
{
#if defined(__x86_64__)
	const char *names[] = {"strict", "judge", "build"};

	for (size_t b = 0; b < 3; b++) {
		struct scf_prog p;
		compile_builtin(names[b], &p);
		assert_true(p.n_main > 10);
		/* TIOCSTI/TIOCLINUX through the exceptions filter */
		assert_int_equal(p.n_extra > 0, 1);
		assert_int_equal(verdict(&p, NATIVE, NR("ioctl"), 0, 0x5412, 0),
				 SECCOMP_RET_ERRNO | EPERM);
		assert_int_equal(verdict(&p, NATIVE, NR("ioctl"), 0,
					 0xffffffff00005412ULL, 0),
				 SECCOMP_RET_ERRNO | EPERM);
		assert_int_equal(verdict(&p, NATIVE, NR("ioctl"), 0, 0x541c, 0),
				 SECCOMP_RET_ERRNO | EPERM);
		assert_int_equal(verdict(&p, NATIVE, NR("ioctl"), 0, 0x5401, 0),
				 SECCOMP_RET_ALLOW);
		assert_int_equal(verdict(&p, NATIVE, NR("read"), 0, 0, 0),
				 SECCOMP_RET_ALLOW);
		/* dangerous and unknown calls to the default */
		assert_true(REFUSED(verdict(&p, NATIVE, NR("mount"), 0, 0, 0)));
		assert_true(REFUSED(verdict(&p, NATIVE, NR("unshare"), 0, 0, 0)));
		assert_true(REFUSED(verdict(&p, NATIVE, NR("bpf"), 0, 0, 0)));
		assert_true(REFUSED(verdict(&p, NATIVE, 999, 0, 0, 0)));
		/* namespace flags on clone */
		assert_true(REFUSED(verdict(&p, NATIVE, NR("clone"),
					    0x10000011, 0, 0)));
		/* foreign ABIs: i386 and x32 killed outright */
		assert_int_equal(verdict(&p, AUDIT_ARCH_I386, 20, 0, 0, 0),
				 SECCOMP_RET_KILL_PROCESS);
		assert_int_equal(verdict(&p, NATIVE, 0x40000000 | 39, 0, 0, 0),
				 SECCOMP_RET_KILL_PROCESS);
		/* the payload's own exec and its channel */
		assert_int_equal(verdict(&p, NATIVE, NR("execve"),
					 (uintptr_t)no_exec.path, 0, 0),
				 SECCOMP_RET_ALLOW);
		if (b == 0) {
			assert_true(REFUSED(verdict(&p, NATIVE, NR("execve"),
						    1, 0, 0)));
			assert_true(REFUSED(verdict(&p, NATIVE, NR("socket"),
						    1, 1, 0)));
			assert_true(REFUSED(verdict(&p, NATIVE, NR("clone"),
						    0x11, 0, 0)));
		} else {
			assert_int_equal(verdict(&p, NATIVE, NR("clone"), 0x3d0f00,
						 0, 0), SECCOMP_RET_ALLOW);
			assert_int_equal(verdict(&p, NATIVE, NR("clone3"), 0, 0, 0),
					 SECCOMP_RET_ERRNO | ENOSYS);
		}
		if (b == 2) {
			assert_int_equal(verdict(&p, NATIVE, NR("socket"), 1, 1, 0),
					 SECCOMP_RET_ALLOW);
			assert_int_equal(verdict(&p, NATIVE, NR("socket"), 2, 1, 0),
					 SECCOMP_RET_ERRNO | EAFNOSUPPORT);
			assert_int_equal(verdict(&p, NATIVE, NR("personality"),
						 0x40000, 0, 0) != SECCOMP_RET_ALLOW, 1);
			assert_int_equal(verdict(&p, NATIVE, NR("personality"),
						 0xffffffff, 0, 0),
					 SECCOMP_RET_ALLOW);
		}
		scf_prog_free(&p);
	}
#else
	skip();
#endif
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

/* The compile cost is on every run's path: report the median. */
static void test_compile_cost(void **state)
{
	const char *names[] = {"strict", "judge", "build"};
	enum { N = 41 };

	for (size_t b = 0; b < 3; b++) {
		uint64_t t[N];
		unsigned n_main = 0, n_extra = 0;
		for (int i = 0; i < N; i++) {
			struct scf_prog p;
			compile_builtin(names[b], &p);
			t[i] = p.compile_usec;
			n_main = p.n_main;
			n_extra = p.n_extra;
			scf_prog_free(&p);
		}
		qsort(t, N, sizeof(t[0]), cmp_u64);
		printf("# seccomp compile %-6s median %" PRIu64 " us (min %" PRIu64
		       ", max %" PRIu64 "), %u + %u BPF instructions\n",
		       names[b], t[N / 2], t[0], t[N - 1], n_main, n_extra);
		/* generous: a sanitizer build is several times slower */
		assert_true(t[N / 2] < 100000);
	}
}

/* Loading is what the payload pays: one or two seccomp() calls. Measured
 * in forked children (a filter cannot be removed), median reported. */
static void test_load_cost(void **state)
{
	enum { N = 21 };
	uint64_t t[N];
	struct scf_prog p;

	compile_builtin("build", &p);
	for (int i = 0; i < N; i++) {
		int fds[2];
		assert_int_equal(pipe(fds), 0);
		pid_t pid = fork();
		assert_true(pid >= 0);
		if (pid == 0) {
			struct setup_error e;
			struct timespec a, b;
			uint64_t us;
			p.listener = false; /* nobody would answer */
			prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
			clock_gettime(CLOCK_MONOTONIC, &a);
			if (scf_load(&p, -1, &no_exec, &e) < 0)
				_exit(1);
			clock_gettime(CLOCK_MONOTONIC, &b);
			us = (uint64_t)(b.tv_sec - a.tv_sec) * 1000000 +
			     (uint64_t)(b.tv_nsec - a.tv_nsec) / 1000;
			_exit(write(fds[1], &us, sizeof(us)) == sizeof(us) ? 0 : 2);
		}
		close(fds[1]);
		int st;
		assert_int_equal(waitpid(pid, &st, 0), pid);
		assert_true(WIFEXITED(st) && WEXITSTATUS(st) == 0);
		assert_int_equal(read(fds[0], &t[i], sizeof(t[i])), sizeof(t[i]));
		close(fds[0]);
	}
	qsort(t, N, sizeof(t[0]), cmp_u64);
	printf("# seccomp load (payload) build median %" PRIu64 " us (min %"
	       PRIu64 ", max %" PRIu64 ")\n", t[N / 2], t[0], t[N - 1]);
	scf_prog_free(&p);
}

static void test_relaxing_condition_rejected(void **state)
{
	struct sbx_error err = {0};
	struct scf_prog prog;
	Sbx__Policy *p = parse_final(
		"seccomp { rules { action: ERRNO syscalls: \"ioctl\" }\n"
		" rules { action: ALLOW syscalls: \"ioctl\" args { index: 1 op: "
		"EQ value: 1 } } }\n", &err);

	assert_non_null(p);
	assert_int_equal(scf_compile(p->seccomp, true, &prog, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "seccomp.rules[1]: ioctl: a condition "
				       "with action allow cannot refine"));
	policy_free(p);
}

/* A rule's constant equal to a placeholder would be patched with the
 * payload's values: refused, in either half of the 64-bit value. */
static void test_placeholder_values_rejected(void **state)
{
	const uint64_t reserved[] = {0x7b5bc0de, 0x7b5bc0e4ULL << 32,
				0x100000000ULL | 0x7b5bc0e6};

	for (size_t i = 0; i < ARRAY_SIZE(reserved); i++) {
		struct sbx_error err = {0};
		struct scf_prog prog;
		char text[256];
		snprintf(text, sizeof(text), "seccomp { rules { action: ERRNO "
			 "syscalls: \"ioctl\" args { index: 1 op: EQ value: "
			 "%llu } } }\n", (unsigned long long)reserved[i]);
		Sbx__Policy *p = parse_final(text, &err);
		assert_non_null(p);
		assert_int_equal(scf_compile(p->seccomp, true, &prog, &err),
				 -EINVAL);
		assert_non_null(strstr(err.msg, "is reserved by sbx"));
		policy_free(p);
	}
}

/* The payload's execve passes only with exactly its three pointers, which
 * it patches in: both halves of each count. */
static void test_exec_placeholders(void **state)
{
#if defined(__x86_64__)
	const uint64_t path = 0x1122334455667788ULL, argv = 0x99aabbccddeeff00ULL,
		       envp = 0x0123456789abcdefULL;
	struct scf_exec x = {(const char *)(uintptr_t)path,
			     (char *const *)(uintptr_t)argv,
			     (char *const *)(uintptr_t)envp};
	Sbx__Policy *p = load_final("strict");
	struct sbx_error err = {0};
	struct scf_prog prog;

	assert_int_equal(scf_compile(p->seccomp, true, &prog, &err), 0);
	assert_true(REFUSED(verdict(&prog, NATIVE, NR("execve"), path, argv,
				    envp)));
	scf_patch(&prog, 7, &x);
	assert_int_equal(verdict(&prog, NATIVE, NR("execve"), path, argv, envp),
			 SECCOMP_RET_ALLOW);
	assert_true(REFUSED(verdict(&prog, NATIVE, NR("execve"), path ^ 1ULL << 40,
				    argv, envp)));
	assert_true(REFUSED(verdict(&prog, NATIVE, NR("execve"), path, argv ^ 1,
				    envp)));
	assert_true(REFUSED(verdict(&prog, NATIVE, NR("execve"), path, argv,
				    envp ^ 1ULL << 33)));
	assert_int_equal(verdict(&prog, NATIVE, NR("sendmsg"), 7, 0, 0),
			 SECCOMP_RET_ALLOW);
	assert_true(REFUSED(verdict(&prog, NATIVE, NR("sendmsg"), 8, 0, 0)));
	scf_prog_free(&prog);
	policy_free(p);
#else
	skip();
#endif
}

/* The merged program answers every call as the stacked pair does: every
 * syscall number of the native and the x32 ABI, i386's, and argument
 * values that rules of the built-ins test (the TIOCSTI/TIOCLINUX
 * exceptions, clone's namespace flags, socket families). */
static void test_merge_answers_as_stacked(void **state)
{
#if defined(__x86_64__)
	const char *names[] = {"strict", "judge", "build"};
	const uint64_t v[] = {0, 1, 2, 10, 0x11, 0x5412, 0x541c, 0x5401,
			      0xffffffff00005412ULL, 0x10000011, 0x3d0f00,
			      0x7fffffffULL << 8};
	const uint32_t arches[] = {NATIVE, AUDIT_ARCH_I386};

	for (size_t b = 0; b < ARRAY_SIZE(names); b++) {
		struct scf_prog stacked, merged = {0};
		compile_builtin(names[b], &stacked);
		assert_true(stacked.n_extra > 0);
		merged.n_main = stacked.n_main;
		merged.n_extra = stacked.n_extra;
		merged.main = malloc(stacked.n_main * sizeof(*merged.main));
		merged.extra = malloc(stacked.n_extra * sizeof(*merged.extra));
		assert_non_null(merged.main);
		assert_non_null(merged.extra);
		memcpy(merged.main, stacked.main, stacked.n_main * sizeof(*merged.main));
		memcpy(merged.extra, stacked.extra,
		       stacked.n_extra * sizeof(*merged.extra));
		assert_int_equal(scf_merge(&merged), 0);
		assert_int_equal(merged.n_extra, 0);
		assert_int_equal(merged.n_main, stacked.n_main + stacked.n_extra);
		for (size_t a = 0; a < ARRAY_SIZE(arches); a++)
			for (int nr = 0; nr < 470; nr++)
				for (size_t i = 0; i < ARRAY_SIZE(v); i++)
					for (size_t j = 0; j < ARRAY_SIZE(v); j++) {
						int n = a == 0 && (i + j) % 5 == 4 ?
							0x40000000 | nr : nr;
						assert_int_equal(
							verdict(&merged, arches[a], n, v[i], v[j], 0),
							verdict(&stacked, arches[a], n, v[i], v[j], 0));
					}
		/* and the exception still holds in the merged program */
		assert_int_equal(verdict(&merged, NATIVE, NR("ioctl"), 0, 0x5412, 0),
				 SECCOMP_RET_ERRNO | EPERM);
		scf_prog_free(&merged);
		scf_prog_free(&stacked);
	}
#else
	skip();
#endif
}

static bool same_prog(const struct scf_prog *a, const struct scf_prebuilt *b)
{
	return a->n_main == b->n_main && a->n_extra == b->n_extra &&
	       a->listener == b->listener &&
	       !memcmp(a->main, b->main, a->n_main * sizeof(*a->main)) &&
	       (!a->n_extra ||
		!memcmp(a->extra, b->extra, a->n_extra * sizeof(*a->extra)));
}

/* Each built-in's program compiled with sbx is found through the policy a
 * run builds (the command line's path) and is what compiling now gives;
 * any change to the seccomp section misses it, other overrides do not. */
static void test_prebuilt_builtins(void **state)
{
	const char *names[] = {"strict", "judge", "build"};

	assert_int_equal(scf_prebuilt_count, ARRAY_SIZE(names));
	for (size_t i = 0; i < ARRAY_SIZE(names); i++) {
		struct sbx_error err = {0};
		struct scf_prog prog;
		Sbx__Policy *p = NULL;
		const struct scf_prebuilt *pb;

		assert_int_equal(cli_build_policy(names[i], NULL, &p, &err), 0);
		pb = scf_prebuilt_find(p->seccomp);
		assert_non_null(pb);
		assert_string_equal(pb->policy, names[i]);
		assert_int_equal(scf_compile(p->seccomp, true, &prog, &err), 0);
		assert_int_equal(scf_merge(&prog), 0);
		assert_true(same_prog(&prog, pb));
		scf_prog_free(&prog);

		p->limits->has_memory_bytes = true;
		p->limits->memory_bytes = 12345678;
		assert_ptr_equal(scf_prebuilt_find(p->seccomp), pb);
		p->seccomp->allow_foreign_abis = !p->seccomp->allow_foreign_abis;
		assert_null(scf_prebuilt_find(p->seccomp));
		p->seccomp->allow_foreign_abis = !p->seccomp->allow_foreign_abis;
		p->seccomp->rules[0]->action = SBX__SECCOMP__ACTION__LOG;
		assert_null(scf_prebuilt_find(p->seccomp));
		policy_free(p);
	}
}

static void test_listener_over_channel(void **state)
{
	int sv[2], pipefd[2];
	struct chan_msg m;

	assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0,
				    sv), 0);
	assert_int_equal(pipe2(pipefd, O_CLOEXEC), 0);
	assert_int_equal(chan_send_fd(sv[1], CHAN_SECCOMP_LISTENER, pipefd[1]), 0);
	assert_int_equal(chan_recv(sv[0], &m), CHAN_SECCOMP_LISTENER);
	assert_true(m.fd >= 0);
	assert_int_equal(fcntl(m.fd, F_GETFD), FD_CLOEXEC);
	assert_int_equal(write(m.fd, "x", 1), 1);
	char c;
	assert_int_equal(read(pipefd[0], &c, 1), 1);
	close(m.fd);
	/* an fd riding on another packet type is dropped, not leaked */
	assert_int_equal(chan_send_started(sv[1], 5, NULL, 0), 0);
	assert_int_equal(chan_recv(sv[0], &m), CHAN_STARTED);
	assert_int_equal(m.fd, -1);
	close(pipefd[0]);
	close(pipefd[1]);
	close(sv[0]);
	close(sv[1]);
}

static void test_print(void **state)
{
	Sbx__Policy *p = load_final("build");
	struct sbx_error err = {0};
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_int_equal(sc_print(p->seccomp, f, &err), 0);
	fclose(f);
	assert_non_null(strstr(buf, "clone3"));
	assert_non_null(strstr(buf, "errno(38)"));
	assert_non_null(strstr(buf, "if arg1 & 0xffffffff == 0x5412"));
	assert_non_null(strstr(buf, "(default)                notify"));
	free(buf);
	policy_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_groups_well_formed),
		cmocka_unit_test(test_expansion_and_overrides),
		cmocka_unit_test(test_rule_args_combine_with_group),
		cmocka_unit_test(test_validation_errors),
		cmocka_unit_test(test_builtins_refuse_dangerous),
		cmocka_unit_test(test_compiled_builtins),
		cmocka_unit_test(test_compile_cost),
		cmocka_unit_test(test_load_cost),
		cmocka_unit_test(test_relaxing_condition_rejected),
		cmocka_unit_test(test_placeholder_values_rejected),
		cmocka_unit_test(test_exec_placeholders),
		cmocka_unit_test(test_merge_answers_as_stacked),
		cmocka_unit_test(test_prebuilt_builtins),
		cmocka_unit_test(test_listener_over_channel),
		cmocka_unit_test(test_print),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

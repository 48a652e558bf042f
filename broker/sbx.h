/* libsbx: run one program in a sandbox described by a policy (broker side).
 *
 * Lifecycle: load a policy (policies/policy.h: policy_load, policy_merge,
 * policy_finalize), fill a struct sbx_run_opts, call sbx_run(), read the
 * struct sbx_result, free the policy. The library never prints, never exits
 * and keeps no global state; errors come back in struct sbx_error. Several
 * threads may run sandboxes at once (tests/integration/threads.c). */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "error.h"
#include "sbx.pb-c.h"

/* Exit codes of the sbx CLI besides the payload's own. */
#define SBX_EXIT_FAILURE 125   /* sbx itself failed: bad input or setup */
#define SBX_EXIT_NOEXEC 126    /* the program exists but cannot be run */
#define SBX_EXIT_NOTFOUND 127  /* the program does not exist */

enum sbx_verdict {
	SBX_VERDICT_OK,  /* exited 0 */
	SBX_VERDICT_RE,  /* exited non-zero */
	SBX_VERDICT_SIG, /* killed by a signal */
	SBX_VERDICT_TLE, /* CPU time limit */
	SBX_VERDICT_WLE, /* wall time limit */
	SBX_VERDICT_MLE, /* memory limit */
	SBX_VERDICT_OLE, /* output limit */
	SBX_VERDICT_SYS, /* forbidden system call */
	SBX_VERDICT_ERR, /* sbx failed */
};

struct sbx_run_opts {
	char *const *argv;  /* program and arguments; argv[0] is resolved on
			     * the host through PATH when it has no '/' */
	bool timings;       /* record per-step durations (sbx_result.timings) */
	/* Redirections, opened by the broker with the caller's rights; NULL:
	 * inherit. Output files are truncated. */
	const char *stdin_path;
	const char *stdout_path;
	const char *stderr_path;
	/* List the run among the caller's running sandboxes while it runs
	 * (broker/registry.h), for `sbx list` and `sbx enter`. */
	bool register_run;
};

#define SBX_MAX_TIMINGS 32

struct sbx_timing {
	const char *step; /* static string */
	uint64_t usec;
};

struct sbx_result {
	enum sbx_verdict verdict;
	int exit_code;        /* valid when the payload exited; with
			       * SBX_VERDICT_ERR, 126/127 when the program
			       * could not be run / found */
	int signal;           /* valid when it was killed by a signal */
	const char *limit;    /* the limit that fired ("cpu_time_ms", ...) or
			       * NULL; static string */
	uint64_t wall_usec;   /* from the sandbox's release to its end */
	uint64_t user_usec;   /* CPU of every process in the sandbox, PID 1's
			       * own setup excluded */
	uint64_t sys_usec;
	uint64_t maxrss_kib;  /* largest RSS of any process (rusage) */
	bool has_memory_peak; /* cgroup memory.peak / max_usage_in_bytes */
	uint64_t memory_peak_bytes;
	bool oom_killed;      /* the kernel's OOM killer fired in the group */
	bool has_pids_peak;
	uint64_t pids_peak;
	uint64_t nvcsw, nivcsw;
	uint64_t output_bytes;      /* written to stdout and stderr (counted
				     * when an output limit applies) */
	const char *accounting;     /* "cgroup" or "rusage" */
	const char *cgroup_version; /* "v1", "v2", "hybrid" or "none" */
	char note[256];             /* why accounting fell back, or "" */
	unsigned n_timings;
	struct sbx_timing timings[SBX_MAX_TIMINGS];
	/* SBX_VERDICT_SYS: the forbidden call, when the broker learnt it
	 * (seccomp notification); "" when the filter killed the program
	 * itself (SIGSYS, no notification available) */
	char syscall[32];
	bool has_syscall_args;
	uint64_t syscall_args[6];
	uint64_t seccomp_compile_usec; /* building the filter (broker) */
	char id[16];          /* the run's id while it was listed
			       * (register_run), or "" */
};

/* Runs opts->argv under policy (finalized by policy_finalize). Returns 0 when
 * the payload ran (whatever its verdict) with *res filled, or a negative
 * errno when sbx could not set up the sandbox, with err describing the step;
 * res->verdict is then SBX_VERDICT_ERR and no process, mount or temporary
 * file of the run remains. */
int sbx_run(const Sbx__Policy *policy, const struct sbx_run_opts *opts,
	    struct sbx_result *res, struct sbx_error *err);

/* A running sandbox of the caller's, as sbx_list sees it. */
struct sbx_running {
	const char *id;
	int pid;               /* its PID 1, as the caller sees it */
	const char *policy;    /* the policy's name, or "" */
	int64_t started_unix;
	char *const *argv;     /* the program and its arguments */
	size_t argc;
	bool has_cpu;          /* from its cgroup */
	uint64_t cpu_usec;
	bool has_memory;       /* its cgroup's, or its processes' resident */
	uint64_t memory_bytes;
};

/* Calls fn for each running sandbox the caller started with register_run,
 * oldest first (the pointers are valid during the call only), and forgets
 * those that ended without saying so. Returns how many, or -errno with err
 * set. */
int sbx_list(void (*fn)(const struct sbx_running *r, void *data), void *data,
	     struct sbx_error *err);

struct sbx_enter_opts {
	const char *id;     /* a running sandbox's id (sbx list), or a
			     * unique prefix of one */
	char *const *argv;  /* the command, searched in the policy's PATH
			     * inside; NULL: /bin/sh */
};

/* Runs a command inside a running sandbox of the caller's (one started with
 * register_run), under the same restrictions as its payload: its
 * namespaces, root, ids, cgroups and limits, no capabilities, its seccomp
 * filter (where the policy would have the broker report a call, the
 * command is killed instead). Through a pseudo-terminal of ours when stdin
 * and stdout are terminals. Returns 0 with *ret_status the command's exit
 * status (its code, or 128+signal; 126/127 when it could not be run or
 * found), or -errno with err set (*ret_status SBX_EXIT_FAILURE). */
int sbx_enter(const struct sbx_enter_opts *opts, int *ret_status,
	      struct sbx_error *err);

/* The CLI's exit status for a result, also after sbx_run failed: the
 * payload's exit code, 128+signal, SBX_EXIT_NOTFOUND / SBX_EXIT_NOEXEC when
 * the program could not be found / run, or SBX_EXIT_FAILURE. */
int sbx_exit_status(const struct sbx_result *res);

/* "OK", "RE", ... */
const char *sbx_verdict_name(enum sbx_verdict v);

/* Writes res as one JSON object (and a newline) to f; policy_name may be
 * NULL. Returns 0 or -errno. */
int sbx_result_write_json(const struct sbx_result *res,
			  const char *policy_name, FILE *f);

/* Writes res as an isolate-compatible meta file (key:value lines: time,
 * time-wall, max-rss, cg-mem, cg-oom-killed, exitcode, exitsig, killed,
 * status, message, csw-voluntary, csw-forced). Returns 0 or -errno. */
int sbx_result_write_meta(const struct sbx_result *res, FILE *f);

/* A one-line human summary (no newline) into buf. */
void sbx_result_summary(const struct sbx_result *res, char *buf,
			size_t size);

/* Verdicts, exit statuses and names (broker). */
#include "result.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>

static const char *const names[] = {
	[SBX_VERDICT_OK] = "OK",   [SBX_VERDICT_RE] = "RE",
	[SBX_VERDICT_SIG] = "SIG", [SBX_VERDICT_TLE] = "TLE",
	[SBX_VERDICT_WLE] = "WLE", [SBX_VERDICT_MLE] = "MLE",
	[SBX_VERDICT_OLE] = "OLE", [SBX_VERDICT_SYS] = "SYS",
	[SBX_VERDICT_ERR] = "ERR",
};

const char *sbx_verdict_name(enum sbx_verdict v)
{
	if ((unsigned)v >= sizeof(names) / sizeof(names[0]))
		return "?";
	return names[v];
}

int sbx_exit_status(const struct sbx_result *res)
{
	switch (res->verdict) {
	case SBX_VERDICT_ERR:
		/* the program itself could not be found or run */
		if (res->exit_code == SBX_EXIT_NOTFOUND ||
		    res->exit_code == SBX_EXIT_NOEXEC)
			return res->exit_code;
		return SBX_EXIT_FAILURE;
	case SBX_VERDICT_OK:
	case SBX_VERDICT_RE:
		return res->exit_code;
	default:
		return res->signal ? 128 + res->signal : res->exit_code;
	}
}

static enum sbx_verdict verdict(const struct supervision *s,
				const struct sbx_result *res,
				const Sbx__Limits *l, const char **limit)
{
	int st = s->report.wait_status;
	uint64_t cpu = res->user_usec + res->sys_usec;

	/* our kill for a forbidden call comes first: it caused the end */
	if (s->sys.hit)
		return SBX_VERDICT_SYS;
	if (s->wall_expired) {
		*limit = "wall_time_ms";
		return SBX_VERDICT_WLE;
	}
	if (s->cpu_expired || (l->has_cpu_time_ms && cpu > l->cpu_time_ms * 1000) ||
	    (s->got_report && WIFSIGNALED(st) && WTERMSIG(st) == SIGXCPU)) {
		*limit = "cpu_time_ms";
		return SBX_VERDICT_TLE;
	}
	if (s->output_exceeded) {
		*limit = "output_bytes";
		return SBX_VERDICT_OLE;
	}
	if (res->oom_killed || s->memory_exceeded) {
		*limit = "memory_bytes";
		return SBX_VERDICT_MLE;
	}
	if (!s->got_report)
		return SBX_VERDICT_ERR;
	/* SECCOMP_RET_KILL_PROCESS: the filter's own kill */
	if (WIFSIGNALED(st) && WTERMSIG(st) == SIGSYS)
		return SBX_VERDICT_SYS;
	if (WIFSIGNALED(st))
		return SBX_VERDICT_SIG;
	return WEXITSTATUS(st) ? SBX_VERDICT_RE : SBX_VERDICT_OK;
}

/* CPU from the cgroup when there is one: it also counts processes that
 * were never reaped by PID 1 (killed with the namespace), less PID 1's own
 * setup work. rusage otherwise. */
static void fill_cpu(const struct supervision *s, const struct cg_stats *cs,
		     struct sbx_result *res)
{
	const Sbx__ExitReport *r = &s->report;

	res->user_usec = r->user_usec;
	res->sys_usec = r->sys_usec;
	res->accounting = "rusage";
	if (!cs || !cs->has_cpu)
		return;
	uint64_t init = r->has_init_cpu_usec ? r->init_cpu_usec :
			s->started ? s->init_setup_cpu_usec : 0;
	uint64_t total = cs->cpu_usec > init ? cs->cpu_usec - init : 0;
	/* The group splits user/system in coarse ticks on v1: keep its
	 * proportion, but its exact total. */
	uint64_t split = cs->user_usec + cs->sys_usec;
	res->user_usec = split ? total * cs->user_usec / split : total;
	res->sys_usec = total - res->user_usec;
	res->accounting = "cgroup";
}

/* A call refused through the listener: the sandbox was killed by us, as
 * if by the filter itself (SIGSYS, exit status 159). */
static void result_fill_syscall(const struct supervision *s,
				struct sbx_result *res)
{
	if (!s->sys.hit)
		return;
	snprintf(res->syscall, sizeof(res->syscall), "%s", s->sys.name);
	res->has_syscall_args = true;
	memcpy(res->syscall_args, s->sys.args, sizeof(res->syscall_args));
	res->signal = SIGSYS;
	res->limit = NULL;
}

void result_fill(const struct supervision *s, const struct cg_stats *cs,
		 const Sbx__Limits *limits, struct sbx_result *res)
{
	const Sbx__ExitReport *r = &s->report;
	int st = r->wait_status;

	fill_cpu(s, cs, res);
	res->maxrss_kib = r->maxrss_kib;
	res->nvcsw = r->nvcsw;
	res->nivcsw = r->nivcsw;
	res->wall_usec = s->wall_usec;
	if (cs) {
		res->has_memory_peak = cs->has_memory_peak;
		res->memory_peak_bytes = cs->memory_peak_bytes;
		res->oom_killed = cs->oom_kills > 0;
		res->has_pids_peak = cs->has_pids_peak;
		res->pids_peak = cs->pids_peak;
	}
	res->verdict = verdict(s, res, limits, &res->limit);
	if (s->got_report && WIFEXITED(st))
		res->exit_code = WEXITSTATUS(st);
	if (s->got_report && WIFSIGNALED(st))
		res->signal = WTERMSIG(st);
	if ((s->wall_expired || s->cpu_expired || s->output_exceeded ||
	     s->memory_exceeded) &&
	    !res->signal)
		res->signal = SIGKILL;
	result_fill_syscall(s, res);
}

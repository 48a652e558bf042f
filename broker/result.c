/* Verdicts, exit statuses and names (broker). */
#include "result.h"

#include <signal.h>
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
		return SBX_EXIT_FAILURE;
	case SBX_VERDICT_OK:
	case SBX_VERDICT_RE:
		return res->exit_code;
	default:
		return res->signal ? 128 + res->signal : res->exit_code;
	}
}

static enum sbx_verdict verdict(const struct supervision *s,
				const Sbx__Limits *l, uint64_t cpu_usec)
{
	int st = s->report.wait_status;

	if (s->wall_expired)
		return SBX_VERDICT_WLE;
	if (!s->got_report)
		return SBX_VERDICT_ERR;
	if ((l->has_cpu_time_ms && cpu_usec > l->cpu_time_ms * 1000) ||
	    (WIFSIGNALED(st) && WTERMSIG(st) == SIGXCPU))
		return SBX_VERDICT_TLE;
	if (WIFSIGNALED(st))
		return SBX_VERDICT_SIG;
	return WEXITSTATUS(st) ? SBX_VERDICT_RE : SBX_VERDICT_OK;
}

void result_fill(const struct supervision *s, const Sbx__Limits *limits,
		 struct sbx_result *res)
{
	const Sbx__ExitReport *r = &s->report;
	int st = r->wait_status;

	res->user_usec = r->user_usec;
	res->sys_usec = r->sys_usec;
	res->maxrss_kib = r->maxrss_kib;
	res->nvcsw = r->nvcsw;
	res->nivcsw = r->nivcsw;
	res->wall_usec = s->wall_usec;
	res->verdict = verdict(s, limits, r->user_usec + r->sys_usec);
	if (s->got_report && WIFEXITED(st))
		res->exit_code = WEXITSTATUS(st);
	if (s->got_report && WIFSIGNALED(st))
		res->signal = WTERMSIG(st);
	if (s->wall_expired && !res->signal)
		res->signal = SIGKILL;
}

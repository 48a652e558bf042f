/* Results as JSON, as an isolate meta file, and as one human line
 * (broker). */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "sbx.h"

static void json_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

static double sec(uint64_t usec)
{
	return (double)usec / 1e6;
}

int sbx_result_write_json(const struct sbx_result *r, const char *policy,
			  FILE *f)
{
	uint64_t cpu = r->user_usec + r->sys_usec;

	fprintf(f, "{\"verdict\": \"%s\"", sbx_verdict_name(r->verdict));
	if (r->verdict != SBX_VERDICT_ERR && !r->signal)
		fprintf(f, ", \"exit_code\": %d", r->exit_code);
	if (r->signal)
		fprintf(f, ", \"signal\": %d", r->signal);
	fputs(", \"limit\": ", f);
	if (r->limit)
		json_string(f, r->limit);
	else
		fputs("null", f);
	fprintf(f, ", \"cpu_time\": {\"user\": %.6f, \"system\": %.6f, "
		"\"total\": %.6f}, \"wall_time\": %.6f",
		sec(r->user_usec), sec(r->sys_usec), sec(cpu), sec(r->wall_usec));
	fprintf(f, ", \"memory\": {\"rusage_max_rss_bytes\": %" PRIu64,
		r->maxrss_kib * 1024);
	if (r->has_memory_peak)
		fprintf(f, ", \"cgroup_peak_bytes\": %" PRIu64, r->memory_peak_bytes);
	fprintf(f, ", \"oom_killed\": %s}", r->oom_killed ? "true" : "false");
	if (r->has_pids_peak)
		fprintf(f, ", \"pids_peak\": %" PRIu64, r->pids_peak);
	fprintf(f, ", \"output_bytes\": %" PRIu64, r->output_bytes);
	fprintf(f, ", \"context_switches\": {\"voluntary\": %" PRIu64
		", \"forced\": %" PRIu64 "}", r->nvcsw, r->nivcsw);
	fputs(", \"accounting\": ", f);
	json_string(f, r->accounting ? r->accounting : "none");
	fputs(", \"cgroup_version\": ", f);
	json_string(f, r->cgroup_version ? r->cgroup_version : "none");
	if (r->note[0]) {
		fputs(", \"note\": ", f);
		json_string(f, r->note);
	}
	if (r->syscall[0]) {
		fputs(", \"syscall\": ", f);
		json_string(f, r->syscall);
		fputs(", \"args\": [", f);
		for (int i = 0; i < 6 && r->has_syscall_args; i++)
			fprintf(f, "%s%" PRIu64, i ? ", " : "", r->syscall_args[i]);
		fputs("]", f);
	}
	fputs(", \"policy\": ", f);
	if (policy)
		json_string(f, policy);
	else
		fputs("null", f);
	fputs("}\n", f);
	return ferror(f) ? -EIO : 0;
}

/* isolate's status letters: RE, SG, TO, XX. */
static const char *meta_status(const struct sbx_result *r)
{
	switch (r->verdict) {
	case SBX_VERDICT_OK:
		return NULL;
	case SBX_VERDICT_RE:
		return "RE";
	case SBX_VERDICT_TLE:
	case SBX_VERDICT_WLE:
		return "TO";
	case SBX_VERDICT_ERR:
		return "XX";
	default:
		return "SG";
	}
}

static void meta_message(const struct sbx_result *r, char *buf, size_t size)
{
	switch (r->verdict) {
	case SBX_VERDICT_RE:
		snprintf(buf, size, "Exited with error status %d", r->exit_code);
		break;
	case SBX_VERDICT_SIG:
		snprintf(buf, size, "Caught fatal signal %d", r->signal);
		break;
	case SBX_VERDICT_TLE:
		snprintf(buf, size, "Time limit exceeded");
		break;
	case SBX_VERDICT_WLE:
		snprintf(buf, size, "Time limit exceeded (wall clock)");
		break;
	case SBX_VERDICT_MLE:
		snprintf(buf, size, "Memory limit exceeded");
		break;
	case SBX_VERDICT_OLE:
		snprintf(buf, size, "Output limit exceeded");
		break;
	case SBX_VERDICT_SYS:
		snprintf(buf, size, "Forbidden system call");
		break;
	default:
		buf[0] = '\0';
	}
}

int sbx_result_write_meta(const struct sbx_result *r, FILE *f)
{
	const char *status = meta_status(r);
	char msg[128];
	bool killed = r->verdict == SBX_VERDICT_TLE ||
		      r->verdict == SBX_VERDICT_WLE ||
		      r->verdict == SBX_VERDICT_OLE ||
		      r->verdict == SBX_VERDICT_MLE;

	fprintf(f, "time:%.3f\n", sec(r->user_usec + r->sys_usec));
	fprintf(f, "time-wall:%.3f\n", sec(r->wall_usec));
	fprintf(f, "max-rss:%" PRIu64 "\n", r->maxrss_kib);
	fprintf(f, "csw-voluntary:%" PRIu64 "\n", r->nvcsw);
	fprintf(f, "csw-forced:%" PRIu64 "\n", r->nivcsw);
	if (r->has_memory_peak)
		fprintf(f, "cg-mem:%" PRIu64 "\n", r->memory_peak_bytes / 1024);
	if (r->oom_killed)
		fputs("cg-oom-killed:1\n", f);
	if (r->signal)
		fprintf(f, "exitsig:%d\n", r->signal);
	else if (r->verdict != SBX_VERDICT_ERR)
		fprintf(f, "exitcode:%d\n", r->exit_code);
	if (killed)
		fputs("killed:1\n", f);
	meta_message(r, msg, sizeof(msg));
	if (status)
		fprintf(f, "status:%s\n", status);
	if (msg[0])
		fprintf(f, "message:%s\n", msg);
	return ferror(f) ? -EIO : 0;
}

void sbx_result_summary(const struct sbx_result *r, char *buf, size_t size)
{
	char what[32];

	if (r->signal)
		snprintf(what, sizeof(what), "signal %d", r->signal);
	else
		snprintf(what, sizeof(what), "exit %d", r->exit_code);
	if (r->syscall[0])
		snprintf(what, sizeof(what), "syscall %.23s", r->syscall);
	snprintf(buf, size, "%s (%s%s%s) cpu %.3fs wall %.3fs rss %" PRIu64
		 " KiB%s%s", sbx_verdict_name(r->verdict), what,
		 r->limit ? ", limit " : "", r->limit ? r->limit : "",
		 sec(r->user_usec + r->sys_usec), sec(r->wall_usec), r->maxrss_kib,
		 r->note[0] ? "; " : "", r->note);
}

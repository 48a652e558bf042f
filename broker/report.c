/* Errors, run summaries and step timings of the `sbx` CLI (broker). */
#include "report.h"

#include "doctor.h"

#include <inttypes.h>

void report_error(FILE *f, const struct sbx_error *err)
{
	fprintf(f, "sbx: %s\n", err->msg[0] ? err->msg : "unknown error");
	if (err->hint[0])
		fprintf(f, "sbx: hint: %s\n", err->hint);
}

void report_usage_error(FILE *f, const struct sbx_error *err)
{
	report_error(f, err);
	fputs("Try 'sbx --help'.\n", f);
}

void report_summary(FILE *f, const struct sbx_result *res)
{
	char line[512];

	sbx_result_summary(res, line, sizeof(line));
	fprintf(f, "sbx: %s\n", line);
}

void report_timings(FILE *f, const struct sbx_result *res)
{
	unsigned n = res->n_timings;

	if (n > SBX_MAX_TIMINGS)
		n = SBX_MAX_TIMINGS;
	for (unsigned i = 0; i < n; i++)
		fprintf(f, "sbx: timing: %-26s %8" PRIu64 ".%03" PRIu64 " ms\n",
			res->timings[i].step ? res->timings[i].step : "?",
			res->timings[i].usec / 1000,
			res->timings[i].usec % 1000);
}

int report_doctor(FILE *f, const struct doctor_check *checks, int n)
{
	int failed = 0;

	for (int i = 0; i < n; i++) {
		const struct doctor_check *c = &checks[i];
		const char *mark = c->ok ? "ok  " : c->required ? "FAIL" : "warn";

		fprintf(f, "%s %-24s %s\n", mark, c->name, c->detail);
		if (!c->ok && c->hint[0])
			fprintf(f, "     %-24s hint: %s\n", "", c->hint);
		if (!c->ok && c->required)
			failed++;
	}
	return failed;
}

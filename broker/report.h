/* What the `sbx` CLI prints on stderr: errors, the -v summary line and the
 * --timings table (broker). Formatting only; the library never prints. */
#pragma once

#include <stdio.h>

#include "error.h"
#include "sbx.h"

/* "sbx: MSG" and, when there is one, "sbx: hint: HINT". */
void report_error(FILE *f, const struct sbx_error *err);

/* report_error followed by "Try 'sbx --help'." */
void report_usage_error(FILE *f, const struct sbx_error *err);

/* One line, "sbx: " and sbx_result_summary: verdict, exit code or signal,
 * the limit that fired, CPU and wall time, peak RSS, accounting notes. */
void report_summary(FILE *f, const struct sbx_result *res);

/* One line per recorded step: "sbx: timing: STEP 1.234 ms". */
void report_timings(FILE *f, const struct sbx_result *res);

/* `sbx doctor`'s table; returns the number of required checks that failed. */
struct doctor_check;
int report_doctor(FILE *f, const struct doctor_check *checks, int n);

/* `sbx doctor`: checks this host for every feature sbx uses and says how to
 * fix what is missing (broker). */
#pragma once

#include <stdbool.h>

#define DOCTOR_TEXT_MAX 256

struct doctor_check {
	const char *name;             /* "user namespaces" */
	bool ok;
	bool required;                /* sbx cannot run without it */
	char detail[DOCTOR_TEXT_MAX]; /* what was found */
	char hint[DOCTOR_TEXT_MAX];   /* how to fix it, when !ok */
};

#define DOCTOR_MAX_CHECKS 16

/* Runs every check (forking short-lived probes for namespaces and
 * overlayfs). Returns the number of checks written to out. */
int doctor_run(struct doctor_check out[DOCTOR_MAX_CHECKS]);

/* The seccomp programs of the built-in policies, compiled when sbx itself
 * is built (broker/tools/prebuild-filters.c) and found again by the
 * finalized seccomp section they were compiled from: a run under a
 * built-in policy, or one whose overrides leave its seccomp section as it
 * is, skips libseccomp (about 0.7 ms of CPU per run). They are part of the
 * binary, so nothing a sandbox can write feeds them (broker). */
#pragma once

#include <linux/filter.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sbx.pb-c.h"
#include "seccomp_filter.h"

struct scf_prebuilt {
	const char *policy;            /* the built-in compiled */
	const uint8_t *key;            /* its packed, finalized sbx.Seccomp */
	size_t key_len;
	const struct sock_filter *main;
	unsigned short n_main;
	const struct sock_filter *extra; /* NULL when there is none */
	unsigned short n_extra;
	bool listener;
};

/* Generated: one entry per built-in policy with seccomp enabled. */
extern const struct scf_prebuilt scf_prebuilt_table[];
extern const size_t scf_prebuilt_count;

/* The program compiled from exactly sc, with user notification (callers
 * check scf_user_notif()), or NULL. */
const struct scf_prebuilt *scf_prebuilt_find(const Sbx__Seccomp *sc);

/* pb as a program to publish: its instructions stay pb's (read-only; never
 * scf_prog_free or patch it). */
struct scf_prog scf_prebuilt_prog(const struct scf_prebuilt *pb);

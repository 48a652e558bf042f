/* Watching a running sandbox: one poll loop over its pidfd, the channel,
 * the forwarded signals and the wall-clock timer (broker). */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "cgroup.h"
#include "channel.h"
#include "error.h"
#include "launch.h"
#include "notify.h"
#include "output.h"
#include "pty.h"

struct supervision {
	bool got_report;             /* PID 1 reported the payload's end */
	Sbx__ExitReport report;
	bool got_error;              /* a setup step failed */
	struct chan_setup_error error;
	bool started;                /* the payload was started */
	uint64_t init_setup_cpu_usec;/* PID 1's CPU until then */
	uint32_t setup_usec[CHAN_MAX_STEPS]; /* its setup's parts (enum
				      * sandbox_timing), for --timings */
	unsigned n_setup_usec;
	bool wall_expired;           /* we killed it at the wall limit */
	bool cpu_expired;            /* we killed it at the CPU limit */
	bool output_exceeded;        /* we killed it at the output limit */
	bool memory_exceeded;        /* without a cgroup: we killed it when
				      * its resident memory passed the limit */
	uint64_t cg_cpu_usec;        /* last CPU reading of the cgroup */
	bool reported;               /* the report came: cg_stats read (with
				      * a cgroup), watch.reported called */
	struct cg_stats cg_stats;
	int init_status;             /* wait status of PID 1 */
	uint64_t wall_usec;          /* release to PID 1's end */
	int listener;                /* seccomp notification fd, or -1 */
	struct notify_record sys;    /* the refused call, if any */
};

/* What to watch for: 0 means no limit. */
struct watch {
	uint64_t wall_ms;
	uint64_t cpu_usec;   /* the CPU of every process together: the cgroup's,
			      * or sampled from /proc without one */
	uint64_t memory_bytes; /* without cg: sampled resident memory */
	struct cgroup *cg;
	struct output *out;  /* the stdout/stderr relay (may have no pipes) */
	struct pty *pty;     /* the terminal relay (broker/pty.c), or NULL */
	/* Called once when PID 1 has reported the payload's end, for what
	 * need not wait for PID 1's own exit (the teardown of its
	 * namespaces); may be NULL. */
	void (*reported)(void *data);
	void *reported_data;
};

/* How often the cgroup's CPU time is read while a CPU limit applies: a
 * spinning program is stopped at most this late. */
#define SUPERVISE_CPU_TICK_MS 10

/* How long PID 1 has to end the run when asked (a limit or a forbidden
 * call) before SIGKILL ends it without its report. */
#define SUPERVISE_STOP_GRACE_MS 500

/* Runs until PID 1 has exited and been reaped (l->pidfd is then closed).
 * sigfd is a signalfd for the signals to forward. Returns 0 or -errno with
 * err set. */
int supervise(struct launch *l, int sigfd, const struct watch *w,
	      struct supervision *out, struct sbx_error *err);

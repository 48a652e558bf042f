/* The payload's standard streams: redirections and the output limit
 * (broker). With an output limit, stdout and stderr are pipes the broker
 * drains into their destinations, counting every byte: a program writing
 * without end to both is cut at the limit, never deadlocked. Terminals are
 * passed through untouched (interactive use) and not counted. */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "error.h"
#include "sbx.h"

struct output {
	int child[3];    /* fds to install as the payload's 0, 1, 2 (-1:
			  * inherit); closed by output_started() */
	int pipe_rd[2];  /* broker's read ends for stdout, stderr (-1: none) */
	int dst[2];      /* where each goes */
	int owned[3];    /* fds we opened and must close */
	uint64_t limit;  /* 0: none */
	uint64_t total;
	bool exceeded;
};

#define OUTPUT_INIT                                                            \
	{                                                                      \
		.child = {-1, -1, -1}, .pipe_rd = {-1, -1}, .dst = {-1, -1},    \
		.owned = {-1, -1, -1}                                           \
	}

/* Opens redirections and, when limit_bytes > 0, the counting pipes.
 * Returns 0 or -errno with err naming the file. */
int output_open(struct output *o, const struct sbx_run_opts *opts,
		uint64_t limit_bytes, struct sbx_error *err);

/* The sandbox holds its ends now: close ours. */
void output_started(struct output *o);

/* Moves what is readable on stream i (0 stdout, 1 stderr) to its
 * destination. Returns 1 while the pipe is open, 0 at EOF (the pipe is then
 * closed), or -errno. Sets exceeded when the limit is passed: the caller
 * kills the sandbox. */
int output_pump(struct output *o, int i);

/* Drains both pipes to EOF (after the sandbox ended) and closes all. */
void output_finish(struct output *o);

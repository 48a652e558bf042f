/* A pseudo-terminal for interactive runs (broker). */
#pragma once

#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <termios.h>

#include "error.h"

#define PTY_NFDS 3 /* pollfds: caller's stdin, master, SIGWINCH */

struct pty {
	bool active;
	int master;         /* ours (O_CLOEXEC) */
	int slave;          /* the payload's 0-2 until pty_started() */
	int winch;          /* signalfd for SIGWINCH */
	bool raw;           /* the caller's terminal is in raw mode */
	bool in_eof;        /* the caller's stdin ended */
	struct termios saved;
	sigset_t old_mask;
};

#define PTY_INIT {.master = -1, .slave = -1, .winch = -1}

/* When stdin and stdout are terminals and neither is redirected, opens a
 * pseudo-terminal whose slave gets the caller's modes and window size, and
 * puts the caller's terminal in raw mode. Returns 1 (p->active), 0 (no
 * terminal: nothing done) or -errno with err set (nothing left changed). */
int pty_open(struct pty *p, bool stdin_redirected, bool stdout_redirected,
	     struct sbx_error *err);

/* Closes our copy of the slave once the sandbox holds it. */
void pty_started(struct pty *p);

/* The pollfds to watch (fd -1 where nothing is); p may be inactive. */
void pty_poll_fds(const struct pty *p, struct pollfd fds[PTY_NFDS]);

/* Relays what poll found: stdin to the master, the master to stdout, a new
 * window size to the master. */
void pty_handle(struct pty *p, struct pollfd fds[PTY_NFDS]);

/* Copies the payload's last output, restores the caller's terminal and
 * signal mask, closes everything. Safe to call on an inactive pty. */
void pty_finish(struct pty *p);

/* The seccomp filter: compiled from the policy by the broker (libseccomp,
 * exported as BPF) while the sandbox sets itself up, handed over in
 * struct scf_shared, loaded by the payload right before execve, after
 * no_new_privs (sbx enter's command compiles its own). The sandbox never
 * calls libseccomp: it only patches the program (the channel's fd number)
 * and calls seccomp(2).
 *
 * A policy becomes up to two filters. A second "exceptions" filter (default
 * allow) refuses some argument values of a call the main filter allows
 * outright (ioctl TIOCSTI), which a single libseccomp filter cannot
 * express; scf_merge() then folds it into the main one, which carries the
 * notification listener (the exceptions never notify). Were the merge
 * impossible, both are loaded and stacked: the kernel runs every filter and
 * keeps the most severe answer (kill > errno > notify > log > allow), which
 * is what the merged program answers.
 *
 * The payload's own last calls are allowed by conditions only it can meet:
 * sendmsg and sendto on the channel, execve of exactly its
 * exec_path/argv/envp pointers, exit_group. The program holds placeholders
 * for these values, which the payload patches in at load (scf_patch), so a
 * compiled program depends on the policy alone. */
#pragma once

#include <linux/filter.h>
#include <stdbool.h>
#include <stdint.h>

#include "error.h"
#include "sbx.pb-c.h"
#include "setup.h"

struct scf_prog {
	struct sock_filter *main;   /* malloc'ed */
	unsigned short n_main;
	struct sock_filter *extra;  /* exceptions filter, or NULL */
	unsigned short n_extra;
	bool listener;              /* load main with NEW_LISTENER */
	bool notify_fallback;       /* NOTIFY compiled as KILL: the kernel has
				     * no user notification */
	uint64_t compile_usec;      /* what scf_compile took */
};

/* The calls the payload makes after loading: allowed only with these
 * exact pointers. */
struct scf_exec {
	const char *path;
	char *const *argv;
	char *const *envp;
};

/* true when the kernel has SECCOMP_RET_USER_NOTIF (Linux 5.0). */
bool scf_user_notif(void);

/* Compiles sc (finalized, enabled) into *ret (scf_prog_free). NOTIFY
 * becomes KILL unless notify (pass scf_user_notif()). Returns 0, or
 * -EINVAL (a rule that cannot be expressed: conditions that would relax an
 * unconditional rule of the same call, NOTIFY as an exception, a value
 * that is one of the placeholders), -ENOMEM, or a libseccomp error, with
 * err naming the rule and the syscall. */
int scf_compile(const Sbx__Seccomp *sc, bool notify, struct scf_prog *ret,
		struct sbx_error *err);

/* Folds the exceptions filter into the main one: the exceptions first,
 * each of their ALLOWs a jump to the main program, so the payload loads
 * (and the kernel checks, JIT-compiles and runs on every call) one program
 * instead of two, with the same answers. Returns 0 (also when there is
 * nothing to fold), or -E2BIG / -EINVAL / -ENOMEM leaving p as it was. */
int scf_merge(struct scf_prog *p);

void scf_prog_free(struct scf_prog *p);

/* For _cleanup_(scf_prog_freep) on a struct scf_prog. */
static inline void scf_prog_freep(struct scf_prog *p)
{
	scf_prog_free(p);
}

/* A program in memory the sandbox shares with the broker (MAP_SHARED,
 * mapped before the clone, so at the same address on both sides): the
 * broker compiles while PID 1 sets up the sandbox, then copies the program
 * in and tells PID 1, which forks the payload only then. Compiling drops
 * off the path a run waits on. */
struct scf_shared {
	struct scf_prog prog;  /* main and extra point into insns */
	struct sock_filter insns[2 * BPF_MAXINSNS];
};

/* Maps a zeroed one. Returns it, or NULL with errno set. */
struct scf_shared *scf_shared_new(void);

/* Copies compiled (which stays the caller's) in. Returns 0 or -E2BIG. */
int scf_shared_publish(struct scf_shared *s, const struct scf_prog *compiled);

/* Unmaps it; NULL is fine. */
void scf_shared_free(struct scf_shared *s);

/* Patches the channel's fd number and x's pointers into p's placeholders
 * (once: the placeholders are gone afterwards). */
void scf_patch(struct scf_prog *p, int chan_fd, const struct scf_exec *x);

/* Payload: patches p in place for the exec it will make with x, loads it
 * and sends the listener, if any, to the broker over chan_fd. Where the
 * kernel refuses a second listener in the hierarchy (EBUSY: sbx inside a
 * supervisor that notifies), NOTIFY turns into KILL. Returns 0 or
 * -errno with *e filled (STEP_SECCOMP). */
int scf_load(struct scf_prog *p, int chan_fd, const struct scf_exec *x,
	     struct setup_error *e);

/* "KILL_PROCESS" ... for a BPF return value's action (tests, messages). */
const char *scf_ret_name(uint32_t ret);

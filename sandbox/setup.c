/* The sandbox's setup, step by step (PID 1 of the sandbox, before the
 * payload exists). */
#include "setup.h"

#include <errno.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <time.h>
#include <unistd.h>

#include "caps.h"
#include "channel.h"
#include "cleanup.h"
#include "fds.h"
#include "init.h"
#include "mounts.h"
#include "net.h"
#include "syscalls.h"

static const char *const step_names[STEP_MAX_] = {
	[STEP_SYNC] = "wait for id maps",
	[STEP_IDENTITY] = "become root of the user namespace",
	[STEP_STAGING] = "mount staging tmpfs",
	[STEP_ROOT] = "mount root layers",
	[STEP_HIDE] = "hide private paths",
	[STEP_BIND] = "mount binds",
	[STEP_PROC] = "mount /proc",
	[STEP_SYS] = "mount /sys",
	[STEP_DEV] = "populate /dev",
	[STEP_MASK] = "mask paths",
	[STEP_PIVOT] = "pivot_root",
	[STEP_HOSTNAME] = "set hostname",
	[STEP_NETWORK] = "network namespace",
	[STEP_TIMENS] = "create time namespace",
	[STEP_FORK] = "fork payload",
	[STEP_SESSION] = "start new session",
	[STEP_RLIMITS] = "set rlimits",
	[STEP_CHDIR] = "change directory",
	[STEP_CAPS] = "drop capabilities",
	[STEP_NNP] = "set no_new_privs",
	[STEP_SECCOMP] = "load seccomp filter",
	[STEP_EXEC] = "execute program",
	[STEP_JOIN] = "join the sandbox",
	[STEP_CGROUP] = "join cgroups",
};

static const char *const timing_names[TIME_MAX_] = {
	[TIME_MAPS] = "inside: wait for id maps",
	[TIME_IDENTITY] = "inside: identity",
	[TIME_STAGING] = "inside: staging tmpfs",
	[TIME_ROOT] = "inside: root layers",
	[TIME_PROC] = "inside: /proc",
	[TIME_SYS] = "inside: /sys",
	[TIME_DEV] = "inside: /dev",
	[TIME_HIDE] = "inside: hidden paths",
	[TIME_BINDS] = "inside: binds",
	[TIME_SEAL] = "inside: seal hidden paths",
	[TIME_MASKS] = "inside: masked paths",
	[TIME_PIVOT] = "inside: pivot_root",
	[TIME_HOSTNAME] = "inside: hostname",
	[TIME_NETWORK] = "inside: loopback",
	[TIME_TIMENS] = "inside: time namespace",
	[TIME_GO] = "inside: wait for broker",
};

const char *sandbox_timing_name(unsigned t)
{
	return t < TIME_MAX_ ? timing_names[t] : NULL;
}

uint32_t sandbox_elapsed(struct timespec *since)
{
	struct timespec now;
	int64_t us;

	clock_gettime(CLOCK_MONOTONIC, &now);
	us = (int64_t)(now.tv_sec - since->tv_sec) * 1000000 +
	     (now.tv_nsec - since->tv_nsec) / 1000;
	*since = now;
	return us < 0 ? 0 : us > UINT32_MAX ? UINT32_MAX : (uint32_t)us;
}

const char *sandbox_step_name(unsigned step)
{
	if (step >= STEP_MAX_ || !step_names[step])
		return "?";
	return step_names[step];
}

int setup_fail(struct setup_error *e, unsigned step, int errnum,
	       const char *fmt, ...)
{
	va_list ap;

	e->step = step;
	e->errnum = errnum;
	va_start(ap, fmt);
	vsnprintf(e->detail, sizeof(e->detail), fmt, ap);
	va_end(ap);
	return -errnum;
}

/* One byte from the broker; EOF means it died or gave up. */
static int read_sync(int fd)
{
	char c;
	ssize_t n;

	do
		n = read(fd, &c, 1);
	while (n < 0 && errno == EINTR);
	return n == 1 ? 0 : n < 0 ? -errno : -EPIPE;
}

/* The broker writes our id maps, then one byte. */
static int wait_for_maps(const struct sandbox_config *cfg,
			 struct setup_error *e)
{
	int r = read_sync(cfg->sync_fd);

	return r < 0 ? setup_fail(e, STEP_SYNC, -r, "read sync pipe") : 0;
}

/* Until the maps exist we run with the caller's host ids, which mean nothing
 * here. As root the caller's uid 0 is not mapped at all: switch to the
 * namespace's root (an unprivileged host uid), shedding the caller's
 * supplementary groups, which could include host gid 0. The death signal is
 * armed after the switch because changing credentials clears it. */
static int become_ns_root(const struct sandbox_config *cfg,
			  struct setup_error *e)
{
	if (cfg->host_root) {
		if (sys_setresgid(0, 0, 0) < 0)
			return setup_fail(e, STEP_IDENTITY, errno, "setresgid 0");
		if (sys_setgroups(0, NULL) < 0)
			return setup_fail(e, STEP_IDENTITY, errno, "setgroups");
		if (sys_setresuid(0, 0, 0) < 0)
			return setup_fail(e, STEP_IDENTITY, errno, "setresuid 0");
	}
	if (cfg->policy->process->die_with_parent &&
	    prctl(PR_SET_PDEATHSIG, SIGKILL) < 0)
		return setup_fail(e, STEP_IDENTITY, errno, "PR_SET_PDEATHSIG");
	/* The broker may have died before the death signal was armed; it
	 * holds the write end of the sync pipe until it exits. */
	struct pollfd p = {.fd = cfg->sync_fd, .events = POLLIN};
	if (poll(&p, 1, 0) > 0 && (p.revents & POLLHUP))
		return setup_fail(e, STEP_IDENTITY, EPIPE, "broker is gone");
	/* The payload shares our uid when rootless: keep it out of our
	 * memory and /proc entries. */
	if (prctl(PR_SET_DUMPABLE, 0) < 0)
		return setup_fail(e, STEP_IDENTITY, errno, "PR_SET_DUMPABLE");
	return 0;
}

static int set_hostname(const struct sandbox_config *cfg,
			struct setup_error *e)
{
	const char *h = cfg->policy->hostname;

	if (!(cfg->ns_flags & CLONE_NEWUTS) || !h)
		return 0;
	if (sethostname(h, strlen(h)) < 0)
		return setup_fail(e, STEP_HOSTNAME, errno, "sethostname %s", h);
	return 0;
}

static int setup_network(const struct sandbox_config *cfg,
			 struct setup_error *e)
{
	Sbx__Network__Mode mode = cfg->policy->network->mode;

	/* the helper brought lo up; mount_sys() joined already */
	if (cfg->netns_fd >= 0)
		return cfg->ns_flags & CLONE_NEWNS ? 0 : net_join(cfg->netns_fd, e);
	if (!(cfg->ns_flags & CLONE_NEWNET) || mode == SBX__NETWORK__MODE__NONE)
		return 0;
	int r = net_loopback_up();
	if (r < 0)
		return setup_fail(e, STEP_NETWORK, -r, "SIOCSIFFLAGS lo up");
	return 0;
}

static int setup_timens(const struct sandbox_config *cfg,
			struct setup_error *e)
{
	if (!cfg->policy->namespaces->time)
		return 0;
	/* Applies to our children only: the payload. */
	if (unshare(CLONE_NEWTIME) < 0)
		return setup_fail(e, STEP_TIMENS, errno, "unshare CLONE_NEWTIME");
	return 0;
}

typedef int (*setup_fn)(const struct sandbox_config *, struct setup_error *,
			uint32_t usec[TIME_MAX_]);

static int make_private(const struct sandbox_config *cfg, struct setup_error *e,
			uint32_t usec[TIME_MAX_])
{
	return mnt_make_private(cfg, e);
}

/* Nothing else PID 1 does needs the maps, and it holds every capability
 * of its new user namespace from the start. */
static int drop_bounding(const struct sandbox_config *cfg,
			 struct setup_error *e, uint32_t usec[TIME_MAX_])
{
	const Sbx__Policy *p = cfg->policy;

	return caps_drop_bounding(p->capabilities, p->n_capabilities, e);
}

static int mount_root(const struct sandbox_config *cfg, struct setup_error *e,
		      uint32_t usec[TIME_MAX_])
{
	return mnt_setup_root(cfg, e, usec);
}

#define TIMED(fn, slot)                                                        \
	static int timed_##fn(const struct sandbox_config *cfg,                \
			      struct setup_error *e, uint32_t usec[TIME_MAX_]) \
	{                                                                      \
		struct timespec t;                                             \
		clock_gettime(CLOCK_MONOTONIC, &t);                            \
		int r = fn(cfg, e);                                            \
		usec[slot] = sandbox_elapsed(&t);                              \
		return r;                                                      \
	}
TIMED(wait_for_maps, TIME_MAPS)
TIMED(become_ns_root, TIME_IDENTITY)
TIMED(set_hostname, TIME_HOSTNAME)
TIMED(setup_network, TIME_NETWORK)
TIMED(setup_timens, TIME_TIMENS)

/* The order matters: ids before mounts (the staging tmpfs is owned by the
 * namespace root), every mount before pivot_root. Cutting propagation and
 * the bounding set need neither, so they fill the wait for the maps. */
static const setup_fn steps[] = {
	make_private, drop_bounding, timed_wait_for_maps, timed_become_ns_root,
	mount_root, timed_set_hostname, timed_setup_network, timed_setup_timens,
};

/* The groups the broker made while we set up, for the payload to join:
 * PID 1 stays out of them, so they are empty, and the broker may remove
 * them, as soon as PID 1 has reaped the payload's processes. */
static int receive_groups(const struct sandbox_config *cfg,
			  struct cgroup_join *join, struct setup_error *e)
{
	int n = chan_recv_cgroup_join(cfg->chan_fd, join->fd);

	if (n < 0)
		return setup_fail(e, STEP_CGROUP, -n, "receive the groups");
	join->n = n;
	return 0;
}

/* The payload needs its cgroups, their limits and its filter, which the
 * broker has been making, writing and compiling meanwhile. */
static void wait_for_go(const struct sandbox_config *cfg,
			struct cgroup_join *join, uint32_t usec[TIME_MAX_])
{
	struct setup_error e = {0};
	struct timespec t;
	int r;

	clock_gettime(CLOCK_MONOTONIC, &t);
	if ((r = read_sync(cfg->sync_fd)) < 0) {
		chan_send_error(cfg->chan_fd, STEP_SYNC, -r,
				"wait for the broker's limits and filter");
		_exit(125);
	}
	if (cfg->cgroup_join && receive_groups(cfg, join, &e) < 0) {
		chan_send_error(cfg->chan_fd, e.step, e.errnum, e.detail);
		_exit(125);
	}
	usec[TIME_GO] = sandbox_elapsed(&t);
}

void sandbox_main(const struct sandbox_config *cfg)
{
	struct cgroup_join join = {.n = 0};
	struct setup_error e = {0};
	uint32_t usec[TIME_MAX_] = {0};
	int keep[] = {cfg->chan_fd, cfg->sync_fd, cfg->workdir_fd,
		      cfg->netns_fd, cfg->root_fd};
	sigset_t stop;

	/* A stop request during setup waits for init_run() (as the init of
	 * a PID namespace we would ignore it, without one die of it) */
	sigemptyset(&stop);
	sigaddset(&stop, CHAN_STOP_SIGNAL);
	sigprocmask(SIG_BLOCK, &stop, NULL);

	for (int i = 0; i < 3; i++)
		if (cfg->stdio[i] >= 0 && dup2(cfg->stdio[i], i) < 0) {
			chan_send_error(cfg->chan_fd, STEP_SYNC, errno, "dup2 stdio");
			_exit(125);
		}
	/* Descriptors of the broker's caller must not reach the payload. */
	fds_close_except(3, keep, ARRAY_SIZE(keep));
	for (size_t i = 0; i < ARRAY_SIZE(steps); i++) {
		if (steps[i](cfg, &e, usec) < 0) {
			chan_send_error(cfg->chan_fd, e.step, e.errnum, e.detail);
			_exit(125);
		}
	}
	wait_for_go(cfg, &join, usec);
	close(cfg->sync_fd);
	if (cfg->workdir_fd >= 0)
		close(cfg->workdir_fd);
	if (cfg->root_fd >= 0)
		close(cfg->root_fd);
	init_run(cfg, &join, usec);
}

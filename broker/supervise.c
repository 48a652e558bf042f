/* The broker's event loop for one run. */
#include "supervise.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cleanup.h"
#include "sample-pace.h"
#include "tree-usage.h"
#include "syscalls.h"

static uint64_t clock_usec(clockid_t clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

static uint64_t now_usec(void)
{
	return clock_usec(CLOCK_MONOTONIC);
}

/* walk(pid, ret) when p says it is due. Returns its result (the files it
 * read, or -errno), or -EAGAIN when not due. */
static int tree_sample(struct sample_pace *p,
		       int (*walk)(pid_t, uint64_t *), pid_t pid, uint64_t *ret)
{
	uint64_t start = now_usec();
	uint64_t cpu = clock_usec(CLOCK_THREAD_CPUTIME_ID);
	int r;

	if (start < p->next_usec)
		return -EAGAIN;
	r = walk(pid, ret);
	pace_walked(p, now_usec(), clock_usec(CLOCK_THREAD_CPUTIME_ID) - cpu,
		    r > 0 ? (unsigned)r : 0);
	return r;
}

/* The memory sampler's state: its timer is re-armed after each sample,
 * sooner the closer the sandbox is to its limit. */
struct rss_sampler {
	struct sample_pace pace;
	uint64_t last; /* bytes at the last sample */
	int timer;
};

static int set_timer_usec(int fd, uint64_t usec, bool periodic)
{
	struct timespec t = {.tv_sec = (time_t)(usec / 1000000),
			     .tv_nsec = (long)(usec % 1000000) * 1000};
	struct itimerspec its = {.it_value = t};

	if (periodic)
		its.it_interval = t;
	return timerfd_settime(fd, 0, &its, NULL) < 0 ? -errno : 0;
}

static int arm_timer_usec(uint64_t usec, bool periodic)
{
	int fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	int r;

	if (fd < 0)
		return -errno;
	if ((r = set_timer_usec(fd, usec, periodic)) < 0) {
		close(fd);
		return r;
	}
	return fd;
}

static int arm_timer(uint64_t ms, bool periodic)
{
	return arm_timer_usec(ms * 1000, periodic);
}

/* Reads every packet waiting on the channel. */
static void drain_channel(int chan, struct supervision *out)
{
	for (;;) {
		struct pollfd p = {.fd = chan, .events = POLLIN};
		if (poll(&p, 1, 0) <= 0 || !(p.revents & POLLIN))
			return;
		struct chan_msg m;
		int t = chan_recv(chan, &m);
		if (t <= 0)
			return;
		if (t == CHAN_SETUP_ERROR && !out->got_error) {
			out->got_error = true;
			out->error = m.error;
		} else if (t == CHAN_EXIT_REPORT) {
			out->got_report = true;
			out->report = m.report;
		} else if (t == CHAN_STARTED) {
			out->started = true;
			out->init_setup_cpu_usec = m.init_cpu_usec;
			out->n_setup_usec = m.n_step_usec;
			memcpy(out->setup_usec, m.step_usec,
			       m.n_step_usec * sizeof(m.step_usec[0]));
		} else if (t == CHAN_SECCOMP_LISTENER) {
			if (out->listener < 0)
				out->listener = m.fd;
			else
				close(m.fd);
		} else if (t == CHAN_NETNS) {
			close(m.fd); /* not ours to get */
		}
	}
}

static void forward_signal(struct launch *l, int sigfd)
{
	struct signalfd_siginfo si;

	if (read(sigfd, &si, sizeof(si)) == sizeof(si))
		sys_pidfd_send_signal(l->pidfd, (int)si.ssi_signo);
}

static int reap(struct launch *l, struct supervision *out)
{
	siginfo_t si = {0};

	while (waitid(P_PIDFD, l->pidfd, &si, WEXITED) < 0)
		if (errno != EINTR)
			return -errno;
	out->init_status = si.si_code == CLD_EXITED ? W_EXITCODE(si.si_status, 0)
						     : si.si_status;
	close_and_reset(&l->pidfd);
	return 0;
}

/* The payload's CPU so far: the cgroup's total less PID 1's setup, or
 * without a cgroup what /proc says of the processes below PID 1 (where
 * RLIMIT_CPU alone would allow each process the whole limit, rounded up
 * to seconds). */
static void check_cpu(const struct launch *l, const struct watch *w,
		      int timer, struct sample_pace *t, struct supervision *out)
{
	uint64_t ticks, used;

	if (read(timer, &ticks, sizeof(ticks)) < 0 || out->cpu_expired ||
	    !out->started)
		return;
	if (w->cg) {
		if (cg_cpu_usec(w->cg, &out->cg_cpu_usec) < 0)
			return;
		used = out->cg_cpu_usec - out->init_setup_cpu_usec;
	} else if (tree_sample(t, tree_cpu_usec, l->pid, &used) < 0) {
		return;
	}
	if (used >= w->cpu_usec)
		out->cpu_expired = true;
}

static void pump_output(const struct watch *w, int i, struct pollfd *p,
			struct supervision *out)
{
	if (output_pump(w->out, i) <= 0)
		p->fd = -1;
	if (w->out->exceeded)
		out->output_exceeded = true;
}

/* The seccomp listener (broker/notify.c): polled once the payload sent
 * it; a forbidden call is recorded in out->sys (and ends the run). */
static void watch_notify(struct pollfd *p, struct supervision *out)
{
	if (p->fd < 0 && out->listener >= 0)
		p->fd = out->listener;
	else if (p->fd >= 0 && p->revents) {
		/* POLLIN only: with nothing pending the receive would block */
		int r = p->revents & POLLIN
				? notify_handle(p->fd, &out->sys)
				: 0;
		/* every filter user is gone, or the listener broke */
		if ((r < 0 && r != -ENOENT) ||
		    (p->revents & (POLLHUP | POLLERR))) {
			close_and_reset(&out->listener);
			p->fd = -1;
		}
	}
}

/* Without a cgroup nothing else limits memory: sum the tree's RSS. A
 * failed re-arm leaves the limit unwatched, so it ends the run as if
 * exceeded rather than let the sandbox grow unchecked. */
static void check_rss(const struct launch *l, const struct watch *w,
		      struct rss_sampler *s, struct supervision *out)
{
	uint64_t ticks, rss, now;

	if (read(s->timer, &ticks, sizeof(ticks)) < 0 || out->memory_exceeded)
		return;
	if (tree_sample(&s->pace, tree_rss_bytes, l->pid, &rss) >= 0)
		s->last = rss;
	now = now_usec();
	if (s->last > w->memory_bytes ||
	    set_timer_usec(s->timer,
			   pace_rss_delay(&s->pace, now, s->last, w->memory_bytes),
			   false) < 0)
		out->memory_exceeded = true;
}

static bool must_stop(const struct supervision *out)
{
	return out->wall_expired || out->cpu_expired || out->output_exceeded ||
	       out->memory_exceeded || out->sys.hit;
}

/* Ends the run for a limit or a forbidden call. PID 1 is asked to kill and
 * reap every process and report as usual (CHAN_STOP_SIGNAL), so the run's
 * CPU time and peak RSS are still measured, rootless and without a cgroup
 * too; the caller of a forbidden call stays blocked in the filter until
 * then. Returns a timer for SUPERVISE_STOP_GRACE_MS, after which SIGKILL
 * ends PID 1 (and every process of the sandbox) without a report; or -1
 * when that had to be done at once. */
static int stop_run(struct launch *l)
{
	int grace = arm_timer(SUPERVISE_STOP_GRACE_MS, false);

	if (grace >= 0 && sys_pidfd_send_signal(l->pidfd, CHAN_STOP_SIGNAL) == 0)
		return grace;
	sys_pidfd_send_signal(l->pidfd, SIGKILL);
	if (grace >= 0)
		close(grace);
	return -1;
}

static int open_timers(const struct watch *w, int *wall, int *cpu, int *rss,
		       struct sbx_error *err)
{
	if (w->wall_ms && (*wall = arm_timer(w->wall_ms, false)) < 0)
		return sbx_err_errno(err, *wall, "timerfd for the wall limit");
	if (w->cpu_usec && (*cpu = arm_timer(SUPERVISE_CPU_TICK_MS, true)) < 0)
		return sbx_err_errno(err, *cpu, "timerfd for the CPU limit");
	if (w->memory_bytes && !w->cg &&
	    (*rss = arm_timer_usec(pace_rss_delay(&(struct sample_pace){0}, 0, 0,
						  w->memory_bytes),
				   false)) < 0)
		return sbx_err_errno(err, *rss, "timerfd for the memory limit");
	return 0;
}

int supervise(struct launch *l, int sigfd, const struct watch *w,
	      struct supervision *out, struct sbx_error *err)
{
	_cleanup_close_ int wall = -1, cpu = -1, rss_timer = -1, grace = -1;
	uint64_t start = now_usec();
	bool stopping = false;
	struct sample_pace cpu_walk = {0};
	struct rss_sampler rss = {0};
	enum { P_INIT, P_CHAN, P_SIG, P_WALL, P_CPU, P_RSS, P_OUT, P_ERR, P_NOTIFY,
	       P_GRACE, P_PTY, P_N = P_PTY + PTY_NFDS };
	struct pollfd fds[P_N] = {
		[P_INIT] = {.fd = l->pidfd, .events = POLLIN},
		[P_CHAN] = {.fd = l->chan, .events = POLLIN},
		[P_SIG] = {.fd = sigfd, .events = POLLIN},
		[P_WALL] = {.fd = -1, .events = POLLIN},
		[P_CPU] = {.fd = -1, .events = POLLIN},
		[P_RSS] = {.fd = -1, .events = POLLIN},
		[P_OUT] = {.fd = w->out->pipe_rd[0], .events = POLLIN},
		[P_ERR] = {.fd = w->out->pipe_rd[1], .events = POLLIN},
		[P_NOTIFY] = {.fd = -1, .events = POLLIN},
		[P_GRACE] = {.fd = -1, .events = POLLIN},
	};
	int r;

	memset(out, 0, sizeof(*out));
	out->listener = -1;
	if ((r = open_timers(w, &wall, &cpu, &rss_timer, err)) < 0)
		return r;
	fds[P_WALL].fd = wall;
	fds[P_CPU].fd = cpu;
	fds[P_RSS].fd = rss.timer = rss_timer;
	if (w->pty)
		pty_poll_fds(w->pty, &fds[P_PTY]);
	else
		for (int i = 0; i < PTY_NFDS; i++)
			fds[P_PTY + i].fd = -1;
	for (;;) {
		if (poll(fds, P_N, -1) < 0) {
			if (errno == EINTR)
				continue;
			return sbx_err_errno(err, -errno, "poll");
		}
		if (fds[P_CHAN].revents) {
			drain_channel(l->chan, out);
			/* all writers gone: stop polling it */
			if (fds[P_CHAN].revents & (POLLHUP | POLLERR))
				fds[P_CHAN].fd = -1;
		}
		/* Everything but PID 1 is gone and reaped once it reports:
		 * read the groups now, before PID 1's own exit (the teardown
		 * of its namespaces, a few hundred microseconds of CPU the
		 * payload must not be charged). */
		if (out->got_report && !out->reported) {
			cg_stats(w->cg, &out->cg_stats);
			if (w->reported)
				w->reported(w->reported_data);
			out->reported = true;
		}
		watch_notify(&fds[P_NOTIFY], out);
		if (fds[P_SIG].revents)
			forward_signal(l, sigfd);
		if (fds[P_CPU].revents)
			check_cpu(l, w, cpu, &cpu_walk, out);
		if (fds[P_RSS].revents)
			check_rss(l, w, &rss, out);
		for (int i = 0; i < 2; i++)
			if (fds[P_OUT + i].revents)
				pump_output(w, i, &fds[P_OUT + i], out);
		if (w->pty)
			pty_handle(w->pty, &fds[P_PTY]);
		if (fds[P_WALL].revents) {
			out->wall_expired = true;
			fds[P_WALL].fd = -1;
		}
		if (fds[P_GRACE].revents) {
			sys_pidfd_send_signal(l->pidfd, SIGKILL);
			fds[P_GRACE].fd = -1;
		}
		if (fds[P_INIT].revents)
			break;
		if (!stopping && must_stop(out)) {
			stopping = true;
			fds[P_GRACE].fd = grace = stop_run(l);
		}
	}
	out->wall_usec = now_usec() - start;
	close_and_reset(&out->listener);
	r = reap(l, out);
	if (r < 0)
		return sbx_err_errno(err, r, "waitid on the sandbox");
	/* PID 1 sends its report before exiting: it is queued by now. */
	drain_channel(l->chan, out);
	return 0;
}

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
#include "syscalls.h"

static uint64_t now_usec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

static int arm_wall_timer(uint64_t ms)
{
	int fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	struct itimerspec its = {
		.it_value = {.tv_sec = (time_t)(ms / 1000),
			     .tv_nsec = (long)(ms % 1000) * 1000000},
	};

	if (fd < 0)
		return -errno;
	if (timerfd_settime(fd, 0, &its, NULL) < 0) {
		int e = -errno;
		close(fd);
		return e;
	}
	return fd;
}

/* Reads every packet waiting on the channel. */
static void drain_channel(int chan, struct supervision *out)
{
	for (;;) {
		struct pollfd p = {.fd = chan, .events = POLLIN};
		if (poll(&p, 1, 0) <= 0 || !(p.revents & POLLIN))
			return;
		struct chan_setup_error e;
		Sbx__ExitReport rep;
		int t = chan_recv(chan, &e, &rep);
		if (t <= 0)
			return;
		if (t == CHAN_SETUP_ERROR && !out->got_error) {
			out->got_error = true;
			out->error = e;
		} else if (t == CHAN_EXIT_REPORT) {
			out->got_report = true;
			out->report = rep;
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

int supervise(struct launch *l, int sigfd, uint64_t wall_limit_ms,
	      struct supervision *out, struct sbx_error *err)
{
	_cleanup_close_ int timer = -1;
	uint64_t start = now_usec();
	enum { P_INIT, P_CHAN, P_SIG, P_TIMER };
	struct pollfd fds[4] = {
		[P_INIT] = {.fd = l->pidfd, .events = POLLIN},
		[P_CHAN] = {.fd = l->chan, .events = POLLIN},
		[P_SIG] = {.fd = sigfd, .events = POLLIN},
		[P_TIMER] = {.fd = -1, .events = POLLIN},
	};

	memset(out, 0, sizeof(*out));
	if (wall_limit_ms) {
		timer = arm_wall_timer(wall_limit_ms);
		if (timer < 0)
			return sbx_err_errno(err, timer, "timerfd for the wall limit");
		fds[P_TIMER].fd = timer;
	}
	for (;;) {
		if (poll(fds, 4, -1) < 0) {
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
		if (fds[P_SIG].revents)
			forward_signal(l, sigfd);
		if (fds[P_TIMER].revents) {
			out->wall_expired = true;
			sys_pidfd_send_signal(l->pidfd, SIGKILL);
			fds[P_TIMER].fd = -1;
		}
		if (fds[P_INIT].revents)
			break;
	}
	out->wall_usec = now_usec() - start;
	int r = reap(l, out);
	if (r < 0)
		return sbx_err_errno(err, r, "waitid on the sandbox");
	/* PID 1 sends its report before exiting: it is queued by now. */
	drain_channel(l->chan, out);
	return 0;
}

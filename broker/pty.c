/* A pseudo-terminal between the caller's terminal and the payload
 * (broker). The sandbox never gets the caller's terminal: its 0-2 are the
 * slave of a pty allocated here, which the payload makes its controlling
 * terminal (sandbox/payload.c), so job control, Ctrl-C and Ctrl-Z work
 * through the pty's line discipline and TIOCSTI/TIOCLINUX only reach the
 * pty. The caller's terminal is in raw mode while the relay runs, and is
 * restored by pty_finish on every path out of sbx_run. */
#include "pty.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "cleanup.h"
#include "fds.h"

static void copy_winsize(int from, int to)
{
	struct winsize ws;

	if (ioctl(from, TIOCGWINSZ, &ws) == 0)
		ioctl(to, TIOCSWINSZ, &ws);
}

static int open_pair(struct pty *p, struct sbx_error *err)
{
	char name[64];

	p->master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (p->master < 0)
		return sbx_err_errno(err, -errno, "posix_openpt");
	if (grantpt(p->master) < 0 || unlockpt(p->master) < 0 ||
	    ptsname_r(p->master, name, sizeof(name)) != 0)
		return sbx_err_errno(err, -errno, "unlock the pseudo-terminal");
	p->slave = open(name, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (p->slave < 0)
		return sbx_err_errno(err, -errno, "open %s", name);
	return 0;
}

static int block_winch(struct pty *p, struct sbx_error *err)
{
	sigset_t s;

	sigemptyset(&s);
	sigaddset(&s, SIGWINCH);
	if (sigprocmask(SIG_BLOCK, &s, &p->old_mask) < 0)
		return sbx_err_errno(err, -errno, "block SIGWINCH");
	p->winch = signalfd(-1, &s, SFD_CLOEXEC | SFD_NONBLOCK);
	if (p->winch < 0) {
		int e = -errno;
		sigprocmask(SIG_SETMASK, &p->old_mask, NULL);
		return sbx_err_errno(err, e, "signalfd for SIGWINCH");
	}
	return 0;
}

int pty_open(struct pty *p, bool stdin_redirected, bool stdout_redirected,
	     struct sbx_error *err)
{
	struct termios raw;
	int r;

	*p = (struct pty)PTY_INIT;
	if (stdin_redirected || stdout_redirected || !isatty(0) || !isatty(1))
		return 0;
	if (tcgetattr(0, &p->saved) < 0)
		return 0;
	if ((r = open_pair(p, err)) < 0 || (r = block_winch(p, err)) < 0) {
		close_and_reset(&p->master);
		close_and_reset(&p->slave);
		return r;
	}
	/* The payload starts with the caller's modes and size. */
	tcsetattr(p->slave, TCSANOW, &p->saved);
	copy_winsize(0, p->slave);
	raw = p->saved;
	cfmakeraw(&raw);
	p->raw = tcsetattr(0, TCSANOW, &raw) == 0;
	p->active = true;
	return 1;
}

void pty_started(struct pty *p)
{
	close_and_reset(&p->slave);
}

void pty_poll_fds(const struct pty *p, struct pollfd fds[PTY_NFDS])
{
	bool on = p->active;

	fds[0] = (struct pollfd){.fd = on && !p->in_eof ? 0 : -1,
				 .events = POLLIN};
	fds[1] = (struct pollfd){.fd = on ? p->master : -1, .events = POLLIN};
	fds[2] = (struct pollfd){.fd = on ? p->winch : -1, .events = POLLIN};
}

/* One read from the master to stdout; false once the slave is gone. */
static bool relay_out(struct pty *p)
{
	char buf[1 << 14];
	ssize_t n = read(p->master, buf, sizeof(buf));

	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return true;
	if (n <= 0) /* EIO: every slave descriptor is closed */
		return false;
	fds_write_all(1, buf, (size_t)n);
	return true;
}

void pty_handle(struct pty *p, struct pollfd fds[PTY_NFDS])
{
	char buf[4096];

	if (!p->active)
		return;
	if (fds[0].fd >= 0 && fds[0].revents) {
		ssize_t n = read(0, buf, sizeof(buf));
		if (n > 0)
			fds_write_all(p->master, buf, (size_t)n);
		else if (n == 0 || (errno != EINTR && errno != EAGAIN))
			p->in_eof = true;
	}
	if (fds[1].fd >= 0 && fds[1].revents && !relay_out(p))
		close_and_reset(&p->master);
	if (fds[2].fd >= 0 && fds[2].revents) {
		struct signalfd_siginfo si;
		while (read(p->winch, &si, sizeof(si)) == sizeof(si))
			;
		if (p->master >= 0)
			copy_winsize(0, p->master);
	}
	pty_poll_fds(p, fds);
}

void pty_finish(struct pty *p)
{
	if (p->master >= 0) {
		/* what the payload wrote last; the sandbox is gone, so the
		 * slave is closed and this ends */
		int fl = fcntl(p->master, F_GETFL);
		if (fl >= 0)
			fcntl(p->master, F_SETFL, fl | O_NONBLOCK);
		while (relay_out(p)) {
			struct pollfd q = {.fd = p->master, .events = POLLIN};
			if (poll(&q, 1, 0) <= 0)
				break;
		}
	}
	if (p->raw)
		tcsetattr(0, TCSADRAIN, &p->saved);
	p->raw = false;
	if (p->winch >= 0) {
		close_and_reset(&p->winch);
		sigprocmask(SIG_SETMASK, &p->old_mask, NULL);
	}
	close_and_reset(&p->master);
	close_and_reset(&p->slave);
	p->active = false;
}

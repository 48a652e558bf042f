/* The relayed signals (broker): see signals.h. */
#include "signals.h"

#include <errno.h>
#include <sys/signalfd.h>
#include <time.h>

#include "cleanup.h"

static const int forwarded[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};

int signals_block(sigset_t *old)
{
	sigset_t set, with_pipe;

	sigemptyset(&set);
	for (size_t i = 0; i < ARRAY_SIZE(forwarded); i++)
		sigaddset(&set, forwarded[i]);
	with_pipe = set;
	sigaddset(&with_pipe, SIGPIPE);
	if (sigprocmask(SIG_BLOCK, &with_pipe, old) < 0)
		return -errno;
	int fd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	if (fd < 0) {
		int e = -errno;
		sigprocmask(SIG_SETMASK, old, NULL);
		return e;
	}
	return fd;
}

void signals_restore(const sigset_t *old)
{
	sigset_t pipe;
	struct timespec zero = {0, 0};

	sigemptyset(&pipe);
	sigaddset(&pipe, SIGPIPE);
	if (!sigismember(old, SIGPIPE))
		while (sigtimedwait(&pipe, NULL, &zero) > 0)
			;
	sigprocmask(SIG_SETMASK, old, NULL);
}

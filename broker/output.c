/* Standard streams of the payload (broker). */
#include "output.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cleanup.h"
#include "fds.h"

#define CHUNK (1u << 16)

static int open_redirect(struct output *o, int fd, const char *path,
			 struct sbx_error *err)
{
	int flags = fd == 0 ? O_RDONLY : O_WRONLY | O_CREAT | O_TRUNC;
	int f;

	if (!path)
		return 0;
	f = open(path, flags | O_CLOEXEC | O_NOCTTY, 0644);
	if (f < 0)
		return sbx_err_errno(err, -errno, "open %s for %s", path,
				     fd == 0 ? "stdin" : fd == 1 ? "stdout" : "stderr");
	o->owned[fd] = f;
	o->child[fd] = f;
	return 0;
}

int output_open(struct output *o, const struct sbx_run_opts *opts,
		uint64_t limit_bytes, struct sbx_error *err)
{
	const char *paths[3] = {opts->stdin_path, opts->stdout_path,
				opts->stderr_path};
	int r;

	memset(o, 0, sizeof(*o));
	for (int i = 0; i < 3; i++)
		o->child[i] = o->owned[i] = -1;
	o->pipe_rd[0] = o->pipe_rd[1] = -1;
	o->limit = limit_bytes;
	for (int i = 0; i < 3; i++)
		if ((r = open_redirect(o, i, paths[i], err)) < 0)
			return r;
	for (int i = 0; i < 2 && limit_bytes; i++) {
		int fd = i + 1, p[2];
		o->dst[i] = o->owned[fd] >= 0 ? o->owned[fd] : fd;
		if (isatty(o->dst[i]))
			continue;
		if (pipe2(p, O_CLOEXEC) < 0)
			return sbx_err_errno(err, -errno, "pipe for %s",
					     fd == 1 ? "stdout" : "stderr");
		fcntl(p[0], F_SETFL, O_NONBLOCK);
		o->pipe_rd[i] = p[0];
		o->child[fd] = p[1];
	}
	return 0;
}

void output_started(struct output *o)
{
	for (int i = 1; i < 3; i++)
		if (o->pipe_rd[i - 1] >= 0)
			close_and_reset(&o->child[i]);
}

int output_pump(struct output *o, int i)
{
	char buf[CHUNK];

	for (;;) {
		ssize_t n = read(o->pipe_rd[i], buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return errno == EAGAIN ? 1 : -errno;
		if (n == 0) {
			close_and_reset(&o->pipe_rd[i]);
			return 0;
		}
		uint64_t room = o->limit - o->total;
		size_t take = (uint64_t)n > room ? (size_t)room : (size_t)n;
		o->total += take;
		/* The reader went away (`sbx ... | head`): close our end so the
		 * payload gets its own SIGPIPE, as in a plain pipeline. Other
		 * errors (a full disk) must not stop the run. */
		if (fds_write_all(o->dst[i], buf, take) == -EPIPE) {
			close_and_reset(&o->pipe_rd[i]);
			return 0;
		}
		if (take < (size_t)n) {
			o->exceeded = true;
			return 1;
		}
	}
}

void output_finish(struct output *o)
{
	for (int i = 0; i < 2; i++) {
		while (o->pipe_rd[i] >= 0 && !o->exceeded) {
			int r = output_pump(o, i);
			if (r <= 0)
				break;
			/* EAGAIN with writers left (orphans are dead by now,
			 * so this only happens on a race): stop */
			if (r == 1)
				break;
		}
		close_and_reset(&o->pipe_rd[i]);
	}
	for (int i = 0; i < 3; i++) {
		if (o->child[i] != o->owned[i])
			close_and_reset(&o->child[i]);
		close_and_reset(&o->owned[i]);
	}
}

/* pasta for network { mode: USER } (broker). pasta daemonizes once the
 * namespace is configured: waiting for the foreground process is waiting
 * for readiness, and the daemon's pid comes back through a pipe given as
 * its --pid file, so no temporary file is needed. */
#include "pasta.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cleanup.h"

#define PASTA "/usr/bin/pasta"

static void exec_pasta(pid_t target, int pid_w)
{
	char pidfile[64], target_s[32], runas[32];
	int null = open("/dev/null", O_RDWR | O_CLOEXEC);

	snprintf(pidfile, sizeof(pidfile), "/proc/self/fd/%d", pid_w);
	snprintf(target_s, sizeof(target_s), "%d", (int)target);
	if (null >= 0) {
		dup2(null, 0);
		dup2(null, 1);
	}
	fcntl(pid_w, F_SETFD, 0);
	/* As root pasta would switch to nobody, who may not enter a user
	 * namespace that root owns. It still drops its capabilities. */
	snprintf(runas, sizeof(runas), "%u:%u", (unsigned)getuid(),
		 (unsigned)getgid());
	/* -t/-u none: no port of the host forwarded in; -T/-U none: no port
	 * of the sandbox forwarded out; --no-map-gw: the gateway address
	 * does not lead to the host's loopback. The sandbox gets an address
	 * of its own (pasta would copy the host's), so the host's addresses
	 * are reachable through pasta like any other. */
	execl(PASTA, PASTA, "--config-net", "--quiet", "--no-map-gw",
	      "--address", "10.0.2.100", "--netmask", "24",
	      "--gateway", "10.0.2.2", "--ipv4-only",
	      "-t", "none", "-u", "none", "-T", "none", "-U", "none",
	      "--runas", runas, "--pid", pidfile, target_s, (char *)NULL);
	_exit(127);
}

static pid_t read_pid(int fd)
{
	char buf[32];
	ssize_t n = read(fd, buf, sizeof(buf) - 1);

	if (n <= 0)
		return -EPROTO;
	buf[n] = '\0';
	long p = strtol(buf, NULL, 10);
	return p > 0 ? (pid_t)p : -EPROTO;
}

pid_t pasta_start(pid_t target, struct sbx_error *err)
{
	int p[2], st;
	pid_t child, daemon;

	if (access(PASTA, X_OK) < 0)
		return sbx_err_errno(err, -errno, "network mode USER needs %s",
				     PASTA);
	if (pipe2(p, O_CLOEXEC) < 0)
		return sbx_err_errno(err, -errno, "pipe for pasta");
	child = fork();
	if (child < 0) {
		close(p[0]);
		close(p[1]);
		return sbx_err_errno(err, -errno, "fork pasta");
	}
	if (child == 0)
		exec_pasta(target, p[1]);
	close(p[1]);
	while (waitpid(child, &st, 0) < 0 && errno == EINTR)
		;
	daemon = WIFEXITED(st) && WEXITSTATUS(st) == 0 ? read_pid(p[0]) : -EIO;
	close(p[0]);
	if (daemon < 0) {
		sbx_err(err, -EIO, "pasta could not configure the sandbox's "
			"network (exit status %d)",
			WIFEXITED(st) ? WEXITSTATUS(st) : -1);
		sbx_err_hint(err, "pasta needs /dev/net/tun readable and "
			     "writable by you (mode 0666 on most systems); "
			     "otherwise use network mode NONE or LOOPBACK");
		return -EIO;
	}
	return daemon;
}

void pasta_stop(pid_t pasta)
{
	if (pasta > 0)
		kill(pasta, SIGTERM);
}

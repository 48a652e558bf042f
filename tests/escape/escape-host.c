/* escape-host: the host side of the escape tests (never run in a sandbox):
 *   listen-tcp ADDR PORT LOG      accept forever, one line in LOG per accept
 *   listen-abstract NAME LOG      the same on the abstract socket @NAME
 *   sleeper MARKER                pause forever (a host process to attack)
 *   with-key DESC -- CMD...       new session keyring with a "user" key DESC,
 *                                 runs CMD, then reports on stderr whether
 *                                 CMD added "sbx-escape-added" to it
 *   with-ipc KEY -- CMD...        a System V shared memory segment, message
 *                                 queue and semaphore set with KEY (mode
 *                                 0666) exist while CMD runs
 *   pty-run -- CMD...             runs CMD on a fresh pty (as stdin, stdout,
 *                                 stderr and controlling terminal), copies
 *                                 its output, then reports on stderr the
 *                                 bytes left in the pty's input queue */
#include "escape.h"

#include <linux/keyctl.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <termios.h>
#include <arpa/inet.h>
#include <netinet/in.h>

static int serve(int s, const char *log)
{
	if (listen(s, 16) < 0) {
		perror("listen");
		return 2;
	}
	/* Ready: the runner waits for the log file to exist. */
	int lf = open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (lf < 0) {
		perror(log);
		return 2;
	}
	for (;;) {
		int c = accept4(s, NULL, NULL, SOCK_CLOEXEC);
		if (c < 0)
			continue;
		if (write(lf, "accept\n", 7) < 0) {}
		close(c);
	}
}

static int listen_tcp(char **argv)
{
	int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), one = 1;
	struct sockaddr_in a = { .sin_family = AF_INET,
				 .sin_port = htons((uint16_t)atoi(argv[2])) };
	inet_pton(AF_INET, argv[1], &a.sin_addr);
	setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(s, (struct sockaddr *)&a, sizeof(a)) < 0) {
		perror("bind");
		return 2;
	}
	return serve(s, argv[3]);
}

static int listen_abstract(char **argv)
{
	int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	size_t n = strlen(argv[1]);
	memcpy(a.sun_path + 1, argv[1], n);
	if (bind(s, (struct sockaddr *)&a,
		 (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + n)) < 0) {
		perror("bind");
		return 2;
	}
	return serve(s, argv[2]);
}

static int run_wait(char **cmd)
{
	pid_t p = fork();
	if (p == 0) {
		execvp(cmd[0], cmd);
		_exit(127);
	}
	int st;
	waitpid(p, &st, 0);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static int with_key(char **argv)
{
	if (syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, NULL) < 0 ||
	    syscall(SYS_add_key, "user", argv[1], "sbx-escape-secret", 17,
		    KEY_SPEC_SESSION_KEYRING) < 0) {
		perror("keyctl");
		return 2;
	}
	int rc = run_wait(argv + 3);
	long id = syscall(SYS_keyctl, KEYCTL_SEARCH, KEY_SPEC_SESSION_KEYRING,
			  "user", "sbx-escape-added", 0);
	fprintf(stderr, "caller-keyring: %s\n", id >= 0 ? "MODIFIED" : "clean");
	return rc;
}

static int with_ipc(char **argv)
{
	key_t key = (key_t)strtol(argv[1], NULL, 0);
	int shm = shmget(key, 4096, IPC_CREAT | IPC_EXCL | 0666);
	int msq = msgget(key, IPC_CREAT | IPC_EXCL | 0666);
	int sem = semget(key, 1, IPC_CREAT | IPC_EXCL | 0666);
	int rc = 2;
	if (shm < 0 || msq < 0 || sem < 0)
		perror("with-ipc");
	else
		rc = run_wait(argv + 3);
	if (shm >= 0)
		shmctl(shm, IPC_RMID, NULL);
	if (msq >= 0)
		msgctl(msq, IPC_RMID, NULL);
	if (sem >= 0)
		semctl(sem, 0, IPC_RMID);
	return rc;
}

static int pty_run(char **argv)
{
	int m, s;
	if (openpty(&m, &s, NULL, NULL, NULL) < 0) {
		perror("openpty");
		return 2;
	}
	pid_t p = fork();
	if (p == 0) {
		setsid();
		ioctl(s, TIOCSCTTY, 0);
		dup2(s, 0);
		dup2(s, 1);
		dup2(s, 2);
		close(m);
		if (s > 2)
			close(s);
		execvp(argv[2], argv + 2);
		_exit(127);
	}
	int st = 0;
	char buf[4096];
	for (;;) {
		struct pollfd pf = { m, POLLIN, 0 };
		if (poll(&pf, 1, 50) > 0) {
			ssize_t n = read(m, buf, sizeof(buf));
			if (n > 0 && write(1, buf, (size_t)n) < 0) {}
		}
		if (waitpid(p, &st, WNOHANG) == p)
			break;
	}
	fcntl(m, F_SETFL, O_NONBLOCK);
	for (ssize_t n; (n = read(m, buf, sizeof(buf))) > 0;)
		if (write(1, buf, (size_t)n) < 0) {}
	struct termios t;
	tcgetattr(s, &t);
	cfmakeraw(&t);
	tcsetattr(s, TCSANOW, &t);
	fcntl(s, F_SETFL, O_NONBLOCK);
	ssize_t n = read(s, buf, sizeof(buf) - 1);
	fprintf(stderr, "pty-input: %zd bytes\n", n > 0 ? n : 0);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

int main(int argc, char **argv)
{
	signal(SIGPIPE, SIG_IGN);
	if (argc >= 5 && !strcmp(argv[1], "listen-tcp"))
		return listen_tcp(argv + 1);
	if (argc >= 4 && !strcmp(argv[1], "listen-abstract"))
		return listen_abstract(argv + 1);
	if (argc >= 3 && !strcmp(argv[1], "sleeper")) {
		for (;;)
			pause();
	}
	if (argc >= 5 && !strcmp(argv[1], "with-key") && !strcmp(argv[3], "--"))
		return with_key(argv + 1);
	if (argc >= 5 && !strcmp(argv[1], "with-ipc") && !strcmp(argv[3], "--"))
		return with_ipc(argv + 1);
	if (argc >= 4 && !strcmp(argv[1], "pty-run") && !strcmp(argv[2], "--"))
		return pty_run(argv + 1);
	fprintf(stderr, "usage: see the comment at the top of escape-host.c\n");
	return 2;
}

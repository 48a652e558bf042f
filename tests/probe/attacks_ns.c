/* sbx-probe: namespace verbs (network, abstract sockets, SysV IPC, UTS). */
#include "probe.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/sem.h>
#include <sys/shm.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

/* TCP connect with a 2 s timeout; 0 or -errno. */
static int tcp_connect(const char *host, int port)
{
	struct sockaddr_in sa = {.sin_family = AF_INET,
				 .sin_port = htons((uint16_t)port)};
	int fd, r, e;
	socklen_t len = sizeof(e);

	if (inet_pton(AF_INET, host, &sa.sin_addr) != 1)
		return -EINVAL;
	fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	r = connect(fd, (struct sockaddr *)&sa, sizeof(sa));
	if (r < 0 && errno == EINPROGRESS) {
		struct pollfd p = {.fd = fd, .events = POLLOUT};
		if (poll(&p, 1, 2000) <= 0)
			r = -ETIMEDOUT;
		else if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &len) < 0)
			r = -errno;
		else
			r = -e;
	} else if (r < 0) {
		r = -errno;
	}
	close(fd);
	return r;
}

static int verb_net_connect(int argc, char **argv)
{
	long long port;

	(void)argc;
	if (probe_num(argv[2], &port) < 0 || port <= 0 || port > 65535)
		return PROBE_USAGE;
	int r = tcp_connect(argv[1], (int)port);
	if (r == -EINVAL)
		return PROBE_USAGE;
	if (r == 0)
		return probe_escape(argv[0], "connected to %s:%lld", argv[1], port);
	return probe_held(argv[0], "%s:%lld: %s", argv[1], port,
			  probe_errname(-r));
}

/* Only the loopback interface, in /sys/class/net and /proc/net/dev. */
static int verb_net_ifaces(int argc, char **argv)
{
	char buf[4096], extra[512] = "";
	DIR *d = opendir("/sys/class/net");
	struct dirent *de;
	int n = 0;

	(void)argc;
	while (d && (de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		n++;
		if (strcmp(de->d_name, "lo"))
			snprintf(extra + strlen(extra), sizeof(extra) - strlen(extra),
				 " sys:%s", de->d_name);
	}
	if (d)
		closedir(d);
	long len = probe_read_file("/proc/net/dev", buf, sizeof(buf));
	if (len < 0)
		return probe_say(PROBE_FAILED, argv[0], "/proc/net/dev: %s",
				 probe_errname((int)-len));
	/* Two header lines, then "  name: counters". */
	char *save = NULL;
	int line = 0;
	for (char *l = strtok_r(buf, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		if (line++ < 2)
			continue;
		l += strspn(l, " ");
		size_t nl = strcspn(l, ":");
		if (nl != 2 || strncmp(l, "lo", 2))
			snprintf(extra + strlen(extra), sizeof(extra) - strlen(extra),
				 " proc:%.*s", (int)nl, l);
	}
	if (*extra)
		return probe_escape(argv[0], "interfaces besides lo:%s", extra);
	return probe_held(argv[0], "only lo (%d in /sys/class/net)", n);
}

static int verb_abstract_connect(int argc, char **argv)
{
	static const int types[] = {SOCK_STREAM, SOCK_DGRAM, SOCK_SEQPACKET};
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	size_t n = strlen(argv[1]);
	char buf[256] = "";

	(void)argc;
	if (n + 1 > sizeof(sa.sun_path))
		return PROBE_USAGE;
	memcpy(sa.sun_path + 1, argv[1], n);
	socklen_t len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + n);
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		int fd = socket(AF_UNIX, types[i] | SOCK_CLOEXEC, 0);
		if (fd < 0)
			continue;
		int r = connect(fd, (struct sockaddr *)&sa, len);
		int e = errno;
		close(fd);
		if (r == 0)
			return probe_escape(argv[0], "connected to @%s (type %d)",
					    argv[1], types[i]);
		snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf), "%s%s",
			 i ? ", " : "", probe_errname(e));
	}
	return probe_held(argv[0], "@%s: %s", argv[1], buf);
}

/* Lines after the header in /proc/sysvipc/NAME. */
static int sysvipc_entries(const char *name)
{
	char path[64], buf[8192];
	int lines = 0;

	snprintf(path, sizeof(path), "/proc/sysvipc/%s", name);
	if (probe_read_file(path, buf, sizeof(buf)) < 0)
		return 0;
	for (char *p = buf; (p = strchr(p, '\n')); p++)
		lines++;
	return lines > 0 ? lines - 1 : 0;
}

static int verb_sysv_ipc(int argc, char **argv)
{
	long long key;
	char found[256] = "";

	(void)argc;
	if (probe_num(argv[1], &key) < 0)
		return PROBE_USAGE;
	if (shmget((key_t)key, 0, 0) >= 0)
		strcat(found, " shm");
	if (msgget((key_t)key, 0) >= 0)
		strcat(found, " msg");
	if (semget((key_t)key, 0, 0) >= 0)
		strcat(found, " sem");
	int shm = sysvipc_entries("shm"), msg = sysvipc_entries("msg"),
	    sem = sysvipc_entries("sem");
	if (*found || shm || msg || sem)
		return probe_escape(argv[0], "key %#llx:%s; /proc/sysvipc lists "
				    "%d shm %d msg %d sem", key,
				    *found ? found : " none", shm, msg, sem);
	return probe_held(argv[0], "key %#llx not found, no SysV objects", key);
}

/* hostname NAME: tries to set it (directly, then from a nested user
 * namespace) and reports; the host's name is checked by the test. */
static int verb_hostname(int argc, char **argv)
{
	char now[256] = "";
	int e1, e2 = 0;

	(void)argc;
	if (sethostname(argv[1], strlen(argv[1])) == 0) {
		gethostname(now, sizeof(now));
		return probe_say(PROBE_HELD, argv[0], "set to %s inside", now);
	}
	e1 = errno;
	if (unshare(CLONE_NEWUSER) < 0)
		e2 = errno;
	else if (sethostname(argv[1], strlen(argv[1])) < 0)
		e2 = errno;
	gethostname(now, sizeof(now));
	return probe_say(PROBE_HELD, argv[0], "sethostname: %s, from a nested "
			 "userns: %s; hostname inside is %s", probe_errname(e1),
			 e2 ? probe_errname(e2) : "set", now);
}

/* Host-side helpers for the tests: a listener that never accepts (the
 * kernel completes connections into the backlog), printing "listening"
 * once ready and living SECONDS. */
static int serve(const char *verb, int fd, const char *what, long long secs)
{
	if (listen(fd, 64) < 0)
		return probe_say(PROBE_FAILED, verb, "listen %s: %s", what,
				 probe_errname(errno));
	probe_say(0, verb, "listening on %s", what);
	sleep((unsigned)secs);
	return 0;
}

static int verb_listen_tcp(int argc, char **argv)
{
	struct sockaddr_in sa = {.sin_family = AF_INET};
	long long port, secs;
	int one = 1;

	(void)argc;
	if (probe_num(argv[2], &port) < 0 || port <= 0 || port > 65535 ||
	    probe_num(argv[3], &secs) < 0 ||
	    inet_pton(AF_INET, argv[1], &sa.sin_addr) != 1)
		return PROBE_USAGE;
	sa.sin_port = htons((uint16_t)port);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return probe_say(PROBE_FAILED, argv[0], "bind %s:%lld: %s",
				 argv[1], port, probe_errname(errno));
	return serve(argv[0], fd, argv[1], secs);
}

static int verb_listen_abstract(int argc, char **argv)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	size_t n = strlen(argv[1]);
	long long secs;

	(void)argc;
	if (n + 1 > sizeof(sa.sun_path) || probe_num(argv[2], &secs) < 0)
		return PROBE_USAGE;
	memcpy(sa.sun_path + 1, argv[1], n);
	socklen_t len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + n);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, len) < 0)
		return probe_say(PROBE_FAILED, argv[0], "bind @%s: %s", argv[1],
				 probe_errname(errno));
	return serve(argv[0], fd, argv[1], secs);
}

/* ipc-make KEY / ipc-rm KEY: a shm segment, a message queue and a
 * semaphore set under KEY, on the host. */
static int verb_ipc_make(int argc, char **argv)
{
	long long key;

	(void)argc;
	if (probe_num(argv[1], &key) < 0)
		return PROBE_USAGE;
	if (shmget((key_t)key, 4096, IPC_CREAT | 0666) < 0 ||
	    msgget((key_t)key, IPC_CREAT | 0666) < 0 ||
	    semget((key_t)key, 1, IPC_CREAT | 0666) < 0)
		return probe_say(PROBE_FAILED, argv[0], "key %#llx: %s", key,
				 probe_errname(errno));
	return probe_say(0, argv[0], "made shm, msg, sem with key %#llx", key);
}

static int verb_ipc_rm(int argc, char **argv)
{
	long long key;
	int id;

	(void)argc;
	if (probe_num(argv[1], &key) < 0)
		return PROBE_USAGE;
	if ((id = shmget((key_t)key, 0, 0)) >= 0)
		shmctl(id, IPC_RMID, NULL);
	if ((id = msgget((key_t)key, 0)) >= 0)
		msgctl(id, IPC_RMID, NULL);
	if ((id = semget((key_t)key, 0, 0)) >= 0)
		semctl(id, 0, IPC_RMID);
	return probe_say(0, argv[0], "removed key %#llx", key);
}

const struct probe_verb probe_ns_verbs[] = {
	{"listen-tcp", 3, 3, "HOST PORT SECONDS", verb_listen_tcp},
	{"listen-abstract", 2, 2, "NAME SECONDS", verb_listen_abstract},
	{"ipc-make", 1, 1, "KEY", verb_ipc_make},
	{"ipc-rm", 1, 1, "KEY", verb_ipc_rm},
	{"net-connect", 2, 2, "HOST PORT", verb_net_connect},
	{"net-ifaces", 0, 0, "", verb_net_ifaces},
	{"abstract-connect", 1, 1, "NAME", verb_abstract_connect},
	{"sysv-ipc", 1, 1, "KEY", verb_sysv_ipc},
	{"hostname", 1, 1, "NAME", verb_hostname},
	{NULL, 0, 0, NULL, NULL},
};

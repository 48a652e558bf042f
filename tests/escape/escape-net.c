/* escape-net: sockets that leave the network namespace or reach kernel
 * surface: raw, packet, AF_VSOCK (ignores network namespaces: the
 * hypervisor in a VM), AF_ALG; TCP to a host listener; the host's abstract
 * unix sockets. See escape.h for the protocol. */
#include "escape.h"

#include <arpa/inet.h>
#include <linux/if_alg.h>
#include <linux/if_ether.h>
#include <linux/vm_sockets.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/un.h>

#define SOCK(name, dom, type, proto) do { \
	int s_ = socket((dom), (type) | SOCK_CLOEXEC, (proto)); \
	if (s_ >= 0) return escaped(name " socket created (fd %d)", s_); \
	return held(name ": %s", en(errno)); } while (0)

static int a_raw(int argc, char **argv) { SOCK("AF_INET SOCK_RAW", AF_INET, SOCK_RAW, IPPROTO_RAW); }
static int a_packet(int argc, char **argv) { SOCK("AF_PACKET", AF_PACKET, SOCK_RAW, htons(ETH_P_ALL)); }
static int a_netlink(int argc, char **argv) { SOCK("AF_NETLINK", AF_NETLINK, SOCK_RAW, 0); }

static int a_vsock(int argc, char **argv)
{
	int s = socket(AF_VSOCK, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (s < 0)
		return held("AF_VSOCK: %s", en(errno));
	struct sockaddr_vm a = { .svm_family = AF_VSOCK, .svm_cid = VMADDR_CID_HOST,
				 .svm_port = 22 };
	int r = connect(s, (struct sockaddr *)&a, sizeof(a));
	return escaped("AF_VSOCK socket created; connect to the host CID: %s",
		       r == 0 ? "connected" : en(errno));
}

static int a_alg(int argc, char **argv)
{
	int s = socket(AF_ALG, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
	if (s < 0)
		return held("AF_ALG: %s", en(errno));
	struct sockaddr_alg a = { .salg_family = AF_ALG, .salg_type = "hash",
				  .salg_name = "sha256" };
	int r = bind(s, (struct sockaddr *)&a, sizeof(a));
	return escaped("AF_ALG socket created; bind hash/sha256: %s",
		       r == 0 ? "ok" : en(errno));
}

/* tcp ADDR PORT...: connect to host listeners; the runner counts accepts
 * on its side (a transparent proxy here accepts any outbound connect). */
static int a_tcp(int argc, char **argv)
{
	char d[512] = "";
	for (int i = 1; i + 1 < argc; i += 2) {
		int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (s < 0)
			return held("socket(AF_INET): %s", en(errno));
		struct sockaddr_in a = { .sin_family = AF_INET,
					 .sin_port = htons((uint16_t)atoi(argv[i + 1])) };
		inet_pton(AF_INET, argv[i], &a.sin_addr);
		int r = connect(s, (struct sockaddr *)&a, sizeof(a));
		int e = errno;
		close(s);
		char one[96];
		snprintf(one, sizeof(one), "%s%s:%s %s", i > 1 ? ", " : "", argv[i],
			 argv[i + 1], r == 0 ? "connected" : en(e));
		strncat(d, one, sizeof(d) - strlen(d) - 1);
		/* 127.0.0.1 is the sandbox's own loopback: a connect there
		 * reaches nothing of the host's unless the listener counts it. */
		if (r == 0 && strcmp(argv[i], "127.0.0.1") != 0)
			return escaped("connected to %s:%s", argv[i], argv[i + 1]);
	}
	return held("%s (runner checks the host listener)", d);
}

/* abstract NAME: connect to the host's abstract socket @NAME; abstract
 * names belong to the network namespace. */
static int a_abstract(int argc, char **argv)
{
	int s = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (s < 0)
		return held("socket(AF_UNIX): %s", en(errno));
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	size_t n = strlen(argv[1]);
	if (n + 1 > sizeof(a.sun_path))
		return esc_error("name too long");
	memcpy(a.sun_path + 1, argv[1], n);
	if (connect(s, (struct sockaddr *)&a,
		    (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + n)) == 0)
		return escaped("connected to the host's abstract socket @%s", argv[1]);
	return held("connect @%s: %s", argv[1], en(errno));
}

int main(int argc, char **argv)
{
	static const struct esc_attack t[] = {
		{ "raw", a_raw, 0 },
		{ "packet", a_packet, 0 },
		{ "netlink", a_netlink, 0 },
		{ "vsock", a_vsock, 0 },
		{ "alg", a_alg, 0 },
		{ "tcp", a_tcp, 2 },
		{ "abstract", a_abstract, 1 },
		{ NULL, NULL, 0 },
	};
	return esc_main(t, argc, argv);
}

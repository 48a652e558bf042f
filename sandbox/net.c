/* The sandbox's network namespace: joining the one the broker's helper
 * made, and lo. An ioctl on a datagram socket is the shortest path to lo:
 * one socket, two ioctls, no netlink round trips. */
#include "net.h"

#include <errno.h>
#include <net/if.h>
#include <sched.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "channel.h"
#include "cleanup.h"

int net_loopback_up(void)
{
	_cleanup_close_ int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	struct ifreq ifr = {0};

	if (fd < 0)
		return -errno;
	strcpy(ifr.ifr_name, "lo");
	if (ioctl(fd, SIOCGIFFLAGS, &ifr) < 0)
		return -errno;
	ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
	if (ioctl(fd, SIOCSIFFLAGS, &ifr) < 0)
		return -errno;
	return 0;
}

int net_join(int sock, struct setup_error *e)
{
	struct chan_msg m;
	int t = chan_recv(sock, &m), r = 0;

	close(sock);
	if (t == CHAN_SETUP_ERROR)
		return setup_fail(e, m.error.step, m.error.errnum,
				  "the broker's helper: %s", m.error.detail);
	if (t != CHAN_NETNS)
		return setup_fail(e, STEP_NETWORK, t < 0 ? -t : EPIPE,
				  "receive the network namespace");
	if (setns(m.fd, CLONE_NEWNET) < 0)
		r = setup_fail(e, STEP_NETWORK, errno,
			       "setns into the network namespace");
	close(m.fd);
	return r;
}

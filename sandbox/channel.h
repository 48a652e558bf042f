/* The broker <-> sandbox channel: one SOCK_SEQPACKET socket pair carrying
 * typed protobuf-c messages (policies/channel.proto), one per packet: a type
 * byte followed by the packed message. Sending needs no allocation, so it is
 * safe in the cloned child and after fork. */
#pragma once

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "channel.pb-c.h"

#define CHAN_MAX_PACKET 1024
#define CHAN_DETAIL_MAX 256
#define CHAN_MAX_STEPS 32

enum chan_type {
	CHAN_SETUP_ERROR = 1, /* Sbx__SetupError */
	CHAN_EXIT_REPORT = 2, /* Sbx__ExitReport */
	CHAN_STARTED = 3,     /* Sbx__Started */
	CHAN_SECCOMP_LISTENER = 4, /* Sbx__SeccompListener + the fd */
	CHAN_CGROUP_JOIN = 5, /* Sbx__CgroupJoin + the groups' tasks files;
			       * broker to PID 1 */
	CHAN_NETNS = 6,       /* Sbx__SeccompListener (empty) + the network
			       * namespace; the broker's helper to PID 1 */
};

#define CHAN_MAX_FDS 8

/* The broker's request to PID 1 to end the run (a limit or a forbidden
 * call): PID 1 kills every process of the sandbox, reaps them and reports
 * as when the payload exits, so the run's CPU time and peak RSS are still
 * measured. Sent with pidfd_send_signal; PID 1 heeds it only from outside
 * its PID namespace (or from its parent, without one). */
#define CHAN_STOP_SIGNAL SIGUSR1

/* A decoded setup failure, fixed size. */
struct chan_setup_error {
	unsigned step;
	int errnum;
	char detail[CHAN_DETAIL_MAX];
};

/* One received packet, decoded; only the member of its type is set. */
struct chan_msg {
	int type;
	struct chan_setup_error error;
	Sbx__ExitReport report; /* scalar fields only: nothing to free */
	uint64_t init_cpu_usec; /* CHAN_STARTED */
	uint32_t step_usec[CHAN_MAX_STEPS]; /* CHAN_STARTED: setup timings */
	unsigned n_step_usec;
	int fd; /* CHAN_SECCOMP_LISTENER, CHAN_NETNS: the descriptor
		 * received, owned by the caller (close-on-exec); -1 for every
		 * other type */
};

/* Sends a setup failure. Returns 0 or -errno. */
int chan_send_error(int fd, unsigned step, int errnum, const char *detail);

/* Sends the exit report of PID 1. Returns 0 or -errno. */
int chan_send_exit(int fd, const Sbx__ExitReport *report);

/* Sends PID 1's setup CPU time once the payload is forked. */
int chan_send_started(int fd, uint64_t init_cpu_usec, const uint32_t *step_usec,
		      size_t n_steps);

/* Sends passfd (SCM_RIGHTS) with a packet of type CHAN_SECCOMP_LISTENER or
 * CHAN_NETNS. Uses sendmsg only. Returns 0 or -errno. */
int chan_send_fd(int fd, int type, int passfd);

/* Sends the broker's CHAN_CGROUP_JOIN with n (<= CHAN_MAX_FDS)
 * descriptors. Returns 0 or -errno. */
int chan_send_cgroup_join(int fd, const int *fds, size_t n);

/* PID 1: receives the CHAN_CGROUP_JOIN packet into fds (close-on-exec,
 * owned by the caller). Returns how many, or -errno (-EBADMSG for any
 * other packet or a count that does not match). */
int chan_recv_cgroup_join(int fd, int fds[CHAN_MAX_FDS]);

/* Receives one packet into *ret. A descriptor that comes with any packet
 * but CHAN_SECCOMP_LISTENER and CHAN_NETNS is closed. Returns its type (> 0), 0 on EOF, or
 * -errno; malformed packets are -EBADMSG. */
int chan_recv(int fd, struct chan_msg *ret);

/* Decodes one packet already read (exposed for the fuzzer and tests). */
int chan_decode(const uint8_t *buf, size_t len, struct chan_msg *ret);

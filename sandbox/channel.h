/* The broker <-> sandbox channel: one SOCK_SEQPACKET socket pair carrying
 * typed protobuf-c messages (policies/channel.proto), one per packet: a type
 * byte followed by the packed message. Sending needs no allocation, so it is
 * safe in the cloned child and after fork. */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "channel.pb-c.h"

#define CHAN_MAX_PACKET 1024
#define CHAN_DETAIL_MAX 256

enum chan_type {
	CHAN_SETUP_ERROR = 1, /* Sbx__SetupError */
	CHAN_EXIT_REPORT = 2, /* Sbx__ExitReport */
};

/* A decoded setup failure, fixed size. */
struct chan_setup_error {
	unsigned step;
	int errnum;
	char detail[CHAN_DETAIL_MAX];
};

/* Sends a setup failure. Returns 0 or -errno. */
int chan_send_error(int fd, unsigned step, int errnum, const char *detail);

/* Sends the exit report of PID 1. Returns 0 or -errno. */
int chan_send_exit(int fd, const Sbx__ExitReport *report);

/* Receives one packet. Returns its type (> 0), 0 on EOF, or -errno; on
 * CHAN_SETUP_ERROR fills *ret_error, on CHAN_EXIT_REPORT fills *ret_report
 * (only the scalar fields, so nothing needs freeing). Malformed packets are
 * -EBADMSG. */
int chan_recv(int fd, struct chan_setup_error *ret_error,
	      Sbx__ExitReport *ret_report);

/* Decodes one packet already read (exposed for the fuzzer and tests). */
int chan_decode(const uint8_t *buf, size_t len,
		struct chan_setup_error *ret_error,
		Sbx__ExitReport *ret_report);

/* Seccomp user notifications (broker): the payload's filter answers
 * SECCOMP_RET_USER_NOTIF for calls the policy sends to the broker; the
 * payload passes the listener over the channel before its exec. The broker
 * reads each notification, checks it is still valid, records the call by
 * name with its arguments and kills the sandbox; the call is never
 * answered, so it never returns into the program. */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

struct notify_record {
	bool hit;          /* a call was refused through the listener */
	char name[32];     /* "socket", or "#NR" when libseccomp has no name */
	int nr;
	uint32_t arch;     /* AUDIT_ARCH_* */
	uint64_t args[6];
	pid_t pid;         /* caller, as the broker's pid namespace sees it */
};

/* Handles one readable event on listener: receives the notification,
 * checks SECCOMP_IOCTL_NOTIF_ID_VALID before trusting what was read,
 * records the first call in *rec and kills the sandbox through pidfd
 * (PID 1: the kernel then kills every process of the sandbox, the caller
 * included, still waiting for an answer).
 * Returns 0, -ENOENT when the notification vanished (the caller died:
 * nothing recorded), or another -errno (the listener is dead: stop polling
 * it). */
int notify_handle(int listener, int pidfd, struct notify_record *rec);

/* Fills rec->name from nr and arch. */
void notify_name(struct notify_record *rec);

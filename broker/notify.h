/* Seccomp user notifications (broker): the payload's filter answers
 * SECCOMP_RET_USER_NOTIF for calls the policy sends to the broker; the
 * payload passes the listener over the channel before its exec. The broker
 * reads each notification, checks it is still valid and records the call
 * by name with its arguments; the supervisor then ends the run
 * (broker/supervise.c). The call is never answered, so it never returns
 * into the program. */
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
 * checks SECCOMP_IOCTL_NOTIF_ID_VALID before trusting what was read and
 * records the first call in *rec, leaving its caller waiting for an answer
 * that never comes: the end of the run kills it.
 * Returns 0, -ENOENT when the notification vanished (the caller died:
 * nothing recorded), or another -errno (the listener is dead: stop polling
 * it). */
int notify_handle(int listener, struct notify_record *rec);

/* Fills rec->name from nr and arch. */
void notify_name(struct notify_record *rec);

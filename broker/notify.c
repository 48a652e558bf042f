/* Seccomp user notifications (broker). See notify.h. */
#include "notify.h"

#include <errno.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#include "syscalls.h"

void notify_name(struct notify_record *rec)
{
	char *name = seccomp_syscall_resolve_num_arch(rec->arch, rec->nr);

	if (name)
		snprintf(rec->name, sizeof(rec->name), "%s", name);
	else
		snprintf(rec->name, sizeof(rec->name), "#%d", rec->nr);
	free(name);
}

int notify_handle(int listener, struct notify_record *rec)
{
	struct seccomp_notif req;
	struct notify_record got = {.hit = true};

	memset(&req, 0, sizeof(req));
	while (ioctl(listener, SECCOMP_IOCTL_NOTIF_RECV, &req) < 0) {
		if (errno == EINTR)
			continue;
		/* ENOENT: the caller was killed before we read it */
		return -errno;
	}
	got.nr = req.data.nr;
	got.arch = req.data.arch;
	got.pid = (pid_t)req.pid;
	memcpy(got.args, req.data.args, sizeof(got.args));
	/* The data is only the caller's if the notification is still alive
	 * now that we read it (the pid could have been reused). */
	if (ioctl(listener, SECCOMP_IOCTL_NOTIF_ID_VALID, &req.id) < 0)
		return -ENOENT;
	if (!rec->hit) {
		notify_name(&got);
		*rec = got;
	}
	/* No answer: the caller stays blocked in the filter until the end
	 * of the run reaches it, so the call never returns into the
	 * program. */
	return 0;
}

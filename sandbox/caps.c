/* Capability dropping with libcap-ng (payload, just before exec; the
 * bounding set already by PID 1 at its start).
 *
 * Order matters: the bounding set can only shrink while CAP_SETPCAP is held,
 * and the id switch needs CAP_SETUID/CAP_SETGID, so bounding and ambient
 * sets go first, then the ids, then whatever remains of the effective,
 * permitted and inheritable sets. */
#include "caps.h"

#include <cap-ng.h>
#include <errno.h>
#include <linux/capability.h>
#include <stdint.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "syscalls.h"

static int keep_set(char *const *keep, size_t n, struct setup_error *e)
{
	capng_clear(CAPNG_SELECT_BOTH);
	for (size_t i = 0; i < n; i++) {
		int cap = capng_name_to_capability(keep[i]);
		if (cap < 0)
			return setup_fail(e, STEP_CAPS, EINVAL,
					  "unknown capability %s", keep[i]);
		capng_update(CAPNG_ADD,
			     CAPNG_EFFECTIVE | CAPNG_PERMITTED |
			     CAPNG_INHERITABLE,
			     (unsigned)cap);
	}
	return 0;
}

/* Kept capabilities must survive execve as a non-root uid: only the ambient
 * set carries them. */
static int raise_ambient(char *const *keep, size_t n, struct setup_error *e)
{
	for (size_t i = 0; i < n; i++) {
		int cap = capng_name_to_capability(keep[i]);
		if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, cap, 0, 0) < 0)
			return setup_fail(e, STEP_CAPS, errno,
					  "raise ambient %s", keep[i]);
	}
	return 0;
}

/* The bounding set down to the kept names, with prctl as
 * capng_apply(CAPNG_SELECT_BOUNDS) does, but without the three reads of
 * /proc/self/status it makes around the drops (some 60 µs of every run),
 * and without libcap-ng's state, which records the pid of its first
 * caller: PID 1 calls this, and the payload sharing its memory must not
 * inherit that pid. Each drop commits new credentials (1.5 µs here), a read
 * does not, so a capability already out is only read. The kernel's EINVAL
 * marks the end of the capabilities it knows. */
int caps_drop_bounding(char *const *keep, size_t n, struct setup_error *e)
{
	uint64_t kept = 0;

	for (size_t i = 0; i < n; i++) {
		int cap = capng_name_to_capability(keep[i]);
		if (cap < 0 || cap > 63)
			return setup_fail(e, STEP_CAPS, EINVAL,
					  "unknown capability %s", keep[i]);
		kept |= 1ull << cap;
	}
	for (int cap = 0;; cap++) {
		if (cap < 64 && (kept & (1ull << cap)))
			continue;
		int in = prctl(PR_CAPBSET_READ, cap, 0, 0, 0);
		if (in < 0 && errno == EINVAL)
			return 0;
		if (in == 0 || prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) == 0)
			continue;
		return setup_fail(e, STEP_CAPS, errno, "drop bounding set");
	}
}

int caps_drop_and_switch(char *const *keep, size_t n, uid_t uid, gid_t gid,
			 bool set_groups, struct setup_error *e)
{
	int r = keep_set(keep, n, e);

	if (r < 0 || (r = caps_drop_bounding(keep, n, e)) < 0)
		return r;
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0)
		return setup_fail(e, STEP_CAPS, errno, "clear ambient set");
	if (n && prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
		return setup_fail(e, STEP_CAPS, errno, "PR_SET_KEEPCAPS");
	if (set_groups && sys_setgroups(1, &gid) < 0)
		return setup_fail(e, STEP_CAPS, errno, "setgroups %u", gid);
	if (sys_setresgid(gid, gid, gid) < 0)
		return setup_fail(e, STEP_CAPS, errno, "setresgid %u", gid);
	if (sys_setresuid(uid, uid, uid) < 0)
		return setup_fail(e, STEP_CAPS, errno, "setresuid %u", uid);
	if (capng_apply(CAPNG_SELECT_CAPS) < 0)
		return setup_fail(e, STEP_CAPS, EPERM, "drop capabilities");
	return raise_ambient(keep, n, e);
}

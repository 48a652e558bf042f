/* Host checks for `sbx doctor` (broker). Each check runs the real kernel
 * operation in a throwaway child rather than guessing from version numbers:
 * distributions patch these paths (Debian's unprivileged_userns_clone,
 * Ubuntu's AppArmor restriction). */
#include "doctor.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cgroup-file.h"
#include "cgroup-parse.h"

static void say(char *buf, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void say(char *buf, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, DOCTOR_TEXT_MAX, fmt, ap);
	va_end(ap);
}

/* Runs fn in a child; returns 0 or the errno the child exited with. */
static int in_child(int (*fn)(void))
{
	int st;
	pid_t pid = fork();

	if (pid < 0)
		return errno;
	if (pid == 0)
		_exit(fn());
	if (waitpid(pid, &st, 0) < 0)
		return errno;
	return WIFEXITED(st) ? WEXITSTATUS(st) : EINTR;
}

static int try_userns(void)
{
	return unshare(CLONE_NEWUSER) < 0 ? errno : 0;
}

/* Maps our own ids as root of a new user namespace, as sbx does. */
static int map_self(uid_t uid, gid_t gid)
{
	char map[64];
	int fd;

	snprintf(map, sizeof(map), "0 %u 1", (unsigned)uid);
	if ((fd = open("/proc/self/setgroups", O_WRONLY)) >= 0) {
		if (write(fd, "deny", 4) < 0) {
			/* already denied further up: fine */
		}
		close(fd);
	}
	if ((fd = open("/proc/self/uid_map", O_WRONLY)) < 0 ||
	    write(fd, map, strlen(map)) < 0)
		return errno;
	close(fd);
	snprintf(map, sizeof(map), "0 %u 1", (unsigned)gid);
	if ((fd = open("/proc/self/gid_map", O_WRONLY)) < 0 ||
	    write(fd, map, strlen(map)) < 0)
		return errno;
	close(fd);
	return 0;
}

static int try_overlay(void)
{
	char dir[] = "/tmp/sbx-doctor-XXXXXX";
	uid_t uid = geteuid();
	gid_t gid = getegid();
	int e;

	if (unshare(CLONE_NEWUSER | CLONE_NEWNS) < 0)
		return errno;
	if ((e = map_self(uid, gid)) != 0)
		return e;
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0 ||
	    mount("none", "/tmp", "tmpfs", 0, NULL) < 0 || !mkdtemp(dir))
		return errno;
	if (chdir(dir) < 0 || mkdir("l", 0755) < 0 || mkdir("u", 0755) < 0 ||
	    mkdir("w", 0755) < 0 || mkdir("m", 0755) < 0)
		return errno;
	if (mount("overlay", "m", "overlay", 0,
		  "lowerdir=l,upperdir=u,workdir=w,userxattr") < 0)
		return errno;
	return 0;
}

static void check_kernel(struct doctor_check *c)
{
	struct utsname u;
	int major = 0, minor = 0;

	c->name = "kernel";
	c->required = true;
	uname(&u);
	sscanf(u.release, "%d.%d", &major, &minor);
	c->ok = major > 5 || (major == 5 && minor >= 12);
	say(c->detail, "Linux %s", u.release);
	say(c->hint, "sbx needs Linux 5.12 or later (overlayfs in user "
	    "namespaces, mount_setattr)");
}

static void read_sysctl(const char *path, char *out, size_t size)
{
	int r = cgf_read(AT_FDCWD, path, out, size);

	if (r < 0)
		snprintf(out, size, "absent");
	else
		out[strcspn(out, "\n")] = '\0';
}

static void check_userns(struct doctor_check *c)
{
	char max[32], clone[32], apparmor[32];
	int e = in_child(try_userns);

	c->name = "user namespaces";
	c->required = true;
	c->ok = e == 0;
	read_sysctl("/proc/sys/user/max_user_namespaces", max, sizeof(max));
	read_sysctl("/proc/sys/kernel/unprivileged_userns_clone", clone,
		    sizeof(clone));
	read_sysctl("/proc/sys/kernel/apparmor_restrict_unprivileged_userns",
		    apparmor, sizeof(apparmor));
	say(c->detail, "%s (user.max_user_namespaces=%s, "
	    "kernel.unprivileged_userns_clone=%s, "
	    "kernel.apparmor_restrict_unprivileged_userns=%s)",
	    e ? strerror(e) : "available", max, clone, apparmor);
	say(c->hint, "sysctl -w user.max_user_namespaces=10000 "
	    "kernel.unprivileged_userns_clone=1 "
	    "kernel.apparmor_restrict_unprivileged_userns=0");
}

static void check_overlay(struct doctor_check *c)
{
	int e = in_child(try_overlay);

	c->name = "overlayfs in a user namespace";
	c->required = true;
	c->ok = e == 0;
	say(c->detail, "%s", e ? strerror(e) : "mounts");
	say(c->hint, "needs Linux 5.11+ with CONFIG_OVERLAY_FS; meanwhile a "
	    "policy with filesystem { read_only_root: true } avoids it");
}

static void check_seccomp(struct doctor_check *c)
{
	char actions[256];

	c->name = "seccomp";
	c->required = true;
	read_sysctl("/proc/sys/kernel/seccomp/actions_avail", actions,
		    sizeof(actions));
	c->ok = prctl(PR_GET_SECCOMP) >= 0 && strstr(actions, "kill_process");
	say(c->detail, "actions: %s%s", actions,
	    strstr(actions, "user_notif") ? "" : " (no user_notif: "
	    "violations are reported as SIGSYS, not by name)");
	say(c->hint, "a kernel built with CONFIG_SECCOMP_FILTER");
}

/* Summarises the hierarchies and whether we may create groups in ours. */
static void check_cgroups(struct doctor_check *c)
{
	static const char *const needed[] = {"memory", "pids", "cpu"};
	char *buf = malloc(65536);
	struct cgp_mounts *ms = calloc(1, sizeof(*ms));
	size_t used = 0;

	c->name = "cgroups";
	c->required = false;
	c->ok = false;
	if (!buf || !ms ||
	    cgf_read(AT_FDCWD, "/proc/self/mountinfo", buf, 65536) < 0 ||
	    cgp_parse_mountinfo(buf, ms) < 0 ||
	    cgf_read(AT_FDCWD, "/proc/self/cgroup", buf, 65536) < 0 ||
	    cgp_parse_proc_cgroup(buf, ms) < 0) {
		say(c->detail, "cannot read the cgroup mounts");
		goto out;
	}
	c->ok = true;
	for (size_t i = 0; i < ms->n; i++) {
		const struct cgp_mount *m = &ms->m[i];
		char dir[PATH_MAX + 8];
		bool mine = false;
		for (size_t k = 0; k < 3; k++)
			mine |= m->version == 2 || cgp_has_controller(m->controllers, needed[k]);
		if (!mine)
			continue;
		snprintf(dir, sizeof(dir), "%s%s", m->mountpoint, m->caller);
		bool w = access(dir, W_OK) == 0;
		c->ok &= w || m->version == 2;
		int n = snprintf(c->detail + used, DOCTOR_TEXT_MAX - used, "%sv%d %s%s",
				 used ? ", " : "", m->version,
				 m->version == 1 ? m->controllers : "unified",
				 w ? "" : " (not writable)");
		if (n < 0 || (size_t)n >= DOCTOR_TEXT_MAX - used)
			break;
		used += (size_t)n;
	}
	say(c->hint, "without a writable (delegated) group sbx falls back to "
	    "rlimits and rusage; delegate one: on cgroup v2 `systemd-run "
	    "--user --scope -p Delegate=yes sbx ...`, on v1 an admin makes a "
	    "group, chowns it to you and you pass --cgroup-parent");
out:
	free(buf);
	free(ms);
}

static void check_pasta(struct doctor_check *c)
{
	c->name = "pasta (user-mode networking)";
	c->required = false;
	c->ok = access("/usr/bin/pasta", X_OK) == 0;
	say(c->detail, "%s", c->ok ? "/usr/bin/pasta" : "not installed");
	say(c->hint, "apt-get install passt (only for network { mode: USER })");
}

int doctor_run(struct doctor_check out[DOCTOR_MAX_CHECKS])
{
	void (*const checks[])(struct doctor_check *) = {
		check_kernel, check_userns, check_overlay, check_seccomp,
		check_cgroups, check_pasta,
	};
	int n = 0;

	for (size_t i = 0; i < sizeof(checks) / sizeof(*checks); i++) {
		memset(&out[n], 0, sizeof(out[n]));
		checks[i](&out[n++]);
	}
	return n;
}

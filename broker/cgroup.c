/* Where the run's control groups go, and their life (broker).
 *
 * Each controller is used from a v1 hierarchy when one carries it and from
 * the unified (v2) hierarchy otherwise; a v2 group is made whenever a v2
 * hierarchy is mounted and ours to write, for its cpu.stat and cgroup.kill
 * even on hybrid hosts where it has no controllers. Groups are named
 * sbx-<broker pid>-<random>, so a later run can recognise and remove the
 * groups of a broker that died. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <time.h>
#include <unistd.h>

#include "cgroup-file.h"
#include "cgroup-internal.h"
#include "cgroup-parse.h"
#include "cleanup.h"

#define READ_MAX 65536

/* Controller names in v1 hierarchies; v2 differs only for blkio/io. */
static const char *const ctrl_names[CG_N_] = {
	[CG_MEMORY] = "memory", [CG_PIDS] = "pids", [CG_CPUACCT] = "cpuacct",
	[CG_CPU] = "cpu",       [CG_DEVICES] = "devices", [CG_CPUSET] = "cpuset",
	[CG_IO] = "blkio",
};

static const char *v2_name(enum cg_ctrl c)
{
	return c == CG_IO ? "io" : ctrl_names[c];
}

static unsigned long cgroup_magic(const char *path)
{
	struct statfs sf;

	return statfs(path, &sf) == 0 ? (unsigned long)sf.f_type : 0;
}

/* The hierarchies where the convention puts them (cgp_guess_mounts()),
 * each checked: a cgroup file system of its version, holding the caller's
 * group. -ENOENT when anything differs: mountinfo decides then. */
static int guess_layout(const char *proc_cgroup, struct cgp_mounts *m)
{
	unsigned long top = cgroup_magic("/sys/fs/cgroup");
	char path[PATH_MAX];
	int r;

	if (top != CGROUP2_SUPER_MAGIC && top != TMPFS_MAGIC)
		return -ENOENT;
	r = cgp_guess_mounts(proc_cgroup, top == CGROUP2_SUPER_MAGIC, m);
	for (size_t i = 0; r == 0 && i < m->n; i++) {
		unsigned long want = m->m[i].version == 2 ? CGROUP2_SUPER_MAGIC :
							    CGROUP_SUPER_MAGIC;
		int n = snprintf(path, sizeof(path), "%s%s", m->m[i].mountpoint,
				 m->m[i].caller);
		if (n < 0 || (size_t)n >= sizeof(path) || cgroup_magic(path) != want)
			r = -ENOENT;
	}
	return r;
}

static int discover(struct cgp_mounts *m, struct sbx_error *err)
{
	_cleanup_free_ char *self = malloc(READ_MAX), *mounts = NULL;
	int r;

	if (!self)
		return sbx_err(err, -ENOMEM, "cgroups: out of memory");
	r = cgf_read(AT_FDCWD, "/proc/self/cgroup", self, READ_MAX);
	if (r < 0)
		return sbx_err(err, r, "cgroups: cannot read /proc/self/cgroup");
	if (guess_layout(self, m) == 0)
		return 0;
	if (!(mounts = malloc(READ_MAX)))
		return sbx_err(err, -ENOMEM, "cgroups: out of memory");
	r = cgf_read(AT_FDCWD, "/proc/self/mountinfo", mounts, READ_MAX);
	if (r < 0 || cgp_parse_mountinfo(mounts, m) < 0)
		return sbx_err(err, r < 0 ? r : -EINVAL,
			       "cgroups: cannot parse /proc/self/mountinfo");
	if (cgp_parse_proc_cgroup(self, m) < 0)
		return sbx_err(err, -EINVAL,
			       "cgroups: cannot parse /proc/self/cgroup");
	return 0;
}

/* The directory our groups go into in this hierarchy. */
static int parent_path(const struct cgp_mount *m, const char *parent,
		       char out[PATH_MAX])
{
	const char *rel = parent;
	size_t rootlen = strlen(m->root);

	if (!rel) {
		if (!m->caller[0])
			return -ENOENT;
		rel = m->caller;
		/* inside a container the mount's root is our group's
		 * ancestor: the caller path is relative to the hierarchy */
		if (rootlen > 1 && strncmp(rel, m->root, rootlen) == 0)
			rel += rootlen;
	}
	int n = snprintf(out, PATH_MAX, "%s/%s", m->mountpoint,
			 rel[0] == '/' ? rel + 1 : rel);
	return n < 0 || n >= PATH_MAX ? -ENAMETOOLONG : 0;
}

/* Errors that mean "no cgroup for us here" rather than a broken host:
 * without delegation, or (EBUSY) in a v2 group shared with other
 * processes. */
static bool permission_error(int r)
{
	return r == -EACCES || r == -EPERM || r == -EROFS || r == -EBUSY;
}

/* Whether a group may have child groups: a kernfs directory's link count
 * is 2 plus its subdirectories. One stat instead of reading a directory of
 * a few dozen control files, in every hierarchy, on every run. */
static bool has_children(int dirfd, const char *path)
{
	struct stat st;

	return fstatat(dirfd, path, &st, *path ? 0 : AT_EMPTY_PATH) < 0 ||
	       st.st_nlink > 2;
}

/* Removes groups left by brokers that no longer exist. */
static void remove_stale(int parent_fd)
{
	int fd = has_children(parent_fd, "") ? dup(parent_fd) : -1;
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	struct dirent *de;

	if (!d) {
		if (fd >= 0)
			close(fd);
		return;
	}
	while ((de = readdir(d))) {
		int pid;
		if (sscanf(de->d_name, "sbx-%d-", &pid) != 1 &&
		    sscanf(de->d_name, "sbx-broker-%d", &pid) != 1)
			continue;
		if (pid <= 0 || kill(pid, 0) == 0 || errno != ESRCH)
			continue;
		int g = openat(parent_fd, de->d_name, O_DIRECTORY | O_CLOEXEC);
		if (g >= 0) {
			cgf_write(g, "cgroup.kill", "1");
			close(g);
		}
		unlinkat(parent_fd, de->d_name, AT_REMOVEDIR);
	}
	closedir(d);
}

/* parent_path(), failing with a message. */
static int our_parent(const struct cgp_mount *m, const char *parent,
		      char out[PATH_MAX], struct sbx_error *err)
{
	int r = parent_path(m, parent, out);

	return r < 0 ? sbx_err(err, r, "cgroups: no group of ours in %s",
			       m->mountpoint) : 0;
}

static int make_dir(struct cgroup *cg, const struct cgp_mount *m,
		    const char *parent, const char *name, struct sbx_error *err)
{
	struct cg_dir *d = &cg->dir[cg->n];
	char ppath[PATH_MAX];
	int r = our_parent(m, parent, ppath, err);

	if (r < 0)
		return r;
	d->parent_fd = open(ppath, O_DIRECTORY | O_CLOEXEC);
	if (d->parent_fd < 0)
		return sbx_err_errno(err, -errno, "cgroups: open %s", ppath);
	remove_stale(d->parent_fd);
	if (mkdirat(d->parent_fd, name, 0755) < 0) {
		r = -errno;
		close(d->parent_fd);
		return sbx_err_errno(err, r, "cgroups: mkdir %s/%s", ppath, name);
	}
	d->fd = openat(d->parent_fd, name, O_DIRECTORY | O_CLOEXEC);
	if (d->fd < 0) {
		r = -errno;
		unlinkat(d->parent_fd, name, AT_REMOVEDIR);
		close(d->parent_fd);
		return sbx_err_errno(err, r, "cgroups: open %s/%s", ppath, name);
	}
	d->version = m->version;
	d->ctrls = 0;
	d->payload_only = false;
	snprintf(d->name, sizeof(d->name), "%s", name);
	if (snprintf(d->path, sizeof(d->path), "%s/%s", ppath, name) < 0)
		d->path[0] = '\0';
	cg->n++;
	return (int)cg->n - 1;
}

static bool wanted(const Sbx__Policy *p, enum cg_ctrl c)
{
	switch (c) {
	case CG_CPU:
		return p->limits->has_cpu_quota_percent;
	case CG_CPUSET:
		return p->limits->cpus != NULL;
	case CG_IO:
		return p->limits->has_io_read_bps || p->limits->has_io_write_bps;
	case CG_DEVICES:
		/* v1 devices.deny needs CAP_SYS_ADMIN; rootless sandboxes
		 * only ever see the device nodes we bind. */
		return geteuid() == 0;
	default:
		return true;
	}
}

/* v2: enables a controller for our group in the parent. The kernel
 * refuses while the parent holds processes (the no-internal-process rule):
 * then move ourselves into a leaf of our own, as crun and systemd do.
 * What we enable and whether we moved is recorded, so cg_destroy can undo
 * it when no other run needs it. */
static int enable_v2(struct cgroup *cg, enum cg_ctrl c)
{
	struct cg_dir *d = &cg->dir[cg->v2];
	char line[32], have[512], leaf[64];
	int r;

	if (cgf_read(d->parent_fd, "cgroup.subtree_control", have, sizeof(have)) >= 0) {
		for (char *p = have; *p; p++)
			if (*p == ' ' || *p == '\n')
				*p = ',';
		if (cgp_has_controller(have, v2_name(c)))
			return 0;
	}
	snprintf(line, sizeof(line), "+%s", v2_name(c));
	r = cgf_write(d->parent_fd, "cgroup.subtree_control", line);
	if (r == -EBUSY && !cg->in_leaf) {
		snprintf(leaf, sizeof(leaf), "sbx-broker-%d", (int)getpid());
		if (mkdirat(d->parent_fd, leaf, 0755) < 0 && errno != EEXIST)
			return -errno;
		_cleanup_close_ int lfd = openat(d->parent_fd, leaf,
						 O_DIRECTORY | O_CLOEXEC);
		if (lfd < 0 || cgf_write_u64(lfd, "cgroup.procs",
					     (uint64_t)getpid()) < 0)
			return -EBUSY;
		cg->in_leaf = true;
		r = cgf_write(d->parent_fd, "cgroup.subtree_control", line);
	}
	if (r == 0)
		cg->v2_enabled |= 1u << c;
	return r;
}

/* Undoes enable_v2 once our run group is gone: disable what we enabled
 * (refused while another run's group uses it: then all stays, and a later
 * run sweeps the leaf), move back, remove the leaf. */
static void leave_leaf(struct cgroup *cg)
{
	struct cg_dir *d = &cg->dir[cg->v2];
	char line[32], leaf[64];

	for (int c = 0; c < CG_N_; c++) {
		if (!(cg->v2_enabled & (1u << c)))
			continue;
		snprintf(line, sizeof(line), "-%s", v2_name(c));
		if (cgf_write(d->parent_fd, "cgroup.subtree_control", line) < 0)
			return;
	}
	if (!cg->in_leaf ||
	    cgf_write_u64(d->parent_fd, "cgroup.procs", (uint64_t)getpid()) < 0)
		return;
	snprintf(leaf, sizeof(leaf), "sbx-broker-%d", (int)getpid());
	unlinkat(d->parent_fd, leaf, AT_REMOVEDIR);
}

/* Serves controller c from the v2 group when the hierarchy offers it. */
static int assign_v2(struct cgroup *cg, enum cg_ctrl c)
{
	char avail[512];
	struct cg_dir *d = &cg->dir[cg->v2];

	if (c == CG_CPUACCT) /* cpu.stat's usage is always there */
		goto ok;
	if (c == CG_DEVICES)
		return -EOPNOTSUPP; /* v2 devices are BPF programs */
	if (cgf_read(d->parent_fd, "cgroup.controllers", avail, sizeof(avail)) < 0)
		return -EOPNOTSUPP;
	for (char *s = avail; *s; s++)
		if (*s == ' ' || *s == '\n')
			*s = ',';
	if (!cgp_has_controller(avail, v2_name(c)))
		return -EOPNOTSUPP;
	int r = enable_v2(cg, c);
	if (r < 0)
		return r;
ok:
	d->ctrls |= 1u << c;
	cg->by_ctrl[c] = cg->v2;
	return 0;
}

static int v2_refused(struct sbx_error *err, const struct cg_dir *d,
		      enum cg_ctrl c, int r)
{
	sbx_err_errno(err, r, "cgroups: cannot enable %s for %s", v2_name(c),
		      d->path);
	if (r == -EBUSY)
		sbx_err_hint(err, "the caller's cgroup holds other processes "
			     "(cgroup v2 allows controllers only below groups "
			     "without processes): run sbx in a group of its "
			     "own, e.g. `systemd-run --user --scope -p "
			     "Delegate=yes sbx ...`");
	return r;
}

/* Serves controller c from its v1 hierarchy, making our group there if no
 * other controller of that hierarchy made it yet. */
static int assign_v1(struct cgroup *cg, const struct cgp_mounts *ms, int mi,
		     const char *parent, const char *name, enum cg_ctrl c,
		     int *made, struct sbx_error *err)
{
	if (made[mi] < 0) {
		int r = make_dir(cg, &ms->m[mi], parent, name, err);
		if (r < 0)
			return r;
		made[mi] = r;
	}
	cg->dir[made[mi]].ctrls |= 1u << c;
	cg->by_ctrl[c] = made[mi];
	return 0;
}

static int find_v1(const struct cgp_mounts *ms, enum cg_ctrl c)
{
	for (size_t i = 0; i < ms->n; i++)
		if (ms->m[i].version == 1 &&
		    cgp_has_controller(ms->m[i].controllers, ctrl_names[c]))
			return (int)i;
	return -1;
}

/* Stale groups in hierarchies this run does not use (a cpu group made only
 * for runs with a CPU quota) would otherwise wait for a run that does. */
static void sweep_unused(const struct cgp_mounts *ms, const char *parent,
			 const int *made)
{
	for (size_t i = 0; i < ms->n; i++) {
		char ppath[PATH_MAX];
		bool ours = ms->m[i].version == 2;

		for (int c = 0; c < CG_N_; c++)
			ours |= cgp_has_controller(ms->m[i].controllers, ctrl_names[c]);
		if (!ours || made[i] >= 0 ||
		    parent_path(&ms->m[i], parent, ppath) < 0 ||
		    !has_children(AT_FDCWD, ppath))
			continue;
		int fd = open(ppath, O_DIRECTORY | O_CLOEXEC);
		if (fd >= 0) {
			remove_stale(fd);
			close(fd);
		}
	}
}

/* Whether we may make a group in hierarchy mi, checked before the clone so
 * that a caller without delegation still falls back to rlimits. */
static int check_writable(const struct cgp_mounts *ms, int mi,
			  const char *parent, struct sbx_error *err)
{
	char ppath[PATH_MAX];
	int r = our_parent(&ms->m[mi], parent, ppath, err);

	if (r < 0)
		return r;
	if (faccessat(AT_FDCWD, ppath, W_OK | X_OK, AT_EACCESS) < 0)
		return sbx_err_errno(err, -errno, "cgroups: mkdir in %s", ppath);
	return 0;
}

static int build(struct cgroup *cg, const Sbx__Policy *p,
		 struct sbx_error *err)
{
	const struct cgp_mounts *ms = cg->ms;
	const char *parent = cg->parent;
	uint32_t rnd = 0;

	if (getrandom(&rnd, sizeof(rnd), 0) < 0)
		rnd = (uint32_t)time(NULL);
	snprintf(cg->name, sizeof(cg->name), "sbx-%d-%08x", (int)getpid(), rnd);
	for (size_t i = 0; i < CGP_MAX_MOUNTS; i++)
		cg->made[i] = -1;
	for (size_t i = 0; i < ms->n; i++) {
		if (ms->m[i].version != 2)
			continue;
		int r = make_dir(cg, &ms->m[i], parent, cg->name, err);
		if (r >= 0)
			cg->made[i] = cg->v2 = r;
		else if (!permission_error(r) || find_v1(ms, CG_MEMORY) < 0)
			return r;
		break;
	}
	for (int c = 0; c < CG_N_; c++) {
		int mi = find_v1(ms, c), r;
		if (!wanted(p, c))
			continue;
		if (cg->v2 >= 0 && (mi < 0 || c == CG_CPUACCT)) {
			r = assign_v2(cg, c);
			if (r == 0)
				continue;
			/* The controller exists but cannot be had: never drop
			 * a limit silently. */
			if (r != -EOPNOTSUPP)
				return v2_refused(err, &cg->dir[cg->v2], c, r);
		}
		if (mi < 0 && (c == CG_CPU || c == CG_CPUSET || c == CG_IO))
			return sbx_err(err, -EOPNOTSUPP, "cgroups: this host "
				       "has no %s controller for the policy's "
				       "limit", v2_name(c));
		if (mi < 0)
			continue; /* accounting without it: rusage fills in */
		if (cg->v2 >= 0) {
			/* The v2 group counts the CPU: the v1 groups can be
			 * made while the sandbox sets itself up. */
			if ((r = check_writable(ms, mi, parent, err)) < 0)
				return r;
			cg->deferred |= 1u << c;
			continue;
		}
		r = assign_v1(cg, ms, mi, parent, cg->name, c, cg->made, err);
		if (r < 0)
			return r;
	}
	if (!cg->deferred)
		sweep_unused(ms, parent, cg->made);
	return 0;
}

int cg_create(const Sbx__Policy *p, const char *parent, struct cgroup **ret,
	      char *note, size_t size, struct sbx_error *err)
{
	/* Neither is zeroed whole: a run touches a page or two of each
	 * (see struct cgroup's dir and struct cgp_mounts' pool). */
	struct cgroup *cg = malloc(sizeof(*cg));
	struct cgp_mounts *ms = malloc(sizeof(*ms));
	int r;

	*ret = NULL;
	if (!cg || !ms) {
		free(cg);
		free(ms);
		return sbx_err(err, -ENOMEM, "cgroups: out of memory");
	}
	memset(cg, 0, offsetof(struct cgroup, dir));
	ms->n = ms->used = 0;
	cg->ms = ms;
	cg->v2 = -1;
	cg->parent = parent;
	for (int c = 0; c < CG_N_; c++)
		cg->by_ctrl[c] = -1;
	r = discover(cg->ms, err);
	if (r == 0)
		r = build(cg, p, err);
	if (r == 0)
		r = cg_write_cpuset(cg, p, err);
	if (r < 0) {
		cg_destroy(cg);
		if (parent || !permission_error(r))
			return r;
		if (r == -EBUSY)
			snprintf(note, size, "the caller's cgroup is shared with "
				 "other processes (%s): limits by rlimits and "
				 "sampled CPU and memory, accounting by rusage; "
				 "run sbx in a group of its own",
				 err ? err->msg : "");
		else
			snprintf(note, size, "no cgroup delegated to uid %u (%s): "
				 "limits by rlimits and sampled CPU and memory, "
				 "accounting by rusage",
				 (unsigned)geteuid(), err ? err->msg : "");
		return 0;
	}
	*ret = cg;
	return 0;
}

/* The v1 groups build() left for later; a cpuset takes no task before it
 * has CPUs. */
static int make_deferred(struct cgroup *cg, const Sbx__Policy *p,
			 struct sbx_error *err)
{
	for (int c = 0; c < CG_N_; c++) {
		if (!(cg->deferred & (1u << c)))
			continue;
		int r = assign_v1(cg, cg->ms, find_v1(cg->ms, c), cg->parent,
				  cg->name, c, cg->made, err);
		if (r < 0)
			return r;
	}
	sweep_unused(cg->ms, cg->parent, cg->made);
	return cg->deferred & (1u << CG_CPUSET) ? cg_write_cpuset(cg, p, err) : 0;
}

bool cg_join_pending(const struct cgroup *cg)
{
	return cg && cg->deferred;
}

/* A group's tasks file: writing "0" to it moves the writer's thread. */
static int open_tasks(const struct cg_dir *d, struct sbx_error *err)
{
	int fd = openat(d->fd, "tasks", O_WRONLY | O_CLOEXEC);

	return fd >= 0 ? fd : sbx_err_errno(err, -errno, "cgroups: open %s/tasks",
					    d->path);
}

int cg_finish(struct cgroup *cg, const Sbx__Policy *p, int *join, size_t max,
	      struct sbx_error *err)
{
	size_t first = cg ? cg->n : 0, n = 0;
	int r;

	if (!cg)
		return 0;
	if (cg->deferred && (r = make_deferred(cg, p, err)) < 0)
		return r;
	cg->deferred = 0;
	for (size_t i = first; i < cg->n; i++)
		cg->dir[i].payload_only = true;
	if ((r = cg_write_limits(cg, p, err)) < 0)
		return r;
	if (cg->n - first > max)
		return sbx_err(err, -E2BIG, "cgroups: too many groups to join");
	for (size_t i = first; i < cg->n; i++) {
		if ((r = open_tasks(&cg->dir[i], err)) < 0) {
			while (n > 0)
				close(join[--n]);
			return r;
		}
		join[n++] = r;
	}
	return (int)n;
}

int cg_clone_fd(const struct cgroup *cg)
{
	return cg && cg->v2 >= 0 ? cg->dir[cg->v2].fd : -1;
}

int cg_attach(struct cgroup *cg, pid_t pid, bool cloned_into_v2,
	      struct sbx_error *err)
{
	for (size_t i = 0; cg && i < cg->n; i++) {
		if (cloned_into_v2 && (int)i == cg->v2)
			continue;
		int r = cgf_write_u64(cg->dir[i].fd, "cgroup.procs", (uint64_t)pid);
		if (r < 0)
			return sbx_err_errno(err, r, "cgroups: move sandbox into %s",
					     cg->dir[i].path);
	}
	return 0;
}

size_t cg_dirs(const struct cgroup *cg, const char **paths, size_t max)
{
	size_t n = 0;

	for (size_t i = 0; cg && i < cg->n && n < max; i++)
		if (cg->dir[i].path[0])
			paths[n++] = cg->dir[i].path;
	return n;
}

const char *cg_version(const struct cgroup *cg)
{
	bool v1 = false, v2 = false;

	for (size_t i = 0; cg && i < cg->n; i++) {
		v1 |= cg->dir[i].version == 1;
		v2 |= cg->dir[i].version == 2;
	}
	return v1 && v2 ? "hybrid" : v2 ? "v2" : v1 ? "v1" : "none";
}

/* A group just emptied by the kernel can refuse rmdir for a moment while
 * its last tasks finish exiting: a process someone else put in it and
 * cgroup.kill killed can take milliseconds on a loaded or emulated
 * machine. Retries with a growing pause, for up to about two seconds. */
static void remove_dir(struct cg_dir *d)
{
	long ns = 100000, waited = 0;

	while (unlinkat(d->parent_fd, d->name, AT_REMOVEDIR) < 0 &&
	       errno == EBUSY && waited < 2000000000L) {
		struct timespec ts = {0, ns};
		nanosleep(&ts, NULL);
		waited += ns;
		if (ns < 50000000L)
			ns *= 2;
	}
}

void cg_remove_payload_groups(struct cgroup *cg)
{
	for (size_t i = 0; cg && i < cg->n; i++) {
		struct cg_dir *d = &cg->dir[i];
		if (!d->payload_only || d->fd < 0 ||
		    unlinkat(d->parent_fd, d->name, AT_REMOVEDIR) < 0)
			continue;
		close(d->fd);
		d->fd = -1;
	}
}

/* The groups are empty by now whenever the run had a PID namespace of its
 * own (its PID 1, reaped, took every process of it along): removed at the
 * first try, with no kill to write. A group still busy means processes
 * are left: they are killed, and the group removed once they are gone. */
void cg_destroy(struct cgroup *cg)
{
	bool left[CG_MAX_DIRS] = {false}, any = false;

	if (!cg)
		return;
	for (size_t i = 0; i < cg->n; i++) {
		const struct cg_dir *d = &cg->dir[i];
		left[i] = d->fd >= 0 &&
			  unlinkat(d->parent_fd, d->name, AT_REMOVEDIR) < 0 &&
			  errno == EBUSY;
		any |= left[i];
	}
	if (any && cg->v2 >= 0)
		cgf_write(cg->dir[cg->v2].fd, "cgroup.kill", "1");
	for (size_t i = 0; i < cg->n; i++) {
		if (cg->dir[i].fd >= 0)
			close(cg->dir[i].fd);
		if (left[i])
			remove_dir(&cg->dir[i]);
	}
	if (cg->v2 >= 0 && (cg->in_leaf || cg->v2_enabled))
		leave_leaf(cg);
	for (size_t i = 0; i < cg->n; i++)
		close(cg->dir[i].parent_fd);
	free(cg->ms);
	free(cg);
}

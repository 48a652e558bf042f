/* Writing the policy's limits into the run's groups and reading the
 * statistics back, per cgroup version (broker). */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "cgroup-devices.h"
#include "cgroup-file.h"
#include "cgroup-internal.h"
#include "cleanup.h"

static struct cg_dir *dir_for(struct cgroup *cg, enum cg_ctrl c)
{
	return cg->by_ctrl[c] >= 0 ? &cg->dir[cg->by_ctrl[c]] : NULL;
}

static int fail(struct sbx_error *err, int r, const struct cg_dir *d,
		const char *file)
{
	return sbx_err_errno(err, r, "cgroups: write %s/%s", d->path, file);
}

/* Optional files (swap accounting off, older kernels) may be missing. */
static int write_opt(int fd, const char *file, uint64_t v)
{
	int r = cgf_write_u64(fd, file, v);
	return r == -ENOENT ? 0 : r;
}

static int memory_limits(struct cg_dir *d, const Sbx__Limits *l,
			 struct sbx_error *err)
{
	uint64_t swap = l->has_swap_bytes ? l->swap_bytes : 0;
	int r;

	if (!l->has_memory_bytes)
		return 0;
	if (d->version == 2) {
		if ((r = cgf_write_u64(d->fd, "memory.max", l->memory_bytes)) < 0)
			return fail(err, r, d, "memory.max");
		if ((r = write_opt(d->fd, "memory.swap.max", swap)) < 0)
			return fail(err, r, d, "memory.swap.max");
		return 0;
	}
	if ((r = cgf_write_u64(d->fd, "memory.limit_in_bytes", l->memory_bytes)) < 0)
		return fail(err, r, d, "memory.limit_in_bytes");
	/* memsw counts memory + swap; absent without swap accounting */
	if ((r = write_opt(d->fd, "memory.memsw.limit_in_bytes",
			   l->memory_bytes + swap)) < 0)
		return fail(err, r, d, "memory.memsw.limit_in_bytes");
	if (swap == 0)
		write_opt(d->fd, "memory.swappiness", 0);
	return 0;
}

static int pids_limit(struct cg_dir *d, const Sbx__Limits *l,
		      struct sbx_error *err)
{
	int r;

	if (!l->has_processes)
		return 0;
	/* PID 1 of the sandbox counts too where it is in the group: one
	 * more than the payload's */
	if ((r = cgf_write_u64(d->fd, "pids.max",
			       l->processes + !d->payload_only)) < 0)
		return fail(err, r, d, "pids.max");
	return 0;
}

static int cpu_quota(struct cg_dir *d, const Sbx__Limits *l,
		     struct sbx_error *err)
{
	const uint64_t period = 100000;
	uint64_t quota = (uint64_t)l->cpu_quota_percent * period / 100;
	char line[64];
	int r;

	if (d->version == 2) {
		snprintf(line, sizeof(line), "%" PRIu64 " %" PRIu64, quota, period);
		if ((r = cgf_write(d->fd, "cpu.max", line)) < 0)
			return fail(err, r, d, "cpu.max");
		return 0;
	}
	if ((r = cgf_write_u64(d->fd, "cpu.cfs_period_us", period)) < 0)
		return fail(err, r, d, "cpu.cfs_period_us");
	if ((r = cgf_write_u64(d->fd, "cpu.cfs_quota_us", quota)) < 0)
		return fail(err, r, d, "cpu.cfs_quota_us");
	return 0;
}

/* v1 refuses tasks in a cpuset group until it has memory nodes: copy the
 * parent's. */
static int cpuset_limit(struct cg_dir *d, const char *cpus,
			struct sbx_error *err)
{
	char mems[256];
	int r;

	if (d->version == 1) {
		if ((r = cgf_read(d->parent_fd, "cpuset.mems", mems, sizeof(mems))) < 0)
			return fail(err, r, d, "cpuset.mems (parent)");
		mems[strcspn(mems, "\n")] = '\0';
		if ((r = cgf_write(d->fd, "cpuset.mems", mems)) < 0)
			return fail(err, r, d, "cpuset.mems");
	}
	if ((r = cgf_write(d->fd, "cpuset.cpus", cpus)) < 0)
		return fail(err, r, d, "cpuset.cpus");
	return 0;
}

/* The whole disk under path: throttling is per disk, not per partition. */
static int disk_of(const char *path, unsigned *ret_major, unsigned *ret_minor)
{
	struct stat st;
	char sys[128], dev[32];

	if (stat(path, &st) < 0)
		return -errno;
	*ret_major = major(st.st_dev);
	*ret_minor = minor(st.st_dev);
	if (*ret_major == 0)
		return -ENODEV; /* tmpfs, overlay: no disk */
	snprintf(sys, sizeof(sys), "/sys/dev/block/%u:%u/partition", *ret_major,
		 *ret_minor);
	if (access(sys, F_OK) < 0)
		return 0;
	snprintf(sys, sizeof(sys), "/sys/dev/block/%u:%u/../dev", *ret_major,
		 *ret_minor);
	if (cgf_read(AT_FDCWD, sys, dev, sizeof(dev)) < 0 ||
	    sscanf(dev, "%u:%u", ret_major, ret_minor) != 2)
		return -ENODEV;
	return 0;
}

static int io_limit(struct cg_dir *d, const Sbx__Policy *p,
		    struct sbx_error *err)
{
	const Sbx__Limits *l = p->limits;
	const char *where = p->filesystem->workdir ? p->filesystem->workdir : "/";
	unsigned maj = 0, min = 0;
	char line[96];
	int r = disk_of(where, &maj, &min);

	if (r < 0 && (r = disk_of("/", &maj, &min)) < 0)
		return sbx_err_errno(err, r, "cgroups: no disk under %s for the "
				     "I/O limits", where);
	if (d->version == 2) {
		int n = snprintf(line, sizeof(line), "%u:%u", maj, min);
		if (l->has_io_read_bps)
			n += snprintf(line + n, sizeof(line) - (size_t)n,
				      " rbps=%" PRIu64, l->io_read_bps);
		if (l->has_io_write_bps)
			snprintf(line + n, sizeof(line) - (size_t)n,
				 " wbps=%" PRIu64, l->io_write_bps);
		return (r = cgf_write(d->fd, "io.max", line)) < 0 ?
		       fail(err, r, d, "io.max") : 0;
	}
	const struct { bool has; uint64_t v; const char *file; } t[] = {
		{l->has_io_read_bps, l->io_read_bps, "blkio.throttle.read_bps_device"},
		{l->has_io_write_bps, l->io_write_bps, "blkio.throttle.write_bps_device"},
	};
	for (size_t i = 0; i < 2; i++) {
		if (!t[i].has)
			continue;
		snprintf(line, sizeof(line), "%u:%u %" PRIu64, maj, min, t[i].v);
		if ((r = cgf_write(d->fd, t[i].file, line)) < 0)
			return fail(err, r, d, t[i].file);
	}
	return 0;
}

/* The kernel takes one rule per write(2): all of them through one open. */
static int devices_v1(struct cg_dir *d, const struct dev_rule *rules,
		      size_t n, struct sbx_error *err)
{
	_cleanup_close_ int fd = -1;
	char line[64];
	int r;

	if ((r = cgf_write(d->fd, "devices.deny", "a")) < 0)
		return fail(err, r, d, "devices.deny");
	if ((fd = openat(d->fd, "devices.allow", O_WRONLY | O_CLOEXEC)) < 0)
		return fail(err, -errno, d, "devices.allow");
	for (size_t i = 0; i < n; i++) {
		dev_rule_format(&rules[i], line, sizeof(line));
		if ((r = cgf_write_fd(fd, line)) < 0)
			return fail(err, r, d, "devices.allow");
	}
	return 0;
}

/* v1: the devices controller; v2: a device program on the run's group.
 * Only as root: rootless sandboxes cannot make device nodes, and loading
 * BPF needs privileges a user does not have. */
static int devices(struct cgroup *cg, const Sbx__Policy *p,
		   struct sbx_error *err)
{
	struct dev_rule rules[DEV_MAX_RULES];
	struct cg_dir *d = dir_for(cg, CG_DEVICES);
	int n;

	if (geteuid() != 0 || (!d && cg->v2 < 0))
		return 0;
	if ((n = dev_rules(p, rules, err)) < 0)
		return n;
	if (d && d->version == 1)
		return devices_v1(d, rules, (size_t)n, err);
	return dev_bpf_attach(cg->dir[cg->v2].fd, rules, (size_t)n, err);
}

int cg_write_cpuset(struct cgroup *cg, const Sbx__Policy *p,
		    struct sbx_error *err)
{
	struct cg_dir *d = dir_for(cg, CG_CPUSET);

	return d ? cpuset_limit(d, p->limits->cpus, err) : 0;
}

int cg_write_limits(struct cgroup *cg, const Sbx__Policy *p,
		    struct sbx_error *err)
{
	struct cg_dir *d;
	int r = 0;

	if ((d = dir_for(cg, CG_MEMORY)) && (r = memory_limits(d, p->limits, err)) < 0)
		return r;
	if ((d = dir_for(cg, CG_PIDS)) && (r = pids_limit(d, p->limits, err)) < 0)
		return r;
	if ((d = dir_for(cg, CG_CPU)) && (r = cpu_quota(d, p->limits, err)) < 0)
		return r;
	if ((d = dir_for(cg, CG_IO)) && (r = io_limit(d, p, err)) < 0)
		return r;
	return devices(cg, p, err);
}

int cg_cpu_usec(struct cgroup *cg, uint64_t *ret)
{
	struct cg_dir *d = cg ? dir_for(cg, CG_CPUACCT) : NULL;

	return d ? cgf_read_cpu_usec(d->fd, d->version, ret) : -ENODEV;
}

static void cpu_stats(struct cg_dir *d, struct cg_stats *s)
{
	uint64_t u, sy;

	if (d->version == 2) {
		static const char *const keys[] = {"usage_usec", "user_usec",
						   "system_usec"};
		uint64_t *const vals[] = {&s->cpu_usec, &s->user_usec,
					  &s->sys_usec};
		s->has_cpu = cgf_read_keys(d->fd, "cpu.stat", 3, keys, vals) == 0;
		return;
	}
	if (cgf_read_u64(d->fd, "cpuacct.usage", &s->cpu_usec) < 0 ||
	    cgf_read_u64(d->fd, "cpuacct.usage_user", &u) < 0 ||
	    cgf_read_u64(d->fd, "cpuacct.usage_sys", &sy) < 0)
		return;
	s->cpu_usec /= 1000;
	s->user_usec = u / 1000;
	s->sys_usec = sy / 1000;
	s->has_cpu = true;
}

static void memory_stats(struct cg_dir *d, struct cg_stats *s)
{
	if (d->version == 2) {
		s->has_memory_peak = cgf_read_u64(d->fd, "memory.peak",
						  &s->memory_peak_bytes) == 0;
		cgf_read_key(d->fd, "memory.events", "oom_kill", &s->oom_kills);
		return;
	}
	s->has_memory_peak = cgf_read_u64(d->fd, "memory.max_usage_in_bytes",
					  &s->memory_peak_bytes) == 0;
	cgf_read_key(d->fd, "memory.oom_control", "oom_kill", &s->oom_kills);
}

void cg_stats(struct cgroup *cg, struct cg_stats *s)
{
	struct cg_dir *d;

	memset(s, 0, sizeof(*s));
	if (!cg)
		return;
	if ((d = dir_for(cg, CG_CPUACCT)))
		cpu_stats(d, s);
	if ((d = dir_for(cg, CG_MEMORY)))
		memory_stats(d, s);
	if ((d = dir_for(cg, CG_PIDS)) && d->version == 2)
		s->has_pids_peak = cgf_read_u64(d->fd, "pids.peak",
						&s->pids_peak) == 0;
}

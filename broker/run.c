/* sbx_run: one sandboxed run from a finalized policy (broker). */
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

#include "channel.h"
#include "cleanup.h"
#include "env.h"
#include "filter-prebuilt.h"
#include "hostroot.h"
#include "launch.h"
#include "output.h"
#include "program.h"
#include "registry.h"
#include "result.h"
#include "sbx.h"
#include "seccomp_filter.h"
#include "signals.h"
#include "supervise.h"
#include "workdir.h"

extern char **environ;

static void env_freep(char ***p)
{
	env_free(*p);
}

static uint64_t mono_usec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

static void timing(struct sbx_result *res, const char *step, uint64_t *since)
{
	uint64_t now = mono_usec();

	if (res->n_timings < SBX_MAX_TIMINGS)
		res->timings[res->n_timings++] =
			(struct sbx_timing){.step = step, .usec = now - *since};
	*since = now;
}

static uint64_t with_extra(const Sbx__Limits *l, bool has, uint64_t ms)
{
	return has ? ms + (l->has_extra_time_ms ? l->extra_time_ms : 0) : 0;
}

/* Lists the running sandbox for `sbx list` and `sbx enter`. Best effort:
 * a run whose record cannot be written still runs, unlisted. */
static void register_run(const struct sandbox_config *cfg,
			 const struct cgroup *cg, const struct launch *l,
			 struct sbx_result *res)
{
	Sbx__RunRecord rec = SBX__RUN_RECORD__INIT;
	const char *dirs[8];
	char id[REGISTRY_ID_LEN + 1];
	size_t argc = 0;

	if (registry_new_id(id) < 0 ||
	    registry_start_ticks(l->pid, &rec.start_ticks) < 0)
		return;
	while (cfg->argv[argc])
		argc++;
	rec.id = id;
	rec.has_pid = rec.has_start_ticks = rec.has_started_unix = 1;
	rec.pid = l->pid;
	rec.started_unix = time(NULL);
	rec.has_broker_pid = rec.has_host_root = 1;
	rec.broker_pid = getpid();
	rec.host_root = cfg->host_root;
	rec.n_argv = argc;
	rec.argv = (char **)cfg->argv;
	rec.n_cgroup_dirs = cg_dirs(cg, dirs, ARRAY_SIZE(dirs));
	rec.cgroup_dirs = (char **)dirs;
	rec.policy = (Sbx__Policy *)cfg->policy;
	if (registry_add(&rec, NULL) == 0)
		snprintf(res->id, sizeof(res->id), "%s", id);
}

struct reported {
	const struct sbx_result *res;
	struct cgroup *cg;
};

/* The payload and everything it started are gone, while the kernel still
 * tears down PID 1's namespaces: `sbx list` and `sbx enter` have nothing
 * left to find, and the groups PID 1 is not in are empty. */
static void release_early(void *data)
{
	const struct reported *r = data;

	if (r->res->id[0])
		registry_remove(r->res->id);
	cg_remove_payload_groups(r->cg);
}

/* The parts of the sandbox's own setup, as PID 1 measured them (they
 * overlap the broker's "seccomp" and fall in its "run"). */
static void inside_timings(const struct supervision *s, struct sbx_result *res)
{
	for (unsigned i = 0; i < s->n_setup_usec; i++) {
		const char *name = sandbox_timing_name(i);
		if (name && res->n_timings < SBX_MAX_TIMINGS)
			res->timings[res->n_timings++] = (struct sbx_timing){
				.step = name, .usec = s->setup_usec[i]};
	}
}

/* Hands the seccomp filter over through the shared memory cfg->seccomp
 * points into: the one compiled with sbx when the policy's section is a
 * built-in's, else one compiled now. */
static int publish_filter(const struct sandbox_config *cfg,
			  struct sbx_result *res, uint64_t *t,
			  struct sbx_error *err)
{
	_cleanup_(scf_prog_freep) struct scf_prog prog = {0};
	/* prog is the first member of the shared struct */
	struct scf_shared *shared = (struct scf_shared *)cfg->seccomp;
	bool notify = scf_user_notif();
	const struct scf_prebuilt *pb =
		notify ? scf_prebuilt_find(cfg->policy->seccomp) : NULL;
	int r;

	if (pb) {
		struct scf_prog view = scf_prebuilt_prog(pb);
		if (scf_shared_publish(shared, &view) < 0)
			return sbx_err(err, -E2BIG, "seccomp filter too large");
		timing(res, "seccomp (built in)", t);
		return 0;
	}
	if ((r = scf_compile(cfg->policy->seccomp, notify, &prog, err)) < 0)
		return r;
	/* unmerged, the two filters are loaded stacked: the same answers */
	(void)scf_merge(&prog);
	if (scf_shared_publish(shared, &prog) < 0)
		return sbx_err(err, -E2BIG, "seccomp filter too large");
	res->seccomp_compile_usec = prog.compile_usec;
	timing(res, "seccomp", t);
	return 0;
}

/* Passes PID 1 the groups to move itself into, closing our copies.
 * EPIPE: the sandbox failed its setup meanwhile; supervise() reads why
 * from the channel. */
static int send_join(struct launch *l, int *fds, int n, struct sbx_error *err)
{
	int r = n > 0 ? chan_send_cgroup_join(l->chan, fds, (size_t)n) : 0;

	for (int i = 0; i < n; i++)
		close(fds[i]);
	return r < 0 && r != -EPIPE ?
		sbx_err_errno(err, r, "pass the cgroups to the sandbox") : 0;
}

/* While the sandbox's PID 1 mounts its root, the broker makes the rest of
 * the cgroups, writes their limits and compiles the seccomp filter; then
 * it says go, and PID 1 joins the groups and forks the payload. */
static int release_payload(const struct sandbox_config *cfg,
			   struct cgroup *cg, struct launch *l,
			   struct sbx_result *res, uint64_t *t,
			   struct sbx_error *err)
{
	int join[CHAN_MAX_FDS];
	bool helper = l->netns.sock >= 0;
	int n, r;

	/* The network namespace first: PID 1 needs it at /sys, before it
	 * needs the groups at the payload's fork. */
	if ((r = netns_make(&l->netns, cfg->policy->network->mode !=
			    SBX__NETWORK__MODE__NONE, err)) < 0)
		return r;
	if (helper)
		timing(res, "network namespace", t);
	if ((n = cg_finish(cg, cfg->policy, join, ARRAY_SIZE(join), err)) < 0)
		return n;
	if ((r = send_join(l, join, n, err)) < 0)
		return r;
	timing(res, "cgroup limits", t);
	if (cfg->filter_pending && (r = publish_filter(cfg, res, t, err)) < 0)
		return r;
	/* EPIPE: the sandbox failed its setup meanwhile; supervise() reads
	 * why from the channel. */
	if (write(l->sync_w, "", 1) != 1 && errno != EPIPE)
		return sbx_err_errno(err, -errno, "tell the sandbox to go on");
	return 0;
}

static int supervised(struct sandbox_config *cfg, struct cgroup *cg,
		      struct output *o, struct pty *pty, struct supervision *s,
		      const struct sbx_run_opts *opts, struct sbx_result *res,
		      uint64_t *t, struct sbx_error *err)
{
	const Sbx__Limits *lim = cfg->policy->limits;
	struct reported rep = {res, cg};
	struct watch w = {
		.wall_ms = with_extra(lim, lim->has_wall_time_ms, lim->wall_time_ms),
		.cpu_usec = with_extra(lim, lim->has_cpu_time_ms, lim->cpu_time_ms) * 1000,
		.memory_bytes = lim->has_memory_bytes ? lim->memory_bytes : 0,
		.cg = cg,
		.out = o,
		.pty = pty->active ? pty : NULL,
		.reported = release_early,
		.reported_data = &rep,
	};
	struct launch l = LAUNCH_INIT;
	sigset_t old;
	int sigfd = signals_block(&old);
	int r;

	if (sigfd < 0)
		return sbx_err_errno(err, sigfd, "signalfd");
	for (int i = 0; i < 3; i++)
		cfg->stdio[i] = o->child[i];
	if (pty->active) {
		/* stderr stays a redirection or a counting pipe if it is one */
		cfg->stdio[0] = cfg->stdio[1] = pty->slave;
		if (cfg->stdio[2] < 0)
			cfg->stdio[2] = pty->slave;
		cfg->tty = true;
	}
	r = launch_sandbox(cfg, cg, &l, err);
	output_started(o);
	pty_started(pty);
	if (r == 0) {
		timing(res, "launch", t);
		r = release_payload(cfg, cg, &l, res, t, err);
	}
	if (r == 0) {
		if (opts->register_run)
			register_run(cfg, cg, &l, res);
		r = supervise(&l, sigfd, &w, s, err);
		timing(res, "run", t);
		inside_timings(s, res);
		if (res->id[0] && !s->reported)
			registry_remove(res->id);
	}
	launch_cleanup(&l);
	close(sigfd);
	signals_restore(&old);
	return r;
}

static void scf_shared_freep(struct scf_shared **s)
{
	scf_shared_free(*s);
}

static void cg_destroyp(struct cgroup **cg)
{
	cg_destroy(*cg);
}

static void output_finishp(struct output *o)
{
	output_finish(o);
}

static void pty_finishp(struct pty *p)
{
	pty_finish(p);
}

/* Without a PID namespace, killing PID 1 no longer kills the run's other
 * processes: only the v2 group's cgroup.kill reaches them all, also when a
 * limit kills PID 1 before it could kill them itself. */
static int check_containable(const struct sandbox_config *cfg,
			     const struct cgroup *cg, struct sbx_error *err)
{
	if ((cfg->ns_flags & CLONE_NEWPID) || cg_clone_fd(cg) >= 0)
		return 0;
	sbx_err(err, -EOPNOTSUPP, "namespaces.pid is off and this run has no "
		"cgroup v2 group to stop its processes with: one could outlive "
		"the run");
	sbx_err_hint(err, "keep the pid namespace, or run sbx where a cgroup "
		     "v2 subtree is delegated to you");
	return -EOPNOTSUPP;
}

static int run_sandbox(struct sandbox_config *cfg,
		       const struct sbx_run_opts *opts, struct sbx_result *res,
		       uint64_t *t, struct sbx_error *err)
{
	_cleanup_(cg_destroyp) struct cgroup *cg = NULL;
	_cleanup_(output_finishp) struct output o = OUTPUT_INIT;
	_cleanup_(pty_finishp) struct pty pty = PTY_INIT;
	const Sbx__Policy *p = cfg->policy;
	struct supervision s;
	struct cg_stats cs;
	int r;

	r = output_open(&o, opts, p->limits->has_output_bytes ?
			p->limits->output_bytes : 0, err);
	if (r < 0)
		return r;
	r = pty_open(&pty, opts->stdin_path, opts->stdout_path, err);
	if (r < 0)
		return r;
	r = cg_create(p, p->cgroup ? p->cgroup->parent : NULL, &cg, res->note,
		      sizeof(res->note), err);
	if (r < 0)
		return r;
	if ((r = check_containable(cfg, cg, err)) < 0)
		return r;
	cfg->cgroup_limits = cg != NULL;
	cfg->cgroup_join = cg_join_pending(cg);
	timing(res, "cgroup", t);
	r = supervised(cfg, cg, &o, &pty, &s, opts, res, t, err);
	res->cgroup_version = cg_version(cg);
	if (r < 0)
		return r;
	if (s.got_error)
		return result_setup_error(&s.error, res, err);
	if (s.reported)
		cs = s.cg_stats;
	else
		cg_stats(cg, &cs);
	pty_finish(&pty);
	output_finish(&o);
	res->output_bytes = o.total;
	result_fill(&s, cg ? &cs : NULL, p->limits, res);
	if (res->verdict == SBX_VERDICT_ERR)
		return sbx_err(err, -EPROTO, "the sandbox's init ended without "
			       "a report (wait status %#x)", s.init_status);
	return 0;
}

/* The work tree (an idmapped mount of it as root, for --workdir), the
 * directory that keeps the root's changes and, as root, the host's root
 * mount alone for a root of one overlay, prepared with the caller's
 * rights. *workdir_fd and *root_fd own the mounts' fds, or are -1. */
static int prepare_work_tree(struct sandbox_config *cfg, int *workdir_fd,
			     int *root_fd, struct sbx_error *err)
{
	const Sbx__Policy *p = cfg->policy;

	cfg->workdir_fd = cfg->root_fd = -1;
	/* Where the clone is refused, the root is built directory by
	 * directory instead: slower, the same view. */
	if (cfg->host_root && (cfg->ns_flags & CLONE_NEWNS) &&
	    hostroot_wanted(p->filesystem) && (*root_fd = hostroot_clone()) >= 0)
		cfg->root_fd = *root_fd;
	if (p->filesystem->bind_workdir && cfg->host_root &&
	    (cfg->ns_flags & CLONE_NEWNS)) {
		*workdir_fd = workdir_idmapped(p->filesystem->workdir,
					       p->identity->uid,
					       p->identity->gid, err);
		if (*workdir_fd < 0)
			return *workdir_fd;
		cfg->workdir_fd = *workdir_fd;
	}
	if (p->filesystem->keep_changes)
		return keep_changes_prepare(p->filesystem->keep_changes,
					    cfg->host_root, err);
	return 0;
}

int sbx_run(const Sbx__Policy *policy, const struct sbx_run_opts *opts,
	    struct sbx_result *res, struct sbx_error *err)
{
	_cleanup_(env_freep) char **envp = NULL;
	_cleanup_(scf_shared_freep) struct scf_shared *filter = NULL;
	_cleanup_close_ int workdir_fd = -1, root_fd = -1;
	struct program prog;
	struct sandbox_mount bind;
	struct sandbox_config cfg = {.policy = policy};
	uint64_t t = mono_usec();
	int r;

	memset(res, 0, sizeof(*res));
	res->verdict = SBX_VERDICT_ERR;
	if (!opts->argv || !opts->argv[0])
		return sbx_err(err, -EINVAL, "no program given");
	envp = env_build(policy->environment, environ);
	if (!envp)
		return sbx_err(err, -ENOMEM, "building the environment");
	r = program_resolve(opts->argv[0], env_get(envp, "PATH"), policy, &prog,
			    err);
	if (r < 0) {
		res->exit_code = result_program_exit_code(-r);
		return r;
	}
	if (prog.needs_bind) {
		bind = (struct sandbox_mount){.type = SBX__MOUNT__TYPE__RO_BIND,
					      .source = prog.path,
					      .destination = prog.path,
					      .is_file = true};
		cfg.extra_mounts = &bind;
		cfg.n_extra_mounts = 1;
	}
	cfg.exec_path = prog.path;
	cfg.argv = opts->argv;
	cfg.envp = envp;
	cfg.host_root = geteuid() == 0;
	cfg.ns_flags = launch_ns_flags(policy);
	if ((r = prepare_work_tree(&cfg, &workdir_fd, &root_fd, err)) < 0)
		return r;
	timing(res, "prepare", &t);
	if (policy->seccomp->enabled) {
		if (!(filter = scf_shared_new()))
			return sbx_err_errno(err, -errno, "mmap for the seccomp "
					     "filter");
		cfg.seccomp = &filter->prog;
		cfg.filter_pending = true;
	}
	r = run_sandbox(&cfg, opts, res, &t, err);
	timing(res, "cleanup", &t);
	if (r < 0)
		res->verdict = SBX_VERDICT_ERR;
	return r;
}

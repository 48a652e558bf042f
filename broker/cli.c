/* The `sbx` command line: argv -> struct cli_opts, overrides -> a partial
 * policy (broker).
 *
 * Overrides are not applied to a policy here. Each one becomes a field of an
 * overlay Sbx__Policy holding only what was given, and cli_build_policy
 * merges that overlay after the policy's own `extends` chain with
 * policy_merge: one set of merge rules for files and the command line. */
#include "cli.h"

#include <errno.h>
#include <getopt.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "policy.h"
#include "units.h"

/* Long options without a short form. */
enum {
	OPT_TIME = 256,
	OPT_WALL_TIME,
	OPT_MEMORY,
	OPT_PIDS,
	OPT_NET,
	OPT_BIND,
	OPT_RO_BIND,
	OPT_TMPFS,
	OPT_ENV,
	OPT_CHDIR,
	OPT_HOSTNAME,
	OPT_TIMINGS,
	OPT_VERSION,
	OPT_STDIN,
	OPT_STDOUT,
	OPT_STDERR,
	OPT_JSON,
	OPT_META,
	OPT_WORKDIR,
	OPT_KEEP_CHANGES,
	OPT_EXTRA_TIME,
	OPT_STACK,
	OPT_OUTPUT_LIMIT,
	OPT_FSIZE,
	OPT_OPEN_FILES,
	OPT_CGROUP_PARENT,
	OPT_CPUS,
	OPT_IO_READ_BPS,
	OPT_IO_WRITE_BPS,
};

/* '+': stop at the first non-option, so `sbx ls -l` passes -l to ls.
 * ':': report a missing argument as ':' and print nothing ourselves. */
static const char short_opts[] = "+:hvp:";

static const struct option long_opts[] = {
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ "verbose", no_argument, NULL, 'v' },
	{ "timings", no_argument, NULL, OPT_TIMINGS },
	{ "policy", required_argument, NULL, 'p' },
	{ "time", required_argument, NULL, OPT_TIME },
	{ "wall-time", required_argument, NULL, OPT_WALL_TIME },
	{ "memory", required_argument, NULL, OPT_MEMORY },
	{ "pids", required_argument, NULL, OPT_PIDS },
	{ "net", required_argument, NULL, OPT_NET },
	{ "bind", required_argument, NULL, OPT_BIND },
	{ "ro-bind", required_argument, NULL, OPT_RO_BIND },
	{ "tmpfs", required_argument, NULL, OPT_TMPFS },
	{ "env", required_argument, NULL, OPT_ENV },
	{ "chdir", required_argument, NULL, OPT_CHDIR },
	{ "hostname", required_argument, NULL, OPT_HOSTNAME },
	{ "stdin", required_argument, NULL, OPT_STDIN },
	{ "stdout", required_argument, NULL, OPT_STDOUT },
	{ "stderr", required_argument, NULL, OPT_STDERR },
	{ "json", required_argument, NULL, OPT_JSON },
	{ "result", required_argument, NULL, OPT_JSON },
	{ "meta", required_argument, NULL, OPT_META },
	{ "workdir", required_argument, NULL, OPT_WORKDIR },
	{ "keep-changes", required_argument, NULL, OPT_KEEP_CHANGES },
	{ "extra-time", required_argument, NULL, OPT_EXTRA_TIME },
	{ "stack", required_argument, NULL, OPT_STACK },
	{ "output-limit", required_argument, NULL, OPT_OUTPUT_LIMIT },
	{ "fsize", required_argument, NULL, OPT_FSIZE },
	{ "open-files", required_argument, NULL, OPT_OPEN_FILES },
	{ "cgroup-parent", required_argument, NULL, OPT_CGROUP_PARENT },
	{ "cpus", required_argument, NULL, OPT_CPUS },
	{ "io-read-bps", required_argument, NULL, OPT_IO_READ_BPS },
	{ "io-write-bps", required_argument, NULL, OPT_IO_WRITE_BPS },
	{ NULL, 0, NULL, 0 },
};

void cli_usage(FILE *f)
{
	fputs("Usage: sbx [OPTIONS] [--] PROGRAM [ARGS...]\n"
	      "       sbx policy list\n"
	      "       sbx [OVERRIDES] policy show [NAME|FILE]\n"
	      "       sbx policy check FILE\n"
	      "       sbx [OVERRIDES] policy syscalls [NAME|FILE]\n"
	      "       sbx doctor\n"
	      "       sbx list\n"
	      "       sbx enter ID [--] [COMMAND [ARGS...]]\n"
	      "\n"
	      "Runs PROGRAM in a sandbox described by a policy.\n"
	      "\n"
	      "Options:\n"
	      "  -p, --policy NAME|FILE  policy to start from (default: strict)\n"
	      "  -v, --verbose           print a one-line summary of the run on stderr\n"
	      "      --timings           print the duration of each setup step on stderr\n"
	      "      --stdin FILE        payload's stdin from FILE (opened by sbx)\n"
	      "      --stdout FILE       payload's stdout to FILE (truncated)\n"
	      "      --stderr FILE       payload's stderr to FILE (truncated)\n"
	      "      --json FILE         write the result as JSON to FILE (- for\n"
	      "                          stdout); --result FILE is the same\n"
	      "      --meta FILE         write an isolate-style meta file to FILE\n"
	      "  -h, --help              show this help and exit\n"
	      "      --version           show the version and exit\n"
	      "\n"
	      "Overrides (merged over the policy like `extends`):\n"
	      "      --time DURATION     CPU time limit (limits.cpu_time_ms): 500ms, 2s, 1m\n"
	      "      --wall-time DURATION  wall-clock limit (limits.wall_time_ms)\n"
	      "      --memory SIZE       memory limit (limits.memory_bytes): 256M, 1G\n"
	      "      --pids N            processes and threads (limits.processes)\n"
	      "      --extra-time DURATION  grace before a time limit kills\n"
	      "                          (limits.extra_time_ms)\n"
	      "      --stack SIZE        stack limit (limits.stack_bytes)\n"
	      "      --output-limit SIZE stdout+stderr bytes (limits.output_bytes)\n"
	      "      --fsize SIZE        largest file written (limits.file_size_bytes)\n"
	      "      --open-files N      open descriptors (limits.open_files)\n"
	      "      --cpus LIST         CPUs to run on: 0-1,3 (limits.cpus)\n"
	      "      --io-read-bps SIZE  disk read bytes per second (limits.io_read_bps)\n"
	      "      --io-write-bps SIZE disk write bytes per second\n"
	      "                          (limits.io_write_bps)\n"
	      "      --cgroup-parent PATH  make the run's cgroups under PATH in\n"
	      "                          each hierarchy (cgroup.parent)\n"
	      "      --net MODE          network: none, loopback, host or user\n"
	      "      --bind SRC[:DST]    bind host path SRC read-write at DST\n"
	      "      --ro-bind SRC[:DST] bind host path SRC read-only at DST\n"
	      "      --tmpfs DST[:SIZE]  mount a fresh tmpfs at DST\n"
	      "      --env NAME=VALUE    set a variable (environment.set)\n"
	      "      --chdir DIR         working directory inside (filesystem.workdir)\n"
	      "      --workdir DIR       bind DIR read-write at the same path and start\n"
	      "                          there (filesystem.workdir, bind_workdir)\n"
	      "      --keep-changes DIR  keep the root's writes in DIR/upper instead of\n"
	      "                          the tmpfs write layer (filesystem.keep_changes)\n"
	      "      --hostname NAME     hostname inside\n"
	      "\n"
	      "Paths are absolute. Options end at the first word that is not an\n"
	      "option; use -- to run a program called \"policy\".\n"
	      "\n"
	      "Exit status: the program's own, 128+N when it was killed by signal N,\n"
	      "125 when sbx itself failed (bad options or policy, a failed setup\n"
	      "step), 126 when the program cannot be executed, 127 when it is not\n"
	      "found.\n"
	      "\n"
	      "See sbx(1), sbx-policy(5) and docs/ for the policy reference.\n",
	      f);
}

static Sbx__Policy *overlay_get(struct cli_opts *o)
{
	if (!o->overlay) {
		o->overlay = malloc(sizeof(*o->overlay));
		if (o->overlay)
			sbx__policy__init(o->overlay);
	}
	return o->overlay;
}

/* Returns parent->field, creating the sub-message on first use (malloc'ed,
 * so sbx__policy__free_unpacked frees it). NULL when out of memory. */
#define SUBMSG(parent, field, init_fn)                                        \
	({                                                                     \
		if (!(parent)->field) {                                        \
			(parent)->field = malloc(sizeof(*(parent)->field));    \
			if ((parent)->field)                                   \
				init_fn((parent)->field);                      \
		}                                                              \
		(parent)->field;                                               \
	})

/* Appends item to the repeated field (arr, n); -ENOMEM leaves both as they
 * were (the caller still owns item). */
#define APPEND(arr, n, item)                                                   \
	({                                                                     \
		__typeof__(arr) _a = realloc((arr), ((n) + 1) * sizeof(*(arr))); \
		int _r = -ENOMEM;                                              \
		if (_a) {                                                      \
			(arr) = _a;                                            \
			(arr)[(n)++] = (item);                                 \
			_r = 0;                                                \
		}                                                              \
		_r;                                                            \
	})

static int oom(struct sbx_error *err)
{
	return sbx_err(err, -ENOMEM, "out of memory");
}

static Sbx__Limits *overlay_limits(struct cli_opts *o)
{
	Sbx__Policy *p = overlay_get(o);

	return p ? SUBMSG(p, limits, sbx__limits__init) : NULL;
}

static Sbx__Filesystem *overlay_filesystem(struct cli_opts *o)
{
	Sbx__Policy *p = overlay_get(o);

	return p ? SUBMSG(p, filesystem, sbx__filesystem__init) : NULL;
}

enum unit { UNIT_MS, UNIT_BYTES, UNIT_COUNT };

/* Each unit's parser and the words of its error message. */
static const struct unit_syntax {
	int (*parse)(const char *s, uint64_t *ret);
	const char *what;
	const char *hint;
} units[] = {
	[UNIT_MS] = { units_parse_ms, "invalid duration",
		      "a positive number with a unit: 500ms, 2s, 1.5s, 3m, 1h "
		      "(no unit: milliseconds)" },
	[UNIT_BYTES] = { units_parse_bytes, "invalid size",
			 "a positive number of bytes with an optional suffix "
			 "K, M, G or T: 4096, 64K, 256M, 2G" },
	[UNIT_COUNT] = { units_parse_count, "not a positive whole number",
			 NULL },
};

/* An option's value in unit u: strictly positive. */
static int parse_unit_opt(enum unit u, const char *opt, const char *arg,
			  uint64_t *ret, struct sbx_error *err)
{
	int r = units[u].parse(arg, ret);

	if (r == -ERANGE)
		return sbx_err(err, -ERANGE, "%s: '%s' is too large", opt, arg);
	if (r < 0 || *ret == 0) {
		sbx_err(err, -EINVAL, "%s: %s '%s'", opt, units[u].what, arg);
		if (units[u].hint)
			sbx_err_hint(err, "%s", units[u].hint);
		return -EINVAL;
	}
	return 0;
}

/* The limit options: each sets one field of Limits, found by name in the
 * generated descriptor, so a new limit option is one row here. */
static const struct limit_opt {
	int opt;
	const char *name;  /* "--time" */
	const char *field; /* in sbx.Limits */
	enum unit unit;
} limit_opts[] = {
	{ OPT_TIME, "--time", "cpu_time_ms", UNIT_MS },
	{ OPT_WALL_TIME, "--wall-time", "wall_time_ms", UNIT_MS },
	{ OPT_EXTRA_TIME, "--extra-time", "extra_time_ms", UNIT_MS },
	{ OPT_MEMORY, "--memory", "memory_bytes", UNIT_BYTES },
	{ OPT_PIDS, "--pids", "processes", UNIT_COUNT },
	{ OPT_STACK, "--stack", "stack_bytes", UNIT_BYTES },
	{ OPT_OUTPUT_LIMIT, "--output-limit", "output_bytes", UNIT_BYTES },
	{ OPT_FSIZE, "--fsize", "file_size_bytes", UNIT_BYTES },
	{ OPT_OPEN_FILES, "--open-files", "open_files", UNIT_COUNT },
	{ OPT_IO_READ_BPS, "--io-read-bps", "io_read_bps", UNIT_BYTES },
	{ OPT_IO_WRITE_BPS, "--io-write-bps", "io_write_bps", UNIT_BYTES },
};

static const struct limit_opt *find_limit_opt(int opt)
{
	for (size_t i = 0; i < ARRAY_SIZE(limit_opts); i++)
		if (limit_opts[i].opt == opt)
			return &limit_opts[i];
	return NULL;
}

static int set_limit(struct cli_opts *o, const struct limit_opt *lo,
		     const char *arg, struct sbx_error *err)
{
	const ProtobufCFieldDescriptor *f =
		protobuf_c_message_descriptor_get_field_by_name(
			&sbx__limits__descriptor, lo->field);
	Sbx__Limits *l;
	uint64_t v;
	int r;

	r = parse_unit_opt(lo->unit, lo->name, arg, &v, err);
	if (r < 0)
		return r;
	if (v > UINT32_MAX && f->type == PROTOBUF_C_TYPE_UINT32)
		return sbx_err(err, -ERANGE, "%s: '%s' is too large", lo->name,
			       arg);
	l = overlay_limits(o);
	if (!l)
		return oom(err);
	*(protobuf_c_boolean *)((char *)l + f->quantifier_offset) = 1;
	if (f->type == PROTOBUF_C_TYPE_UINT32)
		*(uint32_t *)((char *)l + f->offset) = (uint32_t)v;
	else
		*(uint64_t *)((char *)l + f->offset) = v;
	return 0;
}

/* --net also sets namespaces.net, so that the two never disagree: host is
 * the caller's namespace, every other mode a new one. */
static int set_net(struct cli_opts *o, const char *arg, struct sbx_error *err)
{
	static const struct {
		const char *name;
		Sbx__Network__Mode mode;
	} modes[] = {
		{ "none", SBX__NETWORK__MODE__NONE },
		{ "loopback", SBX__NETWORK__MODE__LOOPBACK },
		{ "host", SBX__NETWORK__MODE__HOST },
		{ "user", SBX__NETWORK__MODE__USER },
	};
	Sbx__Policy *p;
	Sbx__Network *net;
	Sbx__Namespaces *ns;

	for (size_t i = 0; i < ARRAY_SIZE(modes); i++) {
		if (strcmp(arg, modes[i].name) != 0)
			continue;
		p = overlay_get(o);
		net = p ? SUBMSG(p, network, sbx__network__init) : NULL;
		ns = p ? SUBMSG(p, namespaces, sbx__namespaces__init) : NULL;
		if (!net || !ns)
			return oom(err);
		net->has_mode = true;
		net->mode = modes[i].mode;
		ns->has_net = true;
		ns->net = modes[i].mode != SBX__NETWORK__MODE__HOST;
		return 0;
	}
	sbx_err(err, -EINVAL, "--net: unknown mode '%s'", arg);
	sbx_err_hint(err, "one of: none, loopback, host, user");
	return -EINVAL;
}

static int check_absolute(const char *opt, const char *what, const char *path,
			  struct sbx_error *err)
{
	if (path[0] == '/')
		return 0;
	if (path[0] == '\0')
		return sbx_err(err, -EINVAL, "%s: empty %s", opt, what);
	sbx_err(err, -EINVAL, "%s: %s '%s' is not an absolute path", opt, what,
		path);
	sbx_err_hint(err, "write it from the root, e.g. $PWD/%s", path);
	return -EINVAL;
}

static void mount_freep(Sbx__Mount **m)
{
	if (*m)
		sbx__mount__free_unpacked(*m, NULL);
}

/* --bind / --ro-bind SRC[:DST]: both absolute; DST defaults to SRC (left
 * unset in the mount, as in a policy file). */
/* A new mount of type for the overlay, or NULL (out of memory). */
static Sbx__Mount *new_mount(Sbx__Mount__Type type)
{
	Sbx__Mount *m = malloc(sizeof(*m));

	if (m) {
		sbx__mount__init(m);
		m->has_type = true;
		m->type = type;
	}
	return m;
}

/* Hands *m over to the overlay's filesystem.mounts. */
static int append_mount(struct cli_opts *o, Sbx__Mount **m,
			struct sbx_error *err)
{
	Sbx__Filesystem *fs = overlay_filesystem(o);

	if (!fs || APPEND(fs->mounts, fs->n_mounts, *m) < 0)
		return oom(err);
	*m = NULL;
	return 0;
}

static int add_bind(struct cli_opts *o, bool ro, const char *arg,
		    struct sbx_error *err)
{
	const char *opt = ro ? "--ro-bind" : "--bind";
	const char *colon = strchr(arg, ':');
	_cleanup_(mount_freep) Sbx__Mount *m =
		new_mount(ro ? SBX__MOUNT__TYPE__RO_BIND : SBX__MOUNT__TYPE__BIND);
	int r;

	if (!m)
		return oom(err);
	m->source = colon ? strndup(arg, colon - arg) : strdup(arg);
	if (!m->source)
		return oom(err);
	r = check_absolute(opt, "source", m->source, err);
	if (r < 0)
		return r;
	if (colon) {
		m->destination = strdup(colon + 1);
		if (!m->destination)
			return oom(err);
		r = check_absolute(opt, "destination", m->destination, err);
		if (r < 0)
			return r;
	}
	return append_mount(o, &m, err);
}

static int add_tmpfs(struct cli_opts *o, const char *arg, struct sbx_error *err)
{
	const char *colon = strchr(arg, ':');
	_cleanup_(mount_freep) Sbx__Mount *m = new_mount(SBX__MOUNT__TYPE__TMPFS);
	int r;

	if (!m)
		return oom(err);
	m->destination = colon ? strndup(arg, colon - arg) : strdup(arg);
	if (!m->destination)
		return oom(err);
	r = check_absolute("--tmpfs", "destination", m->destination, err);
	if (r < 0)
		return r;
	if (colon) {
		r = parse_unit_opt(UNIT_BYTES, "--tmpfs", colon + 1,
				   &m->size_bytes, err);
		if (r < 0)
			return r;
		m->has_size_bytes = true;
	}
	return append_mount(o, &m, err);
}

static void var_freep(Sbx__Environment__Var **v)
{
	if (*v)
		protobuf_c_message_free_unpacked(&(*v)->base, NULL);
}

/* --env NAME=VALUE: appended to environment.set. */
static int add_env(struct cli_opts *o, const char *arg, struct sbx_error *err)
{
	const char *eq = strchr(arg, '=');
	_cleanup_(var_freep) Sbx__Environment__Var *v = NULL;
	Sbx__Policy *p;
	Sbx__Environment *env;

	if (!eq || eq == arg) {
		sbx_err(err, -EINVAL, "--env: expected NAME=VALUE, got '%s'",
			arg);
		sbx_err_hint(err, "write --env %s= for an empty value", arg);
		return -EINVAL;
	}
	v = malloc(sizeof(*v));
	if (!v)
		return oom(err);
	sbx__environment__var__init(v);
	v->name = strndup(arg, eq - arg);
	v->value = strdup(eq + 1);
	if (!v->name || !v->value)
		return oom(err);
	p = overlay_get(o);
	env = p ? SUBMSG(p, environment, sbx__environment__init) : NULL;
	if (!env || APPEND(env->set, env->n_set, v) < 0)
		return oom(err);
	v = NULL;
	return 0;
}

static int set_string(char **field, const char *arg, struct sbx_error *err)
{
	char *s = strdup(arg);

	if (!s)
		return oom(err);
	free(*field);
	*field = s;
	return 0;
}

/* --cpus LIST: the cgroup's cpuset. */
static int set_cpus(struct cli_opts *o, const char *arg, struct sbx_error *err)
{
	Sbx__Limits *l = overlay_limits(o);

	if (!l)
		return oom(err);
	return set_string(&l->cpus, arg, err);
}

/* --cgroup-parent: relative to each hierarchy's root, like cgroup.parent. */
static int set_cgroup_parent(struct cli_opts *o, const char *arg,
			     struct sbx_error *err)
{
	Sbx__Policy *p = overlay_get(o);
	Sbx__Cgroup *cg = p ? SUBMSG(p, cgroup, sbx__cgroup__init) : NULL;

	if (!cg)
		return oom(err);
	return set_string(&cg->parent, arg, err);
}

/* An absolute directory into a string field of Filesystem (offset). */
static int set_fs_dir(struct cli_opts *o, const char *opt, size_t field,
		      const char *arg, struct sbx_error *err)
{
	Sbx__Filesystem *fs;
	int r = check_absolute(opt, "directory", arg, err);

	if (r < 0)
		return r;
	fs = overlay_filesystem(o);
	if (!fs)
		return oom(err);
	return set_string((char **)((char *)fs + field), arg, err);
}

/* --workdir DIR: the source tree, bound read-write at its own (canonical)
 * path and made the working directory. A relative DIR is taken from the
 * caller's current directory. */
static int set_workdir(struct cli_opts *o, const char *arg,
		       struct sbx_error *err)
{
	_cleanup_free_ char *path = NULL;
	Sbx__Filesystem *fs;

	if (arg[0] == '\0')
		return sbx_err(err, -EINVAL, "--workdir: empty directory");
	path = realpath(arg, NULL);
	if (!path)
		return sbx_err_errno(err, -errno, "--workdir: %s", arg);
	fs = overlay_filesystem(o);
	if (!fs)
		return oom(err);
	fs->has_bind_workdir = true;
	fs->bind_workdir = true;
	return set_string(&fs->workdir, path, err);
}

/* 64 is HOST_NAME_MAX on Linux; sethostname would fail later with EINVAL. */
static int set_hostname(struct cli_opts *o, const char *arg,
			struct sbx_error *err)
{
	Sbx__Policy *p;
	size_t len = strlen(arg);

	if (len == 0 || len > 64)
		return sbx_err(err, -EINVAL,
			       "--hostname: must be 1 to 64 characters long");
	p = overlay_get(o);
	if (!p)
		return oom(err);
	return set_string(&p->hostname, arg, err);
}

/* --stdin, --stdout, --stderr, --json, --meta FILE */
static int set_file(struct cli_opts *o, int opt, const char *arg,
		    struct sbx_error *err)
{
	static const char *const names[] = {
		[OPT_STDIN - OPT_STDIN] = "--stdin",
		[OPT_STDOUT - OPT_STDIN] = "--stdout",
		[OPT_STDERR - OPT_STDIN] = "--stderr",
		[OPT_JSON - OPT_STDIN] = "--json",
		[OPT_META - OPT_STDIN] = "--meta",
	};
	const char **field = opt == OPT_STDIN	 ? &o->stdin_path
			     : opt == OPT_STDOUT ? &o->stdout_path
			     : opt == OPT_STDERR ? &o->stderr_path
			     : opt == OPT_JSON	 ? &o->json_path
						 : &o->meta_path;

	if (arg[0] == '\0')
		return sbx_err(err, -EINVAL, "%s: empty file name",
			       names[opt - OPT_STDIN]);
	*field = arg;
	return 0;
}

/* Names the option getopt stopped at: "--memory" or "-x". */
static void bad_option_name(char *const *argv, char *buf, size_t size)
{
	const char *arg = argv[optind - 1];

	if (strncmp(arg, "--", 2) == 0)
		snprintf(buf, size, "%.*s", (int)strcspn(arg, "="), arg);
	else
		snprintf(buf, size, "-%c", optopt);
}

/* `sbx policy list|show|check`: words are the arguments after "policy". */
static int parse_policy_cmd(int n, char *const *words, struct cli_opts *o,
			    bool policy_given, struct sbx_error *err)
{
	const char *verb = n > 0 ? words[0] : NULL;

	if (!verb) {
		sbx_err(err, -EINVAL, "policy: missing command");
		sbx_err_hint(err, "one of: list, show, check, syscalls");
		return -EINVAL;
	}
	if (strcmp(verb, "list") == 0) {
		if (n > 1)
			return sbx_err(err, -EINVAL,
				       "policy list: unexpected argument '%s'",
				       words[1]);
		o->command = CLI_POLICY_LIST;
	} else if (strcmp(verb, "show") == 0) {
		if (n > 2)
			return sbx_err(err, -EINVAL,
				       "policy show: unexpected argument '%s'",
				       words[2]);
		if (n == 2 && policy_given)
			return sbx_err(err, -EINVAL,
				       "policy show: give the policy either "
				       "with --policy or as an argument, not "
				       "both");
		if (n == 2)
			o->policy = words[1];
		o->command = CLI_POLICY_SHOW;
	} else if (strcmp(verb, "syscalls") == 0) {
		if (n > 2)
			return sbx_err(err, -EINVAL,
				       "policy syscalls: unexpected argument "
				       "'%s'", words[2]);
		if (n == 2 && policy_given)
			return sbx_err(err, -EINVAL,
				       "policy syscalls: give the policy either "
				       "with --policy or as an argument, not "
				       "both");
		if (n == 2)
			o->policy = words[1];
		/* Without a policy: the groups rules refer to. */
		o->command = n == 2 || policy_given || o->overlay
				     ? CLI_POLICY_SYSCALLS
				     : CLI_SYSCALL_GROUPS;
	} else if (strcmp(verb, "check") == 0) {
		if (n != 2)
			return sbx_err(err, -EINVAL,
				       n < 2 ? "policy check: missing FILE"
					     : "policy check: takes one FILE");
		o->policy = words[1];
		o->command = CLI_POLICY_CHECK;
	} else {
		sbx_err(err, -EINVAL, "policy: unknown command '%s'", verb);
		sbx_err_hint(err, "one of: list, show, check, syscalls");
		return -EINVAL;
	}
	return 0;
}

/* A subcommand without arguments. */
static int no_arguments(const char *name, enum cli_command cmd, int n,
			char *const *words, struct cli_opts *o,
			struct sbx_error *err)
{
	if (n > 0)
		return sbx_err(err, -EINVAL, "%s: unexpected argument '%s'",
			       name, words[0]);
	o->command = cmd;
	return 0;
}

static int parse_doctor_cmd(int n, char *const *words, struct cli_opts *o,
			    bool policy_given, struct sbx_error *err)
{
	return no_arguments("doctor", CLI_DOCTOR, n, words, o, err);
}

static int parse_list_cmd(int n, char *const *words, struct cli_opts *o,
			  bool policy_given, struct sbx_error *err)
{
	return no_arguments("list", CLI_LIST, n, words, o, err);
}

/* words: ID [--] [COMMAND [ARGS...]], NULL-terminated like argv */
static int parse_enter_cmd(int n, char *const *words, struct cli_opts *o,
			   bool policy_given, struct sbx_error *err)
{
	if (n < 1) {
		sbx_err(err, -EINVAL, "enter: missing sandbox id");
		sbx_err_hint(err, "sbx enter ID [-- COMMAND...]; `sbx list` "
			     "shows the ids");
		return -EINVAL;
	}
	o->command = CLI_ENTER;
	o->enter_id = words[0];
	words++;
	n--;
	if (n > 0 && strcmp(words[0], "--") == 0) {
		words++;
		n--;
	}
	if (n > 0) {
		if (words[0][0] == '\0')
			return sbx_err(err, -EINVAL, "enter: empty command name");
		o->argv = words;
		o->argc = n;
	}
	return 0;
}

/* Subcommands, recognised in the first non-option word unless it follows
 * `--`. A new one: a row here and a value in enum cli_command. */
static const struct subcommand {
	const char *name;
	int (*parse)(int n, char *const *words, struct cli_opts *o,
		     bool policy_given, struct sbx_error *err);
} subcommands[] = {
	{ "policy", parse_policy_cmd },
	{ "doctor", parse_doctor_cmd },
	{ "list", parse_list_cmd },
	{ "enter", parse_enter_cmd },
};

/* Options that shape a run make no sense for list and check; refuse them
 * rather than ignore them. `policy show` and `policy syscalls` take
 * overrides: they show what a run would get. */
static int check_subcommand_opts(const struct cli_opts *o, bool policy_given,
				 struct sbx_error *err)
{
	static const char *const names[] = {
		[CLI_POLICY_LIST] = "policy list",
		[CLI_POLICY_CHECK] = "policy check",
		[CLI_DOCTOR] = "doctor",
		[CLI_LIST] = "list",
		[CLI_ENTER] = "enter",
		[CLI_SYSCALL_GROUPS] = "policy syscalls",
	};
	bool show = o->command == CLI_POLICY_SHOW ||
		    o->command == CLI_POLICY_SYSCALLS;

	if (o->verbose || o->timings || o->stdin_path || o->stdout_path ||
	    o->stderr_path || o->json_path || o->meta_path)
		return sbx_err(err, -EINVAL,
			       "--verbose, --timings, --stdin, --stdout, "
			       "--stderr, --json and --meta apply only to "
			       "running a program");
	if (!show && (o->overlay || policy_given))
		return sbx_err(err, -EINVAL,
			       "%s: takes no --policy or overrides",
			       names[o->command]);
	return 0;
}

static int parse_option(struct cli_opts *o, int c, char *const *argv,
			struct sbx_error *err)
{
	const struct limit_opt *lo = find_limit_opt(c);
	char name[64];

	if (lo)
		return set_limit(o, lo, optarg, err);
	switch (c) {
	case 'p':
		o->policy = optarg;
		return 0;
	case 'v':
		o->verbose = true;
		return 0;
	case OPT_TIMINGS:
		o->timings = true;
		return 0;
	case OPT_STDIN:
	case OPT_STDOUT:
	case OPT_STDERR:
	case OPT_JSON:
	case OPT_META:
		return set_file(o, c, optarg, err);
	case OPT_CGROUP_PARENT:
		return set_cgroup_parent(o, optarg, err);
	case OPT_CPUS:
		return set_cpus(o, optarg, err);
	case OPT_NET:
		return set_net(o, optarg, err);
	case OPT_BIND:
	case OPT_RO_BIND:
		return add_bind(o, c == OPT_RO_BIND, optarg, err);
	case OPT_TMPFS:
		return add_tmpfs(o, optarg, err);
	case OPT_ENV:
		return add_env(o, optarg, err);
	case OPT_CHDIR:
		return set_fs_dir(o, "--chdir", offsetof(Sbx__Filesystem, workdir),
				  optarg, err);
	case OPT_WORKDIR:
		return set_workdir(o, optarg, err);
	case OPT_KEEP_CHANGES:
		return set_fs_dir(o, "--keep-changes",
				  offsetof(Sbx__Filesystem, keep_changes), optarg,
				  err);
	case OPT_HOSTNAME:
		return set_hostname(o, optarg, err);
	case ':':
		bad_option_name(argv, name, sizeof(name));
		return sbx_err(err, -EINVAL, "option '%s' needs an argument",
			       name);
	default: /* '?' */
		bad_option_name(argv, name, sizeof(name));
		if (strncmp(argv[optind - 1], "--", 2) == 0 && optopt != 0)
			return sbx_err(err, -EINVAL,
				       "option '%s' takes no argument", name);
		return sbx_err(err, -EINVAL, "unknown option '%s'", name);
	}
}

static int parse(int argc, char *const *argv, struct cli_opts *o,
		 struct sbx_error *err)
{
	const char *last_optarg = NULL;
	bool policy_given = false, dashdash;
	int c, r, first;

	/* getopt keeps its position in globals; 0 makes glibc start over
	 * (and re-read the '+'), so cli_parse can be called again. */
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, short_opts, long_opts, NULL)) !=
	       -1) {
		if (c == 'h' || c == OPT_VERSION) {
			o->command = c == 'h' ? CLI_HELP : CLI_VERSION;
			return 0;
		}
		if (c == 'p')
			policy_given = true;
		r = parse_option(o, c, argv, err);
		if (r < 0)
			return r;
		/* getopt leaves optarg alone for options without one. */
		last_optarg = optarg;
		optarg = NULL;
	}
	first = optind;
	/* getopt swallows a "--" separator; tell it apart from "--" given as
	 * the argument of an option (--policy --). */
	dashdash = first > 1 && argv[first - 1] != last_optarg &&
		   strcmp(argv[first - 1], "--") == 0;

	if (first < argc && !dashdash) {
		for (size_t i = 0; i < ARRAY_SIZE(subcommands); i++) {
			if (strcmp(argv[first], subcommands[i].name) != 0)
				continue;
			r = subcommands[i].parse(argc - first - 1,
						 argv + first + 1, o,
						 policy_given, err);
			if (r < 0)
				return r;
			return check_subcommand_opts(o, policy_given, err);
		}
	}
	if (first >= argc) {
		sbx_err(err, -EINVAL, "missing program to run");
		sbx_err_hint(err, "sbx [OPTIONS] [--] PROGRAM [ARGS...]");
		return -EINVAL;
	}
	if (argv[first][0] == '\0')
		return sbx_err(err, -EINVAL, "empty program name");
	o->command = CLI_RUN;
	o->argv = argv + first;
	o->argc = argc - first;
	return 0;
}

int cli_parse(int argc, char *const *argv, struct cli_opts *ret,
	      struct sbx_error *err)
{
	struct cli_opts o = { .command = CLI_RUN, .policy = CLI_DEFAULT_POLICY };
	int r;

	if (argc < 1 || !argv || !ret)
		return sbx_err(err, -EINVAL, "no arguments");
	r = parse(argc, argv, &o, err);
	if (r < 0) {
		cli_opts_done(&o);
		return r;
	}
	*ret = o;
	return 0;
}

void cli_opts_done(struct cli_opts *o)
{
	if (o->overlay)
		sbx__policy__free_unpacked(o->overlay, NULL);
	*o = (struct cli_opts){ .command = CLI_RUN,
				.policy = CLI_DEFAULT_POLICY };
}

static void policy_freep(Sbx__Policy **p)
{
	if (*p)
		policy_free(*p);
}

int cli_build_policy(const char *name_or_path, const Sbx__Policy *overlay,
		     Sbx__Policy **ret, struct sbx_error *err)
{
	_cleanup_(policy_freep) Sbx__Policy *p = NULL;
	int r;

	r = policy_load(name_or_path, &p, err);
	if (r < 0)
		return r;
	if (overlay) {
		r = policy_merge(p, overlay, err);
		if (r < 0) {
			sbx_err_prefix(err, "command-line overrides");
			return r;
		}
	}
	r = policy_finalize(p, err);
	if (r < 0)
		return r;
	*ret = TAKE_PTR(p);
	return 0;
}

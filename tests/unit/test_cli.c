/* Unit tests of the `sbx` command-line parser (broker/cli.c) and of how its
 * overlay merges onto the built-in policies. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cli.h"
#include "policy.h"
#include "report.h"

#define MAX_ARGS 32

/* Parses the NULL-terminated words after "sbx" into the caller's argv
 * array, which must outlive *o (o->argv and o->policy point into it). */
static int parse_words(char **argv, struct cli_opts *o, struct sbx_error *err,
		       va_list ap)
{
	int argc = 0;
	const char *w;

	argv[argc++] = (char *)"sbx";
	while ((w = va_arg(ap, const char *)) && argc < MAX_ARGS - 1)
		argv[argc++] = (char *)w;
	argv[argc] = NULL;
	memset(err, 0, sizeof(*err));
	return cli_parse(argc, argv, o, err);
}

static int parse(char **argv, struct cli_opts *o, struct sbx_error *err, ...)
{
	va_list ap;
	int r;

	va_start(ap, err);
	r = parse_words(argv, o, err, ap);
	va_end(ap);
	return r;
}

/* Uses the array `av` of the calling test, which outlives the checks on *o
 * (o->argv and o->policy point into it). */
#define PARSE_OK(o, ...)                                                       \
	do {                                                                   \
		struct sbx_error _err;                                         \
		int _r = parse(av, (o), &_err, __VA_ARGS__, NULL);             \
		if (_r != 0)                                                   \
			fail_msg("cli_parse: %d %s", _r, _err.msg);            \
	} while (0)

#define expect_error(code, ...) expect_error_words(code, __VA_ARGS__, NULL)

/* Expects failure with code and a message containing needle. */
static void expect_error_words(int code, const char *needle, ...)
{
	char *argv[MAX_ARGS];
	struct cli_opts o = { 0 };
	struct sbx_error err;
	va_list ap;
	int r;

	va_start(ap, needle);
	r = parse_words(argv, &o, &err, ap);
	va_end(ap);
	if (r != code || !strstr(err.msg, needle))
		fail_msg("expected %d '%s', got %d '%s'", code, needle, r,
			 err.msg);
	assert_null(o.overlay);
	assert_int_equal(err.code, code);
}

static void test_run_defaults(void **state)
{
	char *argv[MAX_ARGS];
	struct cli_opts o = { 0 };
	struct sbx_error err;

	assert_int_equal(parse(argv, &o, &err, "ls", "-l", NULL), 0);
	assert_int_equal(o.command, CLI_RUN);
	assert_string_equal(o.policy, "strict");
	assert_null(o.overlay);
	assert_false(o.verbose);
	assert_false(o.timings);
	assert_int_equal(o.argc, 2);
	assert_string_equal(o.argv[0], "ls");
	assert_string_equal(o.argv[1], "-l");
	assert_null(o.argv[2]);
	cli_opts_done(&o);
}

/* Options after the program belong to the program. */
static void test_options_stop_at_program(void **state)
{
	struct cli_opts o = { 0 };
	char *av[MAX_ARGS];

	PARSE_OK(&o, "-v", "ls", "--memory", "1G", "-v");
	assert_true(o.verbose);
	assert_null(o.overlay);
	assert_int_equal(o.argc, 4);
	assert_string_equal(o.argv[1], "--memory");
	assert_string_equal(o.argv[3], "-v");
	cli_opts_done(&o);
}

static void test_dashdash(void **state)
{
	struct cli_opts o = { 0 };
	char *av[MAX_ARGS];

	PARSE_OK(&o, "--", "policy", "list");
	assert_int_equal(o.command, CLI_RUN);
	assert_string_equal(o.argv[0], "policy");
	cli_opts_done(&o);

	PARSE_OK(&o, "-v", "--", "-x");
	assert_int_equal(o.command, CLI_RUN);
	assert_string_equal(o.argv[0], "-x");
	cli_opts_done(&o);

	/* "--" as the argument of --policy is not the separator. */
	PARSE_OK(&o, "--policy", "--", "policy", "show");
	assert_int_equal(o.command, CLI_POLICY_SHOW);
	assert_string_equal(o.policy, "--");
	cli_opts_done(&o);
	PARSE_OK(&o, "--policy", "--", "ls");
	assert_int_equal(o.command, CLI_RUN);
	assert_string_equal(o.argv[0], "ls");
	cli_opts_done(&o);

	expect_error(-EINVAL, "missing program", "--");
	expect_error(-EINVAL, "missing program", "-v");
	expect_error(-EINVAL, "missing program");
	expect_error(-EINVAL, "empty program", "");
}

static void test_policy_option(void **state)
{
	struct cli_opts o = { 0 };
	char *av[MAX_ARGS];

	PARSE_OK(&o, "--policy", "judge", "true");
	assert_string_equal(o.policy, "judge");
	cli_opts_done(&o);
	PARSE_OK(&o, "-p", "./my.txtpb", "true");
	assert_string_equal(o.policy, "./my.txtpb");
	cli_opts_done(&o);
	PARSE_OK(&o, "--policy=build", "true");
	assert_string_equal(o.policy, "build");
	cli_opts_done(&o);
}

static void test_flags(void **state)
{
	struct cli_opts o = { 0 };
	char *av[MAX_ARGS];

	PARSE_OK(&o, "--verbose", "--timings", "true");
	assert_true(o.verbose);
	assert_true(o.timings);
	cli_opts_done(&o);
	PARSE_OK(&o, "--stdin", "/dev/null", "--stdout", "out.txt", "--stderr",
		 "err.txt", "true");
	assert_string_equal(o.stdin_path, "/dev/null");
	assert_string_equal(o.stdout_path, "out.txt");
	assert_string_equal(o.stderr_path, "err.txt");
	assert_null(o.json_path);
	cli_opts_done(&o);
	PARSE_OK(&o, "--json", "r.json", "--meta", "/tmp/meta", "true");
	assert_string_equal(o.json_path, "r.json");
	assert_string_equal(o.meta_path, "/tmp/meta");
	assert_null(o.overlay);
	cli_opts_done(&o);
	expect_error(-EINVAL, "--stdout: empty", "--stdout", "", "true");
	expect_error(-EINVAL, "--json: empty", "--json", "", "true");
	expect_error(-EINVAL, "--meta: empty", "--meta", "", "true");
	expect_error(-EINVAL, "option '--json' needs", "--json");
}

static void test_help_version(void **state)
{
	struct cli_opts o = { 0 };
	char *av[MAX_ARGS];

	PARSE_OK(&o, "--help");
	assert_int_equal(o.command, CLI_HELP);
	cli_opts_done(&o);
	PARSE_OK(&o, "-h", "--bogus");
	assert_int_equal(o.command, CLI_HELP);
	cli_opts_done(&o);
	PARSE_OK(&o, "--version");
	assert_int_equal(o.command, CLI_VERSION);
	cli_opts_done(&o);
}

static void test_limits(void **state)
{
	struct cli_opts o = { 0 };
	char *av[MAX_ARGS];
	Sbx__Limits *l;

	PARSE_OK(&o, "--time", "2s", "--wall-time", "1m", "--memory", "256M",
		 "--pids", "64", "true");
	l = o.overlay->limits;
	assert_non_null(l);
	assert_true(l->has_cpu_time_ms);
	assert_int_equal(l->cpu_time_ms, 2000);
	assert_true(l->has_wall_time_ms);
	assert_int_equal(l->wall_time_ms, 60000);
	assert_true(l->has_memory_bytes);
	assert_int_equal(l->memory_bytes, 256ull << 20);
	assert_true(l->has_processes);
	assert_int_equal(l->processes, 64);
	/* Only what was given is present. */
	assert_false(l->has_open_files);
	assert_false(l->has_output_bytes);
	assert_null(o.overlay->filesystem);
	assert_null(o.overlay->network);
	assert_null(o.overlay->hostname);
	cli_opts_done(&o);
	assert_null(o.overlay);
}

static void test_more_limits(void **state)
{
	struct cli_opts o = { 0 };
	char *av[MAX_ARGS];
	Sbx__Limits *l;

	PARSE_OK(&o, "--extra-time", "500ms", "--stack", "64M",
		 "--output-limit", "1M", "--fsize", "2G", "--open-files", "32",
		 "--cgroup-parent", "judges/box", "--cpus", "0-1",
		 "--io-read-bps", "20M", "--io-write-bps", "10M", "true");
	l = o.overlay->limits;
	assert_true(l->has_extra_time_ms);
	assert_int_equal(l->extra_time_ms, 500);
	assert_true(l->has_stack_bytes);
	assert_int_equal(l->stack_bytes, 64ull << 20);
	assert_true(l->has_output_bytes);
	assert_int_equal(l->output_bytes, 1ull << 20);
	assert_true(l->has_file_size_bytes);
	assert_int_equal(l->file_size_bytes, 2ull << 30);
	assert_true(l->has_open_files);
	assert_int_equal(l->open_files, 32);
	assert_false(l->has_cpu_time_ms);
	assert_string_equal(l->cpus, "0-1");
	assert_int_equal(l->io_read_bps, 20ull << 20);
	assert_int_equal(l->io_write_bps, 10ull << 20);
	assert_string_equal(o.overlay->cgroup->parent, "judges/box");
	cli_opts_done(&o);
}

static void test_unit_forms(void **state)
{
	static const struct {
		const char *arg;
		uint64_t bytes;
	} sizes[] = {
		{ "4096", 4096 },      { "64K", 64 << 10 },
		{ "64KiB", 64 << 10 }, { "1MB", 1 << 20 },
		{ "2G", 2ull << 30 },  { "1T", 1ull << 40 },
		{ "256m", 256 << 20 },
	};
	static const struct {
		const char *arg;
		uint64_t ms;
	} durations[] = {
		{ "1500", 1500 }, { "250ms", 250 }, { "2s", 2000 },
		{ "1.5s", 1500 }, { "3m", 180000 }, { "1h", 3600000 },
	};
	struct cli_opts o = { 0 };
	char *av[MAX_ARGS];

	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		PARSE_OK(&o, "--memory", sizes[i].arg, "true");
		assert_int_equal(o.overlay->limits->memory_bytes,
				 sizes[i].bytes);
		cli_opts_done(&o);
	}
	for (size_t i = 0; i < sizeof(durations) / sizeof(durations[0]);
	     i++) {
		PARSE_OK(&o, "--time", durations[i].arg, "--wall-time",
			 durations[i].arg, "true");
		assert_int_equal(o.overlay->limits->cpu_time_ms,
				 durations[i].ms);
		assert_int_equal(o.overlay->limits->wall_time_ms,
				 durations[i].ms);
		cli_opts_done(&o);
	}
	/* The last of a repeated scalar wins. */
	PARSE_OK(&o, "--memory", "1G", "--memory", "2G", "true");
	assert_int_equal(o.overlay->limits->memory_bytes, 2ull << 30);
	cli_opts_done(&o);
}

static void test_bad_numbers(void **state)
{
	expect_error(-EINVAL, "--memory: invalid size '12Q'", "--memory",
		     "12Q", "true");
	expect_error(-EINVAL, "--memory", "--memory", "-5M", "true");
	expect_error(-EINVAL, "--memory", "--memory", "0", "true");
	expect_error(-EINVAL, "--memory", "--memory", " 1G", "true");
	expect_error(-ERANGE, "too large", "--memory", "99999999999T",
		     "true");
	expect_error(-EINVAL, "--time: invalid duration '-1'", "--time", "-1",
		     "true");
	expect_error(-EINVAL, "--time", "--time", "2x", "true");
	expect_error(-EINVAL, "--time", "--time", "0", "true");
	expect_error(-EINVAL, "--time", "--time", "", "true");
	expect_error(-EINVAL, "--wall-time", "--wall-time", "soon", "true");
	expect_error(-EINVAL, "--pids", "--pids", "abc", "true");
	expect_error(-EINVAL, "--pids", "--pids", "0", "true");
	expect_error(-EINVAL, "--pids", "--pids", "1K", "true");
	expect_error(-ERANGE, "too large", "--pids",
		     "999999999999999999999999", "true");
}

static void test_hint_on_bad_size(void **state)
{
	char *argv[MAX_ARGS];
	struct cli_opts o = { 0 };
	struct sbx_error err;

	assert_int_equal(parse(argv, &o, &err, "--memory", "12Q", "x", NULL),
			 -EINVAL);
	assert_non_null(strstr(err.hint, "256M"));
}

static void test_missing_and_unknown(void **state)
{
	expect_error(-EINVAL, "option '--memory' needs an argument",
		     "--memory");
	expect_error(-EINVAL, "option '--policy' needs an argument",
		     "--policy");
	expect_error(-EINVAL, "option '-p' needs an argument", "-p");
	expect_error(-EINVAL, "unknown option '--bogus'", "--bogus", "true");
	expect_error(-EINVAL, "unknown option '--bogus'", "--bogus=1",
		     "true");
	expect_error(-EINVAL, "unknown option '-x'", "-x", "true");
	expect_error(-EINVAL, "unknown option '-x'", "-vx", "true");
	expect_error(-EINVAL, "option '--verbose' takes no argument",
		     "--verbose=yes", "true");
}

static void test_net(void **state)
{
	static const struct {
		const char *arg;
		Sbx__Network__Mode mode;
		bool ns;
	} cases[] = {
		{ "none", SBX__NETWORK__MODE__NONE, true },
		{ "loopback", SBX__NETWORK__MODE__LOOPBACK, true },
		{ "host", SBX__NETWORK__MODE__HOST, false },
		{ "user", SBX__NETWORK__MODE__USER, true },
	};
	struct cli_opts o = { 0 };
	char *av[MAX_ARGS];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		PARSE_OK(&o, "--net", cases[i].arg, "true");
		assert_true(o.overlay->network->has_mode);
		assert_int_equal(o.overlay->network->mode, cases[i].mode);
		assert_true(o.overlay->namespaces->has_net);
		assert_int_equal(o.overlay->namespaces->net, cases[i].ns);
		assert_false(o.overlay->namespaces->has_pid);
		cli_opts_done(&o);
	}
	expect_error(-EINVAL, "--net: unknown mode 'wifi'", "--net", "wifi",
		     "true");
	expect_error(-EINVAL, "--net", "--net", "NONE", "true");
}

static void test_mounts(void **state)
{
	struct cli_opts o = { 0 };
	char *av[MAX_ARGS];
	Sbx__Filesystem *fs;

	PARSE_OK(&o, "--bind", "/src", "--ro-bind", "/usr/share:/data",
		 "--tmpfs", "/scratch", "--tmpfs", "/big:64M", "--bind",
		 "/a:/b", "true");
	fs = o.overlay->filesystem;
	assert_non_null(fs);
	assert_int_equal(fs->n_mounts, 5);

	assert_int_equal(fs->mounts[0]->type, SBX__MOUNT__TYPE__BIND);
	assert_string_equal(fs->mounts[0]->source, "/src");
	assert_null(fs->mounts[0]->destination);

	assert_int_equal(fs->mounts[1]->type, SBX__MOUNT__TYPE__RO_BIND);
	assert_string_equal(fs->mounts[1]->source, "/usr/share");
	assert_string_equal(fs->mounts[1]->destination, "/data");

	assert_int_equal(fs->mounts[2]->type, SBX__MOUNT__TYPE__TMPFS);
	assert_null(fs->mounts[2]->source);
	assert_string_equal(fs->mounts[2]->destination, "/scratch");
	assert_false(fs->mounts[2]->has_size_bytes);

	assert_string_equal(fs->mounts[3]->destination, "/big");
	assert_true(fs->mounts[3]->has_size_bytes);
	assert_int_equal(fs->mounts[3]->size_bytes, 64 << 20);

	assert_int_equal(fs->mounts[4]->type, SBX__MOUNT__TYPE__BIND);
	assert_string_equal(fs->mounts[4]->destination, "/b");
	assert_null(fs->workdir);
	cli_opts_done(&o);

	expect_error(-EINVAL, "--bind: source 'relative' is not an absolute",
		     "--bind", "relative", "true");
	expect_error(-EINVAL, "--bind: destination 'rel'", "--bind",
		     "/src:rel", "true");
	expect_error(-EINVAL, "--bind: empty source", "--bind", "", "true");
	expect_error(-EINVAL, "--bind: empty destination", "--bind", "/a:",
		     "true");
	expect_error(-EINVAL, "--ro-bind: source", "--ro-bind", "./x",
		     "true");
	expect_error(-EINVAL, "--tmpfs: destination 'tmp'", "--tmpfs", "tmp",
		     "true");
	expect_error(-EINVAL, "--tmpfs: invalid size '1Q'", "--tmpfs",
		     "/tmp:1Q", "true");
	/* A failure after earlier overrides frees them (ASan checks). */
	expect_error(-EINVAL, "--bind", "--tmpfs", "/t", "--bind", "x",
		     "true");
}

static void test_env_chdir_hostname(void **state)
{
	struct cli_opts o = { 0 };
	char *av[MAX_ARGS];
	Sbx__Environment *env;

	PARSE_OK(&o, "--env", "A=1", "--env", "B=x=y", "--env", "EMPTY=",
		 "--chdir", "/work", "--hostname", "box", "true");
	env = o.overlay->environment;
	assert_non_null(env);
	assert_int_equal(env->n_set, 3);
	assert_string_equal(env->set[0]->name, "A");
	assert_string_equal(env->set[0]->value, "1");
	assert_string_equal(env->set[1]->name, "B");
	assert_string_equal(env->set[1]->value, "x=y");
	assert_string_equal(env->set[2]->name, "EMPTY");
	assert_string_equal(env->set[2]->value, "");
	assert_false(env->has_clear);
	assert_string_equal(o.overlay->filesystem->workdir, "/work");
	assert_int_equal(o.overlay->filesystem->n_mounts, 0);
	assert_string_equal(o.overlay->hostname, "box");
	cli_opts_done(&o);

	PARSE_OK(&o, "--hostname", "a", "--hostname", "b", "true");
	assert_string_equal(o.overlay->hostname, "b");
	cli_opts_done(&o);

	expect_error(-EINVAL, "--env: expected NAME=VALUE", "--env", "NOEQ",
		     "true");
	expect_error(-EINVAL, "--env: expected NAME=VALUE", "--env", "=v",
		     "true");
	expect_error(-EINVAL, "--chdir: directory 'sub'", "--chdir", "sub",
		     "true");
	expect_error(-EINVAL, "--hostname", "--hostname", "", "true");
	expect_error(-EINVAL, "--hostname",
		     "--hostname",
		     "a1234567890123456789012345678901234567890123456789012345678901234",
		     "true");
}

static void test_subcommands(void **state)
{
	struct cli_opts o = { 0 };
	char *av[MAX_ARGS];

	PARSE_OK(&o, "policy", "list");
	assert_int_equal(o.command, CLI_POLICY_LIST);
	cli_opts_done(&o);

	PARSE_OK(&o, "policy", "show");
	assert_int_equal(o.command, CLI_POLICY_SHOW);
	assert_string_equal(o.policy, "strict");
	cli_opts_done(&o);

	PARSE_OK(&o, "policy", "show", "judge");
	assert_int_equal(o.command, CLI_POLICY_SHOW);
	assert_string_equal(o.policy, "judge");
	cli_opts_done(&o);

	PARSE_OK(&o, "--policy", "build", "--memory", "1G", "policy", "show");
	assert_int_equal(o.command, CLI_POLICY_SHOW);
	assert_string_equal(o.policy, "build");
	assert_int_equal(o.overlay->limits->memory_bytes, 1ull << 30);
	cli_opts_done(&o);

	PARSE_OK(&o, "policy", "check", "/tmp/p.txtpb");
	assert_int_equal(o.command, CLI_POLICY_CHECK);
	assert_string_equal(o.policy, "/tmp/p.txtpb");
	cli_opts_done(&o);

	PARSE_OK(&o, "policy", "syscalls");
	assert_int_equal(o.command, CLI_SYSCALL_GROUPS);
	cli_opts_done(&o);

	PARSE_OK(&o, "policy", "syscalls", "judge");
	assert_int_equal(o.command, CLI_POLICY_SYSCALLS);
	assert_string_equal(o.policy, "judge");
	cli_opts_done(&o);

	PARSE_OK(&o, "--policy", "build", "policy", "syscalls");
	assert_int_equal(o.command, CLI_POLICY_SYSCALLS);
	assert_string_equal(o.policy, "build");
	cli_opts_done(&o);

	PARSE_OK(&o, "--memory", "1G", "policy", "syscalls");
	assert_int_equal(o.command, CLI_POLICY_SYSCALLS);
	assert_string_equal(o.policy, "strict");
	cli_opts_done(&o);

	PARSE_OK(&o, "doctor");
	assert_int_equal(o.command, CLI_DOCTOR);
	cli_opts_done(&o);

	expect_error(-EINVAL, "policy: missing command", "policy");
	expect_error(-EINVAL, "policy: unknown command 'lsit'", "policy",
		     "lsit");
	expect_error(-EINVAL, "policy list: unexpected argument", "policy",
		     "list", "x");
	expect_error(-EINVAL, "policy show: unexpected argument", "policy",
		     "show", "a", "b");
	expect_error(-EINVAL, "not both", "--policy", "judge", "policy",
		     "show", "strict");
	expect_error(-EINVAL, "policy check: missing FILE", "policy", "check");
	expect_error(-EINVAL, "policy syscalls: unexpected argument", "policy",
		     "syscalls", "a", "b");
	expect_error(-EINVAL, "not both", "-p", "judge", "policy", "syscalls",
		     "strict");
	expect_error(-EINVAL, "apply only to running", "-v", "policy",
		     "syscalls");
	expect_error(-EINVAL, "policy check: takes one FILE", "policy",
		     "check", "a", "b");
	expect_error(-EINVAL, "policy list: takes no --policy", "--memory",
		     "1G", "policy", "list");
	expect_error(-EINVAL, "policy check: takes no --policy", "--policy",
		     "judge", "policy", "check", "f");
	expect_error(-EINVAL, "apply only to running", "-v", "policy", "show");
	expect_error(-EINVAL, "apply only to running", "--timings", "doctor");
	expect_error(-EINVAL, "apply only to running", "--json", "x", "policy",
		     "list");
	expect_error(-EINVAL, "doctor: unexpected argument", "doctor", "now");
}

/* sbx list, sbx enter ID [--] [COMMAND...] */
static void test_list_enter(void **state)
{
	struct cli_opts o = { 0 };
	char *av[MAX_ARGS];

	(void)state;
	PARSE_OK(&o, "list");
	assert_int_equal(o.command, CLI_LIST);
	cli_opts_done(&o);

	PARSE_OK(&o, "enter", "3f2a");
	assert_int_equal(o.command, CLI_ENTER);
	assert_string_equal(o.enter_id, "3f2a");
	assert_null(o.argv);
	cli_opts_done(&o);

	/* options of the command stay its own, with or without -- */
	PARSE_OK(&o, "enter", "3f2a", "--", "sh", "-c", "id");
	assert_string_equal(o.enter_id, "3f2a");
	assert_int_equal(o.argc, 3);
	assert_string_equal(o.argv[0], "sh");
	assert_string_equal(o.argv[1], "-c");
	assert_null(o.argv[3]);
	cli_opts_done(&o);
	PARSE_OK(&o, "enter", "3f2a", "ls", "-l");
	assert_int_equal(o.argc, 2);
	assert_string_equal(o.argv[1], "-l");
	cli_opts_done(&o);

	/* `sbx -- enter` runs a program called enter */
	PARSE_OK(&o, "--", "enter", "x");
	assert_int_equal(o.command, CLI_RUN);
	cli_opts_done(&o);

	expect_error(-EINVAL, "enter: missing sandbox id", "enter");
	expect_error(-EINVAL, "enter: empty command name", "enter", "ab", "");
	expect_error(-EINVAL, "list: unexpected argument", "list", "all");
	expect_error(-EINVAL, "list: takes no --policy", "-p", "build", "list");
	expect_error(-EINVAL, "enter: takes no --policy", "--memory", "1G",
		     "enter", "ab");
	expect_error(-EINVAL, "apply only to running", "-v", "enter", "ab");
}

static void free_policy(Sbx__Policy **p)
{
	if (*p)
		policy_free(*p);
}

/* The overlay lands on strict with the rules of `extends`: given scalars
 * replace, repeated fields append, everything else stays strict's. */
static void test_overlay_onto_strict(void **state)
{
	__attribute__((cleanup(free_policy))) Sbx__Policy *plain = NULL;
	__attribute__((cleanup(free_policy))) Sbx__Policy *p = NULL;
	struct cli_opts o = { 0 };
	char *av[MAX_ARGS];
	struct sbx_error err = { 0 };
	Sbx__Mount *m;
	size_t n;

	assert_int_equal(cli_build_policy("strict", NULL, &plain, &err), 0);

	PARSE_OK(&o, "--time", "2s", "--memory", "1G", "--pids", "7", "--net",
		 "loopback", "--bind", "/usr/share:/data", "--env", "FOO=bar",
		 "--chdir", "/data", "--hostname", "box", "true");
	if (cli_build_policy("strict", o.overlay, &p, &err) < 0)
		fail_msg("cli_build_policy: %s", err.msg);

	assert_string_equal(p->name, "strict");
	assert_int_equal(p->limits->cpu_time_ms, 2000);
	assert_int_equal(p->limits->memory_bytes, 1ull << 30);
	assert_int_equal(p->limits->processes, 7);
	/* Untouched limits keep strict's values. */
	assert_int_equal(p->limits->wall_time_ms, plain->limits->wall_time_ms);
	assert_int_equal(p->limits->open_files, plain->limits->open_files);
	assert_int_equal(p->limits->output_bytes, plain->limits->output_bytes);

	assert_int_equal(p->network->mode, SBX__NETWORK__MODE__LOOPBACK);
	assert_true(p->namespaces->net);
	assert_true(p->namespaces->pid);
	assert_string_equal(p->hostname, "box");
	assert_string_equal(p->filesystem->workdir, "/data");

	/* Repeated fields: strict's entries first, then ours. */
	n = plain->filesystem->n_mounts;
	assert_int_equal(p->filesystem->n_mounts, n + 1);
	m = p->filesystem->mounts[n];
	assert_int_equal(m->type, SBX__MOUNT__TYPE__BIND);
	assert_string_equal(m->source, "/usr/share");
	assert_string_equal(m->destination, "/data");
	n = plain->environment->n_set;
	assert_int_equal(p->environment->n_set, n + 1);
	for (size_t i = 0; i < n; i++)
		assert_string_equal(p->environment->set[i]->name,
				    plain->environment->set[i]->name);
	assert_string_equal(p->environment->set[n]->name, "FOO");
	assert_string_equal(p->environment->set[n]->value, "bar");
	assert_int_equal(p->filesystem->n_hidden_paths,
			 plain->filesystem->n_hidden_paths);
	cli_opts_done(&o);
}

/* Overrides apply after the whole extends chain: judge's own limits stay
 * where the command line says nothing. */
static void test_overlay_after_extends(void **state)
{
	__attribute__((cleanup(free_policy))) Sbx__Policy *p = NULL;
	struct cli_opts o = { 0 };
	char *av[MAX_ARGS];
	struct sbx_error err = { 0 };

	PARSE_OK(&o, "--policy", "judge", "--memory", "64M", "--net", "host",
		 "true");
	if (cli_build_policy(o.policy, o.overlay, &p, &err) < 0)
		fail_msg("cli_build_policy: %s", err.msg);
	assert_string_equal(p->name, "judge");
	assert_int_equal(p->limits->memory_bytes, 64 << 20);
	assert_int_equal(p->limits->cpu_time_ms, 5000);   /* judge */
	assert_int_equal(p->limits->stack_bytes, 268435456); /* judge */
	assert_int_equal(p->network->mode, SBX__NETWORK__MODE__HOST);
	assert_false(p->namespaces->net);
	cli_opts_done(&o);
}

static void test_build_policy_errors(void **state)
{
	Sbx__Policy *p = NULL;
	struct sbx_error err = { 0 };

	assert_true(cli_build_policy("no-such-policy", NULL, &p, &err) < 0);
	assert_null(p);
	assert_true(err.msg[0] != '\0');
	assert_true(cli_build_policy("/nonexistent/p.txtpb", NULL, &p, &err) <
		    0);
	assert_null(p);
}

static void test_report_error(void **state)
{
	struct sbx_error err = { 0 };
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	sbx_err(&err, -EINVAL, "--memory: invalid size '12Q'");
	sbx_err_hint(&err, "use 256M");
	report_usage_error(f, &err);
	fclose(f);
	assert_string_equal(buf, "sbx: --memory: invalid size '12Q'\n"
				 "sbx: hint: use 256M\n"
				 "Try 'sbx --help'.\n");
	free(buf);
}

static void test_usage_mentions_every_option(void **state)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	static const char *const opts[] = {
		"--policy", "--verbose", "--timings", "--help", "--version",
		"--time", "--wall-time", "--memory", "--pids", "--net",
		"--bind", "--ro-bind", "--tmpfs", "--env", "--chdir",
		"--hostname", "--stdin", "--stdout", "--stderr", "--json",
		"--meta",
		"policy list", "policy show", "policy check", "policy syscalls",
		"sbx doctor", "sbx list", "sbx enter",
	};

	assert_non_null(f);
	cli_usage(f);
	fclose(f);
	for (size_t i = 0; i < sizeof(opts) / sizeof(opts[0]); i++)
		if (!strstr(buf, opts[i]))
			fail_msg("--help does not mention %s", opts[i]);
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_run_defaults),
		cmocka_unit_test(test_options_stop_at_program),
		cmocka_unit_test(test_dashdash),
		cmocka_unit_test(test_policy_option),
		cmocka_unit_test(test_flags),
		cmocka_unit_test(test_help_version),
		cmocka_unit_test(test_list_enter),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_more_limits),
		cmocka_unit_test(test_unit_forms),
		cmocka_unit_test(test_bad_numbers),
		cmocka_unit_test(test_hint_on_bad_size),
		cmocka_unit_test(test_missing_and_unknown),
		cmocka_unit_test(test_net),
		cmocka_unit_test(test_mounts),
		cmocka_unit_test(test_env_chdir_hostname),
		cmocka_unit_test(test_subcommands),
		cmocka_unit_test(test_overlay_onto_strict),
		cmocka_unit_test(test_overlay_after_extends),
		cmocka_unit_test(test_build_policy_errors),
		cmocka_unit_test(test_report_error),
		cmocka_unit_test(test_usage_mentions_every_option),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

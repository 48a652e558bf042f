/* sbx: the command line (broker). Parse, dispatch, print, exit; the work is
 * in cli.c (options -> policy overlay), policies/ and sbx_run. */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "builtin.h"
#include "cleanup.h"
#include "cli.h"
#include "doctor.h"
#include "policy.h"
#include "report.h"
#include "sbx.h"
#include "syscall_groups.h"
#include "textformat.h"

static void policy_freep(Sbx__Policy **p)
{
	if (*p)
		policy_free(*p);
}

static int fail(const struct sbx_error *err)
{
	report_error(stderr, err);
	return SBX_EXIT_FAILURE;
}

/* --json / --meta files, opened before the run so that a bad path fails
 * before anything runs. */
struct result_files {
	FILE *json, *meta;
};

static void result_files_close(struct result_files *rf)
{
	if (rf->json)
		fclose(rf->json);
	if (rf->meta)
		fclose(rf->meta);
}

static int open_result_file(const char *opt, const char *path, FILE **ret,
			    struct sbx_error *err)
{
	if (!path)
		return 0;
	/* "-": standard output, through a copy that fclose may close */
	if (strcmp(path, "-") == 0) {
		int fd = fcntl(STDOUT_FILENO, F_DUPFD_CLOEXEC, 3);
		*ret = fd >= 0 ? fdopen(fd, "w") : NULL;
		if (!*ret && fd >= 0)
			close(fd);
	} else {
		*ret = fopen(path, "we");
	}
	if (!*ret)
		return sbx_err_errno(err, -errno, "%s: cannot write %s", opt,
				     path);
	return 0;
}

/* Written after every run, failed setup included, so that a judge always
 * finds a record (verdict ERR then). */
static int write_results(const struct result_files *rf,
			 const struct sbx_result *res, const Sbx__Policy *p)
{
	struct sbx_error err = { 0 };
	int r = 0;

	if (rf->json && (sbx_result_write_json(res, p->name, rf->json) < 0 ||
			 fflush(rf->json) != 0))
		r = sbx_err(&err, -EIO, "--json: writing the result failed");
	if (rf->meta && (sbx_result_write_meta(res, rf->meta) < 0 ||
			 fflush(rf->meta) != 0))
		r = sbx_err(&err, -EIO, "--meta: writing the result failed");
	if (r < 0)
		report_error(stderr, &err);
	return r;
}

static int cmd_run(const struct cli_opts *o)
{
	_cleanup_(policy_freep) Sbx__Policy *p = NULL;
	_cleanup_(result_files_close) struct result_files rf = { 0 };
	struct sbx_error err = { 0 };
	struct sbx_result res = { 0 };
	struct sbx_run_opts ro = {
		.argv = o->argv,
		.timings = o->timings,
		.stdin_path = o->stdin_path,
		.stdout_path = o->stdout_path,
		.stderr_path = o->stderr_path,
		.register_run = true,
	};

	if (cli_build_policy(o->policy, o->overlay, &p, &err) < 0 ||
	    open_result_file("--json", o->json_path, &rf.json, &err) < 0 ||
	    open_result_file("--meta", o->meta_path, &rf.meta, &err) < 0)
		return fail(&err);
	if (sbx_run(p, &ro, &res, &err) < 0) {
		if (o->timings)
			report_timings(stderr, &res);
		write_results(&rf, &res, p);
		fail(&err);
		/* 127 / 126 when the program could not be found / run */
		return sbx_exit_status(&res);
	}
	if (o->timings)
		report_timings(stderr, &res);
	if (o->verbose)
		report_summary(stderr, &res);
	/* The payload's status says nothing about a lost record: fail. */
	if (write_results(&rf, &res, p) < 0)
		return SBX_EXIT_FAILURE;
	return sbx_exit_status(&res);
}

/* Built-ins with their descriptions, read from each policy itself. */
static int cmd_policy_list(void)
{
	for (size_t i = 0; i < builtin_policies_count; i++) {
		const struct builtin_policy *b = &builtin_policies[i];
		_cleanup_(policy_freep) Sbx__Policy *p = NULL;
		struct sbx_error err = { 0 };

		if (policy_parse((const char *)b->packed, b->len, true, b->name,
				 &p, &err) < 0)
			printf("%-10s (unreadable: %s)\n", b->name, err.msg);
		else
			printf("%-10s %s\n", b->name,
			       p->description ? p->description : "");
	}
	return 0;
}

/* The policy a run would get, overrides included, as text format. */
static int cmd_policy_show(const struct cli_opts *o)
{
	_cleanup_(policy_freep) Sbx__Policy *p = NULL;
	_cleanup_free_ char *text = NULL;
	struct sbx_error err = { 0 };

	if (cli_build_policy(o->policy, o->overlay, &p, &err) < 0)
		return fail(&err);
	if (tf_print(&p->base, &text) < 0) {
		sbx_err(&err, -ENOMEM, "printing the policy: out of memory");
		return fail(&err);
	}
	fputs(text, stdout);
	return 0;
}

static int cmd_policy_check(const struct cli_opts *o)
{
	_cleanup_(policy_freep) Sbx__Policy *p = NULL;
	struct sbx_error err = { 0 };

	if (cli_build_policy(o->policy, NULL, &p, &err) < 0) {
		/* Parse errors already start with "FILE:LINE:COL:". */
		if (!strstr(err.msg, o->policy))
			sbx_err_prefix(&err, "%s", o->policy);
		return fail(&err);
	}
	printf("%s: ok\n", o->policy);
	return 0;
}

/* The effective seccomp rule set of the policy a run would use. */
static int cmd_policy_syscalls(const struct cli_opts *o)
{
	_cleanup_(policy_freep) Sbx__Policy *p = NULL;
	struct sbx_error err = { 0 };

	if (cli_build_policy(o->policy, o->overlay, &p, &err) < 0 ||
	    sc_print(p->seccomp, stdout, &err) < 0)
		return fail(&err);
	return 0;
}

static void groups_freep(Sbx__SyscallGroups **g)
{
	if (*g)
		protobuf_c_message_free_unpacked(&(*g)->base, NULL);
}

/* Prints word (and suffix) in the member list of a group, indented and
 * wrapped before column 79. */
static void print_wrapped(const char *word, const char *suffix, size_t *col)
{
	size_t len = strlen(word) + strlen(suffix) + 1;

	if (*col == 0 || *col + len > 78) {
		fputs(*col ? "\n   " : "   ", stdout);
		*col = 3;
	}
	printf(" %s%s", word, suffix);
	*col += len;
}

/* The syscall groups rules can name: one line each, then its members. */
static int cmd_syscall_groups(void)
{
	_cleanup_(groups_freep) Sbx__SyscallGroups *g = NULL;
	struct sbx_error err = { 0 };

	if (sc_groups_load(&g, &err) < 0)
		return fail(&err);
	for (size_t i = 0; i < g->n_groups; i++) {
		const Sbx__SyscallGroups__Group *gr = g->groups[i];
		size_t col = 0;

		printf("%-14s %s%s\n", gr->name,
		       gr->description ? gr->description : "",
		       gr->dangerous ? " [dangerous: never allowed by a "
				       "built-in policy]"
				     : "");
		for (size_t j = 0; j < gr->n_syscalls; j++)
			print_wrapped(gr->syscalls[j], "", &col);
		for (size_t j = 0; j < gr->n_rules; j++)
			for (size_t k = 0; k < gr->rules[j]->n_syscalls; k++)
				print_wrapped(gr->rules[j]->syscalls[k],
					      "(conditional)", &col);
		putchar('\n');
	}
	return 0;
}

/* "2h05m", "3m07s", "12s": how long a sandbox has run. */
static void format_age(int64_t secs, char *buf, size_t size)
{
	if (secs < 0)
		secs = 0;
	if (secs >= 3600)
		snprintf(buf, size, "%lldh%02lldm", (long long)secs / 3600,
			 (long long)secs % 3600 / 60);
	else if (secs >= 60)
		snprintf(buf, size, "%lldm%02llds", (long long)secs / 60,
			 (long long)secs % 60);
	else
		snprintf(buf, size, "%llds", (long long)secs);
}

static void print_running(const struct sbx_running *r, void *data)
{
	char age[32], cpu[32] = "-", mem[32] = "-";

	format_age((int64_t)time(NULL) - r->started_unix, age, sizeof(age));
	if (r->has_cpu)
		snprintf(cpu, sizeof(cpu), "%.2fs", (double)r->cpu_usec / 1e6);
	if (r->has_memory)
		snprintf(mem, sizeof(mem), "%.1fM",
			 (double)r->memory_bytes / (1024.0 * 1024.0));
	printf("%-12s %7d %-10s %8s %9s %9s ", r->id, r->pid, r->policy, age,
	       cpu, mem);
	for (size_t i = 0; i < r->argc; i++)
		printf(i ? " %s" : "%s", r->argv[i]);
	putchar('\n');
	(void)data;
}

static int cmd_list(void)
{
	struct sbx_error err = { 0 };

	printf("%-12s %7s %-10s %8s %9s %9s %s\n", "ID", "PID", "POLICY", "AGE",
	       "CPU", "MEMORY", "COMMAND");
	if (sbx_list(print_running, NULL, &err) < 0)
		return fail(&err);
	return 0;
}

static int cmd_enter(const struct cli_opts *o)
{
	struct sbx_error err = { 0 };
	struct sbx_enter_opts eo = { .id = o->enter_id, .argv = o->argv };
	int status;

	if (sbx_enter(&eo, &status, &err) < 0)
		fail(&err);
	return status;
}

static int cmd_doctor(void)
{
	struct doctor_check checks[DOCTOR_MAX_CHECKS];
	int n = doctor_run(checks);

	return report_doctor(stdout, checks, n) > 0 ? 1 : 0;
}

int main(int argc, char **argv)
{
	_cleanup_(cli_opts_done) struct cli_opts o = { 0 };
	struct sbx_error err = { 0 };

	if (cli_parse(argc, argv, &o, &err) < 0) {
		report_usage_error(stderr, &err);
		return SBX_EXIT_FAILURE;
	}
	switch (o.command) {
	case CLI_HELP:
		cli_usage(stdout);
		return 0;
	case CLI_VERSION:
		printf("sbx %s\n", SBX_VERSION);
		return 0;
	case CLI_POLICY_LIST:
		return cmd_policy_list();
	case CLI_POLICY_SHOW:
		return cmd_policy_show(&o);
	case CLI_POLICY_CHECK:
		return cmd_policy_check(&o);
	case CLI_POLICY_SYSCALLS:
		return cmd_policy_syscalls(&o);
	case CLI_SYSCALL_GROUPS:
		return cmd_syscall_groups();
	case CLI_DOCTOR:
		return cmd_doctor();
	case CLI_LIST:
		return cmd_list();
	case CLI_ENTER:
		return cmd_enter(&o);
	case CLI_RUN:
		break;
	}
	return cmd_run(&o);
}

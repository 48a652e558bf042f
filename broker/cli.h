/* The `sbx` command line: parsing argv into struct cli_opts, and turning the
 * options into a finalized policy (broker).
 *
 * cli_parse is pure apart from getopt's own globals (optind, opterr, which it
 * resets): it prints nothing, exits never and does not touch the file system,
 * so tests can call it with any argv. Every override (--time, --memory,
 * --bind, ...) becomes a field of an Sbx__Policy overlay that holds only the
 * fields given; cli_build_policy merges it over the loaded policy with
 * policy_merge, the same rules as `extends`. */
#pragma once

#include <stdbool.h>
#include <stdio.h>

#include "error.h"
#include "sbx.pb-c.h"

enum cli_command {
	CLI_RUN,          /* sbx [OPTIONS] [--] PROGRAM [ARGS...] */
	CLI_HELP,         /* sbx --help */
	CLI_VERSION,      /* sbx --version */
	CLI_POLICY_LIST,  /* sbx policy list */
	CLI_POLICY_SHOW,  /* sbx [OVERRIDES] policy show [NAME|FILE] */
	CLI_POLICY_CHECK, /* sbx policy check FILE */
	CLI_POLICY_SYSCALLS, /* sbx [OVERRIDES] policy syscalls NAME|FILE */
	CLI_SYSCALL_GROUPS,  /* sbx policy syscalls: the syscall groups */
	CLI_DOCTOR,       /* sbx doctor */
	CLI_LIST,         /* sbx list: the caller's running sandboxes */
	CLI_ENTER,        /* sbx enter ID [--] [COMMAND [ARGS...]] */
	/* A new subcommand adds a value here and a row to the subcommand
	 * table in cli.c. */
};

struct cli_opts {
	enum cli_command command;
	/* --policy, or the argument of `policy show|check`; points into argv
	 * or at the static default "strict". */
	const char *policy;
	/* Overrides as a partial policy: only the fields given on the command
	 * line are present. NULL when there are none. Owned (cli_opts_done). */
	Sbx__Policy *overlay;
	bool verbose;     /* -v: one-line summary on stderr after the run */
	bool timings;     /* --timings: per-step durations on stderr */
	/* --stdin, --stdout, --stderr: files the broker opens for the payload
	 * (sbx_run_opts); NULL: inherit. Point into argv. */
	const char *stdin_path;
	const char *stdout_path;
	const char *stderr_path;
	/* --json, --meta: files the result is written to after the run, as
	 * JSON or as an isolate-style meta file; NULL: none. */
	const char *json_path;
	const char *meta_path;
	/* CLI_ENTER: the sandbox's id (or a prefix); points into argv. */
	const char *enter_id;
	/* CLI_RUN: the program and its arguments, NULL-terminated; points into
	 * the argv given to cli_parse. CLI_ENTER: the command, or NULL. */
	char *const *argv;
	int argc;
};

#define CLI_DEFAULT_POLICY "strict"

/* Parses argv (argv[0] is the program name and is skipped). On success fills
 * *ret (which the caller releases with cli_opts_done) and returns 0. On bad
 * input returns -EINVAL (or -ERANGE for a number too large, -ENOMEM) with a
 * one-line err->msg and possibly err->hint; the caller prints them followed
 * by "Try 'sbx --help'." and leaves *ret empty. */
int cli_parse(int argc, char *const *argv, struct cli_opts *ret,
	      struct sbx_error *err);

/* Frees what cli_parse allocated; *o is reset and may be reused. */
void cli_opts_done(struct cli_opts *o);

/* Loads name_or_path (policy_load, which follows `extends`), merges the
 * overlay (may be NULL) over it and finalizes it (policy_finalize). On
 * success *ret owns a new policy (policy_free). */
int cli_build_policy(const char *name_or_path, const Sbx__Policy *overlay,
		     Sbx__Policy **ret, struct sbx_error *err);

/* Writes the --help text. */
void cli_usage(FILE *f);

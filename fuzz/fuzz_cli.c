/* Fuzz harness for the command line: the input is split at NUL bytes (and
 * newlines) into at most 64 arguments after "sbx"; cli_parse must succeed
 * or fail with a message, and a successful overlay is merged over strict
 * and finalized, the path cli_build_policy takes (without files). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "policy.h"

#define MAX_ARGS 64

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static Sbx__Policy *strict;
	struct sbx_error err = { 0 };
	char *argv[MAX_ARGS + 2];
	int argc = 0;

	if (size > 4096)
		return 0;
	if (!strict && policy_load("strict", &strict, &err) < 0)
		abort();
	char *copy = malloc(size + 1);
	if (!copy)
		abort();
	memcpy(copy, data, size);
	copy[size] = '\0';
	argv[argc++] = "sbx";
	for (char *s = copy; argc <= MAX_ARGS && s <= copy + size;) {
		size_t n = strcspn(s, "\n");
		s[n] = '\0';
		argv[argc++] = s;
		s += n + 1;
	}
	argv[argc] = NULL;

	struct cli_opts o;
	memset(&o, 0, sizeof(o));
	int r = cli_parse(argc, argv, &o, &err);
	if (r < 0) {
		if (!err.msg[0])
			abort(); /* every refusal says why */
	} else {
		if (o.command == CLI_RUN && (!o.argv || o.argc < 1 || !o.argv[0]))
			abort();
		if (o.overlay) {
			Sbx__Policy *p = NULL;
			if (policy_parse("", 0, false, "empty", &p, &err) < 0)
				abort();
			if (policy_merge(p, strict, &err) == 0 &&
			    policy_merge(p, o.overlay, &err) == 0)
				(void)policy_finalize(p, &err);
			policy_free(p);
		}
	}
	cli_opts_done(&o);
	free(copy);
	return 0;
}

#define FUZZ_MAX_INPUT 8192
#include "fuzz_main.inc"

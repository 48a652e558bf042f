/* Finding the program to run and making it visible inside (broker). */
#pragma once

#include <stdbool.h>

#include "error.h"
#include "setup.h"

struct program {
	char path[4096];       /* absolute path inside the sandbox */
	bool needs_bind;       /* bind the host file at the same path */
};

/* Resolves argv0: a name without '/' is searched in path_env (the
 * sandbox's PATH) in the policy's layers; a path with '/' is the host file,
 * relative to the caller's working directory. Returns 0, or -ENOENT /
 * -EACCES with err naming the program (the CLI exits 127 / 126). */
int program_resolve(const char *argv0, const char *path_env,
		    const Sbx__Policy *policy, struct program *ret,
		    struct sbx_error *err);

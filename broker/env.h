/* The payload's environment, built from the policy and the caller's
 * environment (broker). */
#pragma once

#include "error.h"
#include "sbx.pb-c.h"

/* Returns a NULL-terminated, malloc'ed envp (free with env_free): the
 * caller's environment unless environment.clear, then the passed-through
 * names, then the set variables (later ones win). */
char **env_build(const Sbx__Environment *env, char *const *caller_env);

void env_free(char **envp);

/* Value of name in envp, or NULL. */
const char *env_get(char *const *envp, const char *name);

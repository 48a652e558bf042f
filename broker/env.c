/* Environment of the payload (broker). */
#include "env.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *env_get(char *const *envp, const char *name)
{
	size_t n = strlen(name);

	for (; envp && *envp; envp++)
		if (strncmp(*envp, name, n) == 0 && (*envp)[n] == '=')
			return *envp + n + 1;
	return NULL;
}

static size_t count(char *const *v)
{
	size_t n = 0;

	while (v && v[n])
		n++;
	return n;
}

/* Sets name=value in envp (capacity is enough by construction). */
static int put(char **envp, size_t *n, const char *name, const char *value)
{
	size_t len = strlen(name);
	char *entry;

	if (asprintf(&entry, "%s=%s", name, value) < 0)
		return -1;
	for (size_t i = 0; i < *n; i++)
		if (strncmp(envp[i], name, len) == 0 && envp[i][len] == '=') {
			free(envp[i]);
			envp[i] = entry;
			return 0;
		}
	envp[(*n)++] = entry;
	return 0;
}

char **env_build(const Sbx__Environment *env, char *const *caller_env)
{
	size_t cap = env->n_set + env->n_pass + 1, n = 0;
	char **envp;

	if (!env->clear)
		cap += count(caller_env);
	envp = calloc(cap, sizeof(*envp));
	if (!envp)
		return NULL;
	for (size_t i = 0; !env->clear && caller_env && caller_env[i]; i++)
		if (!(envp[n++] = strdup(caller_env[i])))
			goto fail;
	for (size_t i = 0; i < env->n_pass; i++) {
		const char *v = env_get(caller_env, env->pass[i]);
		if (v && put(envp, &n, env->pass[i], v) < 0)
			goto fail;
	}
	for (size_t i = 0; i < env->n_set; i++)
		if (put(envp, &n, env->set[i]->name,
			env->set[i]->value ? env->set[i]->value : "") < 0)
			goto fail;
	return envp;
fail:
	env_free(envp);
	return NULL;
}

void env_free(char **envp)
{
	for (size_t i = 0; envp && envp[i]; i++)
		free(envp[i]);
	free(envp);
}

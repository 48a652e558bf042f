/* Program resolution (broker). `sbx ./untrusted` must work from any
 * directory, including ones the sandbox hides (/home, /tmp): the host file
 * is bound read-only at the same path when the root layers do not show it. */
#include "program.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mount-util.h"

static bool host_root_is_layer(const Sbx__Filesystem *fs)
{
	if (fs->n_layers == 0)
		return true;
	for (size_t i = 0; i < fs->n_layers; i++)
		if (strcmp(fs->layers[i], "/") == 0)
			return true;
	return false;
}

/* Would the sandbox show this host path as it is? */
static bool visible_inside(const char *path, const Sbx__Policy *p)
{
	const Sbx__Filesystem *fs = p->filesystem;

	if (!host_root_is_layer(fs) || mu_replaced_or_hidden(fs, path))
		return false;
	for (size_t i = 0; i < fs->n_masked_paths; i++)
		if (mu_path_within(path, fs->masked_paths[i]))
			return false;
	return true;
}

static int check_executable(const char *path, const char *argv0,
			    struct sbx_error *err)
{
	struct stat st;

	if (stat(path, &st) < 0)
		return sbx_err_errno(err, -errno, "program %s", argv0);
	if (!S_ISREG(st.st_mode))
		return sbx_err(err, -EACCES, "program %s is not a regular file",
			       argv0);
	if (access(path, X_OK) < 0)
		return sbx_err_errno(err, -errno, "program %s", argv0);
	return 0;
}

/* A name without '/': the first PATH entry of a layer that has it. */
static int search_layers(const char *name, const char *path_env,
			 const Sbx__Policy *p, struct program *ret,
			 struct sbx_error *err)
{
	const Sbx__Filesystem *fs = p->filesystem;
	size_t n_layers = fs->n_layers ? fs->n_layers : 1;
	const char *dirs = path_env ? path_env : "/usr/local/bin:/usr/bin:/bin";

	while (*dirs) {
		size_t len = strcspn(dirs, ":");
		for (size_t i = 0; len && i < n_layers; i++) {
			const char *l = fs->n_layers ? fs->layers[i] : "/";
			char host[PATH_MAX];
			snprintf(host, sizeof(host), "%s%.*s/%s",
				 strcmp(l, "/") ? l : "", (int)len, dirs, name);
			if (access(host, X_OK) == 0) {
				snprintf(ret->path, sizeof(ret->path), "%.*s/%s",
					 (int)len, dirs, name);
				ret->needs_bind = false;
				return 0;
			}
		}
		dirs += len + (dirs[len] == ':');
	}
	return sbx_err(err, -ENOENT, "program %s not found in PATH %s", name,
		       path_env ? path_env : "(default)");
}

int program_resolve(const char *argv0, const char *path_env,
		    const Sbx__Policy *policy, struct program *ret,
		    struct sbx_error *err)
{
	char real[PATH_MAX];
	int r;

	if (!argv0 || !*argv0)
		return sbx_err(err, -ENOENT, "no program given");
	if (!strchr(argv0, '/'))
		return search_layers(argv0, path_env, policy, ret, err);
	if ((r = check_executable(argv0, argv0, err)) < 0)
		return r;
	if (!realpath(argv0, real))
		return sbx_err_errno(err, -errno, "program %s", argv0);
	snprintf(ret->path, sizeof(ret->path), "%s", real);
	ret->needs_bind = !visible_inside(real, policy);
	return 0;
}

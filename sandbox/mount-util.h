/* Small mount and path helpers for sandbox/mounts.c (PID 1 of the sandbox). */
#pragma once

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "sbx.pb-c.h"

/* buf = root + path, "" root allowed. Returns 0 or -ENAMETOOLONG. */
int mu_join(char buf[PATH_MAX], const char *root, const char *path);

/* buf = printf(fmt, ...), at most PATH_MAX. Returns 0 or -ENAMETOOLONG. */
int mu_pathf(char buf[PATH_MAX], const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Whether path is dir or lies below it ("/" holds every path). */
bool mu_path_within(const char *path, const char *dir);

/* Whether the sandbox shows something else than the host at path: its own
 * /proc, /sys and /dev, or an empty directory over a hidden path of fs. */
bool mu_replaced_or_hidden(const Sbx__Filesystem *fs, const char *path);

/* mkdir -p with mode for each created component. Returns 0 or -errno. */
int mu_mkdir_p(const char *path, mode_t mode);

/* Creates path (and its parents) as a directory or an empty file to mount
 * on; an existing path is fine. Returns 0 or -errno. */
int mu_make_mountpoint(const char *path, bool is_file);

/* Adds MOUNT_ATTR_* flags to the mount at path (and, when recursive, every
 * mount below). Only ever adds restrictions. Returns 0 or -errno. */
int mu_restrict(const char *path, uint64_t attrs, bool recursive);

/* Bind mounts src on dst (recursively when asked) and restricts it.
 * Returns 0 or -errno. */
int mu_bind(const char *src, const char *dst, bool recursive, uint64_t attrs);

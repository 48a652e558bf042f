/* The build's source tree and the kept write layer (broker). */
#pragma once

#include <stdbool.h>
#include <sys/types.h>

#include "error.h"

/* A detached, idmapped clone of the mount of dir (open_tree + mount_setattr
 * MOUNT_ATTR_IDMAP), for a broker running as root: dir's owner and group
 * appear inside as uid/gid (sandbox ids, mapped to USERNS_ROOT_BASE + id on
 * the host), and what the payload writes there belongs to them on disk.
 * Returns the mount fd (O_CLOEXEC; the sandbox move_mounts it) or -errno. */
int workdir_idmapped(const char *dir, uid_t uid, gid_t gid,
		     struct sbx_error *err);

/* Makes dir (mode 0755) when missing and refuses one that holds an earlier
 * run's upper/ or work/. As root, dir is handed to the sandbox's root
 * (USERNS_ROOT_BASE), which creates the overlay directories in it. */
int keep_changes_prepare(const char *dir, bool host_root,
			 struct sbx_error *err);

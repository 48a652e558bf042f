/* User namespace id maps for a freshly cloned sandbox (broker). */
#pragma once

#include <sys/types.h>

#include "error.h"
#include "sbx.pb-c.h"

/* Host ids that root's sandboxes run as: a range no account uses, so that a
 * process escaping the namespaces is nobody on the host. */
#define USERNS_ROOT_BASE 1879048192u /* 0x70000000 */
#define USERNS_ROOT_COUNT 65536u

/* Writes uid_map, setgroups and gid_map of pid. Rootless: the caller's
 * uid/gid become the policy's uid/gid, setgroups is denied (the kernel
 * requires it). As root: inside ids 0..65535 map to USERNS_ROOT_BASE...;
 * setgroups stays allowed so the sandbox can shed root's supplementary
 * groups. Returns 0 or -errno with err set. */
int userns_write_maps(pid_t pid, const Sbx__Identity *id, bool host_root,
		      struct sbx_error *err);

/* Capabilities and identity of the payload (payload, before exec). */
#pragma once

#include <stddef.h>
#include <sys/types.h>

#include "setup.h"

/* Drops the bounding set down to the names in keep[0..n). PID 1 calls it
 * before it waits for its id maps (it never execs, so only what its
 * children inherit changes), which leaves the payload's own call nothing
 * to drop. Returns 0 or -errno with *e set. */
int caps_drop_bounding(char *const *keep, size_t n, struct setup_error *e);

/* Drops every capability (effective, permitted, inheritable, ambient,
 * bounding) except the names in keep[0..n), and switches to uid/gid.
 * Returns 0 or -errno with *e set. */
int caps_drop_and_switch(char *const *keep, size_t n, uid_t uid, gid_t gid,
			 bool set_groups, struct setup_error *e);

/* The host's root mount on its own, for a broker running as root (broker).
 *
 * A user namespace may not take the host's root as one overlay lower: the
 * mounts below it (/proc, /sys, /dev, ...) are locked to the namespace, so
 * the sandbox builds its root directory by directory, an overlay each. A
 * broker with CAP_SYS_ADMIN in the initial namespaces can clone the root
 * mount without what is mounted below it; the sandbox then makes its whole
 * root one overlay over that clone and puts the host's other mounts back
 * on top (sandbox/mounts.c), so nothing they cover shows. */
#pragma once

#include <stdbool.h>

#include "policy.h"

/* Whether fs asks for the root that clone serves: the host's root as the
 * only layer, with a write layer that vanishes. */
bool hostroot_wanted(const Sbx__Filesystem *fs);

/* A detached, private, read-only (nosuid, nodev) clone of the root mount
 * alone (open_tree without AT_RECURSIVE), O_CLOEXEC, for the sandbox to
 * move_mount; or -errno: EPERM rootless, EINVAL where our own root's
 * submounts are locked (sbx run as root inside a container's user
 * namespace). The caller then builds the root directory by directory. */
int hostroot_clone(void);

/* Hidden paths shown empty by opaque directories in an overlay's write
 * layer, made before the overlay is mounted, instead of an empty directory
 * bound over each afterwards: no mount to make, and none to tear down when
 * the sandbox ends. Owns which hidden paths are hidden that way; the rest
 * get their bind (sandbox/mounts.c, hide_paths()). Needs user xattrs on
 * tmpfs (Linux 6.6+); without them every hidden path gets its bind. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sbx.pb-c.h"

struct opaque_set {
	uint64_t made;    /* bit i: hidden_paths[i] (i < 64) is an opaque dir */
	bool unsupported; /* the write layer takes no user xattrs */
};

/* For the overlay of the single lower directory `lower` at <sub> (""
 * for the root) with upper directory `upper`: each hidden path below sub
 * that lower has as a directory, whose parent exists in upper and which
 * no other hidden path holds, becomes an opaque directory of upper with
 * lower's mode. Sets *made to their bits, to be added with opaque_add()
 * once the overlay is mounted. Returns 0 or -errno. */
int opaque_make(struct opaque_set *s, const Sbx__Filesystem *fs,
		const char *sub, const char *lower, const char *upper,
		uint64_t *made);

/* The overlay is mounted: the hidden paths of made are hidden. */
static inline void opaque_add(struct opaque_set *s, uint64_t made)
{
	s->made |= made;
}

/* Something else is about to be mounted at <sub>: the hidden paths at or
 * below it are no longer known to be hidden. */
void opaque_forget(struct opaque_set *s, const Sbx__Filesystem *fs,
		   const char *sub);

/* Whether hidden_paths[i] is hidden by an opaque directory. */
bool opaque_hides(const struct opaque_set *s, size_t i);

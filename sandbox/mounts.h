/* The sandbox's filesystem: staging tmpfs (the write layer), the overlay
 * root over the policy's layers, hidden and masked paths, binds, /proc,
 * /sys, /dev, and the final pivot_root (PID 1 of the sandbox). */
#pragma once

#include "setup.h"

/* Cuts every mount of our new mount namespace off from propagation with
 * the host's, so nothing we mount reaches it. Needs no id maps, so it runs
 * while the broker writes them. Returns 0 or -errno with *e set. */
int mnt_make_private(const struct sandbox_config *cfg, struct setup_error *e);

/* Builds the whole root and enters it, recording each part's duration in
 * usec[TIME_STAGING..TIME_PIVOT]. Returns 0 or -errno with *e set. */
int mnt_setup_root(const struct sandbox_config *cfg, struct setup_error *e,
		   uint32_t usec[TIME_MAX_]);

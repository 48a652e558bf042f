/* File descriptor hygiene shared by the broker and the sandbox: closing or
 * marking close-on-exec every descriptor above a bound. */
#pragma once

#include <stddef.h>

/* Closes every fd >= from except those in keep[0..n). Uses close_range and
 * falls back to /proc/self/fd. Returns 0 or -errno. */
int fds_close_except(int from, const int *keep, unsigned n);

/* Writes all of buf, also to a pipe or terminal that takes it in parts.
 * Returns 0 or -errno. */
int fds_write_all(int fd, const void *buf, size_t len);

/* Marks every fd >= from close-on-exec, so a failed exec can still report
 * through a descriptor that a successful exec will close. Returns 0 or
 * -errno. */
int fds_cloexec_from(int from);

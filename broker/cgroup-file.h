/* Reading and writing the small files of a cgroup directory (broker). */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Writes text in one write(2) to the open file fd. Returns 0 or -errno. */
int cgf_write_fd(int fd, const char *text);

/* Writes text to dirfd/name. Returns 0 or -errno. */
int cgf_write(int dirfd, const char *name, const char *text);

/* Writes a number. Returns 0 or -errno. */
int cgf_write_u64(int dirfd, const char *name, uint64_t v);

/* Reads dirfd/name into buf (NUL-terminated). Returns length or -errno. */
int cgf_read(int dirfd, const char *name, char *buf, size_t size);

/* Reads a single number ("max" reads as UINT64_MAX). Returns 0 or -errno. */
int cgf_read_u64(int dirfd, const char *name, uint64_t *ret);

/* Finds "key N" in a flat-keyed file such as cpu.stat or memory.events.
 * Returns 0 or -ENOENT / -errno. */
int cgf_read_key(int dirfd, const char *name, const char *key, uint64_t *ret);

/* The same for n keys from one read of the file (values of one moment).
 * Returns 0, or -ENOENT when any is missing, or -errno. */
int cgf_read_keys(int dirfd, const char *name, size_t n,
		  const char *const keys[], uint64_t *const vals[]);

/* CPU time used so far by the group dirfd: v2 cpu.stat usage_usec, v1
 * cpuacct.usage; version 0 when unknown: whichever the group has. Returns 0
 * or -errno. */
int cgf_read_cpu_usec(int dirfd, int version, uint64_t *ret);

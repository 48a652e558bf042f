/* Directory listing without malloc or stdio (sandbox).
 *
 * sbx_run() may be called by a program with other threads. PID 1 is a
 * clone of the calling thread alone, so a lock another thread held at
 * that moment (malloc's, a stream's) stays held in PID 1's copy of the
 * memory, and PID 1 would wait for it forever. PID 1 therefore lists
 * directories with getdents64 into a buffer of the caller's, as opendir()
 * would, without allocating. */
#pragma once

#include <stddef.h>

struct dents {
	int fd;                /* the directory, O_RDONLY; -1 when closed */
	size_t pos, len;
	char buf[4096] __attribute__((aligned(8)));
};

/* Opens path (relative to dirfd) for listing. Returns 0 or -errno. */
int dents_open(struct dents *d, int dirfd, const char *path);

/* The next entry's name, "." and ".." left out, and its type (DT_*, or
 * DT_UNKNOWN where the file system does not say); NULL at the end (errno
 * 0) or on an error (errno set). */
const char *dents_next(struct dents *d, unsigned char *type);

void dents_close(struct dents *d);

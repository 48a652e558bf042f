/* Scope-bound cleanup helpers (__attribute__((cleanup))) and ownership
 * transfer, used by every process of sbx: broker, sandbox, PID 1, payload.
 * Always initialise a _cleanup_ variable at its declaration. */
#pragma once

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#define _cleanup_(f) __attribute__((cleanup(f)))

static inline void freep(void *p)
{
	free(*(void **)p);
}

/* Closes an fd while keeping errno, so error paths report the original cause. */
static inline void closep(int *fd)
{
	if (*fd >= 0) {
		int saved = errno;
		close(*fd);
		errno = saved;
	}
}

static inline void fclosep(FILE **f)
{
	if (*f)
		fclose(*f);
}

static inline void closedirp(DIR **d)
{
	if (*d)
		closedir(*d);
}

#define _cleanup_free_ _cleanup_(freep)
#define _cleanup_close_ _cleanup_(closep)
#define _cleanup_fclose_ _cleanup_(fclosep)
#define _cleanup_closedir_ _cleanup_(closedirp)

/* Hands ownership over: returns the value and resets the source. */
#define TAKE_PTR(p)                                                           \
	({                                                                     \
		__typeof__(p) _tp = (p);                                       \
		(p) = NULL;                                                    \
		_tp;                                                           \
	})
#define TAKE_FD(fd)                                                            \
	({                                                                     \
		int _tf = (fd);                                                \
		(fd) = -1;                                                     \
		_tf;                                                           \
	})

/* Closes and marks as closed. */
static inline void close_and_reset(int *fd)
{
	closep(fd);
	*fd = -1;
}

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* The mounts below a mount, as PID 1 sees them (sandbox).
 *
 * listmount(2) and statmount(2) name the mounts below a mount in a system
 * call each; /proc/self/mountinfo, formatted in full for every mount of
 * the namespace, costs about 0.1 ms and is the fallback on kernels before
 * 6.8. */
#pragma once

/* Calls fn(point, arg) with the mount point of mounts below the one at
 * path, as the caller sees it, until fn returns non-zero: at least each
 * direct child (Linux 6.8 lists those; later kernels, and the fallback
 * through mountinfo, the caller's /proc/self/mountinfo, every mount below
 * path). Returns fn's value, 0, or -errno. */
int ml_each_below(const char *path, const char *mountinfo,
		  int (*fn)(const char *point, void *arg), void *arg);

/* The fallback: fn(point, arg) with the mount point of each line of the
 * mountinfo file below path, until fn returns non-zero. Returns fn's
 * value, 0, -errno, or -EIO on a read error or an overlong line (a mount
 * missed is worse than none listed). */
int ml_each_in_mountinfo(const char *mountinfo, const char *path,
			 int (*fn)(const char *point, void *arg), void *arg);

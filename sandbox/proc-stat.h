/* Numeric fields of /proc/PID/stat, for the broker (start time, parent,
 * CPU time of a sandbox's processes) and PID 1 (where its command line
 * lies). Owns the one subtle part: fields count from after the command
 * name, which may hold spaces and parentheses. */
#pragma once

#include <stdint.h>
#include <sys/types.h>

/* out[0..n) = fields field.. field+n-1 (field >= 3, numbered as in
 * proc(5)) of /proc/PID/stat, or of /proc/self/stat for pid 0. No
 * allocation: safe after fork. Returns 0 or -errno (-EIO when the text
 * does not have them). */
int proc_stat_fields(pid_t pid, int field, uint64_t *out, int n);

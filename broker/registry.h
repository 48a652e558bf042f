/* The caller's running sandboxes, for `sbx list` and `sbx enter` (broker).
 *
 * One file per run, a packed sbx.RunRecord named by the run's id, in a
 * directory only its owner can read: $XDG_RUNTIME_DIR/sbx when that
 * directory is the caller's, else /run/user/UID/sbx, else /run/sbx (root,
 * when /run is a tmpfs) or /dev/shm/sbx-UID (a tmpfs everywhere). The
 * directory is checked (lstat: a real directory, owned
 * by the caller, no access for anyone else) before every use, so another
 * user can neither plant records nor read ours. A broker removes its record
 * when its run ends; records of brokers that died first are removed by the
 * next registry_scan. */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "error.h"
#include "registry.pb-c.h"

#define REGISTRY_ID_LEN 12

/* A new random id (REGISTRY_ID_LEN hex digits and a NUL). */
int registry_new_id(char id[REGISTRY_ID_LEN + 1]);

/* Writes rec (rec->id names it) atomically into the caller's directory,
 * creating the directory. Returns 0 or -errno with err set. */
int registry_add(const Sbx__RunRecord *rec, struct sbx_error *err);

/* Removes the record named id; a missing one is fine. */
void registry_remove(const char *id);

/* The record named id, if its sandbox still runs: *ret (free with
 * registry_record_free) and *ret_pidfd, a pidfd of its PID 1 checked to be
 * the recorded process. Returns 0, -ENOENT (no such sandbox, or it ended:
 * its record is then removed) or another -errno, with err set. */
int registry_open(const char *id, Sbx__RunRecord **ret, int *ret_pidfd,
		  struct sbx_error *err);

/* Calls fn for each running sandbox of the caller, oldest first, and
 * removes the records of ended ones. Returns the number of sandboxes or
 * -errno with err set; no directory means none. */
int registry_scan(void (*fn)(const Sbx__RunRecord *rec, void *data),
		  void *data, struct sbx_error *err);

void registry_record_free(Sbx__RunRecord *rec);

/* Field 4 of /proc/PID/stat: the parent's pid, or -errno. */
int registry_parent(pid_t pid);

/* Field 22 of /proc/PID/stat: the process's start, in clock ticks after
 * boot. Returns 0 or -errno. */
int registry_start_ticks(pid_t pid, uint64_t *ret);

/* Policies: loading by name or path (text format or .binpb), `extends`
 * resolution, merging on field presence, defaults and validation (broker).
 *
 * The usual sequence: policy_load, then policy_merge of any command-line
 * overrides, then policy_finalize (defaults + validation) last, so that
 * overrides are judged on presence before defaults fill the gaps.
 *
 * Merge rule (policy_merge, and `extends` with the child as the overlay),
 * applied recursively and generically over the protobuf-c descriptors:
 *  - a scalar, enum, string or bytes field present in the overlay (has_ set,
 *    or a non-NULL pointer) replaces the base's, even when it is zero, false
 *    or empty: presence, not value, decides;
 *  - a message field present in the overlay merges field by field into the
 *    base's (allocated empty first when the base has none);
 *  - a repeated field appends deep copies of the overlay's entries after the
 *    base's (parent entries first); nothing is ever removed;
 *  - fields absent from the overlay leave the base untouched; unknown fields
 *    (from .binpb) are not carried over.
 * Everything is deep-copied with malloc, as protobuf_c_message_unpack does,
 * so the overlay may be freed (or live in static storage) afterwards and the
 * result is freed by policy_free alone.
 *
 * Defaults (policy_finalize), from the comments in sbx.proto:
 *  namespaces pid/mount/ipc/uts/cgroup true, time false, net true unless
 *    network.mode is HOST; identity 1000/1000; hostname "sbx";
 *  filesystem: layers empty becomes ["/"] (explicit, so readers need no
 *    special case), write_layer_bytes 64 MiB, read_only_root false,
 *    workdir "/"; each mount: destination = source, mode 01777 for TMPFS,
 *    exec true for binds and false for TMPFS, recursive true, optional false
 *    (TMPFS size_bytes stays unset: the kernel's default);
 *  devices: access "rw";
 *  limits: core_bytes 0, swap_bytes 0, extra_time_ms 0; every other limit
 *    left unset, meaning "no limit" (cpu/wall time, memory, processes,
 *    cpu_quota_percent, output, file size, open files, stack);
 *  seccomp: enabled true, default_action KILL, default_errnum ENOSYS,
 *    allow_foreign_abis false, each rule's errnum EPERM;
 *  network mode NONE; environment clear true; process new_session,
 *    die_with_parent and forward_signals true; cgroup present, parent unset
 *    (the caller's own group). */
#pragma once

#include <stdbool.h>

#include "error.h"
#include "sbx.pb-c.h"

#define POLICY_MAX_EXTENDS 8

/* Loads name_or_path: a built-in name ("strict"), or a path (contains '/' or
 * ends in .txtpb / .binpb; .binpb is the wire format, anything else text),
 * read with a bound of TF_MAX_INPUT bytes. Resolves the extends chain: each
 * `extends` is a built-in name or a path, a relative path being resolved
 * against the directory of the file naming it (against the working directory
 * when a built-in names it); at most POLICY_MAX_EXTENDS hops, and a policy
 * met twice is a cycle (-ELOOP, "policy extends cycle: a.txtpb -> b.txtpb ->
 * a.txtpb"). The result has `extends` cleared and the leaf's name (a file
 * without `name` is named after its file: "/x/my.txtpb" -> "my"); other
 * fields follow the merge rule, so a leaf without a description inherits its
 * parent's. Errors: -ENOENT (unknown name, missing file; the hint lists the
 * built-ins), -EISDIR, -E2BIG, -EINVAL (syntax), -ELOOP, -ENOMEM.
 * Does not apply defaults or validate.
 * On success *ret owns a new policy (policy_free). */
int policy_load(const char *name_or_path, Sbx__Policy **ret,
		struct sbx_error *err);

/* Parses a policy from memory (text format when binary is false); filename
 * names it in error messages. No extends resolution. */
int policy_parse(const char *data, size_t len, bool binary,
		 const char *filename, Sbx__Policy **ret, struct sbx_error *err);

/* Merges overlay into base in place (see the merge rule above). overlay is
 * not modified and may be base itself. On -ENOMEM base may be partly merged
 * but is still a valid policy to free. */
int policy_merge(Sbx__Policy *base, const Sbx__Policy *overlay,
		 struct sbx_error *err);

/* Fills every unset field that has a documented default (see above), then
 * validates the result: after this every submessage is allocated and every
 * optional scalar with a default is present; limits without a default stay
 * unset, meaning "no limit". Idempotent. */
int policy_finalize(Sbx__Policy *p, struct sbx_error *err);

/* Checks a merged policy for impossible settings and returns -EINVAL with a
 * one-line message naming the policy and the field path, e.g. "policy strict:
 * limits.wall_time_ms (1000) is below limits.cpu_time_ms (2000)". Stops at
 * the first problem. Checks: zero where zero is meaningless (cpu/wall time,
 * processes, open files, stack, cpu quota, write layer on a writable root,
 * TMPFS size), memory below 1 MiB, wall time below CPU time, paths that are
 * not absolute or have ".." components, mounts without type / bind without
 * source / TMPFS with a source or without a destination, environment names
 * empty or with '=', hostnames, capability names, seccomp rules (action,
 * errno range, arg index 0-5 and op), uid/gid 4294967295, network mode vs
 * namespaces.net, device access letters, enum values out of range. Unset
 * fields are not checked. */
int policy_validate(const Sbx__Policy *p, struct sbx_error *err);

void policy_free(Sbx__Policy *p);

/* Policies: loading by name or path (text format or .binpb), `extends`
 * resolution, merging on field presence, defaults and validation (broker).
 *
 * Merge rule: a scalar or message field present in the overlay replaces or
 * (for messages) merges into the base; repeated fields append overlay entries
 * after the base's. */
#pragma once

#include <stdbool.h>

#include "error.h"
#include "sbx.pb-c.h"

#define POLICY_MAX_EXTENDS 8

/* Loads name_or_path: a built-in name ("strict"), or a path (contains '/' or
 * ends in .txtpb / .binpb), resolving the extends chain (cycle detection,
 * depth <= POLICY_MAX_EXTENDS). Does not apply defaults or validate.
 * On success *ret owns a new policy (policy_free). */
int policy_load(const char *name_or_path, Sbx__Policy **ret,
		struct sbx_error *err);

/* Parses a policy from memory (text format when binary is false). */
int policy_parse(const char *data, size_t len, bool binary,
		 const char *filename, Sbx__Policy **ret, struct sbx_error *err);

/* Merges overlay into base in place (see the merge rule above). */
int policy_merge(Sbx__Policy *base, const Sbx__Policy *overlay,
		 struct sbx_error *err);

/* Fills every unset field that has a documented default, then validates the
 * result: after this every optional scalar the sandbox reads is present. */
int policy_finalize(Sbx__Policy *p, struct sbx_error *err);

/* Checks a merged policy for impossible settings (one-line message naming
 * the field). */
int policy_validate(const Sbx__Policy *p, struct sbx_error *err);

void policy_free(Sbx__Policy *p);

/* The built-in policies (policies/builtin/ *.txtpb), embedded at build time
 * (packed by policies/tools/pack.c) so that `sbx --policy strict` works
 * without an installed copy and without parsing text on each run. */
#pragma once

#include <stddef.h>
#include <stdint.h>

struct builtin_policy {
	const char *name; /* file base name: "strict" */
	const uint8_t *packed; /* sbx.Policy in protobuf's wire format */
	size_t len;
};

extern const struct builtin_policy builtin_policies[];
extern const size_t builtin_policies_count;

/* Returns the built-in policy called name, or NULL. */
const struct builtin_policy *builtin_find(const char *name);

/* The built-in policies (policies/builtin/ *.txtpb), embedded at build time so
 * that `sbx --policy strict` works without an installed copy. */
#pragma once

#include <stddef.h>

struct builtin_policy {
	const char *name; /* file base name: "strict" */
	const char *text; /* NUL-terminated text format */
	size_t len;       /* length without the NUL */
};

extern const struct builtin_policy builtin_policies[];
extern const size_t builtin_policies_count;

/* Returns the built-in policy called name, or NULL. */
const struct builtin_policy *builtin_find(const char *name);

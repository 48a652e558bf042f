/* Lookup of the embedded built-in policies (broker). */
#include "builtin.h"

#include <string.h>

const struct builtin_policy *builtin_find(const char *name)
{
	for (size_t i = 0; i < builtin_policies_count; i++)
		if (strcmp(builtin_policies[i].name, name) == 0)
			return &builtin_policies[i];
	return NULL;
}

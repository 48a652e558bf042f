/* Fuzz harness for the merged-policy validator: the first byte picks a base
 * (strict, judge, build or an empty policy), the rest is a text-format
 * overlay; the overlay is merged over the base as `extends` and command-line
 * overrides are (policy_merge), then policy_finalize validates. A finalized
 * policy must finalize and validate again. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy.h"

static Sbx__Policy *bases[3];

static void load_bases(void)
{
	static const char *const names[] = { "strict", "judge", "build" };
	struct sbx_error err = { 0 };

	if (bases[0])
		return;
	for (int i = 0; i < 3; i++)
		if (policy_load(names[i], &bases[i], &err) < 0)
			abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sbx_error err = { 0 };
	Sbx__Policy *overlay = NULL, *p = NULL;

	if (size < 1)
		return 0;
	load_bases();
	if (policy_parse((const char *)data + 1, size - 1, false, "fuzz", &overlay,
			 &err) < 0)
		return 0;
	if (policy_parse("", 0, false, "empty", &p, &err) < 0)
		abort();
	unsigned pick = data[0] % 4;
	if (pick < 3 && policy_merge(p, bases[pick], &err) < 0)
		goto out;
	if (policy_merge(p, overlay, &err) < 0)
		goto out;
	/* Merging a policy over itself appends its lists a second time. */
	if (data[0] & 0x80 && policy_merge(p, p, &err) < 0)
		goto out;
	if (policy_finalize(p, &err) == 0) {
		struct sbx_error err2 = { 0 };
		if (policy_finalize(p, &err2) < 0 || policy_validate(p, &err2) < 0) {
			fprintf(stderr, "finalized policy rejected later: %s\n", err2.msg);
			abort();
		}
	}
out:
	policy_free(overlay);
	policy_free(p);
	return 0;
}

#include "fuzz_main.inc"

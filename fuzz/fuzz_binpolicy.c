/* Fuzz harness for binary (.binpb) policies: policy_parse in binary mode
 * (sbx__policy__unpack underneath), then policy_finalize, which must be
 * idempotent, and policy_validate, which must accept what finalize
 * accepted. Built for libFuzzer or AFL++ like fuzz_textformat.c. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sbx_error err = { 0 };
	Sbx__Policy *p = NULL;

	if (policy_parse((const char *)data, size, true, "fuzz.binpb", &p, &err) < 0) {
		if (p)
			abort();
		return 0;
	}
	if (policy_finalize(p, &err) == 0) {
		struct sbx_error err2 = { 0 };
		if (policy_finalize(p, &err2) < 0) {
			fprintf(stderr, "finalize not idempotent: %s\n", err2.msg);
			abort();
		}
		if (policy_validate(p, &err2) < 0) {
			fprintf(stderr, "finalized policy fails validation: %s\n", err2.msg);
			abort();
		}
	}
	policy_free(p);
	return 0;
}

#include "fuzz_main.inc"

/* Fuzz harness for the unit-suffix parsers (policies/units.h): each input
 * is one string given to all three; a value accepted as a plain count must
 * read the same as bytes and as milliseconds (no suffix means bytes and
 * ms). */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "units.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > 256)
		return 0;
	char *s = malloc(size + 1);
	if (!s)
		abort();
	memcpy(s, data, size);
	s[size] = '\0';
	uint64_t b = 0, ms = 0, n = 0;
	int rb = units_parse_bytes(s, &b);
	int rm = units_parse_ms(s, &ms);
	int rn = units_parse_count(s, &n);
	for (int i = 0; i < 3; i++) {
		int r = i == 0 ? rb : i == 1 ? rm : rn;
		if (r != 0 && r != -EINVAL && r != -ERANGE)
			abort();
	}
	if (rn == 0 && ((rb == 0 && b != n) || (rm == 0 && ms != n))) {
		fprintf(stderr, "\"%s\": count %llu, bytes %llu, ms %llu\n", s,
			(unsigned long long)n, (unsigned long long)b,
			(unsigned long long)ms);
		abort();
	}
	free(s);
	return 0;
}

#define FUZZ_MAX_INPUT 512
#include "fuzz_main.inc"

/* Fuzz harness for broker/cgroup-parse.h: the input is mountinfo text, a
 * NUL byte, then /proc/self/cgroup text (both as the kernel would give
 * them, NUL-terminated). Every string the parser fills must stay
 * terminated within its array, and the mount count within bounds. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cgroup-parse.h"

static void check(const struct cgp_mounts *m)
{
	if (m->n > CGP_MAX_MOUNTS)
		abort();
	for (size_t i = 0; i < m->n; i++) {
		const struct cgp_mount *c = &m->m[i];
		if (c->version != 1 && c->version != 2)
			abort();
		if (strnlen(c->mountpoint, sizeof(c->mountpoint)) == sizeof(c->mountpoint) ||
		    strnlen(c->root, sizeof(c->root)) == sizeof(c->root) ||
		    strnlen(c->controllers, sizeof(c->controllers)) == sizeof(c->controllers) ||
		    strnlen(c->caller, sizeof(c->caller)) == sizeof(c->caller))
			abort();
		(void)cgp_has_controller(c->controllers, "memory");
		(void)cgp_has_controller(c->controllers, "");
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct cgp_mounts m;
	char *text = malloc(size + 2);

	if (!text)
		abort();
	memcpy(text, data, size);
	text[size] = text[size + 1] = '\0';
	const char *cg = text + strlen(text) + 1;
	if (cg > text + size)
		cg = text + size + 1;
	memset(&m, 0, sizeof(m));
	if (cgp_parse_mountinfo(text, &m) == 0) {
		check(&m);
		(void)cgp_parse_proc_cgroup(cg, &m);
		check(&m);
	}
	free(text);
	return 0;
}

#include "fuzz_main.inc"

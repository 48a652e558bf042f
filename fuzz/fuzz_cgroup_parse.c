/* Fuzz harness for broker/cgroup-parse.h: the input is mountinfo text, a
 * NUL byte, then /proc/self/cgroup text (both as the kernel would give
 * them, NUL-terminated); the first text also goes to cgp_guess_mounts()
 * as /proc/self/cgroup text. Every string the parser fills must lie in the
 * pool (or be the empty caller) and the mount count stay within bounds. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cgroup-parse.h"

static bool in_pool(const struct cgp_mounts *m, const char *s)
{
	if (!s)
		return false;
	if (s < m->pool || s >= m->pool + m->used)
		return *s == '\0';
	return strnlen(s, (size_t)(m->pool + m->used - s)) <
	       (size_t)(m->pool + m->used - s);
}

static void check(const struct cgp_mounts *m)
{
	if (m->n > CGP_MAX_MOUNTS)
		abort();
	for (size_t i = 0; i < m->n; i++) {
		const struct cgp_mount *c = &m->m[i];
		if (c->version != 1 && c->version != 2)
			abort();
		if (m->used > sizeof(m->pool) || !in_pool(m, c->mountpoint) ||
		    !in_pool(m, c->root) || !in_pool(m, c->caller) ||
		    strnlen(c->controllers, sizeof(c->controllers)) ==
			    sizeof(c->controllers))
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
	/* the /proc/self/cgroup text alone, as the convention's guess */
	for (int v2_only = 0; v2_only < 2; v2_only++) {
		memset(&m, 0, sizeof(m));
		if (cgp_guess_mounts(text, v2_only, &m) == 0)
			check(&m);
	}
	free(text);
	return 0;
}

#include "fuzz_main.inc"

/* sbx-probe: attacks and checks run inside a sandbox by the integration
 * tests (tests/integration/). `sbx-probe VERB [ARGS]` prints one line and
 * exits PROBE_HELD (0) when the sandbox held, PROBE_ESCAPE (1) when the
 * attack worked, PROBE_USAGE (2) on bad arguments. Helper verbs (sleep,
 * exit, create, ...) exit 0 on success and PROBE_FAILED (3) otherwise. */
#pragma once

#include <stddef.h>

#define PROBE_HELD 0
#define PROBE_ESCAPE 1
#define PROBE_USAGE 2
#define PROBE_FAILED 3

struct probe_verb {
	const char *name;
	int min_args, max_args;
	const char *usage;
	int (*fn)(int argc, char **argv); /* argv[0] is the verb */
};

/* Tables, each ended by an entry with name == NULL. */
extern const struct probe_verb probe_fs_verbs[];
extern const struct probe_verb probe_ns_verbs[];

/* One result line "VERB: held: ..." / "VERB: ESCAPE: ..." on stdout. */
int probe_held(const char *verb, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int probe_escape(const char *verb, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* "VERB: ..." for helpers and informational verbs; returns code. */
int probe_say(int code, const char *verb, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Parses a whole decimal (or 0x hex) number; returns -1 on junk. */
int probe_num(const char *s, long long *out);

/* errno name ("ENOENT") or "E?" */
const char *probe_errname(int e);

/* Reads at most size-1 bytes of path into buf, NUL-terminated. Returns the
 * count or -errno. */
long probe_read_file(const char *path, char *buf, size_t size);

/* Shared helpers of the escape programs (tests/escape/escape-*.c).
 *
 * Each program is static, runs inside a sandbox and takes an attack name
 * and arguments: `escape-fs read-secret PATH TOKEN`. It prints exactly one
 * verdict line and exits with it:
 *   "<attack>: held: <why>"    exit 0  the defence stopped the attack
 *   "<attack>: ESCAPE: <what>" exit 1  the attack worked
 *   "<attack>: error: <what>"  exit 2  the test itself could not run
 * A seccomp kill (SIGSYS, or the broker's SYS verdict, exit 159) before any
 * line is printed also means "held"; tests/escape/run.sh decides that, and
 * checks from the host what the program cannot see. */
#pragma once
#include <errno.h>
#include <stddef.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define ESC_HELD 0
#define ESC_ESCAPE 1
#define ESC_ERROR 2

static const char *esc_attack = "?";

__attribute__((format(printf, 2, 3), unused))
static int esc_verdict(int code, const char *fmt, ...)
{
	static const char *const tags[] = { "held", "ESCAPE", "error" };
	va_list ap;

	printf("%s: %s: ", esc_attack, tags[code]);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
	return code;
}

#define held(...) esc_verdict(ESC_HELD, __VA_ARGS__)
#define escaped(...) esc_verdict(ESC_ESCAPE, __VA_ARGS__)
#define esc_error(...) esc_verdict(ESC_ERROR, __VA_ARGS__)

__attribute__((unused))
static const char *en(int e)
{
	const char *n = strerrorname_np(e);
	return n ? n : "E?";
}

/* Reads up to size-1 bytes of path; returns the length or -errno. */
__attribute__((unused))
static long esc_read(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	size_t used = 0;

	if (fd < 0)
		return -errno;
	while (used + 1 < size) {
		ssize_t n = read(fd, buf + used, size - 1 - used);
		if (n < 0) {
			int e = errno;
			close(fd);
			return -e;
		}
		if (n == 0)
			break;
		used += (size_t)n;
	}
	buf[used] = '\0';
	close(fd);
	return (long)used;
}

struct esc_attack {
	const char *name;
	int (*fn)(int argc, char **argv); /* argv[0] is the attack name */
	int min_args;
};

/* Looks argv[1] up in the table and runs it. */
__attribute__((unused))
static int esc_main(const struct esc_attack *t, int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc < 2) {
		fprintf(stderr, "usage: %s ATTACK [ARGS]\nattacks:", argv[0]);
		for (; t->name; t++)
			fprintf(stderr, " %s", t->name);
		fputc('\n', stderr);
		return ESC_ERROR;
	}
	for (; t->name; t++) {
		if (strcmp(t->name, argv[1]) != 0)
			continue;
		esc_attack = t->name;
		if (argc - 2 < t->min_args)
			return esc_error("needs %d arguments", t->min_args);
		return t->fn(argc - 1, argv + 1);
	}
	fprintf(stderr, "%s: unknown attack %s\n", argv[0], argv[1]);
	return ESC_ERROR;
}

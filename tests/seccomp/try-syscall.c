/* try-syscall: attempts system calls by name from inside a sandbox, through
 * the native entry point, the x32 one (number | 0x40000000) or the i386 one
 * (int $0x80) on x86_64. Static, so it runs on any root.
 *
 *   try-syscall [--abi native|x32|i386] NAME[:ARG,ARG...]...
 *
 * Arguments default to -1 (every call then fails harmlessly when the filter
 * lets it through: bad fds, bad pointers, invalid flags); "p" is a pointer
 * to a zeroed buffer. For each call one line on stdout, written before the
 * next call: "NAME ret=R errno=E". A call the filter kills ends the process
 * (the last line then is missing). A clone or fork that succeeds exits the
 * child at once. Exit status 0, 2 for a name libseccomp does not know on
 * that ABI. */
#include <errno.h>
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static char buf[4096];

static long parse_arg(const char *s)
{
	if (strcmp(s, "p") == 0)
		return (long)buf;
	return (long)strtoull(s, NULL, 0);
}

#if defined(__x86_64__)
static long i386_call(long nr, const long a[6])
{
	long ret;
	/* int $0x80 takes ebx, ecx, edx, esi, edi, ebp; rbp is saved by
	 * hand (it may be the frame pointer). */
	__asm__ volatile("push %%rbp\n\t"
			 "mov %7, %%rbp\n\t"
			 "int $0x80\n\t"
			 "pop %%rbp"
			 : "=a"(ret)
			 : "a"(nr), "b"(a[0]), "c"(a[1]), "d"(a[2]), "S"(a[3]),
			   "D"(a[4]), "m"(a[5])
			 : "memory", "r8", "r9", "r10", "r11");
	return ret;
}
#endif

static void say(const char *s)
{
	size_t n = strlen(s);
	while (n) {
		ssize_t w = write(1, s, n);
		if (w <= 0)
			return;
		s += w;
		n -= (size_t)w;
	}
}

int main(int argc, char **argv)
{
	const char *abi = "native";
	uint32_t arch = SCMP_ARCH_NATIVE;
	int i = 1;

	if (argc > 2 && strcmp(argv[1], "--abi") == 0) {
		abi = argv[2];
		i = 3;
	}
	if (strcmp(abi, "x32") == 0)
		arch = SCMP_ARCH_X32;
	else if (strcmp(abi, "i386") == 0)
		arch = SCMP_ARCH_X86;
	else if (strcmp(abi, "native") != 0) {
		fprintf(stderr, "try-syscall: unknown ABI %s\n", abi);
		return 2;
	}
	for (; i < argc; i++) {
		char name[64], line[160], *colon;
		long a[6] = {-1, -1, -1, -1, -1, -1};
		long ret;
		int nr, e;

		snprintf(name, sizeof(name), "%s", argv[i]);
		if ((colon = strchr(name, ':'))) {
			char *save = NULL, *tok;
			int k = 0;
			*colon = '\0';
			for (tok = strtok_r(colon + 1, ",", &save); tok && k < 6;
			     tok = strtok_r(NULL, ",", &save))
				a[k++] = parse_arg(tok);
		}
		nr = seccomp_syscall_resolve_name_arch(arch, name);
		if (nr < 0) {
			snprintf(line, sizeof(line), "%s unknown on %s\n", name,
				 abi);
			say(line);
			return 2;
		}
		errno = 0;
		if (strcmp(abi, "i386") == 0) {
#if defined(__x86_64__)
			ret = i386_call(nr, a);
			e = ret < 0 && ret > -4096 ? (int)-ret : 0;
			ret = e ? -1 : ret;
#else
			ret = -1, e = ENOSYS;
#endif
		} else {
			if (strcmp(abi, "x32") == 0)
				nr |= 0x40000000;
			ret = syscall(nr, a[0], a[1], a[2], a[3], a[4], a[5]);
			e = ret < 0 ? errno : 0;
		}
		if (ret == 0 && (strcmp(name, "clone") == 0 ||
				 strcmp(name, "fork") == 0 ||
				 strcmp(name, "vfork") == 0 ||
				 strcmp(name, "clone3") == 0))
			_exit(0); /* the child of a successful clone */
		snprintf(line, sizeof(line), "%s ret=%ld errno=%d\n", name, ret,
			 e);
		say(line);
	}
	return 0;
}

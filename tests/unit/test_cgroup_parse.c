/* Unit tests: /proc/self/mountinfo and /proc/self/cgroup parsing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cgroup-parse.h"

static const char hybrid_mountinfo[] =
	"22 1 252:0 / / rw,relatime - ext4 /dev/vda rw\n"
	"31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755\n"
	"32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu\n"
	"35 31 0:32 / /sys/fs/cgroup/memory rw,relatime shared:5 - cgroup cgroup rw,memory\n"
	"39 31 0:36 / /sys/fs/cgroup/pids rw,relatime - cgroup cgroup rw,pids\n"
	"40 31 0:37 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,name=systemd\n"
	"41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw\n"
	"50 31 0:32 /x /mnt/memory\\040again rw - cgroup cgroup rw,memory\n";

static const char hybrid_cgroup[] =
	"9:name=systemd:/\n8:pids:/\n4:memory:/process_api/abc\n1:cpu:/\n0::/\n";

static const struct cgp_mount *find(const struct cgp_mounts *ms, int version,
				    const char *ctrl)
{
	for (size_t i = 0; i < ms->n; i++)
		if (ms->m[i].version == version &&
		    (version == 2 || cgp_has_controller(ms->m[i].controllers, ctrl)))
			return &ms->m[i];
	return NULL;
}

static void test_hybrid(void **state)
{
	struct cgp_mounts ms;

	assert_int_equal(cgp_parse_mountinfo(hybrid_mountinfo, &ms), 0);
	/* cpu, memory, pids, name=systemd (no controllers), unified; the
	 * second memory mount is the same hierarchy */
	assert_int_equal(ms.n, 5);
	assert_int_equal(cgp_parse_proc_cgroup(hybrid_cgroup, &ms), 0);
	const struct cgp_mount *mem = find(&ms, 1, "memory");
	assert_non_null(mem);
	assert_string_equal(mem->mountpoint, "/sys/fs/cgroup/memory");
	assert_string_equal(mem->caller, "/process_api/abc");
	const struct cgp_mount *v2 = find(&ms, 2, NULL);
	assert_non_null(v2);
	assert_string_equal(v2->mountpoint, "/sys/fs/cgroup/unified");
	assert_string_equal(v2->caller, "/");
	assert_null(find(&ms, 1, "cpuacct"));
}

static void test_pure_v2(void **state)
{
	struct cgp_mounts ms;

	assert_int_equal(cgp_parse_mountinfo(
		"30 22 0:26 / /sys/fs/cgroup rw - cgroup2 cgroup2 rw,nsdelegate\n", &ms), 0);
	assert_int_equal(ms.n, 1);
	assert_int_equal(cgp_parse_proc_cgroup(
		"0::/user.slice/user-1000.slice/session-1.scope\n", &ms), 0);
	assert_string_equal(ms.m[0].caller,
			    "/user.slice/user-1000.slice/session-1.scope");
}

static void test_escaped_mountpoint(void **state)
{
	struct cgp_mounts ms;

	assert_int_equal(cgp_parse_mountinfo(
		"1 1 0:1 / /a\\040b rw - cgroup cgroup rw,pids\n", &ms), 0);
	assert_string_equal(ms.m[0].mountpoint, "/a b");
	assert_string_equal(ms.m[0].controllers, "pids");
}

static void test_malformed(void **state)
{
	struct cgp_mounts ms;

	assert_int_equal(cgp_parse_mountinfo("1 2 3\n", &ms), -EINVAL);
	assert_int_equal(cgp_parse_mountinfo("1 1 0:1 / /a rw no-dash here\n", &ms),
			 -EINVAL);
	assert_int_equal(cgp_parse_mountinfo(hybrid_mountinfo, &ms), 0);
	assert_int_equal(cgp_parse_proc_cgroup("garbage\n", &ms), -EINVAL);
	assert_int_equal(cgp_parse_proc_cgroup("1:cpu:relative\n", &ms), -EINVAL);
	assert_int_equal(cgp_parse_proc_cgroup("1:cpu:\n", &ms), -EINVAL);
}

/* Paths longer than the pool holds are refused, not cut. */
static void test_pool_full(void **state)
{
	static char mi[16 * 96], cg[16 * 4096 + 64];
	static struct cgp_mounts ms;
	size_t a = 0, b = 0;

	for (int i = 0; i < 16; i++) {
		a += (size_t)snprintf(mi + a, sizeof(mi) - a, "%d 1 0:%d / /cg/c%d "
				      "rw - cgroup cgroup rw,c%d\n", 30 + i, i,
				      i, i);
		b += (size_t)snprintf(cg + b, sizeof(cg) - b, "%d:c%d:/", i + 1, i);
		memset(cg + b, 'x', 4000);
		b += 4000;
		cg[b++] = '\n';
	}
	cg[b] = '\0';
	assert_int_equal(cgp_parse_mountinfo(mi, &ms), 0);
	assert_int_equal(ms.n, 16);
	assert_string_equal(ms.m[15].mountpoint, "/cg/c15");
	assert_string_equal(ms.m[15].caller, "");
	assert_int_equal(cgp_parse_proc_cgroup(cg, &ms), -E2BIG);
	/* what fits is whole */
	assert_int_equal(strlen(ms.m[0].caller), 4001);
}

/* The convention's layout from /proc/self/cgroup alone (no mountinfo). */
static void test_guess_hybrid(void **state)
{
	struct cgp_mounts ms;

	assert_int_equal(cgp_guess_mounts(hybrid_cgroup, false, &ms), 0);
	/* pids, memory, cpu and the v2 one; name=systemd is none of ours */
	assert_int_equal(ms.n, 4);
	const struct cgp_mount *mem = find(&ms, 1, "memory");
	assert_non_null(mem);
	assert_string_equal(mem->mountpoint, "/sys/fs/cgroup/memory");
	assert_string_equal(mem->root, "/");
	assert_string_equal(mem->caller, "/process_api/abc");
	const struct cgp_mount *v2 = find(&ms, 2, NULL);
	assert_non_null(v2);
	assert_string_equal(v2->mountpoint, "/sys/fs/cgroup/unified");
	assert_string_equal(v2->caller, "/");
	assert_int_equal(cgp_guess_mounts("4:cpu,cpuacct:/a\n", false, &ms), 0);
	assert_string_equal(ms.m[0].mountpoint, "/sys/fs/cgroup/cpu,cpuacct");
	assert_true(cgp_has_controller(ms.m[0].controllers, "cpuacct"));
}

static void test_guess_v2(void **state)
{
	struct cgp_mounts ms;

	assert_int_equal(cgp_guess_mounts("0::/user.slice/u.scope\n", true, &ms), 0);
	assert_int_equal(ms.n, 1);
	assert_int_equal(ms.m[0].version, 2);
	assert_string_equal(ms.m[0].mountpoint, "/sys/fs/cgroup");
	assert_string_equal(ms.m[0].caller, "/user.slice/u.scope");
}

/* Whatever the convention does not explain goes to mountinfo. */
static void test_guess_refused(void **state)
{
	struct cgp_mounts ms;

	assert_int_equal(cgp_guess_mounts("4:memory:/\n0::/\n", true, &ms),
			 -ENOENT);
	assert_int_equal(cgp_guess_mounts("3:cpu,name=x:/\n", false, &ms),
			 -ENOENT);
	assert_int_equal(cgp_guess_mounts("9:name=systemd:/\n", false, &ms),
			 -ENOENT);
	assert_int_equal(cgp_guess_mounts("", false, &ms), -ENOENT);
	assert_int_equal(cgp_guess_mounts("garbage\n", false, &ms), -EINVAL);
	assert_int_equal(cgp_guess_mounts("1:cpu:relative\n", false, &ms),
			 -EINVAL);
}

static void test_has_controller(void **state)
{
	assert_true(cgp_has_controller("cpu,cpuacct", "cpuacct"));
	assert_true(cgp_has_controller("cpu,cpuacct", "cpu"));
	assert_false(cgp_has_controller("cpuacct", "cpu"));
	assert_false(cgp_has_controller("", "cpu"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hybrid),
		cmocka_unit_test(test_pure_v2),
		cmocka_unit_test(test_escaped_mountpoint),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_pool_full),
		cmocka_unit_test(test_guess_hybrid),
		cmocka_unit_test(test_guess_v2),
		cmocka_unit_test(test_guess_refused),
		cmocka_unit_test(test_has_controller),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

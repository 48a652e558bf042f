/* Unit tests: reading the flat-keyed files of a cgroup directory
 * (broker/cgroup-file.c), on files in a real temporary directory. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cgroup-file.h"

static char dir[] = "/tmp/sbx-test-cgf.XXXXXX";
static int dfd = -1;

static int setup(void **state)
{
	static const char text[] = "usage_usec 1500\nuser_usec 1000\n"
				   "system_usec 500\nnr_periods 0\n";
	int fd;

	if (!mkdtemp(dir) || (dfd = open(dir, O_RDONLY | O_DIRECTORY)) < 0)
		return -1;
	fd = openat(dfd, "cpu.stat", O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0)
		return -1;
	/* and through cgf_write, as sbx writes a group's files */
	if (cgf_write(dfd, "cpu.stat", text) < 0) {
		close(fd);
		return -1;
	}
	return close(fd);
}

static int teardown(void **state)
{
	unlinkat(dfd, "cpu.stat", 0);
	close(dfd);
	return rmdir(dir);
}

static void test_keys_from_one_read(void **state)
{
	static const char *const keys[] = {"usage_usec", "user_usec",
					   "system_usec"};
	uint64_t a = 0, b = 0, c = 0;
	uint64_t *const vals[] = {&a, &b, &c};

	assert_int_equal(cgf_read_keys(dfd, "cpu.stat", 3, keys, vals), 0);
	assert_int_equal(a, 1500);
	assert_int_equal(b, 1000);
	assert_int_equal(c, 500);
	assert_int_equal(cgf_read_key(dfd, "cpu.stat", "nr_periods", &a), 0);
	assert_int_equal(a, 0);
}

/* A key must match a whole name: "usage" is not "usage_usec". */
static void test_missing_key(void **state)
{
	static const char *const keys[] = {"usage_usec", "throttled_usec"};
	uint64_t a = 0, b = 7;
	uint64_t *const vals[] = {&a, &b};

	assert_int_equal(cgf_read_keys(dfd, "cpu.stat", 2, keys, vals), -ENOENT);
	assert_int_equal(cgf_read_key(dfd, "cpu.stat", "usage", &a), -ENOENT);
	assert_int_equal(cgf_read_key(dfd, "no.such.file", "usage_usec", &a),
			 -ENOENT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_keys_from_one_read),
		cmocka_unit_test(test_missing_key),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}

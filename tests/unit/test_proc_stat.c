/* Unit tests: numeric fields of /proc/PID/stat (sandbox/proc-stat.c),
 * read from the kernel's own file for this process, with a command name
 * that holds spaces and parentheses. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <cmocka.h>

#include "proc-stat.h"

static void test_parent_and_pid(void **state)
{
	uint64_t v[2];

	(void)state;
	/* fields 4 and 5: ppid, pgrp */
	assert_int_equal(proc_stat_fields(getpid(), 4, v, 2), 0);
	assert_int_equal(v[0], (uint64_t)getppid());
	assert_int_equal(v[1], (uint64_t)getpgrp());
	assert_int_equal(proc_stat_fields(0, 4, v, 1), 0);
	assert_int_equal(v[0], (uint64_t)getppid());
}

/* The command name (field 2) may hold ") (" and spaces: only the last
 * ')' ends it. */
static void test_name_with_parentheses(void **state)
{
	char old[17] = "";
	uint64_t v;

	(void)state;
	prctl(PR_GET_NAME, old);
	assert_int_equal(prctl(PR_SET_NAME, "x) 1 2 (y"), 0);
	int r = proc_stat_fields(0, 4, &v, 1);
	prctl(PR_SET_NAME, old);
	assert_int_equal(r, 0);
	assert_int_equal(v, (uint64_t)getppid());
}

static void test_refused(void **state)
{
	uint64_t v[2];

	(void)state;
	/* field 3 is the state letter, not a number */
	assert_int_equal(proc_stat_fields(0, 3, v, 1), -EIO);
	/* past the last field */
	assert_int_equal(proc_stat_fields(0, 200, v, 1), -EIO);
	assert_int_equal(proc_stat_fields(0, 52, v, 2), -EIO);
	assert_int_equal(proc_stat_fields(999999999, 4, v, 1), -ENOENT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parent_and_pid),
		cmocka_unit_test(test_name_with_parentheses),
		cmocka_unit_test(test_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

/* Unit tests: the registry of running sandboxes (broker/registry.c), in a
 * private directory of the test's own ($XDG_RUNTIME_DIR/sbx), with real
 * processes standing for sandboxes. */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "rm-tree.h"

#include "registry.h"

static char base[64];
static char dir[96];

static int setup(void **state)
{
	(void)state;
	snprintf(base, sizeof(base), "/tmp/sbx-test-registry.XXXXXX");
	if (!mkdtemp(base))
		return -1;
	snprintf(dir, sizeof(dir), "%s/sbx", base);
	return setenv("XDG_RUNTIME_DIR", base, 1);
}

static int teardown(void **state)
{
	(void)state;
	return rm_tree(base);
}

/* A record for pid, as a broker writes it. */
static int add(const char *id, pid_t pid)
{
	Sbx__RunRecord r = SBX__RUN_RECORD__INIT;
	static char *argv[] = {"/bin/true", "x"};
	struct sbx_error err = {0};

	r.id = (char *)id;
	r.has_pid = r.has_start_ticks = 1;
	r.pid = pid;
	if (registry_start_ticks(pid, &r.start_ticks) < 0)
		r.start_ticks = 1;
	r.n_argv = 2;
	r.argv = argv;
	return registry_add(&r, &err);
}

static void count(const Sbx__RunRecord *rec, void *data)
{
	(void)rec;
	(*(int *)data)++;
}

static int scan(void)
{
	struct sbx_error err = {0};
	int n = 0, r = registry_scan(count, &n, &err);

	return r < 0 ? r : n;
}

static void test_add_open_remove(void **state)
{
	Sbx__RunRecord *rec = NULL;
	struct sbx_error err = {0};
	int pidfd = -1;
	struct stat st;

	(void)state;
	assert_int_equal(scan(), 0); /* no directory yet: none */
	assert_int_equal(add("0123456789ab", getpid()), 0);
	assert_int_equal(stat(dir, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0700);
	assert_int_equal(scan(), 1);
	assert_int_equal(registry_open("0123", &rec, &pidfd, &err), 0);
	assert_string_equal(rec->id, "0123456789ab");
	assert_int_equal(rec->pid, getpid());
	assert_int_equal(rec->n_argv, 2);
	assert_true(pidfd >= 0);
	close(pidfd);
	registry_record_free(rec);
	registry_remove("0123456789ab");
	assert_int_equal(scan(), 0);
}

/* A record whose process is gone (a broker killed outright) is dropped. */
static void test_stale_dropped(void **state)
{
	Sbx__RunRecord *rec = NULL;
	struct sbx_error err = {0};
	char path[160];
	int pidfd = -1;
	pid_t child = fork();

	(void)state;
	if (child == 0)
		_exit(0);
	assert_true(child > 0);
	assert_int_equal(waitpid(child, NULL, 0), child);
	assert_int_equal(add("aaaaaaaaaaaa", child), 0);
	assert_int_equal(registry_open("aaaa", &rec, &pidfd, &err), -ENOENT);
	assert_null(rec);
	assert_int_equal(scan(), 0);
	snprintf(path, sizeof(path), "%s/aaaaaaaaaaaa", dir);
	assert_int_equal(access(path, F_OK), -1);
}

/* The pid alone does not name a sandbox: its start time must match too. */
static void test_reused_pid(void **state)
{
	Sbx__RunRecord r = SBX__RUN_RECORD__INIT;
	struct sbx_error err = {0};

	(void)state;
	r.id = "bbbbbbbbbbbb";
	r.has_pid = r.has_start_ticks = 1;
	r.pid = getpid();
	r.start_ticks = 1; /* not ours */
	assert_int_equal(registry_add(&r, &err), 0);
	assert_int_equal(scan(), 0);
}

static void test_ids(void **state)
{
	Sbx__RunRecord *rec = NULL;
	struct sbx_error err = {0};
	int pidfd = -1;

	(void)state;
	assert_int_equal(add("cccc00000001", getpid()), 0);
	assert_int_equal(add("cccc00000002", getpid()), 0);
	/* not ids: nothing is looked up, let alone a path outside */
	assert_int_equal(registry_open("../../etc", &rec, &pidfd, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "not a sandbox id"));
	assert_int_equal(registry_open("CCCC", &rec, &pidfd, &err), -EINVAL);
	assert_int_equal(registry_open("cccc000000011", &rec, &pidfd, &err),
			 -EINVAL);
	assert_int_equal(registry_open("", &rec, &pidfd, &err), -EINVAL);
	/* a prefix must be unique */
	assert_int_equal(registry_open("cccc", &rec, &pidfd, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "2 running sandboxes"));
	assert_int_equal(registry_open("dddd", &rec, &pidfd, &err), -ENOENT);
	assert_int_equal(registry_open("cccc00000002", &rec, &pidfd, &err), 0);
	close(pidfd);
	registry_record_free(rec);
}

/* A directory someone else could read or write is refused, as is a
 * symbolic link in its place. */
static void test_not_private(void **state)
{
	struct sbx_error err = {0};
	char other[128];

	(void)state;
	assert_int_equal(add("eeeeeeeeeeee", getpid()), 0);
	assert_int_equal(chmod(dir, 0755), 0);
	assert_int_equal(add("eeeeeeeeeee1", getpid()), -EPERM);
	assert_int_equal(registry_scan(count, &(int){0}, &err), -EPERM);
	assert_non_null(strstr(err.msg, "not private"));

	snprintf(other, sizeof(other), "%s/elsewhere", base);
	assert_int_equal(rename(dir, other), 0);
	assert_int_equal(chmod(other, 0700), 0);
	assert_int_equal(symlink(other, dir), 0);
	assert_true(add("eeeeeeeeeee2", getpid()) < 0);
	assert_true(scan() < 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_add_open_remove, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_stale_dropped, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_reused_pid, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ids, setup, teardown),
		cmocka_unit_test_setup_teardown(test_not_private, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

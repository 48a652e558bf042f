/* Unit tests: what PID 1 reads without malloc (sandbox/dirents.c,
 * sandbox/mount-list.c's mountinfo fallback), against real files: a
 * directory of more entries than one getdents64 buffer holds, and a
 * mountinfo of more lines than one read takes, with escaped spaces. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "dirents.h"
#include "mount-list.h"

#define N_FILES 600 /* names of 20 bytes and more: several buffers */

static char dir[] = "/tmp/sbx-test-dirents.XXXXXX";

static int make_dir(void **state)
{
	(void)state;
	if (!mkdtemp(dir))
		return -1;
	for (int i = 0; i < N_FILES; i++) {
		char path[128];

		snprintf(path, sizeof(path), "%s/entry-number-%04d", dir, i);
		int fd = open(path, O_CREAT | O_WRONLY | O_CLOEXEC, 0600);
		if (fd < 0)
			return -1;
		close(fd);
	}
	return 0;
}

static int remove_dir(void **state)
{
	(void)state;
	for (int i = 0; i < N_FILES; i++) {
		char path[128];

		snprintf(path, sizeof(path), "%s/entry-number-%04d", dir, i);
		unlink(path);
	}
	return rmdir(dir);
}

static void test_dirents_every_entry_once(void **state)
{
	struct dents d = {.fd = -1};
	static char seen[N_FILES];
	unsigned char type;
	const char *name;
	int n = 0;

	(void)state;
	assert_int_equal(dents_open(&d, AT_FDCWD, dir), 0);
	while ((name = dents_next(&d, &type))) {
		int i;

		assert_int_equal(sscanf(name, "entry-number-%d", &i), 1);
		assert_true(i >= 0 && i < N_FILES);
		assert_int_equal(seen[i]++, 0);
		assert_true(type == DT_REG || type == DT_UNKNOWN);
		n++;
	}
	assert_int_equal(errno, 0);
	assert_int_equal(n, N_FILES);
	dents_close(&d);
	assert_int_equal(d.fd, -1);
}

static void test_dirents_empty_and_missing(void **state)
{
	char empty[] = "/tmp/sbx-test-empty.XXXXXX";
	struct dents d = {.fd = -1};
	unsigned char type;

	(void)state;
	assert_non_null(mkdtemp(empty));
	assert_int_equal(dents_open(&d, AT_FDCWD, empty), 0);
	assert_null(dents_next(&d, &type)); /* "." and ".." left out */
	assert_int_equal(errno, 0);
	dents_close(&d);
	rmdir(empty);
	assert_int_equal(dents_open(&d, AT_FDCWD, empty), -ENOENT);
}

struct points {
	int n;
	char last[256];
};

static int collect(const char *point, void *arg)
{
	struct points *p = arg;

	p->n++;
	snprintf(p->last, sizeof(p->last), "%s", point);
	return 0;
}

static int stop_at_second(const char *point, void *arg)
{
	(void)point;
	return ++*(int *)arg == 2 ? 42 : 0;
}

/* A mountinfo of n lines below /srv, each with a long mount point, the
 * last with an escaped space and no final newline. */
static void write_mountinfo(const char *path, int n)
{
	FILE *f = fopen(path, "w");
	char pad[200];

	assert_non_null(f);
	memset(pad, 'p', sizeof(pad) - 1);
	pad[sizeof(pad) - 1] = '\0';
	fprintf(f, "1 0 8:1 / / rw - ext4 /dev/sda1 rw\n");
	for (int i = 0; i < n; i++)
		fprintf(f, "%d 1 0:%d / /srv/%s%d rw - tmpfs t rw\n", i + 2, i,
			pad, i);
	fprintf(f, "999 1 0:9 / /srv/with\\040space rw - tmpfs t rw");
	fclose(f);
}

static void test_mountinfo_across_reads(void **state)
{
	char path[] = "/tmp/sbx-test-mountinfo.XXXXXX";
	struct points p = {0};
	int fd = mkstemp(path), calls = 0;

	(void)state;
	assert_true(fd >= 0);
	close(fd);
	/* 500 lines of about 250 bytes: four reads of the 33 KB buffer */
	write_mountinfo(path, 500);
	assert_int_equal(ml_each_in_mountinfo(path, "/srv", collect, &p), 0);
	assert_int_equal(p.n, 501);
	assert_string_equal(p.last, "/srv/with space");
	p.n = 0;
	assert_int_equal(ml_each_in_mountinfo(path, "/", collect, &p), 0);
	assert_int_equal(p.n, 501); /* "/" itself left out */
	assert_int_equal(ml_each_in_mountinfo(path, "/srv", stop_at_second,
					      &calls), 42);
	assert_int_equal(calls, 2);
	unlink(path);
	assert_int_equal(ml_each_in_mountinfo(path, "/", collect, &p), -ENOENT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dirents_every_entry_once),
		cmocka_unit_test(test_dirents_empty_and_missing),
		cmocka_unit_test(test_mountinfo_across_reads),
	};

	return cmocka_run_group_tests(tests, make_dir, remove_dir);
}

/* Unit tests: hidden paths as opaque directories of an overlay's upper
 * (sandbox/opaque.c), on a real tmpfs (/dev/shm) as in the sandbox's write
 * layer. Kernels before 6.6 take no user xattrs on tmpfs: then nothing
 * may be made and nothing left behind. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <cmocka.h>

#include "rm-tree.h"

#include "opaque.h"

static char base[64], lower[96], upper[96];

static char *hidden[] = {"/home", "/tmp", "/var/tmp", "/var/mail", "/srv",
			 "/media", "/home/x", "/dev/shm"};
enum { HOME, TMP, VAR_TMP, VAR_MAIL, SRV, MEDIA, HOME_X, DEV_SHM };

static Sbx__Filesystem fs = SBX__FILESYSTEM__INIT;

static void make(const char *dir, const char *rel, mode_t mode)
{
	char p[256];

	snprintf(p, sizeof(p), "%s%s", dir, rel);
	assert_int_equal(mkdir(p, mode), 0);
	if (mode & S_ISGID)
		assert_int_equal(chmod(p, mode), 0);
}

/* lower: /home (with x), /tmp, /var/tmp, /var/mail (setgid), /srv a
 * symlink, no /media, no /dev; upper: /var only, as upper_tops() leaves
 * it for the whole-root overlay. */
static int setup(void **state)
{
	(void)state;
	umask(0); /* as in PID 1 */
	snprintf(base, sizeof(base), "/dev/shm/sbx-test-opaque.XXXXXX");
	if (!mkdtemp(base))
		return -1;
	snprintf(lower, sizeof(lower), "%s/lower", base);
	snprintf(upper, sizeof(upper), "%s/upper", base);
	make(lower, "", 0755);
	make(lower, "/home", 0755);
	make(lower, "/home/x", 0700);
	make(lower, "/tmp", 01777);
	make(lower, "/var", 0755);
	make(lower, "/var/tmp", 01777);
	make(lower, "/var/mail", 02775);
	char srv[128];
	snprintf(srv, sizeof(srv), "%s/srv", lower);
	assert_int_equal(symlink("home", srv), 0);
	make(upper, "", 0755);
	make(upper, "/var", 0755);
	return 0;
}

static int group_setup(void **state)
{
	(void)state;
	fs.hidden_paths = hidden;
	fs.n_hidden_paths = sizeof(hidden) / sizeof(hidden[0]);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	return rm_tree(base);
}

#define BIT(i) (UINT64_C(1) << (i))

/* upper<rel> exists with mode and the opaque mark, or does not exist. */
static void assert_opaque(const char *rel, mode_t mode)
{
	char p[256], v[4] = "";
	struct stat st;

	snprintf(p, sizeof(p), "%s%s", upper, rel);
	assert_int_equal(lstat(p, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	assert_int_equal(st.st_mode & 07777, mode);
	assert_int_equal(getxattr(p, "user.overlay.opaque", v, sizeof(v)), 1);
	assert_int_equal(v[0], 'y');
}

static void assert_absent(const char *rel)
{
	char p[256];
	struct stat st;

	snprintf(p, sizeof(p), "%s%s", upper, rel);
	assert_int_equal(lstat(p, &st), -1);
	assert_int_equal(errno, ENOENT);
}

static void test_whole_root(void **state)
{
	struct opaque_set s = {0};
	uint64_t made = 42;

	(void)state;
	assert_int_equal(opaque_make(&s, &fs, "", lower, upper, &made), 0);
	if (s.unsupported) {
		assert_int_equal(made, 0);
		assert_absent("/home");
		skip();
	}
	/* a symlink, a missing lower, a path inside another hidden one and
	 * one whose parent the upper lacks stay for hide_paths()'s binds */
	assert_int_equal(made, BIT(HOME) | BIT(TMP) | BIT(VAR_TMP) | BIT(VAR_MAIL));
	assert_opaque("/home", 0755);
	assert_opaque("/tmp", 01777);
	assert_opaque("/var/tmp", 01777);
	assert_opaque("/var/mail", 02775);
	assert_absent("/srv");
	assert_absent("/media");
	assert_absent("/home/x");
	assert_absent("/dev");
	/* not hidden until the overlay is mounted */
	assert_false(opaque_hides(&s, HOME));
	opaque_add(&s, made);
	assert_true(opaque_hides(&s, HOME));
	assert_true(opaque_hides(&s, VAR_MAIL));
	assert_false(opaque_hides(&s, SRV));
}

/* The overlay of one top-level directory: the paths below it only,
 * relative to its own lower and upper. */
static void test_one_entry(void **state)
{
	struct opaque_set s = {0};
	uint64_t made;
	char var[128];

	(void)state;
	snprintf(var, sizeof(var), "%s/var", lower);
	assert_int_equal(opaque_make(&s, &fs, "/var", var, upper, &made), 0);
	if (s.unsupported)
		skip();
	assert_int_equal(made, BIT(VAR_TMP) | BIT(VAR_MAIL));
	assert_opaque("/tmp", 01777);
	assert_opaque("/mail", 02775);
	assert_absent("/home");
}

/* A later mount over a directory voids what the overlay under it hid;
 * "" is the root. */
static void test_forget(void **state)
{
	struct opaque_set s = {0};

	(void)state;
	opaque_add(&s, BIT(HOME) | BIT(TMP) | BIT(VAR_TMP) | BIT(VAR_MAIL));
	opaque_forget(&s, &fs, "/var");
	assert_int_equal(s.made, BIT(HOME) | BIT(TMP));
	opaque_forget(&s, &fs, "/va");
	assert_int_equal(s.made, BIT(HOME) | BIT(TMP));
	opaque_forget(&s, &fs, "");
	assert_int_equal(s.made, 0);
}

/* Only the first 64 hidden paths have a bit; the rest get binds. */
static void test_beyond_64(void **state)
{
	struct opaque_set s = {.made = UINT64_MAX};

	(void)state;
	assert_true(opaque_hides(&s, 63));
	assert_false(opaque_hides(&s, 64));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_whole_root, setup, teardown),
		cmocka_unit_test_setup_teardown(test_one_entry, setup, teardown),
		cmocka_unit_test(test_forget),
		cmocka_unit_test(test_beyond_64),
	};
	return cmocka_run_group_tests(tests, group_setup, NULL);
}

/* Unit tests: device rules, and the cgroup v2 device program against the
 * real kernel (as root, on any cgroup2 mount: a hybrid host's controller-
 * less /sys/fs/cgroup/unified will do, device programs need no controller). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cgroup-devices.h"

static void test_format(void **state)
{
	const struct dev_rule r[] = {{'c', 1, 3, "rwm"}, {'c', 136, DEV_ANY, "rw"},
				     {'b', 8, 0, "r"}};
	char buf[64];

	dev_rule_format(&r[0], buf, sizeof(buf));
	assert_string_equal(buf, "c 1:3 rwm");
	dev_rule_format(&r[1], buf, sizeof(buf));
	assert_string_equal(buf, "c 136:* rw");
	dev_rule_format(&r[2], buf, sizeof(buf));
	assert_string_equal(buf, "b 8:0 r");
}

static void test_rules_from_policy(void **state)
{
	Sbx__Device dev = SBX__DEVICE__INIT, bad = SBX__DEVICE__INIT;
	Sbx__Device *devs[] = {&dev};
	Sbx__Policy p = SBX__POLICY__INIT;
	struct dev_rule rules[DEV_MAX_RULES];
	struct sbx_error err = {0};
	int n;

	dev.path = "/dev/full";
	dev.access = "r";
	p.devices = devs;
	p.n_devices = 1;
	n = dev_rules(&p, rules, &err);
	assert_true(n > 1);
	assert_int_equal(rules[n - 1].type, 'c');
	assert_int_equal(rules[n - 1].major, 1);
	assert_int_equal(rules[n - 1].minor, 7);
	assert_string_equal(rules[n - 1].access, "r");

	bad.path = "/etc/passwd";
	devs[0] = &bad;
	assert_int_equal(dev_rules(&p, rules, &err), -ENODEV);
	assert_non_null(strstr(err.msg, "/etc/passwd"));
}

/* A cgroup2 mount we may write, or NULL. */
static const char *cgroup2_root(void)
{
	static const char *const cands[] = {"/sys/fs/cgroup/unified",
					    "/sys/fs/cgroup"};
	struct statfs sf;

	for (size_t i = 0; i < sizeof(cands) / sizeof(*cands); i++)
		if (statfs(cands[i], &sf) == 0 &&
		    sf.f_type == CGROUP2_SUPER_MAGIC &&
		    access(cands[i], W_OK) == 0)
			return cands[i];
	return NULL;
}

/* In a group with the program attached: bit 0 = /dev/null opened, bit 1 =
 * /dev/zero refused with EPERM. */
static int probe_in_group(const char *group)
{
	char procs[512];
	int fd, result = 0;

	snprintf(procs, sizeof(procs), "%s/cgroup.procs", group);
	fd = open(procs, O_WRONLY);
	if (fd < 0 || dprintf(fd, "%d", (int)getpid()) < 0)
		return 100;
	close(fd);
	fd = open("/dev/null", O_RDWR);
	if (fd >= 0) {
		result |= 1;
		close(fd);
	}
	fd = open("/dev/zero", O_RDONLY);
	if (fd < 0 && errno == EPERM)
		result |= 2;
	else if (fd >= 0)
		close(fd);
	return result;
}

static void test_bpf_program(void **state)
{
	const struct dev_rule only_null[] = {{'c', 1, 3, "rw"}};
	const char *root = cgroup2_root();
	struct sbx_error err = {0};
	char group[256];
	int fd, st;
	pid_t pid;

	if (geteuid() != 0 || !root)
		skip();
	snprintf(group, sizeof(group), "%s/sbx-test-devices-%d", root,
		 (int)getpid());
	assert_int_equal(mkdir(group, 0755), 0);
	fd = open(group, O_DIRECTORY | O_CLOEXEC);
	assert_true(fd >= 0);
	if (dev_bpf_attach(fd, only_null, 1, &err) < 0) {
		close(fd);
		rmdir(group);
		fail_msg("%s", err.msg);
	}
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		_exit(probe_in_group(group));
	assert_int_equal(waitpid(pid, &st, 0), pid);
	close(fd);
	rmdir(group);
	assert_true(WIFEXITED(st));
	/* /dev/null allowed, /dev/zero refused by the program */
	assert_int_equal(WEXITSTATUS(st), 3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_format),
		cmocka_unit_test(test_rules_from_policy),
		cmocka_unit_test(test_bpf_program),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

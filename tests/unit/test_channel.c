/* Unit tests: the broker <-> sandbox channel codec over a real socketpair. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "channel.h"

static int pair[2];

static int setup(void **state)
{
	return socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pair);
}

static int teardown(void **state)
{
	close(pair[0]);
	close(pair[1]);
	return 0;
}

static void test_error_roundtrip(void **state)
{
	struct chan_msg m;

	assert_int_equal(chan_send_error(pair[1], 7, ENOENT, "mount /x on /y"), 0);
	assert_int_equal(chan_recv(pair[0], &m), CHAN_SETUP_ERROR);
	assert_int_equal(m.error.step, 7);
	assert_int_equal(m.error.errnum, ENOENT);
	assert_string_equal(m.error.detail, "mount /x on /y");
}

static void test_long_detail_truncated(void **state)
{
	char big[1000];
	struct chan_msg m;

	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	assert_int_equal(chan_send_error(pair[1], 1, EPERM, big), 0);
	assert_int_equal(chan_recv(pair[0], &m), CHAN_SETUP_ERROR);
	assert_int_equal(strlen(m.error.detail), CHAN_DETAIL_MAX - 1);
}

static void test_exit_and_started(void **state)
{
	Sbx__ExitReport r = SBX__EXIT_REPORT__INIT;
	struct chan_msg m;

	r.has_wait_status = 1;
	r.wait_status = 3 << 8;
	r.has_user_usec = 1;
	r.user_usec = 123456789;
	assert_int_equal(chan_send_exit(pair[1], &r), 0);
	assert_int_equal(chan_send_started(pair[1], 42, NULL, 0), 0);
	assert_int_equal(chan_recv(pair[0], &m), CHAN_EXIT_REPORT);
	assert_int_equal(m.report.wait_status, 3 << 8);
	assert_int_equal(m.report.user_usec, 123456789);
	assert_int_equal(chan_recv(pair[0], &m), CHAN_STARTED);
	assert_int_equal(m.init_cpu_usec, 42);
	assert_int_equal(m.n_step_usec, 0);
}

/* The setup's timings travel with the start, at most CHAN_MAX_STEPS. */
static void test_started_timings(void **state)
{
	uint32_t usec[CHAN_MAX_STEPS + 5];
	struct chan_msg m;

	for (unsigned i = 0; i < CHAN_MAX_STEPS + 5; i++)
		usec[i] = 1000 * i + 7;
	assert_int_equal(chan_send_started(pair[1], 9, usec, 3), 0);
	assert_int_equal(chan_recv(pair[0], &m), CHAN_STARTED);
	assert_int_equal(m.n_step_usec, 3);
	assert_int_equal(m.step_usec[0], 7);
	assert_int_equal(m.step_usec[2], 2007);
	assert_int_equal(chan_send_started(pair[1], 9, usec, CHAN_MAX_STEPS + 5), 0);
	assert_int_equal(chan_recv(pair[0], &m), CHAN_STARTED);
	assert_int_equal(m.n_step_usec, CHAN_MAX_STEPS);
	assert_int_equal(m.step_usec[CHAN_MAX_STEPS - 1],
			 1000 * (CHAN_MAX_STEPS - 1) + 7);
}

static void test_eof(void **state)
{
	struct chan_msg m;

	close(pair[1]);
	pair[1] = -1;
	assert_int_equal(chan_recv(pair[0], &m), 0);
}

static void test_malformed(void **state)
{
	struct chan_msg m;
	const uint8_t unknown[] = {99, 0};
	const uint8_t truncated[] = {CHAN_SETUP_ERROR, 0x08};
	const uint8_t missing[] = {CHAN_EXIT_REPORT};

	assert_int_equal(chan_decode(unknown, sizeof(unknown), &m), -EBADMSG);
	assert_int_equal(chan_decode(truncated, sizeof(truncated), &m), -EBADMSG);
	assert_int_equal(chan_decode(missing, sizeof(missing), &m), -EBADMSG);
	assert_int_equal(chan_decode(unknown, 0, &m), -EBADMSG);
}

/* The groups' tasks files reach PID 1 as working descriptors, in order. */
static void test_cgroup_join(void **state)
{
	int pipes[3][2], got[CHAN_MAX_FDS], send[3];
	char c;

	for (int i = 0; i < 3; i++) {
		assert_int_equal(pipe(pipes[i]), 0);
		send[i] = pipes[i][1];
	}
	assert_int_equal(chan_send_cgroup_join(pair[1], send, 3), 0);
	assert_int_equal(chan_recv_cgroup_join(pair[0], got), 3);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(write(got[i], "0", 1), 1);
		assert_int_equal(read(pipes[i][0], &c, 1), 1);
		assert_int_equal(c, '0');
		close(got[i]);
		close(pipes[i][0]);
		close(pipes[i][1]);
	}
}

/* The helper's network namespace reaches PID 1 as the same namespace; the
 * type without its descriptor is malformed. */
static void test_netns(void **state)
{
	struct chan_msg m;
	struct stat a, b;
	uint8_t bare = CHAN_NETNS;
	int ns = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);

	assert_true(ns >= 0);
	assert_int_equal(chan_send_fd(pair[1], CHAN_NETNS, ns), 0);
	assert_int_equal(chan_recv(pair[0], &m), CHAN_NETNS);
	assert_true(m.fd >= 0 && m.fd != ns);
	assert_int_equal(fstat(ns, &a), 0);
	assert_int_equal(fstat(m.fd, &b), 0);
	assert_true(a.st_dev == b.st_dev && a.st_ino == b.st_ino);
	close(m.fd);
	close(ns);
	assert_int_equal(send(pair[1], &bare, 1, 0), 1);
	assert_int_equal(chan_recv(pair[0], &m), -EBADMSG);
}

/* Another packet, or none at all, is no list of groups. */
static void test_cgroup_join_refused(void **state)
{
	int got[CHAN_MAX_FDS], fds[CHAN_MAX_FDS + 1] = {0};

	assert_int_equal(chan_send_error(pair[1], 1, EPERM, "x"), 0);
	assert_int_equal(chan_recv_cgroup_join(pair[0], got), -EBADMSG);
	assert_int_equal(chan_send_cgroup_join(pair[1], fds, 0), -EMSGSIZE);
	assert_int_equal(chan_send_cgroup_join(pair[1], fds, CHAN_MAX_FDS + 1),
			 -EMSGSIZE);
	close(pair[1]);
	pair[1] = -1;
	assert_int_equal(chan_recv_cgroup_join(pair[0], got), -EBADMSG);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_error_roundtrip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_long_detail_truncated, setup, teardown),
		cmocka_unit_test_setup_teardown(test_started_timings, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_exit_and_started, setup, teardown),
		cmocka_unit_test_setup_teardown(test_eof, setup, teardown),
		cmocka_unit_test_setup_teardown(test_malformed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cgroup_join, setup, teardown),
		cmocka_unit_test_setup_teardown(test_netns, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cgroup_join_refused, setup,
						teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

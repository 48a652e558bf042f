/* Unit tests: the pace of the /proc walks that stand in for a cgroup
 * (broker/sample-pace.c): a sandbox growing at the assumed bound cannot
 * pass its memory limit by more than PACE_RSS_MIN_USEC's worth before the
 * next sample, and a costly walk is never repeated sooner than its share
 * allows. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "sample-pace.h"

#define MIB (1ULL << 20)

static void test_far_from_the_limit(void **state)
{
	struct sample_pace p = {0};

	(void)state;
	assert_int_equal(pace_rss_delay(&p, 100, 0, 4096 * MIB), PACE_RSS_MAX_USEC);
	assert_int_equal(pace_rss_delay(&p, 100, 10 * MIB, 1024 * MIB),
			 PACE_RSS_MAX_USEC);
}

static void test_at_or_past_the_limit(void **state)
{
	struct sample_pace p = {0};

	(void)state;
	assert_int_equal(pace_rss_delay(&p, 100, 512 * MIB, 512 * MIB),
			 PACE_RSS_MIN_USEC);
	assert_int_equal(pace_rss_delay(&p, 100, 600 * MIB, 512 * MIB),
			 PACE_RSS_MIN_USEC);
	assert_int_equal(pace_rss_delay(&p, 100, 511 * MIB, 512 * MIB),
			 PACE_RSS_MIN_USEC);
}

/* The 656 MiB escape of a 512 MiB judge run that sampled every 20 ms:
 * from 128 MiB below the limit the wait is under 8 ms, and it shrinks as
 * the sandbox comes closer. */
static void test_closer_is_sooner(void **state)
{
	struct sample_pace p = {0};
	uint64_t limit = 512 * MIB, prev = PACE_RSS_MAX_USEC;

	(void)state;
	assert_true(pace_rss_delay(&p, 0, limit - 128 * MIB, limit) < 8000);
	for (uint64_t used = 0; used <= limit; used += 4 * MIB) {
		uint64_t d = pace_rss_delay(&p, 0, used, limit);
		assert_true(d <= prev);
		assert_true(d >= PACE_RSS_MIN_USEC);
		/* growing at the bound until the next sample, the sandbox
		 * passes the limit only by what it grows in the shortest wait */
		if (d > PACE_RSS_MIN_USEC)
			assert_true(used + d * PACE_RSS_RATE_BOUND <= limit);
		prev = d;
	}
}

/* A walk that cost 2 ms of CPU over 300 files (a hundred processes) is
 * not repeated within 40 ms, however close the sandbox is to its limit. */
static void test_cost_share(void **state)
{
	struct sample_pace p = {0};

	(void)state;
	pace_walked(&p, 1000000, 2000, 300);
	assert_int_equal(p.next_usec, 1000000 + 2000 * PACE_COST_SHARE);
	assert_int_equal(pace_rss_delay(&p, 1000000, 512 * MIB, 512 * MIB),
			 2000 * PACE_COST_SHARE);
	assert_int_equal(pace_rss_delay(&p, 1000000, 0, 512 * MIB),
			 2000 * PACE_COST_SHARE);
	/* a cheap walk leaves the memory's own pace */
	pace_walked(&p, 1000000, 10, 5);
	assert_int_equal(pace_rss_delay(&p, 1000000, 512 * MIB, 512 * MIB),
			 PACE_RSS_MIN_USEC);
}

/* CI's second escape: a walk of five files whose CPU clock read 45 ms
 * (the hypervisor took the virtual CPU away) left the sandbox unwatched
 * for 908 ms. Such a walk is believed to cost 5 reads' worth at most. */
static void test_inflated_cost(void **state)
{
	struct sample_pace p = {0};

	(void)state;
	pace_walked(&p, 1000000, 45000, 5);
	assert_int_equal(p.next_usec,
			 1000000 + 5 * PACE_READ_COST_USEC * PACE_COST_SHARE);
	assert_true(pace_rss_delay(&p, 1000000, 500 * MIB, 512 * MIB) <=
		    PACE_RSS_MIN_USEC);
	/* a failed walk read nothing and postpones nothing */
	pace_walked(&p, 1000000, 45000, 0);
	assert_int_equal(p.next_usec, 1000000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_far_from_the_limit),
		cmocka_unit_test(test_at_or_past_the_limit),
		cmocka_unit_test(test_closer_is_sooner),
		cmocka_unit_test(test_cost_share),
		cmocka_unit_test(test_inflated_cost),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

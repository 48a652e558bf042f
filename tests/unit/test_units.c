/* Unit tests: numbers with unit suffixes (policies/units.c, broker). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cmocka.h>

#include "units.h"

typedef int (*parse_fn)(const char *, uint64_t *);

struct good {
	const char *in;
	uint64_t out;
};

struct bad {
	const char *in;
	int code;
};

static void check_good(parse_fn fn, const char *what, const struct good *g,
		       size_t n)
{
	for (size_t i = 0; i < n; i++) {
		uint64_t v = 12345;
		int r = fn(g[i].in, &v);
		if (r != 0 || v != g[i].out)
			fail_msg("%s(\"%s\") = %d, %llu; want 0, %llu", what,
				 g[i].in, r, (unsigned long long)v,
				 (unsigned long long)g[i].out);
	}
}

static void check_bad(parse_fn fn, const char *what, const struct bad *b,
		      size_t n)
{
	for (size_t i = 0; i < n; i++) {
		uint64_t v = 12345;
		int r = fn(b[i].in, &v);
		if (r != b[i].code || v != 12345)
			fail_msg("%s(\"%s\") = %d (value %llu); want %d, "
				 "value untouched", what, b[i].in, r,
				 (unsigned long long)v, b[i].code);
	}
}

#define N(a) (sizeof(a) / sizeof((a)[0]))
#define KiB UINT64_C(1024)
#define MiB (KiB * 1024)
#define GiB (MiB * 1024)
#define TiB (GiB * 1024)

static void test_bytes_good(void **state)
{
	static const struct good g[] = {
		{ "0", 0 },
		{ "1", 1 },
		{ "4096", 4096 },
		{ "007", 7 },
		{ "4096B", 4096 },
		{ "0K", 0 },
		{ "64K", 64 * KiB },
		{ "64k", 64 * KiB },
		{ "64KB", 64 * KiB },
		{ "64KiB", 64 * KiB },
		{ "256M", 256 * MiB },
		{ "1MB", MiB },
		{ "1MiB", MiB },
		{ "1m", MiB },
		{ "2G", 2 * GiB },
		{ "2GiB", 2 * GiB },
		{ "1T", TiB },
		{ "1TiB", TiB },
		{ "18446744073709551615", UINT64_MAX },
		{ "18446744073709551615B", UINT64_MAX },
		{ "16777215T", UINT64_C(16777215) << 40 },
		{ "17179869183G", UINT64_C(17179869183) << 30 },
	};
	check_good(units_parse_bytes, "bytes", g, N(g));
}

static void test_bytes_bad(void **state)
{
	static const struct bad b[] = {
		{ "", -EINVAL },
		{ "-1", -EINVAL },
		{ "+1", -EINVAL },
		{ " 1", -EINVAL },
		{ "1 ", -EINVAL },
		{ "1 K", -EINVAL },
		{ "K", -EINVAL },
		{ "KiB", -EINVAL },
		{ "1.5G", -EINVAL },
		{ "0x10", -EINVAL },
		{ "1P", -EINVAL },
		{ "1X", -EINVAL },
		{ "1KK", -EINVAL },
		{ "1Kib", -EINVAL },
		{ "1KIB", -EINVAL },
		{ "1Kb", -EINVAL },
		{ "1iB", -EINVAL },
		{ "1BB", -EINVAL },
		{ "1 B", -EINVAL },
		{ "1\n", -EINVAL },
		{ "1K ", -EINVAL },
		{ "1\x0b", -EINVAL },  /* 'K' & ~0x20 must not match a control */
		{ "1 B", -EINVAL },    /* ' ' & ~0x20 is NUL: no "find" in "KMGT" */
		{ "1k\xff", -EINVAL },
		{ "99999999999999999999X", -EINVAL }, /* syntax before range */
		{ "18446744073709551616", -ERANGE },
		{ "99999999999999999999999", -ERANGE },
		{ "18446744073709551615K", -ERANGE },
		{ "16777216T", -ERANGE },
		{ "17179869184G", -ERANGE },
		{ "18014398509481984K", -ERANGE },
	};
	check_bad(units_parse_bytes, "bytes", b, N(b));
	assert_int_equal(units_parse_bytes(NULL, &(uint64_t){ 0 }), -EINVAL);
}

static void test_ms_good(void **state)
{
	static const struct good g[] = {
		{ "0", 0 },
		{ "1500", 1500 },
		{ "250ms", 250 },
		{ "0ms", 0 },
		{ "2s", 2000 },
		{ "1.5s", 1500 },
		{ "1.50s", 1500 },
		{ "1.000s", 1000 },
		{ "0.001s", 1 },
		{ "0.0010000s", 1 },
		{ "3m", 180000 },
		{ "0.5m", 30000 },
		{ "1.001m", 60060 },
		{ "1h", 3600000 },
		{ "1.5h", 5400000 },
		{ "0.0000025h", 9 },
		{ "2000us", 2 },
		{ "0us", 0 },
		{ "1000.000us", 1 },
		{ "1.0ms", 1 },
		{ "18446744073709551615", UINT64_MAX },
		{ "18446744073709551615ms", UINT64_MAX },
		{ "18446744073709551.615s", UINT64_MAX },
		{ "18446744073709551s", UINT64_C(18446744073709551000) },
		{ "307445734561825m", UINT64_C(307445734561825) * 60000 },
		{ "5124095576030h", UINT64_C(5124095576030) * 3600000 },
		{ "18446744073709551615000us", 0 },
	};
	/* The last entry is ERANGE (the digits alone overflow): tested below. */
	check_good(units_parse_ms, "ms", g, N(g) - 1);
}

static void test_ms_bad(void **state)
{
	static const struct bad b[] = {
		{ "", -EINVAL },
		{ "-1", -EINVAL },
		{ "-1s", -EINVAL },
		{ "+5", -EINVAL },
		{ " 5", -EINVAL },
		{ "5 s", -EINVAL },
		{ "s", -EINVAL },
		{ "ms", -EINVAL },
		{ ".5s", -EINVAL },
		{ "1.s", -EINVAL },
		{ "1..5s", -EINVAL },
		{ "1.5.0s", -EINVAL },
		{ "1d", -EINVAL },
		{ "1sec", -EINVAL },
		{ "1S", -EINVAL },
		{ "1min", -EINVAL },
		{ "1ns", -EINVAL },
		{ "1e3", -EINVAL },
		{ "0x10", -EINVAL },
		{ "1us", -EINVAL },
		{ "1500us", -EINVAL },
		{ "1.5us", -EINVAL },
		{ "1000.5us", -EINVAL },
		{ "0.5", -EINVAL },
		{ "0.5ms", -EINVAL },
		{ "1.0005s", -EINVAL },
		{ "0.0000005h", -EINVAL }, /* 1.8 ms */
		{ "0.00000001h", -EINVAL },
		{ "0.123456789012345678901234567890s", -EINVAL },
		{ "99999999999999999999x", -EINVAL },
		{ "18446744073709551616", -ERANGE },
		{ "18446744073709551616ms", -ERANGE },
		{ "18446744073709551.616s", -ERANGE },
		{ "18446744073709552s", -ERANGE },
		{ "5124095576031h", -ERANGE },
		{ "307445734561826m", -ERANGE },
		{ "18446744073709551615000us", -ERANGE },
		{ "99999999999999999999999us", -ERANGE },
	};
	check_bad(units_parse_ms, "ms", b, N(b));
	assert_int_equal(units_parse_ms(NULL, &(uint64_t){ 0 }), -EINVAL);
}

static void test_count(void **state)
{
	static const struct good g[] = {
		{ "0", 0 },
		{ "1", 1 },
		{ "64", 64 },
		{ "0064", 64 },
		{ "18446744073709551615", UINT64_MAX },
	};
	static const struct bad b[] = {
		{ "", -EINVAL },
		{ "-1", -EINVAL },
		{ "+1", -EINVAL },
		{ " 1", -EINVAL },
		{ "1 ", -EINVAL },
		{ "1K", -EINVAL },
		{ "1.0", -EINVAL },
		{ "0x1", -EINVAL },
		{ "one", -EINVAL },
		{ "18446744073709551616", -ERANGE },
		{ "184467440737095516150", -ERANGE },
	};
	check_good(units_parse_count, "count", g, N(g));
	check_bad(units_parse_count, "count", b, N(b));
	assert_int_equal(units_parse_count(NULL, &(uint64_t){ 0 }), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bytes_good),
		cmocka_unit_test(test_bytes_bad),
		cmocka_unit_test(test_ms_good),
		cmocka_unit_test(test_ms_bad),
		cmocka_unit_test(test_count),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}

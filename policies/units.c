/* Numbers with unit suffixes, as given on the command line (broker).
 *
 * The parsers are strict on purpose: no whitespace, no sign, no hex or octal,
 * no locale. A limit typed wrong must fail loudly rather than become a
 * different limit (strtoull would accept " -1" as 2^64 - 1). Syntax is checked
 * completely before any arithmetic, so "99999999999999999999X" is -EINVAL
 * (garbage) and only well-formed numbers that do not fit are -ERANGE. */
#include "units.h"

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>
#include <strings.h>

/* Parses the decimal digits s[0..n) (n >= 1, all digits) into *ret. */
static int parse_digits(const char *s, size_t n, uint64_t *ret)
{
	uint64_t v = 0;

	for (size_t i = 0; i < n; i++) {
		if (__builtin_mul_overflow(v, 10, &v) ||
		    __builtin_add_overflow(v, (uint64_t)(s[i] - '0'), &v))
			return -ERANGE;
	}
	*ret = v;
	return 0;
}

static size_t span_digits(const char *s)
{
	size_t n = 0;

	while (s[n] >= '0' && s[n] <= '9')
		n++;
	return n;
}

int units_parse_count(const char *s, uint64_t *ret)
{
	size_t n;

	if (!s || !ret)
		return -EINVAL;
	n = span_digits(s);
	if (n == 0 || s[n] != '\0')
		return -EINVAL;
	return parse_digits(s, n, ret);
}

/* Binary multiple for a byte suffix: "", "B", "K", "KB", "KiB" (prefix letter
 * in either case, "B"/"iB" as written). Returns the shift, or -1. */
static int byte_suffix_shift(const char *suffix)
{
	static const char prefixes[] = "KMGT";
	const char *p;
	int shift;

	if (suffix[0] == '\0' || strcmp(suffix, "B") == 0)
		return 0;
	/* memchr, not strchr: strchr would "find" the terminating NUL. */
	p = memchr(prefixes, suffix[0] & ~0x20, sizeof(prefixes) - 1);
	if (!p)
		return -1;
	shift = 10 * (int)(p - prefixes + 1);
	suffix++;
	if (suffix[0] == '\0' || strcmp(suffix, "B") == 0 ||
	    strcmp(suffix, "iB") == 0)
		return shift;
	return -1;
}

int units_parse_bytes(const char *s, uint64_t *ret)
{
	uint64_t v;
	size_t n;
	int shift, r;

	if (!s || !ret)
		return -EINVAL;
	n = span_digits(s);
	if (n == 0)
		return -EINVAL;
	shift = byte_suffix_shift(s + n);
	if (shift < 0)
		return -EINVAL;
	r = parse_digits(s, n, &v);
	if (r < 0)
		return r;
	if (shift > 0 && v > (UINT64_MAX >> shift))
		return -ERANGE;
	*ret = v << shift;
	return 0;
}

/* Duration units. Everything but "us" is a whole number of milliseconds, so
 * the arithmetic stays in ms and UINT64_MAX ms itself is representable. */
static const struct {
	const char *suffix;
	uint64_t ms;
} duration_units[] = {
	{ "", 1 },          { "ms", 1 },          { "s", 1000 },
	{ "m", 60 * 1000 }, { "h", 3600 * 1000 },
};

static uint64_t gcd_u64(uint64_t a, uint64_t b)
{
	while (b) {
		uint64_t t = a % b;
		a = b;
		b = t;
	}
	return a;
}

/* The exact value of 0.<frac digits> * mult in ms, or -EINVAL when it is not
 * a whole number of milliseconds ("0.5ms", "1.0005s"). */
static int fraction_ms(const char *frac, size_t n, uint64_t mult,
		       uint64_t *ret)
{
	uint64_t f, pow10 = 1, g;
	int r;

	while (n > 0 && frac[n - 1] == '0') /* "1.50s" is "1.5s" */
		n--;
	if (n == 0) {
		*ret = 0;
		return 0;
	}
	/* The largest multiplier, 3600000 = 2^7 * 3^2 * 5^5, absorbs at most
	 * seven decimal places; more significant digits cannot give whole ms. */
	if (n > 7)
		return -EINVAL;
	r = parse_digits(frac, n, &f);
	if (r < 0)
		return r;
	for (size_t i = 0; i < n; i++)
		pow10 *= 10;
	/* f * mult / 10^n is whole iff (10^n / gcd) divides f; reducing first
	 * keeps the product below mult, so it cannot overflow. */
	g = gcd_u64(mult, pow10);
	if (f % (pow10 / g) != 0)
		return -EINVAL;
	*ret = (f / (pow10 / g)) * (mult / g);
	return 0;
}

int units_parse_ms(const char *s, uint64_t *ret)
{
	const char *frac = NULL, *suffix;
	size_t n, nfrac = 0;
	uint64_t v, fv, mult = 0;
	bool micro;
	int r;

	if (!s || !ret)
		return -EINVAL;
	n = span_digits(s);
	if (n == 0)
		return -EINVAL;
	suffix = s + n;
	if (*suffix == '.') {
		frac = suffix + 1;
		nfrac = span_digits(frac);
		if (nfrac == 0) /* "1." */
			return -EINVAL;
		suffix = frac + nfrac;
	}
	micro = strcmp(suffix, "us") == 0;
	for (size_t i = 0; !micro && i < sizeof(duration_units) /
				       sizeof(duration_units[0]); i++)
		if (strcmp(suffix, duration_units[i].suffix) == 0)
			mult = duration_units[i].ms;
	if (!micro && mult == 0)
		return -EINVAL;

	r = parse_digits(s, n, &v);
	if (r < 0)
		return r;
	if (micro) {
		/* Microseconds: valid only as whole milliseconds ("2000us"). */
		r = fraction_ms(frac ? frac : "", nfrac, 1, &fv);
		if (r < 0 || fv != 0 || v % 1000 != 0)
			return -EINVAL;
		*ret = v / 1000;
		return 0;
	}
	r = fraction_ms(frac ? frac : "", nfrac, mult, &fv);
	if (r < 0)
		return r;
	if (__builtin_mul_overflow(v, mult, &v) ||
	    __builtin_add_overflow(v, fv, &v))
		return -ERANGE;
	*ret = v;
	return 0;
}

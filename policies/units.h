/* Numbers with unit suffixes, as given on the command line (broker). */
#pragma once

#include <stdint.h>

/* Bytes: "4096", "64K", "256M", "2G", "1T" (binary multiples; an optional
 * trailing "B" or "iB" is accepted: "64KiB", "1MB" = 1 MiB). Returns 0 or
 * -EINVAL (syntax) / -ERANGE (overflow). */
int units_parse_bytes(const char *s, uint64_t *ret);

/* Durations in milliseconds: "1500" (ms), "250ms", "2s", "1.5s", "3m",
 * "1h", "1us" is rejected unless a whole number of ms. Returns 0 or -EINVAL /
 * -ERANGE. */
int units_parse_ms(const char *s, uint64_t *ret);

/* Plain non-negative integer (counts: pids, open files). */
int units_parse_count(const char *s, uint64_t *ret);

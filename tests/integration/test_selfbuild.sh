#!/bin/bash
# A real workload under the build policy (issues 5 and 6): sbx's own source
# tree, bound read-only, configured with cmake, built with make -j2 into a
# build directory inside the sandbox, and its unit tests run there; the
# same build without sbx gives the slowdown ratio (printed, not asserted:
# timings are machine noise in a test). Root and user.
set -u
. "$(dirname "$0")/lib.sh"
itest_init
: "${SBX_SOURCE_DIR:?}"

# A copy the test user can read, without build trees or git objects.
SRC=$WORK/src
mkdir -p "$SRC"
(cd "$SBX_SOURCE_DIR" && tar --exclude='./build*' --exclude=./.git \
	--exclude='./fuzz/out' --exclude='./tests/vm/cache' -cf - .) |
	tar -xf - -C "$SRC" || { fail "copy the source tree"; itest_done; }
chmod -R a+rX "$SRC"

# test_seccomp loads seccomp filters itself, which the build policy's own
# filter (rightly) refuses: every other unit test runs.
script='cmake -S "$0" -B /tmp/b -DSBX_FUZZ=OFF >/tmp/cmake.log 2>&1 ||
		{ tail -5 /tmp/cmake.log; exit 10; }
	make -C /tmp/b -j2 >/tmp/make.log 2>&1 || { tail -20 /tmp/make.log; exit 11; }
	ctest --test-dir /tmp/b -L unit -E seccomp 2>&1 | grep "tests passed"'

for mode in $MODES; do
	t0=$(date +%s.%N)
	run_sbx "$mode" --policy build --ro-bind "$SRC" --chdir "$SRC" \
		--time 20m --wall-time 20m -- /bin/sh -c "$script" "$SRC"
	t1=$(date +%s.%N)
	if [ "$RC" = 0 ] && grep -q '100% tests passed' <<<"$OUT"; then
		ok "[$mode] sbx builds itself under build and its unit tests pass inside"
	else
		fail "[$mode] self-build under build: exit $RC" "$OUT" "$ERR"
	fi
	note "[$mode] self-build in sbx: $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }') s"
done

# The same build outside, for the ratio.
out=$(mktemp -d "$WORK/plain.XXXXXX")
t0=$(date +%s.%N)
(cmake -S "$SRC" -B "$out" -DSBX_FUZZ=OFF >/dev/null 2>&1 && make -C "$out" -j2 >/dev/null 2>&1)
t1=$(date +%s.%N)
note "self-build without sbx: $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }') s"
itest_done

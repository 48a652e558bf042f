#!/bin/bash
# Builds the fuzz harnesses with AFL++ (ASan + UBSan) and runs one for a while:
#   fuzz/run.sh HARNESS SECONDS      e.g. fuzz/run.sh textformat 600
# HARNESS names fuzz/fuzz_HARNESS.c; its seeds are fuzz/corpus/HARNESS/ and
# its dictionary fuzz/HARNESS.dict (optional). Findings go to
# fuzz/out/HARNESS/default/{crashes,hangs}; the exit status is 1 when there
# are any, so CI fails on them. One afl-fuzz at a time: it takes a whole core.
# Environment: SBX_FUZZ_BUILD (build dir, default build-fuzz), SBX_FUZZ_OUT
# (output dir), SBX_FUZZ_RESUME=1 to continue a previous run's queue,
# SBX_FUZZ_TIMEOUT_MS (per input, default 1000; raise it on a loaded machine,
# where a busy CPU alone can make AFL save a "hang").
set -euo pipefail

if [ $# -ne 2 ]; then
	echo "usage: $0 HARNESS SECONDS" >&2
	exit 2
fi
harness=$1
seconds=$2
here=$(cd "$(dirname "$0")" && pwd)
src=$(dirname "$here")
build=${SBX_FUZZ_BUILD:-$src/build-fuzz}
out=${SBX_FUZZ_OUT:-$here/out/$harness}
corpus=$here/corpus/$harness
dict=$here/$harness.dict

if [ ! -f "$here/fuzz_$harness.c" ]; then
	echo "$0: no harness fuzz/fuzz_$harness.c" >&2
	exit 2
fi
for tool in afl-clang-fast afl-fuzz; do
	command -v "$tool" >/dev/null || { echo "$0: $tool not found (apt install afl++)" >&2; exit 2; }
done

if [ ! -f "$build/CMakeCache.txt" ]; then
	CC=afl-clang-fast cmake -S "$src" -B "$build" -DSBX_FUZZ=ON \
		-DSBX_TESTS=OFF -DSBX_SANITIZE=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo
else
	# Re-glob, so harnesses added since the last run get a target.
	cmake "$build" >/dev/null
fi
cmake --build "$build" --target "fuzz_$harness" -j2
bin=$(find "$build/fuzz" -maxdepth 1 -type f -name "fuzz_$harness" | head -1)

# Root in CI, no CPU governor access, unknown core_pattern, no terminal.
export AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_UI=1
export AFL_NO_AFFINITY=1
export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=1:symbolize=0:detect_leaks=0:allocator_may_return_null=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:abort_on_error=1}

args=(-V "$seconds" -o "$out" -m none -t "${SBX_FUZZ_TIMEOUT_MS:-1000}")
[ -f "$dict" ] && args+=(-x "$dict")
if [ "${SBX_FUZZ_RESUME:-0}" = 1 ] && [ -d "$out/default/queue" ]; then
	args+=(-i -)
else
	rm -rf "$out"
	args+=(-i "$corpus")
fi
mkdir -p "$(dirname "$out")"
afl-fuzz "${args[@]}" -- "$bin"

found=0
for kind in crashes hangs; do
	n=$(find "$out/default/$kind" -type f -name 'id:*' 2>/dev/null | wc -l)
	if [ "$n" -gt 0 ]; then
		echo "$0: $n $kind in $out/default/$kind" >&2
		found=1
	fi
done
grep -E '^(run_time|execs_done|corpus_count|saved_crashes|saved_hangs)' \
	"$out/default/fuzzer_stats" 2>/dev/null || true
exit $found

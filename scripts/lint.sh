#!/bin/bash
# Static checks: cppcheck and clang-tidy over every C file of the project
# that a build compiles (the list comes from compile_commands.json, so
# generated protobuf-c sources and files no build uses are left out).
#
#   scripts/lint.sh [BUILD_DIR]     default: build-lint, configured here with
#                                   -DCMAKE_EXPORT_COMPILE_COMMANDS=ON and
#                                   built once (the generated headers must
#                                   exist)
#
# Check sets:
#  - cppcheck: --enable=warning,portability,performance (errors are always
#    on), C11, inline suppressions honoured. Suppressed: varFuncNullUB
#    (NULL as the sentinel of variadic calls such as execl and the tests'
#    argv builders: NULL is (void *)0 on every target glibc supports) and
#    missingIncludeSystem (system headers are not given to cppcheck, which
#    would otherwise parse all of libc), and ctunullpointer in
#    broker/cgroup-parse.c (the whole-program pass, run with one job only,
#    follows tests/unit/test_cgroup_parse.c's find(&ms, 2, NULL) into
#    cgp_has_controller although `version == 2 ||` short-circuits first).
#  - clang-tidy: the .clang-tidy file at the top of the tree, which lists
#    each disabled check with its reason; every remaining warning is an
#    error.
# Environment: LINT_JOBS (default 2), LINT_SKIP_TIDY=1 / LINT_SKIP_CPPCHECK=1.
# Exit status: 0 when both are clean, 1 otherwise.
set -uo pipefail

src=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$src/build-lint}
jobs=${LINT_JOBS:-2}
cd "$src" || exit 2

for tool in cppcheck clang-tidy; do
	command -v "$tool" >/dev/null || { echo "lint: $tool not found" >&2; exit 2; }
done
if [ ! -f "$build/compile_commands.json" ]; then
	cmake -S "$src" -B "$build" -DCMAKE_EXPORT_COMPILE_COMMANDS=ON >/dev/null || exit 2
fi
# Generated sources and headers (protobuf-c, embedded policies).
cmake --build "$build" -j"$jobs" >/dev/null || { echo "lint: build failed" >&2; exit 2; }

# Project files the build compiles, relative to the source tree.
mapfile -t files < <(sed -n 's/^ *"file": "\(.*\)",\{0,1\}$/\1/p' \
	"$build/compile_commands.json" | sed "s|^$src/||" |
	grep -v -e '^/' -e '/gen/' | sort -u)
[ "${#files[@]}" -gt 0 ] || { echo "lint: no files in $build/compile_commands.json" >&2; exit 2; }
echo "lint: ${#files[@]} files"

status=0
if [ "${LINT_SKIP_CPPCHECK:-0}" != 1 ]; then
	pbver=$(pkg-config --modversion libprotobuf-c 2>/dev/null | awk -F. '{ printf "%d%03d%03d", $1, $2, $3 }')
	out=$(cppcheck --enable=warning,portability,performance --std=c11 \
		--inline-suppr --quiet -j"$jobs" --error-exitcode=1 \
		-D_GNU_SOURCE -D__linux__ -D__x86_64__ \
		-DPROTOBUF_C_VERSION_NUMBER="${pbver:-1004001}" \
		-Ipolicies -Isandbox -Ibroker \
		-I"$build/policies/gen" -I"$build/policies/gen/policies" \
		--suppress=missingIncludeSystem --suppress=varFuncNullUB \
		--suppress=ctunullpointer:broker/cgroup-parse.c \
		"${files[@]}" 2>&1)
	if [ $? -ne 0 ] || [ -n "$out" ]; then
		echo "$out"
		echo "lint: cppcheck: findings above"
		status=1
	else
		echo "lint: cppcheck: clean"
	fi
fi
if [ "${LINT_SKIP_TIDY:-0}" != 1 ]; then
	out=$(printf '%s\n' "${files[@]}" |
		xargs -P"$jobs" -n4 clang-tidy -p "$build" --quiet 2>/dev/null)
	rc=$?
	if [ $rc -ne 0 ] || printf '%s' "$out" | grep -q -E 'warning:|error:'; then
		printf '%s\n' "$out" | grep -E -A3 'warning:|error:'
		echo "lint: clang-tidy: findings above"
		status=1
	else
		echo "lint: clang-tidy: clean"
	fi
fi
exit $status

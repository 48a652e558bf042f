#!/bin/bash
# Throughput of a real build under the build policy: sbx's own tree
# configured and built with make -j2, inside `sbx --policy build` and
# without sbx, alternating, RUNS times each (default 3). Both build into a
# fresh directory under /tmp on the same file system kind: a tmpfs (inside,
# the sandbox's /tmp; outside, a tmpfs mounted here when we are root, else
# the host's /tmp). Prints each run, the medians and the ratio.
#
#   tests/bench/selfbuild.sh [RUNS]     (SBX=path/to/sbx)
set -euo pipefail

runs=${1:-3}
top=$(cd "$(dirname "$0")/../.." && pwd)
sbx=${SBX:-$top/build/broker/sbx}
[ -x "$sbx" ] || { echo "selfbuild: $sbx not built" >&2; exit 1; }

work=$(mktemp -d /var/tmp/sbx-selfbuild.XXXXXX)
cleanup() {
	mountpoint -q "$work/out" 2>/dev/null && umount "$work/out"
	rm -rf "$work"
}
trap cleanup EXIT
src=$work/src
mkdir -p "$src" "$work/out"
(cd "$top" && tar --exclude='./build*' --exclude=./.git --exclude='./fuzz/out' \
	--exclude='./tests/vm/cache' -cf - .) | tar -xf - -C "$src"
chmod -R a+rX "$work"
[ "$(id -u)" = 0 ] && mount -t tmpfs -o size=2G tmpfs "$work/out"
out=$work/out
[ "$(id -u)" = 0 ] || out=/tmp

build='rm -rf "$1/b" && cmake -S "$0" -B "$1/b" -DSBX_FUZZ=OFF >/dev/null &&
	make -C "$1/b" -j2 >/dev/null'
now() { date +%s.%N; }
inside=() outside=()
for i in $(seq "$runs"); do
	t0=$(now)
	"$sbx" --policy build --ro-bind "$src" --chdir "$src" --time 30m \
		--wall-time 30m -- /bin/sh -c "$build" "$src" /tmp
	t1=$(now)
	/bin/sh -c "$build" "$src" "$out"
	t2=$(now)
	inside+=("$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')")
	outside+=("$(awk -v a="$t1" -v b="$t2" 'BEGIN { print b - a }')")
	printf 'run %d: in sbx %.2f s, without %.2f s\n' "$i" "${inside[-1]}" "${outside[-1]}"
done
median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
mi=$(median "${inside[@]}") mo=$(median "${outside[@]}")
printf 'median: in sbx %.2f s, without %.2f s, ratio %.3fx\n' "$mi" "$mo" \
	"$(awk -v a="$mi" -v b="$mo" 'BEGIN { print a / b }')"

#!/bin/bash
# Throughput and garbage: N sandboxed `/bin/true` runs under the strict
# policy one after the other, then N in each of two parallel streams;
# prints runs per second for both, the peak RSS of the sbx process, and
# checks that the machine looks as before: the same cgroups named sbx-*,
# mounts, network namespaces, processes, run records and temporary
# directories. Exits 1 when anything was left behind.
#
#   tests/bench/throughput.sh [N]      (default 1000; SBX=path/to/sbx)
set -euo pipefail

n=${1:-1000}
top=$(cd "$(dirname "$0")/../.." && pwd)
sbx=${SBX:-$top/build/broker/sbx}
[ -x "$sbx" ] || { echo "throughput: $sbx not built" >&2; exit 1; }

# What a run could leave behind, one line per kind.
snapshot() {
	echo "cgroups $(find /sys/fs/cgroup -mindepth 1 -type d -name 'sbx-*' 2>/dev/null | wc -l)"
	echo "mounts $(wc -l </proc/self/mountinfo)"
	echo "netns $(for p in /proc/[0-9]*; do readlink "$p/ns/net" 2>/dev/null; done | sort -u | wc -l)"
	echo "sbx-processes $(pgrep -c -x sbx || true)"
	echo "records $(ls -A "${XDG_RUNTIME_DIR:-/nonexistent}/sbx" /run/sbx "/dev/shm/sbx-$(id -u)" 2>/dev/null | grep -c '^[0-9a-f]\{12\}$' || true)"
	echo "tmp $(ls -A /tmp /var/tmp /dev/shm 2>/dev/null | wc -l)"
}

loop() {
	local i
	for ((i = 0; i < n; i++)); do
		"$sbx" --policy strict /bin/true || { echo "run $i failed" >&2; return 1; }
	done
}

now() { date +%s.%N; }
rate() { awk -v runs="$1" -v a="$2" -v b="$3" 'BEGIN { printf "%.0f", runs / (b - a) }'; }

before=$(snapshot)
t0=$(now)
loop
t1=$(now)
loop &
p1=$!
loop &
p2=$!
wait "$p1"
wait "$p2"
t2=$(now)
echo "sequential: $n runs, $(rate "$n" "$t0" "$t1") runs/s"
echo "parallel:   2 x $n runs, $(rate $((2 * n)) "$t1" "$t2") runs/s"
rss=$( { /usr/bin/time -f %M "$sbx" --policy strict /bin/true; } 2>&1 | tail -n1)
echo "peak RSS of sbx (and its sandbox's processes): $rss KiB"

sleep 1 # network namespaces are freed by a kernel worker
after=$(snapshot)
if [ "$before" = "$after" ]; then
	echo "left behind: nothing ($(tr '\n' ' ' <<<"$after"))"
else
	echo "left behind:"
	diff <(echo "$before") <(echo "$after") || true
	exit 1
fi

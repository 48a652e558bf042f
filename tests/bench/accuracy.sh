#!/bin/bash
# Accuracy of sbx's accounting against the program's own view (issue 4):
#  - CPU time reported for a 0.3 s and a 2 s CPU-bound run vs the program's
#    own getrusage (target: within 2% + 5 ms);
#  - peak memory for a program touching 200 MiB (target: within 5%);
#  - a 1 s CPU limit on a spinner, single- and 4-thread (target: TLE,
#    reported 1.00-1.05 s);
#  - cgroup setup+teardown per run (the "cgroup" step of --timings, and the
#    time a run takes with and without cgroups).
#   tests/bench/accuracy.sh [REPEATS]   (SBX, SBX_HOG: default build/...)
set -euo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
sbx=${SBX:-$top/build/broker/sbx}
hog=${SBX_HOG:-$top/build/tests/sbx-hog}
n=${1:-5}
work=$(mktemp -d /var/tmp/sbx-acc.XXXXXX)
trap 'rm -rf "$work"' EXIT
chmod 755 "$work"
cp "$hog" "$work/hog"
res=$work/r.json

field() { grep -o "\"$1\": [^,}]*" "$res" | head -1 | sed 's/^[^:]*: //; s/"//g'; }
median() { sort -g | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }

for ms in 300 2000; do
	for i in $(seq "$n"); do
		own=$("$sbx" --policy strict --json "$res" -- "$work/hog" cpu $ms | awk '{ print $2 / 1000 }')
		rep=$(field total)
		awk -v o="$own" -v r="$rep" 'BEGIN { d = r - o; if (d < 0) d = -d;
			printf "%.4f %.4f %.4f %s\n", o, r, d, (d <= 0.02 * o + 0.005) ? "ok" : "OUT" }'
	done >"$work/cpu$ms"
	echo "cpu ${ms} ms: own vs reported, median |diff| $(awk '{ print $3 }' "$work/cpu$ms" | median) s, within 2%+5ms: $(grep -c ' ok$' "$work/cpu$ms")/$n"
done

for i in $(seq "$n"); do
	"$sbx" --policy strict --memory 512M --json "$res" -- "$work/hog" mem 200 >/dev/null
	echo "$(field cgroup_peak_bytes) $(field rusage_max_rss_bytes)"
done >"$work/mem"
awk -v t=$((200 << 20)) '{ c = ($1 - t) / t * 100; r = ($2 - t) / t * 100;
	printf "mem 200 MiB: cgroup peak %+.2f%%, rusage max RSS %+.2f%%\n", c, r }' "$work/mem" | sort | uniq -c

for payload in "strict spin" "judge threads 4"; do
	set -- $payload
	pol=$1
	shift
	for i in $(seq "$n"); do
		"$sbx" --policy "$pol" --time 1s --wall-time 30s --json "$res" -- "$work/hog" "$@" >/dev/null || true
		echo "$(field verdict) $(field total)"
	done >"$work/tle"
	echo "1 s limit, $*: verdicts $(awk '{ print $1 }' "$work/tle" | sort | uniq -c | xargs), reported CPU median $(awk '{ print $2 }' "$work/tle" | median) s, range $(awk '{ print $2 }' "$work/tle" | sort -g | sed -n '1p;$p' | xargs)"
done

for i in $(seq $((n * 10))); do
	"$sbx" --timings --policy strict -- /bin/true 2>&1 | awk '/timing: cgroup/ { print $4 }'
done | median | xargs echo "cgroup step (create groups + write limits), median ms:"

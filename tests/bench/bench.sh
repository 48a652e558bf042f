#!/bin/bash
# Start-up benchmark: `sbx --policy strict /bin/true` beside bare `unshare`
# and bubblewrap, measured in the same run, as root and (when run as root)
# as an unprivileged user. Prints medians (and quartiles) and ratios.
#
# The commands run in turn, round after round (tests/bench/interleave.c),
# so a drift in the machine's speed slows all of them alike; with
# BENCH_TOOL=hyperfine they run through hyperfine instead, one command's
# samples after the other's. With BENCH_ALL_GONE=1 (interleaved only) a run
# ends when every process the command started is gone, not when the
# command exits (bubblewrap's monitor exits before its sandbox's init).
#
#   tests/bench/bench.sh [RUNS]   (SBX=path/to/sbx, default build/broker/sbx;
#                                  INTERLEAVE=path, default
#                                  build/tests/sbx-bench-interleave;
#                                  LIBRARY=path, default
#                                  build/tests/sbx-bench-library;
#                                  FLOOR=path, default
#                                  build/tests/sbx-bench-floor)
#
# When built, tests/bench/floor.c runs beside them: the kernel's floor
# for strict's isolation, the system calls a strict run needs made in a
# straight line, without sbx's init, policy, checks or reports.
#
# A last line per mode, when the library harness is built: the same run
# through sbx_run() in a loop inside one process (tests/bench/library.c),
# what a judge that embeds sbx pays per run, measured right after.
set -euo pipefail

runs=${1:-300}
top=$(cd "$(dirname "$0")/../.." && pwd)
sbx=${SBX:-$top/build/broker/sbx}
harness=${INTERLEAVE:-$top/build/tests/sbx-bench-interleave}
library=${LIBRARY:-$top/build/tests/sbx-bench-library}
floor=${FLOOR:-$top/build/tests/sbx-bench-floor}
tool=${BENCH_TOOL:-interleave}
user=${SBX_BENCH_USER:-sbx-bench}

[ -x "$sbx" ] || { echo "bench: $sbx not built" >&2; exit 1; }
if [ "$tool" = hyperfine ]; then
	command -v hyperfine >/dev/null ||
		{ echo "bench: hyperfine missing (apt-get install hyperfine)" >&2; exit 1; }
else
	[ -x "$harness" ] || { echo "bench: $harness not built" >&2; exit 1; }
fi

work=$(mktemp -d /var/tmp/sbx-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT
chmod 755 "$work"
cp "$sbx" "$work/sbx"
cp "$harness" "$work/interleave" 2>/dev/null || true
cp "$library" "$work/library" 2>/dev/null || true

cmds=(
	"$work/sbx --policy strict /bin/true"
	"unshare -Urpfmniu --mount-proc /bin/true"
)
if cp "$floor" "$work/floor" 2>/dev/null; then
	cmds+=("$work/floor /bin/true")
fi
if command -v bwrap >/dev/null; then
	cmds+=("bwrap --unshare-all --die-with-parent --ro-bind / / --dev /dev --proc /proc --tmpfs /tmp /bin/true")
fi

# as WHO ("" = ourselves) CMD...
as() {
	local who=$1
	shift
	if [ -n "$who" ] && [ "$who" != "$(id -un)" ]; then
		runuser -u "$who" -- "$@"
	else
		"$@"
	fi
}

# Lines of "median p25 p75 command" for every command, as WHO.
samples() {
	local who=$1 csv=$work/$1.csv
	if [ "$tool" = hyperfine ]; then
		chown "$who" "$work" 2>/dev/null || true
		as "$who" hyperfine -N -w 20 -r "$runs" --export-csv "$csv" \
			--style none "${cmds[@]}" >/dev/null
		awk -F, 'NR > 1 { printf "%.3f - - %s\n", $4 * 1000, $1 }' "$csv"
		return
	fi
	local args=()
	for c in "${cmds[@]}"; do
		[ ${#args[@]} -gt 0 ] && args+=(--)
		read -ra words <<<"$c"
		args+=("${words[@]}")
	done
	as "$who" "$work/interleave" ${BENCH_ALL_GONE:+--all-gone} "$runs" \
		"${args[@]}"
	if [ -x "$work/library" ]; then
		as "$who" "$work/library" "$runs" strict /bin/true
	fi
}

# Prints a table of medians with ratios against unshare.
measure() {
	samples "$1" | awk -v who="$1" '
		{ med[NR] = $1; q1[NR] = $2; q3[NR] = $3
		  $1 = $2 = $3 = ""; sub(/^ +/, ""); name[NR] = $0 }
		name[NR] ~ /^unshare/ { base = med[NR] }
		END {
			printf "%-10s %-9s %-15s %-7s %s\n", "mode", "median",
			       "p25-p75", "ratio", "command"
			for (i = 1; i <= NR; i++)
				printf "%-10s %6.2f ms %-15s %5.2fx  %s\n", who,
				       med[i], q1[i] == "-" ? "" : sprintf("%.2f-%.2f",
				       q1[i], q3[i]), med[i] / base, name[i]
		}'
}

me=$(id -un)
measure "$me"
if [ "$(id -u)" = 0 ]; then
	id "$user" >/dev/null 2>&1 || useradd -M -s /usr/sbin/nologin "$user"
	measure "$user"
fi

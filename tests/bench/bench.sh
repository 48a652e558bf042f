#!/bin/bash
# Start-up benchmark: `sbx --policy strict /bin/true` beside bare `unshare`
# and bubblewrap, measured in the same hyperfine run, as root and (when run
# as root) as an unprivileged user. Prints medians and ratios.
#
#   tests/bench/bench.sh [RUNS]        (SBX=path/to/sbx, default build/broker/sbx)
set -euo pipefail

runs=${1:-200}
top=$(cd "$(dirname "$0")/../.." && pwd)
sbx=${SBX:-$top/build/broker/sbx}
user=${SBX_BENCH_USER:-sbx-bench}

command -v hyperfine >/dev/null || { echo "bench: hyperfine missing (apt-get install hyperfine)" >&2; exit 1; }
[ -x "$sbx" ] || { echo "bench: $sbx not built" >&2; exit 1; }

work=$(mktemp -d /var/tmp/sbx-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT
chmod 755 "$work"
cp "$sbx" "$work/sbx"

cmds=(
	"$work/sbx --policy strict /bin/true"
	"unshare -Urpfmniu --mount-proc /bin/true"
)
if command -v bwrap >/dev/null; then
	cmds+=("bwrap --unshare-all --die-with-parent --ro-bind / / --dev /dev --proc /proc --tmpfs /tmp /bin/true")
fi

# Runs the commands as the given user ("" = ourselves) and prints a table
# of medians with ratios against unshare.
measure() {
	local who=$1 csv=$work/$1.csv
	local args=(-N -w 20 -r "$runs" --export-csv "$csv" --style none)
	if [ -n "$who" ] && [ "$who" != "$(id -un)" ]; then
		chmod 644 "$work"/*.csv 2>/dev/null || true
		chown "$who" "$work"
		runuser -u "$who" -- hyperfine "${args[@]}" "${cmds[@]}" >/dev/null
	else
		hyperfine "${args[@]}" "${cmds[@]}" >/dev/null
	fi
	awk -F, -v who="$who" 'NR == 1 { next }
		{ name[NR] = $1; med[NR] = $4 * 1000 }
		$1 ~ /^unshare/ { base = $4 * 1000 }
		END {
			printf "%-10s %-9s %-7s %s\n", "mode", "median", "ratio", "command"
			for (i = 2; i <= NR; i++)
				printf "%-10s %6.2f ms %5.2fx  %s\n", who, med[i], med[i] / base, name[i]
		}' "$csv"
}

me=$(id -un)
measure "$me"
if [ "$(id -u)" = 0 ]; then
	id "$user" >/dev/null 2>&1 || useradd -M -s /usr/sbin/nologin "$user"
	measure "$user"
fi

# shellcheck shell=bash disable=SC2034  # runs, top: for the sourcing script
# Sourced by the tracefs benchmarks (waits.sh, timeline.sh): their
# arguments, the check for tracefs, and the commands they compare by
# default, those of bench.sh. Expects NAME (for messages) to be set.
#
#   [RUNS] [-- CMD [ARGS...]]  ->  runs, and the command in "$@"
#
# AS_USER=NAME runs the commands as that user (setpriv), rootless; the
# tracing itself needs root.

runs=${1:-30}
[ $# -gt 0 ] && shift
[ "${1:-}" = -- ] && shift
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
sbx=${SBX:-$top/build/broker/sbx}
T=/sys/kernel/tracing

[ -w $T/trace ] || { echo "$NAME: needs root and tracefs at $T" >&2; exit 1; }

as_user=()
if [ -n "${AS_USER:-}" ]; then
	as_user=(setpriv --reuid="$AS_USER" --regid="$AS_USER" --clear-groups)
fi

# traced_runs CMD...: RUNS runs of CMD with tracing on, then the trace.
traced_runs() {
	echo 1 >$T/tracing_on
	for ((i = 0; i < runs; i++)); do
		"${as_user[@]}" "$@" >/dev/null 2>&1 || true
	done
	echo 0 >$T/tracing_on
	cat $T/trace
}

# each_default FN: FN CMD... for sbx's strict policy, bubblewrap (when
# installed) and bare `unshare`.
each_default() {
	[ -x "$sbx" ] || { echo "$NAME: $sbx not built" >&2; exit 1; }
	"$1" "$sbx" --policy strict /bin/true
	if command -v bwrap >/dev/null; then
		"$1" bwrap --unshare-all --die-with-parent --ro-bind / / \
			--dev /dev --proc /proc --tmpfs /tmp /bin/true
	fi
	"$1" unshare -Urpfmniu --mount-proc /bin/true
}

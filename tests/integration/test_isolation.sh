#!/bin/bash
# The namespaces from inside: hostname, host processes, network, abstract
# unix sockets, SysV IPC. Under ITEST_POLICY (build) where its filter lets
# the probe try; sethostname, ptrace and inet sockets, which build's filter
# refuses (EAFNOSUPPORT or SYS), under $NOFILTER so that the namespaces
# alone must hold. Then a pass per strict and judge, where the filter may
# stop an attack first (verdict SYS).
# Isolation is checked under build, the weakest built-in policy (see lib.sh).
: "${ITEST_POLICY:=build}"
. "$(dirname "$0")/lib.sh"
itest_init

# Host-side helpers run from a copy elsewhere, so the leftover checks
# (which look for our files) do not count them.
HELPER_DIR=$(mktemp -d /var/tmp/itest-helper.XXXXXX) || exit 1
CLEANUP+=("$HELPER_DIR")
HELPER=$HELPER_DIR/host-helper
cp "$PROBE" "$HELPER"

# start_helper ARGS: runs the helper on the host until it says "listening".
start_helper() {
	local out
	out=$(mktemp)
	"$HELPER" "$@" >"$out" 2>&1 &
	CLEANUP_PIDS+=($!)
	if ! wait_for_line "$out" listening 5; then
		echo "# helper $* did not start: $(cat "$out")"
		rm -f "$out"
		return 1
	fi
	rm -f "$out"
}

PORT=
for try in 1 2 3 4 5; do
	p=$((20000 + RANDOM % 30000))
	if start_helper listen-tcp 127.0.0.1 "$p" 600; then
		PORT=$p
		break
	fi
done
[ -n "$PORT" ] || fail "a TCP listener on 127.0.0.1 for the tests"
ABSTRACT=sbx-itest-$$-$RANDOM
start_helper listen-abstract "$ABSTRACT" 600 ||
	fail "an abstract unix socket for the tests"
IPC_KEY=$((0x5b000000 + $$))
"$HELPER" ipc-make "$IPC_KEY" >/dev/null ||
	fail "SysV IPC objects for the tests"
trap '"$HELPER" ipc-rm "$IPC_KEY" >/dev/null; itest_cleanup' EXIT

NONET=$(test_policy nonet 'network { mode: NONE }
seccomp { enabled: false }')
LOOPBACK=$(test_policy loopback 'network { mode: LOOPBACK }
seccomp { enabled: false }')
# The hostname the policy sets.
POLICY_HOSTNAME=$("$SBXBIN" policy show "$ITEST_POLICY" |
	sed -n 's/^hostname: "\(.*\)"$/\1/p')

for mode in $MODES; do
	# UTS.
	host_name=$(hostname)
	run_probe "$mode" --policy "$NOFILTER" -- hostname "sbx-itest-evil"
	note "$OUT"
	check "[$mode] the probe ran (no filter)" [ "$RC" = 0 ]
	check "[$mode] host hostname unchanged ($host_name)" \
		[ "$(hostname)" = "$host_name" ]
	run_sbx "$mode" -- /bin/cat /proc/sys/kernel/hostname
	check "[$mode] hostname inside is the policy's (${POLICY_HOSTNAME:-?})" \
		[ -n "$POLICY_HOSTNAME" -a "$OUT" = "$POLICY_HOSTNAME" ]
	for policy in strict judge; do
		held "$mode" "$policy: sethostname stays inside" \
			--policy "$policy" -- hostname "sbx-itest-evil"
		check "[$mode] $policy: host hostname unchanged" \
			[ "$(hostname)" = "$host_name" ]
	done

	# Host processes: a victim of the same user as the sandbox's caller.
	pidfile=$WORK/victim.pid
	rm -f "$pidfile"
	touch "$pidfile" && chmod 666 "$pidfile"
	in_mode "$mode" bash -c 'echo $$ >"$1"; exec sleep 300' _ "$pidfile" 2>/dev/null &
	starter=$!
	CLEANUP_PIDS+=("$starter")
	wait_for_line "$pidfile" '[0-9]' 5
	victim=$(cat "$pidfile")
	CLEANUP_PIDS+=("$victim")
	held_by_kernel "$mode" "pid namespace: few small pids, host pid $victim absent" \
		pidns "$victim"
	held_by_kernel "$mode" "host pid $victim not signalable" signal "$victim"
	held_by_kernel "$mode" "host pid $victim unkillable (and kill -1)" kill "$victim"
	held_by_kernel "$mode" "host pid $victim not traceable (no filter)" \
		--policy "$NOFILTER" -- ptrace "$victim"
	held_by_kernel "$mode" "sandbox init not traceable (no filter)" \
		--policy "$NOFILTER" -- ptrace 1
	for policy in strict judge; do
		held "$mode" "$policy: host pid $victim not signalable" \
			--policy "$policy" -- signal "$victim"
		held "$mode" "$policy: host pid $victim unkillable" \
			--policy "$policy" -- kill "$victim"
		held "$mode" "$policy: host pid $victim not traceable" \
			--policy "$policy" -- ptrace "$victim"
	done
	check "[$mode] host victim still alive" kill -0 "$victim"
	escapes_outside "$mode" "pid $victim is signalable" signal "$victim"
	kill "$victim" 2>/dev/null
	{ wait "$starter"; } 2>/dev/null

	# Network.
	held_by_kernel "$mode" "only lo in /sys/class/net and /proc/net/dev" net-ifaces
	# The namespace a helper made beside PID 1's setup is the one the
	# sandbox sees (its own sysfs), with lo up only when the policy asks.
	run_sbx "$mode" --policy "$LOOPBACK" -- /bin/cat /sys/class/net/lo/flags
	check "[$mode] network LOOPBACK: lo up in the sandbox (flags $OUT)" \
		[ "$OUT" = 0x9 ]
	run_sbx "$mode" --policy "$NONET" -- /bin/cat /sys/class/net/lo/flags
	check "[$mode] network NONE: lo down in the sandbox (flags $OUT)" \
		[ "$OUT" = 0x8 ]
	if [ -n "$PORT" ]; then
		held_by_kernel "$mode" "host TCP listener 127.0.0.1:$PORT unreachable (no network, no filter)" \
			--policy "$NONET" -- net-connect 127.0.0.1 "$PORT"
		held_by_kernel "$mode" "host TCP listener unreachable with lo up (no filter)" \
			--policy "$LOOPBACK" -- net-connect 127.0.0.1 "$PORT"
		for policy in "$ITEST_POLICY" strict judge; do
			held "$mode" "${policy##*/}: host TCP listener unreachable" \
				--policy "$policy" -- net-connect 127.0.0.1 "$PORT"
		done
		escapes_outside "$mode" "127.0.0.1:$PORT is reachable" \
			net-connect 127.0.0.1 "$PORT"
	fi
	host_ip=$(ip -4 -o addr show scope global 2>/dev/null |
		awk '{ sub("/.*", "", $4); print $4; exit }')
	if [ -n "$host_ip" ] && [ -n "$PORT" ]; then
		held_by_kernel "$mode" "host address $host_ip unreachable (no filter)" \
			--policy "$LOOPBACK" -- net-connect "$host_ip" "$PORT"
	fi
	held_by_kernel "$mode" "host abstract socket @$ABSTRACT unreachable" \
		abstract-connect "$ABSTRACT"
	for policy in strict judge; do
		held "$mode" "$policy: host abstract socket unreachable" \
			--policy "$policy" -- abstract-connect "$ABSTRACT"
	done
	escapes_outside "$mode" "@$ABSTRACT is reachable" \
		abstract-connect "$ABSTRACT"

	# SysV IPC.
	held_by_kernel "$mode" "host SysV objects with key $IPC_KEY invisible" \
		sysv-ipc "$IPC_KEY"
	for policy in strict judge; do
		held "$mode" "$policy: host SysV objects invisible" \
			--policy "$policy" -- sysv-ipc "$IPC_KEY"
	done
	escapes_outside "$mode" "key $IPC_KEY is visible" sysv-ipc "$IPC_KEY"

	no_leftover_processes "$mode" "no sandbox process left"
done

itest_done

#!/bin/bash
# A run's life: exit codes, signals forwarded from the caller, orphans,
# nothing surviving the sandbox or its broker. Under ITEST_POLICY (build):
# orphans, background children and shells need fork and exec. The single
# program parts (exit codes, deaths by signal, a trapped signal) run under
# strict and judge as well.
# Isolation is checked under build, the weakest built-in policy (see lib.sh).
: "${ITEST_POLICY:=build}"
. "$(dirname "$0")/lib.sh"
itest_init

# start_bg MODE OUTFILE PROGRAM ARGS: sbx in the background with job control
# on, so SIGINT is not ignored in it the way a non-interactive shell ignores
# it for background jobs; sets BG to sbx's pid (setpriv and env exec).
start_bg() {
	local mode=$1 out=$2
	shift 2
	set -m
	if [ "$mode" = root ]; then
		"$SBXBIN" --policy "${BG_POLICY:-$ITEST_POLICY}" -- "$@" >"$out" 2>&1 &
	elif [ "$(id -u)" = 0 ]; then
		setpriv --reuid="$ITEST_UID" --regid="$ITEST_GID" --init-groups \
			"$SBXBIN" --policy "${BG_POLICY:-$ITEST_POLICY}" -- "$@" >"$out" 2>&1 &
	else
		"$SBXBIN" --policy "${BG_POLICY:-$ITEST_POLICY}" -- "$@" >"$out" 2>&1 &
	fi
	BG=$!
	set +m
	CLEANUP_PIDS+=("$BG")
}

# wait_bg: waits for $BG with a 20 s limit; sets RC.
wait_bg() {
	local i
	for ((i = 0; i < 200; i++)); do
		kill -0 "$BG" 2>/dev/null || break
		sleep 0.1
	done
	kill -0 "$BG" 2>/dev/null && kill -KILL "$BG"
	wait "$BG"
	RC=$?
}

for mode in $MODES; do
	# Exit codes.
	for code in 0 3 42 255; do
		expect_rc "$mode" "exit code $code propagates" "$code" \
			"$PROBE" exit "$code"
	done
	for sig in 9 15 11 6; do
		expect_rc "$mode" "death by signal $sig is 128+$sig" $((128 + sig)) \
			"$PROBE" kill-self "$sig"
	done
	expect_rc "$mode" "a shell's exit code propagates" 7 /bin/sh -c 'exit 7'
	for policy in strict judge; do
		expect_rc "$mode" "$policy: exit code 42 propagates" 42 \
			--policy "$policy" -- "$PROBE" exit 42
		expect_rc "$mode" "$policy: death by signal 15 is 143" 143 \
			--policy "$policy" -- "$PROBE" kill-self 15
	done
	no_leftover_processes "$mode" "no sandbox process left after the exits"

	# Signals sent to sbx reach the payload, which traps them.
	for spec in "2 INT 42" "15 TERM 43" "1 HUP 44"; do
		read -r num name code <<<"$spec"
		out=$WORK/trap-$mode-$name.out
		start_bg "$mode" "$out" "$PROBE" trap "$num" "$code" 20
		if wait_for_line "$out" ready 5; then
			kill -"$name" "$BG"
			wait_bg
		else
			RC="no ready line: $(cat "$out")"
			kill -KILL "$BG"
			wait "$BG"
		fi
		check "[$mode] SIG$name to sbx reaches the payload (exit $RC, want $code)" \
			[ "$RC" = "$code" ]
		grep -q "got signal $num" "$out" || note "$(cat "$out")"
	done
	# The same for a single program under strict and judge.
	for policy in strict judge; do
		out=$WORK/trap-$mode-$policy.out
		BG_POLICY=$policy start_bg "$mode" "$out" "$PROBE" trap 15 43 20
		if wait_for_line "$out" ready 5; then
			kill -TERM "$BG"
			wait_bg
		else
			RC="no ready line: $(cat "$out")"
			kill -KILL "$BG"
			wait "$BG"
		fi
		check "[$mode] $policy: SIGTERM to sbx reaches the payload (exit $RC, want 43)" \
			[ "$RC" = 43 ]
	done
	no_leftover_processes "$mode" "no sandbox process left after the signals"

	# The broker's stop request to PID 1 (SIGUSR1) cannot be forged from
	# inside: rootless the payload may signal PID 1 (same uid), which
	# must not end the run for it.
	run_sbx "$mode" -- /bin/sh -c 'kill -USR1 1 2>/dev/null; sleep 0.3; echo alive'
	check "[$mode] SIGUSR1 to PID 1 from inside ends nothing (exit $RC: $OUT)" \
		test "$RC" = 0 -a "$OUT" = alive

	# A payload that does not handle SIGINT dies of it: 130.
	out=$WORK/sleep-$mode.out
	start_bg "$mode" "$out" /bin/sh -c 'echo ready; exec sleep 20'
	wait_for_line "$out" ready 5
	sleep 0.2
	kill -INT "$BG"
	wait_bg
	check "[$mode] SIGINT kills an untrapping payload: exit 130 (got $RC)" \
		[ "$RC" = 130 ]

	# Orphans: a grandchild in its own session outlives the payload.
	expect_rc "$mode" "payload leaving an orphan exits 0" 0 "$PROBE" orphan
	no_leftover_processes "$mode" "the orphan did not survive the sandbox"
	expect_rc "$mode" "background children of a shell do not keep it alive" 0 \
		/bin/sh -c "'$VPROBE' sleep 100 & '$VPROBE' sleep 100 & '$VPROBE' orphan"
	check "[$mode] the shell started its children" \
		grep -q "orphan: left an orphan behind" <<<"$OUT"
	no_leftover_processes "$mode" "the background children did not survive"

	# The broker killed outright: the sandbox dies with it.
	out=$WORK/kill-$mode.out
	start_bg "$mode" "$out" /bin/sh -c \
		"'$VPROBE' orphan && echo ready; exec '$VPROBE' sleep 100"
	check "[$mode] payload started, left an orphan, sleeps" \
		wait_for_line "$out" ready 5
	kill -KILL "$BG"
	wait "$BG" 2>/dev/null
	no_leftover_processes "$mode" "nothing survives SIGKILL of sbx"

	# Without a PID namespace, PID 1's kill(-1) would reach every host
	# process of its uid: as root, the uid every other root-started
	# sandbox runs as. Such a neighbour must survive the run, and the
	# run's own children must not. Refusing is the other right answer,
	# where no v2 group can stop the run's processes.
	nopid=$(test_policy "nopid-$mode" 'namespaces { pid: false }')
	uid=$ITEST_UID
	[ "$mode" = root ] && uid=$(root_map_range | cut -d' ' -f1)
	if [ "$(id -u)" = 0 ]; then
		setpriv --reuid="$uid" --regid="$uid" --clear-groups \
			sleep 300 >/dev/null 2>&1 &
	else
		sleep 300 >/dev/null 2>&1 &
	fi
	neighbour=$!
	CLEANUP_PIDS+=("$neighbour")
	run_sbx "$mode" --policy "$nopid" -- /bin/sh -c \
		"'$VPROBE' sleep 100 & '$VPROBE' orphan; exit 3"
	if [ "$RC" = 125 ] && grep -q 'namespaces.pid is off' <<<"$ERR"; then
		ok "[$mode] no pid namespace, no v2 group: refused"
	else
		check "[$mode] no pid namespace: the payload's exit code (got $RC)" \
			[ "$RC" = 3 ]
	fi
	check "[$mode] no pid namespace: a neighbour of the same uid survives" \
		kill -0 "$neighbour"
	kill "$neighbour" 2>/dev/null
	wait "$neighbour" 2>/dev/null
	no_leftover_processes "$mode" "no pid namespace: nothing of the run survives"
done

itest_done

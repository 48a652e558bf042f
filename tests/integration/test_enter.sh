#!/bin/bash
# sbx list and sbx enter (issue 6): a running sandbox is listed for its
# owner only; a command entered into it shares its namespaces, root,
# cgroups and limits, runs with the payload's ids, no capabilities,
# no_new_privs and the policy's seccomp filter, cannot push input into the
# caller's terminal, ends with the sandbox, and passes its exit status on.
# Records of ended runs do not linger. As root and as an unprivileged user.
ITEST_POLICY=build
. "$(dirname "$0")/lib.sh"
itest_init

# start_sandbox MODE SBX-ARGS...: a sandbox in the background; sets SPID (the
# broker's pid), ID and IPID (its PID 1 on the host) once `sbx list` shows
# it, or fails the test.
start_sandbox() {
	local mode=$1 line i
	shift
	# not through in_mode: $! must be sbx itself, not a subshell
	if [ "$mode" = root ]; then
		"$SBXBIN" "$@" </dev/null >/dev/null 2>&1 &
	else
		setpriv --reuid="$ITEST_UID" --regid="$ITEST_GID" --init-groups \
			env HOME=/ "$SBXBIN" "$@" </dev/null >/dev/null 2>&1 &
	fi
	SPID=$!
	CLEANUP_PIDS+=("$SPID")
	ID='' IPID=''
	for i in $(seq 100); do
		line=$(in_mode "$mode" "$SBXBIN" list | grep " $MARK\$")
		if [ -n "$line" ]; then
			read -r ID IPID _ <<<"$line"
			return 0
		fi
		sleep 0.05
	done
	return 1
}

enter() {
	local mode=$1
	shift
	capture in_mode "$mode" "$SBXBIN" enter "$@"
}

for mode in $MODES; do
	# a command line no other sandbox has: the list's last column
	MARK="sleep 3$RANDOM"
	if ! start_sandbox "$mode" --policy build --pids 12 -- /bin/sh -c \
		"echo planted >/tmp/inside; exec $MARK" "$MARK"; then
		fail "[$mode] sbx list shows a running sandbox" \
			"$(in_mode "$mode" "$SBXBIN" list 2>&1)"
		continue
	fi
	# the sandbox's own command line ends in the marker
	list=$(in_mode "$mode" "$SBXBIN" list)
	check "[$mode] sbx list shows the sandbox: id, pid, policy, command" \
		grep -Eq "^$ID +$IPID +build +[0-9hms]+ +[-0-9.s]+ +[0-9.]+M +/bin/sh -c .*$MARK" \
		<<<"$list"

	# the same namespaces as the sandbox's payload (PID 1's only child;
	# rootless, PID 1 is not dumpable and its /proc files closed to us)
	payload=$(cat "/proc/$IPID/task/$IPID/children")
	payload=${payload%% *}
	same=1 detail=''
	for ns in user pid mnt net ipc uts cgroup; do
		want=$(in_mode "$mode" readlink "/proc/$payload/ns/$ns")
		enter "$mode" "$ID" -- readlink "/proc/self/ns/$ns"
		[ "$RC" = 0 ] && [ -n "$want" ] && [ "$OUT" = "$want" ] && continue
		same=0 detail+=" $ns: inside $OUT ($RC $ERR), sandbox $want;"
	done
	if [ "$same" = 1 ]; then
		ok "[$mode] the entered command shares the sandbox's 7 namespaces"
	else
		fail "[$mode] the entered command shares the sandbox's 7 namespaces" "$detail"
	fi
	enter "$mode" "${ID:0:5}" -- cat /tmp/inside
	check "[$mode] it sees the sandbox's root and its writes (id prefix)" \
		test "$RC:$OUT" = "0:planted"
	check "[$mode] control: the sandbox's write is not on the host" \
		test ! -e /tmp/inside

	# the payload's ids, nothing more
	run_sbx "$mode" --policy build -- /bin/sh -c 'id -u; id -g'
	payload_ids=$OUT
	enter "$mode" "$ID" -- /bin/sh -c 'id -u; id -g'
	check "[$mode] the payload's uid and gid ($(echo $OUT))" \
		test "$RC:$OUT" = "0:$payload_ids"
	enter "$mode" "$ID" -- "$VPROBE" caps
	check "[$mode] no capabilities, NoNewPrivs 1" \
		grep -q '^caps: held' <<<"$OUT"
	enter "$mode" "$ID" -- "$VPROBE" ptrace "$SPID"
	# held by the kernel, or by build's filter (SIGSYS: 159)
	check "[$mode] the broker is out of reach (ptrace: $RC)" \
		bash -c "[ '$RC' = 159 ] || grep -q '^ptrace: held' <<<'$OUT'"

	# the sandbox's process limit (12) counts the entered command's
	enter "$mode" "$ID" -- /bin/sh -c \
		'i=0; while [ $i -lt 20 ]; do sleep 1 & i=$((i+1)); echo $i; done'
	forks=$(tail -n1 <<<"$OUT")
	sleep 1.5 # until those are gone and the limit leaves room again
	if [ "${forks:-0}" -lt 12 ] 2>/dev/null && grep -qi "fork" <<<"$ERR"; then
		ok "[$mode] the sandbox's process limit holds for it ($forks forks)"
	else
		fail "[$mode] the sandbox's process limit holds for it" \
			"rc $RC forks $forks err $ERR"
	fi

	# exit status and errors
	enter "$mode" "$ID" -- /bin/sh -c 'exit 7'
	check "[$mode] the command's exit status comes back (7)" test "$RC" = 7
	enter "$mode" "$ID" -- no-such-command
	check "[$mode] a command missing inside: 127 and a message" \
		test "$RC" = 127 -a -n "$ERR"
	enter "$mode" 0123456789ab -- true
	check "[$mode] an unknown id: 125, 'no running sandbox'" \
		grep -q "no running sandbox" <<<"$RC $ERR"
	enter "$mode" ../../x -- true
	check "[$mode] a malformed id: 125, 'not a sandbox id'" \
		test "$RC" = 125 -a -n "$(grep 'not a sandbox id' <<<"$ERR")"

	# the entered command cannot fake input on the caller's terminal
	if command -v script >/dev/null; then
		TMARK=sbx-itest-enter-tiocsti-$$
		READ_BACK='for i in 1 2 3; do read -r -t 0.5 l && break; done; echo "host-read:$l"'
		out=$(in_mode "$mode" env SHELL=/bin/bash script -qec \
			"'$SBXBIN' enter $ID -- '$VPROBE' tiocsti $TMARK; $READ_BACK" \
			/dev/null 2>&1 | tr -d '\r')
		if [[ "$out" == *"host-read:$TMARK"* ]] || [[ "$out" != *"host-read:"* ]]; then
			fail "[$mode] TIOCSTI from the entered command stays off the caller's terminal" "$out"
		else
			ok "[$mode] TIOCSTI from the entered command stays off the caller's terminal"
		fi
	fi

	# sbx enter dies with the sandbox
	if [ "$mode" = root ]; then
		"$SBXBIN" enter "$ID" -- sleep 60 </dev/null >/dev/null 2>&1 &
	else
		setpriv --reuid="$ITEST_UID" --regid="$ITEST_GID" --init-groups \
			env HOME=/ "$SBXBIN" enter "$ID" -- sleep 60 </dev/null >/dev/null 2>&1 &
	fi
	epid=$!
	CLEANUP_PIDS+=("$epid")
	sleep 0.5
	kill -TERM "$SPID"
	for i in $(seq 100); do kill -0 "$epid" 2>/dev/null || break; sleep 0.05; done
	check "[$mode] the entered command ends with the sandbox" \
		bash -c "! kill -0 $epid 2>/dev/null"
	wait "$SPID" 2>/dev/null
	wait "$epid" 2>/dev/null
	check "[$mode] an ended sandbox is no longer listed" \
		bash -c "! '$SBXBIN' list | grep -q '^$ID '"

	# a broker killed outright leaves a record, which the next list drops
	MARK="sleep 4$RANDOM"
	if start_sandbox "$mode" --policy strict -- $MARK; then
		# strict: a forking shell is killed by the filter (SIGSYS)
		enter "$mode" "$ID" -- /bin/sh -c 'echo one; /bin/true; echo two'
		check "[$mode] strict's seccomp filter applies: a fork is fatal (159)" \
			test "$RC:$OUT" = "159:one"
		enter "$mode" "$ID" -- /bin/sh -c 'echo one'
		check "[$mode] control: without a fork the shell runs" \
			test "$RC:$OUT" = "0:one"
		kill -KILL "$SPID"
		wait "$SPID" 2>/dev/null
		for i in $(seq 100); do kill -0 "$IPID" 2>/dev/null || break; sleep 0.05; done
		recs=$(in_mode "$mode" "$SBXBIN" list | tail -n +2 | grep -c " $MARK\$")
		check "[$mode] a killed broker's sandbox is no longer listed" \
			test "$recs" = 0
	else
		fail "[$mode] sbx list shows a strict sandbox"
	fi
done

# Only the owner: the test user neither sees nor enters root's sandbox.
if [ "$MODES" = "root user" ]; then
	MARK="sleep 5$RANDOM"
	if start_sandbox root --policy build -- $MARK; then
		list=$(as_user "$SBXBIN" list)
		check "[user] root's sandbox is not in the user's list" \
			bash -c "! grep -q '$ID' <<<'$list'"
		enter user "$ID" -- true
		check "[user] root's sandbox cannot be entered by the user (125)" \
			test "$RC" = 125
		kill -TERM "$SPID"
		wait "$SPID" 2>/dev/null
	else
		fail "[root] sbx list shows a running sandbox (ownership test)"
	fi
fi

itest_done

#!/bin/bash
# The payload's identity and privileges: ids, capabilities, no_new_privs,
# inherited descriptors, setuid binaries, the terminal.
# Isolation is checked under build, the weakest built-in policy (see lib.sh).
: "${ITEST_POLICY:=build}"
. "$(dirname "$0")/lib.sh"
itest_init

IDS_POLICY=$(test_policy ids 'identity { uid: 4242 gid: 4343 }')
CAPS_POLICY=$(test_policy caps 'capabilities: ["net_bind_service", "kill"]')

# Setuid copies of the probe where the sandbox shows them (a lower-layer
# directory). The probe refuses every verb but report-ids when its ids
# differ, so the copies are harmless on the host meanwhile.
SUID_DIR=$(mktemp -d /sbx-itest-suid.XXXXXX) || exit 1
CLEANUP+=("$SUID_DIR")
chmod 755 "$SUID_DIR"
ROOT_BASE=
[ "$(id -u)" = 0 ] && read -r ROOT_BASE _ < <(root_map_range)

# make_suid NAME OWNER GROUP MODE
make_suid() {
	cp "$PROBE" "$SUID_DIR/$1" &&
		chown "$2:$3" "$SUID_DIR/$1" && chmod "$4" "$SUID_DIR/$1"
}

for mode in $MODES; do
	# ids and capabilities.
	held_by_kernel "$mode" "uid and gid 1000 as the policy says" ids 1000 1000
	held_by_kernel "$mode" "uid 4242 gid 4343 from a custom policy" \
		--policy "$IDS_POLICY" -- ids 4242 4343
	escapes_outside "$mode" "the ids differ" ids 1000 1000
	held_by_kernel "$mode" "capabilities all zero, NoNewPrivs 1" caps
	escapes_outside "$mode" "capabilities or NoNewPrivs differ" caps
	# Kept capabilities: exactly those (kill is 5, net_bind_service 10),
	# in every set, the bounding set included, and still no_new_privs.
	run_sbx "$mode" --policy "$CAPS_POLICY" -- /bin/grep -E '^(Cap|NoNewPrivs)' /proc/self/status
	check "[$mode] a policy's capabilities kept, no other (0x420 in every set)" \
		[ "$(awk '{print $2}' <<<"$OUT" | sort | uniq -c | awk '{print $1, $2}' |
			tr '\n' ' ')" = "5 0000000000000420 1 1 " ]

	# Descriptors of the caller.
	capture in_mode "$mode" bash -c \
		'exec 5</etc/passwd 7</etc/hostname 9>/dev/null; exec "$@"' \
		_ "$SBXBIN" --policy "$ITEST_POLICY" -- "$PROBE" fds
	if [ "$RC" = 0 ] && [[ "$OUT" == *"held"* ]]; then
		ok "[$mode] descriptors 5, 7, 9 of the caller not inherited"
	else
		fail "[$mode] descriptors 5, 7, 9 of the caller not inherited" \
			"exit $RC: $OUT $ERR"
	fi
	capture in_mode "$mode" bash -c \
		'exec 5</etc/passwd 7</etc/hostname; exec "$@"' _ "$PROBE" fds
	check "[$mode] control: outside the sandbox, descriptors 5 and 7 seen" \
		[ "$RC" = 1 ]

	# Setuid binaries gain nothing.
	if [ "$mode" = root ]; then
		make_suid suid-root 0 0 6755
		make_suid suid-nsroot "$ROOT_BASE" "$ROOT_BASE" 6755
		held_by_kernel "$mode" "setuid-root binary gains nothing" \
			setuid-exec "$SUID_DIR/suid-root"
		held_by_kernel "$mode" "binary setuid to the sandbox's root gains nothing" \
			setuid-exec "$SUID_DIR/suid-nsroot"
	else
		make_suid suid-root 0 0 6755
		held_by_kernel "$mode" "setuid-root binary gains nothing" \
			setuid-exec "$SUID_DIR/suid-root"
		[ "$(id -u)" = 0 ] && escapes_outside "$mode" \
			"the setuid-root binary gives euid 0" \
			setuid-exec "$SUID_DIR/suid-root"
	fi
	rm -f "$SUID_DIR"/suid-*
	held_by_kernel "$mode" "/usr/bin setuid binaries keep their owner unmapped" \
		read /etc/shadow

	# TIOCSTI: the probe fakes input (MARK and a newline) on its stdin and
	# on /dev/tty, and the caller's shell then reads its terminal: MARK
	# there is the escape. Two ways in: stdin and stdout terminals (sbx
	# gives the payload a pseudo-terminal of its own, where pushing input
	# is harmless; it must not be the caller's), and stdout redirected
	# (fd 0 is the caller's terminal itself; the payload, in a new session,
	# must not be able to push into it nor open /dev/tty). Without a
	# filter the kernel alone must refuse; under build, strict and judge
	# the filter may refuse first (TIOCSTI fails with EPERM; strict's
	# filter ends the run, SYS, at the open of /dev/tty for writing).
	if command -v script >/dev/null; then
		MARK=sbx-itest-tiocsti-$$
		json=$WORK/results/tiocsti-$mode.json
		pout=$WORK/results/tiocsti-$mode.out
		# The caller's terminal, as the probe names terminals.
		HOST_TTY='printf "host-tty:%d:%d\n" 0x$(stat -Lc %t /dev/stdin) 0x$(stat -Lc %T /dev/stdin)'
		# script(1) runs the command with $SHELL, and READ_BACK needs
		# bash's read -t (CI may run with SHELL unset, meaning /bin/sh).
		# (script may pass its stdin's end on as an end-of-file ahead of
		# the faked input: read on past it)
		READ_BACK='for i in 1 2 3; do read -r -t 0.5 l && break; done; echo "host-read:$l"'
		for policy in "$NOFILTER" "$ITEST_POLICY" strict judge; do
			name=$policy
			[ "$policy" = "$NOFILTER" ] && name="no filter"
			sbx="'$SBXBIN' --policy '$policy' --json '$json' -- '$PROBE' tiocsti $MARK"
			for how in pty caller; do
				rm -f "$json" "$pout"
				if [ "$how" = pty ]; then
					cmd="$HOST_TTY; $sbx; $READ_BACK"
				else
					cmd="$HOST_TTY; $sbx >'$pout' 2>&1; $READ_BACK"
				fi
				out=$(in_mode "$mode" env SHELL=/bin/bash script -qec "$cmd" /dev/null 2>&1 |
					tr -d '\r')
				[ "$how" = caller ] && out+=$'\n'$(cat "$pout" 2>/dev/null)
				verdict=$(sed -n 's/.*"verdict": "\([A-Z]*\)".*/\1/p' "$json" 2>/dev/null)
				host_tty=$(sed -n 's/^host-tty://p' <<<"$out")
				desc="[$mode] $name: TIOCSTI cannot fake input on the caller's terminal ($how)"
				if [[ "$out" == *"host-read:$MARK"* ]] || [ -z "$host_tty" ]; then
					fail "$desc" "verdict ${verdict:-?}: $out"
				elif [[ "$out" == *"tiocsti: held"* ]]; then
					ok "$desc"
				elif [ "$policy" != "$NOFILTER" ] && [ "$verdict" = SYS ] &&
					[[ "$out" != *"tiocsti: ESCAPE"* ]]; then
					ok "$desc (verdict SYS)"
				elif [ "$how" = pty ] &&
					[[ "$out" == *"tiocsti: ESCAPE: "* ]] &&
					[[ "$out" != *"(tty $host_tty)"* ]]; then
					# the sandbox's own terminal, not the caller's
					ok "$desc (own terminal)"
				else
					fail "$desc" "verdict ${verdict:-?}: $out"
				fi
			done
		done
		rm -f "$json" "$pout"
		out=$(in_mode "$mode" env SHELL=/bin/bash script -qec \
			"'$PROBE' tiocsti $MARK; $READ_BACK" /dev/null 2>&1 | tr -d '\r')
		if [[ "$out" == *"host-read:$MARK"* ]]; then
			ok "[$mode] control: outside the sandbox, TIOCSTI fakes input on the terminal"
		else
			fail "[$mode] control: outside the sandbox, TIOCSTI fakes input on the terminal" \
				"$out"
		fi
	else
		note "SKIP TIOCSTI: script(1) is missing"
	fi

	# strict and judge: a single program's descriptors.
	for policy in strict judge; do
		capture in_mode "$mode" bash -c \
			'exec 5</etc/passwd 7</etc/hostname 9>/dev/null; exec "$@"' \
			_ "$SBXBIN" --policy "$policy" -- "$PROBE" fds
		if [ "$RC" = 0 ] && [[ "$OUT" == *"fds: held"* ]]; then
			ok "[$mode] $policy: descriptors 5, 7, 9 of the caller not inherited"
		else
			fail "[$mode] $policy: descriptors 5, 7, 9 of the caller not inherited" \
				"exit $RC: $OUT $ERR"
		fi
	done

	no_leftover_processes "$mode" "no sandbox process left"
done

itest_done

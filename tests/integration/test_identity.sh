#!/bin/bash
# The payload's identity and privileges: ids, capabilities, no_new_privs,
# inherited descriptors, setuid binaries, the terminal.
. "$(dirname "$0")/lib.sh"
itest_init

IDS_POLICY=$(new_policy ids 'extends: "strict"
identity { uid: 4242 gid: 4343 }')

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
	held "$mode" "uid and gid 1000 as the policy says" ids 1000 1000
	held "$mode" "uid 4242 gid 4343 from a custom policy" \
		--policy "$IDS_POLICY" -- ids 4242 4343
	escapes_outside "$mode" "the ids differ" ids 1000 1000
	held "$mode" "capabilities all zero, NoNewPrivs 1" caps
	escapes_outside "$mode" "capabilities or NoNewPrivs differ" caps

	# Descriptors of the caller.
	capture in_mode "$mode" bash -c \
		'exec 5</etc/passwd 7</etc/hostname 9>/dev/null; exec "$@"' \
		_ "$SBXBIN" --policy strict -- "$PROBE" fds
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
		held "$mode" "setuid-root binary gains nothing" \
			setuid-exec "$SUID_DIR/suid-root"
		held "$mode" "binary setuid to the sandbox's root gains nothing" \
			setuid-exec "$SUID_DIR/suid-nsroot"
	else
		make_suid suid-root 0 0 6755
		held "$mode" "setuid-root binary gains nothing" \
			setuid-exec "$SUID_DIR/suid-root"
		[ "$(id -u)" = 0 ] && escapes_outside "$mode" \
			"the setuid-root binary gives euid 0" \
			setuid-exec "$SUID_DIR/suid-root"
	fi
	rm -f "$SUID_DIR"/suid-*
	held "$mode" "/usr/bin setuid binaries keep their owner unmapped" \
		read /etc/shadow

	# TIOCSTI: stdin is a terminal (script's pty), the payload in a new
	# session without a controlling terminal.
	if command -v script >/dev/null; then
		out=$(in_mode "$mode" script -qec \
			"'$SBXBIN' --policy strict -- '$PROBE' tiocsti" /dev/null 2>&1 |
			tr -d '\r')
		if [[ "$out" == *"tiocsti: held"* ]]; then
			ok "[$mode] TIOCSTI and /dev/tty refused"
		else
			fail "[$mode] TIOCSTI and /dev/tty refused" "$out"
		fi
		out=$(in_mode "$mode" script -qec "'$PROBE' tiocsti" /dev/null \
			2>&1 | tr -d '\r')
		check "[$mode] control: outside the sandbox, TIOCSTI works" \
			grep -q "tiocsti: ESCAPE" <<<"$out"
	else
		note "SKIP TIOCSTI: script(1) is missing"
	fi

	no_leftover_processes "$mode" "no sandbox process left"
done

itest_done

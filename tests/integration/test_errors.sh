#!/bin/bash
# Error paths: a missing program, a missing bind source, policies that
# cannot be satisfied. Each fails with the right code and one clear line,
# and leaves no mount, process or temporary file behind.
# Isolation is checked under build, the weakest built-in policy (see lib.sh).
: "${ITEST_POLICY:=build}"
. "$(dirname "$0")/lib.sh"
itest_init

MISSING=/nonexistent-sbx-itest/prog
MISSING_SRC=/nonexistent-sbx-itest-src
BAD_LAYER=$(test_policy bad-layer 'filesystem { layers: ["/nonexistent-sbx-itest-layer"] }')
BAD_DEVICE=$(test_policy bad-device 'devices { path: "/dev/nonexistent-sbx-itest" access: "r" }')
BAD_WORKDIR=$(test_policy bad-workdir 'filesystem { workdir: "/nonexistent-sbx-itest-dir" }')
BAD_SYNTAX=$(test_policy bad-syntax 'filesystem { write_layer_bytes: "lots" }')

# error_lines: the lines of $ERR that are errors (hints excluded).
error_lines() {
	grep -v '^sbx: hint:' <<<"$ERR" | grep -c .
}

# after_error MODE WHAT: the host is as it was before.
after_error() {
	local mode=$1 what=$2
	check "[$mode] $what: host mount table unchanged" \
		[ "$(host_mounts)" = "$MOUNTS_BEFORE" ]
	check "[$mode] $what: no temporary files left" \
		[ "$(temp_entries)" = "$TEMP_BEFORE" ]
	no_leftover_processes "$mode" "$what: no process left"
}

# error_case MODE WHAT WANT_RC MUST_MENTION [SBX OPTIONS --] PROGRAM ARGS
error_case() {
	local mode=$1 what=$2 want=$3 mention=$4
	shift 4
	expect_rc "$mode" "$what" "$want" "$@"
	local n
	n=$(error_lines)
	if [ "$n" = 1 ] && grep -qF -- "$mention" <<<"$ERR"; then
		ok "[$mode] $what: one error line naming $mention"
	else
		fail "[$mode] $what: one error line naming $mention" \
			"$n error lines: $ERR"
	fi
	[ -z "$OUT" ] || fail "[$mode] $what: nothing on stdout" "$OUT"
	after_error "$mode" "$what"
}

MOUNTS_BEFORE=$(host_mounts)
TEMP_BEFORE=$(temp_entries)

for mode in $MODES; do
	error_case "$mode" "missing program by path" 127 "$MISSING" "$MISSING"
	error_case "$mode" "missing program by name" 127 sbx-itest-no-such-prog \
		sbx-itest-no-such-prog
	error_case "$mode" "missing bind source" 125 "$MISSING_SRC" \
		--ro-bind "$MISSING_SRC:/opt/x" -- "$PROBE" exit 0
	error_case "$mode" "missing read-write bind source" 125 "$MISSING_SRC" \
		--bind "$MISSING_SRC:/opt/x" -- "$PROBE" exit 0
	error_case "$mode" "policy with a missing root layer" 125 layer --policy "$BAD_LAYER" -- "$PROBE" exit 0
	error_case "$mode" "policy with a missing device" 125 \
		/dev/nonexistent-sbx-itest --policy "$BAD_DEVICE" -- "$PROBE" exit 0
	error_case "$mode" "policy with a missing working directory" 125 \
		/nonexistent-sbx-itest-dir --policy "$BAD_WORKDIR" -- "$PROBE" exit 0
	error_case "$mode" "policy that does not parse" 125 "$BAD_SYNTAX" \
		--policy "$BAD_SYNTAX" -- "$PROBE" exit 0
	error_case "$mode" "missing policy file" 125 /nonexistent-sbx-itest.txtpb \
		--policy /nonexistent-sbx-itest.txtpb -- "$PROBE" exit 0

	# A sandbox that works after all these failures.
	expect_rc "$mode" "a good run after the failures" 0 "$PROBE" exit 0
	after_error "$mode" "all runs"
done

itest_done

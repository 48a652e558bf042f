#!/bin/bash
# sbx doctor on this host, and where user namespaces are forbidden: doctor
# names the missing feature with a fix, and a run fails with one clear line,
# a hint, exit 125 and nothing left behind. Root and user modes.
set -u
. "$(dirname "$0")/lib.sh"
itest_init

out=$("$SBX" doctor 2>&1)
rc=$?
if [ $rc -eq 0 ] && grep -q '^ok   user namespaces' <<<"$out" &&
   grep -q '^ok   overlayfs in a user namespace' <<<"$out"; then
	ok "doctor: every required feature present (exit 0)"
else
	fail "doctor: exit $rc: $out"
fi

# A prefix that runs a command where creating user namespaces fails, as on
# a kernel or distribution that forbids them: in a user namespace of our own
# whose user.max_user_namespaces (a per-namespace limit) is 0.
# It names the pid sbx will have, so that groups other tests make meanwhile
# are not taken for ours.
no_userns=(unshare -Ur sh -c
	'echo 0 > /proc/sys/user/max_user_namespaces && echo "pid $$" >&2 &&
	 exec "$@"' sh)

for mode in $MODES; do
	out=$(in_mode "$mode" "${no_userns[@]}" "$SBXBIN" doctor 2>&1)
	rc=$?
	if [ $rc -ne 0 ] && grep -q '^FAIL user namespaces' <<<"$out" &&
	   grep -q 'hint: sysctl -w user.max_user_namespaces' <<<"$out"; then
		ok "[$mode] doctor: missing user namespaces named with a fix (exit $rc)"
	else
		fail "[$mode] doctor without user namespaces: exit $rc" "$out"
	fi

	before=$(host_mounts)
	cg_before=$(find /sys/fs/cgroup -maxdepth 4 -name 'sbx-*' 2>/dev/null | sort)
	err=$(in_mode "$mode" "${no_userns[@]}" "$SBXBIN" --policy strict -- /bin/true 2>&1)
	rc=$?
	if [ $rc -eq 125 ] && grep -q 'user namespaces look disabled' <<<"$err" &&
	   [ "$(grep -c '^sbx: ' <<<"$err")" -eq 2 ] &&
	   [ "$(grep -c '^sbx: hint: ' <<<"$err")" -eq 1 ]; then
		ok "[$mode] run without user namespaces: one line, a hint, exit 125"
	else
		fail "[$mode] run without user namespaces: exit $rc" "$err"
	fi
	cg_after=$(find /sys/fs/cgroup -maxdepth 4 -name 'sbx-*' 2>/dev/null | sort)
	# groups may come and go meanwhile (other runs on the machine); none
	# of this sbx (sbx-<its pid>-<hex>) may appear
	pid=$(sed -n 's/^pid //p' <<<"$err")
	cg_new=$(comm -13 <(echo "$cg_before") <(echo "$cg_after") |
		grep -e "/sbx-${pid:-unknown}-" -e "/sbx-broker-${pid:-unknown}\$")
	if [ -n "$pid" ] && [ "$(host_mounts)" = "$before" ] && [ -z "$cg_new" ]; then
		ok "[$mode] run without user namespaces: no mount or cgroup left"
	else
		fail "[$mode] run without user namespaces left something" \
			"sbx pid [$pid], new cgroups: [$cg_new]"
	fi
done
itest_done

#!/bin/bash
# Limits and accounting (issue 4) against real cgroups: memory bomb -> MLE,
# fork bomb contained, CPU spin and 4 threads -> TLE at the limit, an
# orphaned spinner still counted, sleep -> WLE, output flood -> OLE with the
# file capped, no group left behind (also after kill -9 of sbx). As root,
# as an unprivileged user with a delegated cgroup subtree (as an admin or
# systemd's Delegate=yes gives one), and as that user without delegation
# (rlimits and rusage, said so in the result).
set -u
. "$(dirname "$0")/lib.sh"
itest_init
: "${SBX_HOG:?SBX_HOG must name the sbx-hog binary}"
cp "$SBX_HOG" "$WORK/sbx-hog" && chmod 755 "$WORK/sbx-hog"
HOG=$WORK/sbx-hog

# json FILE KEY: the scalar after "KEY": in the one-line JSON result.
json() {
	grep -o "\"$2\": [^,}]*" "$1" | head -1 | sed 's/^[^:]*: //; s/"//g'
}

sbx_groups() {
	find /sys/fs/cgroup -maxdepth 6 -type d -name 'sbx-[0-9]*' 2>/dev/null | sort
}

# Groups whose broker is gone, under this test's own groups (where its
# runs make theirs): what a leak looks like. Other sessions on the machine
# have groups of their own elsewhere, not ours to judge.
our_parents() {
	local line ctrls path h
	while IFS=: read -r _ ctrls path; do
		[ -z "$ctrls" ] && h=unified || h=${ctrls#name=}
		[ -d "/sys/fs/cgroup/$h$path" ] && echo "/sys/fs/cgroup/$h$path"
	done </proc/self/cgroup
}
stale_groups() {
	local g pid parent
	for parent in $(our_parents); do
		for g in "$parent"/sbx-[0-9]*; do
			[ -d "$g" ] || continue
			pid=${g##*/sbx-}
			pid=${pid%%-*}
			kill -0 "$pid" 2>/dev/null || echo "$g"
		done
	done
}

# limits MODE LABEL: the checks, in one mode; LABEL names it in the output.
limits() {
	local mode=$1 label=$2 res=$WORK/result.json acct
	: >"$res"
	chmod 666 "$res"

	run_sbx "$mode" --policy strict --memory 128M --json "$res" -- "$HOG" mem 400
	acct=$(json "$res" accounting)
	if [ "$acct" = cgroup ]; then
		check "[$label] 400 MiB under 128M: MLE, OOM kill reported (exit $RC)" \
			test "$(json "$res" verdict)" = MLE -a "$(json "$res" oom_killed)" = true -a $RC = 137
	else
		# no cgroup: the broker samples the tree's resident memory
		check "[$label] 400 MiB under 128M without a cgroup: MLE by sampled RSS (exit $RC)" \
			test "$(json "$res" verdict)" = MLE -a $RC = 137
		check "[$label] without a cgroup the result says why" test -n "$(json "$res" note)"
	fi

	run_sbx "$mode" --policy strict --memory 128M --json "$res" -- "$HOG" mem 64
	local peak rss
	peak=$(json "$res" cgroup_peak_bytes) rss=$(json "$res" rusage_max_rss_bytes)
	check "[$label] 64 MiB under 128M: OK" test "$(json "$res" verdict)" = OK
	check "[$label] peak RSS (rusage) within 64..80 MiB ($rss)" \
		test "${rss:-0}" -ge $((64 << 20)) -a "${rss:-0}" -le $((80 << 20))
	if [ "$acct" = cgroup ]; then
		check "[$label] cgroup peak within 64..96 MiB ($peak)" \
			test "${peak:-0}" -ge $((64 << 20)) -a "${peak:-0}" -le $((96 << 20))
	fi

	run_sbx "$mode" --policy judge --pids 32 --json "$res" -- "$HOG" forkbomb
	local forks=${OUT##* }
	if [ "$acct" = cgroup ]; then
		check "[$label] fork bomb contained by pids: $forks forks (<= 32)" \
			test $RC = 0 -a -n "$forks" -a "${forks:-999}" -le 32
	else
		# RLIMIT_NPROC, which counts the sandbox's user namespace:
		# the payload and its 31 children, nothing of sbx's own
		check "[$label] fork bomb contained by RLIMIT_NPROC: $forks forks (= 31)" \
			test $RC = 0 -a "${forks:-0}" = 31
	fi

	local cpu verdict
	for payload in "strict spin" "judge threads 4" "judge orphan-spin" \
		"judge thread-fork-spin"; do
		set -- $payload
		local pol=$1
		shift
		run_sbx "$mode" --policy "$pol" --time 1s --wall-time 20s --json "$res" -- "$HOG" "$@"
		note "[$label] $*: $(cat "$res")"
		cpu=$(json "$res" total) verdict=$(json "$res" verdict)
		if [ "$acct" = cgroup ]; then
			check "[$label] $* under --time 1s: TLE with CPU $cpu s (1.00..1.25)" \
				awk -v v="$verdict" -v c="${cpu:-0}" \
				'BEGIN { exit !(v == "TLE" && c >= 1.0 && c <= 1.25) }'
		else
			# the broker sums the tree's CPU from /proc (clock
			# ticks): every process counts, not each for itself
			# as with RLIMIT_CPU; rusage's figure is coarser (and
			# skewed by steal time in a VM)
			check "[$label] $* under --time 1s: TLE by the tree's sampled CPU, rusage CPU $cpu s" \
				awk -v v="$verdict" -v c="${cpu:-0}" \
				'BEGIN { exit !(v == "TLE" && c >= 0.5 && c <= 1.25) }'
		fi
	done

	# A run the broker ends (a wall-clock limit, a forbidden call) is
	# still measured: PID 1 kills, reaps and reports its rusage.
	: >"$res"
	run_sbx "$mode" --policy strict --time 1s --wall-time 1s --json "$res" -- "$HOG" cpu-sleep 300
	cpu=$(json "$res" total) rss=$(json "$res" rusage_max_rss_bytes)
	check "[$label] 300 ms of CPU, then sleep under --wall-time 1s: WLE, CPU $cpu s, peak RSS $rss" \
		awk -v v="$(json "$res" verdict)" -v c="${cpu:-0}" -v r="${rss:-0}" \
		'BEGIN { exit !(v == "WLE" && c >= 0.15 && c <= 0.6 && r > 0) }'
	: >"$res"
	run_sbx "$mode" --policy strict --json "$res" -- "$HOG" cpu-socket 300
	cpu=$(json "$res" total) rss=$(json "$res" rusage_max_rss_bytes)
	check "[$label] 300 ms of CPU, then socket(2) under strict: SYS, CPU $cpu s, peak RSS $rss" \
		awk -v v="$(json "$res" verdict)" -v c="${cpu:-0}" -v r="${rss:-0}" \
		'BEGIN { exit !(v == "SYS" && c >= 0.15 && c <= 0.6 && r > 0) }'

	run_sbx "$mode" --policy strict --time 1s --wall-time 1s --json "$res" -- /bin/sleep 30
	check "[$label] sleep 30 under --wall-time 1s: WLE after $(json "$res" wall_time) s" \
		awk -v v="$(json "$res" verdict)" -v w="$(json "$res" wall_time)" \
		'BEGIN { exit !(v == "WLE" && w >= 1.0 && w < 3) }'

	local out=$WORK/out.$label err=$WORK/err.$label
	: >"$out" && : >"$err" && chmod 666 "$out" "$err"
	run_sbx "$mode" --policy strict --stdout "$out" --stderr "$err" --json "$res" -- "$HOG" write 1024
	local total=$(($(stat -c %s "$out") + $(stat -c %s "$err")))
	check "[$label] 1 GiB to stdout+stderr under 64 MiB: OLE, files capped at $total bytes" \
		test "$(json "$res" verdict)" = OLE -a $total = 67108864
	rm -f "$out" "$err"
}

# Moves this shell into a group of each v1 hierarchy sbx uses and into the
# unified one, all owned by the test user, as a delegation does (sbx then
# makes its groups under the caller's own); undelegate moves it back.
DELEG=sbx-itest-deleg-$$
HIERARCHIES="memory pids cpu cpuacct unified"
declare -A HOME_GROUP
delegate() {
	local h d
	for h in $HIERARCHIES; do
		d=/sys/fs/cgroup/$h/$DELEG
		[ -d "/sys/fs/cgroup/$h" ] || continue
		if [ "$h" = unified ]; then
			HOME_GROUP[$h]=$(sed -n 's/^0:://p' /proc/self/cgroup)
		else
			HOME_GROUP[$h]=$(awk -F: -v h="$h" '$2 == h { print $3 }' /proc/self/cgroup)
		fi
		mkdir -p "$d/shell" || return 1
		chown -R "$ITEST_UID:$ITEST_GID" "$d"
		echo $$ >"$d/shell/cgroup.procs" || return 1
	done
}
undelegate() {
	local h
	for h in $HIERARCHIES; do
		[ -d "/sys/fs/cgroup/$h/$DELEG" ] || continue
		echo $$ >"/sys/fs/cgroup/$h${HOME_GROUP[$h]:-}/cgroup.procs"
		rmdir "/sys/fs/cgroup/$h/$DELEG/shell" "/sys/fs/cgroup/$h/$DELEG" 2>/dev/null
	done
}

for mode in $MODES; do
	if [ "$mode" = user ] && [ "$(id -u)" = 0 ]; then
		if delegate; then
			limits user user-delegated
		else
			fail "[user-delegated] could not delegate"
		fi
		undelegate
	fi
	limits "$mode" "$mode"
done
# Hierarchies away from their usual places: in a mount namespace of the
# test's own, /sys/fs/cgroup is moved elsewhere, so sbx's check of the
# usual places fails and it reads mountinfo (broker/cgroup.c discover()).
# The run must still be limited by the same groups, and leave none.
if [ "$(id -u)" = 0 ] && command -v unshare >/dev/null; then
	res=$WORK/moved.json
	mkdir -p "$WORK/cg"
	capture unshare -m --propagation private sh -c \
		'mount --move /sys/fs/cgroup "$1" && shift && exec "$@"' sh \
		"$WORK/cg" "$SBXBIN" --policy strict --memory 128M --json "$res" \
		-- "$HOG" mem 400
	check "[root] cgroups found in mountinfo when moved: MLE in a cgroup (exit $RC)" \
		test "$(json "$res" accounting)" = cgroup -a \
		"$(json "$res" verdict)" = MLE -a $RC = 137
	[ "$RC" = 137 ] || note "$OUT $ERR"
fi
stale=$(stale_groups)
if [ -z "$stale" ]; then
	ok "no cgroup left behind by any run above"
else
	fail "no cgroup left behind by any run above" $stale
fi

# cpuset and disk bandwidth, read from the run's groups while it runs.
if [ "$(id -u)" = 0 ]; then
	"$SBXBIN" --policy build --cpus 0 --io-read-bps 20M --io-write-bps 10M \
		--stdout "$WORK/cpus.out" -- /bin/sh -c \
		'grep Cpus_allowed_list /proc/self/status; sleep 2' &
	pid=$!
	sleep 1
	cpus=$(cat /sys/fs/cgroup/cpuset/*/sbx-$pid-*/cpuset.cpus \
		/sys/fs/cgroup/cpuset/sbx-$pid-*/cpuset.cpus \
		/sys/fs/cgroup/sbx-$pid-*/cpuset.cpus 2>/dev/null | head -1)
	io=$(cat /sys/fs/cgroup/blkio/sbx-$pid-*/blkio.throttle.write_bps_device \
		/sys/fs/cgroup/blkio/*/sbx-$pid-*/blkio.throttle.write_bps_device \
		/sys/fs/cgroup/sbx-$pid-*/io.max 2>/dev/null | head -1)
	wait $pid
	check "--cpus 0: the group's cpuset.cpus is 0 ($cpus)" test "$cpus" = 0
	check "--cpus 0: inside, Cpus_allowed_list is 0" \
		grep -q 'Cpus_allowed_list:.0$' "$WORK/cpus.out"
	check "--io-write-bps 10M: the group throttles writes ($io)" \
		grep -qE '10485760$|wbps=10485760' <<<"$io"
fi

# kill -9 of sbx: its groups stay until the next run removes them.
if [ "$(id -u)" = 0 ]; then
	"$SBXBIN" --policy strict -- /bin/sleep 30 &
	pid=$!
	sleep 0.5
	kill -9 $pid
	wait $pid 2>/dev/null
	left=$(sbx_groups | grep -c "sbx-$pid-")
	run_sbx root --policy strict -- /bin/true
	check "kill -9 of sbx: its $left groups removed by the next run" \
		test "$left" -gt 0 -a "$(sbx_groups | grep -c "sbx-$pid-")" = 0
	check "kill -9 of sbx: its sandbox died with it" \
		test -z "$(pgrep -f "^/bin/sleep 30$")"
fi
itest_done

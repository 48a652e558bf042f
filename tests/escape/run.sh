#!/bin/bash
# The escape suite (issue 7): every attack of tests/escape/escape-*.c, run in
# a real sandbox under every built-in policy, as root and as an unprivileged
# user, with host-side checks where the host can tell (a planted secret, a
# host process, host listeners, the sbx binary, cgroups, mounts, hostname,
# core_pattern, the caller's keyring and terminal).
#
# One line per attack x policy x mode ("ok - [root/strict] mount: held: ..."),
# then "N passed, M failed"; exit 1 on any failure, 77 when the kernel has
# no user namespaces (a failure with SBX_MUST_WORK=1).
#
# Verdicts: the program prints "held" (exit 0) or "ESCAPE" (exit 1). Exit
# 159 (the broker's SYS verdict, or SIGSYS) with no ESCAPE line is "held by
# the seccomp filter". For the bombs, being killed by a limit (137 = SIGKILL,
# 152 = SIGXCPU, 153 = SIGXFSZ) is held too. An ESCAPE is never held. A run
# that sbx could not start for EAGAIN (the test user's other processes, as
# other suites run as the same user) is retried once.
#
# Environment: SBX (the sbx binary), SBX_ESCAPE_DIR (the escape programs;
# default $SBX_BUILD_DIR/tests/escape), ESCAPE_POLICIES (default
# "strict judge build"), ESCAPE_ONLY (a regex of attack names to run),
# ESCAPE_SKIP (a regex of attack names not to run; default none),
# ESCAPE_MODES (as root: default "root user"), ITEST_USER (default
# sbx-itest, created when missing), SBX_ESCAPE_SCOPE (a command, split at
# spaces, that each run's sbx is started through, as the run's user and
# after any wrapper: it must exec its arguments in the same process; the VM
# harness uses it to give every sbx a cgroup of its own, as `systemd-run
# --scope` would).
#
# Bash, and besides setpriv (--reuid, --regid, --init-groups,
# --clear-groups) and useradd (only when ITEST_USER is missing) only
# commands and options that busybox also has: tests/vm runs this suite in
# a busybox guest.
set -u

: "${SBX:?SBX must name the sbx binary}"
EDIR=${SBX_ESCAPE_DIR:-${SBX_BUILD_DIR:-}/tests/escape}
POLICIES=${ESCAPE_POLICIES:-strict judge build}
ONLY=${ESCAPE_ONLY:-.}
SKIP=${ESCAPE_SKIP:-}
read -r -a SCOPE <<<"${SBX_ESCAPE_SCOPE:-}"
ITEST_USER=${ITEST_USER:-sbx-itest}
PASSED=0
FAILED=0
FAILED_NAMES=()
PIDS=()
D=
SECRET_DIRS=()

ok() { PASSED=$((PASSED + 1)); echo "ok - $*"; }
not_ok() {
	FAILED=$((FAILED + 1))
	FAILED_NAMES+=("$1")
	echo "not ok - $1"
	shift
	local l
	for l in "$@"; do printf '#   %s\n' "$l"; done
}

cleanup() {
	local p
	for p in "${PIDS[@]+"${PIDS[@]}"}"; do
		kill -KILL "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
	[ -n "$D" ] && rm -rf -- "$D"
	for p in "${SECRET_DIRS[@]+"${SECRET_DIRS[@]}"}"; do rm -rf -- "$p"; done
	return 0
}
trap cleanup EXIT
trap 'exit 130' INT TERM

skip_or_fail() {
	if [ "${SBX_MUST_WORK:-0}" = 1 ]; then
		echo "not ok - $* (SBX_MUST_WORK=1)"
		exit 1
	fi
	echo "# SKIP $*"
	exit 77
}

cd / || exit 1
for p in escape-fs escape-proc escape-kern escape-net escape-bomb escape-host; do
	[ -x "$EDIR/$p" ] || { echo "not ok - $EDIR/$p missing (build the escape-* targets)"; exit 1; }
done
unshare --user true 2>/dev/null || skip_or_fail "the kernel does not allow user namespaces"

if [ "$(id -u)" = 0 ]; then
	if ! id -u "$ITEST_USER" >/dev/null 2>&1; then
		useradd --system --no-create-home --home-dir "/home/$ITEST_USER" \
			--shell /usr/sbin/nologin --user-group "$ITEST_USER" 2>/dev/null ||
			{ echo "not ok - cannot create $ITEST_USER"; exit 1; }
	fi
	MODES=${ESCAPE_MODES:-root user}
else
	ITEST_USER=$(id -un)
	MODES=user
fi
UUID=$(id -u "$ITEST_USER")
UGID=$(id -g "$ITEST_USER")

# A directory every sandbox shows (the host's root is a root layer): the
# programs, a copy of sbx that runs every sandbox (the binary PID 1 is, the
# target of CVE-2019-5736), a setuid-root program and a root-only secret.
D=$(mktemp -d /sbx-escape.XXXXXX) || exit 1
chmod 755 "$D"
cp "$SBX" "$D/sbx" || exit 1
for p in escape-fs escape-proc escape-kern escape-net escape-bomb escape-host; do
	cp "$EDIR/$p" "$D/$p" || exit 1
done
chmod 755 "$D"/*
TOKEN=sbx-escape-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')
SECRETS=("$D/secret-0600")
printf '%s\n' "$TOKEN" >"$D/secret-0600"
chmod 600 "$D/secret-0600"
mkdir -m 1777 "$D/sticky" # world-writable on the host: writes must stay inside
if [ "$(id -u)" = 0 ]; then
	cp "$EDIR/escape-fs" "$D/suid" && chown 0:0 "$D/suid" && chmod 4755 "$D/suid"
	for dir in /root /var/tmp; do
		s=$(mktemp -d "$dir/sbx-escape-secret.XXXXXX") || exit 1
		SECRET_DIRS+=("$s")
		chmod 755 "$s"
		printf '%s\n' "$TOKEN" >"$s/secret"
		chmod 644 "$s/secret" # readable by anyone who can reach it
		SECRETS+=("$s/secret")
	done
else
	cp "$EDIR/escape-fs" "$D/suid" && chmod 4755 "$D/suid"
	s=$(mktemp -d /var/tmp/sbx-escape-secret.XXXXXX) || exit 1
	SECRET_DIRS+=("$s")
	chmod 755 "$s"
	printf '%s\n' "$TOKEN" >"$s/secret"
	SECRETS+=("$s/secret")
fi
for h in /root /home /run /tmp; do # whatever the host keeps in hidden places
	for f in "$h"/*; do
		[ -f "$f" ] && [ -r "$f" ] && SECRETS+=("$f")
	done 2>/dev/null
done

as_user() {
	if [ "$(id -u)" != 0 ]; then "$@"; return; fi
	exec setpriv --reuid="$UUID" --regid="$UGID" --init-groups \
		env HOME=/ USER="$ITEST_USER" LOGNAME="$ITEST_USER" "$@"
}

# The host processes to attack, one per identity (the user's is the juicy
# one in user mode: same uid as the sandbox), listeners and their logs.
start_bg() { "$@" & PIDS+=($!); }
start_bg "$D/escape-host" sleeper "$TOKEN-root"
SLEEPER_root=$!
start_bg setpriv --reuid="$UUID" --regid="$UGID" --clear-groups "$D/escape-host" sleeper "$TOKEN-user"
SLEEPER_user=$!
[ "$(id -u)" = 0 ] || SLEEPER_user=$SLEEPER_root
PORT=$((20000 + RANDOM % 20000))
IPCKEY=$((0x5b000000 + RANDOM * 32768 + RANDOM)) # System V IPC key
HOSTIP=$(ip -4 route get 1.1.1.1 2>/dev/null | awk '{ for (i = 1; i < NF; i++) if ($i == "src") print $(i + 1) }')
HOSTIP=${HOSTIP:-127.0.0.1}
start_bg "$D/escape-host" listen-tcp 0.0.0.0 "$PORT" "$D/tcp.log"
start_bg "$D/escape-host" listen-abstract "$TOKEN" "$D/abstract.log"
for i in $(seq 50); do
	[ -e "$D/tcp.log" ] && [ -e "$D/abstract.log" ] && break
	sleep 0.05
done

# Host state that no sandbox may change.
host_state() {
	{
		sha256sum "$D"/sbx "$D"/escape-* "$D"/suid "$SBX"
		stat -c '%n %a %u %s' "$D"/sbx "$D"/escape-* "$D"/suid "$D"/secret-0600
		ls -A "$D/sticky" /etc | sort
		hostname
		cat /proc/sys/kernel/core_pattern /proc/sys/kernel/modprobe 2>/dev/null
		awk '{ print $5, $9, $10 }' /proc/self/mountinfo | sort
	} 2>&1
}
BASELINE=$(host_state)

# One run: MODE POLICY NAME KIND [SBX OPTIONS] -- PROGRAM ARGS.
# KIND: "attack" (held, or SYS) or "bomb" (held, or killed by a limit).
# WRAP (an array) runs before sbx (escape-host with-key / pty-run).
WRAP=()
LEFT=
run_one() {
	local mode=$1 pol=$2 name=$3 kind=$4
	shift 4
	local opts=()
	while [ "$1" != -- ]; do opts+=("$1"); shift; done
	shift
	local o e rc pid try
	if [ ! -x "$D/sbx" ]; then
		not_ok "[$mode/$pol] $name: $D vanished (removed by another process); stopping"
		echo "$PASSED passed, $FAILED failed"
		exit 1
	fi
	o=$(mktemp) e=$(mktemp)
	for try in 1 2; do
	if [ "$mode" = root ]; then
		(exec "${WRAP[@]+"${WRAP[@]}"}" "${SCOPE[@]+"${SCOPE[@]}"}" "$D/sbx" -v --policy "$pol" "${opts[@]+"${opts[@]}"}" -- "$@") \
			>"$o" 2>"$e" </dev/null &
	else
		(as_user "${WRAP[@]+"${WRAP[@]}"}" "${SCOPE[@]+"${SCOPE[@]}"}" "$D/sbx" -v --policy "$pol" "${opts[@]+"${opts[@]}"}" -- "$@") \
			>"$o" 2>"$e" </dev/null &
	fi
	pid=$!
	# A watchdog: no attack may hang the suite. Killed, it takes its sleep
	# along, and it holds none of our output open (a reader of this
	# script's output would otherwise wait for every sleep to end).
	(
		s=
		trap 'kill "$s" 2>/dev/null; exit 0' TERM
		sleep 60 &
		s=$!
		wait "$s" && kill -KILL "$pid" 2>/dev/null
	) </dev/null >/dev/null 2>&1 &
	local dog=$!
	wait "$pid"
	rc=$?
	kill "$dog" 2>/dev/null
	wait "$dog" 2>/dev/null
	[ "$rc" = 125 ] && grep -q 'Resource temporarily unavailable' "$e" || break
	sleep 1
	done
	OUT=$(cat "$o") ERR=$(cat "$e") RC=$rc
	# The run's cgroups are named after the broker's pid (not known when
	# a wrapper runs sbx); they must be gone once sbx has exited.
	[ ${#WRAP[@]} = 0 ] && LEFT+=$(leftover_cgroups "$pid")
	rm -f "$o" "$e"
	local tag="[$mode/$pol] $name"
	local line
	line=$(printf '%s\n' "$OUT" | grep -m1 -E ': (held|ESCAPE|error): ')
	if [[ "$OUT" == *": ESCAPE: "* ]]; then
		not_ok "$tag: $line" "exit $RC; stderr: ${ERR:-<none>}"
		return 1
	elif [ "$RC" = 0 ] && [[ "$line" == *": held: "* ]]; then
		ok "$tag: ${line#*: held: }"
	elif [ "$RC" = 159 ] && [ -z "$line" ]; then
		ok "$tag: stopped by the seccomp filter ($(printf '%s\n' "$ERR" | grep -m1 '^sbx: ' | cut -c6-90))"
	elif [ "$kind" = bomb ] && { [ "$RC" = 137 ] || [ "$RC" = 152 ] || [ "$RC" = 153 ] || [ "$RC" = 159 ]; }; then
		ok "$tag: killed by a limit (exit $RC)"
	else
		not_ok "$tag: unexpected result" "exit $RC: ${OUT:-<no output>}" "stderr: ${ERR:-<none>}"
		return 1
	fi
	return 0
}

# Host-side checks after each run.
host_check() {
	local mode=$1 pol=$2 name=$3 what=$4 cond=$5
	if eval "$cond"; then
		ok "[$mode/$pol] $name: host: $what"
	else
		not_ok "[$mode/$pol] $name: host: $what" "condition failed: $cond"
	fi
}

sleeper_ok() {
	local p=$1
	kill -0 "$p" 2>/dev/null &&
		[ "$(awk '/^TracerPid:/ { print $2 }' "/proc/$p/status")" = 0 ]
}

leftover_cgroups() {
	find /sys/fs/cgroup -maxdepth 6 -type d -name "sbx-$1-*" 2>/dev/null
}

limit_of() { # POLICY FIELD
	case "$1:$2" in
	strict:pids) echo 16 ;; judge:pids) echo 64 ;; build:pids) echo 1024 ;;
	strict:fds) echo 64 ;; judge:fds) echo 256 ;; build:fds) echo 4096 ;;
	strict:layer) echo 16777216 ;; judge:layer) echo 67108864 ;; build:layer) echo 1073741824 ;;
	strict:mem) echo 268435456 ;; judge:mem) echo 536870912 ;; build:mem) echo 4294967296 ;;
	esac
}

want() { [[ "$1" =~ $ONLY ]] && { [ -z "$SKIP" ] || ! [[ "$1" =~ $SKIP ]]; }; }

for mode in $MODES; do
	hostpid=$SLEEPER_root
	[ "$mode" = user ] && hostpid=$SLEEPER_user
	for pol in $POLICIES; do
		A() { # NAME KIND PROGRAM ARGS (no sbx options)
			local n=$1 k=$2
			shift 2
			want "$n" || return 0
			run_one "$mode" "$pol" "$n" "$k" -- "$@"
		}
		A read-secret attack "$D/escape-fs" read-secret "$TOKEN" "${SECRETS[@]}"
		A write-outside attack "$D/escape-fs" write-outside "$D/sticky/pwned" \
			"/etc/sbx-escape-pwned" "$D/sbx-escape-pwned" "/sbx-escape-pwned"
		want write-outside && host_check "$mode" "$pol" write-outside \
			"nothing created on the host" \
			'[ ! -e "$D/sticky/pwned" ] && [ ! -e /etc/sbx-escape-pwned ] && [ ! -e "$D/sbx-escape-pwned" ] && [ ! -e /sbx-escape-pwned ]'
		A overwrite-exe attack "$D/escape-fs" overwrite-exe "$D/sbx"
		A leaked-fds attack "$D/escape-fs" leaked-fds
		A setuid attack "$D/escape-fs" setuid "$D/suid"
		A shocker attack "$D/escape-fs" shocker
		A devices attack "$D/escape-fs" devices
		A mount attack "$D/escape-fs" mount
		A proc-sys attack "$D/escape-fs" proc-sys
		A release-agent attack "$D/escape-fs" release-agent
		A kill attack "$D/escape-proc" kill "$hostpid"
		A ptrace attack "$D/escape-proc" ptrace "$hostpid"
		A vm-readv attack "$D/escape-proc" vm-readv "$hostpid"
		want 'kill|ptrace|vm-readv' && host_check "$mode" "$pol" kill/ptrace \
			"host process $hostpid alive and untraced" 'sleeper_ok "$hostpid"'
		# The marker in two halves: PID 1 (sbx) shows its own argv.
		A proc-leak attack "$D/escape-proc" proc-leak "${TOKEN%%-*}" "${TOKEN#*-}"
		A sys-leak attack "$D/escape-proc" sys-leak
		A setns attack "$D/escape-proc" setns "$hostpid"
		A nested-userns attack "$D/escape-proc" nested-userns
		if want sysv-ipc; then
			WRAP=("$D/escape-host" with-ipc "$IPCKEY" --)
			A sysv-ipc attack "$D/escape-proc" sysv-ipc "$IPCKEY"
			WRAP=()
		fi
		A x32 attack "$D/escape-kern" x32
		A i386 attack "$D/escape-kern" i386
		A io-uring attack "$D/escape-kern" io-uring
		A userfaultfd attack "$D/escape-kern" userfaultfd
		A bpf attack "$D/escape-kern" bpf
		A perf attack "$D/escape-kern" perf
		A hostname attack "$D/escape-kern" hostname pwned.example
		A settime attack "$D/escape-kern" settime
		A seccomp-loosen attack "$D/escape-kern" seccomp-loosen
		if want keyring; then
			WRAP=("$D/escape-host" with-key "$TOKEN" --)
			A keyring attack "$D/escape-kern" keyring "$TOKEN"
			WRAP=()
			host_check "$mode" "$pol" keyring "the caller's session keyring unchanged" \
				'[[ "$ERR" == *"caller-keyring: clean"* ]]'
		fi
		if want tiocsti; then
			WRAP=("$D/escape-host" pty-run --)
			A tiocsti attack "$D/escape-kern" tiocsti
			WRAP=()
			host_check "$mode" "$pol" tiocsti "nothing pushed into the caller's terminal" \
				'[[ "$ERR" == *"pty-input: 0 bytes"* ]]'
		fi
		A raw attack "$D/escape-net" raw
		A packet attack "$D/escape-net" packet
		A netlink attack "$D/escape-net" netlink
		A vsock attack "$D/escape-net" vsock
		A alg attack "$D/escape-net" alg
		A tcp attack "$D/escape-net" tcp 127.0.0.1 "$PORT" "$HOSTIP" "$PORT" 10.0.2.2 "$PORT" 1.1.1.1 80
		A abstract attack "$D/escape-net" abstract "$TOKEN"
		want 'tcp|abstract' && host_check "$mode" "$pol" tcp/abstract \
			"host listeners received no connection" \
			'[ ! -s "$D/tcp.log" ] && [ ! -s "$D/abstract.log" ]'
		A fork-bomb bomb "$D/escape-bomb" fork "$(limit_of "$pol" pids)"
		A memory-bomb bomb "$D/escape-bomb" memory "$(limit_of "$pol" mem)"
		A fd-bomb bomb "$D/escape-bomb" fds "$(limit_of "$pol" fds)"
		A disk-bomb bomb "$D/escape-fs" disk-bomb /tmp "$(limit_of "$pol" layer)"
		if want cpu-bomb; then
			t0=$SECONDS
			run_one "$mode" "$pol" cpu-bomb bomb --time 1s -- "$D/escape-bomb" cpu
			host_check "$mode" "$pol" cpu-bomb "stopped within 5 s" '[ $((SECONDS - t0)) -le 5 ]'
		fi
		if want sleep-bomb; then
			t0=$SECONDS
			run_one "$mode" "$pol" sleep-bomb bomb --time 1s --wall-time 2s -- "$D/escape-bomb" sleep
			host_check "$mode" "$pol" sleep-bomb "stopped within 5 s" '[ $((SECONDS - t0)) -le 5 ]'
		fi
		# The host after the batch: binaries, lower layer, hostname,
		# kernel knobs and mount table unchanged; no cgroup of ours left;
		# nothing of the sandbox still running.
		now=$(host_state)
		if [ "$now" = "$BASELINE" ]; then
			ok "[$mode/$pol] host: sbx and the programs unchanged, lower layer, /etc, hostname, core_pattern, modprobe, mount table unchanged"
		else
			not_ok "[$mode/$pol] host: state changed" "$(diff <(echo "$BASELINE") <(echo "$now") | head -20)"
		fi
		if [ -z "$LEFT" ]; then
			ok "[$mode/$pol] host: no cgroup of a finished run left behind"
		else
			not_ok "[$mode/$pol] host: cgroups left behind" $LEFT
		fi
		LEFT=
		procs=$(ps -eo pid=,stat=,args= | grep -F -e "$D/" |
			grep -v -e escape-host -e grep -e ' Z' ; true)
		if [ -z "$procs" ]; then
			ok "[$mode/$pol] host: no sandbox process left running"
		else
			not_ok "[$mode/$pol] host: sandbox processes left running" "$procs"
		fi
	done
done

echo "$PASSED passed, $FAILED failed"
for n in "${FAILED_NAMES[@]+"${FAILED_NAMES[@]}"}"; do echo "#   failed: $n"; done
[ "$FAILED" = 0 ]

# Shared helpers of the integration tests (bash, sourced).
#
# Environment: SBX (the sbx binary), SBX_PROBE (the static sbx-probe),
# SBX_SOURCE_DIR, SBX_BUILD_DIR; SBX_MUST_WORK=1 turns "no user namespaces"
# from a skip (exit 77) into a failure.
#
# ITEST_POLICY replaces the policy of the runs that name none, and is the
# base of every test policy (extends: "$ITEST_POLICY"): a deliberately
# weakened policy there shows which checks catch what. The isolation tests
# (test_fs, test_identity, test_isolation, test_lifecycle, test_errors)
# choose build as its default before sourcing this file; others (the
# filter's own test_seccomp) get strict.
#
# Isolation (filesystem, namespaces, identity, lifecycle) is a property of
# the kernel's namespaces and mounts, so it is checked under the weakest
# built-in policy that lets the payload attempt the attack: build (fork,
# exec, file writes, unix sockets). Attacks that even build's seccomp
# filter refuses (mount, unshare, chroot, ptrace, open_by_handle_at, inet
# sockets, sethostname, TIOCSTI) run under $NOFILTER, ITEST_POLICY with
# `seccomp { enabled: false }`, so that only the namespaces stand between:
# held_by_kernel accepts nothing but the probe's own "held". The filters of
# strict and judge get short passes of their own (held: "held" or verdict
# SYS); tests/integration/test_seccomp.sh covers the filters themselves.
#
# Every property is checked in each of $MODES: "root" (sbx run by root,
# the sandbox mapped to an unprivileged host range) and "user" (sbx run by
# the unprivileged $ITEST_USER, created when missing). Without root only
# "user" runs, as the caller.
#
# A test sources this file, calls itest_init, runs checks and ends with
# itest_done, which prints "N passed, M failed" and exits 1 on any failure.

set -u

ITEST_USER=${ITEST_USER:-sbx-itest}
PASSED=0
FAILED=0
FAILED_NAMES=()
OUT= # stdout of the last run_sbx / in_mode
ERR= # its stderr
RC=0 # its exit status
VERDICT= # the verdict of the last run_sbx (its --json result), or empty
ITEST_POLICY=${ITEST_POLICY:-strict}
# A path (absolute from here on: the tests cd to /, test policies extend it).
case $ITEST_POLICY in
*/*) ITEST_POLICY=$(realpath -- "$ITEST_POLICY") || exit 1 ;;
esac

# Safe places for the copies of sbx and the probe: readable by the test
# user even when the build tree is under /root (0700). Extra paths to remove
# at exit go to CLEANUP; processes to kill, by pid, to CLEANUP_PIDS; host
# mounts a test made, unmounted first, to CLEANUP_MOUNTS.
WORK=
CLEANUP=()
CLEANUP_PIDS=()
CLEANUP_MOUNTS=()

ok() {
	PASSED=$((PASSED + 1))
	echo "ok - $*"
}

not_ok() {
	FAILED=$((FAILED + 1))
	FAILED_NAMES+=("$*")
	echo "not ok - $*"
}

# check DESC CMD...: passes when CMD exits 0.
check() {
	local desc=$1
	shift
	if "$@"; then ok "$desc"; else not_ok "$desc"; fi
}

# fail DESC [DETAIL]: records a failed check.
fail() {
	not_ok "$1"
	[ $# -gt 1 ] && printf '#   %s\n' "${@:2}"
	return 0
}

# note TEXT: an informational line (no pass/fail).
note() {
	echo "# $*"
}

itest_cleanup() {
	local p
	for p in "${CLEANUP_PIDS[@]+"${CLEANUP_PIDS[@]}"}"; do
		kill -KILL "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
	for p in "${CLEANUP_MOUNTS[@]+"${CLEANUP_MOUNTS[@]}"}"; do
		umount -l -- "$p"
	done
	for p in "${CLEANUP[@]+"${CLEANUP[@]}"}"; do
		rm -rf -- "$p"
	done
	[ -n "$WORK" ] && rm -rf -- "$WORK"
	return 0
}

skip_or_fail() {
	if [ "${SBX_MUST_WORK:-0}" = 1 ]; then
		echo "not ok - $* (SBX_MUST_WORK=1)"
		exit 1
	fi
	echo "# SKIP $*"
	exit 77
}

# Can an unprivileged user create a user namespace here?
userns_available() {
	[ -e /proc/self/ns/user ] || return 1
	local max
	max=$(cat /proc/sys/user/max_user_namespaces 2>/dev/null || echo 1)
	[ "$max" != 0 ] || return 1
	if [ -r /proc/sys/kernel/unprivileged_userns_clone ] &&
		[ "$(cat /proc/sys/kernel/unprivileged_userns_clone)" = 0 ]; then
		return 1
	fi
	unshare --user true 2>/dev/null
}

ensure_user() {
	id -u "$ITEST_USER" >/dev/null 2>&1 && return 0
	useradd --system --no-create-home --home-dir "/home/$ITEST_USER" \
		--shell /usr/sbin/nologin --user-group "$ITEST_USER" 2>/dev/null ||
		useradd -M -d "/home/$ITEST_USER" -s /usr/sbin/nologin "$ITEST_USER"
}

itest_init() {
	: "${SBX:?SBX must name the sbx binary}"
	: "${SBX_PROBE:?SBX_PROBE must name the sbx-probe binary}"
	trap itest_cleanup EXIT
	trap 'exit 130' INT TERM
	cd / || exit 1
	[ -x "$SBX" ] || { echo "not ok - SBX=$SBX is not executable"; exit 1; }
	[ -x "$SBX_PROBE" ] || {
		echo "not ok - SBX_PROBE=$SBX_PROBE is not executable"
		exit 1
	}
	userns_available || skip_or_fail "the kernel does not allow user namespaces"
	if [ "$(id -u)" = 0 ]; then
		ensure_user || { echo "not ok - cannot create $ITEST_USER"; exit 1; }
		MODES="root user"
	else
		ITEST_USER=$(id -un)
		MODES="user"
	fi
	WORK=$(mktemp -d /var/tmp/sbx-itest.XXXXXX) || exit 1
	chmod 755 "$WORK"
	cp "$SBX" "$WORK/sbx" && cp "$SBX_PROBE" "$WORK/sbx-probe" || exit 1
	chmod 755 "$WORK/sbx" "$WORK/sbx-probe"
	SBXBIN=$WORK/sbx
	PROBE=$WORK/sbx-probe
	# A copy every sandbox shows (the host's root is a layer), for
	# payloads that start the probe themselves: $PROBE lives under a
	# hidden path and is bound only when it is the program.
	VISIBLE=$(mktemp -d /sbx-itest-bin.XXXXXX) || exit 1
	CLEANUP+=("$VISIBLE")
	chmod 755 "$VISIBLE"
	cp "$SBX_PROBE" "$VISIBLE/sbx-probe" || exit 1
	VPROBE=$VISIBLE/sbx-probe
	ITEST_UID=$(id -u "$ITEST_USER")
	ITEST_GID=$(id -g "$ITEST_USER")
	# Result files of the runs, writable in both modes.
	mkdir -m 1777 "$WORK/results" || exit 1
	NOFILTER=$(test_policy nofilter 'seccomp { enabled: false }')
}

itest_done() {
	echo "$PASSED passed, $FAILED failed"
	local n
	for n in "${FAILED_NAMES[@]+"${FAILED_NAMES[@]}"}"; do
		echo "#   failed: $n"
	done
	[ "$FAILED" = 0 ]
	exit $?
}

# as_user CMD...: runs CMD as the unprivileged test user.
as_user() {
	if [ "$(id -u)" != 0 ]; then
		"$@"
		return
	fi
	setpriv --reuid="$ITEST_UID" --regid="$ITEST_GID" --init-groups \
		env HOME=/ USER="$ITEST_USER" LOGNAME="$ITEST_USER" "$@"
}

# in_mode MODE CMD...: runs CMD as root or as the test user.
in_mode() {
	local mode=$1
	shift
	if [ "$mode" = root ]; then "$@"; else as_user "$@"; fi
}

# capture CMD...: runs CMD with stdout in $OUT, stderr in $ERR, status in $RC.
capture() {
	local o e
	o=$(mktemp) e=$(mktemp)
	"$@" >"$o" 2>"$e" </dev/null
	RC=$?
	OUT=$(cat "$o") ERR=$(cat "$e")
	rm -f "$o" "$e"
	return 0
}

# run_sbx MODE [SBX OPTIONS] -- PROGRAM ARGS: runs sbx in MODE, capturing;
# VERDICT is the run's verdict ("SYS" when the seccomp filter stopped it).
# The policy is $ITEST_POLICY unless the options name another.
run_sbx() {
	local mode=$1
	shift
	local opts=()
	while [ $# -gt 0 ] && [ "$1" != -- ]; do
		opts+=("$1")
		shift
	done
	[ $# -gt 0 ] && shift
	case " ${opts[*]-} " in
	*" --policy "* | *" -p "*) ;;
	*) opts=(--policy "$ITEST_POLICY" "${opts[@]+"${opts[@]}"}") ;;
	esac
	# created by sbx, as MODE's user
	local json=$WORK/results/run.$BASHPID.$RANDOM$RANDOM.json
	capture in_mode "$mode" "$SBXBIN" --json "$json" "${opts[@]}" -- "$@"
	VERDICT=$(sed -n 's/.*"verdict": "\([A-Z]*\)".*/\1/p' "$json" 2>/dev/null)
	rm -f "$json"
}

# run_probe MODE [SBX OPTIONS --] VERB ARGS: the probe in a sandbox.
run_probe() {
	local mode=$1
	shift
	local opts=() a
	for a in "$@"; do
		if [ "$a" = -- ]; then
			while [ "$1" != -- ]; do opts+=("$1"); shift; done
			shift
			break
		fi
	done
	run_sbx "$mode" "${opts[@]+"${opts[@]}"}" -- "$PROBE" "$@"
}

# held MODE DESC [SBX OPTIONS --] VERB ARGS: the attack must fail inside,
# by the sandbox or by its seccomp filter (for the strict and judge passes).
held() {
	local mode=$1 desc=$2
	shift 2
	run_probe "$mode" "$@"
	if [ "$RC" = 0 ] && [[ "$OUT" == *": held: "* ]]; then
		ok "[$mode] $desc"
		[ -n "${VERBOSE:-}" ] && note "$OUT"
	elif [ "$RC" = 159 ] && [ "$VERDICT" = SYS ] &&
		[[ "$OUT" != *"ESCAPE"* ]]; then
		# Killed by the filter (verdict SYS) before it could say
		# anything: the seccomp filter stopped the attack.
		ok "[$mode] $desc (verdict SYS: stopped by the seccomp filter)"
	else
		fail "[$mode] $desc" "exit $RC, verdict ${VERDICT:-?}: ${OUT:-<no output>}" \
			"stderr: ${ERR:-<none>}"
	fi
}

# held_by_kernel MODE DESC [SBX OPTIONS --] VERB ARGS: the attack reached the
# kernel and failed there. A run the seccomp filter ended (verdict SYS)
# tested nothing of the namespaces and fails: use a policy that lets the
# payload try (ITEST_POLICY, or $NOFILTER for calls build refuses).
held_by_kernel() {
	local mode=$1 desc=$2
	shift 2
	run_probe "$mode" "$@"
	if [ "$RC" = 0 ] && [[ "$OUT" == *": held: "* ]]; then
		ok "[$mode] $desc"
		[ -n "${VERBOSE:-}" ] && note "$OUT"
	elif [ "$VERDICT" = SYS ]; then
		fail "[$mode] $desc: the seccomp filter stopped the attack, so the namespaces were not tested" \
			"exit $RC, verdict SYS: ${OUT:-<no output>}"
	else
		fail "[$mode] $desc" "exit $RC, verdict ${VERDICT:-?}: ${OUT:-<no output>}" \
			"stderr: ${ERR:-<none>}"
	fi
}

# escapes_outside MODE DESC VERB ARGS: the same attack run on the host as
# MODE's user must work; it shows the check inside can fail.
escapes_outside() {
	local mode=$1 desc=$2
	shift 2
	capture in_mode "$mode" "$PROBE" "$@"
	if [ "$RC" = 1 ] && [[ "$OUT" == *": ESCAPE: "* ]]; then
		ok "[$mode] control: outside the sandbox, $desc"
	else
		fail "[$mode] control: outside the sandbox, $desc" \
			"exit $RC: ${OUT:-<no output>} ${ERR:-}"
	fi
}

# expect_rc MODE DESC WANT [SBX OPTIONS --] PROGRAM ARGS
expect_rc() {
	local mode=$1 desc=$2 want=$3
	shift 3
	local opts=() a
	for a in "$@"; do
		if [ "$a" = -- ]; then
			while [ "$1" != -- ]; do opts+=("$1"); shift; done
			shift
			break
		fi
	done
	run_sbx "$mode" "${opts[@]+"${opts[@]}"}" -- "$@"
	if [ "$RC" = "$want" ]; then
		ok "[$mode] $desc (exit $RC)"
	else
		fail "[$mode] $desc: exit $RC, want $want" \
			"stdout: ${OUT:-<none>}" "stderr: ${ERR:-<none>}"
	fi
}

# The host uid the payload runs as in MODE, for pgrep.
payload_host_uid() {
	if [ "$1" = user ]; then
		echo "$ITEST_UID"
		return
	fi
	# Inside, uid_map reads "0 <host base> <count>".
	local base
	base=$("$SBXBIN" --policy strict -- /bin/cat /proc/self/uid_map |
		awk '$1 == 0 { print $2 }')
	echo $((base + 1000))
}

# The host range root's sandboxes map to: "base count".
root_map_range() {
	"$SBXBIN" --policy strict -- /bin/cat /proc/self/uid_map |
		awk '$1 == 0 { print $2, $3 }'
}

# Processes of our sandboxes: in user mode anything of the test user (who
# runs nothing else); as root, where every root-started sandbox shares the
# mapped range, anything running our sbx, probe or files. A sandbox's init
# shows only "sbx-init" and stands for its parent, the sbx that started it.
# Zombies are dead already and only wait for the host's init to reap them.
# Processes naming another test's copies (the work directory or visible
# probe of another integration test, the host helpers of tests/escape, run
# at the same time as the same user) are that test's business.
sandbox_processes() {
	local uid=-1
	[ "$1" = user ] && uid=$ITEST_UID
	ps -eo uid=,pid=,ppid=,stat=,args= |
		U=$uid P1=$WORK P2=$VISIBLE P3=/sbx-itest- \
		R1='/var/tmp/sbx-itest[.][A-Za-z0-9]+' \
		R2='/sbx-itest-bin[.][A-Za-z0-9]+' awk '
		function other(s, re, ours) {
			return match(s, re) && substr(s, RSTART, RLENGTH) != ours
		}
		{ line[NR] = $0; pid[NR] = $2; ppid[NR] = $3; stat[NR] = $4
		  uid[NR] = $1; args = $0
		  sub(/^ *[^ ]+ +[^ ]+ +[^ ]+ +[^ ]+ +/, "", args); cmd[$2] = args
		  a[NR] = args }
		END {
			for (i = 1; i <= NR; i++) {
				if (stat[i] ~ /^Z/) continue
				s = a[i]
				if (s ~ /^sbx-init/) s = s " " cmd[ppid[i]]
				if (index(s, "/sbx-escape.")) continue
				if (other(s, ENVIRON["R1"], ENVIRON["P1"])) continue
				if (other(s, ENVIRON["R2"], ENVIRON["P2"])) continue
				if (uid[i] == ENVIRON["U"] || index(s, ENVIRON["P1"]) ||
					index(s, ENVIRON["P2"]) || index(s, ENVIRON["P3"]))
					print line[i]
			}
		}'
	return 0
}

# no_leftover_processes MODE DESC: nothing of the sandbox still runs.
no_leftover_processes() {
	local mode=$1 desc=$2 left i
	for i in 1 2 3 4 5 6 7 8 9 10; do
		left=$(sandbox_processes "$mode")
		[ -z "$left" ] && break
		sleep 0.1
	done
	if [ -z "$left" ]; then
		ok "[$mode] $desc"
	else
		fail "[$mode] $desc" "$left"
	fi
}

# The host's mount table without the fields that change on their own.
host_mounts() {
	awk '{ print $5, $9, $10 }' /proc/self/mountinfo | sort
}

# Entries of the usual temporary places that could be sbx's.
temp_entries() {
	ls -A /tmp /var/tmp /dev/shm /run 2>/dev/null | grep -i sbx |
		grep -v '^sbx-itest' | sort
}

# wait_for_line FILE PATTERN SECONDS
wait_for_line() {
	local i
	for ((i = 0; i < $3 * 20; i++)); do
		grep -q -- "$2" "$1" 2>/dev/null && return 0
		sleep 0.05
	done
	return 1
}

# A writable policy file: new_policy NAME TEXT -> path in $WORK.
new_policy() {
	local f=$WORK/$1.txtpb
	printf '%s\n' "$2" >"$f"
	chmod 644 "$f"
	echo "$f"
}

# test_policy NAME TEXT: new_policy with TEXT over $ITEST_POLICY (so a
# weakened ITEST_POLICY weakens the test policies too).
test_policy() {
	new_policy "$1" "extends: \"$ITEST_POLICY\"
$2"
}

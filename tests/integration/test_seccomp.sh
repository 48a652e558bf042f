#!/bin/bash
# The seccomp filters of the built-in policies, from inside real sandboxes
# (issue 5): every call of the dangerous groups refused through the native,
# x32 and i386 entry points; argument conditions (TIOCSTI, namespace flags
# on clone, socket families); violations named in the result (notify path);
# real workloads under judge and build. Uses tests/seccomp/try-syscall.
. "$(dirname "$0")/lib.sh"
itest_init

TRY_SRC=${TRY_SYSCALL:-$SBX_BUILD_DIR/tests/try-syscall}
[ -x "$TRY_SRC" ] || { echo "not ok - try-syscall not built ($TRY_SRC)"; exit 1; }
cp "$TRY_SRC" "$WORK/try-syscall" && chmod 755 "$WORK/try-syscall"
TRY=$WORK/try-syscall
# results and build trees, writable by the test user
OUTDIR=$WORK/out
mkdir -p "$OUTDIR" && chmod 777 "$OUTDIR"
POLICIES="strict judge build"

# expect DESC CONDITION: CONDITION is shell code (evaluated), so it may
# combine tests with && and ||.
expect() {
	if eval "$2"; then ok "$1"; else fail "$1" "exit $RC: ${OUT:-<no output>}" "stderr: ${ERR:-<none>}"; fi
}

# The dangerous groups of policies/syscall-groups.txtpb, one entry per
# syscall; none may get past the filter under any built-in policy. Arguments are -1
# unless given (personality: ADDR_NO_RANDOMIZE, refused even where harmless
# personalities pass).
DANGEROUS=(
	# modules
	init_module finit_module delete_module create_module query_module
	get_kernel_syms
	# kexec, reboot, swap
	kexec_load kexec_file_load reboot swapon swapoff
	# mount and pivot_root
	mount umount umount2 pivot_root chroot fsopen fsconfig fsmount fspick
	move_mount open_tree mount_setattr
	# namespaces
	unshare setns
	# bpf, perf, userfaultfd
	bpf perf_event_open userfaultfd
	# keyrings
	add_key request_key keyctl
	# ptrace and other processes' memory
	ptrace process_vm_readv process_vm_writev process_madvise pidfd_getfd
	# file handles
	open_by_handle_at name_to_handle_at
	# io_uring
	io_uring_setup io_uring_enter io_uring_register
	# personality, acct, quotactl
	personality:0x0040000 acct quotactl quotactl_fd
	# clocks
	settimeofday clock_settime clock_adjtime adjtimex stime
	# syslog, I/O ports, kcmp
	syslog iopl ioperm kcmp
	# the rest of Docker's refusals
	lookup_dcookie nfsservctl uselib ustat sysfs _sysctl vhangup
	sethostname setdomainname fanotify_init mbind set_mempolicy
	get_mempolicy move_pages migrate_pages vm86 vm86old
)

ABIS=native
[ "$(uname -m)" = x86_64 ] && ABIS="native x32 i386"

# attempt MODE POLICY ABI CALL: one call in a fresh sandbox; RC, OUT, ERR
# and JSON (the result file's text) describe it.
JSON=
attempt() {
	local mode=$1 policy=$2 abi=$3 call=$4
	local j=$OUTDIR/result.json try
	for try in 1 2 3 4 5; do
		rm -f "$j"
		run_sbx "$mode" --policy "$policy" --json "$j" -- "$TRY" \
			--abi "$abi" "$call"
		# EAGAIN from clone3: the test user's process limit, while the
		# previous sandboxes (or other suites' as the same user) exit
		[ "$RC" = 125 ] && [[ "$ERR" == *"temporarily unavailable"* ]] ||
			break
		sleep 0.3
	done
	JSON=$(cat "$j" 2>/dev/null)
}

# refused MODE POLICY ABI CALL: the filter stopped it. No built-in policy
# allows any of these, so each goes to the default action (NOTIFY): killed,
# exit 159 and verdict SYS naming the call; foreign ABIs are killed by the
# filter itself. A call that merely failed in the kernel (EPERM for lack of
# capabilities, EFAULT) got past the filter and fails the test.
refused() {
	local mode=$1 policy=$2 abi=$3 call=$4 name=${4%%:*}
	attempt "$@"
	if [[ "$OUT" == *"unknown on"* ]]; then
		SKIPPED=$((SKIPPED + 1))
		return
	fi
	if [ "$RC" = 159 ] && [[ "$JSON" == *'"verdict": "SYS"'* ]]; then
		# named when the broker was asked (native calls)
		if [ "$abi" = native ] &&
			[[ "$JSON" != *"\"syscall\": \"$name\""* ]]; then
			fail "[$mode] $policy $abi $name: SYS without the name" \
				"$JSON"
			return
		fi
		REFUSED=$((REFUSED + 1))
	else
		fail "[$mode] $policy $abi $name got through" "exit $RC: $OUT" \
			"stderr: $ERR"
	fi
}

for mode in $MODES; do
	for policy in $POLICIES; do
		for abi in $ABIS; do
			REFUSED=0 SKIPPED=0 before=$FAILED
			for call in "${DANGEROUS[@]}"; do
				refused "$mode" "$policy" "$abi" "$call"
			done
			[ "$FAILED" = "$before" ] &&
				ok "[$mode] $policy: dangerous calls through $abi refused ($REFUSED refused, $SKIPPED not on this ABI)"
		done
		# a harmless call through a foreign ABI is killed all the same
		for abi in $ABIS; do
			[ "$abi" = native ] && continue
			attempt "$mode" "$policy" "$abi" getpid
			expect "[$mode] $policy: getpid through $abi kills (exit $RC)" \
				'[ "$RC" = 159 ]'
		done
		attempt "$mode" "$policy" native getpid
		expect "[$mode] $policy: getpid works natively" \
			'[ "$RC" = 0 ] && [[ "$OUT" == "getpid ret="[0-9]* ]]'

		# TIOCSTI and TIOCLINUX, also with high bits set in the 32-bit cmd
		for cmd in 0x5412 0x100005412 0x541c; do
			attempt "$mode" "$policy" native "ioctl:0,$cmd,p"
			expect "[$mode] $policy: ioctl $cmd refused with EPERM" \
				'[ "$OUT" = "ioctl ret=-1 errno=1" ]'
		done
		attempt "$mode" "$policy" native "ioctl:0,0x5401,p"
		expect "[$mode] $policy: other ioctls pass the filter (TCGETS: $OUT)" \
			'[ "$RC" = 0 ] && [[ "$OUT" == "ioctl ret=-1 errno=25" || "$OUT" == "ioctl ret=0 "* ]]'

		# clone with namespace flags (CLONE_NEWUSER|SIGCHLD, CLONE_NEWNET|SIGCHLD)
		for flags in 0x10000011 0x40000011; do
			attempt "$mode" "$policy" native "clone:$flags,0,0,0,0"
			expect "[$mode] $policy: clone $flags refused (SYS clone)" \
				'[ "$RC" = 159 ] && [[ "$JSON" == *"\"syscall\": \"clone\""* ]]'
		done
		# AF_INET sockets never
		attempt "$mode" "$policy" native "socket:2,1,0"
		expect "[$mode] $policy: AF_INET socket refused ($RC: $OUT)" \
			'[ "$RC" = 159 ] || [[ "$OUT" == "socket ret=-1 "* ]]'
	done

	# what differs between the policies
	for policy in judge build; do
		attempt "$mode" "$policy" native "clone:0x11,0,0,0,0"
		expect "[$mode] $policy: plain clone (fork) works" \
			'[ "$RC" = 0 ] && [[ "$OUT" =~ ^clone\ ret=[1-9] ]]'
		attempt "$mode" "$policy" native clone3
		expect "[$mode] $policy: clone3 fails with ENOSYS (libc falls back)" \
			'[ "$OUT" = "clone3 ret=-1 errno=38" ]'
	done
	attempt "$mode" build native "socket:1,1,0"
	expect "[$mode] build: AF_UNIX socket works" \
		'[ "$RC" = 0 ] && [[ "$OUT" =~ ^socket\ ret=[0-9] ]]'
	attempt "$mode" build native "socket:2,1,0"
	expect "[$mode] build: AF_INET socket fails with EAFNOSUPPORT" \
		'[ "$OUT" = "socket ret=-1 errno=97" ]'
	attempt "$mode" strict native "socket:1,1,0"
	expect "[$mode] strict: even AF_UNIX sockets are refused" \
		'[ "$RC" = 159 ]'

	# the notify path: SYS naming the call and its arguments
	SYS_SOCKET='"verdict": "SYS"'
	SYS_SOCKET2='"syscall": "socket", "args": [2, 1, 0,'
	attempt "$mode" strict native "socket:2,1,0"
	expect "[$mode] strict: socket(AF_INET) is SYS naming socket [2, 1, 0]" \
		'[ "$RC" = 159 ] && [[ "$JSON" == *"$SYS_SOCKET"* ]] && [[ "$JSON" == *"$SYS_SOCKET2"* ]]'

	run_sbx "$mode" -v -- "$TRY" socket:2,1,0
	expect "[$mode] sbx -v names the call on stderr" \
		'[ "$RC" = 159 ] && [[ "$ERR" == *"SYS (syscall socket)"* ]]'
	run_sbx "$mode" -v -- /usr/bin/python3 -c 'import socket; socket.socket()'
	expect "[$mode] strict: python3 opening a socket is SYS socket" \
		'[ "$RC" = 159 ] && [[ "$ERR" == *"SYS (syscall socket)"* ]]'
done

# Real workloads. Sources and binaries live where the test user can read.
SRC=$WORK/src
mkdir -p "$SRC"
cat >"$SRC/threads.c" <<'C'
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
static long sum[4];
static void *work(void *a)
{
	long i = (long)a;
	for (long k = 0; k < 100000; k++)
		sum[i] += k % 7;
	return NULL;
}
int main(void)
{
	pthread_t t[4];
	char *m = malloc(1 << 24);
	int x;
	m[0] = 1;
	for (long i = 0; i < 4; i++)
		pthread_create(&t[i], 0, work, (void *)i);
	for (int i = 0; i < 4; i++)
		pthread_join(t[i], 0);
	if (scanf("%d", &x) != 1)
		x = 21;
	printf("%ld %d\n", sum[0] + sum[3], x * 2);
	free(m);
	return 0;
}
C
cat >"$SRC/prog.cpp" <<'C'
#include <iostream>
#include <map>
#include <string>
#include <vector>
int main()
{
	std::vector<int> v(1000, 1);
	std::map<std::string, int> m;
	for (int i = 0; i < 100; i++)
		m[std::to_string(i)] = i;
	std::cout << v.size() + m["99"] << std::endl;
}
C
mkdir -p "$SRC/proj"
cat >"$SRC/proj/main.c" <<'C'
#include <stdio.h>
#include "lib.h"
int main(void) { printf("%d\n", twice(21)); return 0; }
C
printf 'int twice(int);\n' >"$SRC/proj/lib.h"
printf '#include "lib.h"\nint twice(int x) { return 2 * x; }\n' >"$SRC/proj/lib.c"
printf 'all: prog\nprog: main.o lib.o\n\t$(CC) -o $@ main.o lib.o\n%%.o: %%.c lib.h\n\t$(CC) -O2 -c $<\nclean:\n\trm -f *.o prog\n' \
	>"$SRC/proj/Makefile"
gcc -O2 -pthread -o "$SRC/threads" "$SRC/threads.c" || fail "gcc threads.c on the host"
HAVE_CXX=0
g++ -O2 -o "$SRC/prog" "$SRC/prog.cpp" 2>/dev/null && HAVE_CXX=1
HAVE_JAVA=0
if command -v javac >/dev/null && command -v java >/dev/null; then
	printf 'public class Main { public static void main(String[] a) { long s = 0; for (int i = 0; i < 1000000; i++) s += i; System.out.println(s); } }\n' >"$SRC/Main.java"
	javac -d "$SRC" "$SRC/Main.java" 2>/dev/null && HAVE_JAVA=1
fi
chmod -R a+rX "$SRC"

for mode in $MODES; do
	run_sbx "$mode" --policy judge -- "$SRC/threads"
	expect "[$mode] judge: a threaded C program runs ($OUT)" \
		'[ "$RC" = 0 ] && [ "$OUT" = "599990 42" ]'
	if [ "$HAVE_CXX" = 1 ]; then
		run_sbx "$mode" --policy judge -- "$SRC/prog"
		expect "[$mode] judge: a C++ program runs" \
			'[ "$RC" = 0 ] && [ "$OUT" = 1099 ]'
	fi
	run_sbx "$mode" --policy judge -- /usr/bin/python3 -c \
		'import json, threading, collections; t = threading.Thread(target=lambda: None); t.start(); t.join(); print(json.dumps(sum(range(10))))'
	expect "[$mode] judge: a Python 3 program runs" \
		'[ "$RC" = 0 ] && [ "$OUT" = 45 ]'
	run_sbx "$mode" --policy strict -- /usr/bin/python3 -c 'print(6 * 7)'
	expect "[$mode] strict: python3 runs" \
		'[ "$RC" = 0 ] && [ "$OUT" = 42 ]'
	if [ "$HAVE_JAVA" = 1 ]; then
		run_sbx "$mode" --policy judge --ro-bind "$SRC:/sol" -- \
			/usr/bin/java -Xmx256m -cp /sol Main
		expect "[$mode] judge: a Java program runs" \
			'[ "$RC" = 0 ] && [ "$OUT" = 499999500000 ]'
	fi
	tree=$OUTDIR/proj-$mode
	rm -rf "$tree" && cp -r "$SRC/proj" "$tree" && chmod -R a+rwX "$tree"
	run_sbx "$mode" --policy build --bind "$tree:/work" --chdir /work -- \
		/bin/sh -c 'make && ./prog'
	expect "[$mode] build: make + gcc build a multi-file C project ($RC)" \
		'[ "$RC" = 0 ] && [[ "$OUT" == *42 ]]'
	[ "$RC" = 0 ] || note "$ERR"
done

itest_done

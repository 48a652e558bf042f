#!/bin/bash
# CI builds in sbx (issue 6): --workdir (a multi-file C project built with
# make -j2 in its own tree, nothing written outside it), caches that persist
# between runs (--bind) and ones that do not (--tmpfs), --keep-changes.
# As root and as an unprivileged user.
. "$(dirname "$0")/lib.sh"
itest_init

# make_tree DIR OWNER: a small C project (three .c files, a header, a
# Makefile) owned by OWNER.
make_tree() {
	local d=$1
	mkdir -p "$d/src"
	cat >"$d/src/util.h" <<'C'
int add(int a, int b);
int mul(int a, int b);
C
	cat >"$d/src/add.c" <<'C'
#include "util.h"
int add(int a, int b) { return a + b; }
C
	cat >"$d/src/mul.c" <<'C'
#include "util.h"
int mul(int a, int b) { int r = 0; for (int i = 0; i < b; i++) r = add(r, a); return r; }
C
	cat >"$d/src/main.c" <<'C'
#include <stdio.h>
#include "util.h"
int main(void) { printf("%d\n", mul(6, 7)); return 0; }
C
	printf '%s\n' 'CC ?= cc' 'OBJS = src/add.o src/mul.o src/main.o' \
		'prog: $(OBJS)' '	$(CC) -o $@ $(OBJS)' \
		'src/%.o: src/%.c src/util.h' '	$(CC) -O2 -c -o $@ $<' \
		'clean:' '	rm -f prog $(OBJS)' >"$d/Makefile"
	chown -R "$2" "$d"
}

owner_of() {
	if [ "$1" = root ]; then echo root:root; else echo "$ITEST_UID:$ITEST_GID"; fi
}

for mode in $MODES; do
	base=$WORK/ci-$mode
	mkdir -p "$base"
	chmod 755 "$base"
	tree=$base/tree
	make_tree "$tree" "$(owner_of "$mode")"

	# 1. the build, in its own tree
	run_sbx "$mode" --policy build --workdir "$tree" -- make -j2
	if [ "$RC" = 0 ] && [ -x "$tree/prog" ] && [ "$("$tree/prog")" = 42 ]; then
		ok "[$mode] make -j2 builds a multi-file C project in --workdir"
	else
		fail "[$mode] make -j2 builds a multi-file C project in --workdir" \
			"exit $RC" "stdout: $OUT" "stderr: $ERR"
	fi
	want=$(stat -c %u "$tree")
	got=$(stat -c %u "$tree/prog" 2>/dev/null)
	check "[$mode] the build's files belong to the tree's owner on the host ($got)" \
		test "$got" = "$want"
	run_sbx "$mode" --policy build --workdir "$tree" -- /bin/sh -c 'pwd; ./prog'
	check "[$mode] --workdir is the working directory" \
		test "$RC:$OUT" = "0:$tree
42"
	run_sbx "$mode" --policy build --workdir "$tree" -- make clean
	check "[$mode] make clean in the tree (exit $RC)" \
		test "$RC" = 0 -a ! -e "$tree/prog" -a ! -e "$tree/src/add.o"

	# 2. nothing outside the tree: a sibling the tree's owner may write on
	# the host, a system directory; both unchanged afterwards
	outside=$base/outside
	mkdir -p "$outside"
	echo original >"$outside/file"
	chown -R "$(owner_of "$mode")" "$outside"
	run_sbx "$mode" --policy build --workdir "$tree" -- /bin/sh -c \
		"echo changed > $outside/file; echo new > $outside/new; \
		 echo x > /usr/sbx-ci-probe; echo x > $tree/../escape; true"
	if [ "$(cat "$outside/file")" = original ] && [ ! -e "$outside/new" ] &&
		[ ! -e /usr/sbx-ci-probe ] && [ ! -e "$base/escape" ]; then
		ok "[$mode] writes outside the work tree do not reach the host"
	else
		fail "[$mode] writes outside the work tree do not reach the host" \
			"$(ls -l "$outside" /usr/sbx-ci-probe "$base/escape" 2>&1)"
	fi
	# As root /usr is root's, who is nobody inside. Rootless, the only id
	# inside is the payload's, which owns the overlay's upper directories:
	# the write succeeds into the write layer and vanishes (checked above).
	if [ "$mode" = root ]; then
		run_sbx "$mode" --policy build --workdir "$tree" -- /bin/sh -c \
			'echo x > /usr/sbx-ci-probe'
		check "[$mode] writing to /usr fails inside (exit $RC)" test "$RC" != 0
	fi

	# 3. a cache that persists between runs (--bind) and one that does
	# not (--tmpfs DST:SIZE)
	cache=$base/cache
	mkdir -p "$cache"
	# as root the payload is host uid <base>+1000: a cache directory is
	# made for that uid (docs/ci-builds.md)
	if [ "$mode" = root ]; then
		chown "$(payload_host_uid root)" "$cache"
	else
		chown "$ITEST_UID" "$cache"
	fi
	run_sbx "$mode" --policy build --bind "$cache:/cache" -- /bin/sh -c \
		'echo first > /cache/entry'
	run_sbx "$mode" --policy build --bind "$cache:/cache" -- /bin/cat /cache/entry
	check "[$mode] --bind cache persists between runs" test "$RC:$OUT" = "0:first"
	run_sbx "$mode" --policy build --tmpfs /scratch:16M -- /bin/sh -c \
		'echo x > /scratch/f && df -k /scratch | tail -1'
	size=$(echo "$OUT" | awk '{ print $2 }')
	check "[$mode] --tmpfs /scratch:16M is writable and 16 MiB ($size KiB)" \
		test "$RC" = 0 -a "$size" = 16384
	run_sbx "$mode" --policy build --tmpfs /scratch:16M -- /bin/ls -A /scratch
	check "[$mode] --tmpfs starts empty in the next run" test "$RC:$OUT" = "0:"

	# 4. --keep-changes: the root's writes land in DIR/upper
	pol=$(new_policy "root-$mode" 'extends: "build"
identity { uid: 0 gid: 0 }')
	kdir=$base/keep
	if [ "$mode" = user ]; then
		mkdir -p "$base/k" && chown "$ITEST_UID:$ITEST_GID" "$base/k"
		kdir=$base/k/keep
	fi
	run_sbx "$mode" --policy "$pol" --keep-changes "$kdir" -- /bin/sh -c \
		'echo kept > /etc/sbx-ci-new && rm -f /etc/hostname && echo t > /tmp/t'
	if [ "$RC" = 0 ] && [ "$(cat "$kdir/upper/etc/sbx-ci-new" 2>/dev/null)" = kept ]; then
		ok "[$mode] --keep-changes: a new file shows in DIR/upper/etc"
	else
		fail "[$mode] --keep-changes: a new file shows in DIR/upper/etc" \
			"exit $RC: $ERR" "$(find "$kdir" 2>&1 | head)"
	fi
	check "[$mode] --keep-changes: a deletion is a whiteout in DIR/upper" \
		test -c "$kdir/upper/etc/hostname"
	check "[$mode] --keep-changes: the host's /etc is unchanged" \
		test ! -e /etc/sbx-ci-new -a -e /etc/hostname
	check "[$mode] --keep-changes: hidden paths (/tmp) are not kept" \
		test ! -e "$kdir/upper/tmp/t"
	run_sbx "$mode" --policy "$pol" --keep-changes "$kdir" -- /bin/true
	check "[$mode] --keep-changes refuses an earlier run's directory (exit $RC)" \
		test "$RC" = 125 -a -n "$(echo "$ERR" | grep 'exists')"

	# 5. refusals
	run_sbx "$mode" --policy build --workdir / -- /bin/true
	check "[$mode] --workdir / is refused (exit $RC)" test "$RC" = 125
	run_sbx "$mode" --policy build --workdir "$base/missing" -- /bin/true
	check "[$mode] --workdir of a missing directory is refused (exit $RC)" \
		test "$RC" = 125
	rm -rf "$base/keep" "$base/k"
done

itest_done

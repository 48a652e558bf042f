#!/bin/bash
# The filesystem from inside: hidden and masked paths, /proc, /sys, /dev,
# mounts, the write layer and its limit, a read-only root, programs that
# live under hidden paths. The attacks run under ITEST_POLICY (build): its
# filter lets the probe read, write, create and exec, so what stops them is
# the mount namespace. Mounting, unmounting, unshare, chroot and
# open_by_handle_at, which build's filter refuses too, run under $NOFILTER
# (no filter at all) so the kernel has to refuse them. Then a short pass per
# strict and judge: either the sandbox or the filter (verdict SYS) stops
# each attack a single program could try.
# Isolation is checked under build, the weakest built-in policy (see lib.sh).
: "${ITEST_POLICY:=build}"
. "$(dirname "$0")/lib.sh"
itest_init

# Secrets the host keeps where the sandbox hides: readable on the host by
# the test user (except under /root), so only the sandbox stands between.
HOME_DIR=/home/$ITEST_USER
if [ "$(id -u)" = 0 ]; then
	if [ ! -d "$HOME_DIR" ]; then
		mkdir -p "$HOME_DIR" && CLEANUP+=("$HOME_DIR")
		chown "$ITEST_UID:$ITEST_GID" "$HOME_DIR"
	fi
	SECRETS=("$HOME_DIR/sbx-itest-secret.$$" "/root/sbx-itest-secret.$$"
		"/tmp/sbx-itest-secret.$$" "/var/tmp/sbx-itest-secret.$$"
		"/dev/shm/sbx-itest-secret.$$" "/run/sbx-itest-secret.$$")
else
	SECRETS=("$HOME/sbx-itest-secret.$$" "/tmp/sbx-itest-secret.$$"
		"/var/tmp/sbx-itest-secret.$$" "/dev/shm/sbx-itest-secret.$$")
fi
for s in "${SECRETS[@]}"; do
	echo "top secret $s" >"$s" && CLEANUP+=("$s")
	chown "$ITEST_UID:$ITEST_GID" "$s" 2>/dev/null
	chmod 644 "$s"
done

# A directory of the host's lower layer (the root is a layer, entry by
# entry) that anyone may write: writes inside must stay in the write layer.
LOWER=$(mktemp -d /sbx-itest-lower.XXXXXX) || exit 1
CLEANUP+=("$LOWER")
chmod 1777 "$LOWER"

# An empty top-level directory anyone may write: sbx serves it from the
# write layer without an overlay; writes must behave the same.
EMPTY_TOP=$(mktemp -d /sbx-itest-empty.XXXXXX) || exit 1
CLEANUP+=("$EMPTY_TOP")
chmod 1777 "$EMPTY_TOP"

# The probe where every root shows it (a lower-layer directory).
mkdir -m 755 "$LOWER/bin" && cp "$PROBE" "$LOWER/bin/probe"
VISIBLE_PROBE=$LOWER/bin/probe
RO_POLICY=$(test_policy ro-root 'filesystem { read_only_root: true }')
# A mask inside /sys must be made after /sys is mounted, not covered by it.
SYS_MASK_POLICY=$(test_policy sys-mask 'filesystem { masked_paths: ["/sys/kernel/mm"] }')
SMALL_POLICY=$(test_policy small-layer 'filesystem { write_layer_bytes: 4194304 }
limits { file_size_bytes: 67108864 }')

# Programs under hidden paths, run by path from other directories.
PROG_TMP=$(mktemp -d /tmp/sbx-itest-prog.XXXXXX) || exit 1
CLEANUP+=("$PROG_TMP")
chmod 755 "$PROG_TMP"
cp "$PROBE" "$PROG_TMP/probe"
chown "$ITEST_UID:$ITEST_GID" "$PROG_TMP/probe"
PROG_HOME=
if [ -d "$HOME_DIR" ] && [ "$(id -u)" = 0 ]; then
	PROG_HOME=$HOME_DIR/sbx-itest-probe.$$
	cp "$PROBE" "$PROG_HOME" && CLEANUP+=("$PROG_HOME")
	chown "$ITEST_UID:$ITEST_GID" "$PROG_HOME"
fi

# Host mounts over host files (as root, who may mount): what a mount covers
# must stay covered inside, and what it shows must show. As root the
# sandbox's root is one overlay over the host's root mount alone, which
# sees under every mount point; sbx puts the host's mounts back on top:
# dir is a tmpfs over a secret, file a bind over a file, nest a tmpfs with a
# second tmpfs inside it, over a secret of the first.
COVERED=
if [ "$(id -u)" = 0 ]; then
	COVERED=$(mktemp -d /sbx-itest-covered.XXXXXX) || exit 1
	CLEANUP+=("$COVERED")
	chmod 755 "$COVERED"
	mkdir -m 755 "$COVERED/dir" "$COVERED/nest"
	echo "under a mount" >"$COVERED/dir/secret"
	echo "under a file mount" >"$COVERED/file"
	echo "mounted file" >"$COVERED/file.src"
	chmod 644 "$COVERED"/dir/secret "$COVERED"/file*
	mount -t tmpfs -o mode=755 sbx-itest "$COVERED/dir" &&
		CLEANUP_MOUNTS+=("$COVERED/dir")
	echo "mounted dir" >"$COVERED/dir/shown"
	mount --bind "$COVERED/file.src" "$COVERED/file" &&
		CLEANUP_MOUNTS+=("$COVERED/file")
	mount -t tmpfs -o mode=755 sbx-itest "$COVERED/nest" &&
		CLEANUP_MOUNTS+=("$COVERED/nest")
	mkdir -m 755 "$COVERED/nest/inner"
	echo "under a nested mount" >"$COVERED/nest/inner/secret"
	mount -t tmpfs -o mode=755 sbx-itest "$COVERED/nest/inner" &&
		CLEANUP_MOUNTS=("$COVERED/nest/inner" "${CLEANUP_MOUNTS[@]}")
	echo "mounted nested dir" >"$COVERED/nest/inner/shown"
	chmod 644 "$COVERED"/dir/shown "$COVERED"/nest/inner/*
	# a top-level directory that is a mount itself (a separate /usr,
	# say): shown, and written in the write layer only
	TOPMNT=$(mktemp -d /sbx-itest-topmount.XXXXXX) || exit 1
	CLEANUP+=("$TOPMNT")
	chmod 755 "$TOPMNT"
	echo "covered top" >"$TOPMNT/secret"
	chmod 644 "$TOPMNT/secret"
	mount -t tmpfs -o mode=1777 sbx-itest "$TOPMNT" &&
		CLEANUP_MOUNTS+=("$TOPMNT")
	echo "mounted top" >"$TOPMNT/shown"
	chmod 644 "$TOPMNT/shown"
fi

# An image root (the static probe and secrets in its hidden places): one
# overlay over the layer, whose hidden places must be hidden as well.
IMG=$(mktemp -d /var/tmp/sbx-itest-img.XXXXXX) || exit 1
CLEANUP+=("$IMG")
mkdir -p "$IMG/usr/bin" "$IMG/home/u" "$IMG/tmp" "$IMG/var/tmp"
cp "$PROBE" "$IMG/usr/bin/sbx-itest-probe"
for s in home/u tmp var/tmp; do echo "image secret" >"$IMG/$s/secret"; done
chmod -R a+rX "$IMG"
IMG_POLICY=$(test_policy image "filesystem { layers: [\"$IMG\"] }")

# shows MODE PATH TEXT: PATH reads TEXT inside.
shows() {
	run_probe "$1" read "$2"
	if [ "$RC" = 1 ] && [[ "$OUT" == *"\"$3\""* ]]; then
		ok "[$1] the host's mount at $2 shows inside"
	else
		fail "[$1] the host's mount at $2 shows inside" \
			"exit $RC: $OUT $ERR"
	fi
}

# late_secrets MODE: files the host puts in hidden places while a sandbox
# runs stay out of its sight too, not only what those places held when it
# started (an overlay that merely looked empty would show them).
late_secrets() {
	local mode=$1 f line= out=
	local late=("/tmp/sbx-itest-late.$$" "/var/tmp/sbx-itest-late.$$"
		"${SECRETS[0]%/*}/sbx-itest-late.$$")
	coproc LATE { in_mode "$mode" "$SBXBIN" --policy "$ITEST_POLICY" -- \
		/bin/sh -c 'echo ready; read go; for f; do [ -e "$f" ] && echo "seen $f"; done; echo done' \
		sh "${late[@]}" 2>&1; }
	read -t 30 -r line <&"${LATE[0]}"
	for f in "${late[@]}"; do
		echo "late secret" >"$f" && CLEANUP+=("$f")
		chmod 644 "$f"
	done
	echo go >&"${LATE[1]}"
	out=$(timeout 30 cat <&"${LATE[0]}")
	wait "$LATE_PID"
	rm -f "${late[@]}"
	if [ "$line" = ready ] && [ "$out" = done ]; then
		ok "[$mode] files put in hidden places while a sandbox runs stay hidden"
	else
		fail "[$mode] files put in hidden places while a sandbox runs stay hidden" \
			"$line $out"
	fi
}

for mode in $MODES; do
	if [ -n "$COVERED" ]; then
		for s in dir/secret nest/inner/secret; do
			held_by_kernel "$mode" "what the host's mount covers stays covered: $s" \
				read "$COVERED/$s"
		done
		shows "$mode" "$COVERED/dir/shown" "mounted dir"
		shows "$mode" "$COVERED/file" "mounted file"
		shows "$mode" "$COVERED/nest/inner/shown" "mounted nested dir"
		shows "$mode" "$TOPMNT/shown" "mounted top"
		held_by_kernel "$mode" "what a top-level mount covers stays covered" \
			read "$TOPMNT/secret"
		run_probe "$mode" create "$TOPMNT/inside" "written inside"
		check "[$mode] write to a top-level host mount works inside" \
			[ "$RC" = 0 ]
		check "[$mode] ... and never reached the host" \
			[ ! -e "$TOPMNT/inside" ]
	fi
	for s in /home/u /tmp /var/tmp; do
		run_sbx "$mode" --policy "$IMG_POLICY" -- sbx-itest-probe \
			read "$s/secret"
		if [ "$RC" = 0 ] && [[ "$OUT" == *": held: "* ]]; then
			ok "[$mode] image root: $s hidden"
		else
			fail "[$mode] image root: $s hidden" "exit $RC: $OUT $ERR"
		fi
	done
	# Hidden places.
	for s in "${SECRETS[@]}"; do
		held_by_kernel "$mode" "secret $s unreadable inside" read "$s"
		if [ "$mode" = root ] || [[ "$s" != /root/* ]]; then
			escapes_outside "$mode" "$s is readable" read "$s"
		fi
	done
	late_secrets "$mode"
	held_by_kernel "$mode" "chroot escape from a nested userns finds no host file (no filter)" \
		--policy "$NOFILTER" -- chroot-escape "/tmp/sbx-itest-secret.$$"
	held_by_kernel "$mode" "/etc/shadow masked" read /etc/shadow
	held_by_kernel "$mode" "a masked path in /sys masked" \
		--policy "$SYS_MASK_POLICY" -- \
		read /sys/kernel/mm/transparent_hugepage/enabled
	[ "$mode" = root ] &&
		escapes_outside "$mode" "/etc/shadow is readable" read /etc/shadow
	held_by_kernel "$mode" "open_by_handle_at refused (no filter)" \
		--policy "$NOFILTER" -- open-by-handle

	# Kernel interfaces.
	held_by_kernel "$mode" "/proc/kcore and other masked /proc entries empty" proc-kcore
	held_by_kernel "$mode" "/proc/sys read-only and not writable" proc-sys-write
	held_by_kernel "$mode" "/sys read-only and not writable" sys-write
	held_by_kernel "$mode" "/dev holds only the minimal nodes" dev-list
	held_by_kernel "$mode" "mknod refused" mknod /tmp/mem

	# Mounts.
	before=$(host_mounts)
	held_by_kernel "$mode" "mount, bind, remount, fsopen refused (no filter)" \
		--policy "$NOFILTER" -- mount
	for p in /home /etc/shadow /proc/kcore /proc/sys /tmp /; do
		held_by_kernel "$mode" "umount $p refused (no filter)" \
			--policy "$NOFILTER" -- umount "$p"
	done
	held_by_kernel "$mode" "nested userns cannot remove the sandbox's mounts (no filter)" \
		--policy "$NOFILTER" -- unshare-user-mount
	note "$OUT"
	# While a sandbox runs, its mounts are not the host's.
	out=$(mktemp)
	in_mode "$mode" "$SBXBIN" --policy "$ITEST_POLICY" -- "$PROBE" sleep 2 >"$out" 2>&1 &
	pid=$!
	sleep 0.5
	during=$(host_mounts)
	wait "$pid"
	rm -f "$out"
	after=$(host_mounts)
	check "[$mode] host mount table unchanged while a sandbox runs" \
		[ "$before" = "$during" ]
	check "[$mode] host mount table unchanged after the attacks" \
		[ "$before" = "$after" ]
	[ "$before" = "$after" ] ||
		note "diff: $(diff <(echo "$before") <(echo "$after") | head -5)"

	# The write layer: writes work inside, vanish after, never reach the
	# host's lower layer.
	run_probe "$mode" create "$LOWER/inside" "written inside"
	check "[$mode] write to a lower-layer directory works inside" [ "$RC" = 0 ]
	run_probe "$mode" create /tmp/inside "written inside"
	check "[$mode] write to the hidden /tmp works inside" [ "$RC" = 0 ]
	check "[$mode] the write never reached the host's lower layer" \
		[ "$(ls -A "$LOWER")" = bin ]
	check "[$mode] the write to /tmp never reached the host's /tmp" \
		[ ! -e /tmp/inside ]
	held_by_kernel "$mode" "lower-layer write gone in the next sandbox" \
		read "$LOWER/inside"
	run_probe "$mode" create "$EMPTY_TOP/inside" "written inside"
	check "[$mode] write to an empty top-level directory works inside" \
		[ "$RC" = 0 ]
	check "[$mode] ... and never reached the host" [ -z "$(ls -A "$EMPTY_TOP")" ]
	held_by_kernel "$mode" "empty top-level directory's write gone in the next sandbox" \
		read "$EMPTY_TOP/inside"
	held_by_kernel "$mode" "/tmp write gone in the next sandbox" read /tmp/inside

	# A read-only root (the probe from a visible directory, see below).
	for p in "$LOWER/ro" /tmp/ro /ro /etc/ro /var/tmp/ro; do
		run_sbx "$mode" --policy "$RO_POLICY" -- "$VISIBLE_PROBE" write "$p"
		if [ "$RC" = 0 ] && [[ "$OUT" == *": held: "* ]]; then
			ok "[$mode] read-only root: $p not writable"
		else
			fail "[$mode] read-only root: $p not writable" \
				"exit $RC: $OUT $ERR"
		fi
	done
	# A program under a hidden path needs its bind's mount point created
	# in the (read-only) hidden directory.
	run_sbx "$mode" --policy "$RO_POLICY" -- "$PROBE" caps
	check "[$mode] read-only root: a program under a hidden path runs" \
		[ "$RC" = 0 ]
	[ "$RC" = 0 ] || note "exit $RC: $ERR"
	escapes_outside "$mode" "$LOWER is writable" write "$LOWER/ctl"
	rm -f "$LOWER/ctl"

	# The write layer's size limit (4 MiB here).
	held_by_kernel "$mode" "write layer full at its limit" \
		--policy "$SMALL_POLICY" -- fill /tmp/fill 33554432
	bytes=$(sed -n 's/.*ENOSPC after \([0-9]*\) bytes.*/\1/p' <<<"$OUT")
	check "[$mode] ENOSPC between 3 and 4 MiB (got ${bytes:-?})" \
		[ "${bytes:-0}" -ge 3145728 -a "${bytes:-0}" -le 4194304 ]
	run_probe "$mode" --policy "$SMALL_POLICY" -- fill "$LOWER/fill" 33554432
	bytes=$(sed -n 's/.*ENOSPC after \([0-9]*\) bytes.*/\1/p' <<<"$OUT")
	check "[$mode] overlay writes count against the same limit (${bytes:-?})" \
		[ "$RC" = 0 -a "${bytes:-0}" -le 4194304 ]
	check "[$mode] the fill never reached the host" [ "$(ls -A "$LOWER")" = bin ]
	run_probe "$mode" fill /tmp/fill 8388608
	check "[$mode] control: 8 MiB fit $ITEST_POLICY's write layer" [ "$RC" = 1 ]

	# Programs under hidden paths, by path, from any directory.
	run_sbx "$mode" -- "$PROG_TMP/probe" caps
	check "[$mode] program under /tmp runs by absolute path" [ "$RC" = 0 ]
	capture in_mode "$mode" bash -c 'cd "$1" && exec "$2" --policy "$3" -- ./probe caps' \
		_ "$PROG_TMP" "$SBXBIN" "$ITEST_POLICY"
	check "[$mode] program under /tmp runs by relative path from its dir" \
		[ "$RC" = 0 ]
	capture in_mode "$mode" bash -c 'cd /usr/share && exec "$2" --policy "$3" -- "$1" caps' \
		_ "$PROG_TMP/probe" "$SBXBIN" "$ITEST_POLICY"
	check "[$mode] program under /tmp runs from another directory" [ "$RC" = 0 ]
	held_by_kernel "$mode" "the program's bind is read-only" write "$PROG_TMP/probe"
	held_by_kernel "$mode" "only the program of its directory is visible" \
		read "/tmp/sbx-itest-secret.$$"
	if [ -n "$PROG_HOME" ]; then
		run_sbx "$mode" -- "$PROG_HOME" caps
		check "[$mode] program under /home runs" [ "$RC" = 0 ]
		held_by_kernel "$mode" "secret next to the program under /home hidden" \
			read "$HOME_DIR/sbx-itest-secret.$$"
	fi
	run_sbx "$mode" -- "$PROBE" caps
	check "[$mode] program under /var/tmp runs" [ "$RC" = 0 ]

	# strict and judge: what a single program could try. The sandbox or
	# the filter (verdict SYS) must stop each; never an ESCAPE.
	for policy in strict judge; do
		for s in "/tmp/sbx-itest-secret.$$" "${SECRETS[0]}"; do
			held "$mode" "$policy: secret $s unreadable" \
				--policy "$policy" -- read "$s"
		done
		held "$mode" "$policy: /etc/shadow masked" \
			--policy "$policy" -- read /etc/shadow
		held "$mode" "$policy: mount refused" --policy "$policy" -- mount
		held "$mode" "$policy: umount / refused" \
			--policy "$policy" -- umount /
		held "$mode" "$policy: unshare and unmount refused" \
			--policy "$policy" -- unshare-user-mount
		held "$mode" "$policy: chroot escape refused" \
			--policy "$policy" -- chroot-escape "/tmp/sbx-itest-secret.$$"
		held "$mode" "$policy: open_by_handle_at refused" \
			--policy "$policy" -- open-by-handle
		held "$mode" "$policy: mknod refused" \
			--policy "$policy" -- mknod /tmp/mem
		held "$mode" "$policy: /proc/sys not writable" \
			--policy "$policy" -- proc-sys-write
		held "$mode" "$policy: /sys not writable" \
			--policy "$policy" -- sys-write
		# Writes outside: strict's filter refuses creating files (SYS);
		# judge's allows it, into the write layer and never the host's
		# directory.
		run_probe "$mode" --policy "$policy" -- create "$LOWER/$policy" inside
		if [ "$RC" = 0 ] || { [ "$RC" = 159 ] && [ "$VERDICT" = SYS ]; }; then
			ok "[$mode] $policy: a lower-layer write ends in the write layer or in SYS (exit $RC${VERDICT:+, $VERDICT})"
		else
			fail "[$mode] $policy: a lower-layer write ends in the write layer or in SYS" \
				"exit $RC, verdict ${VERDICT:-?}: $OUT $ERR"
		fi
		check "[$mode] $policy: the write never reached the host" \
			[ "$(ls -A "$LOWER")" = bin ]
	done

	no_leftover_processes "$mode" "no sandbox process left"
done

itest_done

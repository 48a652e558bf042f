#!/bin/bash
# An image root (issue 6): a minimal Debian made by `debootstrap --variant=
# minbase bookworm` from Debian's archive is the only layer
# (filesystem { layers: [DIR] }); a program that exists only in the image
# runs from it, sees the image's files and not the host's, and its writes
# stay out of the image. Slow (minutes the first time): only with
# SBX_SLOW_TESTS=1. The root is cached in $SBX_IMAGE_CACHE (default
# $SBX_BUILD_DIR/cache/bookworm-minbase, inside the gitignored build tree).
. "$(dirname "$0")/lib.sh"
[ "${SBX_SLOW_TESTS:-0}" = 1 ] || { echo "# SKIP slow test: set SBX_SLOW_TESTS=1 (debootstrap takes minutes)"; exit 77; }
itest_init

img=${SBX_IMAGE_CACHE:-${SBX_BUILD_DIR:-/var/tmp}/cache/bookworm-minbase}
mirror=${SBX_DEBIAN_MIRROR:-http://deb.debian.org/debian}
if [ ! -e "$img/.sbx-complete" ]; then
	command -v debootstrap >/dev/null ||
		skip_or_fail "debootstrap is not installed (apt-get install debootstrap)"
	[ "$(id -u)" = 0 ] || skip_or_fail "debootstrap needs root (no cached image at $img)"
	rm -rf "$img.tmp"
	mkdir -p "$(dirname "$img")"
	note "debootstrap --variant=minbase bookworm $img ($mirror); this takes minutes"
	if ! debootstrap --variant=minbase bookworm "$img.tmp" "$mirror" \
		>"$WORK/debootstrap.log" 2>&1; then
		tail -5 "$WORK/debootstrap.log" | sed 's/^/#   /'
		rm -rf "$img.tmp"
		skip_or_fail "debootstrap failed: Debian's archive ($mirror) is unreachable?"
	fi
	# a program only the image has
	printf '#!/bin/sh\necho "image $(cat /etc/debian_version) $(id -u)"\n' \
		>"$img.tmp/usr/local/bin/sbx-image-hello"
	chmod 755 "$img.tmp/usr/local/bin/sbx-image-hello"
	rm -rf "$img" && mv "$img.tmp" "$img" && touch "$img/.sbx-complete"
fi
chmod 755 "$(dirname "$img")" "$img"
note "image: $img ($(cat "$img/etc/debian_version"))"

pol=$(new_policy image "extends: \"build\"
filesystem { layers: [\"$img\"] }")
marker=/sbx-itest-host-only-$$
touch "$marker"
CLEANUP+=("$marker")
for mode in $MODES; do
	run_sbx "$mode" --policy "$pol" -- sbx-image-hello
	check "[$mode] a program only the image has runs from it ($OUT)" \
		test "$RC:$OUT" = "0:image $(cat "$img/etc/debian_version") 1000"
	run_sbx "$mode" --policy "$pol" -- /bin/sh -c \
		"test -e $marker && echo host-visible; ls /usr/local/bin; echo x > /etc/sbx-image-write && echo wrote"
	check "[$mode] the host's root is not visible under an image root" \
		test -z "$(echo "$OUT" | grep host-visible)"
	check "[$mode] the image is not changed by the sandbox" \
		test ! -e "$img/etc/sbx-image-write"
	run_sbx "$mode" --policy "$pol" -- /usr/bin/dpkg-query -W -f '${Package}\n' dpkg
	check "[$mode] the image's dpkg works inside (exit $RC)" test "$RC:$OUT" = "0:dpkg"
done

itest_done

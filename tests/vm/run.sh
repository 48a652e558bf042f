#!/bin/bash
# Boots Debian's own kernel in qemu (plain emulation, TCG) with a pure
# cgroup v2 hierarchy and runs sbx's cgroup, limit and basic sandbox tests
# inside (tests/vm/guest-tests.sh), as root and as an unprivileged user with
# a delegated subtree, then the escape suite (tests/escape/run.sh and its
# attack programs, built static here; see guest-tests.sh for which attacks
# run under which policy). Prints one line per check and exits 0 when all
# pass, 1 on any failure or timeout, 77 when qemu or the kernel cannot be
# had.
#
# The guest is busybox, the host's bash with its libraries (for the escape
# runner), a static sbx and static test programs; vmprobe doubles as the
# setpriv the escape runner needs (busybox's cannot change ids).
#
# Nothing is installed on the host but qemu-system-x86 (via apt-get, when
# missing and we are root). The kernel package is only downloaded and
# unpacked (apt-get download, dpkg-deb -x), cached in tests/vm/cache/.
#
# Environment:
#   SBX_SOURCE_DIR   source tree (default: two levels above this script)
#   SBX_VM_CACHE     cache and work directory (default: tests/vm/cache)
#   SBX_VM_SBX       use this sbx binary instead of building a static one
#                    (a dynamic one gets its libraries copied in)
#   SBX_VM_REV       build the static sbx from this git revision (git
#                    archive, e.g. HEAD) instead of the working tree
#   SBX_VM_KERNEL_PKG  kernel package (default: linux-image-cloud-amd64,
#                    resolved to the versioned package it depends on)
#   SBX_VM_KVM=1     use KVM (opt-in: on some hosts a KVM guest hangs)
#   SBX_VM_SMP       guest CPUs (default 2)
#   SBX_VM_TIMEOUT   hard bound on the qemu run in seconds (default 600)
#   SBX_VM_GUEST_TESTS  run this script in the guest instead of
#                    tests/vm/guest-tests.sh (to try one thing quickly)
#   SBX_VM_EXTRA     more files for the guest's /opt/sbx-vm/ (space-separated)
set -u
shopt -s nullglob

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
src=${SBX_SOURCE_DIR:-$(cd "$here/../.." && pwd)}
cache=${SBX_VM_CACHE:-$here/cache}
timeout_s=${SBX_VM_TIMEOUT:-600}
kpkg=${SBX_VM_KERNEL_PKG:-linux-image-cloud-amd64}
t0=$(date +%s)

skip() { echo "tests/vm: SKIP: $*"; exit 77; }
die() { echo "tests/vm: ERROR: $*" >&2; exit 1; }
step() { echo "tests/vm: $* ($(( $(date +%s) - t0 ))s)"; }

[ "$(uname -m)" = x86_64 ] || skip "needs an x86_64 host (got $(uname -m))"
mkdir -p "$cache/debs" || die "cannot create $cache"

# --- qemu ---------------------------------------------------------------
if ! command -v qemu-system-x86_64 >/dev/null; then
	if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
		step "installing qemu-system-x86"
		DEBIAN_FRONTEND=noninteractive apt-get install -y \
			--no-install-recommends qemu-system-x86 \
			>"$cache/apt-qemu.log" 2>&1 ||
			skip "qemu-system-x86_64 missing and apt-get install qemu-system-x86 failed (see $cache/apt-qemu.log)"
	else
		skip "qemu-system-x86_64 missing (install Debian's qemu-system-x86; needs root)"
	fi
fi

# --- kernel -------------------------------------------------------------
# apt-get download as root warns that _apt cannot write here; harmless.
fetch() { (cd "$cache/debs" && apt-get download "$1" >"$cache/apt-download.log" 2>&1); }

kdeb=
if [ -z "${SBX_VM_REFRESH:-}" ]; then
	for f in "$cache/debs"/linux-image-[0-9]*.deb; do kdeb=$f; done
fi
if [ -z "$kdeb" ]; then
	command -v apt-get >/dev/null || skip "no apt-get to download $kpkg"
	step "downloading $kpkg"
	fetch "$kpkg" || skip "apt-get download $kpkg failed (no archive access?), see $cache/apt-download.log"
	meta=$(ls -t "$cache/debs/${kpkg}"_*.deb | head -n1)
	dep=$(dpkg-deb -f "$meta" Depends | tr ',' '\n' |
	      grep -o 'linux-image-[0-9][^ ]*' | head -n1)
	[ -n "$dep" ] || skip "cannot find the kernel image $kpkg depends on"
	fetch "$dep" || skip "apt-get download $dep failed, see $cache/apt-download.log"
	kdeb=$(ls -t "$cache/debs/${dep}"_*.deb | head -n1)
fi
kdir=$cache/kernel/$(basename "$kdeb" .deb)
if [ ! -d "$kdir/boot" ]; then
	rm -rf "$kdir"
	mkdir -p "$kdir"
	dpkg-deb -x "$kdeb" "$kdir" || die "dpkg-deb -x $kdeb failed"
fi
vmlinuz=$(ls "$kdir"/boot/vmlinuz-* | head -n1)
kconfig=$(ls "$kdir"/boot/config-* | head -n1)
[ -n "$vmlinuz" ] && [ -n "$kconfig" ] || die "no vmlinuz/config in $kdeb"
kver=${vmlinuz##*/vmlinuz-}

# --- busybox ------------------------------------------------------------
static() { file -L "$1" 2>/dev/null | grep -q 'statically linked'; }
busybox=
for b in /bin/busybox /usr/bin/busybox; do
	if [ -x "$b" ] && static "$b"; then busybox=$b; break; fi
done
if [ -z "$busybox" ]; then
	bdeb=$(ls "$cache/debs"/busybox-static_*.deb 2>/dev/null | head -n1)
	if [ -z "$bdeb" ]; then
		fetch busybox-static || skip "no static busybox and apt-get download busybox-static failed"
		bdeb=$(ls "$cache/debs"/busybox-static_*.deb | head -n1)
	fi
	rm -rf "$cache/busybox"; mkdir -p "$cache/busybox"
	dpkg-deb -x "$bdeb" "$cache/busybox" || die "dpkg-deb -x $bdeb failed"
	busybox=$cache/busybox/bin/busybox
fi

# --- sbx and the test programs ------------------------------------------
if [ -n "${SBX_VM_SBX:-}" ]; then
	sbx=$SBX_VM_SBX
else
	# A static sbx: no libraries to carry, and no sanitizer runtime. The
	# pkg-config imported targets name the .so files; point them at .a.
	step "building a static sbx"
	L=/usr/lib/x86_64-linux-gnu
	bdir=$cache/build-static
	bsrc=$src
	if [ -n "${SBX_VM_REV:-}" ]; then
		bsrc=$cache/src-rev
		bdir=$cache/build-static-rev
		rm -rf "$bsrc" && mkdir -p "$bsrc" &&
		git -C "$src" archive "$SBX_VM_REV" | tar -x -C "$bsrc" ||
			die "cannot export revision $SBX_VM_REV"
	fi
	cmake -S "$bsrc" -B "$bdir" -DSBX_TESTS=OFF -DSBX_SANITIZE=OFF \
		-DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_EXE_LINKER_FLAGS=-static \
		"-Dpkgcfg_lib_PROTOBUF_C_protobuf-c=$L/libprotobuf-c.a" \
		"-Dpkgcfg_lib_SECCOMP_seccomp=$L/libseccomp.a" \
		"-Dpkgcfg_lib_CAPNG_cap-ng=$L/libcap-ng.a" \
		>"$cache/build.log" 2>&1 &&
	make -C "$bdir" -j2 sbx >>"$cache/build.log" 2>&1 ||
		die "static build of sbx failed, see $cache/build.log"
	sbx=$bdir/broker/sbx
fi
[ -x "$sbx" ] || die "no sbx binary at $sbx"
gcc -O2 -Wall -static -pthread -o "$cache/vmprobe" "$here/vmprobe.c" ||
	die "cannot build vmprobe (static glibc missing?)"
# The escape programs, static as tests/CMakeLists.txt builds them, from
# this source tree (like vmprobe and the guest scripts).
rm -rf "$cache/escape"
mkdir -p "$cache/escape"
escapes=("$src"/tests/escape/escape-*.c)
[ ${#escapes[@]} -gt 0 ] || die "no tests/escape/escape-*.c in $src"
for c in "${escapes[@]}"; do
	n=$(basename "$c" .c)
	gcc -std=gnu11 -O2 -Wall -D_GNU_SOURCE -static -o "$cache/escape/$n" "$c" ||
		die "cannot build $n"
done
cp "$src/tests/escape/run.sh" "$cache/escape/run.sh"
bash=$(command -v bash) || die "no bash"

# --- initramfs ----------------------------------------------------------
step "building the initramfs (kernel $kver)"
root=$cache/initramfs
rm -rf "$root"
mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,usr/local/bin,lib/modules,etc,opt/sbx-vm,proc,sys,dev,tmp,run,home/tester,root,mnt,var/tmp}
cp "$busybox" "$root/bin/busybox"
cp "$here/init.sh" "$root/init"
cp "${SBX_VM_GUEST_TESTS:-$here/guest-tests.sh}" "$root/opt/sbx-vm/guest-tests.sh"
cp "$cache/vmprobe" "$root/opt/sbx-vm/vmprobe"
cp "$sbx" "$root/usr/local/bin/sbx"
cp -r "$cache/escape" "$root/opt/sbx-vm/escape"
cp "$bash" "$root/usr/local/bin/bash"
ln -s /opt/sbx-vm/vmprobe "$root/usr/local/bin/setpriv"
for f in ${SBX_VM_EXTRA:-}; do cp "$f" "$root/opt/sbx-vm/"; done
chmod 755 "$root/init" "$root/opt/sbx-vm/"* "$root/opt/sbx-vm/escape/"*

# Libraries of bash and of a dynamic sbx, and the loader.
for bin in "$bash" "$sbx"; do
	static "$bin" && continue
	for lib in $(ldd "$bin" | grep -o '/[^ ]*'); do
		mkdir -p "$root$(dirname "$lib")"
		cp -L "$lib" "$root$lib"
	done
done

# overlayfs: built in or a module (with its dependencies, if any).
if grep -q '^CONFIG_OVERLAY_FS=m' "$kconfig"; then
	mdir=$kdir/lib/modules/$kver
	ko=$(find "$mdir" -name 'overlay.ko*' | head -n1)
	[ -n "$ko" ] || die "overlay is a module but overlay.ko is not in $kdeb"
	case "$ko" in
	*.ko) cp "$ko" "$root/lib/modules/" ;;
	*.ko.xz) xz -dc "$ko" >"$root/lib/modules/overlay.ko" ;;
	*.ko.zst) zstd -dcq "$ko" >"$root/lib/modules/overlay.ko" ;;
	esac
fi

cat >"$root/etc/passwd" <<'EOF'
root:x:0:0:root:/root:/bin/sh
tester:x:1000:1000:tester:/home/tester:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
EOF
cat >"$root/etc/group" <<'EOF'
root:x:0:
tester:x:1000:
nogroup:x:65534:
EOF
echo "a private file" >"$root/home/tester/secret"
echo "sbx-vm" >"$root/etc/hostname"

(cd "$root" && find . | "$busybox" cpio -o -H newc -R 0:0 2>/dev/null) |
	gzip -1 >"$cache/initramfs.gz" || die "cannot pack the initramfs"
# The tester's home belongs to the tester (cpio -R made everything root's):
# init.sh fixes it at boot.

# --- boot ---------------------------------------------------------------
accel=(-accel tcg)
if [ "${SBX_VM_KVM:-0}" = 1 ] && [ -w /dev/kvm ]; then
	accel=(-accel kvm -cpu host)
fi
log=$cache/console.log
step "booting $kver under qemu (${accel[*]}, timeout ${timeout_s}s)"
tb=$(date +%s)
timeout --kill-after=10 "$timeout_s" qemu-system-x86_64 "${accel[@]}" \
	-m 1024 -smp "${SBX_VM_SMP:-2}" -nographic -no-reboot \
	-kernel "$vmlinuz" -initrd "$cache/initramfs.gz" \
	-append "console=ttyS0 cgroup_no_v1=all panic=-1 quiet" \
	</dev/null >"$log" 2>&1
qrc=$?
te=$(date +%s)

tr -d '\r' <"$log" | grep -E '^(ok|not ok) - |^sbx-vm: |^# |^[0-9]+ passed, [0-9]+ failed' 
summary=$(tr -d '\r' <"$log" | grep -E '^[0-9]+ passed, [0-9]+ failed' | tail -n1)
echo "tests/vm: qemu ran $((te - tb))s (total $((te - t0))s), console log: $log"
if [ "$qrc" = 124 ] || [ "$qrc" = 137 ]; then
	echo "tests/vm: FAIL: the VM did not finish within ${timeout_s}s"
	exit 1
fi
if [ -z "$summary" ]; then
	echo "tests/vm: FAIL: no result line on the console (qemu exit $qrc); last lines:"
	tr -d '\r' <"$log" | tail -n 20
	exit 1
fi
case "$summary" in
*" 0 failed") exit 0 ;;
*) echo "tests/vm: FAIL: $summary"; exit 1 ;;
esac

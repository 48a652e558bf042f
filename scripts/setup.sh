#!/usr/bin/env bash
# Quick start, step 1: install the Debian 12 packages sbx needs, build it into
# build/ and run one program in a sandbox.
#
# Idempotent: apt is skipped when every package is already installed, and the
# build is incremental. Works as root or as a user with sudo.
#   SBX_JOBS=N  parallel build jobs (default: nproc)
set -euo pipefail

cd "$(dirname "$0")/.."

PACKAGES=(
	build-essential cmake pkg-config
	libseccomp-dev libcap-ng-dev libprotobuf-c-dev protobuf-c-compiler
	libcmocka-dev scdoc afl++ clang
	bubblewrap hyperfine passt iproute2 uidmap util-linux procps
	busybox-static
)
JOBS=${SBX_JOBS:-$(nproc)}

say() { printf '==> %s\n' "$*"; }

as_root() {
	if [ "$(id -u)" -eq 0 ]; then
		"$@"
	elif command -v sudo >/dev/null; then
		sudo "$@"
	else
		echo "setup.sh: need root or sudo to run: $*" >&2
		exit 1
	fi
}

missing_packages() {
	local p status
	for p in "${PACKAGES[@]}"; do
		status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
		[ "$status" = "install ok installed" ] || echo "$p"
	done
}

install_packages() {
	local missing
	missing=$(missing_packages)
	if [ -z "$missing" ]; then
		say "Debian packages: all present"
		return
	fi
	say "installing: ${missing//$'\n'/ }"
	# A fresh image may have no package lists at all.
	if ! compgen -G "/var/lib/apt/lists/*_Packages*" >/dev/null; then
		as_root apt-get update
	fi
	# shellcheck disable=SC2086 # one word per package
	if ! as_root env DEBIAN_FRONTEND=noninteractive \
		apt-get install -y --no-install-recommends $missing; then
		say "apt-get install failed; refreshing the package lists once"
		as_root apt-get update
		# shellcheck disable=SC2086
		as_root env DEBIAN_FRONTEND=noninteractive \
			apt-get install -y --no-install-recommends $missing
	fi
}

build() {
	say "building into build/ (-j$JOBS)"
	cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	cmake --build build -j"$JOBS"
}

try_it() {
	say "running one program in the strict sandbox"
	build/broker/sbx --policy strict -- /bin/uname -n
	# strict's syscall filter allows no fork; a shell script wants the
	# build policy. Single quotes: $(hostname) expands inside the sandbox.
	say "running a shell script in the build sandbox"
	# shellcheck disable=SC2016
	build/broker/sbx --policy build -- /bin/sh -c 'echo hello from $(hostname); id'
}

install_packages
build
try_it
say "done: the binary is build/broker/sbx; next: scripts/test.sh"

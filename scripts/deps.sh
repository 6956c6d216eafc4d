#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# deps.sh: install the Debian 12 packages the harness needs. As root it
# runs apt-get; otherwise it prints the command to run and fails.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

PACKAGES=(
	# kernel tree, series and build
	linux-source-6.1 quilt patch diffstat git make gcc libc6-dev
	flex bison bc libelf-dev libssl-dev cpio xz-utils rsync ccache perl python3
	# guests
	qemu-system-x86 qemu-system-arm busybox-static
	# arm64 cross build and user space
	gcc-aarch64-linux-gnu libc6-dev-arm64-cross
	# 32-bit test programs: i386 on x86_64, AArch32 on arm64
	gcc-i686-linux-gnu libc6-dev-i386-cross gcc-arm-linux-gnueabihf libc6-dev-armhf-cross
	# pfmon: event names, ELF symbols (static libraries)
	libpfm4-dev libelf-dev zlib1g-dev
)

# The arm64 guest's busybox: Debian's busybox-static for arm64, fetched
# through dpkg multiarch and unpacked (not installed) under build/.
fetch_arm64_busybox() {
	local dir=$BUILD/busybox-arm64 debs=$BUILD/debs

	[ -x "$dir/bin/busybox" ] && return 0
	if ! dpkg --print-foreign-architectures | grep -qx arm64; then
		if [ "$(id -u)" != 0 ]; then
			echo "the arm64 guest needs arm64 packages; as root run:"
			echo "  dpkg --add-architecture arm64 && apt-get update"
			return 1
		fi
		log "enabling the arm64 architecture for dpkg"
		dpkg --add-architecture arm64
		apt-get update -q >/dev/null
	fi
	mkdir -p "$debs"
	rm -f "$debs"/busybox-static_*_arm64.deb
	(cd "$debs" && apt-get download -q busybox-static:arm64 >/dev/null 2>&1) ||
		{ apt-get update -q >/dev/null && (cd "$debs" && apt-get download -q busybox-static:arm64); } ||
		die "cannot download busybox-static:arm64"
	rm -rf "$dir"
	dpkg-deb -x "$debs"/busybox-static_*_arm64.deb "$dir"
	[ -x "$dir/bin/busybox" ] || die "busybox-static:arm64 has no bin/busybox"
}

missing=()
for p in "${PACKAGES[@]}"; do
	case $(dpkg-query -W -f='${Status}' "$p" 2>/dev/null) in
	*"install ok installed") ;;
	*) missing+=("$p") ;;
	esac
done
if [ ${#missing[@]} = 0 ]; then
	case " ${ARCHES:-x86_64} " in
	*" arm64 "*) fetch_arm64_busybox ;;
	esac
	exit 0
fi
cmd="apt-get install -y --no-install-recommends ${missing[*]}"
if [ "$(id -u)" != 0 ]; then
	echo "missing Debian packages; as root run:"
	echo "  apt-get update && $cmd"
	exit 1
fi
log "installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >/dev/null
apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
case " ${ARCHES:-x86_64} " in
*" arm64 "*) fetch_arm64_busybox ;;
esac

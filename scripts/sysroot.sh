#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# sysroot.sh ARCH: make the static libpfm4 and libelf (with zlib) available
# for ARCH user space and print, on one line, the compiler flags to use them.
# The host's own architecture uses the installed -dev packages; a foreign one
# gets them through dpkg multiarch, unpacked (not installed) under build/.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

PACKAGES=(libpfm4-dev libelf-dev zlib1g-dev)
declare -A LIB=([libpfm4-dev]=libpfm.a [libelf-dev]=libelf.a [zlib1g-dev]=libz.a)

[ $# = 1 ] || die "usage: $0 ARCH"
case $1 in
x86_64) debarch=amd64 triplet=x86_64-linux-gnu ;;
arm64) debarch=arm64 triplet=aarch64-linux-gnu ;;
*) die "unknown architecture $1" ;;
esac

if [ "$(dpkg --print-architecture)" = "$debarch" ]; then
	for p in "${PACKAGES[@]}"; do
		[ -f "/usr/lib/$triplet/${LIB[$p]}" ] ||
			die "no /usr/lib/$triplet/${LIB[$p]}: install $p (scripts/deps.sh)"
	done
	echo
	exit 0
fi

dir=$BUILD/sysroot/$1 debs=$BUILD/debs
stamp=$dir/.packages
flags="-isystem $dir/usr/include -L$dir/usr/lib/$triplet"

if [ -f "$stamp" ] && [ "$(cut -d= -f1 "$stamp")" = "$(printf '%s\n' "${PACKAGES[@]}")" ]; then
	echo "$flags"
	exit 0
fi

if ! dpkg --print-foreign-architectures | grep -qx "$debarch"; then
	[ "$(id -u)" = 0 ] ||
		die "$1 libraries need $debarch packages; as root run: dpkg --add-architecture $debarch && apt-get update"
	log "enabling the $debarch architecture for dpkg"
	dpkg --add-architecture "$debarch"
	apt-get update -q >/dev/null
fi

mkdir -p "$debs"
for p in "${PACKAGES[@]}"; do
	rm -f "$debs/${p}_"*"_$debarch.deb"
done
log "downloading ${PACKAGES[*]} for $debarch"
(cd "$debs" && apt-get download -q "${PACKAGES[@]/%/:$debarch}" >/dev/null 2>&1) ||
	{ apt-get update -q >/dev/null && (cd "$debs" && apt-get download -q "${PACKAGES[@]/%/:$debarch}" >&2); } ||
	die "cannot download ${PACKAGES[*]} for $debarch"

rm -rf "$dir"
mkdir -p "$dir"
for p in "${PACKAGES[@]}"; do
	deb=$(echo "$debs/${p}_"*"_$debarch.deb")
	dpkg-deb -x "$deb" "$dir"
	[ -f "$dir/usr/lib/$triplet/${LIB[$p]}" ] || die "$p:$debarch has no ${LIB[$p]}"
	echo "$p=$(dpkg-deb -f "$deb" Version)" >> "$stamp.tmp"
done
mv "$stamp.tmp" "$stamp"
echo "$flags"

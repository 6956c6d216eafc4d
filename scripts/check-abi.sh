#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# check-abi.sh ARCH: compile the ABI layout assertions
# (tools/testing/selftests/perfmon/abi_layout.h) against the installed
# user headers of the ARCH-release build, for every layout callers use:
# LP64, i386, and i386 with 8-byte-aligned 64-bit integers (the AArch32
# EABI rule). No C library is needed.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

arch=${1:-x86_64}
hdrs=$BUILD/obj/$arch-release/usr/include
hdr=$KTREE/tools/testing/selftests/perfmon/abi_layout.h
[ -d "$hdrs" ] || die "no headers in $hdrs: build $arch-release first"
case $arch in
x86_64) layouts=("LP64:" "i386:-m32" "AArch32 alignment:-m32 -malign-double") ;;
arm64) layouts=("LP64:") ;;
esac
cc="$(cross_compile "$arch")gcc"
status=0
for l in "${layouts[@]}"; do
	name=${l%%:*}
	flags=${l#*:}
	# shellcheck disable=SC2086
	if $cc $flags -fsyntax-only -Wall -Werror -isystem "$hdrs" -x c "$hdr"; then
		echo "  $arch $name: every size and offset as ABI.md"
	else
		echo "  $arch $name: layout differs from ABI.md"
		status=1
	fi
done
exit $status

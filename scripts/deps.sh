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
	# event names for pfmon
	libpfm4-dev
)

missing=()
for p in "${PACKAGES[@]}"; do
	case $(dpkg-query -W -f='${Status}' "$p" 2>/dev/null) in
	*"install ok installed") ;;
	*) missing+=("$p") ;;
	esac
done
if [ ${#missing[@]} = 0 ]; then
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

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# build-kernel.sh NAME: configure and build one kernel, NAME being
# ARCH-VARIANT (x86_64-release, x86_64-debug, x86_64-noperfmon, ...;
# arm64-armpmu: perf_events drives the Armv8 PMU, for make bench).
# The configuration is the merge of test-vm/configs fragments onto
# allnoconfig; it is regenerated only when a fragment changes, and the
# build is incremental (out of tree, in build/obj/NAME, through ccache).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

name=${1:?usage: build-kernel.sh ARCH-VARIANT}
arch=$(arch_of "$name")
variant=${name#*-}
cfgdir=$REPO/test-vm/configs
case $variant in
release) frags="base $arch perfmon" ;;
debug) frags="base $arch perfmon debug" ;;
noperfmon) frags="base $arch noperfmon" ;;
armpmu) frags="base $arch perfmon armpmu" ;;
*) die "unknown kernel variant '$variant'" ;;
esac
# What an architecture adds to a perfmon kernel (its PMU descriptions).
case $variant in
release | debug)
	[ -f "$cfgdir/$arch-perfmon.config" ] && frags+=" $arch-perfmon"
	;;
esac

obj=$BUILD/obj/$name
karch=$(kernel_arch "$arch")
cross=$(cross_compile "$arch")
cc="${cross}gcc"
hostcc=gcc
if command -v ccache >/dev/null; then
	cc="ccache $cc"
	hostcc="ccache gcc"
fi
mkargs=(-C "$KTREE" O="$obj" ARCH="$karch" CROSS_COMPILE="$cross"
	CC="$cc" HOSTCC="$hostcc" -j"$JOBS")

files=()
for f in $frags; do
	[ -f "$cfgdir/$f.config" ] || die "missing fragment $cfgdir/$f.config"
	files+=("$cfgdir/$f.config")
done
mkdir -p "$obj"
sum=$(cat "${files[@]}" | sha256sum | cut -d' ' -f1)
if [ ! -f "$obj/.config" ] || [ "$(cat "$obj/.pfm-fragments" 2>/dev/null)" != "$sum" ]; then
	log "$name: configuring from $frags"
	(cd "$KTREE" && ARCH=$karch CROSS_COMPILE=$cross \
		scripts/kconfig/merge_config.sh -n -O "$obj" "${files[@]}" >"$obj/.merge.log" 2>&1) ||
		{ cat "$obj/.merge.log"; die "$name: configuration failed"; }
	# Every value a fragment asks for must be in the result: a silently
	# dropped option would make a test run meaningless.
	bad=$(cat "${files[@]}" | sed -n -e 's/^\(CONFIG_[A-Za-z0-9_]*\)=\(.*\)$/\1=\2/p' \
		-e 's/^# \(CONFIG_[A-Za-z0-9_]*\) is not set$/\1=n/p' |
		while IFS='=' read -r sym val; do
			have=$(sed -n -e "s/^$sym=\(.*\)$/\1/p" -e "s/^# $sym is not set$/n/p" "$obj/.config")
			[ -z "$have" ] && have=n
			[ "$have" = "$val" ] || echo "$sym: asked $val, got $have"
		done)
	[ -z "$bad" ] || die "$name: options not applied:"$'\n'"$bad"
	echo "$sum" > "$obj/.pfm-fragments"
fi

log "$name: building $(kernel_version) ($(grep -c . "$obj/.config") config lines)"
make "${mkargs[@]}" "$(basename "$(kernel_image "$arch")")" >"$obj/.build.log" 2>&1 ||
	{ tail -40 "$obj/.build.log"; die "$name: build failed (log: $obj/.build.log)"; }
make "${mkargs[@]}" headers >>"$obj/.build.log" 2>&1 ||
	{ tail -20 "$obj/.build.log"; die "$name: headers failed"; }
# The series' own files must build without a warning.
if grep -E '(warning|error):' "$obj/.build.log" |
	grep -E '(^|/)(perfmon/|arch/[a-z0-9_]*/perfmon/|include/linux/perfmon|include/uapi/linux/perfmon)' |
	sort -u >"$obj/.warnings"; then
	cat "$obj/.warnings" >&2
	die "$name: compiler warnings in perfmon code"
fi
log "$name: $(kernel_image "$arch") ready"

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# build-userland.sh ARCH KIND: build the guest's initramfs,
# build/userland/ARCH/KIND.cpio, KIND being
#   tests      the perfmon kselftests (64-bit, and some of them 32-bit
#              as NAME_32) and pfmon, static, and the KUnit-capable init
#   selfcheck  a guest whose tests fail in known ways (scripts/selfcheck.sh)
# Kernel headers come from the ARCH-release build (make headers).
set -euo pipefail
. "$(dirname "$0")/lib.sh"

arch=${1:?usage: build-userland.sh ARCH tests|selfcheck}
kind=${2:?usage: build-userland.sh ARCH tests|selfcheck}
cross=$(cross_compile "$arch")
out=$BUILD/userland/$arch
hdrs=$BUILD/obj/$arch-release/usr/include
kst=$KTREE/tools/testing/selftests
[ -d "$hdrs" ] || die "no kernel headers in $hdrs: build $arch-release first"

busybox_path() {
	case "$arch" in
	x86_64) echo /bin/busybox ;;
	arm64) echo "$BUILD/busybox-arm64/bin/busybox" ;;
	esac
}

gen_init_cpio=$BUILD/tools/gen_init_cpio
if [ ! -x "$gen_init_cpio" ] || [ "$KTREE/usr/gen_init_cpio.c" -nt "$gen_init_cpio" ]; then
	mkdir -p "$BUILD/tools"
	gcc -O2 -o "$gen_init_cpio" "$KTREE/usr/gen_init_cpio.c"
fi

# The perfmon kselftests, built with the tree's own lib.mk.
build_selftests() {
	mkdir -p "$out/selftests"
	CFLAGS="-static" LDFLAGS="-static" make -s -C "$kst/perfmon" \
		OUTPUT="$out/selftests" CROSS_COMPILE="$cross" \
		KHDR_INCLUDES="-isystem $hdrs" >&2
}

# The same kselftests for 32-bit callers (i386 on x86_64, AArch32 on
# arm64), against the cross C library's headers plus the two perfmon2
# UAPI headers. The harness's pointer comparisons cast pointers to
# intmax_t, which 32-bit compilers warn about.
COMPAT_TESTS="errors_test count_test notify_test sets_test smpl_test"
build_selftests32() {
	local cross32 hdr32=$out/hdr32
	case "$arch" in
	x86_64) cross32=i686-linux-gnu- ;;
	arm64) cross32=arm-linux-gnueabihf- ;;
	esac
	mkdir -p "$out/selftests32" "$hdr32/linux"
	cp "$hdrs/linux/perfmon.h" "$hdrs/linux/perfmon_dfl_smpl.h" "$hdr32/linux/"
	CFLAGS="-static -Wno-pointer-to-int-cast" LDFLAGS="-static" make -s -C "$kst/perfmon" \
		OUTPUT="$out/selftests32" CROSS_COMPILE="$cross32" \
		KHDR_INCLUDES="-isystem $hdr32" \
		$(printf "$out/selftests32/%s " $COMPAT_TESTS) >&2
}

# pfmon and libpfmon (tools/perfmon), static, with libpfm4 and libelf.
build_pfmon() {
	local flags
	flags=$(bash "$REPO/scripts/sysroot.sh" "$arch")
	mkdir -p "$out/pfmon"
	make -s -C "$KTREE/tools/perfmon" OUTPUT="$out/pfmon/" CROSS_COMPILE="$cross" \
		KHDR_INCLUDES="-isystem $hdrs" EXTRA_CFLAGS="$flags" >&2
}

# Names of the programs lib.mk builds, in Makefile order.
selftest_progs() {
	make -s -C "$kst/perfmon" -f Makefile -f - print-progs <<'MK'
print-progs:
	@echo $(notdir $(TEST_GEN_PROGS))
MK
}

selftest_timeout() {
	sed -n 's/^timeout=\([0-9]*\)$/\1/p' "$kst/perfmon/settings" 2>/dev/null | grep . || echo 45
}

cpio_list() {
	local list=$1 bb
	bb=$(busybox_path)
	[ -x "$bb" ] || die "busybox for $arch missing at $bb: run 'make deps'"
	cat <<LIST
dir /dev 0755 0 0
nod /dev/console 0600 0 0 c 5 1
dir /proc 0755 0 0
dir /sys 0755 0 0
dir /tmp 1777 0 0
dir /root 0700 0 0
dir /bin 0755 0 0
dir /sbin 0755 0 0
dir /usr 0755 0 0
dir /usr/bin 0755 0 0
dir /usr/sbin 0755 0 0
dir /tests 0755 0 0
file /bin/busybox $bb 0755 0 0
file /init $REPO/test-vm/init 0755 0 0
file /tests/list $list 0644 0 0
LIST
}

mkdir -p "$out"
list=$out/$kind.list
cpiolist=$out/$kind.cpiolist
tmo=$(selftest_timeout)
# The example of the user documentation, extracted and built as is.
build_doc_example() {
	mkdir -p "$out/extra"
	python3 "$REPO/scripts/doc-example.py" "$KTREE/Documentation/userspace-api/perfmon2.rst" \
		"$out/extra/doc_example.c"
	${cross}gcc -static -O2 -Wall -Werror -isystem "$hdrs" -o "$out/extra/doc_example" \
		"$out/extra/doc_example.c"
}

case $kind in
tests)
	build_selftests
	build_selftests32
	build_pfmon
	build_doc_example
	: > "$out/native.list"
	for p in $(selftest_progs) doc_example_test; do
		echo "$p $tmo" >> "$out/native.list"
	done
	cp "$out/native.list" "$list"
	for p in $COMPAT_TESTS; do
		echo "${p}_32 $tmo" >> "$list"
	done
	{
		cpio_list "$list"
		echo "file /tests/native.list $out/native.list 0644 0 0"
		for p in $(selftest_progs); do
			echo "file /tests/$p $out/selftests/$p 0755 0 0"
		done
		for p in $COMPAT_TESTS; do
			echo "file /tests/${p}_32 $out/selftests32/$p 0755 0 0"
		done
		echo "dir /tests/bin 0755 0 0"
		echo "file /tests/bin/pfmon_work $out/selftests/pfmon_work 0755 0 0"
		echo "file /usr/bin/pfmon $out/pfmon/pfmon 0755 0 0"
		echo "file /tests/bin/doc_example $out/extra/doc_example 0755 0 0"
		echo "file /tests/doc_example_test $REPO/test-vm/extra/doc_example_test.sh 0755 0 0"
	} > "$cpiolist"
	;;
selfcheck)
	build_selftests
	mkdir -p "$out/selfcheck"
	${cross}gcc -static -O2 -Wall -I"$kst" -o "$out/selfcheck/selfcheck_fail" \
		"$REPO/test-vm/selfcheck/selfcheck_fail.c"
	printf '%s\n' "sysfs_test $tmo" "selfcheck_fail 60" "selfcheck_missing 60" \
		"selfcheck_warn 60" > "$list"
	{
		cpio_list "$list"
		echo "file /tests/sysfs_test $out/selftests/sysfs_test 0755 0 0"
		echo "file /tests/selfcheck_fail $out/selfcheck/selfcheck_fail 0755 0 0"
		echo "file /tests/selfcheck_warn $REPO/test-vm/selfcheck/selfcheck_warn.sh 0755 0 0"
	} > "$cpiolist"
	;;
*)
	die "unknown userland kind '$kind'"
	;;
esac
"$gen_init_cpio" "$cpiolist" > "$out/$kind.cpio.tmp"
mv "$out/$kind.cpio.tmp" "$out/$kind.cpio"
log "$arch $kind initramfs: $out/$kind.cpio ($(wc -l < "$list") tests)"

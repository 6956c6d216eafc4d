#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# run-vm.sh KERNEL CPIO MODE LOG [SECONDS]: boot build/obj/KERNEL with the
# initramfs CPIO in QEMU (TCG) and run the guest job MODE (test, run).
# PFM_APPEND adds to the kernel command line. arm64 runs with -icount
# shift=0 (guest time = executed instructions, exact counts) unless
# PFM_ICOUNT=0, which lets guest time follow the host's clock.
# The whole console goes to LOG. SECONDS is the hard time limit (0: none,
# for an interactive shell). With a terminal on stdin and MODE=run the
# guest leaves you in a shell. Exit status: QEMU's, or 124 on time-out.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

name=${1:?usage: run-vm.sh KERNEL CPIO MODE LOG [SECONDS]}
cpio=${2:?}
mode=${3:?}
logf=${4:?}
limit=${5:-600}
arch=$(arch_of "$name")
image=$BUILD/obj/$name/$(kernel_image "$arch")
[ -f "$image" ] || die "no kernel image $image: build $name first"
[ -f "$cpio" ] || die "no initramfs $cpio"

append="pfm.mode=$mode panic=-1 printk.devkmsg=on ${PFM_APPEND:-}"
interactive=0
if [ "$mode" = run ] && [ -t 0 ] && [ "${CI:-}" != true ]; then
	interactive=1
	append+=" pfm.shell=1"
fi

case $arch in
x86_64)
	qemu=(qemu-system-x86_64 -accel tcg -cpu max -smp 2 -m 1G
	      -append "console=ttyS0 $append")
	;;
arm64)
	qemu=(qemu-system-aarch64 -M virt -cpu max -smp 1 -m 1G
	      -append "console=ttyAMA0 $append")
	[ "${PFM_ICOUNT:-1}" = 0 ] || qemu+=(-icount shift=0)
	;;
esac
qemu+=(-kernel "$image" -initrd "$cpio" -nographic -no-reboot)

mkdir -p "$(dirname "$logf")"
if [ $interactive = 1 ]; then
	"${qemu[@]}" 2>&1 | tee "$logf"
	exit "${PIPESTATUS[0]}"
fi
if [ "$limit" -gt 0 ]; then
	timeout -k 10 "$limit" "${qemu[@]}" </dev/null >"$logf" 2>&1
else
	"${qemu[@]}" </dev/null >"$logf" 2>&1
fi

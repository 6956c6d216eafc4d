#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# run-vm.sh KERNEL CPIO MODE LOG [SECONDS]: boot build/obj/KERNEL with the
# initramfs CPIO in QEMU (TCG) and run the guest job MODE (test, run).
# PFM_APPEND adds to the kernel command line. PFM_ICOUNT=1 runs the
# guest with -icount shift=0 (guest time = executed instructions, exact
# counts), PFM_ICOUNT=0 lets guest time follow the host's clock; the
# default is 1 on arm64 and 0 on x86_64; the guest's command line then
# carries pfm.icount=1. PFM_SMP sets the number of CPUs (default: 2 on
# x86_64, 1 on arm64).
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
x86_64) icount=${PFM_ICOUNT:-0} ;;
arm64) icount=${PFM_ICOUNT:-1} ;;
esac
# The guest learns that its clock counts instructions from pfm.icount=1.
[ "$icount" = 0 ] || append+=" pfm.icount=1"

case $arch in
x86_64)
	qemu=(qemu-system-x86_64 -accel tcg -cpu max -smp "${PFM_SMP:-2}" -m 1G
	      -append "console=ttyS0 $append")
	;;
arm64)
	qemu=(qemu-system-aarch64 -M virt -cpu max -smp "${PFM_SMP:-1}" -m 1G
	      -append "console=ttyAMA0 $append")
	;;
esac
[ "$icount" = 0 ] || qemu+=(-icount shift=0)
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

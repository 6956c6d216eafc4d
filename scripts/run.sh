#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# run.sh: 'make run'. Build what is missing, boot the release kernel of
# the first architecture of ARCHES and run the main job: show the perfmon
# interface and its PMU description, then pfmon on a demo workload (two
# multiplexed event sets, a sampling run and its flat profile). With a
# terminal on stdin the guest then gives you a shell.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

arch=${ARCHES:-x86_64}
arch=${arch%% *}
bash "$REPO/scripts/deps.sh"
bash "$REPO/scripts/tree.sh"
bash "$REPO/scripts/build-kernel.sh" "$arch-release"
bash "$REPO/scripts/build-userland.sh" "$arch" tests
logf=$BUILD/logs/$arch-run.log
status=0
bash "$REPO/scripts/run-vm.sh" "$arch-release" "$BUILD/userland/$arch/tests.cpio" run "$logf" 300 ||
	status=$?
if ! [ -t 0 ] || [ "${CI:-}" = true ]; then
	# The guest's output, without the kernel's boot messages.
	sed -n '/^@@PFM BOOT/,/^@@PFM DONE/p' "$logf" | grep -v '^\[ *[0-9]*\.[0-9]*\]' | grep -v '^@@PFM'
fi
grep -q '^@@PFM DONE' "$logf" || die "the guest did not finish (status $status, console: $logf)"

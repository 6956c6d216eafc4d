#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# test.sh: everything 'make test' does. ARCHES (default: x86_64 arm64) selects
# the architectures; QUICK=1 builds and boots only the release kernels
# (the edit-build-test loop of 'make test-quick'); FUZZ=DURATION (90s,
# 30m, 1h) runs only a pfm_fuzz campaign of that length on each
# architecture's debug kernel, shared between its PMU descriptions
# ('make fuzz'); BENCH=SCALE runs only pfm_bench at that scale on the
# release kernels, with and without -icount, and writes its tables to
# build/bench ('make bench'). Every step is recorded, a failed step does not
# stop the independent ones, and the summary ends with "N passed, N
# failed". arm64's boots overlap the compiles that follow them (see
# lane()).
set -uo pipefail
. "$(dirname "$0")/lib.sh"

ARCHES=${ARCHES:-x86_64 arm64}
QUICK=${QUICK:-0}
start=$(date +%s)
rm -f "$RESULTS/summary.tsv"
mkdir -p "$RESULTS" "$BUILD/logs"

# step NAME CMD...: run CMD, record its status, print its duration.
step() {
	local name=$1 t0 rc
	shift
	t0=$(date +%s)
	log "$name"
	"$@"
	rc=$?
	if [ $rc = 0 ]; then
		record PASS "$name"
	else
		record FAIL "$name" "exit status $rc"
	fi
	log "$name: $([ $rc = 0 ] && echo ok || echo FAILED) in $(($(date +%s) - t0)) s"
	return $rc
}

# boot NAME LIMIT [PMU]: boot kernel NAME with the test guest and judge
# it; PMU selects the PMU description (perfmon.pmu=) and names the run.
# BOOT_APPEND adds to the kernel command line, BOOT_LIST replaces the
# list of programs the run must report, BOOT_TAG is appended to the
# run's name, BOOT_NAME replaces it.
boot() {
	local name=$1 limit=$2 pmu=${3:-} arch qs t0 run
	arch=$(arch_of "$name")
	run=${BOOT_NAME:-$name${pmu:+-$pmu}${BOOT_TAG:+-$BOOT_TAG}}
	t0=$(date +%s)
	log "$run: booting the tests (limit $limit s)"
	PFM_APPEND="${pmu:+perfmon.pmu=$pmu} ${BOOT_APPEND:-}" \
		bash "$REPO/scripts/run-vm.sh" "$name" "$BUILD/userland/$arch/tests.cpio" test \
		"$BUILD/logs/$run.log" "$limit"
	qs=$?
	python3 "$REPO/scripts/parse-log.py" "$BUILD/logs/$run.log" --group "$run" \
		--tests "${BOOT_LIST:-$BUILD/userland/$arch/tests.list}" \
		--kunit "$REPO/test-vm/kunit-suites" \
		--qemu-status "$qs" --results "$RESULTS/summary.tsv"
	log "$run: tests ran in $(($(date +%s) - t0)) s (console: build/logs/$run.log)"
}

# Every PMU description an architecture's kernels carry gets a boot: the
# default one, and perf_events where a native description is the default.
boot_all() {
	boot "$1" "$2"
	[ -f "$REPO/test-vm/configs/$(arch_of "$1")-perfmon.config" ] &&
		boot "$1" "$2" perf_events
	return 0
}

step deps bash "$REPO/scripts/deps.sh" || { python3 "$REPO/scripts/summary.py" "$RESULTS/summary.tsv"; exit 1; }
step tree bash "$REPO/scripts/tree.sh" || { python3 "$REPO/scripts/summary.py" "$RESULTS/summary.tsv"; exit 1; }
log "kernel $(kernel_version), Debian $KSRC_PKG $(pkg_version $KSRC_PKG)," \
	"$(qemu-system-x86_64 --version | head -1), architectures: $ARCHES"

# seconds DURATION: 90s, 30m, 1h or a number of seconds
seconds() {
	case $1 in
	*h) echo $((${1%h} * 3600)) ;;
	*m) echo $((${1%m} * 60)) ;;
	*s) echo "${1%s}" ;;
	*) echo "$1" ;;
	esac
}

# A fuzz campaign: DURATION per architecture, shared between its PMU
# descriptions; each boot makes two passes (root, uid 65534). The guest
# clock follows the host's (no -icount), so durations are wall-clock.
if [ -n "${FUZZ:-}" ]; then
	secs=$(seconds "$FUZZ")
	echo "pfm_fuzz 0" > "$BUILD/fuzz.list"
	for arch in $ARCHES; do
		boots=1
		[ -f "$REPO/test-vm/configs/$arch-perfmon.config" ] && boots=2
		pass=$((secs / boots / 2))
		step "build/$arch-debug" bash "$REPO/scripts/build-kernel.sh" "$arch-debug" &&
			step "build/$arch-userland" bash "$REPO/scripts/build-userland.sh" "$arch" tests &&
			PFM_ICOUNT=0 BOOT_APPEND="pfm.only=pfm_fuzz pfm.fuzz_seconds=$pass" \
			BOOT_LIST="$BUILD/fuzz.list" BOOT_TAG=fuzz boot_all "$arch-debug" $((2 * pass + 900))
	done
	log "make fuzz took $(($(date +%s) - start)) s"
	python3 "$REPO/scripts/summary.py" "$RESULTS/summary.tsv"
	exit $?
fi

# Benchmarks: pfm_bench on one CPU, under -icount shift=0 (instruction
# counts) and on the host's clock (wall-clock ratios). On arm64 perf
# gets the Armv8 PMU only in the armpmu kernel (ARM_PMU and perfmon2's
# native description exclude each other): perfmon's numbers come from
# the release kernel, perf's from that one, which also gives perfmon on
# its perf_events description against perf in one kernel.
if [ -n "${BENCH:-}" ]; then
	echo "pfm_bench 0" > "$BUILD/bench.list"
	runs=()
	for arch in $ARCHES; do
		step "build/$arch-release" bash "$REPO/scripts/build-kernel.sh" "$arch-release" &&
			step "build/$arch-userland" bash "$REPO/scripts/build-userland.sh" "$arch" tests ||
			continue
		kernels="$arch-release:both"
		if [ "$arch" = arm64 ]; then
			step build/arm64-armpmu bash "$REPO/scripts/build-kernel.sh" arm64-armpmu ||
				continue
			kernels="arm64-release:pfm arm64-armpmu:perf"
		fi
		for ks in $kernels; do
			k=${ks%%:*}
			for clock in icount wall; do
				PFM_SMP=1 PFM_ICOUNT=$([ $clock = icount ] && echo 1 || echo 0) \
				BOOT_APPEND="pfm.only=pfm_bench pfm.bench_scale=$BENCH" \
				BOOT_LIST="$BUILD/bench.list" BOOT_NAME="$k-bench-$clock" \
					boot "$k" 5400
				runs+=("$arch:$clock:${ks#*:}:$BUILD/logs/$k-bench-$clock.log")
				[ "$k" = arm64-armpmu ] &&
					runs+=("arm64-armpmu:$clock:both:$BUILD/logs/$k-bench-$clock.log")
			done
		done
	done
	step bench/tables python3 "$REPO/scripts/bench.py" "$BUILD/bench" "${runs[@]}"
	log "make bench took $(($(date +%s) - start)) s"
	python3 "$REPO/scripts/summary.py" "$RESULTS/summary.tsv"
	exit $?
fi

[ "$QUICK" = 1 ] || step series/check bash "$REPO/scripts/check-series.sh"

# Under -icount (arm64) a guest's clock counts its own instructions, so a
# busy host slows its boots without changing what its tests see: those
# boots run in the background while the next kernels compile. x86_64
# guests follow the host's clock and boot with the host to themselves.
lane_pid=
lane_out=$BUILD/logs/lane.out
in_background() { [ "$(arch_of "$1")" = arm64 ]; }

# lane ARCH CMD...: run CMD, in the background for ARCH's icount guests
# (its messages are printed when lane_wait collects it).
lane() {
	local arch=$1
	shift
	if in_background "$arch"; then
		"$@" > "$lane_out" 2>&1 &
		lane_pid=$!
	else
		"$@"
	fi
}

lane_wait() {
	[ -n "$lane_pid" ] || return 0
	wait "$lane_pid"
	cat "$lane_out"
	lane_pid=
}

release_boots() {
	step "abi/$1-layouts" bash "$REPO/scripts/check-abi.sh" "$1"
	boot_all "$1-release" 600
	[ "$QUICK" = 1 ] ||
		step "$1-harness-selfcheck" bash "$REPO/scripts/selfcheck.sh" "$1"
}

# The 32-bit programs call the same entry points as the 64-bit ones: the
# release kernels run them, the debug kernels' checkers judge the 64-bit
# programs only, and pfm_fuzz's passes stop at 20000 steps there: under
# -icount the 75 s bound of a pass is guest time, of which a debug arm64
# guest runs about one second in ten host seconds, so its 50000 steps
# took about half of the boot's test time (longer campaigns: make fuzz).
debug_boots() {
	BOOT_APPEND="pfm.list=native.list pfm.fuzz_calls=20000" \
		BOOT_LIST="$BUILD/userland/$1/native.list" boot_all "$1-debug" 1800
}

# Kernels that are only compiled wait for a background boot to overlap.
compile_only=()
for arch in $ARCHES; do
	if step "build/$arch-release" bash "$REPO/scripts/build-kernel.sh" "$arch-release" &&
		step "build/$arch-userland" bash "$REPO/scripts/build-userland.sh" "$arch" tests; then
		lane "$arch" release_boots "$arch"
	fi
	if [ "$QUICK" = 1 ]; then
		lane_wait
		continue
	fi
	step "build/$arch-debug" bash "$REPO/scripts/build-kernel.sh" "$arch-debug"
	debug_ok=$?
	lane_wait
	[ $debug_ok = 0 ] && [ -f "$BUILD/userland/$arch/tests.cpio" ] &&
		lane "$arch" debug_boots "$arch"
	compile_only+=("$arch-noperfmon")
	if [ -n "$lane_pid" ]; then
		for k in "${compile_only[@]}"; do
			step "build/$k" bash "$REPO/scripts/build-kernel.sh" "$k"
		done
		compile_only=()
		lane_wait
	fi
done
for k in "${compile_only[@]}"; do
	step "build/$k" bash "$REPO/scripts/build-kernel.sh" "$k"
done

log "make test took $(($(date +%s) - start)) s"
python3 "$REPO/scripts/summary.py" "$RESULTS/summary.tsv"

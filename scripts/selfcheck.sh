#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# selfcheck.sh ARCH: prove that the runner can fail. Boot the ARCH-release
# kernel with a guest where one kselftest case fails, one listed test is
# missing and one test makes the kernel WARN (LKDTM), and check that the
# runner reports each of them (the failed case with the harness's message)
# and exits non-zero, while the good test next to them still passes.
set -uo pipefail
. "$(dirname "$0")/lib.sh"

arch=${1:-x86_64}
out=$BUILD/userland/$arch
logf=$BUILD/logs/$arch-selfcheck.log
tsv=$BUILD/logs/$arch-selfcheck.tsv
rm -f "$tsv"

bash "$REPO/scripts/build-userland.sh" "$arch" selfcheck || die "selfcheck guest build failed"
bash "$REPO/scripts/run-vm.sh" "$arch-release" "$out/selfcheck.cpio" test "$logf" 300
qs=$?
python3 "$REPO/scripts/parse-log.py" "$logf" --group selfcheck --tests "$out/selfcheck.list" \
	--kunit "$REPO/test-vm/kunit-suites" --qemu-status "$qs" --results "$tsv" >/dev/null
runner=$?

failures=0
expect() {
	local what=$1 pattern=$2
	if grep -qP "$pattern" "$tsv"; then
		record PASS "$arch-harness-selfcheck/$what"
	else
		record FAIL "$arch-harness-selfcheck/$what" "no line matching '$pattern' in $tsv"
		failures=$((failures + 1))
	fi
}
if [ $runner -ne 0 ]; then
	record PASS "$arch-harness-selfcheck/non-zero-status"
else
	record FAIL "$arch-harness-selfcheck/non-zero-status" "the runner passed a broken guest"
	failures=$((failures + 1))
fi
expect failed-case '^FAIL\tselfcheck/selfcheck_fail\.global\.fails_on_purpose\t'
expect failure-says-why '^FAIL\tselfcheck/selfcheck_fail\.global\.fails_on_purpose\tnot ok: \S*selfcheck_fail\.c:\d+:fails_on_purpose:Expected 3 \(3\) == 1 \+ 1 \(2\)'
expect missing-test '^FAIL\tselfcheck/selfcheck_missing\tmissing'
expect kernel-warn '^FAIL\tselfcheck/kernel-log\tsplat: .*WARNING:'
expect good-case-passes '^PASS\tselfcheck/selfcheck_fail\.global\.passes\t'
expect good-test-passes '^PASS\tselfcheck/sysfs_test\.sysfs\.version\t'
expect run-completes '^PASS\tselfcheck/boot\t'
[ $failures = 0 ]

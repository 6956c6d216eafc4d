#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The self-monitoring example of Documentation/userspace-api/perfmon2.rst,
# built from the document itself, must print the page faults it caused:
# 1024 pages touched, plus the faults of its own code.
echo "TAP version 13"
echo "1..1"
if [ "$(cat /sys/kernel/perfmon/pmu_desc/model)" != perf_events ]; then
	echo "ok 1 doc_example # SKIP the example programs the perf_events-backed PMU"
	exit 0
fi
out=$(/tests/bin/doc_example 2>&1)
n=${out%% page faults}
echo "# $out"
if [ "$n" != "$out" ] && [ "$n" -ge 1024 ] 2>/dev/null && [ "$n" -le 1100 ]; then
	echo "ok 1 doc_example"
else
	echo "not ok 1 doc_example"
fi

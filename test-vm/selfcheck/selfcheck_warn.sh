#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Harness self-check: a test that passes but makes the kernel WARN
# through LKDTM. The runner must still fail the run because of the splat.
echo "TAP version 13"
echo "1..1"
if echo WARNING > /sys/kernel/debug/provoke-crash/DIRECT; then
	echo "ok 1 provoke_warn"
else
	echo "not ok 1 provoke_warn # LKDTM unavailable"
fi

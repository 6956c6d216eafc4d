# SPDX-License-Identifier: GPL-2.0
#
# perfmon2 for Linux 6.1 LTS: entry points (README.md explains them).
#
#   make run            build and boot the release kernel, show perfmon
#   make test           everything: packages, series check, all kernels,
#                       all tests in the VMs, summary
#   make series         regenerate patches/ from the repository
#   make check-series   patches/ fresh, quilt-clean, checkpatch-clean
#   make test-quick     rebuild and boot only the release kernel(s)
#   make bench          pfm_bench against perf_events in the VMs, tables
#                       in build/bench (SCALE=100 operation multiplier)
#   make test-selfcheck show that the harness fails a broken guest
#   make kernel         build the release kernel(s) only
#
# ARCH=x86_64 restricts a target to one architecture.

SHELL := /bin/bash
ARCHES := $(if $(ARCH),$(ARCH),x86_64 arm64)
DURATION ?= 30m
SCALE ?= 100
export ARCHES
S := scripts

.PHONY: all run test test-quick fuzz bench deps tree series check-series test-selfcheck kernel clean distclean

all: run

deps:
	@bash $(S)/deps.sh

tree: deps
	@bash $(S)/tree.sh

run:
	@bash $(S)/run.sh

test:
	@bash $(S)/test.sh

test-quick:
	@QUICK=1 bash $(S)/test.sh

# make fuzz DURATION=30m: a pfm_fuzz campaign on the debug kernels
fuzz:
	@FUZZ=$(DURATION) bash $(S)/test.sh

# make bench SCALE=100: pfm_bench on the release kernels, not part of make test
bench:
	@BENCH=$(SCALE) bash $(S)/test.sh

series: tree
	@python3 $(S)/series.py generate build/linux-pristine patches

check-series: tree
	@bash $(S)/check-series.sh

kernel: tree
	@for a in $(ARCHES); do bash $(S)/build-kernel.sh $$a-release || exit 1; done

test-selfcheck: tree
	@set -e; for a in $(ARCHES); do \
		bash $(S)/build-kernel.sh $$a-release; \
		bash $(S)/build-userland.sh $$a tests; \
		rm -f build/results/summary.tsv; \
		bash $(S)/selfcheck.sh $$a || st=1; \
	done; python3 $(S)/summary.py build/results/summary.tsv; exit $${st:-0}

clean:
	rm -rf build/obj build/userland build/logs build/results build/stage

distclean:
	rm -rf build

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# check-series.sh: the committed patches/ must be what the repository
# generates, must apply to a pristine 6.1 tree with quilt without fuzz
# or offset, and must pass checkpatch.pl without errors.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

[ -d "$PRISTINE" ] || die "no pristine tree: run 'make tree'"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
status=0

log "series: comparing patches/ with a fresh generation"
python3 "$REPO/scripts/series.py" generate "$PRISTINE" "$tmp/patches"
if ! diff -ru "$REPO/patches" "$tmp/patches" > "$tmp/stale.diff"; then
	head -60 "$tmp/stale.diff"
	echo "patches/ is stale: run 'make series' and commit the result"
	status=1
fi

log "series: quilt push -a on a pristine tree"
mkdir -p "$tmp/tree"
while read -r f; do
	if [ -f "$PRISTINE/$f" ]; then
		mkdir -p "$tmp/tree/$(dirname "$f")"
		cp "$PRISTINE/$f" "$tmp/tree/$f"
	fi
done < <(python3 "$REPO/scripts/series.py" stage "$PRISTINE" "$tmp/stage" && cat "$tmp/stage/MANIFEST")
if ! (cd "$tmp/tree" && QUILT_PATCHES="$REPO/patches" QUILT_PC=.pc quilt push -a) > "$tmp/quilt.log" 2>&1; then
	cat "$tmp/quilt.log"
	echo "quilt push -a failed"
	status=1
elif grep -nE 'succeeded at [0-9]+ (with fuzz|\(offset)' "$tmp/quilt.log"; then
	echo "quilt push -a applied a patch with fuzz or offset"
	status=1
fi
# What quilt built must be exactly the repository's final state.
if ! diff -r -x .pc -x MANIFEST "$tmp/stage" "$tmp/tree" > "$tmp/quilt-vs-repo.diff"; then
	head -40 "$tmp/quilt-vs-repo.diff"
	echo "the series does not reproduce the repository's files"
	status=1
fi

log "series: checkpatch.pl"
errors=0
warnings=0
while read -r p; do
	out=$(cd "$PRISTINE" && perl scripts/checkpatch.pl --no-color --show-types \
		"$REPO/patches/$p" 2>&1) || true
	e=$(sed -n 's/^total: \([0-9]*\) errors, \([0-9]*\) warnings.*/\1/p' <<<"$out")
	w=$(sed -n 's/^total: \([0-9]*\) errors, \([0-9]*\) warnings.*/\2/p' <<<"$out")
	if [ -z "$e" ]; then
		echo "$out"
		echo "checkpatch.pl gave no verdict on $p"
		status=1
		continue
	fi
	if [ "$e" != 0 ] || [ "$w" != 0 ]; then
		echo "$out"
	fi
	echo "  $p: $e errors, $w warnings"
	errors=$((errors + e))
	warnings=$((warnings + w))
done < "$REPO/patches/series"
echo "checkpatch.pl: $errors errors, $warnings warnings in $(wc -l < "$REPO/patches/series") patches"
[ "$errors" = 0 ] || status=1
exit $status

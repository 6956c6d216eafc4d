#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Extract the pristine 6.1 tree from Debian's linux-source-6.1 and keep
# build/linux = pristine + the series, updating only files whose
# content changed so that rebuilds stay incremental.
set -euo pipefail
. "$(dirname "$0")/lib.sh"

extract_pristine() {
	local want stamp
	[ -f "$KSRC_TARBALL" ] || die "$KSRC_TARBALL missing: run 'make deps' (package $KSRC_PKG)"
	want=$(pkg_version $KSRC_PKG)
	stamp=$PRISTINE/.pfm-pristine
	if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
		return
	fi
	log "extracting $KSRC_TARBALL ($KSRC_PKG $want)"
	rm -rf "$PRISTINE" "$KTREE" "$BUILD/linux-source-6.1"
	mkdir -p "$BUILD"
	tar -C "$BUILD" -xJf "$KSRC_TARBALL"
	mv "$BUILD/linux-source-6.1" "$PRISTINE"
	chmod -R a-w "$PRISTINE"
	echo "$want" > "$stamp.tmp"
	chmod u+w "$PRISTINE"
	mv "$stamp.tmp" "$stamp"
	chmod a-w "$PRISTINE"
}

# The work tree shares unchanged files with the pristine tree through
# hard links; every update below writes a new file and renames it, so
# the pristine copy is never modified.
make_work_tree() {
	[ -d "$KTREE" ] && return
	log "creating the work tree $KTREE"
	cp -al "$PRISTINE" "$KTREE.tmp"
	chmod -R u+w "$KTREE.tmp"
	mv "$KTREE.tmp" "$KTREE"
}

sync_series() {
	local stage=$BUILD/stage manifest=$KTREE/.pfm-manifest f
	python3 "$REPO/scripts/series.py" stage "$PRISTINE" "$stage"
	# Files the series no longer touches go back to pristine (or away).
	if [ -f "$manifest" ]; then
		while read -r f; do
			grep -qxF "$f" "$stage/MANIFEST" && continue
			rm -f "$KTREE/$f"
			if [ -f "$PRISTINE/$f" ]; then
				cp -p "$PRISTINE/$f" "$KTREE/$f"
			fi
		done < "$manifest"
	fi
	rsync -rc --no-perms --chmod=u+w --exclude=/MANIFEST "$stage/" "$KTREE/"
	cp "$stage/MANIFEST" "$manifest"
}

extract_pristine
make_work_tree
sync_series
log "kernel tree: $(kernel_version) (Debian $KSRC_PKG $(pkg_version $KSRC_PKG))"

# SPDX-License-Identifier: GPL-2.0
# Common paths and helpers for the harness scripts. Source it.

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${BUILD:-$REPO/build}
KSRC_PKG=linux-source-6.1
KSRC_TARBALL=/usr/src/linux-source-6.1.tar.xz
PRISTINE=$BUILD/linux-pristine
KTREE=$BUILD/linux
RESULTS=$BUILD/results
JOBS=${JOBS:-$(nproc)}

# ccache keeps object files across clean clones on the same machine.
export CCACHE_DIR=${CCACHE_DIR:-$HOME/.cache/ccache}
export CCACHE_BASEDIR=$BUILD
export CCACHE_NOHASHDIR=1
export CCACHE_SLOPPINESS=time_macros,include_file_mtime,include_file_ctime

log() { printf '==> %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# record STATUS NAME [DETAIL]: one line of the final summary.
record() {
	mkdir -p "$RESULTS"
	printf '%s\t%s\t%s\n' "$1" "$2" "${3:-}" >> "$RESULTS/summary.tsv"
}

kernel_version() {
	make -s -C "$PRISTINE" kernelversion 2>/dev/null
}

pkg_version() {
	dpkg-query -W -f='${Version}' "$1" 2>/dev/null
}

# arch_of CONFIG: the architecture part of a build name (x86_64-release).
arch_of() { echo "${1%%-*}"; }

kernel_arch() {
	case "$1" in
	x86_64) echo x86_64 ;;
	arm64) echo arm64 ;;
	*) die "unknown architecture $1" ;;
	esac
}

cross_compile() {
	case "$1" in
	arm64) [ "$(uname -m)" = aarch64 ] || echo aarch64-linux-gnu- ;;
	x86_64) [ "$(uname -m)" = x86_64 ] || echo x86_64-linux-gnu- ;;
	esac
}

kernel_image() {
	case "$1" in
	x86_64) echo arch/x86/boot/bzImage ;;
	arm64) echo arch/arm64/boot/Image ;;
	esac
}

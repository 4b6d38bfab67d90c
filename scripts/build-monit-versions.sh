#!/usr/bin/env bash
# Build every Monit release tarball found in the shared monit-versions folder
# (../shared/monit-versions beside the checkout, or $MONITLINT_MONIT_VERSIONS)
# into .monit-versions/<version>/ inside the checkout (gitignored), offline.
# The tarballs are `make dist` output (configure, lex.yy.c and y.tab.c are
# included), so only gcc, make, libssl-dev, zlib1g-dev and libpam0g-dev are
# needed. Cached by version: a release whose bin/monit already reports the
# tarball's version is not built again, so a second run builds nothing.
# Builds run one after another with make -j2: the machine has two cores.
set -euo pipefail
cd "$(dirname "$0")/.."
checkout="$PWD"

src_dir="${MONITLINT_MONIT_VERSIONS:-$checkout/../shared/monit-versions}"
cache="$checkout/.monit-versions"

if [ ! -d "$src_dir" ]; then
    echo "build-monit-versions: no tarballs at $src_dir: nothing to build" >&2
    exit 0
fi
shopt -s nullglob
tarballs=("$src_dir"/monit-*.tar.gz)
if [ "${#tarballs[@]}" -eq 0 ]; then
    echo "build-monit-versions: no monit-*.tar.gz in $src_dir: nothing to build" >&2
    exit 0
fi

mkdir -p "$cache"
built=0
for tarball in "${tarballs[@]}"; do
    name="$(basename "$tarball" .tar.gz)"   # monit-5.27.2
    version="${name#monit-}"                  # 5.27.2
    prefix="$cache/$version"
    if [ -x "$prefix/bin/monit" ] && "$prefix/bin/monit" -V 2>/dev/null | grep -q "version $version\b"; then
        continue
    fi
    echo "build-monit-versions: building Monit $version (about 25 s)" >&2
    # a unique scratch folder per run: two builds may run at once on one machine
    rm -rf "$prefix"
    work="$(mktemp -d "${TMPDIR:-/tmp}/monitlint-build-$version.XXXXXX")"
    log="$work/build.log"
    if ! (
        tar xzf "$tarball" -C "$work" &&
        cd "$work/$name" &&
        ./configure --prefix="$prefix" >"$log" 2>&1 &&
        make -j2 >>"$log" 2>&1 &&
        make install >>"$log" 2>&1
    ); then
        echo "build-monit-versions: building Monit $version failed; last lines of $log:" >&2
        tail -20 "$log" >&2 || true
        exit 1
    fi
    rm -rf "$work"
    built=$((built + 1))
done
echo "build-monit-versions: $built built, cache at $cache" >&2

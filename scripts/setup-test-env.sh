#!/usr/bin/env bash
# Install what the test suite needs on a fresh Debian/Ubuntu machine:
# Debian's `monit` package (the differential and provider tests run the real
# executable), Debian's `puppet` package (tests/integrations runs `puppet apply`),
# Debian's `neovim` (tests/server drives the language server with its LSP client)
# and a virtualenv in .venv with monitlint and its test tools (ansible-core among
# them). Idempotent: a second run installs nothing and takes a few seconds.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
if ! command -v monit >/dev/null 2>&1 && [ ! -x /usr/bin/monit ]; then
    missing+=(monit)
fi
if ! command -v puppet >/dev/null 2>&1 && [ ! -x /usr/bin/puppet ]; then
    missing+=(puppet)
fi
# Neovim's built-in LSP client drives `monitlint server` end to end (tests/server/test_neovim.py)
if ! command -v nvim >/dev/null 2>&1; then
    missing+=(neovim)
fi
if [ "${#missing[@]}" -gt 0 ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "setup: installing Debian's ${missing[*]} package(s)" >&2
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq >/dev/null
        apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    elif [[ " ${missing[*]} " == *" monit "* ]]; then
        echo "setup: the monit executable is missing: run 'sudo apt-get install monit' first" >&2
        exit 1
    else
        echo "setup: ${missing[*]} missing: run 'sudo apt-get install ${missing[*]}' (their tests skip without them, and fail in CI)" >&2
    fi
fi

if [ ! -x .venv/bin/python ]; then
    if ! python3 -m venv .venv 2>/dev/null; then
        # Debian's system Python ships venv separately
        if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
            apt-get install -y -qq python3-venv >/dev/null
            rm -rf .venv
            python3 -m venv .venv
        else
            echo "setup: python3 -m venv failed: run 'sudo apt-get install python3-venv' first" >&2
            exit 1
        fi
    fi
fi
.venv/bin/python -m pip install --quiet --disable-pip-version-check -e '.[test]'

# Monit releases 5.26 to 5.35 as judges for target versions (tests/monit_versions.py): built from
# the tarballs in ../shared/monit-versions when they are there. The tarballs carry their generated
# scanner and parser, so no bison or flex is needed.
monit_versions="${MONITLINT_MONIT_VERSIONS:-$PWD/../shared/monit-versions}"
if [ -d "$monit_versions" ]; then
    build_deps=()
    command -v gcc >/dev/null 2>&1 || build_deps+=(gcc)
    command -v make >/dev/null 2>&1 || build_deps+=(make)
    for header in openssl/ssl.h:libssl-dev zlib.h:zlib1g-dev security/pam_appl.h:libpam0g-dev; do
        [ -e "/usr/include/${header%%:*}" ] || build_deps+=("${header##*:}")
    done
    if [ "${#build_deps[@]}" -gt 0 ]; then
        if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
            echo "setup: installing ${build_deps[*]} to build the Monit releases" >&2
            export DEBIAN_FRONTEND=noninteractive
            apt-get update -qq >/dev/null
            apt-get install -y -qq --no-install-recommends "${build_deps[@]}" >/dev/null
        else
            echo "setup: run 'sudo apt-get install ${build_deps[*]}' to build the Monit releases (their tests skip)" >&2
        fi
    fi
    if [ "${#build_deps[@]}" -eq 0 ] || [ "$(id -u)" = 0 ]; then
        bash scripts/build-monit-versions.sh
    fi
fi

#!/usr/bin/env bash
# deps.sh build|test - install the Debian packages (and, for tests, the npm
# packages) vigie needs, only what is missing. Idempotent. As root it runs
# apt-get; otherwise it names the packages to install and stops.
set -euo pipefail
cd "$(dirname "$0")/.."
mode=${1:-build}

pkgs=(build-essential pkg-config meson ninja-build libmicrohttpd-dev libsodium-dev
      libsqlite3-dev libjansson-dev liboath-dev libcurl4-openssl-dev libcairo2-dev
      libfontconfig-dev fonts-dejavu-core sqlite3 curl libzxcvbn-dev libqrencode-dev
      # the word lists `vigie init` builds the password blocklist from (pwpolicy.h)
      john-data cracklib-runtime wamerican wfrench wbritish)
if [ "$mode" = test ]; then
  pkgs+=(libcmocka-dev clang libclang-rt-14-dev wrk bc nodejs npm golang-go
         golang-golang-x-mod-dev faketime tzdata clang-format
         opensmtpd poppler-utils haproxy)
fi

missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
# node may come from elsewhere than Debian's nodejs package: accept a working one.
if command -v node >/dev/null && command -v npm >/dev/null; then
  tmp=(); for p in "${missing[@]}"; do [ "$p" = nodejs ] || [ "$p" = npm ] || tmp+=("$p"); done
  missing=("${tmp[@]+"${tmp[@]}"}")
fi

if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "vigie needs these Debian packages: ${missing[*]}" >&2
    echo "install them with: sudo apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
  echo "installing: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [ "$mode" = test ]; then
  # Test helpers from npm, pinned by tests/js/package-lock.json.
  stamp=tests/js/node_modules/.vigie-lock
  if [ ! -f "$stamp" ] || ! cmp -s tests/js/package-lock.json "$stamp"; then
    (cd tests/js && npm ci --no-audit --no-fund --loglevel=error)
    cp tests/js/package-lock.json "$stamp"
  fi
fi

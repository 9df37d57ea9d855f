#!/usr/bin/env bash
# build.sh OUT - build tests/go/vigie-verify (Go's x/mod sumdb note + tlog, from Debian's
# golang-go and golang-golang-x-mod-dev) to OUT, offline, in GOPATH mode. Idempotent; the
# Go build cache lives beside OUT (OUT's directory/go-cache), so it works as root on a
# clean machine and never touches $HOME.
set -euo pipefail
if [ $# -ne 1 ] || [ -z "$1" ]; then
  echo "usage: tests/go/build.sh OUT  (builds the vigie-verify binary to OUT)" >&2
  exit 2
fi
command -v go >/dev/null ||
  { echo "build.sh: go is missing (install the Debian package golang-go: scripts/deps.sh test)" >&2; exit 1; }
[ -d /usr/share/gocode/src/golang.org/x/mod/sumdb/tlog ] ||
  { echo "build.sh: golang.org/x/mod is missing (install the Debian package golang-golang-x-mod-dev: scripts/deps.sh test)" >&2; exit 1; }
mkdir -p "$(dirname "$1")"
out=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
src=$(cd "$(dirname "$0")" && pwd)/vigie-verify/main.go
export GOCACHE
GOCACHE=$(dirname "$out")/go-cache
mkdir -p "$GOCACHE"
export GO111MODULE=off GOPATH=/usr/share/gocode GOFLAGS='' GOPROXY=off GOENV=off \
  GOTOOLCHAIN=local CGO_ENABLED=0
go build -o "$out" "$src" || { echo "build.sh: go build of $src failed" >&2; exit 1; }

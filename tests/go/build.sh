#!/usr/bin/env bash
# build.sh OUT - build tests/go/vigie-verify (Go's x/mod sumdb note + tlog, from Debian's
# golang-go and golang-golang-x-mod-dev) to OUT, offline, in GOPATH mode. Idempotent; the
# Go build cache lives beside OUT.
set -euo pipefail
cd "$(dirname "$0")"
out=$1
command -v go >/dev/null || { echo "build.sh: go is missing (Debian package golang-go)" >&2; exit 1; }
[ -d /usr/share/gocode/src/golang.org/x/mod/sumdb ] ||
  { echo "build.sh: golang.org/x/mod is missing (Debian package golang-golang-x-mod-dev)" >&2; exit 1; }
mkdir -p "$(dirname "$out")/go-cache"
export GO111MODULE=off GOPATH=/usr/share/gocode GOFLAGS= GOPROXY=off
export GOCACHE
GOCACHE=$(cd "$(dirname "$out")" && pwd)/go-cache
go build -o "$out" vigie-verify/main.go

#!/usr/bin/env bash
# check-source.sh [layers|banned|format] - the conventions tools hold (CONVENTIONS §10), for
# make test: the floors of the house (scripts/check-layers.sh), every .c file of src/ ending its
# includes with core/banned.h (banned calls are compile errors), and clang-format's verdict on
# src/ with the committed .clang-format. With no argument, all three; exit 1 if any fails.
set -uo pipefail
cd "$(dirname "$0")/.."
what=${1:-all}
status=0

if [ "$what" = all ] || [ "$what" = layers ]; then
  scripts/check-layers.sh || status=1
fi

if [ "$what" = all ] || [ "$what" = banned ]; then
  missing=0
  for f in src/*/*.c; do
    last=$(grep -n '^#include' "$f" | tail -1)
    case $last in
      *'"core/banned.h"'*) ;;
      *) echo "check-source: $f: its last #include is not \"core/banned.h\" ($last)"; missing=$((missing + 1));;
    esac
  done
  echo "check-source: banned.h last in every src/*/*.c: $missing missing"
  [ $missing -eq 0 ] || status=1
fi

if [ "$what" = all ] || [ "$what" = format ]; then
  if ! command -v clang-format >/dev/null; then
    echo "check-source: clang-format is missing (apt-get install clang-format)"; status=1
  else
    bad=$(for f in src/*/*.[ch]; do clang-format --dry-run -Werror "$f" >/dev/null 2>&1 || echo "$f"; done)
    if [ -n "$bad" ]; then
      echo "check-source: not formatted (clang-format -i FILE):"; echo "$bad" | sed 's/^/  /'
      clang-format --dry-run -Werror $bad 2>&1 | head -30
      status=1
    else
      echo "check-source: clang-format: every file of src/ as .clang-format says"
    fi
  fi
fi
exit $status

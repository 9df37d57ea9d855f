#!/usr/bin/env bash
# fuzz.sh BUILD SECONDS - run every libFuzzer target for SECONDS each, on its
# checked-in corpus (copied, so runs do not grow the tree). Fails on a crash.
set -euo pipefail
cd "$(dirname "$0")/.."
build=$1 secs=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
status=0
for f in "$build"/fuzz/fuzz_*; do
  [ -f "$f" ] && [ -x "$f" ] || continue
  name=${f##*/fuzz_}
  mkdir -p "$work/$name"
  [ -d "fuzz/corpus/$name" ] && cp -r "fuzz/corpus/$name/." "$work/$name/"
  dict=(); [ -f "fuzz/$name.dict" ] && dict=(-dict="fuzz/$name.dict")
  echo "== fuzz_$name for ${secs}s"
  if ! "$f" "${dict[@]+"${dict[@]}"}" -max_total_time="$secs" -max_len=4096 \
        -artifact_prefix="$work/" "$work/$name" 2>"$work/$name.log"; then
    echo "CRASH in fuzz_$name:"; tail -40 "$work/$name.log"; status=1
  else
    grep -E '^#[0-9]+.*(DONE|pulse)' "$work/$name.log" | tail -1
  fi
done
exit $status

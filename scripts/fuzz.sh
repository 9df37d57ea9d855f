#!/usr/bin/env bash
# fuzz.sh BUILD SECONDS [--smoke] - run every libFuzzer target of BUILD/fuzz for SECONDS each,
# on its checked-in corpus (copied, so runs do not grow the tree) and dictionary. Prints each
# target's coverage (edges "cov", features "ft", corpus size) so a weak target shows, and fails
# on a crash. --smoke (make test): the same, briefly, and ending with "N passed, N failed" lines
# for scripts/test.sh to count.
set -uo pipefail
cd "$(dirname "$0")/.."
build=$1 secs=$2 smoke=${3:-}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
passed=0 failed=0
printf '%-28s %8s %8s %8s %10s\n' target cov ft corpus execs
for f in "$build"/fuzz/fuzz_*; do
  [ -f "$f" ] && [ -x "$f" ] || continue
  name=${f##*/fuzz_}
  mkdir -p "$work/$name"
  [ -d "fuzz/corpus/$name" ] && cp -r "fuzz/corpus/$name/." "$work/$name/"
  dict=(); [ -f "fuzz/$name.dict" ] && dict=(-dict="fuzz/$name.dict")
  if ! "$f" "${dict[@]+"${dict[@]}"}" -max_total_time="$secs" -max_len=4096 -print_final_stats=1 \
        -artifact_prefix="$work/" "$work/$name" >"$work/$name.log" 2>&1; then
    echo "CRASH in fuzz_$name:"; tail -40 "$work/$name.log"; failed=$((failed + 1))
    continue
  fi
  last=$(grep -E '^#[0-9]+.*(DONE|pulse|INITED)' "$work/$name.log" | tail -1)
  cov=$(echo "$last" | sed -n 's/.* cov: \([0-9]*\).*/\1/p')
  ft=$(echo "$last" | sed -n 's/.* ft: \([0-9]*\).*/\1/p')
  corp=$(echo "$last" | sed -n 's/.* corp: \([0-9]*\).*/\1/p')
  execs=$(sed -n 's/^stat::number_of_executed_units: *\([0-9]*\)/\1/p' "$work/$name.log" | tail -1)
  printf '%-28s %8s %8s %8s %10s\n' "fuzz_$name" "${cov:-?}" "${ft:-?}" "${corp:-?}" "${execs:-?}"
  passed=$((passed + 1))
done
[ -n "$smoke" ] && echo "fuzz smoke: $passed passed, $failed failed"
[ "$failed" -eq 0 ]

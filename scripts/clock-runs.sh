#!/usr/bin/env bash
# clock-runs.sh BUILD - the integration files that involve time, run again with the whole
# process tree's clock pinned by libfaketime (Debian's faketime) at instants where a suite that
# read the wall clock behind its own back would fail: 03:30 on a Sunday night in Paris, 14:00 on
# a Tuesday, and just before each summer-time change (the runs cross it). Called by .ci/run
# after `make test`. Ends with "N passed, N failed" like scripts/test.sh.
set -uo pipefail
cd "$(dirname "$0")/.."
build=${1:-build-asan}
lib=/usr/lib/x86_64-linux-gnu/faketime/libfaketimeMT.so.1
[ -f "$lib" ] || { echo "clock-runs: $lib is missing (apt-get install faketime)" >&2; exit 1; }
# Instants in UTC (TZ=UTC below): Paris is UTC+1 in winter, UTC+2 in summer.
instants=(
  "2026-12-06 02:30:00"   # Sunday 03:30 in Paris
  "2026-12-01 13:00:00"   # Tuesday 14:00 in Paris
  "2027-03-28 00:52:00"   # 01:52 in Paris; at 01:00 UTC clocks go to 03:00
  "2027-10-31 00:52:00"   # 02:52 in Paris (summer); at 01:00 UTC clocks go back to 02:00
)
files=(tests/js/auth.test.mjs tests/js/guard.test.mjs tests/js/hours.test.mjs tests/js/ops.test.mjs
       tests/js/cli.test.mjs tests/js/fhir.test.mjs tests/js/verify.test.mjs)
export VIGIE_BIN="$PWD/$build/vigie"
export ASAN_OPTIONS="verify_asan_link_order=0:${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0:halt_on_error=1}"
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
conc=(); node --test-concurrency=1 -e 0 2>/dev/null && conc=(--test-concurrency=1)
log=$(mktemp -d)
trap 'rm -rf "$log"' EXIT
passed=0 failed=0
for at in "${instants[@]}"; do
  echo "== clock pinned at $at UTC"
  TZ=UTC LD_PRELOAD=$lib FAKETIME="@$at" FAKETIME_DONT_RESET=1 \
    node --test --test-reporter=tap "${conc[@]+"${conc[@]}"}" "${files[@]}" >"$log/run.tap" 2>&1
  rc=$?
  p=$(sed -n 's/^# pass \([0-9]*\)$/\1/p' "$log/run.tap" | tail -1)
  f=$(sed -n 's/^# fail \([0-9]*\)$/\1/p' "$log/run.tap" | tail -1)
  p=${p:-0} f=${f:-0}
  if [ $rc -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
  # The clock really was pinned: a test's own view of Date (node under the preload).
  seen=$(TZ=UTC LD_PRELOAD=$lib FAKETIME="@$at" node -e 'console.log(new Date().toISOString().slice(0, 13))')
  [ "$seen" = "$(echo "$at" | sed 's/ /T/; s/:.*//')" ] || { echo "  the clock was not pinned (node saw $seen)"; f=$((f + 1)); }
  echo "  $p passed, $f failed"
  if [ "$f" -ne 0 ]; then grep -B2 -A30 '^not ok' "$log/run.tap" | head -120; fi
  passed=$((passed + p)) failed=$((failed + f))
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]

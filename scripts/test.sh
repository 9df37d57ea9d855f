#!/usr/bin/env bash
# test.sh BUILD - run every test against the sanitizer build in BUILD:
# the cmocka unit programs, then the Node integration tests (real server on
# 127.0.0.1, free ports). Ends with the line "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."
build=$1
passed=0 failed=0
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=0:halt_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
log=$(mktemp -d)
trap 'rm -rf "$log"' EXIT

echo "== source checks (layers, banned calls, clang-format)"
for check in layers banned format; do
  if scripts/check-source.sh "$check" >"$log/check-$check.out" 2>&1; then
    echo "ok   $check: $(tail -1 "$log/check-$check.out")"; passed=$((passed + 1))
  else
    echo "FAIL $check"; sed 's/^/    /' "$log/check-$check.out" | tail -40; failed=$((failed + 1))
  fi
done

echo "== unit tests (cmocka, ASan+UBSan)"
for t in $(find "$build/tests/unit" -type f -name 'test_*' -perm -u+x | sort); do
  name=$(basename "$t")
  "$t" >"$log/$name.out" 2>&1
  rc=$?
  p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test(s)\./\1/p' "$log/$name.out" | tail -1)
  f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test(s), listed below:/\1/p' "$log/$name.out" | tail -1)
  p=${p:-0} f=${f:-0}
  if [ $rc -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi   # crashed or sanitizer report
  passed=$((passed + p)) failed=$((failed + f))
  if [ $rc -ne 0 ]; then
    echo "FAIL $name (exit $rc)"; sed 's/^/    /' "$log/$name.out" | tail -40
  else
    echo "ok   $name: $p passed"
  fi
done

echo "== integration tests (node:test against the real server)"
export VIGIE_BIN="$PWD/$build/vigie"
# One file at a time (each starts its own servers); the flag exists from Node 20.10,
# and Debian 12's Node 18 runs one file per spare core, which on 2 cores is one.
conc=(); node --test-concurrency=1 -e 0 2>/dev/null && conc=(--test-concurrency=1)
node --test --test-reporter=tap "${conc[@]+"${conc[@]}"}" tests/js/*.test.mjs >"$log/js.tap" 2>&1
rc=$?
grep -E '^(not ok|ok) |^# Subtest' "$log/js.tap" | grep -v '^# Subtest' | sed 's/^/  /' | head -300
p=$(sed -n 's/^# pass \([0-9]*\)$/\1/p' "$log/js.tap" | tail -1)
f=$(sed -n 's/^# fail \([0-9]*\)$/\1/p' "$log/js.tap" | tail -1)
p=${p:-0} f=${f:-0}
if [ $rc -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
if [ "$f" -ne 0 ]; then
  echo "--- failing integration output:"; grep -B2 -A30 '^not ok' "$log/js.tap" | head -200
fi
passed=$((passed + p)) failed=$((failed + f))

if [ -n "${FUZZ_BUILD:-}" ] && [ -d "$FUZZ_BUILD/fuzz" ]; then
  echo "== fuzz smoke run (every target ${FUZZ_SMOKE_SECONDS:-3} s on its corpus: they cannot rot)"
  scripts/fuzz.sh "$FUZZ_BUILD" "${FUZZ_SMOKE_SECONDS:-3}" --smoke >"$log/fuzz.out" 2>&1
  sed 's/^/  /' "$log/fuzz.out" | grep -v '^  fuzz smoke:'
  p=$(sed -n 's/^fuzz smoke: \([0-9]*\) passed, \([0-9]*\) failed$/\1/p' "$log/fuzz.out")
  f=$(sed -n 's/^fuzz smoke: \([0-9]*\) passed, \([0-9]*\) failed$/\2/p' "$log/fuzz.out")
  [ -n "$p" ] || { p=0; f=1; }
  passed=$((passed + p)) failed=$((failed + f))
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]

#!/usr/bin/env bash
# check-unit.sh - the hardened systemd unit (contrib/vigie.service) scores 2.0 or better
# ("OK") with `systemd-analyze security --offline`. Run by .ci/run; where systemd-analyze
# is missing (a container without systemd) it says so and passes.
set -uo pipefail
cd "$(dirname "$0")/.."
unit=contrib/vigie.service
if ! command -v systemd-analyze >/dev/null; then
  echo "check-unit: systemd-analyze not found: $unit not checked"
  exit 0
fi
out=$(systemd-analyze security --offline=yes --threshold=20 "$unit" 2>&1)
rc=$?
echo "$out" | tail -1
if [ $rc -ne 0 ]; then
  echo "check-unit: $unit is over 2.0 (or did not parse):"
  echo "$out" | grep -E '✗|rror' | head -40
  exit 1
fi

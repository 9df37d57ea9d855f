#!/usr/bin/env bash
# check-layers.sh - the house's floors, from its #include lines: each folder of src/ may include
# only the folders below it (README: "Map of the code"). Run by make test; prints every include
# that runs up or sideways, and fails on any.
#
#   core     pure: core only (and libc, libsodium, jansson)
#   sys      the process's own I/O (the log): core
#   crypto   core
#   store    core, crypto, sys
#   journal  core, crypto, sys
#   node     core, sys, crypto, store, journal        (never http, sim or cli)
#   incident core, sys, crypto, store, journal        (after a breach: never node, http or cli;
#            its callers hand it the journal as a function)
#   http     core, sys, crypto, store, journal, node, incident  (never sim or cli)
#   sim      core, crypto, store                      (never http or node: it calls core/gate)
#   cli      anything
set -uo pipefail
cd "$(dirname "$0")/.."
declare -A allowed=(
  [core]="core"
  [sys]="core sys"
  [crypto]="core crypto"
  [store]="core crypto sys store"
  [journal]="core crypto sys journal"
  [node]="core sys crypto store journal node"
  [incident]="core sys crypto store journal incident"
  [http]="core sys crypto store journal node incident http"
  [sim]="core crypto store sim"
  [cli]="core sys crypto store journal node incident http sim cli"
)
bad=0 checked=0
for dir in src/*/; do
  layer=$(basename "$dir")
  if [ -z "${allowed[$layer]+x}" ]; then
    echo "check-layers: src/$layer/ is not a known floor: add it to scripts/check-layers.sh and the README's map"
    bad=$((bad + 1))
    continue
  fi
  for f in "$dir"*.[ch]; do
    [ -f "$f" ] || continue
    while IFS=: read -r line inc; do
      checked=$((checked + 1))
      to=${inc%%/*}
      case " ${allowed[$layer]} " in
        *" $to "*) ;;
        *) echo "$f:$line: $layer/ includes \"$inc\" ($to/ is not below $layer/)"; bad=$((bad + 1));;
      esac
    done < <(grep -n '^#include "[a-z_]*/' "$f" | sed 's/^\([0-9]*\):#include "\([^"]*\)".*/\1:\2/')
  done
done
# Pure core: no clock, no environment, no files, no stderr.
pure=$(grep -nE '\b(time\(|clock_gettime|gettimeofday|localtime|getenv|fopen|open\(|fprintf\(stderr|write\()' src/core/*.c | grep -v '^\s*//' || true)
if [ -n "$pure" ]; then
  echo "check-layers: src/core/ is pure, but reads the clock, the environment or files:"
  echo "$pure"
  bad=$((bad + 1))
fi
echo "check-layers: $checked includes checked, $bad wrong"
[ $bad -eq 0 ]

#!/usr/bin/env bash
# incident.sh BUILD - `make bench-incident`: an incident at the 2022 breach's size on this
# machine. Seeds BENCH_INCIDENT_INSURED insured (600,000) in a fresh directory, writes the
# access rows of one stolen account that exposed BENCH_PERSONS people (510,000), and times:
# the affected set, opening the incident, the CSV list (bench/incident_bench.c); then every
# letter as PDF (`vigie notify --channel letter`) and every e-mail into a local OpenSMTPD
# (`vigie notify --channel email`, the MTA started by bench/mta-run.mjs). Prints a Markdown
# table for docs/BENCHMARKS.md. Environment: BENCH_PERSONS, BENCH_INCIDENT_INSURED,
# BENCH_CHANNELS ("letter email").
set -euo pipefail
cd "$(dirname "$0")/.."
build=$1
vigie=$build/vigie
persons=${BENCH_PERSONS:-510000}
insured=${BENCH_INCIDENT_INSURED:-600000}
channels=${BENCH_CHANNELS:-letter email}
work=$(mktemp -d "$PWD/$build/bench-incident.XXXXXX")
mta_pid=""
cleanup() {
  [ -n "$mta_pid" ] && { kill "$mta_pid" 2>/dev/null || true; wait "$mta_pid" 2>/dev/null || true; }
  rm -rf "$work"
}
trap cleanup EXIT
secs() { echo "$2 - $1" | bc; }
now() { date +%s.%N; }

"$vigie" init --data "$work/data" >/dev/null 2>&1
t0=$(now)
"$vigie" seed --data "$work/data" --insured "$insured" --pros 4 --seed 1 --quiet 2>/dev/null
echo "seeded $insured insured in $(secs "$t0" "$(now)") s"
out=$("$build/bench/incident_bench" "$work/data" "$persons")
echo "$out"
id=$(echo "$out" | sed -n 's/^INCIDENT //p')
get() { echo "$out" | grep "step=$1 " | sed "s/.*$2=\([0-9.]*\).*/\1/"; }
rows="| the access rows of one account: $(get rows nirs) NIRs, $(get rows persons) people | $(get rows seconds) s |"$'\n'
rows+="| the affected set (\`affected_compute\`) | $(get affected seconds) s |"$'\n'
rows+="| opening the incident (set computed, scope stored, act journaled) | $(get open seconds) s |"$'\n'
rows+="| the CSV list of $(get export_csv persons) people (names unsealed) | $(get export_csv seconds) s |"$'\n'
for ch in $channels; do
  case $ch in
    letter)
      mkdir -p "$work/letters"
      t0=$(now)
      "$vigie" notify --data "$work/data" --incident "$id" --channel letter --out "$work/letters" \
        --quiet 2>"$work/notify-letter.log" || { tail -5 "$work/notify-letter.log"; exit 1; }
      s=$(secs "$t0" "$(now)")
      n=$(ls "$work/letters" | wc -l)
      size=$(du -sh "$work/letters" | cut -f1)
      rows+="| $persons letters as PDF, $n files of 500 ($size) | $s s ($(echo "$persons / $s" | bc) letters/s) |"$'\n'
      rm -rf "$work/letters";;
    email)
      coproc MTA { exec node bench/mta-run.mjs; }
      mta_pid=$MTA_PID
      read -r line <&"${MTA[0]}"
      url=$(echo "$line" | sed 's/.*"url":"\([^"]*\)".*/\1/')
      maildir=$(echo "$line" | sed 's/.*"maildir":"\([^"]*\)".*/\1/')
      t0=$(now)
      "$vigie" notify --data "$work/data" --incident "$id" --channel email --smtp "$url" \
        --from-address securite@assurance-maladie.test --parallel "${BENCH_PARALLEL:-8}" \
        --quiet 2>"$work/notify-email.log" \
        || { tail -5 "$work/notify-email.log"; exit 1; }
      s=$(secs "$t0" "$(now)")
      # Wait for the MTA to deliver what it accepted.
      for _ in $(seq 1 600); do
        d=$(find "$maildir/new" -type f | wc -l)
        [ "$d" -ge "$persons" ] && break
        sleep 1
      done
      s2=$(secs "$t0" "$(now)")
      rows+="| $persons e-mails accepted by a local OpenSMTPD (${BENCH_PARALLEL:-8} SMTP connections) | $s s ($(echo "$persons / $s" | bc)/s); all $d in the Maildir after $s2 s |"$'\n'
      kill "$mta_pid"; wait "$mta_pid" 2>/dev/null || true; mta_pid="";;
  esac
done
echo
echo "| step (\`make bench-incident\`, $(nproc) cores) | time |"
echo "|---|---|"
printf '%s' "$rows"

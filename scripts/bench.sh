#!/usr/bin/env bash
# bench.sh BUILD - `make bench`: authenticated lookups on a 1,000,000-insured
# population against the HTTP library's constant-response ceiling, both with
# wrk on loopback; writes the figures to docs/BENCHMARKS.md.
# Environment: BENCH_INSURED (1000000), BENCH_SECONDS (10), BENCH_ROUNDS (3; medians are
# reported), BENCH_CONNS (8 64),
# BENCH_THREADS (server threads, default: cores).
set -euo pipefail
cd "$(dirname "$0")/.."
build=$1
vigie=$build/vigie
insured=${BENCH_INSURED:-1000000}
secs=${BENCH_SECONDS:-10}
rounds=${BENCH_ROUNDS:-3}
conns=${BENCH_CONNS:-8 64}
threads=${BENCH_THREADS:-$(nproc)}
data=$build/bench-data-$insured
pids=()
cleanup() { for p in "${pids[@]+"${pids[@]}"}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done; }
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null \
  || node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }

seed_line="(population reused from $data)"
if [ ! -f "$data/pros.tsv" ]; then
  rm -rf "$data"
  "$vigie" init --data "$data" >/dev/null
  start=$(date +%s.%N)
  "$vigie" seed --data "$data" --insured "$insured" --pros 20 --seed 1 --sample 5000 --quiet
  end=$(date +%s.%N)
  seed_secs=$(echo "$end - $start" | bc)
  seed_line="seeding $insured insured + 20 professionals took ${seed_secs} s"
  echo "$seed_line" > "$data/seed-time.txt"
else
  [ -f "$data/seed-time.txt" ] && seed_line="$(cat "$data/seed-time.txt") (measured when this population was created)"
fi
echo "$seed_line"

# The journal alone: durable appends per second with group commit, and the time from durable
# to a signed checkpoint. A fresh directory per run (ext4 makes file creation slow just after
# mass deletions, so none happen before a run).
jrows="" jdirs=()
for tc in "16 256 100000" "8 64 0" "16 256 0"; do
  jd=$build/journal-bench-$$-${tc// /x}
  mkdir -p "$jd"
  jdirs+=("$jd")
  line=$("$build/bench/journal_bench" "$jd" "$secs" $tc 2>/dev/null | grep '^BENCH')
  echo "journal: $line"
  jrows+="| $(echo "$line" | sed 's/.*threads=\([0-9]*\) inflight=\([0-9]*\) rate=\([0-9]*\).*/\1 x \2, paced at \3\/s/; s/paced at 0\/s/unpaced/') | $(echo "$line" | sed 's/.*per_sec=\([0-9]*\).*/\1/') | $(echo "$line" | sed 's/.*checkpoint_ms_p50=\([0-9]*\) p99=\([0-9]*\) max=\([0-9]*\).*/\1 \/ \2 \/ \3/') |"$'\n'
done
rm -rf "${jdirs[@]}"

# Every run starts with an empty journal and access history (the population is what is kept):
# runs stay comparable, and start-up does not re-read millions of entries of earlier runs.
rm -rf "$data/journal" "$data/journal.key" "$data"/access.db "$data"/access.db-wal "$data"/access.db-shm

# A copy of the data for the server that does not wait for its journal (taken while no server runs).
ndata=$build/bench-data-$insured-nowait
rm -rf "$ndata"
cp -a "$data" "$ndata"

# The service. wrk sends the same card-less lookup at full speed, which the guard would rightly
# stop: it decides every request (its whole cost is measured) but does not act (--guard observe).
port=$(free_port)
VIGIE_LOG=warn "$vigie" serve --data "$data" --listen "127.0.0.1:$port" --threads "$threads" --guard observe >/dev/null &
vpid=$!
pids+=($vpid)
for _ in $(seq 600); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
read -r rpps password secret _ < <(sed -n 2p "$data/pros.tsv")
token=$(curl -sf "http://127.0.0.1:$port/auth/pro/login" -H 'Content-Type: application/json' \
  -d "{\"rpps\":\"$rpps\",\"password\":\"$password\",\"totp\":\"$("$vigie" totp "$secret")\"}" \
  | sed 's/.*"access_token":"\([^"]*\)".*/\1/')
[ -n "$token" ] || { echo "bench: login failed" >&2; exit 1; }

# The same service not waiting for its journal entries (--journal-nowait-for-benchmarks), on
# a copy of the data (one server per journal): the write-ahead rule's cost is the ratio.
nport=$(free_port)
VIGIE_LOG=error "$vigie" serve --data "$ndata" --listen "127.0.0.1:$nport" --threads "$threads" --guard observe \
  --journal-nowait-for-benchmarks >/dev/null 2>&1 &
npid=$!
pids+=($npid)
for _ in $(seq 600); do curl -sf "http://127.0.0.1:$nport/healthz" >/dev/null && break; sleep 0.1; done
read -r nrpps npassword nsecret _ < <(sed -n 3p "$data/pros.tsv")
ntoken=$(curl -sf "http://127.0.0.1:$nport/auth/pro/login" -H 'Content-Type: application/json' \
  -d "{\"rpps\":\"$nrpps\",\"password\":\"$npassword\",\"totp\":\"$("$vigie" totp "$nsecret")\"}" \
  | sed 's/.*"access_token":"\([^"]*\)".*/\1/')
[ -n "$ntoken" ] || { echo "bench: login (nowait server) failed" >&2; exit 1; }

# The ceiling.
cport=$(free_port)
"$build/bench/const_server" "$cport" "$threads" >/dev/null &
kpid=$!
pids+=($kpid)
sleep 0.3

ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
hz=$(getconf CLK_TCK)
run_wrk() { # pid url script conns [args...]: the BENCH line plus server_cpu_us per request
  local pid=$1 url=$2 script=$3 c=$4 t0 out; shift 4
  t0=$(ticks "$pid")
  out=$(wrk -t1 -c"$c" -d"${secs}s" --latency -s "$script" "$url" -- "$@" | awk '/^BENCH/ {print}')
  echo "$out server_cpu_ns=$(( ($(ticks "$pid") - t0) * 1000000000 / hz / $(echo "$out" | field requests) ))"
}
field() { sed -n "s/.* $1=\([0-9]*\).*/\1/p"; }

rps() { echo $(( $(echo "$1" | field requests) * 1000000 / $(echo "$1" | field duration_us) )); }
# The median line (by requests per second) of the lines given.
median() { local best; best=$(for x in "$@"; do echo "$(rps "$x") $x"; done | sort -n | sed -n "$(( ($# + 1) / 2 ))p"); echo "${best#* }"; }

rows=""
for c in $conns; do
  # Warm the page cache and the session for this connection count.
  wrk -t1 -c"$c" -d5s -s bench/lookup.lua "http://127.0.0.1:$port" -- "$token" "$data/insured-sample.tsv" >/dev/null
  wrk -t1 -c"$c" -d5s -s bench/lookup.lua "http://127.0.0.1:$nport" -- "$ntoken" "$data/insured-sample.tsv" >/dev/null
  ls=() lrs=() ks=() ns=()
  # Interleaved rounds, so that the machine's slow moments fall on every kind alike.
  for _ in $(seq "$rounds"); do
    ks+=("$(run_wrk "$kpid" "http://127.0.0.1:$cport" bench/const.lua "$c")")
    ls+=("$(run_wrk "$vpid" "http://127.0.0.1:$port" bench/lookup.lua "$c" "$token" "$data/insured-sample.tsv")")
    lrs+=("$(run_wrk "$vpid" "http://127.0.0.1:$port" bench/lookup.lua "$c" "$token" "$data/insured-sample.tsv" revinclude)")
    ns+=("$(run_wrk "$npid" "http://127.0.0.1:$nport" bench/lookup.lua "$c" "$ntoken" "$data/insured-sample.tsv")")
  done
  k=$(median "${ks[@]}") l=$(median "${ls[@]}") lr=$(median "${lrs[@]}") n=$(median "${ns[@]}")
  lrps=$(rps "$l") lrrps=$(rps "$lr") krps=$(rps "$k") nrps=$(rps "$n")
  jratio=$(echo "scale=3; $lrps / $nrps" | bc)
  lerr=0; for x in "${ls[@]}" "${lrs[@]}"; do lerr=$(( lerr + $(echo "$x" | field errors_status) )); done
  ratio=$(echo "scale=3; $lrps / $krps" | bc)
  kcpu=$(( $(echo "$k" | field server_cpu_ns) / 1000 )) lcpu=$(( $(echo "$l" | field server_cpu_ns) / 1000 ))
  all=$(for x in "${ls[@]}"; do printf '%s ' "$(rps "$x")"; done)
  nall=$(for x in "${ns[@]}"; do printf '%s ' "$(rps "$x")"; done)
  rows+="| $c | $krps | $lrps ($all) | $(echo "$l" | field p50_us) / $(echo "$l" | field p99_us) | $lrrps | 0$ratio | $nrps ($nall) | 0$jratio | $kcpu / $lcpu | $lerr |"$'\n'
  echo "conns=$c const=$krps/s lookup=$lrps/s (runs: $all) lookup+coverage=$lrrps/s ratio=0$ratio journal-not-awaited=$nrps/s (runs: $nall) on/off=0$jratio cpu_us_per_req const=$kcpu lookup=$lcpu non-2xx=$lerr"
done
accesses=$("$vigie" status --data "$data" 2>/dev/null | awk '/access records/ {print $3}' || echo "?")

out=docs/BENCHMARKS.md
block=$(mktemp)
{
  echo "<!-- lookup-bench:start -->"
  echo "## Authenticated lookup vs. the HTTP library's ceiling"
  echo
  echo "Measured $(date -u +%Y-%m-%d) on $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')),"
  echo "with \`make bench\` (scripts/bench.sh): wrk -t1, ${secs} s per run, loopback, keep-alive,"
  echo "median of $rounds interleaved rounds (every lookup run in brackets);"
  echo "server threads: $threads. Population: $insured insured. $seed_line."
  echo
  echo "Lookup = \`GET /fhir/Patient?identifier=<system>|<NIR>\` with a bearer token, NIRs rotating"
  echo "over 5,000 demo insured: token check, NIR parse, blind index, SQLite lookup, two AEAD"
  echo "openings per person, the guard's decision (--guard observe: wrk repeats card-less lookups,"
  echo "which the guard would stop; it decides and counts every request but does not act), FHIR"
  echo "JSON, and the access journaled: the answer leaves only once its"
  echo "entry is durable (group commit, one fdatasync per group). \"Journal not awaited\" is the same"
  echo "server started with --journal-nowait-for-benchmarks (entries still appended, answers do not"
  echo "wait), on a copy of the data. Ceiling = the same libmicrohttpd settings answering a constant"
  echo "330-byte Bundle (bench/const_server.c)."
  echo
  echo "| connections | constant (req/s) | lookup (req/s), median (runs) | lookup p50 / p99 (µs) | lookup + Coverage (req/s) | lookup / constant | lookup, journal not awaited (req/s) (runs) | journal on / not awaited | server CPU per request, constant / lookup (µs) | non-2xx |"
  echo "|---|---|---|---|---|---|---|---|---|---|"
  printf '%s' "$rows"
  echo
  echo "Targets: lookup >= 40 % of the constant ceiling; journal on >= 0.8 of not awaited."
  echo "Access records in the database after the run: $accesses."
  echo "<!-- lookup-bench:end -->"
} > "$block"
# Replace the block in place (the rest of the file, notes included, stays), or append it.
tmp=$(mktemp)
if grep -q '^<!-- lookup-bench:start -->' "$out" 2>/dev/null; then
  awk -v f="$block" '/^<!-- lookup-bench:start -->/ {while ((getline l < f) > 0) print l; skip=1}
       !skip {print} /^<!-- lookup-bench:end -->/ {skip=0}' "$out" > "$tmp"
else
  { cat "$out" 2>/dev/null; cat "$block"; } > "$tmp"
fi
mv "$tmp" "$out"
chmod 644 "$out"
rm -f "$block"
cleanup
pids=()
rm -rf "$ndata"

block=$(mktemp)
{
  echo "<!-- journal-bench:start -->"
  echo "## Journal: durable appends and time to a signed checkpoint"
  echo
  echo "Measured $(date -u +%Y-%m-%d) with \`make bench\` (bench/journal_bench.c, ${secs} s per run):"
  echo "appender threads each keep a number of appends in flight (as a server's connections do);"
  echo "entries of 32 bytes with 300-byte sealed records; every append is written and fdatasync'd"
  echo "before it is acknowledged. Checkpoint latency: from an entry being durable to a signed"
  echo "checkpoint covering it (integration period 200 ms)."
  echo
  echo "| appenders x in flight | durable appends/s | durable -> signed checkpoint p50 / p99 / max (ms) |"
  echo "|---|---|---|"
  printf '%s' "$jrows"
  echo
  echo "Targets: above 100,000 appends/s (Trillian Tessera's POSIX backend: about 10,000/s on NVMe);"
  echo "a new entry inside a signed checkpoint within 1 s."
  echo "<!-- journal-bench:end -->"
} > "$block"
tmp=$(mktemp)
if grep -q '^<!-- journal-bench:start -->' "$out"; then
  awk -v f="$block" '/^<!-- journal-bench:start -->/ {while ((getline l < f) > 0) print l; skip=1}
       !skip {print} /^<!-- journal-bench:end -->/ {skip=0}' "$out" > "$tmp"
else
  { cat "$out"; echo; cat "$block"; } > "$tmp"
fi
mv "$tmp" "$out"
chmod 644 "$out"
rm -f "$block"
echo "wrote $out"

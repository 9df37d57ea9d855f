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

# The service.
port=$(free_port)
VIGIE_LOG=warn "$vigie" serve --data "$data" --listen "127.0.0.1:$port" --threads "$threads" >/dev/null &
vpid=$!
pids+=($vpid)
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
read -r rpps password secret _ < <(sed -n 2p "$data/pros.tsv")
token=$(curl -sf "http://127.0.0.1:$port/auth/pro/login" -H 'Content-Type: application/json' \
  -d "{\"rpps\":\"$rpps\",\"password\":\"$password\",\"totp\":\"$("$vigie" totp "$secret")\"}" \
  | sed 's/.*"access_token":"\([^"]*\)".*/\1/')
[ -n "$token" ] || { echo "bench: login failed" >&2; exit 1; }

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
  ls=() lrs=() ks=()
  # Interleaved rounds, so that the machine's slow moments fall on every kind alike.
  for _ in $(seq "$rounds"); do
    ks+=("$(run_wrk "$kpid" "http://127.0.0.1:$cport" bench/const.lua "$c")")
    ls+=("$(run_wrk "$vpid" "http://127.0.0.1:$port" bench/lookup.lua "$c" "$token" "$data/insured-sample.tsv")")
    lrs+=("$(run_wrk "$vpid" "http://127.0.0.1:$port" bench/lookup.lua "$c" "$token" "$data/insured-sample.tsv" revinclude)")
  done
  k=$(median "${ks[@]}") l=$(median "${ls[@]}") lr=$(median "${lrs[@]}")
  lrps=$(rps "$l") lrrps=$(rps "$lr") krps=$(rps "$k")
  lerr=0; for x in "${ls[@]}" "${lrs[@]}"; do lerr=$(( lerr + $(echo "$x" | field errors_status) )); done
  ratio=$(echo "scale=3; $lrps / $krps" | bc)
  kcpu=$(( $(echo "$k" | field server_cpu_ns) / 1000 )) lcpu=$(( $(echo "$l" | field server_cpu_ns) / 1000 ))
  all=$(for x in "${ls[@]}"; do printf '%s ' "$(rps "$x")"; done)
  rows+="| $c | $krps | $lrps ($all) | $(echo "$l" | field p50_us) / $(echo "$l" | field p99_us) | $lrrps | 0$ratio | $kcpu / $lcpu | $lerr |"$'\n'
  echo "conns=$c const=$krps/s lookup=$lrps/s (runs: $all) lookup+coverage=$lrrps/s ratio=0$ratio cpu_us_per_req const=$kcpu lookup=$lcpu non-2xx=$lerr"
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
  echo "openings per person, FHIR JSON, one access record queued. Ceiling = the same libmicrohttpd"
  echo "settings answering a constant 330-byte Bundle (bench/const_server.c)."
  echo
  echo "| connections | constant (req/s) | lookup (req/s), median (runs) | lookup p50 / p99 (µs) | lookup + Coverage (req/s) | lookup / constant | server CPU per request, constant / lookup (µs) | non-2xx |"
  echo "|---|---|---|---|---|---|---|---|"
  printf '%s' "$rows"
  echo
  echo "Target: lookup >= 40 % of the constant ceiling. Access records in the database after the run: $accesses."
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
echo "wrote $out"

#!/usr/bin/env bash
# selftest.sh [BIN] - test the Go verifier itself, without vigie: build it (to BIN, or a
# temporary file), check that x/mod's proofs are RFC 9162's, make C2SP logs of several
# sizes with Go's own primitives (vigie-verify selftest-make), serve them from a tiny
# node static server on 127.0.0.1, run all four subcommands expecting success, then
# tamper with a tile, a bundle, a checkpoint signature, a receipt hash (and more) and
# expect each to fail. Ends with "N passed, N failed"; exits 1 if anything failed.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
command -v node >/dev/null || { echo "selftest.sh: node is missing" >&2; exit 1; }

work=$(mktemp -d "${TMPDIR:-/tmp}/vigie-verify-selftest.XXXXXX")
server_pid=
cleanup() {
  if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

bin=${1:-$work/bin/vigie-verify}
bash "$here/build.sh" "$bin"

passed=0 failed=0
out=$work/out
# expect_ok REGEX CMD... : exit 0 and stdout matching REGEX.
expect_ok() {
  local re=$1 rc=0; shift
  "$bin" "$@" >"$out" 2>&1 || rc=$?
  if [ "$rc" -eq 0 ] && grep -Eq -- "$re" "$out"; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1)); echo "FAILED (want ok, got exit $rc): $*"; sed 's/^/    /' "$out"
  fi
}
# expect_fail WHAT REGEX CMD... : exit 1 and one line "FAIL ..." matching REGEX.
expect_fail() {
  local what=$1 re=$2 rc=0; shift 2
  "$bin" "$@" >"$out" 2>&1 || rc=$?
  if [ "$rc" -eq 1 ] && [ "$(wc -l <"$out")" -eq 1 ] && grep -Eq -- "^FAIL .*$re" "$out"; then
    passed=$((passed + 1)); echo "  rejected $what: $(cat "$out")"
  else
    failed=$((failed + 1)); echo "FAILED (want a FAIL line matching /$re/ for $what, got exit $rc): $*"; sed 's/^/    /' "$out"
  fi
}
expect_usage() { # CMD... : exit 2
  local rc=0
  "$bin" "$@" >"$out" 2>&1 || rc=$?
  if [ "$rc" -eq 2 ]; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAILED (want exit 2, got $rc): $*"; fi
}

# flip FILE OFFSET: flip the low bit of one byte, in place.
flip() {
  local b
  b=$(od -An -tu1 -j"$2" -N1 "$1" | tr -d ' ')
  [ -n "$b" ] || { echo "flip: $1 has no byte $2" >&2; exit 1; }
  # shellcheck disable=SC2059
  printf "$(printf '\\x%02x' $((b ^ 1)))" | dd of="$1" bs=1 seek="$2" conv=notrunc status=none
}
# flip_b64 FILE LINE BYTE: flip a bit of byte BYTE of the base64 that ends line LINE.
flip_b64() {
  local f=$1 n=$2 line b64 head
  line=$(sed -n "${n}p" "$f"); b64=${line##* }; head=${line%"$b64"}
  printf %s "$b64" | base64 -d >"$work/raw"
  flip "$work/raw" "$3"
  awk -v n="$n" -v s="$head$(base64 -w0 "$work/raw")" 'NR == n { print s; next } { print }' "$f" >"$f.t"
  mv "$f.t" "$f"
}
# forge_entry DIR K: change entry K (< 256) in tile/entries/000 and write its leaf hash,
# SHA-256(0x00 || entry), over hash K of tile/0/000.
forge_entry() {
  local d=$1 k=$2
  flip "$d/tile/entries/000" $((k * 34 + 2 + 5))
  { printf '\x00'; dd if="$d/tile/entries/000" bs=1 skip=$((k * 34 + 2)) count=32 status=none; } |
    sha256sum | cut -c1-64 | sed 's/../\\x&/g' >"$work/hex"
  # shellcheck disable=SC2059
  printf "$(cat "$work/hex")" >"$work/leaf"
  [ "$(wc -c <"$work/leaf")" -eq 32 ] || { echo "forge_entry: bad leaf hash" >&2; exit 1; }
  dd if="$work/leaf" of="$d/tile/0/000" bs=1 seek=$((k * 32)) conv=notrunc status=none
}
# save FILE / restore FILE: keep a copy of FILE, put it back.
save() { cp "$1" "$work/saved"; }
restore() { cp "$work/saved" "$1"; }

# The static server: GET ROOT/<path>, 404 for anything else; prints its port.
cat >"$work/serve.mjs" <<'EOF'
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
const root = path.resolve(process.argv[2]);
const srv = http.createServer((req, res) => {
  let f;
  try { f = path.join(root, path.normalize(decodeURIComponent(new URL(req.url, 'http://h').pathname))); } catch { f = ''; }
  if (req.method !== 'GET' || !f.startsWith(root + path.sep)) { res.writeHead(404); res.end(); return; }
  fs.readFile(f, (err, data) => {
    if (err) { res.writeHead(404); res.end(); return; }
    res.writeHead(200, { 'content-type': path.basename(f) === 'checkpoint'
      ? 'text/plain; charset=utf-8' : 'application/octet-stream' });
    res.end(data);
  });
});
srv.listen(0, '127.0.0.1', () => console.log(srv.address().port));
EOF
mkdir -p "$work/logs"
node "$work/serve.mjs" "$work/logs" >"$work/port" &
server_pid=$!
for _ in $(seq 100); do [ -s "$work/port" ] && break; sleep 0.1; done
port=$(head -1 "$work/port")
[ -n "$port" ] || { echo "selftest.sh: the static server did not start" >&2; exit 1; }
echo "static server pid $server_pid on 127.0.0.1:$port"

echo "== x/mod proofs are RFC 6962/9162 proofs"
expect_ok '^ok proofs ' selftest-proofs --max 130

origin=vigie.example/journal
sizes=(0 1 2 255 256 257 300 511 65536 65537 70000)
for n in "${sizes[@]}"; do
  d=$work/logs/n$n/journal
  base=http://127.0.0.1:$port/n$n/journal
  "$bin" selftest-make "$d" --name "$origin" --n "$n" >/dev/null
  vk=$(cat "$d/vkey")
  echo "== size $n"
  root=$(sed -n 3p "$d/checkpoint")
  expect_ok "^ok $origin $n ${root//+/\\+}\$" checkpoint --vkey "$vk" "$d/checkpoint"
  m=$(sed -n 2p "$d/checkpoint.old")
  expect_ok "^ok $m -> $n\$" consistency --vkey "$vk" --old "$d/checkpoint.old" --new "$d/checkpoint" "$d/consistency.old"
  olds=(--old "$d/checkpoint.old")
  proves=()
  if [ "$n" -gt 0 ]; then
    olds+=(--old "$d/checkpoint.first" --old "$d/checkpoint")
    proves=(--prove 0 --prove $((n - 1)) --prove $((n / 3)))
  fi
  expect_ok "^ok size $n entries $n old $(( ${#olds[@]} / 2 ))\$" tiles --vkey "$vk" --base "$base" "${olds[@]}" "${proves[@]}"
  for r in "$d"/receipt-*; do
    [ -e "$r" ] || continue
    i=${r##*-}
    expect_ok "^ok index $i size $n\$" receipt --vkey "$vk" --entry-hex "$(cat "$d/entry-$i.hex")" "$r"
    expect_ok "^ok index $i size $n\$" receipt --vkey "$vk" --record "$d/record-$i" --salt "$(cat "$d/salt-$i")" "$r"
  done
done

echo "== tampering is caught"
for n in 300 70000; do
  d=$work/logs/n$n/journal
  base=http://127.0.0.1:$port/n$n/journal
  vk=$(cat "$d/vkey")
  ptile=$(printf '%03d.p/%d' $((n / 256)) $((n % 256)))
  echo "-- size $n"
  # Tiles: a full level-0 tile, the partial level-0 tile, the top tile, a level-1 tile.
  tiles=(tile/0/000 "tile/0/$ptile")
  if [ "$n" -eq 300 ]; then tiles+=(tile/1/000.p/1); else tiles+=(tile/1/000 tile/1/001.p/17 tile/2/000.p/1); fi
  for t in "${tiles[@]}"; do
    save "$d/$t"; flip "$d/$t" $(( $(wc -c <"$d/$t") / 2 + 1 ))
    expect_fail "a byte of $t" 'tiles' tiles --vkey "$vk" --base "$base"
    restore "$d/$t"
    save "$d/$t"; head -c -32 "$work/saved" >"$d/$t"
    expect_fail "$t cut short" 'tiles' tiles --vkey "$vk" --base "$base"
    restore "$d/$t"
  done
  # An entry changed in its bundle and its leaf hash changed to match in tile/0/000 (x/mod's
  # TileHashReader alone lets this pass at sizes 300 and 70,000: see authTiles in main.go).
  save "$d/tile/0/000"; cp "$d/tile/entries/000" "$work/saved-bundle"
  forge_entry "$d" 3
  expect_fail "a forged entry with its forged leaf hash" 'tile/0/000 does not hash to its entry in tile/1/000' tiles --vkey "$vk" --base "$base"
  restore "$d/tile/0/000"; cp "$work/saved-bundle" "$d/tile/entries/000"
  # A tile that is not there.
  save "$d/tile/0/000"; rm "$d/tile/0/000"
  expect_fail "a missing tile" 'HTTP 404' tiles --vkey "$vk" --base "$base"
  restore "$d/tile/0/000"
  # Bundles: the first and the last, a byte flipped, one entry dropped, one byte extra.
  for b in tile/entries/000 "tile/entries/$ptile"; do
    save "$d/$b"; flip "$d/$b" 40
    expect_fail "a byte of $b" 'does not hash to its tile hash' tiles --vkey "$vk" --base "$base"
    restore "$d/$b"
    save "$d/$b"; head -c -34 "$work/saved" >"$d/$b"
    expect_fail "$b short of an entry" 'missing' tiles --vkey "$vk" --base "$base"
    restore "$d/$b"
    save "$d/$b"; printf x >>"$d/$b"
    expect_fail "a byte after $b" 'after the last entry' tiles --vkey "$vk" --base "$base"
    restore "$d/$b"
  done
  save "$d/tile/entries/000"; flip "$d/tile/entries/000" 1
  expect_fail "an entry length" 'bytes, not 32|cut short|does not hash' tiles --vkey "$vk" --base "$base"
  restore "$d/tile/entries/000"
  # The checkpoint's signature, one bit of it (after the 4-byte key ID).
  save "$d/checkpoint"; flip_b64 "$d/checkpoint" 5 10
  expect_fail "the checkpoint signature" 'checkpoint signature' checkpoint --vkey "$vk" "$d/checkpoint"
  expect_fail "the served checkpoint signature" 'checkpoint signature' tiles --vkey "$vk" --base "$base"
  expect_fail "the new checkpoint signature" 'new checkpoint signature' consistency --vkey "$vk" --old "$d/checkpoint.old" --new "$d/checkpoint" "$d/consistency.old"
  restore "$d/checkpoint"
  # The checkpoint's text (size or root), the signature unchanged.
  save "$d/checkpoint"; flip_b64 "$d/checkpoint" 3 0
  expect_fail "the checkpoint root" 'checkpoint signature' checkpoint --vkey "$vk" "$d/checkpoint"
  restore "$d/checkpoint"
  # Another log's key, and a key of the right name but another key.
  other=$(cat "$work/logs/n257/journal/vkey")
  expect_fail "another log's key" 'no signature by' checkpoint --vkey "$other" "$d/checkpoint"
  "$bin" selftest-make "$work/otherkey" --name other.example/log --n 3 >/dev/null
  expect_fail "a key of another name" 'no signature by' checkpoint --vkey "$(cat "$work/otherkey/vkey")" "$d/checkpoint"
  # Receipts: one proof hash, the index, the checkpoint inside, the record, the salt.
  i=$(( n / 2 ))
  r=$d/receipt-$i
  e=$(cat "$d/entry-$i.hex")
  h=$(( $(grep -n '^index ' "$r" | cut -d: -f1) + 1 ))
  save "$r"; flip_b64 "$r" "$h" 7
  expect_fail "the first receipt hash" 'inclusion' receipt --vkey "$vk" --entry-hex "$e" "$r"
  restore "$r"
  save "$r"; flip_b64 "$r" $((h + 3)) 31
  expect_fail "a receipt hash" 'inclusion' receipt --vkey "$vk" --entry-hex "$e" "$r"
  restore "$r"
  save "$r"; sed -i "$((h - 1))s/.*/index $((i + 1))/" "$r"
  expect_fail "the receipt index" 'inclusion' receipt --vkey "$vk" --entry-hex "$e" "$r"
  restore "$r"
  save "$r"; sed -i "${h}d" "$r"
  expect_fail "a receipt hash dropped" 'inclusion' receipt --vkey "$vk" --entry-hex "$e" "$r"
  restore "$r"
  save "$r"; sed -i "$((h - 1))s/.*/index 0$i/" "$r"
  expect_fail "a receipt index with a leading zero" 'bad index' receipt --vkey "$vk" --entry-hex "$e" "$r"
  restore "$r"
  save "$r"; sed -i "1s/.*/c2sp.org\/tlog-proof@v2/" "$r"
  expect_fail "the receipt header" 'header' receipt --vkey "$vk" --entry-hex "$e" "$r"
  restore "$r"
  save "$r"; sig=$(grep -n '^— ' "$r" | cut -d: -f1); flip_b64 "$r" "$sig" 20
  expect_fail "the receipt's checkpoint signature" 'receipt checkpoint signature' receipt --vkey "$vk" --entry-hex "$e" "$r"
  restore "$r"
  expect_fail "another entry" 'inclusion' receipt --vkey "$vk" --entry-hex "$(cat "$d/entry-$((n - 1)).hex")" "$r"
  sed 's/allow/deny/' "$d/record-$i" >"$work/record"
  expect_fail "a changed record" 'inclusion' receipt --vkey "$vk" --record "$work/record" --salt "$(cat "$d/salt-$i")" "$r"
  expect_fail "another salt" 'inclusion' receipt --vkey "$vk" --record "$d/record-$i" --salt "$(cat "$d/salt-$((n - 1))")" "$r"
  # Consistency: a proof hash flipped, a proof between other sizes, a fork, sizes swapped.
  save "$d/consistency.old"; flip_b64 "$d/consistency.old" 1 3
  expect_fail "a consistency proof hash" 'consistency' consistency --vkey "$vk" --old "$d/checkpoint.old" --new "$d/checkpoint" "$d/consistency.old"
  restore "$d/consistency.old"
  expect_fail "a consistency proof from another size" 'consistency' consistency --vkey "$vk" --old "$d/checkpoint.first" --new "$d/checkpoint" "$d/consistency.old"
  expect_fail "a forked checkpoint (consistency)" 'consistency' consistency --vkey "$vk" --old "$d/checkpoint.fork" --new "$d/checkpoint" "$d/consistency.old"
  expect_fail "a forked checkpoint (tiles)" 'consistency' tiles --vkey "$vk" --base "$base" --old "$d/checkpoint.old" --old "$d/checkpoint.fork"
  expect_fail "old and new swapped" 'larger' consistency --vkey "$vk" --old "$d/checkpoint" --new "$d/checkpoint.old" "$d/consistency.old"
  expect_fail "another log's old checkpoint" 'signature' tiles --vkey "$vk" --base "$base" --old "$work/logs/n65537/journal/checkpoint.old"
  expect_fail "an index past the tree" 'not in the tree' tiles --vkey "$vk" --base "$base" --prove "$n"
done

echo "== usage errors"
d=$work/logs/n300/journal
vk=$(cat "$d/vkey")
expect_usage
expect_usage nosuchcommand
expect_usage checkpoint "$d/checkpoint"
expect_usage checkpoint --vkey "$vk" "$d/nosuchfile"
expect_usage checkpoint --vkey 'not a key' "$d/checkpoint"
expect_usage receipt --vkey "$vk" "$d/receipt-0"
expect_usage receipt --vkey "$vk" --entry-hex abcd "$d/receipt-0"
expect_usage receipt --vkey "$vk" --entry-hex "$(cat "$d/entry-0.hex")" --record "$d/record-0" --salt "$(cat "$d/salt-0")" "$d/receipt-0"
expect_usage consistency --vkey "$vk" --old "$d/checkpoint.old" "$d/consistency.old"
expect_usage tiles --vkey "$vk"
expect_usage tiles --vkey "$vk" --base "http://127.0.0.1:$port/n300/journal" --bogus

echo "== an unreachable journal"
expect_fail "a journal with no server" 'cannot fetch' tiles --vkey "$vk" --base "http://127.0.0.1:$port/nosuchlog/journal"

echo "selftest: $passed passed, $failed failed"
[ "$failed" -eq 0 ]

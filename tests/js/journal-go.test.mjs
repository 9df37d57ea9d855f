// Interoperability, checked by a tool we did not write: tests/go/vigie-verify
// is built on Go's golang.org/x/mod/sumdb/note and sumdb/tlog (Debian's
// golang-golang-x-mod-dev) and verifies vigie's checkpoint signature, its
// tiles (Go recomputes the tree from them), receipts and consistency proofs.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {
  test, seededDataDir, startServer, http, Pros, readAccounts, NIR_SYSTEM, vigieOk, sleep, makeTmp,
  BIN,
} from './lib.mjs';

const run = (file, args) => new Promise((resolve) => {
  execFile(file, args, { timeout: 120_000 }, (err, stdout, stderr) =>
    resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }));
});

const GO = path.join(path.dirname(BIN), 'go', 'vigie-verify');
const built = await run('bash', [path.resolve('tests/go/build.sh'), GO]);
assert.equal(built.code, 0, `building the Go verifier failed:\n${built.stdout}${built.stderr}`);

const data = await seededDataDir({ accounts: 2 });
const tmp = await makeTmp('vigie-go-');
// Hundreds of lookups of the same two people in bursts: the guard would (rightly) throttle
// them; this file is about the journal, so the guard only observes.
const s = await startServer(data, ['--checkpoint-ms', '50', '--guard', 'observe']);
const pros = new Pros(data);
const accounts = readAccounts(data);
const vkey = fs.readFileSync(path.join(data, 'journal', 'vkey'), 'utf8').trim();

const lookup = (token, nir) =>
  http(s, 'GET', `/fhir/Patient?identifier=${encodeURIComponent(`${NIR_SYSTEM}|${nir}`)}`, { token });

/** n lookups, 8 at a time; resolves the highest journal index. */
async function lookups(token, n) {
  let last = -1;
  const one = async (k) => {
    const r = await lookup(token, accounts[k % accounts.length].nir);
    assert.equal(r.status, 200);
    last = Math.max(last, Number(r.headers.get('vigie-journal-entry')));
  };
  for (let k = 0; k < n; k += 8) await Promise.all([...Array(Math.min(8, n - k)).keys()].map((i) => one(k + i)));
  return last;
}

/** Save the checkpoint once it covers entry i (and nothing is in flight). */
async function saveCheckpoint(i, file) {
  for (let t = 0; ; t++) {
    const r = await http(s, 'GET', '/journal/checkpoint');
    const size = Number(r.text.split('\n')[1]);
    if (size > i) { fs.writeFileSync(file, r.text); return size; }
    assert.ok(t < 300, `no checkpoint covers entry ${i}`);
    await sleep(50);
  }
}

test('Go x/mod verifies the checkpoint signature, the tiles, receipts and consistency proofs', async () => {
  const token = await pros.login(s);
  const cp1 = path.join(tmp, 'cp1');
  const size1 = await saveCheckpoint(await lookups(token, 40), cp1);
  const cp2 = path.join(tmp, 'cp2');
  const last = await lookups(token, 600); // past two full tiles: full, partial, and a level-1 tile
  const size2 = await saveCheckpoint(last, cp2);
  assert.ok(size2 > 512 && size1 < size2);

  const c = await run(GO, ['checkpoint', '--vkey', vkey, cp2]);
  assert.equal(c.code, 0, c.stdout + c.stderr);
  assert.match(c.stdout, new RegExp(`^ok vigie\\.localhost/journal ${size2} `));

  // Go recomputes the tree from the served tiles, checks every bundle entry, and proves
  // consistency with the earlier checkpoint and inclusion of the first and last entries itself.
  const base = `${s.origin}/journal`;
  const t = await run(GO, ['tiles', '--vkey', vkey, '--base', base, '--old', cp1, '--prove', '0',
    '--prove', String(size2 - 1), '--prove', '300']);
  assert.equal(t.code, 0, t.stdout + t.stderr);
  assert.match(t.stdout, new RegExp(`^ok size ${size2} entries ${size2} old 1`));

  // vigie's own consistency proof, checked by Go's CheckTree.
  const proof = await vigieOk(['journal', 'proof', '--from', String(size1), '--data', data]);
  const latest = (await vigieOk(['journal', 'checkpoint', '--data', data])).stdout;
  assert.equal(Number(latest.split('\n')[1]), size2, 'nothing appended since cp2');
  fs.writeFileSync(path.join(tmp, 'cons'), proof.stdout);
  const cons = await run(GO, ['consistency', '--vkey', vkey, '--old', cp1, '--new', cp2, path.join(tmp, 'cons')]);
  assert.equal(cons.code, 0, cons.stdout + cons.stderr);
  assert.match(cons.stdout, new RegExp(`^ok ${size1} -> ${size2}`));
  // A proof from another size does not pass.
  const other = await vigieOk(['journal', 'proof', '--from', String(size1 + 1), '--data', data]);
  fs.writeFileSync(path.join(tmp, 'cons-bad'), other.stdout);
  const bad = await run(GO, ['consistency', '--vkey', vkey, '--old', cp1, '--new', cp2, path.join(tmp, 'cons-bad')]);
  assert.equal(bad.code, 1, bad.stdout);

  // A receipt from /me/accesses: the insured person's record and salt, checked by Go.
  const me = accounts[0];
  const login = await http(s, 'POST', '/auth/insured/login', { body: { login: me.nir, password: me.password } });
  const list = await http(s, 'GET', '/me/accesses', { token: login.json.access_token });
  const a = list.json.accesses.find((x) => x.receipt);
  assert.ok(a, 'an access with a receipt');
  fs.writeFileSync(path.join(tmp, 'receipt'), a.receipt);
  fs.writeFileSync(path.join(tmp, 'record'), a.record);
  const rc = await run(GO, ['receipt', '--vkey', vkey, '--record', path.join(tmp, 'record'), '--salt', a.salt, path.join(tmp, 'receipt')]);
  assert.equal(rc.code, 0, rc.stdout + rc.stderr);
  assert.match(rc.stdout, new RegExp(`^ok index ${a.index} `));
  fs.writeFileSync(path.join(tmp, 'record'), a.record.replace('"allow"', '"deny"'));
  const forged = await run(GO, ['receipt', '--vkey', vkey, '--record', path.join(tmp, 'record'), '--salt', a.salt, path.join(tmp, 'receipt')]);
  assert.equal(forged.code, 1, 'a changed record does not verify');
  // `vigie journal proof --index` gives the same kind of receipt for any entry.
  const inc = await vigieOk(['journal', 'proof', '--index', '300', '--data', data]);
  fs.writeFileSync(path.join(tmp, 'receipt300'), inc.stdout);
  const bundle = await fetch(`${base}/tile/entries/001`);
  const buf = Buffer.from(await bundle.arrayBuffer());
  const entry300 = buf.subarray((300 - 256) * 34 + 2, (300 - 256) * 34 + 34).toString('hex');
  const r300 = await run(GO, ['receipt', '--vkey', vkey, '--entry-hex', entry300, path.join(tmp, 'receipt300')]);
  assert.equal(r300.code, 0, r300.stdout + r300.stderr);

  // And Go notices a tile that is not what the checkpoint signed.
  const tile = path.join(data, 'journal', 'tile', '0', '001');
  const orig = fs.readFileSync(tile);
  const flipped = Buffer.from(orig);
  flipped[100] ^= 1;
  fs.writeFileSync(tile, flipped);
  const tampered = await run(GO, ['tiles', '--vkey', vkey, '--base', base]);
  fs.writeFileSync(tile, orig);
  assert.equal(tampered.code, 1, `Go must reject a tampered tile: ${tampered.stdout}`);
  assert.match(tampered.stdout, /^FAIL tiles/);
});

test('the Go verifier itself rejects every forgery of a C2SP log built with Go\'s own primitives (tests/go/selftest.sh)', async () => {
  // Logs of sizes 0 to 70,000 made by x/mod, served on loopback, then tampered with in every
  // way the verifier must catch, including a forged leaf that x/mod 0.7.0's TileHashReader
  // alone would accept; and Go's proof order checked against RFC 9162's for sizes 1 to 130.
  const r = await run('bash', [path.resolve('tests/go/selftest.sh'), GO]);
  assert.equal(r.code, 0, r.stdout.split('\n').slice(-30).join('\n') + r.stderr);
  assert.match(r.stdout, /^selftest: \d+ passed, 0 failed$/m);
});

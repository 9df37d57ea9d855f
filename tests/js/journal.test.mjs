// The write-ahead journal over HTTP: every lookup answer carries its durable
// entry's index; the public log (checkpoint, tiles, bundles) is checked with
// tests/js/tlog.mjs (Node's crypto, nothing shared with vigie's C); the
// insured see and verify who accessed their record; `vigie journal verify`
// finds a flipped byte and names the file.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {
  test, seededDataDir, startServer, http, Pros, readAccounts, readSample, NIR_SYSTEM,
  assertOutcome, vigie, vigieOk, sleep, badKey, assertCleanExit, metricsOf,
} from './lib.mjs';
import {
  parseVkey, openNote, parseCheckpoint, tilePath, bundleEntries, leafHash, mth, commitment,
  parseReceipt, verifyInclusion, verifyConsistency,
} from './tlog.mjs';

const data = await seededDataDir({ accounts: 3 });
const s = await startServer(data, ['--checkpoint-ms', '100']);
const pros = new Pros(data);
const accounts = readAccounts(data);
const vkey = fs.readFileSync(path.join(data, 'journal', 'vkey'), 'utf8').trim();
const V = parseVkey(vkey);

const lookup = (token, nir) =>
  http(s, 'GET', `/fhir/Patient?identifier=${encodeURIComponent(`${NIR_SYSTEM}|${nir}`)}`, { token });

/** The latest checkpoint, verified: {size, root, note}. */
async function checkpoint() {
  const r = await http(s, 'GET', '/journal/checkpoint');
  assert.equal(r.status, 200);
  const c = parseCheckpoint(openNote(r.text, V));
  return { ...c, note: r.text, headers: r.headers };
}

/** Wait until a checkpoint covers entry index i; returns it. */
async function checkpointCovering(i, ms = 15_000) {
  const t0 = Date.now();
  for (;;) {
    const c = await checkpoint();
    if (c.size > i) return c;
    assert.ok(Date.now() - t0 < ms, `entry ${i} not in a checkpoint after ${ms} ms (size ${c.size})`);
    await sleep(50);
  }
}

async function fetchBytes(p) {
  const res = await fetch(s.url(p));
  return { status: res.status, headers: res.headers, body: Buffer.from(await res.arrayBuffer()) };
}

test('every lookup answer, allowed or refused, carries the index of its durable journal entry', async () => {
  const token = await pros.login(s);
  const nir = readSample(data)[0].nir;
  const a = await lookup(token, nir);
  assert.equal(a.status, 200, a.text);
  const i = Number(a.headers.get('vigie-journal-entry'));
  assert.ok(Number.isInteger(i) && i >= 0, `header: ${a.headers.get('vigie-journal-entry')}`);
  const b = await lookup(token, badKey(nir));
  assertOutcome(b, 400);
  const j = Number(b.headers.get('vigie-journal-entry'));
  assert.equal(j, i + 1, 'the refusal is the next entry');
  const c = await checkpointCovering(j);
  assert.equal(c.origin, V.name, 'the checkpoint origin is the key name');
  const m = (await metricsOf(s)).text;
  assert.ok(Number(/^vigie_journal_entries (\d+)$/m.exec(m)?.[1]) > j, `journal gauge in /metrics:\n${m}`);
  assert.match(m, /^vigie_journal_checkpoint_size \d+$/m);
  assert.match(c.headers.get('content-type'), /^text\/plain; charset=utf-8/);
  assert.match(c.headers.get('cache-control'), /max-age=1\b/);
});

test('tiles and bundles are served read-only and reproduce the signed root (checked without vigie code)', async () => {
  const token = await pros.login(s);
  const sample = readSample(data);
  let last = 0;
  for (let k = 0; k < 20; k++) last = Number((await lookup(token, sample[k % sample.length].nir)).headers.get('vigie-journal-entry'));
  const c = await checkpointCovering(last);
  assert.ok(c.size < 256, 'this test expects a single partial tile');
  const bundle = await fetchBytes(`/journal/${tilePath('entries', 0, c.size)}`);
  assert.equal(bundle.status, 200);
  assert.equal(bundle.headers.get('content-type'), 'application/octet-stream');
  assert.match(bundle.headers.get('cache-control'), /immutable/);
  const entries = bundleEntries(bundle.body);
  assert.equal(entries.length, c.size);
  for (const e of entries) assert.equal(e.length, 32, 'an entry is a 32-byte commitment');
  const tile = await fetchBytes(`/journal/${tilePath(0, 0, c.size)}`);
  assert.equal(tile.status, 200);
  assert.equal(tile.body.length, 32 * c.size);
  const leaves = entries.map(leafHash);
  for (let k = 0; k < leaves.length; k++)
    assert.ok(tile.body.subarray(32 * k, 32 * k + 32).equals(leaves[k]), `tile hash ${k}`);
  assert.ok(mth(leaves).equals(c.root), 'the root of the served entries is the signed root');
  // Nothing else in the journal directory can be named.
  for (const p of ['/journal/log', '/journal/checkpoints', '/journal/vkey', '/journal/../vigie.db',
    '/journal/tile/0/0', '/journal/tile/0/000.p/0', '/journal/tile/entries/000.p/256',
    '/journal/tile/9/000', '/journal/', '/journal/tile/0/000.tmp'])
    assertOutcome(await http(s, 'GET', p), 404);
  assertOutcome(await http(s, 'POST', '/journal/checkpoint', { body: 'x', contentType: 'text/plain' }), 405);
});

test('an insured person logs in and sees, and can verify, every access to their record', async () => {
  const me = accounts[0];
  const other = accounts[1];
  const pro = pros.fresh();
  const token = await pros.login(s, pro);
  const seen = [];
  for (let k = 0; k < 3; k++) seen.push(Number((await lookup(token, me.nir)).headers.get('vigie-journal-entry')));
  const otherIdx = Number((await lookup(token, other.nir)).headers.get('vigie-journal-entry'));
  await checkpointCovering(Math.max(...seen, otherIdx));

  // Login by NIR and by e-mail (any case) both work; a wrong password is a 401 like any other.
  const byNir = await http(s, 'POST', '/auth/insured/login', { body: { login: me.nir, password: me.password } });
  assert.equal(byNir.status, 200, byNir.text);
  const byMail = await http(s, 'POST', '/auth/insured/login', { body: { login: me.email.toUpperCase(), password: me.password } });
  assert.equal(byMail.status, 200, byMail.text);
  const bad = await http(s, 'POST', '/auth/insured/login', { body: { login: me.nir, password: 'wrong' } });
  assertOutcome(bad, 401);
  const unknown = await http(s, 'POST', '/auth/insured/login', { body: { login: 'nobody@example.org', password: 'wrong' } });
  assertOutcome(unknown, 401);
  assert.equal(unknown.json.issue[0].diagnostics, bad.json.issue[0].diagnostics);

  let r;
  for (let tries = 0; ; tries++) { // rows are indexed right after the entries are durable
    r = await http(s, 'GET', '/me/accesses', { token: byNir.json.access_token });
    assert.equal(r.status, 200, r.text);
    if (seen.every((i) => r.json.accesses.some((a) => a.index === i && a.receipt)) || tries > 100) break;
    await sleep(50);
  }
  const list = r.json.accesses;
  for (const i of seen) assert.ok(list.some((a) => a.index === i), `access ${i} listed`);
  assert.ok(!list.some((a) => a.index === otherIdx), 'another person\'s access is not listed');
  const mine = list.find((a) => a.index === seen[0]);
  assert.equal(mine.professional.rpps, pro.rpps);
  assert.ok(mine.professional.name && mine.professional.profession && mine.professional.city);
  assert.equal(mine.decision, 'allow');
  assert.deepEqual(mine.fields, ['identifier', 'name', 'gender', 'birthDate']);
  // Verify it all with tlog.mjs: record + salt -> entry -> leaf -> receipt -> signed root.
  const rec = JSON.parse(mine.record);
  assert.equal(rec.pro, pro.rpps);
  assert.equal(rec.decision, 'allow');
  assert.equal(rec.patient, r.json.patient);
  const leaf = leafHash(commitment(mine.salt, mine.record));
  const rc = parseReceipt(mine.receipt);
  assert.equal(rc.index, mine.index);
  const cp = parseCheckpoint(openNote(rc.checkpoint, parseVkey(r.json.journal.verifierKey)));
  assert.ok(verifyInclusion(leaf, rc.index, cp.size, rc.proof, cp.root), 'the receipt proves inclusion');
  // A record altered by one character no longer proves anything.
  const forged = leafHash(commitment(mine.salt, mine.record.replace('"allow"', '"deny"')));
  assert.ok(!verifyInclusion(forged, rc.index, cp.size, rc.proof, cp.root));

  // The other person sees their own access only, never mine.
  const o = await http(s, 'POST', '/auth/insured/login', { body: { login: other.nir, password: other.password } });
  const ol = await http(s, 'GET', '/me/accesses', { token: o.json.access_token });
  assert.equal(ol.status, 200);
  assert.notEqual(ol.json.patient, r.json.patient);
  for (const i of seen) assert.ok(!ol.json.accesses.some((a) => a.index === i), 'no access of another person');
  // Tokens do not cross sides.
  assertOutcome(await http(s, 'GET', '/me/accesses', { token }), 401);
  assertOutcome(await lookup(byNir.json.access_token, me.nir), 401);
  assertOutcome(await http(s, 'GET', '/me/accesses'), 401);
});

test('hostile input on the insured side gets a 4xx OperationOutcome', async () => {
  const L = '/auth/insured/login';
  assertOutcome(await http(s, 'POST', L, { body: '{"login":', contentType: 'application/json' }), 400);
  assertOutcome(await http(s, 'POST', L, { body: '[1,2]', contentType: 'application/json' }), 400);
  assertOutcome(await http(s, 'POST', L, { body: { login: 'a', password: 'b', admin: true } }), 400);
  assertOutcome(await http(s, 'POST', L, { body: { login: 'a'.repeat(300), password: 'b' } }), 400);
  assertOutcome(await http(s, 'POST', L, { body: { login: 12, password: 'b' } }), 400);
  assertOutcome(await http(s, 'POST', L, { body: 'login=a&password=b', contentType: 'application/x-www-form-urlencoded' }), 415);
  assertOutcome(await http(s, 'GET', L), 405);
  assertOutcome(await http(s, 'POST', L, { body: { login: '1850775\u0000', password: 'b' } }), 400);
  const me = accounts[2];
  const t = await http(s, 'POST', L, { body: { login: me.nir, password: me.password } });
  assert.equal(t.status, 200, t.text);
  for (const q of ['?before=abc', '?before=-1', '?before=0', '?before='])
    assertOutcome(await http(s, 'GET', `/me/accesses${q}`, { token: t.json.access_token }), 400);
  assertOutcome(await http(s, 'POST', '/me/accesses', { token: t.json.access_token, body: {} }), 405);
  // Logout ends the session.
  assert.equal((await http(s, 'POST', '/auth/insured/logout', { token: t.json.access_token })).status, 200);
  assertOutcome(await http(s, 'GET', '/me/accesses', { token: t.json.access_token }), 401);
});

test('consistency proofs from `vigie journal proof --from` link earlier checkpoints to the latest', async () => {
  const token = await pros.login(s);
  const nir = readSample(data)[3].nir;
  const old = await checkpoint();
  let last = 0;
  for (let k = 0; k < 5; k++) last = Number((await lookup(token, nir)).headers.get('vigie-journal-entry'));
  await checkpointCovering(last);
  const r = await vigieOk(['journal', 'proof', '--from', String(old.size), '--data', data]);
  const now = parseCheckpoint(openNote((await vigieOk(['journal', 'checkpoint', '--data', data])).stdout, V));
  const proof = r.stdout.split('\n').filter(Boolean).map((l) => Buffer.from(l, 'base64'));
  assert.ok(now.size > old.size);
  assert.ok(verifyConsistency(old.size, now.size, old.root, now.root, proof), 'consistent');
  const wrong = Buffer.from(old.root);
  wrong[0] ^= 1;
  assert.ok(!verifyConsistency(old.size, now.size, wrong, now.root, proof), 'a different old root is not');
  const inc = await vigieOk(['journal', 'proof', '--index', String(last), '--data', data]);
  const rc = parseReceipt(inc.stdout);
  assert.equal(rc.index, last);
});

test('`vigie journal verify` passes, then names the tile or bundle holding a flipped byte', async () => {
  const token = await pros.login(s);
  const last = Number((await lookup(token, readSample(data)[1].nir)).headers.get('vigie-journal-entry'));
  const c = await checkpointCovering(last);
  const ok = await vigie(['journal', 'verify', '--data', data]);
  assert.equal(ok.code, 0, ok.stdout + ok.stderr);
  assert.match(ok.stdout, /^ok: \d+ entries, \d+ checkpoints consistent/m);
  assert.match(ok.stdout, /every private record recomputes its entry/);
  await s.stop().then((x) => assertCleanExit(x, s));
  const after = parseCheckpoint(openNote(fs.readFileSync(path.join(data, 'journal', 'checkpoint'), 'utf8'), V));
  for (const [rel, what] of [[tilePath(0, 0, after.size), 'tile'], [tilePath('entries', 0, after.size), 'bundle']]) {
    const f = path.join(data, 'journal', rel);
    const orig = fs.readFileSync(f);
    const bad = Buffer.from(orig);
    bad[Math.floor(orig.length / 2)] ^= 0x20;
    fs.writeFileSync(f, bad);
    const r = await vigie(['journal', 'verify', '--data', data]);
    assert.equal(r.code, 1, `a flipped byte in the ${what} must fail verification: ${r.stdout}`);
    assert.match(r.stdout, new RegExp(`^FAULT ${rel.replace(/[.]/g, '\\.')}: differs from the log`, 'm'), r.stdout);
    // `vigie journal rebuild` rewrites it from the log.
    await vigieOk(['journal', 'rebuild', '--data', data]);
    assert.ok(fs.readFileSync(f).equals(orig), `the ${what} is rewritten as it was`);
  }
  // A flipped byte inside the log itself is found too (its frame no longer checks).
  const logf = path.join(data, 'journal', 'log');
  const orig = fs.readFileSync(logf);
  const bad = Buffer.from(orig);
  bad[40] ^= 0x01;
  fs.writeFileSync(logf, bad);
  const r = await vigie(['journal', 'verify', '--data', data]);
  fs.writeFileSync(logf, orig);
  assert.equal(r.code, 1);
  assert.match(r.stdout, /^FAULT log: entry 0: frame is damaged/m, r.stdout);
  assert.ok(c.size <= after.size);
  const again = await vigie(['journal', 'verify', '--data', data]);
  assert.equal(again.code, 0, again.stdout);
});

test('a second server on the same data directory refuses to start (one sequencer per journal)', async () => {
  const first = await startServer(data); // the file's server was stopped by the test above
  const r = await vigie(['serve', '--data', data, '--listen', '127.0.0.1:0'], { timeoutMs: 30_000 });
  assert.equal(r.code, 1, `a second server must not run: ${r.stdout}${r.stderr}`);
  assert.match(r.stderr, /journal\.in_use/);
  assert.match(r.stderr, /cannot open the journal/);
  assert.equal((await http(first, 'GET', '/healthz')).status, 200, 'the first one is unaffected');
  assertCleanExit(await first.stop(), first);
});

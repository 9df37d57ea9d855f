// Faults the journal must survive: kill -9 in the middle of a bounded load,
// and a full disk (a small tmpfs) that must make lookups fail closed with a
// 503 and recover when space returns.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {
  test, seededDataDir, startServer, http, Pros, readAccounts, readSample, NIR_SYSTEM,
  assertOutcome, vigie, vigieOk, sleep, assertCleanExit, metricsOf,
} from './lib.mjs';
import { parseVkey, openNote, parseCheckpoint, verifyConsistency } from './tlog.mjs';

const lookup = (s, token, nir) =>
  http(s, 'GET', `/fhir/Patient?identifier=${encodeURIComponent(`${NIR_SYSTEM}|${nir}`)}`, { token });

test('kill -9 under load: every answer received is journaled, verify passes, checkpoints stay consistent', async () => {
  const data = await seededDataDir({ accounts: 3 });
  const V = parseVkey(fs.readFileSync(path.join(data, 'journal', 'vkey'), 'utf8'));
  const accounts = readAccounts(data);
  const pros = new Pros(data);
  let s = await startServer(data, ['--checkpoint-ms', '50']);
  const tokens = [await pros.login(s), await pros.login(s)];
  const got = []; // [index, nir] of every 200 received
  const checkpoints = new Map(); // size -> root, as published before the kill
  let stop = false;
  const worker = async (w) => {
    for (let k = 0; !stop && k < 5000; k++) {
      const nir = accounts[(w + k) % accounts.length].nir;
      let r;
      try { r = await lookup(s, tokens[w % 2], nir); } catch { break; } // the server died mid-request
      if (r.status === 200) got.push([Number(r.headers.get('vigie-journal-entry')), nir]);
    }
  };
  const watcher = async () => {
    while (!stop) {
      try {
        const r = await http(s, 'GET', '/journal/checkpoint');
        const c = parseCheckpoint(openNote(r.text, V));
        checkpoints.set(c.size, c.root);
      } catch { break; }
      await sleep(20);
    }
  };
  const load = [...Array(8).keys()].map(worker);
  const watch = watcher();
  await sleep(1500);
  const k = await s.kill9();
  assert.equal(k.signal, 'SIGKILL');
  stop = true;
  await Promise.all([...load, watch]);
  assert.ok(got.length > 50, `the load got only ${got.length} answers before the kill`);
  assert.ok(checkpoints.size > 2, 'checkpoints were published during the load');

  // Restart: the journal recovers from its log; the rows are refilled from it.
  s = await startServer(data, ['--checkpoint-ms', '50']);
  const verified = await vigie(['journal', 'verify', '--data', data]);
  assert.equal(verified.code, 0, verified.stdout + verified.stderr);
  const latest = parseCheckpoint(openNote((await http(s, 'GET', '/journal/checkpoint')).text, V));
  const maxGot = Math.max(...got.map(([i]) => i));
  assert.ok(latest.size > maxGot, `checkpoint size ${latest.size} must cover entry ${maxGot}`);
  for (const [size, root] of checkpoints) {
    const r = await vigieOk(['journal', 'proof', '--from', String(size), '--data', data]);
    const proof = r.stdout.split('\n').filter(Boolean).map((l) => Buffer.from(l, 'base64'));
    assert.ok(verifyConsistency(size, latest.size, root, latest.root, proof),
      `checkpoint ${size} published before the kill is consistent with the one after`);
  }
  // Every answer received is an access its person can see (rows indexed again from the log).
  for (let t = 0; ; t++) {
    const m = /^vigie_journal_index_lag (\d+)$/m.exec((await metricsOf(s)).text);
    if (m && Number(m[1]) === 0) break;
    assert.ok(t < 600, 'the per-person view did not catch up with the journal');
    await sleep(50);
  }
  const seen = new Map();
  for (const a of accounts) {
    const t = await http(s, 'POST', '/auth/insured/login', { body: { login: a.nir, password: a.password } });
    assert.equal(t.status, 200, t.text);
    const idx = new Set();
    for (let before; ;) {
      const r = await http(s, 'GET', `/me/accesses${before ? `?before=${before}` : ''}`, { token: t.json.access_token });
      assert.equal(r.status, 200, r.text);
      for (const x of r.json.accesses) idx.add(x.index);
      if (!r.json.before) break;
      before = r.json.before;
    }
    seen.set(a.nir, idx);
  }
  for (const [i, nir] of got) assert.ok(seen.get(nir).has(i), `answer ${i} (received before the kill) is journaled for its person`);
  assertCleanExit(await s.stop(), s);
});

test('a full disk makes lookups fail closed with 503, and the service recovers when space returns', async (t) => {
  if (process.getuid?.() !== 0) { t.skip('mounting a tmpfs needs root'); return; }
  const data = await seededDataDir({ accounts: 1 });
  const jdir = path.join(data, 'journal');
  const keep = `${jdir}.orig`;
  fs.renameSync(jdir, keep);
  fs.mkdirSync(jdir, { mode: 0o700 });
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m,mode=0700', 'tmpfs', jdir]);
  try {
    fs.cpSync(keep, jdir, { recursive: true });
    const s = await startServer(data, ['--checkpoint-ms', '50']);
    const pros = new Pros(data);
    const token = await pros.login(s);
    const nir = readSample(data)[0].nir;
    assert.equal((await lookup(s, token, nir)).status, 200);
    // Fill the disk to the last byte.
    const filler = path.join(jdir, 'filler');
    try { execFileSync('dd', ['if=/dev/zero', `of=${filler}`, 'bs=4k'], { stdio: 'ignore' }); } catch { /* ENOSPC ends dd */ }
    // The log's last page may still hold a few frames; after that, every lookup is refused.
    let first = -1;
    for (let k = 0; k < 100 && first < 0; k++) if ((await lookup(s, token, nir)).status !== 200) first = k;
    assert.ok(first >= 0, 'lookups kept succeeding on a full disk');
    for (let k = 0; k < 10; k++) {
      const r = await lookup(s, token, nir);
      const o = assertOutcome(r, 503, 'transient');
      assert.match(o.issue[0].diagnostics, /journal/);
      assert.ok(!r.text.includes(nir) && !/"name"|birthDate/.test(r.text), 'a refusal discloses nothing');
      assert.equal(r.headers.get('vigie-journal-entry'), null);
    }
    assert.match(s.stderr(), /journal\.write_failed/);
    fs.rmSync(filler);
    let ok = 0;
    for (let k = 0; k < 10; k++) if ((await lookup(s, token, nir)).status === 200) ok++;
    assert.equal(ok, 10, 'lookups work again once space returns');
    await sleep(300); // a checkpoint after recovery
    assertCleanExit(await s.stop(), s);
    const v = await vigie(['journal', 'verify', '--data', data]);
    assert.equal(v.code, 0, v.stdout + v.stderr);
  } finally {
    try { execFileSync('umount', ['-l', jdir]); } catch { /* already gone */ }
    fs.rmSync(jdir, { recursive: true, force: true });
    fs.renameSync(keep, jdir);
  }
});

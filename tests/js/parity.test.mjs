// parity.test.mjs - the server and `vigie replay` judge with one gate (core/gate.h), one
// geography, one per-account table and one guard: the same sequence of lookups, sent to the
// running server over HTTP and replayed from its own journal with `vigie replay --data`, gets
// the same decision, one for one (issue "Re-house the shell").
import { before } from 'node:test';
import assert from 'node:assert/strict';
import httpc from 'node:http';
import fs from 'node:fs';
import path from 'node:path';

import {
  test, NIR_SYSTEM, seededDataDir, startServer, readSample, readTsv, Pros, http, vigieOk,
  totpAtStep, nowStep, sleep, pinClock, absentNir, badKey, assertCleanExit, journalRecords,
} from './lib.mjs';
import { cardProof, readCardsKey } from './card.mjs';

// In opening hours: a Tuesday afternoon in Paris.
pinClock('2026-12-01T15:00:00+01:00');

let data, server, pros, sample, honey, cards;
const UA = 'LGPI/4.2 (parity)';

before(async () => {
  data = await seededDataDir({ pros: 12, sample: 400 });
  server = await startServer(data);
  pros = new Pros(data);
  sample = readSample(data).filter((r) => r.rank === '0');
  honey = readTsv(path.join(data, 'honeytokens.tsv'));
  cards = readCardsKey(data);
});

const q = (nir) => `/fhir/Patient?identifier=${encodeURIComponent(`${NIR_SYSTEM}|${nir}`)}`;

/** GET from a given loopback address (127.0.0.0/8 all reach the server). */
function getFrom(localAddress, p, headers) {
  return new Promise((resolve, reject) => {
    const req = httpc.request({ host: '127.0.0.1', port: server.port, method: 'GET', path: p, localAddress, headers }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, text: Buffer.concat(chunks).toString() }));
    });
    req.on('error', reject);
    req.end();
  });
}

test('the same lookups get the same decisions from the server and from vigie replay --data', async () => {
  const pharmacist = pros.all.find((p) => p.kind === 'pharmacist') ?? pros.all[0];
  const token = await pros.login(server, pharmacist);
  const sent = []; // what the test sent, in order: one per journaled lookup
  const stepUps = []; // the index in `sent` before which a step-up was given
  let lastStep = pros.lastStep.get(pharmacist.rpps);

  async function look(nir, { from = '127.0.0.1', card = false, found = true, honeytoken = false, dept } = {}) {
    const headers = { authorization: `Bearer ${token}`, 'user-agent': UA };
    if (card) headers['vigie-card-proof'] = cardProof(cards, pharmacist.rpps, nir);
    // Card-less, the NIR and the birth date are stated (a guess for a NIR of nobody).
    const r = await getFrom(from, card ? q(nir) : `${q(nir)}&birthdate=${birth.get(nir) ?? '1980-01-01'}`, headers);
    if (r.headers['vigie-journal-entry'] !== undefined)
      sent.push({ nir, from, card, found, honeytoken, dept, status: r.status, index: Number(r.headers['vigie-journal-entry']) });
    return r;
  }
  async function stepUp() {
    let step = Math.max(nowStep(), lastStep + 1);
    while (step > nowStep() + 1) { await sleep(250); step = Math.max(nowStep(), lastStep + 1); }
    const r = await http(server, 'POST', '/auth/pro/step-up', { token, body: { totp: totpAtStep(pharmacist.totp_secret, step) }, headers: { 'user-agent': UA } });
    lastStep = step;
    assert.equal(r.status, 200, r.text);
    if (r.json.step_up === 'satisfied') stepUps.push(sent.length);
  }

  const taken = new Set(sample.map((r) => r.nir));
  const birth = new Map(sample.filter((r) => r.rank === '0').map((r) => [r.nir, r.birth_date]));
  // Patients at the counter with their card, then card-less ones, some again, with answered
  // step-ups; enumeration (wrong keys, NIRs of nobody), a token used from another address, and
  // last a honeytoken.
  for (const row of sample.slice(0, 3)) await look(row.nir, { card: true, dept: row.dept });
  let answered = 0;
  for (const [k, row] of sample.slice(3, 60).entries()) {
    const r = await look(row.nir, { dept: row.dept });
    if (r.status === 401 && /insufficient_user_authentication/.test(r.headers['www-authenticate'] ?? '') && answered < 1) {
      await stepUp();
      answered++;
    }
    if (k % 9 === 4) await look(sample[3 + k - 2].nir, { dept: sample[3 + k - 2].dept }); // seen again
    if (r.status === 403 || r.status === 429) break;
  }
  for (let i = 0; i < 2; i++) await look(badKey(sample[70 + i].nir), { found: false });
  for (let i = 0; i < 2; i++) await look(absentNir(taken, i + 3), { found: false });
  for (const row of sample.slice(80, 83)) await look(row.nir, { from: '127.0.0.2', dept: row.dept });
  await look(honey[0].nir, { honeytoken: true, dept: honey[0].dept });

  // What the server decided: its access rows, by journal index (flushed once it stops).
  assertCleanExit(await server.stop(), server);
  const rows = new Map();
  for (const x of await journalRecords(data))
    rows.set(x.index, { tMs: Date.parse(x.record.time), decision: x.record.decision });
  assert.equal(sent.length, new Set(sent.map((s) => s.index)).size, 'one journal entry per lookup');
  const decisions = sent.map((s) => rows.get(s.index)?.decision);
  assert.ok(decisions.every((d) => d), 'every lookup is in the access rows');
  // The sequence is worth comparing: it went through the guard's range.
  for (const want of ['allow', 'verify', 'minimise', 'step-up', 'suspend'])
    assert.ok(decisions.includes(want), `the server decided ${want} at least once: ${decisions.join(' ')}`);

  // The same events for vigie replay, at the server's own times; step-ups where they were given.
  const lines = [];
  sent.forEach((s, i) => {
    const t = rows.get(s.index).tMs;
    if (stepUps.includes(i)) lines.push({ t: (t - 1) / 1000, rpps: pharmacist.rpps, action: 'step_up' });
    const ev = { t: t / 1000, rpps: pharmacist.rpps, nir: s.nir, card: s.card, ip: s.from, ua: UA, found: s.found };
    if (s.honeytoken) ev.honeytoken = true;
    if (s.dept) ev.patient_dept = s.dept;
    if (s.from !== '127.0.0.1') ev.token_moved = true;
    lines.push(ev);
  });
  const file = path.join(path.dirname(data), 'parity.jsonl');
  fs.writeFileSync(file, lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
  const out = (await vigieOk(['replay', '--events', file, '--data', data])).stdout.trim().split('\n').map((l) => JSON.parse(l));
  out.pop(); // the summary
  assert.equal(out.length, sent.length);
  const mismatches = [];
  sent.forEach((s, i) => {
    const server = decisions[i], replay = out[i].decision;
    // A wrong key the guard does not refuse gets its 400 ("invalid"): the guard decided below
    // throttle then. A card-less lookup the guard allowed is a verification ("verify"; the
    // replay names the guard's decision, "allow"). Everything else is the same word.
    const same = server === 'invalid' ? ['allow', 'minimise', 'step-up'].includes(replay)
      : server === 'verify' ? replay === 'allow' : server === replay;
    if (!same) mismatches.push(`#${i} ${s.nir} from ${s.from}${s.card ? ' card' : ''}: server ${server}, replay ${replay} (${out[i].reasons})`);
  });
  assert.deepEqual(mismatches, [], 'decisions differ');
});

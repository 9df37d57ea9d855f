// `vigie replay`: the guard over an event stream (DESIGN.md's format). A
// sequential enumeration and a honeytoken hit are suspended; a professional
// seeing their own patients with cards is not; a bad line is named.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test, vigie, makeTmp, withKey } from './lib.mjs';

const lines = (evs) => evs.map((e) => JSON.stringify(e)).join('\n') + '\n';

test('replay suspends enumeration and honeytoken hits, and leaves a legitimate day alone', async () => {
  const dir = await makeTmp();
  const file = path.join(dir, 'events.jsonl');
  const evs = [];
  let t = 1763971200; // Monday 09:00 in Paris
  for (let i = 0; i < 80; i++) {
    t += 200 + ((i * 7919) % 400);
    evs.push({ t, rpps: '10000000001', nir: withKey(`1850775${String(100 + (i % 40)).padStart(3, '0')}${String(1 + i).padStart(3, '0')}`), card: i % 7 !== 0, ip: '10.0.0.1', ua: 'pharmacy' });
  }
  for (let i = 0; i < 30; i++)
    evs.push({ t: t + i, rpps: '10000000002', nir: withKey(`1850775101${String(200 + i).padStart(3, '0')}`), card: false, ip: '203.0.113.9', ua: 'curl' });
  evs.push({ t: t + 100, rpps: '10000000003', nir: withKey('2900175101001'), card: false, ip: '10.0.0.3', ua: 'x', honeytoken: true });
  fs.writeFileSync(file, lines(evs));
  const r = await vigie(['replay', '--events', file]);
  assert.equal(r.code, 0, r.stderr);
  const out = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
  const summary = out.pop().summary;
  assert.equal(summary.events, evs.length);
  assert.equal(summary.accounts, 3);
  assert.equal(summary.suspended_accounts, 2);
  const of = (rpps) => out.filter((d) => evs[d.i].rpps === rpps);
  assert.ok(of('10000000001').every((d) => d.decision === 'allow' || d.decision === 'minimise'), 'the legitimate day is served');
  const enumd = of('10000000002');
  const firstSuspend = enumd.findIndex((d) => d.decision === 'suspend');
  assert.ok(firstSuspend >= 0 && firstSuspend <= 5, `sequential NIRs suspended at ${firstSuspend}`);
  assert.ok(enumd[firstSuspend].reasons.includes('sequential_nir'));
  const h = of('10000000003')[0];
  assert.equal(h.decision, 'suspend');
  assert.deepEqual(h.reasons, ['honeytoken']);
});

test('replay names the first malformed line and stops', async () => {
  const dir = await makeTmp();
  const file = path.join(dir, 'bad.jsonl');
  fs.writeFileSync(file, '{"t":1,"rpps":"1","nir":"185077510100112"}\n{"t":"soon","rpps":"1","nir":"x"}\n');
  const r = await vigie(['replay', '--events', file, '--quiet']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /line 2: t must be unix seconds/);
  const u = await vigie(['replay', '--events', path.join(dir, 'missing.jsonl')]);
  assert.equal(u.code, 1);
  assert.match(u.stderr, /cannot read/);
});

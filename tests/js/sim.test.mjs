// vigie sim: the guard against a month of legitimate traffic and the attacks, in
// simulated time, on a small population. The figures of the full run are in BENCHMARKS.md.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test, vigieOk, makeTmp } from './lib.mjs';

const ARGS = ['--insured', '20000', '--pros', '300', '--quiet'];

test('vigie sim writes a JSON and an HTML report covering every attack of the issue', async () => {
  const dir = await makeTmp('vigie-sim-');
  const out = path.join(dir, 'r1');
  const r = await vigieOk(['sim', ...ARGS, '--out', out]);
  assert.match(r.stdout, /median exposure per stolen account \d+/);
  const j = JSON.parse(fs.readFileSync(path.join(out, 'report.json'), 'utf8'));
  assert.equal(j.population.insured, 20000);
  assert.equal(j.population.days, 30);
  const names = j.attacks.map((a) => a.name);
  for (const want of ['sequential', 'random NIRs', 'leaked list, fast', 'slow, own department', '20 accounts',
    'stolen token', 'card proof replayed', 'credential stuffing'])
    assert.ok(names.some((n) => n.includes(want)), `${want} in ${names}`);
  const by = (s) => j.attacks.find((a) => a.name.includes(s));
  // Enumeration is cut off almost at once and exposes (nearly) nobody.
  for (const s of ['sequential', 'random NIRs']) {
    assert.equal(by(s).suspended_accounts, 1, `${s} suspended`);
    assert.ok(by(s).exposed_total <= 5, `${s}: ${by(s).exposed_total}`);
  }
  assert.equal(by('card proof replayed').exposed_total, 0);
  assert.equal(by('20 accounts').accounts, 20);
  assert.equal(by('20 accounts').per_account.length, 20);
  // Far below the 2022 incident (~27,000 records per account); most slow accounts are cut off
  // (on this small population some run out of people in their department first).
  for (const a of j.attacks.filter((x) => x.accounts > 0))
    assert.ok(a.exposed_max_per_account < 500, `${a.name}: ${a.exposed_max_per_account}`);
  assert.ok(by('20 accounts').suspended_accounts >= 10, `${by('20 accounts').suspended_accounts} of 20 suspended`);
  assert.equal(by('leaked list, fast').suspended_accounts, 1);
  // Stuffing: the address is blocked after a handful of accounts.
  assert.ok(by('stuffing').one_address.password_checks <= 5);
  // Legitimate traffic is mostly with a card; step-ups are rare.
  assert.ok(j.legit.lookups > 100000, `${j.legit.lookups} legitimate lookups`);
  assert.ok(j.legit.card_share > 0.8 && j.legit.card_share < 0.9);
  assert.ok(j.legit.step_ups_per_1000 <= 5, `${j.legit.step_ups_per_1000} step-ups per 1,000`);
  for (const k of ['median_exposure_per_account', 'max_exposure_per_account', 'legit_suspensions', 'legit_step_ups_per_1000'])
    assert.equal(typeof j.targets[k].met, 'boolean');
  const html = fs.readFileSync(path.join(out, 'report.html'), 'utf8');
  assert.match(html, /<svg/);
  assert.match(html, /sequential NIR enumeration/);
  assert.ok(!/\b[12]\d{14}\b/.test(html + JSON.stringify(j)), 'no NIR in the reports');
  // Deterministic: the same seed gives the same report, another seed another one.
  const out2 = path.join(dir, 'r2');
  await vigieOk(['sim', ...ARGS, '--out', out2]);
  assert.equal(fs.readFileSync(path.join(out2, 'report.json'), 'utf8'), fs.readFileSync(path.join(out, 'report.json'), 'utf8'));
  const out3 = path.join(dir, 'r3');
  await vigieOk(['sim', ...ARGS, '--seed', '2', '--out', out3]);
  assert.notEqual(fs.readFileSync(path.join(out3, 'report.json'), 'utf8'), fs.readFileSync(path.join(out, 'report.json'), 'utf8'));
});

test('vigie sim refuses bad arguments', async () => {
  const { vigie } = await import('./lib.mjs');
  for (const a of [['--insured', '5'], ['--pros', '3'], ['--days', '2'], ['--bogus']]) {
    const r = await vigie(['sim', ...a, '--quiet']);
    assert.notEqual(r.code, 0, `${a} refused`);
  }
});

// `vigie replay`: the guard over an event stream (DESIGN.md's format, with
// core/event.h's optional members). Enumeration, a honeytoken hit and a
// leaked list are suspended; a pharmacist's day with their own patients is
// not; bad lines are named (stop, or --skip-bad); step-up lines restore the
// allowance; the account bound is an error; two runs print the same lines.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test, vigie, makeTmp, withKey } from './lib.mjs';

const lines = (evs) => evs.map((e) => JSON.stringify(e)).join('\n') + '\n';
const MONDAY_9H = 1763971200; // 2025-11-24 09:00 in Paris

// A reproducible pseudo-random sequence (no Math.random: the file must be the same every run).
function rng(seed) {
  let s = seed >>> 0;
  return () => { s = (Math.imul(s, 1103515245) + 12345) >>> 0; return s / 2 ** 32; };
}
const pad = (n, w) => String(n).padStart(w, '0');
// Patient k: a valid NIR spread over sexes, births, departments and communes.
function patient(k) {
  const r = rng(k * 7919 + 1);
  let dept = 1 + Math.floor(r() * 95);
  if (dept === 20) dept = 21;
  return withKey(`${1 + Math.floor(r() * 2)}${pad(Math.floor(r() * 100), 2)}${pad(1 + Math.floor(r() * 12), 2)}` +
    `${pad(dept, 2)}${pad(1 + Math.floor(r() * 900), 3)}${pad(1 + Math.floor(r() * 999), 3)}`);
}

const LEGIT = '10000000001', ENUM = '10000000002', HONEY = '10000000003', LIST = '10000000004';

function stream() {
  const r = rng(42);
  const evs = [];
  // A pharmacist's week in Paris: 80 visits a day, 9:00-19:00, 85 % with a card, mostly local.
  for (let day = 0; day < 5; day++) {
    for (let v = 0; v < 80; v++) {
      const t = MONDAY_9H + day * 86400 + v * 450 + Math.floor(r() * 450);
      const who = r() < 0.85 ? Math.floor(r() * 500) : 100000 + day * 100 + v;
      evs.push({ t, rpps: LEGIT, nir: patient(who), card: r() < 0.85, ip: '192.0.2.10', ua: 'LGPI/4.2',
        profession: 'pharmacist', dept: '75', patient_dept: r() < 0.9 ? '75' : r() < 0.8 ? '92' : '13' });
    }
  }
  const t1 = MONDAY_9H + 4 * 86400 + 3600;
  // Sequential enumeration: order numbers one after another, no card, every 2 s.
  for (let i = 0; i < 40; i++)
    evs.push({ t: t1 + 2 * i, rpps: ENUM, nir: withKey(`1850775101${pad(200 + i, 3)}`), card: false,
      ip: '203.0.113.9', ua: 'curl/8.5', found: i % 3 !== 0 });
  // A honeytoken, the first lookup of its account.
  evs.push({ t: t1 + 100, rpps: HONEY, nir: patient(999999), card: false, ip: '203.0.113.7', ua: 'x', honeytoken: true });
  // A leaked list of real people, without cards, every 3-8 s.
  for (let i = 0; i < 200; i++)
    evs.push({ t: t1 + 200 + i * 3 + Math.floor(r() * 5), rpps: LIST, nir: patient(5000000 + i), card: false,
      ip: '198.51.100.4', ua: 'python-requests/2.31', profession: 1, dept: '69', patient_dept: '69' });
  evs.sort((a, b) => a.t - b.t);
  return evs;
}

async function replayFile(evs, args = []) {
  const dir = await makeTmp();
  const file = path.join(dir, 'events.jsonl');
  fs.writeFileSync(file, lines(evs));
  const r = await vigie(['replay', '--events', file, ...args]);
  return { ...r, file };
}

test('replay suspends enumeration, a honeytoken hit and a leaked list, and leaves a pharmacist alone', async () => {
  const evs = stream();
  const r = await replayFile(evs);
  assert.equal(r.code, 0, r.stderr);
  const out = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
  const { summary } = out.pop();
  assert.equal(summary.events, evs.length);
  assert.equal(summary.accounts, 4);
  assert.equal(summary.bad_lines, 0);
  assert.deepEqual([...summary.suspended].sort(), [ENUM, HONEY, LIST]);
  assert.equal(summary.suspended_accounts, 3);
  const total = ['allow', 'minimise', 'step_up', 'throttle', 'deny', 'suspend'].reduce((n, k) => n + summary[k], 0);
  assert.equal(total, evs.length);
  assert.equal(out.length, evs.length);
  for (const d of out) {
    assert.ok(Number.isInteger(d.i) && d.i >= 0 && d.i < evs.length);
    assert.ok(Number.isInteger(d.score));
    assert.ok(Array.isArray(d.reasons));
  }
  const of = (rpps) => out.filter((d) => evs[d.i].rpps === rpps);

  const legit = of(LEGIT);
  assert.equal(legit.length, 400);
  assert.ok(legit.every((d) => d.decision === 'allow' || d.decision === 'minimise'),
    `the legitimate week is served: ${JSON.stringify(legit.filter((d) => d.decision !== 'allow' && d.decision !== 'minimise'))}`);

  const en = of(ENUM);
  const firstSuspend = en.findIndex((d) => d.decision === 'suspend');
  assert.ok(firstSuspend >= 0 && firstSuspend <= 6, `sequential NIRs suspended at ${firstSuspend}`);
  assert.ok(en.slice(0, firstSuspend + 1).some((d) => d.reasons.includes('sequential_nir')));
  assert.ok(en.slice(firstSuspend).every((d) => d.decision === 'suspend'));
  const enExposed = en.filter((d) => (d.decision === 'allow' || d.decision === 'minimise') && evs[d.i].found !== false);
  assert.ok(enExposed.length <= 3, `enumeration exposed ${enExposed.length}`);

  const h = of(HONEY)[0];
  assert.equal(h.decision, 'suspend');
  assert.deepEqual(h.reasons, ['honeytoken']);

  const list = of(LIST);
  const served = list.filter((d) => d.decision === 'allow' || d.decision === 'minimise').length;
  assert.ok(served <= 12, `a leaked list without cards exposed ${served}`);
  const firstStep = list.findIndex((d) => d.decision === 'step-up');
  assert.ok(firstStep > 0 && list[firstStep].reasons.includes('no_card_budget'));
  assert.ok(list.some((d) => d.decision === 'suspend'));
});

test('replay is deterministic, and --quiet prints the summary only', async () => {
  const evs = stream();
  const a = await replayFile(evs);
  const b = await replayFile(evs);
  const strip = (s) => s.replace(/"seconds":[0-9.]+,"events_per_second":[0-9]+/, '');
  assert.equal(strip(a.stdout), strip(b.stdout));
  const q = await replayFile(evs, ['--quiet']);
  assert.equal(q.code, 0, q.stderr);
  const ql = q.stdout.trim().split('\n');
  assert.equal(ql.length, 1);
  assert.equal(JSON.parse(ql[0]).summary.events, evs.length);
});

test('a step-up line gives the account a fresh allowance', async () => {
  const evs = [];
  let t = MONDAY_9H;
  for (let i = 0; i < 40; i++, t += 90) evs.push({ t, rpps: LEGIT, nir: patient(100 + i), card: false, ip: '192.0.2.10', ua: 'LGPI/4.2' });
  const without = await replayFile(evs);
  const dw = without.stdout.trim().split('\n').slice(0, -1).map((l) => JSON.parse(l));
  const k = dw.findIndex((d) => d.decision === 'step-up');
  assert.ok(k > 0, 'the budget runs out');
  assert.equal(dw[k + 1].decision, 'step-up');
  assert.ok(dw[k + 1].reasons.includes('step_up_pending'));
  // The same, with the professional answering the step-up right after it was asked.
  const withStep = [...evs.slice(0, k + 1), { t: evs[k].t + 20, rpps: LEGIT, action: 'step_up' }, ...evs.slice(k + 1)];
  const w = await replayFile(withStep);
  assert.equal(w.code, 0, w.stderr);
  const out = w.stdout.trim().split('\n').map((l) => JSON.parse(l));
  const { summary } = out.pop();
  assert.equal(summary.step_ups_given, 1);
  assert.equal(summary.events, evs.length);
  const after = out.find((d) => d.i === k + 2); // line k+2 is lookup k+1
  assert.ok(after.decision === 'allow' || after.decision === 'minimise', JSON.stringify(after));
});

test('replay names a malformed line: stops by default, skips with --skip-bad', async () => {
  const dir = await makeTmp();
  const file = path.join(dir, 'bad.jsonl');
  const good = (t) => JSON.stringify({ t, rpps: '1', nir: '185077510100112', card: false, ip: 'a', ua: 'b' });
  fs.writeFileSync(file, [good(MONDAY_9H), '{"t":"soon","rpps":"1","nir":"x"}', '', good(MONDAY_9H + 1),
    '{"t":1,"rpps":"1","nir":"x","colour":"red"}', good(MONDAY_9H + 2)].join('\n') + '\n');
  const stop = await vigie(['replay', '--events', file]);
  assert.equal(stop.code, 1);
  assert.match(stop.stderr, /bad\.jsonl: line 2: t must be unix seconds/);
  const sout = stop.stdout.trim().split('\n');
  assert.equal(JSON.parse(sout[0]).i, 0);
  assert.equal(JSON.parse(sout.at(-1)).summary.events, 1);

  const skip = await vigie(['replay', '--events', file, '--skip-bad']);
  assert.equal(skip.code, 0, skip.stderr);
  assert.match(skip.stderr, /line 2: t must be unix seconds/);
  assert.match(skip.stderr, /line 5: unknown member/);
  const out = skip.stdout.trim().split('\n').map((l) => JSON.parse(l));
  const { summary } = out.pop();
  assert.equal(summary.bad_lines, 2);
  assert.equal(summary.events, 3);
  assert.deepEqual(out.map((d) => d.i), [0, 3, 5]); // 0-based line numbers, blank line 3 skipped

  const missing = await vigie(['replay', '--events', path.join(dir, 'missing.jsonl')]);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /cannot read .*missing\.jsonl/);
  const usage = await vigie(['replay']);
  assert.equal(usage.code, 2);
  assert.match(usage.stderr, /usage: vigie replay --events/);
});

test('replay refuses more accounts than its bound, with a clear error', async () => {
  const evs = [1, 2, 3].map((k) => ({ t: MONDAY_9H + k, rpps: `1000000000${k}`, nir: patient(k), card: true, ip: 'a', ua: 'b' }));
  const r = await replayFile(evs, ['--max-accounts', '2']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /line 3: more than 2 accounts \(--max-accounts\)/);
  const big = await replayFile(evs, ['--max-accounts', '1000001']);
  assert.equal(big.code, 1);
  assert.match(big.stderr, /--max-accounts: 1\.\.1000000/);
});

// The guard end to end over HTTP, against the real server (issue 4): the
// attacks that run fast, each from a stolen account that has the password,
// the TOTP secret and a live token; then what operators and professionals see.
import { before } from 'node:test';
import assert from 'node:assert/strict';
import httpc from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import {
  test, NIR_SYSTEM, seededDataDir, startServer, readSample, readTsv, Pros, http, assertOutcome,
  totpAtStep, nowStep, withKey, sleep, pinClock, serviceNowS, raw, operatorLogin, metricsOf, unknownRpps,
  assertCleanExit,
} from './lib.mjs';
import { cardProof, readCardsKey } from './card.mjs';

// The attacks below are judged in opening hours: a Tuesday afternoon in Paris, whatever the
// hour this suite runs at (hours.test.mjs judges the night).
pinClock('2026-12-01T15:00:00+01:00');

let data, server, pros, sample, honey, cards;
const NOCARD = { card: false };

before(async () => {
  data = await seededDataDir({ pros: 16, sample: 800 });
  server = await startServer(data);
  pros = new Pros(data);
  sample = readSample(data).filter((r) => r.rank === '0');
  honey = readTsv(path.join(data, 'honeytokens.tsv'));
  cards = readCardsKey(data);
  birthOf = new Map(sample.map((r) => [r.nir, r.birth_date])); // holders (rank 0)
});

const q = (nir) => `/fhir/Patient?identifier=${encodeURIComponent(`${NIR_SYSTEM}|${nir}`)}`;
const found = (r) => r.status === 200 && r.json.total > 0;
/*
 * A card-less lookup states the birth date (a NIR alone is a 400): the
 * attackers hold leaked NIRs with their birth dates, or guess one from the
 * NIR's year and month (the 15th) for the NIRs they make up.
 */
let birthOf = new Map();
function stated(nir) {
  const mm = Number(nir.slice(3, 5));
  return birthOf.get(nir) ?? `19${nir.slice(1, 3)}-${mm >= 1 && mm <= 12 ? nir.slice(3, 5) : '01'}-15`;
}
const qs = (nir) => `${q(nir)}&birthdate=${stated(nir)}`;

/** A fresh session of the seeded operator (lib.mjs remembers the TOTP steps used). */
const operatorToken = (s = server) => operatorLogin(s);

/** A request from another loopback address (127.0.0.0/8 all reach the server). */
function httpFrom(localAddress, method, p, { token, body, headers = {} } = {}) {
  return new Promise((resolve, reject) => {
    const h = { ...headers };
    if (token) h.authorization = `Bearer ${token}`;
    const b = body === undefined ? undefined : JSON.stringify(body);
    if (b) h['content-type'] = 'application/json';
    const req = httpc.request({ host: '127.0.0.1', port: server.port, method, path: p, localAddress, headers: h }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString();
        let json; try { json = JSON.parse(text); } catch { json = undefined; }
        const headers = new Headers(Object.entries(res.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : String(v)]));
        resolve({ status: res.statusCode, headers, text, json });
      });
    });
    req.on('error', reject);
    if (b) req.write(b);
    req.end();
  });
}

/** Run lookups until the account is refused for good; returns what leaked and when it stopped. */
async function attack(token, pro, nirs, { stepUp = true, maxSteps = 400 } = {}) {
  const exposed = new Set();
  let firstStepUp = -1, suspendedAt = -1, i = 0, minimised = 0;
  let lastStep = pros.lastStep.get(pro.rpps) ?? -1; // the login used a code: each is accepted once
  for (const nir of nirs.slice(0, maxSteps)) {
    let r = await http(server, 'GET', qs(nir), { token, ...NOCARD });
    if (r.status === 401 && /insufficient_user_authentication/.test(r.headers.get('www-authenticate') ?? '')) {
      if (firstStepUp < 0) firstStepUp = i;
      if (!stepUp) break;
      // The attacker has the TOTP secret: it answers the step-up and retries.
      let step = Math.max(nowStep(), lastStep + 1);
      while (step > nowStep() + 1) { await sleep(200); step = Math.max(nowStep(), lastStep + 1); }
      const s = await http(server, 'POST', '/auth/pro/step-up', { token, body: { totp: totpAtStep(pro.totp_secret, step) } });
      lastStep = step;
      pros.lastStep.set(pro.rpps, step);
      if (s.status === 401 || (s.status === 403)) break;
      assert.equal(s.status, 200, s.text);
      r = await http(server, 'GET', qs(nir), { token, ...NOCARD });
    }
    if (r.status === 403 && /suspended/.test(r.text)) { suspendedAt = i; break; }
    if (r.status === 401) break; // token revoked
    if (found(r)) {
      exposed.add(nir);
      if (r.json.entry[0].resource.meta?.security?.some((x) => x.code === 'REDACTED')) minimised++;
    }
    i++;
  }
  return { exposed: exposed.size, firstStepUp, suspendedAt, minimised, tried: i };
}

test('a lookup with a valid card proof is a full lookup; the proof is accepted once', async () => {
  const pro = pros.fresh();
  const token = await pros.login(server, pro);
  const row = sample[0];
  const proof = cardProof(cards, pro.rpps, row.nir);
  const r = await http(server, 'GET', q(row.nir), { token, headers: { 'vigie-card-proof': proof } });
  assert.equal(r.status, 200, r.text);
  const p = r.json.entry[0].resource;
  assert.ok(p.name && p.birthDate.length === 10, 'full answer: name and birth date');
  // The same proof again (a captured proof replayed): refused, nothing sent.
  const again = await http(server, 'GET', q(row.nir), { token, headers: { 'vigie-card-proof': proof } });
  assertOutcome(again, 403);
  assert.match(again.text, /already used|expired|invalid/);
  assert.ok(!again.text.includes(row.family));
  // A proof for someone else, a stale one, a forged one: refused.
  const other = cardProof(cards, pro.rpps, sample[1].nir);
  assertOutcome(await http(server, 'GET', q(row.nir), { token, headers: { 'vigie-card-proof': other } }), 403);
  const stale = cardProof(cards, pro.rpps, row.nir, serviceNowS() - 400);
  assertOutcome(await http(server, 'GET', q(row.nir), { token, headers: { 'vigie-card-proof': stale } }), 403);
  const bound = cardProof(cards, pros.all[pros.all.length - 1].rpps, sample[2].nir); // made for another professional
  assertOutcome(await http(server, 'GET', q(sample[2].nir), { token, headers: { 'vigie-card-proof': bound } }), 403);
  assertOutcome(await http(server, 'GET', q(row.nir), { token, headers: { 'vigie-card-proof': 'v1.12.garbage' } }), 403);
  // Two proofs made in the same second (Patient, then $submit at the counter) differ by their
  // nonce, and each is accepted once.
  const t = serviceNowS();
  const [p1, p2] = [cardProof(cards, pro.rpps, sample[3].nir, t), cardProof(cards, pro.rpps, sample[3].nir, t)];
  assert.notEqual(p1, p2);
  assert.equal((await http(server, 'GET', q(sample[3].nir), { token, headers: { 'vigie-card-proof': p1 } })).status, 200);
  const sub = await http(server, 'POST', '/fhir/CoverageEligibilityRequest/$submit', {
    token, contentType: 'application/fhir+json', headers: { 'vigie-card-proof': p2 }, body: {
      resourceType: 'CoverageEligibilityRequest', status: 'active', purpose: ['benefits'], created: '2026-12-01',
      insurer: { display: 'Assurance Maladie' }, patient: { identifier: { system: NIR_SYSTEM, value: sample[3].nir } },
    },
  });
  assert.ok(sub.status === 200 || sub.status === 422, sub.text); // 422: dependants share the NIR
  assert.notEqual(sub.status, 403, 'the second proof of the same second is not a replay');
  assertOutcome(await http(server, 'GET', q(sample[3].nir), { token, headers: { 'vigie-card-proof': p2 } }), 403);
});

test('card-less lookups: a step-up (RFC 9470) soon, satisfied by a fresh TOTP; every answer before it only verifies', async () => {
  const pro = pros.fresh();
  const token = await pros.login(server, pro);
  let stepUp = null, n = 0;
  for (const row of sample.slice(10, 40)) {
    const r = await http(server, 'GET', `${qs(row.nir)}&_revinclude=Coverage:beneficiary`, { token, ...NOCARD });
    n++;
    if (r.status === 401) { stepUp = r; break; }
    assert.equal(r.status, 200, r.text);
    // The same word whether the guard allowed or minimised it: no gauge of the budget.
    assert.equal(r.headers.get('vigie-guard'), 'verify');
    const pat = r.json.entry.find((e) => e.resource.resourceType === 'Patient').resource;
    assert.equal(pat.name, undefined, 'a verified Patient has no name');
    assert.equal(pat.birthDate, undefined, 'nor the birth date it was asked with');
    assert.ok(pat.meta.security.some((s) => s.code === 'REDACTED'));
    const cov = r.json.entry.find((e) => e.resource.resourceType === 'Coverage');
    assert.ok(cov && cov.resource.status, 'the rights are there: that is what the check needs');
  }
  assert.ok(stepUp, `a step-up within ${n} card-less patients`);
  assert.ok(n <= 20, `step-up after ${n} card-less patients`);
  assert.match(stepUp.headers.get('www-authenticate'), /Bearer .*error="insufficient_user_authentication"/);
  assert.equal(stepUp.json.resourceType, 'OperationOutcome');
  // A wrong code does not satisfy it.
  const bad = await http(server, 'POST', '/auth/pro/step-up', { token, body: { totp: '000000' === totpAtStep(pro.totp_secret, nowStep()) ? '111111' : '000000' } });
  assertOutcome(bad, 401);
  assertOutcome(await http(server, 'POST', '/auth/pro/step-up', { token, body: { totp: 123456 } }), 400);
  // The right one does (a step later than the login's code: each is accepted once).
  let step = (pros.lastStep.get(pro.rpps) ?? nowStep()) + 1;
  while (step > nowStep() + 1) await sleep(250);
  const ok = await http(server, 'POST', '/auth/pro/step-up', { token, body: { totp: totpAtStep(pro.totp_secret, step) } });
  assert.equal(ok.status, 200, ok.text);
  assert.equal(ok.json.step_up, 'satisfied');
  const after = await http(server, 'GET', qs(sample[45].nir), { token, ...NOCARD });
  assert.equal(after.status, 200, after.text);
  // Nobody asked: a code buys nothing.
  step = Math.max(nowStep(), step + 1);
  while (step > nowStep() + 1) await sleep(250);
  const none = await http(server, 'POST', '/auth/pro/step-up', { token, body: { totp: totpAtStep(pro.totp_secret, step) } });
  assert.equal(none.status, 200, none.text);
  assert.equal(none.json.step_up, 'none was asked');
});

test('attack: sequential NIR enumeration is suspended after a handful of records', async () => {
  const pro = pros.fresh();
  const token = await pros.login(server, pro);
  const base = sample[100].nir.slice(0, 10);
  const start = Number(sample[100].nir.slice(10, 13));
  const nirs = [];
  for (let k = 0; k < 300; k++) nirs.push(withKey(base + String((start + k) % 1000).padStart(3, '0')));
  const a = await attack(token, pro, nirs);
  assert.ok(a.suspendedAt >= 0, `suspended (tried ${a.tried})`);
  assert.ok(a.exposed <= 5, `${a.exposed} records exposed`);
  // Suspended: the token is revoked and the password no longer logs in.
  assertOutcome(await http(server, 'GET', q(sample[0].nir), { token }), 401);
  assertOutcome(await pros.loginResponse(server, pro), 401);
});

test('attack: random NIRs with valid keys are suspended with nothing exposed', async () => {
  const pro = pros.fresh();
  const token = await pros.login(server, pro);
  const nirs = [];
  let x = 12345;
  for (let k = 0; k < 300; k++) {
    x = (x * 1103515245 + 12345) % 2147483648;
    const s13 = `${1 + (x % 2)}${String(50 + (x % 50)).padStart(2, '0')}${String(1 + (x % 12)).padStart(2, '0')}75${String(x % 1000).padStart(3, '0')}${String((x >> 10) % 1000).padStart(3, '0')}`;
    nirs.push(withKey(s13));
  }
  const a = await attack(token, pro, nirs);
  assert.ok(a.suspendedAt >= 0 && a.suspendedAt < 60, `suspended after ${a.suspendedAt}`);
  assert.ok(a.exposed <= 2, `${a.exposed} records exposed`);
});

test('attack: a leaked list of real NIRs queried fast, step-ups answered, stops in the tens', async () => {
  const pro = pros.fresh();
  const token = await pros.login(server, pro);
  const list = sample.slice(200).map((r) => r.nir);
  const a = await attack(token, pro, list);
  assert.ok(a.firstStepUp <= 20, `first step-up after ${a.firstStepUp}`);
  assert.ok(a.suspendedAt >= 0, `suspended (tried ${a.tried}, exposed ${a.exposed})`);
  assert.ok(a.exposed <= 60, `${a.exposed} records exposed (2022: ~27,000 per account)`);
});

test('attack: one honeytoken lookup suspends the account at once, disclosing nothing', async () => {
  assert.ok(honey.length > 0, 'the population has honeytokens');
  const pro = pros.fresh();
  const token = await pros.login(server, pro);
  const r = await http(server, 'GET', qs(honey[0].nir), { token, ...NOCARD });
  assertOutcome(r, 403);
  assert.match(r.text, /suspended/);
  assertOutcome(await http(server, 'GET', q(sample[0].nir), { token }), 401);
});

test('attack: a token used from a new address is stepped up at once', async () => {
  const pro = pros.fresh();
  const token = await pros.login(server, pro); // from 127.0.0.1
  const r = await httpFrom('127.0.0.2', 'GET', qs(sample[300].nir), { token });
  assertOutcome(r, 401);
  assert.match(r.headers.get('www-authenticate'), /insufficient_user_authentication/);
});

test('operators: alerts with reasons, reinstatement, and no lookups', async () => {
  const op = await operatorToken();
  const a = await http(server, 'GET', '/admin/alerts', { token: op });
  assert.equal(a.status, 200, a.text);
  assert.ok(a.json.alerts.length >= 3, `${a.json.alerts.length} alerts`);
  const reasons = new Set(a.json.alerts.flatMap((x) => x.reasons));
  for (const want of ['honeytoken', 'sequential_nir']) assert.ok(reasons.has(want), `reason ${want} among ${[...reasons]}`);
  assert.ok(a.json.alerts.every((x) => x.open && x.action === 'suspend' && /^\d{11}$/.test(x.rpps)));
  assert.ok(a.json.suspended.length >= 3);
  assert.ok(!a.text.match(/\b[12]\d{14}\b/), 'no NIR in the alerts');
  // /metrics counts them (an operator's page: the professional below gets a 403).
  const m = await http(server, 'GET', '/metrics', { token: op });
  assert.equal(m.status, 200, m.text);
  assert.match(m.text, /vigie_guard_suspensions_total [3-9]/);
  assert.match(m.text, /vigie_guard_decisions_total\{decision="step-up"\} [1-9]/);
  assert.match(server.stderr(), /"guard\.suspended"/);
  // A professional cannot read alerts; an operator cannot look anyone up.
  const proToken = await pros.login(server);
  assertOutcome(await http(server, 'GET', '/admin/alerts', { token: proToken }), 403);
  assertOutcome(await http(server, 'GET', q(sample[0].nir), { token: op }), 403);
  // Reinstating lifts the suspension: the professional logs in again and is told.
  const rpps = a.json.alerts[0].rpps;
  assertOutcome(await http(server, 'POST', '/admin/reinstate', { token: op, body: { rpps: 'nope' } }), 400);
  const ok = await http(server, 'POST', '/admin/reinstate', { token: op, body: { rpps } });
  assert.equal(ok.status, 200, ok.text);
  assertOutcome(await http(server, 'POST', '/admin/reinstate', { token: op, body: { rpps } }), 409);
  const back = pros.all.find((p) => p.rpps === rpps);
  const t = await pros.login(server, back);
  const notices = await http(server, 'GET', '/auth/pro/notices', { token: t });
  assert.equal(notices.status, 200, notices.text);
  const kinds = notices.json.notices.map((n) => n.kind);
  for (const k of ['suspended', 'reinstated', 'new_client']) assert.ok(kinds.includes(k), `${k} in ${kinds}`);
  const after = await http(server, 'GET', '/admin/alerts', { token: op });
  assert.ok(after.json.alerts.some((x) => x.rpps === rpps && !x.open && x.reinstated_by > 0));
});

test('a login from a new client is a notice for the professional; a known one is not', async () => {
  const pro = pros.fresh();
  const ua = { 'user-agent': 'pharmacy-app/1.0' };
  const login = async (headers) => {
    const { code, step } = await pros.code(pro);
    const r = await http(server, 'POST', '/auth/pro/login', { headers, body: { rpps: pro.rpps, password: pro.password, totp: code } });
    assert.equal(r.status, 200, r.text);
    pros.lastStep.set(pro.rpps, step);
    return r.json.access_token;
  };
  const t1 = await login(ua);
  const n1 = (await http(server, 'GET', '/auth/pro/notices', { token: t1 })).json.notices;
  assert.equal(n1.filter((n) => n.kind === 'new_client').length, 1);
  assert.equal(n1[0].detail.user_agent, 'pharmacy-app/1.0');
  const t2 = await login(ua);
  assert.equal((await http(server, 'GET', '/auth/pro/notices', { token: t2 })).json.notices.length, 1, 'same client: no new notice');
  const t3 = await login({ 'user-agent': 'curl/8.0' });
  assert.equal((await http(server, 'GET', '/auth/pro/notices', { token: t3 })).json.notices.filter((n) => n.kind === 'new_client').length, 2);
  // A user agent that grows six-fold when escaped (200 quotes) is told all the same: a prefix,
  // its length and a hash, never dropped; then it is known.
  const quotes = '"'.repeat(200);
  const t4 = await login({ 'user-agent': quotes });
  const n4 = (await http(server, 'GET', '/auth/pro/notices', { token: t4 })).json.notices.filter((n) => n.kind === 'new_client');
  assert.equal(n4.length, 3, JSON.stringify(n4));
  const q = n4.find((n) => n.detail.user_agent.startsWith('"'));
  assert.ok(q, JSON.stringify(n4));
  assert.equal(q.detail.user_agent, '"'.repeat(48));
  assert.equal(q.detail.user_agent_bytes, 200);
  assert.match(q.detail.client_hash, /^[0-9a-f]{16}$/);
  const t5 = await login({ 'user-agent': quotes });
  assert.equal((await http(server, 'GET', '/auth/pro/notices', { token: t5 })).json.notices.filter((n) => n.kind === 'new_client').length, 3, 'known now');
});

test('credential stuffing: an address failing on many accounts is blocked for guesses, not for its owners or others', async () => {
  const from = '127.0.0.3';
  const statuses = [];
  for (const p of pros.all.slice(0, 8))
    statuses.push((await httpFrom(from, 'POST', '/auth/pro/login', { body: { rpps: p.rpps, password: 'leaked-password-1', totp: '000000' } })).status);
  assert.deepEqual(statuses.slice(0, 5), [401, 401, 401, 401, 401]);
  assert.ok(statuses.slice(5).every((s) => s === 429), `then 429: ${statuses}`);
  // Even the right password from that address waits without the account's current code...
  const pro = pros.fresh();
  const r = await httpFrom(from, 'POST', '/auth/pro/login', { body: { rpps: pro.rpps, password: pro.password, totp: '000000' } });
  assert.equal(r.status, 429);
  assert.ok(Number(r.headers.get('retry-after')) > 60);
  // ...while its owner, with the code, logs in from there; another address is unaffected.
  const { code, step } = await pros.code(pro);
  const ok = await httpFrom(from, 'POST', '/auth/pro/login', { body: { rpps: pro.rpps, password: pro.password, totp: code } });
  assert.equal(ok.status, 200, ok.text);
  pros.lastStep.set(pro.rpps, step);
  await pros.login(server, pros.fresh());
  const m = await metricsOf(server);
  assert.match(m.text, /vigie_login_stuffing_blocks_total 1/);
});

test('many addresses failing on one login lock it, with or without an account behind it: the lock tells nothing', async () => {
  const other = await seededDataDir({ pros: 2 });
  const s = await startServer(other, ['--login-sources-max', '3', '--login-burst', '1000']);
  const from = (host, rpps) => new Promise((resolve, reject) => {
    const b = JSON.stringify({ rpps, password: 'wrong-password-x', totp: '000000' });
    const req = httpc.request({ host: '127.0.0.1', port: s.port, method: 'POST', path: '/auth/pro/login', localAddress: host,
      headers: { 'content-type': 'application/json' } }, (res) => {
      let text = '';
      res.on('data', (d) => { text += d; });
      res.on('end', () => resolve({ status: res.statusCode, text, retry: Number(res.headers['retry-after'] || 0) }));
    });
    req.on('error', reject); req.end(b);
  });
  try {
    const table = readTsv(path.join(other, 'pros.tsv'));
    const real = table[0].rpps;
    const none = unknownRpps({ all: table });
    for (const rpps of [real, none])
      for (let k = 0; k < 4; k++)
        assert.equal((await from(`127.0.1.${k + 1}`, rpps)).status, 401);
    const m = await metricsOf(s);
    assert.match(m.text, /vigie_login_many_sources_locks_total 2/);
    assert.match(s.stderr(), /"login\.many_sources_locked"/);
    // From a fifth address: the same answer for the account and for the login nobody has.
    const a = await from('127.0.1.9', real);
    const b = await from('127.0.1.9', none);
    assert.equal(a.status, 429, a.text);
    assert.equal(b.status, a.status, b.text);
    assert.equal(b.text, a.text);
    assert.ok(Math.abs(a.retry - b.retry) <= 2, `${a.retry} ${b.retry}`);
  } finally {
    await s.stop();
  }
});

test('the guard state of a suspension outlives a restart (the store holds it)', async () => {
  const op = await operatorToken();
  const before = (await http(server, 'GET', '/admin/alerts', { token: op })).json.suspended.map((x) => x.rpps);
  assert.ok(before.length > 0);
  const r = await server.stop();
  assert.equal(r.code, 0);
  server = await startServer(data);
  const op2 = await operatorToken();
  const after = (await http(server, 'GET', '/admin/alerts', { token: op2 })).json.suspended.map((x) => x.rpps);
  assert.deepEqual(after.sort(), before.sort());
  const still = pros.all.find((p) => p.rpps === after[0]);
  assertOutcome(await pros.loginResponse(server, still), 401);
  assert.ok(fs.existsSync(path.join(data, 'honeytokens.tsv')));
});

test('a card proof used before a restart is refused after it (the memory of used proofs starts again at each start)', async () => {
  const pro = pros.fresh();
  const token = await pros.login(server, pro);
  const row = sample[5];
  // Made a second ago, so that the restart below is certainly later than it.
  const proof = cardProof(cards, pro.rpps, row.nir, serviceNowS() - 1);
  const first = await http(server, 'GET', q(row.nir), { token, headers: { 'vigie-card-proof': proof } });
  assert.equal(first.status, 200, first.text);
  assert.ok(first.json.entry[0].resource.birthDate, 'a full answer');
  assertCleanExit(await server.stop(), server);
  server = await startServer(data);
  // The session outlives the restart (the store holds it); the used proof does not pass again.
  const replay = await http(server, 'GET', q(row.nir), { token, headers: { 'vigie-card-proof': proof } });
  assertOutcome(replay, 403);
  assert.ok(!replay.text.includes(row.family), 'nothing of the person');
  // A proof the card makes now is a full lookup again.
  const fresh = await http(server, 'GET', q(row.nir), { token, headers: { 'vigie-card-proof': cardProof(cards, pro.rpps, row.nir) } });
  assert.equal(fresh.status, 200, fresh.text);
  assert.ok(fresh.json.entry[0].resource.birthDate, 'a full answer');
});

test('an operator endpoint has one spelling: %00, escaped letters or slashes route nowhere', async () => {
  const op = await operatorToken();
  const get = (target) => raw(server, [`GET ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${op}\r\nConnection: close\r\n\r\n`]);
  assert.equal((await get('/admin/alerts')).status, 200, 'control: the plain spelling');
  for (const t of ['/admin/alerts%00', '/admin/alerts%00.css', '/%61dmin/alerts', '/admin/%61lerts',
    '/admin%2Falerts', '/admin/alerts%2f', '/admin/alert%73', '/admin/alerts%0a', '/%41dmin/alerts']) {
    const r = await get(t);
    assert.equal(r.status, 404, `${t}: ${r.text}`);
    assert.match(r.text, /OperationOutcome/);
  }
});

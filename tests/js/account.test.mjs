// account.test.mjs - the insured person's own account (issue 14), against the real server:
// enrolment by a letter's code, NIST passwords refused then accepted, a second factor (TOTP
// and recovery codes), the activity list and sessions, my record as FHIR and the GDPR
// export, opposing a lost card (proofs refused, even after a restart), locking the
// account, blocking a professional, alerts at every access, misuse reports for operators;
// and, for each, the hostile or malformed requests that must change nothing.
import { before } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import {
  test, NIR_SYSTEM, seededDataDir, startServer, readSample, readAccounts, readTsv, Pros, http,
  assertOutcome, totpAtStep, nowStep, sleep, pinClock, vigie, makeTmp, clockOffsetS,
} from './lib.mjs';
import { cardProof, readCardsKey } from './card.mjs';

// Lookups in opening hours, a Tuesday afternoon in Paris, whatever the hour the suite runs.
pinClock('2026-12-01T15:00:00+01:00');

let data, server, pros, sample, operator, cards, letters;
const GOOD = 'violon mardi tulipe orageuse';
const GOOD2 = 'girafe lanterne parapluie soleil couchant';
const q = (nir) => `/fhir/Patient?identifier=${encodeURIComponent(`${NIR_SYSTEM}|${nir}`)}`;
const OFFSET = () => ['--clock-offset', String(clockOffsetS())];

// People under a NIR of their own (no dependants), without an account, for enrolment.
let solo;
// TOTP steps used per secret: a code is accepted once.
const lastStep = new Map();
async function code(secret) {
  let step = Math.max(nowStep(), (lastStep.get(secret) ?? -1) + 1);
  while (step > nowStep() + 1) { await sleep(250); step = Math.max(nowStep(), (lastStep.get(secret) ?? -1) + 1); }
  lastStep.set(secret, step);
  return totpAtStep(secret, step);
}

let opStep = -1;
async function operatorToken() {
  let step = Math.max(nowStep(), opStep + 1);
  while (step > nowStep() + 1) { await sleep(250); step = Math.max(nowStep(), opStep + 1); }
  opStep = step;
  const r = await http(server, 'POST', '/auth/pro/login',
    { body: { rpps: operator.rpps, password: operator.password, totp: totpAtStep(operator.totp_secret, step) } });
  assert.equal(r.status, 200, r.text);
  return r.json.access_token;
}

/** An activation (or reset) letter for nir: its code, read from `vigie enrol --print-code`. */
async function letter(nir, extra = []) {
  const r = await vigie(['enrol', '--data', data, '--nir', nir, '--out', letters, '--print-code', ...OFFSET(), ...extra]);
  assert.equal(r.code, 0, `vigie enrol failed: ${r.stderr}`);
  const m = /code: ([0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4})/.exec(r.stdout);
  assert.ok(m, `no code printed: ${r.stdout}`);
  return m[1];
}

const login = (body, headers = {}) => http(server, 'POST', '/auth/insured/login', { body, headers });
async function loginOk(nir, password, extra = {}, headers = {}) {
  const r = await login({ login: nir, password, ...extra }, headers);
  assert.equal(r.status, 200, r.text);
  return r.json.access_token;
}
const me = (token, method, p, body) => http(server, method, p, { token, body, card: false });
/** /me/accesses once pred holds of its list: the indexer files accesses a moment after they leave. */
async function accessesWhen(token, pred) {
  let list;
  for (let i = 0; i < 40; i++) {
    list = await me(token, 'GET', '/me/accesses');
    assert.equal(list.status, 200, list.text);
    if (pred(list.json.accesses)) break;
    await sleep(250);
  }
  return list;
}

before(async () => {
  data = await seededDataDir({ pros: 14, sample: 3000, accounts: 3 });
  server = await startServer(data);
  pros = new Pros(data);
  sample = readSample(data);
  operator = readTsv(path.join(data, 'operators.tsv'))[0];
  cards = readCardsKey(data);
  letters = await makeTmp('vigie-letters-');
  const withAccount = new Set(readAccounts(data).map((a) => a.nir));
  const count = new Map();
  for (const r of sample) count.set(r.nir, (count.get(r.nir) ?? 0) + 1);
  solo = sample.filter((r) => r.rank === '0' && count.get(r.nir) === 1 && !withAccount.has(r.nir));
  assert.ok(solo.length >= 8, 'the sample has people of their own number');
});

test('enrolment by post: a letter code activates the account once; bad codes and weak passwords change nothing', async () => {
  const p = solo[0];
  const c = await letter(p.nir);
  // Malformed bodies and codes: 400, nothing used up.
  assertOutcome(await http(server, 'POST', '/auth/insured/activate', { body: '{"nir":', contentType: 'application/json' }), 400, 'invalid');
  assertOutcome(await http(server, 'POST', '/auth/insured/activate', { body: { nir: p.nir, code: c } }), 400, 'invalid');
  assertOutcome(await http(server, 'POST', '/auth/insured/activate',
    { body: { nir: p.nir, code: c, password: GOOD, accountId: 1 } }), 400, 'invalid');
  assertOutcome(await http(server, 'POST', '/auth/insured/activate', { body: { nir: p.nir, code: 'not a code!', password: GOOD } }), 400, 'invalid');
  assertOutcome(await http(server, 'POST', '/auth/insured/activate', { body: { nir: '12345', code: c, password: GOOD } }), 400, 'invalid');
  // A wrong code of the right shape: 401, counted.
  assertOutcome(await http(server, 'POST', '/auth/insured/activate', { body: { nir: p.nir, code: 'AAAA-BBBB-CCCC', password: GOOD } }), 401, 'security');
  // The right code with passwords NIST SP 800-63B refuses: each with its reason, the code still good.
  const weak = [
    ['court', 'too-short'],
    ['motdepassemotdepasse', null],
    ['aaaaaaaaaaaaaaaaaaaa', 'repetitive'],
    [`${p.family.toLowerCase()}${p.birth_date.replaceAll('-', '')}`, null],
  ];
  for (const [pw, why] of weak) {
    const r = await http(server, 'POST', '/auth/insured/activate', { body: { nir: p.nir, code: c, password: pw } });
    assertOutcome(r, 400, 'invalid');
    assert.match(r.json.issue[0].diagnostics, /password refused/);
    if (why) assert.match(r.json.issue[0].diagnostics, new RegExp(`\\(${why}\\)`));
  }
  // Then a good one: 201 with a session.
  const ok = await http(server, 'POST', '/auth/insured/activate', { body: { nir: p.nir, code: c, password: GOOD } });
  assert.equal(ok.status, 201, ok.text);
  assert.ok(ok.json.access_token);
  // The code is used up; a second activation is refused.
  assertOutcome(await http(server, 'POST', '/auth/insured/activate', { body: { nir: p.nir, code: c, password: GOOD } }), 401, 'security');
  const token = await loginOk(p.nir, GOOD);
  const acc = await me(token, 'GET', '/me/account');
  assert.equal(acc.status, 200, acc.text);
  assert.equal(acc.json.secondFactor.on, false);
  assert.equal(acc.json.card.state, 'active');
  // The activation is in the journal, under the person: /me/accesses shows it.
  const list = await accessesWhen(token, (as) => as.some((a) => a.route === 'account.activate'));
  assert.ok(list.json.accesses.some((a) => a.route === 'account.activate'), list.text);
  // A new letter while an account exists is refused by the command.
  const again = await vigie(['enrol', '--data', data, '--nir', p.nir, '--out', letters, '--print-code', ...OFFSET()]);
  assert.notEqual(again.code, 0);
});

test('a code dies after 5 wrong guesses, and a new letter kills the old code', async () => {
  const p = solo[1];
  const first = await letter(p.nir);
  const second = await letter(p.nir);
  assertOutcome(await http(server, 'POST', '/auth/insured/activate', { body: { nir: p.nir, code: first, password: GOOD } }), 401, 'security');
  for (let i = 0; i < 5; i++)
    assertOutcome(await http(server, 'POST', '/auth/insured/activate', { body: { nir: p.nir, code: 'ZZZZ-ZZZZ-ZZZ' + i, password: GOOD } }), 401, 'security');
  // The second code was good, but five wrong guesses killed it.
  assertOutcome(await http(server, 'POST', '/auth/insured/activate', { body: { nir: p.nir, code: second, password: GOOD } }), 401, 'security');
  const third = await letter(p.nir);
  const ok = await http(server, 'POST', '/auth/insured/activate', { body: { nir: p.nir, code: third, password: GOOD } });
  assert.equal(ok.status, 201, ok.text);
});

test('password change: refused without the current password or for a weak one, then accepted; other sessions end', async () => {
  const p = solo[2];
  const c = await letter(p.nir);
  const a = await http(server, 'POST', '/auth/insured/activate', { body: { nir: p.nir, code: c, password: GOOD } });
  assert.equal(a.status, 201, a.text);
  const t1 = await loginOk(p.nir, GOOD);
  const t2 = await loginOk(p.nir, GOOD);
  assertOutcome(await me(t1, 'POST', '/me/password', { current: 'wrong wrong wrong', new: GOOD2 }), 403, 'security');
  const weak = await me(t1, 'POST', '/me/password', { current: GOOD, new: 'azertyuiop123' });
  assertOutcome(weak, 400, 'invalid');
  assert.match(weak.json.issue[0].diagnostics, /too-short|common|repetitive/);
  assertOutcome(await me(t1, 'POST', '/me/password', { current: GOOD, new: GOOD }), 400, 'invalid');
  assertOutcome(await me(t1, 'POST', '/me/password', { current: GOOD }), 400, 'invalid');
  const ok = await me(t1, 'POST', '/me/password', { current: GOOD, new: GOOD2 });
  assert.equal(ok.status, 200, ok.text);
  assert.equal((await me(t2, 'GET', '/me/account')).status, 401, 'the other session ended');
  assert.equal((await me(t1, 'GET', '/me/account')).status, 200, 'this session goes on');
  assertOutcome(await login({ login: p.nir, password: GOOD }), 401, 'security');
  await loginOk(p.nir, GOOD2);
  const act = await me(t1, 'GET', '/me/activity');
  const kinds = act.json.events.map((e) => e.kind);
  for (const k of ['password_changed', 'login', 'login_failed', 'activated'])
    assert.ok(kinds.includes(k), `${k} in ${kinds}`);
  // The client that activated with the letter's code is the person's own: no "new client".
  assert.ok(!kinds.includes('new_client'), `no new_client in ${kinds}`);
});

test('five wrong current passwords from a session end every session of the account', async () => {
  const p = solo[3];
  const c = await letter(p.nir);
  assert.equal((await http(server, 'POST', '/auth/insured/activate', { body: { nir: p.nir, code: c, password: GOOD } })).status, 201);
  const t = await loginOk(p.nir, GOOD);
  for (let i = 0; i < 4; i++)
    assertOutcome(await me(t, 'POST', '/me/password', { current: `guess number ${i} ${i}`, new: GOOD2 }), 403, 'security');
  assertOutcome(await me(t, 'POST', '/me/password', { current: 'guess number five', new: GOOD2 }), 401, 'security');
  assert.equal((await me(t, 'GET', '/me/account')).status, 401);
});

test('second factor: TOTP with an otpauth URI and a QR code, recovery codes once each, asked at login', async () => {
  const p = solo[4];
  const c = await letter(p.nir);
  assert.equal((await http(server, 'POST', '/auth/insured/activate', { body: { nir: p.nir, code: c, password: GOOD } })).status, 201);
  const t = await loginOk(p.nir, GOOD);
  assertOutcome(await me(t, 'POST', '/me/totp', { password: 'not the password' }), 403, 'security');
  const start = await me(t, 'POST', '/me/totp', { password: GOOD });
  assert.equal(start.status, 200, start.text);
  assert.match(start.json.otpauth, /^otpauth:\/\/totp\/vigie:[^?]+\?secret=[A-Z2-7]{32}&issuer=vigie/);
  assert.ok(start.json.qrSvg.startsWith('<svg') && start.json.qrSvg.includes('<path'), 'a QR code as SVG');
  assert.ok(!start.json.otpauth.includes(p.nir), 'the URI does not name the NIR');
  const secret = start.json.secret;
  assertOutcome(await me(t, 'POST', '/me/totp/confirm', { totp: '12345' }), 400, 'invalid');
  // A code of no step near now (it costs no step of the ones used below).
  const near = new Set([-1, 0, 1].map((d) => totpAtStep(secret, nowStep() + d)));
  let wrong = '000000';
  while (near.has(wrong)) wrong = String(Number(wrong) + 1).padStart(6, '0');
  assertOutcome(await me(t, 'POST', '/me/totp/confirm', { totp: wrong }), 403, 'security');
  const conf = await me(t, 'POST', '/me/totp/confirm', { totp: await code(secret) });
  assert.equal(conf.status, 200, conf.text);
  const rec = conf.json.recoveryCodes;
  assert.equal(rec.length, 10);
  assert.equal(new Set(rec).size, 10);
  // Login now needs the code: without it, or wrong, the same 401.
  assertOutcome(await login({ login: p.nir, password: GOOD }), 401, 'security');
  assertOutcome(await login({ login: p.nir, password: GOOD, secondFactor: wrong }), 401, 'security');
  await loginOk(p.nir, GOOD, { secondFactor: await code(secret) });
  // A recovery code works once.
  await loginOk(p.nir, GOOD, { secondFactor: rec[0].toLowerCase().replaceAll('-', ' ') });
  assertOutcome(await login({ login: p.nir, password: GOOD, secondFactor: rec[0] }), 401, 'security');
  const acc = await me(t, 'GET', '/me/account');
  assert.equal(acc.json.secondFactor.on, true);
  assert.equal(acc.json.secondFactor.recoveryCodesLeft, 9);
  // With a second factor, 8 characters are enough (NIST); the change needs the code.
  assertOutcome(await me(t, 'POST', '/me/password', { current: GOOD, new: 'Kq8#zWm2Lp' }), 403, 'security');
  const short = await me(t, 'POST', '/me/password', { current: GOOD, new: 'Kq8#zWm2Lp', secondFactor: rec[2] });
  assert.equal(short.status, 200, short.text);
  // ...but then the second factor cannot be turned off before a long password is set.
  assertOutcome(await me(t, 'POST', '/me/totp/disable', { password: 'Kq8#zWm2Lp' }), 400, 'invalid');
  const off = await me(t, 'POST', '/me/totp/disable', { password: 'Kq8#zWm2Lp', secondFactor: rec[3] });
  assertOutcome(off, 409, 'business-rule');
  const long = await me(t, 'POST', '/me/password', { current: 'Kq8#zWm2Lp', new: GOOD2, secondFactor: rec[1] });
  assert.equal(long.status, 200, long.text);
  const off2 = await me(t, 'POST', '/me/totp/disable', { password: GOOD2, secondFactor: await code(secret) });
  assert.equal(off2.status, 200, off2.text);
  await loginOk(p.nir, GOOD2);
  const kinds = (await me(t, 'GET', '/me/activity')).json.events.map((e) => e.kind);
  for (const k of ['totp_on', 'totp_off', 'recovery_used']) assert.ok(kinds.includes(k), `${k} in ${kinds}`);
});

test('activity: logins with their client, open sessions, and ending one or all', async () => {
  const p = solo[5];
  const c = await letter(p.nir);
  const act0 = await http(server, 'POST', '/auth/insured/activate', { body: { nir: p.nir, code: c, password: GOOD } });
  assert.equal(act0.status, 201, act0.text);
  const t0 = act0.json.access_token; // activation opens a session too
  assert.ok(t0);
  const t1 = await loginOk(p.nir, GOOD, {}, { 'user-agent': 'Firefox/140 (test)' });
  const t2 = await loginOk(p.nir, GOOD, {}, { 'user-agent': 'x'.repeat(200).replaceAll('x', '"') });
  const t3 = await loginOk(p.nir, GOOD);
  assertOutcome(await login({ login: p.nir, password: 'wrong password here' }), 401, 'security');
  const act = await me(t1, 'GET', '/me/activity');
  assert.equal(act.status, 200, act.text);
  const ev = act.json.events;
  assert.ok(ev.some((e) => e.kind === 'login_failed' && e.detail.ip === '127.0.0.1'));
  // A user agent of 200 quotes is recorded (a prefix and a hash), never dropped.
  const quotes = ev.filter((e) => e.kind === 'new_client' && e.detail.client.startsWith('"'));
  assert.equal(quotes.length, 1, JSON.stringify(ev.map((e) => e.detail)));
  assert.match(quotes[0].detail.clientHash, /^[0-9a-f]{16}$/);
  assert.ok(ev.some((e) => e.kind === 'new_client' && e.detail.client === 'Firefox/140 (test)'));
  const sessions = act.json.sessions;
  assert.equal(sessions.length, 4, `${sessions.length} sessions: activation's and three logins`);
  assert.equal(sessions.filter((s) => s.current).length, 1);
  const other = sessions.find((s) => !s.current);
  assertOutcome(await me(t1, 'POST', '/me/sessions/revoke', {}), 400, 'invalid');
  assertOutcome(await me(t1, 'POST', '/me/sessions/revoke', { session: other.id, all: true }), 400, 'invalid');
  assertOutcome(await me(t1, 'POST', '/me/sessions/revoke', { session: '0000000000000000' }), 404, 'not-found');
  assertOutcome(await me(t1, 'POST', '/me/sessions/revoke', { all: 'yes' }), 400, 'invalid');
  const one = await me(t1, 'POST', '/me/sessions/revoke', { session: other.id });
  assert.equal(one.status, 200, one.text);
  assert.equal(one.json.sessions, 1);
  const alive = await Promise.all([t0, t2, t3].map(async (t) => (await me(t, 'GET', '/me/account')).status));
  assert.equal(alive.filter((s) => s === 401).length, 1, `exactly one of the others ended: ${alive}`);
  assert.equal(alive.filter((s) => s === 200).length, 2, `the two others live on: ${alive}`);
  assert.equal((await me(t1, 'GET', '/me/account')).status, 200, 'the current session lives on');
  const after = await me(t1, 'GET', '/me/activity');
  assert.ok(!after.json.sessions.some((s) => s.id === other.id), 'the ended session is no longer listed');
  const all = await me(t1, 'POST', '/me/sessions/revoke', { all: true });
  assert.equal(all.status, 200);
  for (const t of [t0, t1, t2, t3]) assert.equal((await me(t, 'GET', '/me/account')).status, 401);
});

test('my record as FHIR (Patient and Coverage, with my dependants), and the export, journaled before they leave', async () => {
  const acc = readAccounts(data)[0];
  const t = await loginOk(acc.nir, acc.password);
  const r = await me(t, 'GET', '/me');
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.resourceType, 'Bundle');
  const patients = r.json.entry.filter((e) => e.resource.resourceType === 'Patient');
  const coverages = r.json.entry.filter((e) => e.resource.resourceType === 'Coverage');
  const under = sample.filter((s) => s.nir === acc.nir);
  assert.equal(patients.length, under.length, 'me and everyone under my number');
  assert.equal(coverages.length, under.length);
  assert.ok(patients.some((e) => e.resource.name[0].family === acc.family));
  assert.ok(Number(r.headers.get('vigie-journal-entry')) >= 0, 'journaled');
  const ex = await me(t, 'POST', '/me/export', {});
  assert.equal(ex.status, 200, ex.text);
  assert.equal(ex.json.record.resourceType, 'Bundle');
  assert.equal(ex.json.contacts.length, under.length);
  assert.ok(ex.json.contacts.some((x) => x.email === acc.email));
  assert.ok(Array.isArray(ex.json.events) && Array.isArray(ex.json.accesses));
  const has = (as) => ['me', 'me.export'].every((x) => as.some((a) => a.route === x));
  const list = await accessesWhen(t, has);
  const routes = list.json.accesses.map((a) => a.route);
  assert.ok(routes.includes('me') && routes.includes('me.export'), routes.join());
  assertOutcome(await me(t, 'POST', '/me/export', { accountId: 2 }), 400, 'invalid');
});

test('opposition: a lost card is refused at once and after a restart; card-less lookups of me get extra care', async () => {
  const acc = readAccounts(data)[1];
  const t = await loginOk(acc.nir, acc.password);
  const pA = pros.fresh();
  const tA = await pros.login(server, pA);
  const full = await http(server, 'GET', q(acc.nir), { token: tA, headers: { 'vigie-card-proof': cardProof(cards, pA.rpps, acc.nir) } });
  assert.equal(full.status, 200, full.text);
  assert.equal(full.headers.get('vigie-guard'), null);
  assertOutcome(await me(t, 'POST', '/me/card/oppose', '{"card":"x"}'), 415);
  const op = await me(t, 'POST', '/me/card/oppose', {});
  assert.equal(op.status, 200, op.text);
  assertOutcome(await me(t, 'POST', '/me/card/oppose', {}), 409, 'business-rule');
  assert.equal((await me(t, 'GET', '/me/account')).json.card.state, 'opposed');
  const refused = await http(server, 'GET', q(acc.nir), { token: tA, headers: { 'vigie-card-proof': cardProof(cards, pA.rpps, acc.nir) } });
  assertOutcome(refused, 403, 'security');
  // Without the card: a verification (as every card-less lookup), and the person is told.
  const pB = pros.fresh();
  const tB = await pros.login(server, pB);
  const holderBirth = sample.find((s) => s.nir === acc.nir && s.rank === '0').birth_date;
  const careless = await http(server, 'GET', `${q(acc.nir)}&birthdate=${holderBirth}`, { token: tB, card: false });
  assert.equal(careless.status, 200, careless.text);
  assert.equal(careless.headers.get('vigie-guard'), 'verify');
  assert.equal(careless.json.entry[0].resource.name, undefined);
  // A restart forgets nothing: the old card's proofs stay refused.
  await server.stop();
  server = await startServer(data);
  const tA2 = await pros.login(server, pA);
  const after = await http(server, 'GET', q(acc.nir), { token: tA2, headers: { 'vigie-card-proof': cardProof(cards, pA.rpps, acc.nir) } });
  assertOutcome(after, 403, 'security');
  // An operator issues a new card key; its proofs work.
  const opTok = await operatorToken();
  const issued = await http(server, 'POST', '/admin/insured/card', { token: opTok, body: { nir: acc.nir, birthDate: sample.find((s) => s.nir === acc.nir && s.rank === '0').birth_date } });
  assert.equal(issued.status, 200, issued.text);
  assert.match(issued.json.publicKey, /^[A-Za-z0-9_-]{43}$/);
  assertOutcome(await http(server, 'POST', '/admin/insured/card', { token: tA2, body: { nir: acc.nir } }), 403, 'forbidden');
  for (const body of [{ nir: '12345' }, { nir: acc.nir, birthDate: '1er mai' }, { nir: acc.nir, card: 'x' }, {}])
    assertOutcome(await http(server, 'POST', '/admin/insured/card', { token: opTok, body }), 400, 'invalid');
  assertOutcome(await http(server, 'POST', '/admin/insured/card', { token: opTok, body: { nir: solo[7].nir, birthDate: '1901-01-01' } }), 404, 'not-found');
  const t2 = await loginOk(acc.nir, acc.password);
  const kinds = (await me(t2, 'GET', '/me/activity')).json.events.map((e) => e.kind);
  assert.ok(kinds.includes('card_opposed'), kinds.join());
  assert.ok(kinds.includes('access_careful'), `the card-less lookup was told: ${kinds.join()}`);
});

test('blocking a professional: their lookup answers as if I had no record, the attempt is journaled and shown to me', async () => {
  const acc = readAccounts(data)[2];
  const t = await loginOk(acc.nir, acc.password);
  const pA = pros.fresh();
  const pB = pros.fresh();
  const tA = await pros.login(server, pA);
  const tB = await pros.login(server, pB);
  assertOutcome(await me(t, 'POST', '/me/blocks', { rpps: '12345678901' }), 400, 'invalid');
  assertOutcome(await me(t, 'POST', '/me/blocks', { rpps: 'abc' }), 400, 'invalid');
  assertOutcome(await me(t, 'POST', '/me/blocks', { rpps: operator.rpps }), 404, 'not-found');
  const b = await me(t, 'POST', '/me/blocks', { rpps: pA.rpps });
  assert.equal(b.status, 200, b.text);
  const list = await me(t, 'GET', '/me/blocks');
  assert.deepEqual(list.json.blocks.map((x) => x.rpps), [pA.rpps]);
  const under = sample.filter((s) => s.nir === acc.nir);
  const holder = under.find((s) => s.rank === '0');
  const stated = (row) => `${q(row.nir)}&birthdate=${row.birth_date}`;
  // A, card-less, states the holder: nobody (A's card lookup too: the holder is not there).
  const blocked = await http(server, 'GET', stated(holder), { token: tA, card: false });
  assert.equal(blocked.status, 200, blocked.text);
  assert.equal(blocked.json.total, 0);
  const carded = await http(server, 'GET', q(acc.nir), { token: tA });
  assert.ok(carded.status === 200 || carded.status === 403, carded.text);
  assert.ok(!carded.text.includes(holder.family), 'the holder is not in the answer');
  // Dependants who did not block A still show, when stated.
  for (const dep of under.filter((s) => s.rank !== '0' && under.filter((x) => x.birth_date === s.birth_date).length === 1))
    assert.equal((await http(server, 'GET', stated(dep), { token: tA, card: false })).json.total, 1);
  const seen = await http(server, 'GET', q(acc.nir), { token: tB });
  assert.equal(seen.json.total, 1);
  assert.equal(seen.json.entry[0].resource.name[0].family, holder.family);
  // $submit of the holder by A: 404, as for nobody.
  const sub = await http(server, 'POST', '/fhir/CoverageEligibilityRequest/$submit', {
    token: tA, contentType: 'application/fhir+json', card: false,
    body: { resourceType: 'CoverageEligibilityRequest', status: 'active', purpose: ['validation'], created: '2026-12-01',
      patient: { reference: '#p' }, contained: [{ resourceType: 'Patient', id: 'p', identifier: [{ system: NIR_SYSTEM, value: acc.nir }], birthDate: holder.birth_date }],
      insurer: { display: 'x' } },
  });
  assertOutcome(sub, 404, 'not-found');
  const acc2 = await accessesWhen(t, (as) => as.some((a) => a.professional.rpps === pA.rpps && a.route === '$submit'));
  const mine = acc2.json.accesses.filter((a) => a.professional.rpps === pA.rpps);
  assert.ok(mine.length >= 1, acc2.text);
  assert.ok(mine.some((a) => a.route === '$submit' && a.decision === 'blocked'), JSON.stringify(mine));
  if (under.length === 1) assert.ok(mine.every((a) => a.decision === 'blocked'), JSON.stringify(mine));
  assertOutcome(await me(t, 'POST', '/me/blocks/remove', { rpps: 'abc' }), 400, 'invalid');
  assertOutcome(await me(t, 'POST', '/me/blocks/remove', { rpps: pA.rpps, all: true }), 400, 'invalid');
  assertOutcome(await me(t, 'POST', '/me/blocks/remove', { rpps: operator.rpps }), 404, 'not-found');
  assert.deepEqual((await me(t, 'GET', '/me/blocks')).json.blocks.map((x) => x.rpps), [pA.rpps], 'nothing changed');
  const un = await me(t, 'POST', '/me/blocks/remove', { rpps: pA.rpps });
  assert.equal(un.status, 200);
  assert.deepEqual((await me(t, 'GET', '/me/blocks')).json.blocks, []);
  const again = await http(server, 'GET', stated(holder), { token: tA, card: false });
  assert.equal(again.json.total, 1);
});

test('alerts at every access, and a misuse report that operators see linked to the access', async () => {
  const acc = readAccounts(data)[0];
  const t = await loginOk(acc.nir, acc.password);
  assertOutcome(await me(t, 'POST', '/me/alerts', { everyAccess: 'yes' }), 400, 'invalid');
  const on = await me(t, 'POST', '/me/alerts', { everyAccess: true });
  assert.equal(on.status, 200, on.text);
  const p = pros.fresh();
  const tp = await pros.login(server, p);
  assert.equal((await http(server, 'GET', q(acc.nir), { token: tp })).status, 200);
  const list = await accessesWhen(t, (as) => as.some((a) => a.professional.rpps === p.rpps));
  const ex = await me(t, 'POST', '/me/export', {});
  const alerts = ex.json.events.filter((e) => e.kind === 'access' && e.detail.rpps === p.rpps);
  assert.equal(alerts.length, 1, JSON.stringify(ex.json.events.map((e) => e.kind)));
  assert.equal(alerts[0].mail, 'pending', 'waiting for the outbox');
  // "It was not me": a report on that access.
  const access = list.json.accesses.find((a) => a.professional.rpps === p.rpps);
  assertOutcome(await me(t, 'POST', '/me/reports', { index: String(access.index), text: 'x'.repeat(2001) }), 400, 'invalid');
  assertOutcome(await me(t, 'POST', '/me/reports', { index: access.index, text: 'no' }), 400, 'invalid');
  // An access that is not to me (another person's, or my own act): not found.
  const other = readAccounts(data)[1];
  const to = await loginOk(other.nir, other.password);
  const theirs = (await me(to, 'GET', '/me/accesses')).json.accesses[0];
  assertOutcome(await me(t, 'POST', '/me/reports', { index: String(theirs.index) }), 404, 'not-found');
  const own = list.json.accesses.find((a) => a.route.startsWith('me') || a.route.startsWith('account'));
  if (own) assertOutcome(await me(t, 'POST', '/me/reports', { index: String(own.index) }), 404, 'not-found');
  const rep = await me(t, 'POST', '/me/reports', { index: String(access.index), text: "Je ne suis pas allé dans cette pharmacie ce jour-là." });
  assert.equal(rep.status, 201, rep.text);
  const mineR = await me(t, 'GET', '/me/reports');
  assert.equal(mineR.json.reports.length, 1);
  assert.equal((await me(to, 'GET', '/me/reports')).json.reports.length, 0, 'nobody sees another person\'s reports');
  const opTok = await operatorToken();
  const adm = await http(server, 'GET', '/admin/misuse', { token: opTok });
  assert.equal(adm.status, 200, adm.text);
  const mine = adm.json.reports.find((x) => x.id === rep.json.id);
  assert.equal(mine.access.index, access.index);
  assert.equal(mine.access.professional.rpps, p.rpps);
  assert.match(mine.text, /pharmacie/);
  assert.ok(Array.isArray(mine.access.incidents));
  assertOutcome(await http(server, 'GET', '/admin/misuse', { token: tp }), 403, 'forbidden');
  assertOutcome(await http(server, 'GET', '/admin/misuse?before=x', { token: opTok }), 400, 'invalid');
});

test('locking my account ends every session; only an operator or a letter unlocks it', async () => {
  const p = solo[6];
  const c = await letter(p.nir);
  assert.equal((await http(server, 'POST', '/auth/insured/activate', { body: { nir: p.nir, code: c, password: GOOD } })).status, 201);
  const t = await loginOk(p.nir, GOOD);
  const l = await me(t, 'POST', '/me/lock', {});
  assert.equal(l.status, 200, l.text);
  assert.equal((await me(t, 'GET', '/me/account')).status, 401, 'the session ended');
  // The right password says "locked"; a wrong one the usual 401 (the lock is not told).
  assertOutcome(await login({ login: p.nir, password: GOOD }), 403, 'security');
  assertOutcome(await login({ login: p.nir, password: 'a wrong password here' }), 401, 'security');
  // A reset code by e-mail does not unlock.
  const rq = await http(server, 'POST', '/auth/insured/reset/request', { body: { nir: p.nir } });
  assert.equal(rq.status, 202, rq.text);
  const unknown = await http(server, 'POST', '/auth/insured/reset/request', { body: { nir: solo[7].nir } });
  assert.equal(unknown.status, 202);
  assert.equal(unknown.text, rq.text, 'the same answer with or without an account');
  // An operator unlocks.
  const opTok = await operatorToken();
  assertOutcome(await http(server, 'POST', '/admin/insured/unlock', { token: opTok, body: { nir: solo[7].nir } }), 404, 'not-found');
  const un = await http(server, 'POST', '/admin/insured/unlock', { token: opTok, body: { nir: p.nir } });
  assert.equal(un.status, 200, un.text);
  await loginOk(p.nir, GOOD);
  // Lock again, then a reset letter unlocks and sets a new password.
  const t2 = await loginOk(p.nir, GOOD);
  assert.equal((await me(t2, 'POST', '/me/lock', {})).status, 200);
  const rc = await letter(p.nir, ['--reset']);
  assertOutcome(await http(server, 'POST', '/auth/insured/reset', { body: { nir: p.nir, code: rc, password: 'court' } }), 400, 'invalid');
  const rs = await http(server, 'POST', '/auth/insured/reset', { body: { nir: p.nir, code: rc, password: GOOD2 } });
  assert.equal(rs.status, 200, rs.text);
  await loginOk(p.nir, GOOD2);
  assertOutcome(await http(server, 'POST', '/auth/insured/reset', { body: { nir: p.nir, code: rc, password: GOOD } }), 401, 'security');
});

test('a person can only act on their own account: tokens of others, of professionals, old ones', async () => {
  const [a, b] = readAccounts(data);
  const tb = await loginOk(b.nir, b.password);
  const tp = await pros.login(server, pros.fresh());
  for (const [m, p, body] of [['GET', '/me'], ['GET', '/me/account'], ['GET', '/me/activity'], ['POST', '/me/lock', {}],
    ['POST', '/me/card/oppose', {}], ['POST', '/me/blocks', { rpps: pros.all[0].rpps }], ['POST', '/me/export', {}],
    ['POST', '/me/password', { current: 'x', new: GOOD }], ['POST', '/me/alerts', { everyAccess: true }]]) {
    assert.equal((await http(server, m, p, { token: tp, body, card: false })).status, 401, `pro token on ${p}`);
    assert.equal((await http(server, m, p, { body })).status, 401, `no token on ${p}`);
    assert.equal((await http(server, m, p, { token: 'A'.repeat(43), body })).status, 401, `invented token on ${p}`);
  }
  // Naming someone else in a body is an unknown member: refused, nothing done.
  assertOutcome(await me(tb, 'POST', '/me/lock', { nir: a.nir }), 400, 'invalid');
  assertOutcome(await me(tb, 'POST', '/me/alerts', { everyAccess: true, account: 1 }), 400, 'invalid');
  // An insured token is no operator's.
  assertOutcome(await http(server, 'POST', '/admin/insured/unlock', { token: tb, body: { nir: a.nir } }), 401);
  const ta = await loginOk(a.nir, a.password);
  assert.equal((await me(ta, 'GET', '/me/account')).status, 200, 'a was not locked by b');
  // A logged-out token is dead everywhere.
  assert.equal((await http(server, 'POST', '/auth/insured/logout', { token: tb })).status, 200);
  assert.equal((await me(tb, 'GET', '/me/account')).status, 401);
});

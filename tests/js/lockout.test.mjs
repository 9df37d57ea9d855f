// Lock-outs that tell nothing and cannot be turned against the owner: a login
// naming no account (an unknown NIR, a honeytoken, an unknown RPPS) fails and
// backs off exactly as an account does, so the answers after 5 failures are
// the same with or without an account; and a thief failing from elsewhere
// does not keep the owner, on the client they logged in from before, out.
import { before } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import {
  seededDataDir, startServer, readAccounts, readSample, readTsv, Pros, http, assertOutcome,
  assertCleanExit, unknownRpps, test, totpAtStep, nowStep,
} from './lib.mjs';

let data, server, pros, accounts, sample, honey;

before(async () => {
  data = await seededDataDir({ pros: 6 });
  // Many failures from 127.0.0.1 on purpose: the address's own budget is tested elsewhere.
  server = await startServer(data, ['--login-burst', '1000', '--login-accounts-max', '250']);
  pros = new Pros(data);
  accounts = readAccounts(data);
  sample = readSample(data);
  honey = readTsv(path.join(data, 'honeytokens.tsv'));
});

const ilogin = (body, ua = 'lockout-test') =>
  http(server, 'POST', '/auth/insured/login', { body, headers: { 'user-agent': ua } });

/** Five wrong passwords on login, each a 401; then the sixth answer. */
async function sixth(send) {
  for (let i = 0; i < 5; i++) assertOutcome(await send(`wrong password number ${i}`), 401, 'security');
  return send('wrong password number 5');
}

test('insured login: after 5 failures an account, a NIR without one and a honeytoken answer alike', async () => {
  const withAccount = accounts[0].nir;
  const taken = new Set(accounts.map((a) => a.nir));
  const without = sample.find((s) => !taken.has(s.nir)).nir;
  const answers = [];
  for (const login of [withAccount, without, honey[0].nir]) {
    const r = await sixth((password) => ilogin({ login, password }));
    assertOutcome(r, 429, 'throttled');
    const ra = Number(r.headers.get('retry-after'));
    assert.ok(ra >= 1 && ra <= 30, `Retry-After ${ra}`);
    answers.push(r.json);
  }
  assert.deepEqual(answers[1], answers[0], 'no account: the same answer');
  assert.deepEqual(answers[2], answers[0], 'a honeytoken: the same answer');
  // An e-mail that names nobody, too.
  const mail = await sixth((password) => ilogin({ login: 'nobody-here@example.test', password }));
  assert.deepEqual(mail.json, answers[0]);
});

test('professional login: after 5 failures a real RPPS and an unknown one answer alike', async () => {
  const real = pros.fresh();
  const fake = unknownRpps(pros);
  const answers = [];
  for (const rpps of [real.rpps, fake]) {
    const r = await sixth((password) => http(server, 'POST', '/auth/pro/login', { body: { rpps, password, totp: '000000' } }));
    assertOutcome(r, 429, 'throttled');
    answers.push({ json: r.json, ra: Number(r.headers.get('retry-after')) >= 1 });
  }
  assert.deepEqual(answers[1], answers[0]);
});

test('a thief failing from another client does not lock the owner out of their own client', async () => {
  const acc = accounts[1];
  const owner = 'Firefox/140 (the owner)';
  const first = await ilogin({ login: acc.nir, password: acc.password }, owner);
  assert.equal(first.status, 200, first.text);
  const thief = 'curl/8 (a thief)';
  const r = await sixth((password) => ilogin({ login: acc.nir, password }, thief));
  assertOutcome(r, 429, 'throttled');
  // The thief is held back even with the right password...
  assertOutcome(await ilogin({ login: acc.nir, password: acc.password }, thief), 429, 'throttled');
  // ...the owner, on the client they used before, is not.
  const back = await ilogin({ login: acc.nir, password: acc.password }, owner);
  assert.equal(back.status, 200, back.text);
  // Their success ends the back-off: the thief starts again from nothing (5 free failures).
  assertOutcome(await ilogin({ login: acc.nir, password: 'still wrong, thief' }, thief), 401, 'security');
  // The owner's activity shows the thief's failures.
  const act = await http(server, 'GET', '/me/activity', { token: back.json.access_token });
  assert.ok(act.json.events.filter((e) => e.kind === 'login_failed' && e.detail.client.startsWith('curl/8')).length >= 5);
});

test('the owner of an account with a second factor passes a thief\'s back-off from a new client with it; the thief with a wrong code stays held back', async () => {
  const acc = accounts[2];
  const home = 'Firefox/140 (home)';
  const t = (await ilogin({ login: acc.nir, password: acc.password }, home)).json.access_token;
  const start = await http(server, 'POST', '/me/totp', { token: t, body: { password: acc.password } });
  assert.equal(start.status, 200, start.text);
  const conf = await http(server, 'POST', '/me/totp/confirm', { token: t, body: { totp: totpAtStep(start.json.secret, nowStep()) } });
  assert.equal(conf.status, 200, conf.text);
  const rec = conf.json.recoveryCodes;
  const thief = 'curl/8 (a thief)';
  assertOutcome(await sixth((password) => ilogin({ login: acc.nir, password }, thief)), 429, 'throttled');
  // The thief, with the password but not the code, stays held back...
  assertOutcome(await ilogin({ login: acc.nir, password: acc.password, secondFactor: '000000' }, thief), 429, 'throttled');
  // ...the owner, on a phone never used before, comes in with a recovery code.
  const phone = await ilogin({ login: acc.nir, password: acc.password, secondFactor: rec[0] }, 'Mobile Safari (new phone)');
  assert.equal(phone.status, 200, phone.text);
  // The code was used once, by that login, not by the check at the back-off.
  assertOutcome(await ilogin({ login: acc.nir, password: acc.password, secondFactor: rec[0] }, 'another new client'), 401, 'security');
});

test('the server stops cleanly', async () => {
  assertCleanExit(await server.stop(), server);
});

// Credential stuffing is stopped by its pattern, not by the address or the
// account: a list tried from one address reaches a handful of password checks
// while a colleague behind the same address, with their account's current
// code, logs in; insured logins get the same watch, and the owner's known
// client still gets in; a list spread over many addresses raises the spray
// alarm, after which a valid stolen pair from a client the account never used
// yields no session, only an answer identical to a wrong password's.
import { before } from 'node:test';
import assert from 'node:assert/strict';
import {
  seededDataDir, startServer, readAccounts, readSample, Pros, assertOutcome, assertCleanExit,
  unknownRpps, test,
} from './lib.mjs';
import { viaProxy } from './haproxy.mjs';

let data, pros, accounts, sample;

before(async () => {
  data = await seededDataDir({ pros: 8, accounts: 12 });
  pros = new Pros(data);
  accounts = readAccounts(data);
  sample = readSample(data);
});

const HOSPITAL = '127.0.0.30';
const send = (s, from, p, body, ua = 'stuffing-test') =>
  viaProxy({ port: s.port }, from, 'POST', p, { body, headers: { 'user-agent': ua } });
const count = (rs, status) => rs.filter((r) => r.status === status).length;

test('professional stuffing from one address: at most 5 password checks in 200 tries; a colleague with the code logs in', async () => {
  const s = await startServer(data);
  try {
    const real = pros.all.slice(0, 6);
    const rs = [];
    for (let i = 0; i < 200; i++) {
      const rpps = i % 3 === 0 ? real[i % real.length].rpps : unknownRpps(pros, i);
      rs.push(await send(s, HOSPITAL, '/auth/pro/login', { rpps, password: `leaked-password-${i}`, totp: '000000' }));
    }
    // A 401 is a password checked (Argon2id); a 429 stopped before it.
    assert.ok(count(rs, 401) <= 5, `${count(rs, 401)} password checks`);
    assert.equal(count(rs, 401) + count(rs, 429), 200, rs.map((r) => r.status).join(','));
    // Nothing was counted against the real accounts: their owners log in elsewhere as usual...
    const owner = real[0];
    const o = await pros.loginResponse(s, owner);
    assert.equal(o.status, 200, o.text);
    // ...and a colleague behind the hospital's address, with their current code, too.
    const colleague = pros.all[7];
    const { code, step } = await pros.code(colleague);
    const ok = await send(s, HOSPITAL, '/auth/pro/login', { rpps: colleague.rpps, password: colleague.password, totp: code });
    assert.equal(ok.status, 200, ok.text);
    pros.lastStep.set(colleague.rpps, step);
  } finally {
    assertCleanExit(await s.stop(), s);
  }
});

test('insured stuffing from one address is blocked at 5 accounts; the owner on their known client still gets in', async () => {
  const s = await startServer(data);
  try {
    const owner = accounts[0];
    const ua = 'Firefox/140 (the owner, at the hospital)';
    const first = await send(s, HOSPITAL, '/auth/insured/login', { login: owner.nir, password: owner.password }, ua);
    assert.equal(first.status, 200, first.text);
    const rs = [];
    for (let i = 1; i < accounts.length; i++)
      rs.push(await send(s, HOSPITAL, '/auth/insured/login', { login: accounts[i].email, password: `sold-password-${i}` }));
    for (let i = 0; i < 20; i++)
      rs.push(await send(s, HOSPITAL, '/auth/insured/login', { login: `someone-${i}@example.test`, password: 'sold-password' }));
    assert.ok(count(rs, 401) <= 5, `${count(rs, 401)} password checks: ${rs.map((r) => r.status)}`);
    assert.equal(count(rs, 401) + count(rs, 429), rs.length);
    // Even a right pair is stopped from the blocked address by a client the account never used...
    assertOutcome(await send(s, HOSPITAL, '/auth/insured/login', { login: accounts[1].nir, password: accounts[1].password }), 429, 'throttled');
    // ...but not the owner on the client they used before, nor the same person elsewhere.
    const back = await send(s, HOSPITAL, '/auth/insured/login', { login: owner.nir, password: owner.password }, ua);
    assert.equal(back.status, 200, back.text);
    const home = await send(s, '127.0.0.31', '/auth/insured/login', { login: accounts[1].nir, password: accounts[1].password });
    assert.equal(home.status, 200, home.text);
  } finally {
    assertCleanExit(await s.stop(), s);
  }
});

test('a list spread over 25 addresses raises the spray alarm: no stolen pair opens a session after it', async () => {
  const s = await startServer(data, ['--login-spray-max', '30']);
  try {
    // Before the attack, one owner logs in from home: that client is theirs.
    const owner = accounts[11];
    const home = '127.0.0.99', ua = 'Safari/18 (the owner, at home)';
    assert.equal((await send(s, home, '/auth/insured/login', { login: owner.email, password: owner.password }, ua)).status, 200);
    // The list: one valid pair in ten (11 accounts), the rest sold pairs that fail.
    const taken = new Set(accounts.map((a) => a.nir));
    const others = sample.filter((p) => !taken.has(p.nir));
    const results = [];
    for (let i = 0; i < 110; i++) {
      const from = `127.0.1.${(i % 25) + 1}`;
      const valid = i % 10 === 9;
      const a = valid ? accounts[(i - 9) / 10] : null;
      const body = valid ? { login: a.email, password: a.password }
        : i % 2 ? { login: `sold-${i}@example.test`, password: `sold-password-${i}` }
          : { login: others[i % others.length].nir, password: `sold-password-${i}` };
      results.push({ valid, r: await send(s, from, '/auth/insured/login', body) });
    }
    // No address failed on more than a few accounts: nothing per address stopped the list.
    assert.equal(results.filter((x) => x.r.status === 429).length, 0);
    const alarmAt = results.findIndex((x) => x.r.status === 401 &&
      /insufficient_user_authentication/.test(x.r.headers.get('www-authenticate') ?? ''));
    assert.ok(alarmAt > 0 && alarmAt <= 40, `the alarm at attempt ${alarmAt}`);
    const sessions = results.filter((x) => x.r.status === 200);
    assert.ok(sessions.length <= 3, `${sessions.length} pairs taken before the alarm`);
    const after = results.slice(alarmAt);
    assert.ok(after.filter((x) => x.valid).length >= 7);
    // After it: not one session, and a valid pair's answer is a wrong one's, byte for byte.
    const wrong = after.find((x) => !x.valid).r;
    for (const { valid, r } of after) {
      assertOutcome(r, 401, 'security');
      assert.equal(r.text, wrong.text, `valid ${valid}: the same answer`);
      assert.equal(r.headers.get('www-authenticate'), wrong.headers.get('www-authenticate'));
    }
    // The owner, on their own client, is not asked for anything more.
    const back = await send(s, home, '/auth/insured/login', { login: owner.email, password: owner.password }, ua);
    assert.equal(back.status, 200, back.text);
    // A made-up code does not open it either.
    const a0 = accounts[9];
    for (let i = 0; i < 3; i++)
      assertOutcome(await send(s, '127.0.2.1', '/auth/insured/login', { login: a0.email, password: a0.password, secondFactor: 'ABCD-EFGH-JKM' + i }), 401, 'security');
  } finally {
    assertCleanExit(await s.stop(), s);
  }
});

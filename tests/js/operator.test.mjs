// Accountable operators and sessions that can be ended: an operator suspends,
// reinstates, forces a logout, lifts any lock (the one at 100 failures
// included) and gives a new authenticator, each only with a fresh second
// factor (RFC 9470: a login or a step-up at most --operator-max-age ago) and
// each an entry in the journal before it takes effect; a professional ends
// every session of their own, and changes password and authenticator.
import { before } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import {
  seededDataDir, startServer, Pros, http, assertOutcome, assertCleanExit, sleep, test,
  operatorLogin, operatorCode, readTsv, unknownRpps, readAccounts, journalRecords,
} from './lib.mjs';

const MAX_AGE = 3; // seconds: the acts' freshness, short so that the test can outlive it
let data, server, pros, op;
const acts = []; // what the operator did, in order, as the journal must show it

before(async () => {
  data = await seededDataDir({ pros: 10 });
  server = await startServer(data, ['--operator-max-age', String(MAX_AGE)]);
  pros = new Pros(data);
});

const act = (name, rpps, token = op) => http(server, 'POST', `/admin/${name}`, { token, body: { rpps } });
const me = (token) => http(server, 'GET', '/auth/pro/notices', { token });

async function done(name, rpps, route, token = op) {
  const r = await act(name, rpps, token);
  assert.equal(r.status, 200, `${name}: ${r.text}`);
  assert.ok(Number.isInteger(r.json.journal_entry), 'the act has its journal entry');
  acts.push(`${r.json.journal_entry}\t${route}\tpro:${rpps}`);
  return r;
}

test('an act needs a fresh second factor: stale, it is refused and nothing is done; a step-up renews it', async () => {
  op = await operatorLogin(server);
  const [a, b] = [pros.fresh(), pros.fresh()];
  const ta = await pros.login(server, a);
  const tb = await pros.login(server, b);
  await done('pro/logout', a.rpps, 'admin.logout');
  assert.equal((await me(ta)).status, 401, 'a is logged out');
  await sleep((MAX_AGE + 1.5) * 1000);
  const stale = await act('pro/logout', b.rpps);
  assertOutcome(stale, 401, 'security');
  assert.match(stale.headers.get('www-authenticate'), new RegExp(`error="insufficient_user_authentication", max_age=${MAX_AGE}`));
  assert.equal((await me(tb)).status, 200, 'nothing was done');
  const up = await http(server, 'POST', '/auth/pro/step-up', { token: op, body: { totp: await operatorCode(server) } });
  assert.equal(up.status, 200, up.text);
  await done('pro/logout', b.rpps, 'admin.logout');
  assert.equal((await me(tb)).status, 401, 'b is logged out');
});

test('suspend ends the sessions and holds on every request; reinstate lifts it', async () => {
  const c = pros.fresh();
  const tc = await pros.login(server, c);
  op = await operatorLogin(server);
  await done('pro/suspend', c.rpps, 'admin.suspend');
  assert.equal((await me(tc)).status, 401, 'the session ended');
  assertOutcome(await pros.loginResponse(server, c), 401, 'security');
  assertOutcome(await act('pro/suspend', c.rpps), 409, 'business-rule');
  await done('reinstate', c.rpps, 'admin.reinstate');
  const back = await pros.login(server, c);
  const kinds = (await me(back)).json.notices.map((x) => x.kind);
  for (const k of ['suspended', 'reinstated']) assert.ok(kinds.includes(k), `${k} in ${kinds}`);
  assertOutcome(await act('reinstate', c.rpps), 409, 'business-rule');
});

test('refused: no token, a professional, bad bodies, unknown accounts, the operator on themselves', async () => {
  op = await operatorLogin(server);
  const p = pros.fresh();
  const tp = await pros.login(server, p);
  const self = readTsv(path.join(data, 'operators.tsv'))[0].rpps;
  for (const name of ['pro/suspend', 'pro/logout', 'pro/unlock', 'pro/totp-reset', 'reinstate']) {
    assertOutcome(await http(server, 'POST', `/admin/${name}`, { body: { rpps: p.rpps } }), 401);
    assertOutcome(await act(name, p.rpps, tp), 403, 'forbidden');
    assertOutcome(await http(server, 'POST', `/admin/${name}`, { token: op, body: '{"rpps":', contentType: 'application/json' }), 400, 'invalid');
    assertOutcome(await act(name, '12345678901'), 400, 'invalid');
    assertOutcome(await act(name, unknownRpps(pros, 3)), 404, 'not-found');
    assertOutcome(await act(name, self), 409, 'business-rule');
  }
  assert.equal((await me(tp)).status, 200, 'none of it touched the professional');
});

test('an operator lifts the lock at 100 failures, which nothing else lifts', async () => {
  const d = pros.fresh();
  assertCleanExit(await server.stop(), server);
  execFileSync('sqlite3', [path.join(data, 'vigie.db'),
    `UPDATE pro SET failed = 100, locked_until = 9223372036854775807 WHERE rpps = '${d.rpps}'`]);
  server = await startServer(data, ['--operator-max-age', String(MAX_AGE)]);
  const locked = await pros.loginResponse(server, d);
  assertOutcome(locked, 429, 'throttled');
  assert.match(locked.json.issue[0].diagnostics, /locked; contact the operator/);
  op = await operatorLogin(server);
  await done('pro/unlock', d.rpps, 'admin.unlock');
  const ok = await pros.loginResponse(server, d);
  assert.equal(ok.status, 200, ok.text);
});

test('a new authenticator from an operator: told once, the old codes and sessions end', async () => {
  const e = pros.fresh();
  const te = await pros.login(server, e);
  op = await operatorLogin(server);
  const r = await done('pro/totp-reset', e.rpps, 'admin.totp_reset');
  assert.match(r.json.secret, /^[A-Z2-7]{32}$/);
  assert.ok(r.json.otpauth.startsWith(`otpauth://totp/vigie:RPPS%20${e.rpps}?secret=${r.json.secret}&`), r.json.otpauth);
  assert.equal((await me(te)).status, 401, 'its sessions ended');
  assertOutcome(await pros.loginResponse(server, e), 401, 'security');
  const ok = await pros.loginResponse(server, { ...e, totp_secret: r.json.secret });
  assert.equal(ok.status, 200, ok.text);
});

test('a professional ends every session of their own at once', async () => {
  const f = pros.fresh();
  const t1 = await pros.login(server, f);
  const t2 = await pros.login(server, f);
  const r = await http(server, 'POST', '/auth/pro/logout-all', { token: t1 });
  assert.equal(r.status, 200, r.text);
  assert.equal((await me(t1)).status, 401);
  assert.equal((await me(t2)).status, 401);
});

test('a professional changes password with the current one and a code; three wrong end the session, not the account', async () => {
  const g = pros.fresh();
  const NEW = 'a new passphrase for the pharmacy counter';
  const t = await pros.login(server, g);
  const other = await pros.login(server, g);
  const pw = async (body, token = t) => http(server, 'POST', '/auth/pro/password', { token, body });
  assertOutcome(await pw({ current: g.password, new: NEW }), 400, 'invalid');
  const weak = await pw({ current: g.password, new: 'password1234', totp: '000000' });
  assertOutcome(weak, 400, 'invalid');
  assert.match(weak.json.issue[0].diagnostics, /password refused/);
  const c = await pros.code(g);
  const ok = await pw({ current: g.password, new: NEW, totp: c.code });
  assert.equal(ok.status, 200, ok.text);
  pros.lastStep.set(g.rpps, c.step);
  assert.equal((await me(t)).status, 401, 'every session ended');
  assert.equal((await me(other)).status, 401);
  assertOutcome(await pros.loginResponse(server, g), 401, 'security');
  const g2 = { ...g, password: NEW };
  const t2 = await pros.login(server, g2);
  // Wrong current password or code: 403 twice, the third ends this session...
  assertOutcome(await pw({ current: 'not it', new: 'yet another long passphrase', totp: '000000' }, t2), 403, 'security');
  assertOutcome(await pw({ current: NEW, new: 'yet another long passphrase', totp: '000000' }, t2), 403, 'security');
  assertOutcome(await pw({ current: 'not it either', new: 'yet another long passphrase', totp: '000000' }, t2), 401, 'security');
  assert.equal((await me(t2)).status, 401, 'that session ended');
  // ...and the owner's login is untouched (no failure counted against it).
  const back = await pros.loginResponse(server, g2);
  assert.equal(back.status, 200, back.text);
  const kinds = (await me(back.json.access_token)).json.notices.map((x) => x.kind);
  assert.ok(kinds.includes('password_changed'), `password_changed in ${kinds}`);
});

test('a professional gives themselves a new authenticator with the password and a current code', async () => {
  const h = pros.fresh();
  const t = await pros.login(server, h);
  assertOutcome(await http(server, 'POST', '/auth/pro/totp', { token: t, body: { password: 'wrong', totp: '000000' } }), 403, 'security');
  const c = await pros.code(h);
  const nt = await http(server, 'POST', '/auth/pro/totp', { token: t, body: { password: h.password, totp: c.code } });
  assert.equal(nt.status, 200, nt.text);
  pros.lastStep.set(h.rpps, c.step);
  assert.match(nt.json.secret, /^[A-Z2-7]{32}$/);
  assert.equal((await me(t)).status, 401, 'every session ended');
  assertOutcome(await pros.loginResponse(server, h), 401, 'security');
  const back = await pros.loginResponse(server, { ...h, totp_secret: nt.json.secret });
  assert.equal(back.status, 200, back.text);
  const kinds = (await me(back.json.access_token)).json.notices.map((x) => x.kind);
  assert.ok(kinds.includes('totp_changed'), `totp_changed in ${kinds}`);
});

test('on an insured account: force a logout, remove a lost second factor, unlock; each with a fresh factor', async () => {
  const acc = readAccounts(data)[0];
  const ilogin = () => http(server, 'POST', '/auth/insured/login', { body: { login: acc.nir, password: acc.password } });
  const l = await ilogin();
  assert.equal(l.status, 200, l.text);
  const mine = (t) => http(server, 'GET', '/me/account', { token: t });
  op = await operatorLogin(server);
  const iact = (name) => http(server, 'POST', `/admin/insured/${name}`, { token: op, body: { nir: acc.nir } });
  const out = await iact('logout');
  assert.equal(out.status, 200, out.text);
  acts.push('\taccount.force_logout\t');
  assert.equal((await mine(l.json.access_token)).status, 401, 'the person\'s sessions ended');
  assertOutcome(await iact('totp-reset'), 409, 'business-rule');
  const un = await iact('unlock');
  assert.equal(un.status, 200, un.text);
  acts.push('\taccount.unlock\t');
  // A professional's token, or none, acts on nobody.
  const tp = await pros.login(server, pros.fresh());
  for (const name of ['logout', 'totp-reset', 'unlock']) {
    assertOutcome(await http(server, 'POST', `/admin/insured/${name}`, { token: tp, body: { nir: acc.nir } }), 403, 'forbidden');
    assertOutcome(await http(server, 'POST', `/admin/insured/${name}`, { body: { nir: acc.nir } }), 401);
  }
  assert.equal((await ilogin()).status, 200);
});

test('the server stops cleanly, and the journal holds every act, and only those done', async () => {
  assertCleanExit(await server.stop(), server);
  const op0 = readTsv(path.join(data, 'operators.tsv'))[0];
  // The operator looks nobody up: their rows in the journal are exactly their acts.
  const rows = (await journalRecords(data)).filter((x) => x.record.pro === op0.rpps)
    .map((x) => `${x.index}\t${x.record.route}\t${x.record.fields}`);
  assert.equal(rows.length, acts.length, rows.join('\n'));
  rows.forEach((row, i) => {
    const [idx, route, fields] = row.split('\t');
    const [eIdx, eRoute, eFields] = acts[i].split('\t');
    assert.equal(route, eRoute, row);
    if (eIdx) assert.equal(idx, eIdx, row);
    if (eFields) assert.equal(fields, eFields, row);
  });
});

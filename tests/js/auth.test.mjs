// auth.test.mjs - professional login (password + TOTP), bearer tokens,
// logout, and login throttling per address and per account.
import { before } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import path from 'node:path';

import {
  NIR_SYSTEM, seededDataDir, startServer, readSample, Pros, http, assertOutcome,
  assertCleanExit, totpAtStep, nowStep, wrongTotp, sleep,
  test, luhnDigit, unknownRpps as unknownRppsOf, tokenOf,
} from './lib.mjs';

let data, server, pros, sample;

before(async () => {
  data = await seededDataDir({ pros: 15 }); // one fresh account per login below
  // Many accounts fail from 127.0.0.1 here on purpose: the stuffing defence is tested apart.
  server = await startServer(data, ['--login-accounts-max', '250']);
  pros = new Pros(data);
  sample = readSample(data);
});

const login = (s, body, opts = {}) => http(s, 'POST', '/auth/pro/login', { body, ...opts });
const lookup = (s, token) => http(s, 'GET',
  `/fhir/Patient?identifier=${encodeURIComponent(`${NIR_SYSTEM}|${sample[0].nir}`)}`, { token });

const isLuhn = (s) => /^\d{11}$/.test(s) && luhnDigit(s.slice(0, 10)) === s[10];
const unknownRpps = (k = 0) => unknownRppsOf(pros, k);

test('the seeded RPPS numbers carry a valid Luhn key', () => {
  assert.ok(pros.all.length >= 10);
  for (const p of pros.all) assert.ok(isLuhn(p.rpps), `${p.rpps} passes Luhn`);
});

test('login: 200 {access_token, token_type: "Bearer", expires_in}, and the token works', async () => {
  const pro = pros.fresh();
  const r = await pros.loginResponse(server, pro);
  assert.equal(r.status, 200, r.text);
  assert.match(r.headers.get('content-type'), /^application\/json/);
  assert.equal(r.headers.get('cache-control'), 'no-store');
  assert.equal(typeof r.json.access_token, 'string');
  assert.ok(r.json.access_token.length >= 43, '256-bit token');
  assert.match(r.json.access_token, /^[A-Za-z0-9_-]+$/);
  assert.equal(r.json.token_type, 'Bearer');
  assert.ok(Number.isInteger(r.json.expires_in) && r.json.expires_in > 0 && r.json.expires_in <= 86400,
    `expires_in ${r.json.expires_in}`);
  // The patient is present: the card reader's proof goes with the lookup.
  const l = await lookup(server, tokenOf(r.json.access_token, pro.rpps, data));
  assert.equal(l.status, 200, l.text);
  assert.equal(l.json.resourceType, 'Bundle');
});

test('each login gets its own token', async () => {
  const a = await pros.login(server);
  const b = await pros.login(server);
  assert.notEqual(a, b);
  assert.equal((await lookup(server, a)).status, 200);
  assert.equal((await lookup(server, b)).status, 200);
});

test('wrong password, wrong TOTP, unknown and malformed RPPS: byte-identical 401s', async () => {
  const p1 = pros.fresh();
  const p2 = pros.fresh();
  const unknown = unknownRpps();
  const attempts = {
    'wrong password': { rpps: p1.rpps, password: `${p1.password}x`, totp: (await pros.code(p1)).code },
    'wrong TOTP': { rpps: p2.rpps, password: p2.password, totp: wrongTotp(p2.totp_secret) },
    'unknown RPPS': { rpps: unknown, password: p1.password, totp: (await pros.code(p1)).code },
    'RPPS with a bad Luhn key': { rpps: p1.rpps.slice(0, 10) + String((Number(p1.rpps[10]) + 1) % 10), password: p1.password, totp: '123456' },
    'RPPS too short': { rpps: '12345', password: p1.password, totp: '123456' },
    'RPPS with letters': { rpps: 'ABCDEFGHIJK', password: p1.password, totp: '123456' },
    'empty TOTP': { rpps: p2.rpps, password: p2.password, totp: '' },
  };
  const bodies = new Map();
  for (const [what, body] of Object.entries(attempts)) {
    const r = await login(server, body);
    assertOutcome(r, 401);
    bodies.set(what, `${r.headers.get('content-type')}\n${r.text}`);
  }
  const distinct = new Set(bodies.values());
  assert.equal(distinct.size, 1, `all failures look the same:\n${[...bodies].map(([k, v]) => `${k}: ${v}`).join('\n')}`);
  // and the accounts that were tried are still usable with the right credentials
  assert.equal((await pros.loginResponse(server, p1)).status, 200);
  assert.equal((await pros.loginResponse(server, p2)).status, 200);
});

test('a TOTP code is accepted once: the replay is refused', async () => {
  const pro = pros.fresh();
  const step = nowStep();
  const code = totpAtStep(pro.totp_secret, step);
  const body = { rpps: pro.rpps, password: pro.password, totp: code };
  const first = await login(server, body);
  assert.equal(first.status, 200, first.text);
  const again = await login(server, body);
  assertOutcome(again, 401);
  // an older code of the window is refused too, once a newer one was accepted
  const older = await login(server, { ...body, totp: totpAtStep(pro.totp_secret, step - 1) });
  assertOutcome(older, 401);
  pros.lastStep.set(pro.rpps, step);
});

test('two concurrent logins with the same code: exactly one succeeds', async () => {
  const pro = pros.fresh();
  const { code, step } = await pros.code(pro);
  const body = { rpps: pro.rpps, password: pro.password, totp: code };
  const rs = await Promise.all([login(server, body), login(server, body), login(server, body)]);
  const codes = rs.map((r) => r.status).sort();
  assert.deepEqual(codes, [200, 401, 401], `statuses ${codes}`);
  pros.lastStep.set(pro.rpps, step);
});

test('logout revokes the token', async () => {
  const token = await pros.login(server);
  assert.equal((await lookup(server, token)).status, 200);
  const out = await http(server, 'POST', '/auth/pro/logout', { token });
  assert.equal(out.status, 200, out.text);
  const after = await lookup(server, token);
  assertOutcome(after, 401);
  assert.match(after.headers.get('www-authenticate') ?? '', /Bearer/);
  assert.match(after.headers.get('www-authenticate'), /invalid_token/);
  assertOutcome(await http(server, 'POST', '/auth/pro/logout', { token }), 401);
});

test('wrong step-up codes end the session that sent them, never the owner\'s login', async () => {
  const pro = pros.fresh();
  const wrong = (t) => http(server, 'POST', '/auth/pro/step-up', { token: t, body: { totp: wrongTotp(pro.totp_secret) } });
  // Two stolen sessions, three wrong codes each: six in all, more than the five a login allows.
  for (let k = 0; k < 2; k++) {
    const stolen = await pros.login(server, pro);
    for (let i = 0; i < 2; i++) {
      const r = await wrong(stolen);
      assertOutcome(r, 401, 'security');
      assert.match(r.headers.get('www-authenticate'), /insufficient_user_authentication/);
      assert.equal((await lookup(server, stolen)).status, 200, 'the session lives until the third');
    }
    const third = await wrong(stolen);
    assertOutcome(third, 401, 'security');
    assert.match(third.headers.get('www-authenticate'), /invalid_token/);
    assertOutcome(await lookup(server, stolen), 401);
  }
  // The owner is not locked out.
  const r = await pros.loginResponse(server, pro);
  assert.equal(r.status, 200, r.text);
});

test('a suspension is read on every request: a token that escaped revocation is refused', async () => {
  // A suspension whose revocation of sessions was lost (a token minted in the race, a crash):
  // written straight into the database while the server is down, so that nothing revokes.
  const d = await seededDataDir({ pros: 2, insured: 200 });
  const ps = new Pros(d);
  const pro = ps.fresh();
  const s7 = await startServer(d);
  const token = await ps.login(s7, pro);
  const nir = readSample(d)[0].nir;
  const look = (s) => http(s, 'GET', `/fhir/Patient?identifier=${encodeURIComponent(`${NIR_SYSTEM}|${nir}`)}`, { token });
  assert.equal((await look(s7)).status, 200);
  assertCleanExit(await s7.stop(), s7);
  execFileSync('sqlite3', [path.join(d, 'vigie.db'), `UPDATE pro SET suspended = 1 WHERE rpps = '${pro.rpps}'`]);
  const s8 = await startServer(d);
  try {
    assertOutcome(await look(s8), 403, 'forbidden');
    assertOutcome(await http(s8, 'GET', '/auth/pro/notices', { token }), 403, 'forbidden');
  } finally {
    assertCleanExit(await s8.stop(), s8);
  }
});

test('no token: 401 with WWW-Authenticate: Bearer', async () => {
  for (const p of ['/fhir/Patient?identifier=x', '/fhir/Coverage?beneficiary:identifier=x']) {
    const r = await http(server, 'GET', p);
    assertOutcome(r, 401);
    assert.match(r.headers.get('www-authenticate') ?? '', /^Bearer\b/);
    assert.doesNotMatch(r.headers.get('www-authenticate'), /invalid_token/, 'no token is not an invalid token');
  }
  const s = await http(server, 'POST', '/fhir/CoverageEligibilityRequest/$submit', { body: {}, contentType: 'application/fhir+json' });
  assertOutcome(s, 401);
  assert.match(s.headers.get('www-authenticate') ?? '', /^Bearer\b/);
});

test('garbage tokens: 401 invalid_token', async () => {
  const good = await pros.login(server);
  const variants = {
    'random, right shape': 'A'.repeat(good.length),
    'one character changed': (good[0] === 'A' ? 'B' : 'A') + good.slice(1),
    'truncated': good.slice(0, -1),
    'extended': `${good}A`,
    'not base64url': `${good.slice(0, -1)}%`,
    'very long': 'x'.repeat(4000),
  };
  for (const [what, tok] of Object.entries(variants)) {
    const r = await lookup(server, tok);
    assertOutcome(r, 401);
    assert.match(r.headers.get('www-authenticate') ?? '', /Bearer.*invalid_token/, what);
  }
  for (const h of [`Basic ${Buffer.from('a:b').toString('base64')}`, 'Bearer', `Token ${good}`]) {
    const r = await http(server, 'GET', `/fhir/Patient?identifier=${encodeURIComponent(`${NIR_SYSTEM}|${sample[0].nir}`)}`,
      { headers: { authorization: h } });
    assertOutcome(r, 401);
    assert.match(r.headers.get('www-authenticate') ?? '', /^Bearer/, h);
  }
  assert.equal((await lookup(server, good)).status, 200, 'the real token still works');
});

test('first server stops cleanly', async () => {
  assertCleanExit(await server.stop(), server);
});

test('per address (--login-burst 5): after 5 failures a guess gets 429 before any password; a colleague with the code gets in', async () => {
  const s2 = await startServer(data, ['--login-burst', '5']);
  try {
    const unknown = unknownRpps();
    for (let i = 0; i < 5; i++) {
      const r = await login(s2, { rpps: unknown, password: `guess-${i}`, totp: '000000' });
      assertOutcome(r, 401);
    }
    const pro = pros.fresh();
    for (const body of [{ rpps: unknown, password: 'guess-6', totp: '000000' },
      { rpps: unknownRpps(1), password: 'guess-7', totp: '123456' },
      { rpps: pro.rpps, password: pro.password, totp: '000000' }]) {
      const r = await login(s2, body);
      assertOutcome(r, 429, 'throttled');
      const ra = Number(r.headers.get('retry-after'));
      assert.ok(Number.isInteger(ra) && ra >= 1 && ra <= 3600, `Retry-After ${r.headers.get('retry-after')}`);
    }
    // Someone behind the same address with the account's current code is no robot.
    const r = await pros.loginResponse(s2, pro);
    assert.equal(r.status, 200, r.text);
  } finally {
    assertCleanExit(await s2.stop(), s2);
  }
});

test('per address: below the burst, logins still succeed', async () => {
  const s3 = await startServer(data, ['--login-burst', '5']);
  try {
    const unknown = unknownRpps();
    for (let i = 0; i < 3; i++) assertOutcome(await login(s3, { rpps: unknown, password: 'x', totp: '000000' }), 401);
    const r = await pros.loginResponse(s3, pros.fresh());
    assert.equal(r.status, 200, r.text);
  } finally {
    assertCleanExit(await s3.stop(), s3);
  }
});

test('concurrent failures cannot slip past the address limit (--login-burst 5)', async () => {
  const s4 = await startServer(data, ['--login-burst', '5']);
  try {
    const unknown = unknownRpps();
    const rs = await Promise.all(Array.from({ length: 12 }, (_, i) =>
      login(s4, { rpps: unknown, password: `guess-${i}`, totp: '000000' })));
    const n401 = rs.filter((r) => r.status === 401).length;
    const n429 = rs.filter((r) => r.status === 429).length;
    assert.equal(n401 + n429, 12, rs.map((r) => r.status).join(','));
    assert.ok(n401 <= 5, `${n401} attempts were checked, the burst is 5`);
  } finally {
    assertCleanExit(await s4.stop(), s4);
  }
});

test('per account: after 5 failures a login without the current code gets 429, no password tried; the owner still gets in', async () => {
  const server = await startServer(data, ['--login-burst', '1000']);
  try {
    const pro = pros.fresh();
    const other = pros.fresh();
    // A thief with the RPPS but not the authenticator: five guesses, then the back-off.
    for (let i = 0; i < 5; i++)
      assertOutcome(await login(server, { rpps: pro.rpps, password: `wrong-${i}`, totp: '000000' }), 401);
    let last = 0;
    for (let i = 0; i < 5; i++) {
      const r = await login(server, { rpps: pro.rpps, password: `wrong-again-${i}`, totp: '000000' });
      assertOutcome(r, 429, 'throttled');
      const ra = Number(r.headers.get('retry-after'));
      // No password is tried, but a wrong code is a failure all the same (no free oracle of
      // the code): the back-off grows, 30 s, 60 s, ...
      assert.ok(Number.isInteger(ra) && ra > last && ra <= 3600, `Retry-After ${r.headers.get('retry-after')} after ${last}`);
      last = ra;
    }
    // The owner has the code: the back-off does not stop them.
    const r = await pros.loginResponse(server, pro);
    assert.equal(r.status, 200, r.text);
    // A thief holding one code (a phishing relay) gets one password for it, not a stream.
    for (let i = 0; i < 5; i++)
      assertOutcome(await login(server, { rpps: other.rpps, password: `wrong-${i}`, totp: '000000' }), 401);
    const { code } = await pros.code(other);
    assertOutcome(await login(server, { rpps: other.rpps, password: 'relay-guess-1', totp: code }), 401);
    assertOutcome(await login(server, { rpps: other.rpps, password: 'relay-guess-2', totp: code }), 429, 'throttled');
  } finally {
    assertCleanExit(await server.stop(), server);
  }
});

test('concurrent failures cannot slip past the account limit (5)', async () => {
  const s5 = await startServer(data, ['--login-burst', '1000']);
  try {
    const pro = pros.fresh();
    const { code } = await pros.code(pro);
    const rs = await Promise.all(Array.from({ length: 10 }, (_, i) =>
      login(s5, { rpps: pro.rpps, password: `wrong-${i}`, totp: code })));
    const n401 = rs.filter((r) => r.status === 401).length;
    // Five, and at most one more on the strength of the code (a code opens the back-off once).
    assert.ok(n401 <= 6, `${n401} wrong passwords were checked, the account limit is 5: ${rs.map((r) => r.status)}`);
    assert.ok(rs.every((r) => r.status === 401 || r.status === 429), rs.map((r) => r.status).join(','));
  } finally {
    assertCleanExit(await s5.stop(), s5);
  }
});

test('logins hash off the event threads: /healthz answers while Argon2id runs', async () => {
  const s6 = await startServer(data, ['--login-burst', '1000', '--login-accounts-max', '250']);
  try {
    const order = [];
    // Six accounts that do not exist (one failing six times would back off at the sixth, unhashed).
    const logins = Array.from({ length: 6 }, (_, i) =>
      login(s6, { rpps: unknownRpps(i), password: `guess-${i}`, totp: '000000' }).then((r) => { order.push('login'); return r; }));
    await sleep(20); // the logins are in flight (6 x Argon2id on 2 workers)
    const h = await http(s6, 'GET', '/healthz');
    order.push('healthz');
    assert.equal(h.status, 200);
    const rs = await Promise.all(logins);
    assert.ok(rs.every((r) => r.status === 401), rs.map((r) => r.status).join(','));
    assert.ok(order.indexOf('healthz') < order.length - 1,
      `healthz waited for every login to finish: ${order.join(' ')}`);
  } finally {
    assertCleanExit(await s6.stop(), s6);
  }
});

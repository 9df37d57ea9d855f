// Behind a trusted proxy (a real HAProxy with `option forwardfor`): the
// client is the address the proxy received the request from, so one client
// failing logins throttles that client and not everyone behind the proxy; a
// forged X-Forwarded-For changes nothing; without --trusted-proxy the header
// is never believed; an untrusted peer keeps its connection cap.
import { before } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import {
  seededDataDir, startServer, readAccounts, Pros, assertOutcome, assertCleanExit, makeTmp,
  sleep, test, vigie, unknownRpps as unknownRppsOf,
} from './lib.mjs';
import { startHaproxy, viaProxy } from './haproxy.mjs';

let data, pros, dir;
const ATTACKER = '127.0.0.10', COLLEAGUE = '127.0.0.11', PERSON = '127.0.0.13';

before(async () => {
  data = await seededDataDir({ pros: 8 });
  pros = new Pros(data);
  dir = await makeTmp('vigie-proxy-');
});

const unknownRpps = () => unknownRppsOf(pros);

/** A server (extra flags) behind a fresh HAProxy; fn(server, proxy); both stopped by PID. */
async function behindProxy(extra, fn) {
  const s = await startServer(data, ['--login-burst', '5', ...extra]);
  const px = await startHaproxy(s.port, dir);
  try {
    await fn(s, px);
  } finally {
    await px.stop();
    assertCleanExit(await s.stop(), s);
  }
}

const proLogin = (px, from, body, headers) => viaProxy(px, from, 'POST', '/auth/pro/login', { body, headers });

async function failFive(px, from, headers) {
  const rpps = unknownRpps();
  for (let i = 0; i < 5; i++)
    assertOutcome(await proLogin(px, from, { rpps, password: `guess-${i}`, totp: '000000' }, headers), 401);
}

test('without --trusted-proxy: everyone behind the proxy is one address; its failures stop guesses, not a colleague with the code', async () => {
  await behindProxy([], async (s, px) => {
    await failFive(px, ATTACKER);
    // The address is the proxy's: a guess from anyone behind it is stopped before any password...
    assertOutcome(await proLogin(px, COLLEAGUE, { rpps: unknownRpps(), password: 'guess', totp: '000000' }), 429, 'throttled');
    const pro = pros.fresh();
    assertOutcome(await proLogin(px, COLLEAGUE, { rpps: pro.rpps, password: pro.password, totp: '000000' }), 429, 'throttled');
    // ...but a colleague with their account's current code logs in all the same.
    const { code } = await pros.code(pro);
    const ok = await proLogin(px, COLLEAGUE, { rpps: pro.rpps, password: pro.password, totp: code });
    assert.equal(ok.status, 200, ok.text);
  });
});

test('with --trusted-proxy: 5 failures from one client leave a colleague behind the same proxy alone', async () => {
  await behindProxy(['--trusted-proxy', '127.0.0.1/32'], async (s, px) => {
    await failFive(px, ATTACKER);
    // The failing client itself is stopped...
    const guess = { rpps: unknownRpps(), password: 'guess', totp: '000000' };
    assertOutcome(await proLogin(px, ATTACKER, guess), 429, 'throttled');
    // ...and forging X-Forwarded-For does not get it out: the proxy appends the real address.
    assertOutcome(await proLogin(px, ATTACKER, guess, { 'x-forwarded-for': COLLEAGUE }), 429, 'throttled');
    // The colleague's own mistakes are their own: a 401, not the attacker's 429.
    assertOutcome(await proLogin(px, COLLEAGUE, { ...guess, rpps: unknownRppsOf(pros, 1) }), 401);
    const other = pros.fresh();
    const c2 = await pros.code(other);
    const ok = await proLogin(px, COLLEAGUE, { rpps: other.rpps, password: other.password, totp: c2.code });
    assert.equal(ok.status, 200, ok.text);
  });
});

test('the account\'s activity shows the real client; a trusted peer\'s unreadable header is a 400', async () => {
  await behindProxy(['--trusted-proxy', '127.0.0.1'], async (s, px) => {
    const acc = readAccounts(data)[0];
    const l = await viaProxy(px, PERSON, 'POST', '/auth/insured/login', { body: { login: acc.nir, password: acc.password } });
    assert.equal(l.status, 200, l.text);
    const act = await viaProxy(px, PERSON, 'GET', '/me/activity', { token: l.json.access_token });
    assert.equal(act.status, 200, act.text);
    const logins = act.json.events.filter((e) => e.kind === 'login');
    assert.ok(logins.length >= 1);
    assert.equal(logins[0].detail.ip, PERSON, JSON.stringify(logins[0].detail));
    assert.ok(act.json.sessions.some((x) => x.ip === PERSON), JSON.stringify(act.json.sessions));
    // Straight to the server from the trusted address: its own requests (no header) are its own,
    // and a header it cannot have written is refused, not guessed.
    const direct = { port: s.port };
    const h = await viaProxy(direct, '127.0.0.1', 'GET', '/healthz');
    assert.equal(h.status, 200, h.text);
    for (const xff of ['unknown', '', '203.0.113.7,', 'x'.repeat(100), '127.0.0.1, <script>'])
      assertOutcome(await viaProxy(direct, '127.0.0.1', 'GET', '/healthz', { headers: { 'x-forwarded-for': xff } }), 400, 'invalid');
    // From an untrusted peer the header is ignored, whatever it says.
    const u = await viaProxy(direct, '127.0.0.20', 'GET', '/healthz', { headers: { 'x-forwarded-for': 'unknown' } });
    assert.equal(u.status, 200, u.text);
  });
});

/** Open n idle connections from `from` to port; resolves how many the server closed at once. */
async function idleConnections(port, from, n) {
  const socks = [];
  let closed = 0;
  for (let i = 0; i < n; i++) {
    const c = net.connect({ host: '127.0.0.1', port, localAddress: from });
    c.on('error', () => {});
    c.on('close', () => { closed++; });
    socks.push(c);
    await new Promise((r) => { c.once('connect', r); c.once('close', r); });
  }
  await sleep(500);
  for (const c of socks) c.destroy();
  return closed;
}

test('with trusted proxies: the proxy is not capped at 256 connections; an untrusted peer still is', async () => {
  const s = await startServer(data, ['--trusted-proxy', '127.0.0.1']);
  try {
    assert.equal(await idleConnections(s.port, '127.0.0.1', 300), 0, 'the trusted proxy keeps all 300');
    const closed = await idleConnections(s.port, '127.0.0.21', 300);
    assert.ok(closed >= 40 && closed <= 44, `an untrusted peer is held to 256 (or nearly): ${closed} of 300 closed`);
    // Its connections were counted down as they closed: it can connect again.
    assert.equal(await idleConnections(s.port, '127.0.0.21', 10), 0);
  } finally {
    assertCleanExit(await s.stop(), s);
  }
});

test('--trusted-proxy refuses what it cannot use', async () => {
  for (const bad of ['0.0.0.0/0', '::/0', '10.0.0.0/33', 'proxy.example', '10.0.0.1:80']) {
    const r = await vigie(['serve', '--data', data, '--listen', '127.0.0.1:0', '--trusted-proxy', bad], { timeoutMs: 10_000 });
    assert.equal(r.code, 1, `${bad}: ${r.stderr}`);
    assert.match(r.stderr, /--trusted-proxy/);
  }
});


// ops.test.mjs - what operators rely on: /healthz (public, liveness only),
// Prometheus /metrics (operator accounts only), a clean stop on SIGTERM,
// access records, and logs without personal data.
import { before } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';

import {
  NIR_SYSTEM, FHIR_JSON, seededDataDir, startServer, readSample, Pros, http, raw, vigieOk,
  assertCleanExit, assertOutcome, sleep, pinClock, operatorToken,
  test,
} from './lib.mjs';

// Card-less lookups below are judged in opening hours (a Tuesday afternoon in Paris).
pinClock('2026-12-01T15:00:00+01:00');

let data, server, pros, sample;
const used = { nirs: [], names: [], secrets: [], tokens: [] };

before(async () => {
  data = await seededDataDir();
  // debug logs one line per request: the most there is to leak
  server = await startServer(data, [], { env: { VIGIE_LOG: 'debug' } });
  pros = new Pros(data);
  sample = readSample(data);
});

/** Parse Prometheus text exposition into Map(name{labels} -> number), checking each line's syntax. */
function parseMetrics(text) {
  const m = new Map();
  const types = new Map();
  for (const line of text.split('\n')) {
    if (line === '') continue;
    if (line.startsWith('# HELP ')) continue;
    if (line.startsWith('# TYPE ')) {
      const [, , name, type] = line.split(' ');
      assert.ok(['counter', 'gauge', 'histogram', 'summary', 'untyped'].includes(type), line);
      types.set(name, type);
      continue;
    }
    const mm = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\.)*",?)*\})? (-?[0-9.]+(?:e[+-]?\d+)?|NaN|[+-]Inf)$/.exec(line);
    assert.ok(mm, `not a Prometheus sample line: ${JSON.stringify(line)}`);
    const family = mm[1].replace(/_(bucket|sum|count)$/, '');
    assert.ok(types.has(mm[1]) || types.has(family), `${mm[1]} has a # TYPE line before it`);
    m.set(mm[1] + (mm[2] ?? ''), Number(mm[3]));
  }
  return { samples: m, types };
}

async function metrics(s = server) {
  const r = await http(s, 'GET', '/metrics', { token: await operatorToken(s) });
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /^text\/plain; version=0\.0\.4/);
  return parseMetrics(r.text);
}
const val = (mt, key) => mt.samples.get(key) ?? 0;

test('/healthz: 200 JSON status ok, and nothing else (no version, no uptime: no restarts told)', async () => {
  const r = await http(server, 'GET', '/healthz');
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /^application\/json/);
  assert.deepEqual(r.json, { status: 'ok' });
  const head = await fetch(server.url('/healthz'), { method: 'HEAD' });
  assert.equal(head.status, 200);
});

test('/metrics is for operator accounts: anonymous 401, a professional 403, the operator 200', async () => {
  const anon = await http(server, 'GET', '/metrics');
  assertOutcome(anon, 401);
  assert.match(anon.headers.get('www-authenticate') ?? '', /^Bearer/);
  assert.doesNotMatch(anon.text, /vigie_/, 'no metric in the refusal');
  assertOutcome(await http(server, 'GET', '/metrics', { token: 'not-a-token' }), 401);
  const pro = await http(server, 'GET', '/metrics', { token: await pros.login(server) });
  assertOutcome(pro, 403);
  assert.doesNotMatch(pro.text, /vigie_/, 'no metric in the refusal');
  const op = await http(server, 'GET', '/metrics', { token: await operatorToken(server) });
  assert.equal(op.status, 200, op.text);
  assert.match(op.text, /^vigie_guard_decisions_total/m);
});

test('/metrics is Prometheus text with the request and login counters', async () => {
  const mt = await metrics();
  assert.equal(mt.types.get('vigie_http_requests_total'), 'counter');
  assert.equal(mt.types.get('vigie_logins_ok_total'), 'counter');
  assert.equal(mt.types.get('vigie_http_request_duration_seconds'), 'histogram');
  assert.ok(mt.samples.has('vigie_logins_ok_total'));
  assert.ok([...mt.samples.keys()].some((k) => k.startsWith('vigie_http_requests_total{')),
    'the /healthz request of the previous test is counted');
  // histogram buckets are cumulative and end with +Inf = count
  const buckets = [...mt.samples].filter(([k]) => k.startsWith('vigie_http_request_duration_seconds_bucket'));
  assert.ok(buckets.length >= 2);
  for (let i = 1; i < buckets.length; i++) assert.ok(buckets[i][1] >= buckets[i - 1][1], 'cumulative buckets');
  assert.equal(buckets.at(-1)[0], 'vigie_http_request_duration_seconds_bucket{le="+Inf"}');
  assert.equal(buckets.at(-1)[1], val(mt, 'vigie_http_request_duration_seconds_count'));
});

test('counters increase after a login and a lookup', async () => {
  const before = await metrics();
  const pro = pros.fresh();
  const token = await pros.login(server, pro);
  used.tokens.push(token);
  used.secrets.push(pro.password, pro.totp_secret);
  const row = sample[1];
  const r = await http(server, 'GET', `/fhir/Patient?identifier=${encodeURIComponent(`${NIR_SYSTEM}|${row.nir}`)}`, { token });
  assert.equal(r.status, 200);
  used.nirs.push(row.nir);
  used.names.push(row.family);
  const failed = await http(server, 'POST', '/auth/pro/login', { body: { rpps: pro.rpps, password: 'Wrong-Password-42!', totp: '000000' } });
  assertOutcome(failed, 401);
  used.secrets.push('Wrong-Password-42!');
  // request counters are bumped when a request completes: allow a moment
  let after;
  for (let i = 0; i < 20; i++) {
    after = await metrics();
    if (val(after, 'vigie_http_requests_total{route="Patient",code="2xx"}') > val(before, 'vigie_http_requests_total{route="Patient",code="2xx"}') &&
        val(after, 'vigie_access_records_total') > val(before, 'vigie_access_records_total')) break;
    await sleep(100);
  }
  assert.equal(val(after, 'vigie_logins_ok_total'), val(before, 'vigie_logins_ok_total') + 1);
  assert.equal(val(after, 'vigie_logins_failed_total'), val(before, 'vigie_logins_failed_total') + 1);
  assert.equal(val(after, 'vigie_lookups_total'), val(before, 'vigie_lookups_total') + 1);
  assert.ok(val(after, 'vigie_persons_returned_total') >= val(before, 'vigie_persons_returned_total') + 1);
  assert.equal(val(after, 'vigie_http_requests_total{route="login",code="2xx"}'),
    val(before, 'vigie_http_requests_total{route="login",code="2xx"}') + 1);
  assert.equal(val(after, 'vigie_http_requests_total{route="login",code="4xx"}'),
    val(before, 'vigie_http_requests_total{route="login",code="4xx"}') + 1);
  assert.equal(val(after, 'vigie_http_requests_total{route="Patient",code="2xx"}'),
    val(before, 'vigie_http_requests_total{route="Patient",code="2xx"}') + 1);
  assert.ok(val(after, 'vigie_access_records_total') > val(before, 'vigie_access_records_total'), 'an access record was written');
  assert.ok(val(after, 'vigie_http_request_duration_seconds_count') > val(before, 'vigie_http_request_duration_seconds_count'));
});

test('a session with several kinds of lookups (for the log and access checks below)', async () => {
  const pro = pros.fresh();
  const token = await pros.login(server, pro);
  used.tokens.push(token);
  used.secrets.push(pro.password, pro.totp_secret);
  for (const row of sample.slice(2, 8)) {
    used.nirs.push(row.nir);
    used.names.push(row.family);
    const id = encodeURIComponent(`${NIR_SYSTEM}|${row.nir}`);
    assert.equal((await http(server, 'GET', `/fhir/Patient?identifier=${id}&_revinclude=Coverage:beneficiary`, { token })).status, 200);
    assert.equal((await http(server, 'GET', `/fhir/Coverage?beneficiary:identifier=${id}`, { token })).status, 200);
    const s = await http(server, 'POST', '/fhir/CoverageEligibilityRequest/$submit', {
      token, contentType: FHIR_JSON, body: {
        resourceType: 'CoverageEligibilityRequest', status: 'active', purpose: ['benefits'], created: '2025-01-01',
        insurer: { display: 'x' }, patient: { reference: '#p' },
        contained: [{ resourceType: 'Patient', id: 'p', identifier: [{ system: NIR_SYSTEM, value: row.nir }], birthDate: row.birth_date }],
      },
    });
    assert.ok([200, 422].includes(s.status), s.text);
  }
  // refused lookups are recorded too, and must not be logged with their NIR either
  const bad = `${sample[9].nir.slice(0, 13)}00`;
  used.nirs.push(bad);
  assertOutcome(await http(server, 'GET', `/fhir/Patient?identifier=${encodeURIComponent(`${NIR_SYSTEM}|${bad}`)}`, { token }), 400);
  assert.equal((await http(server, 'POST', '/auth/pro/logout', { token })).status, 200);
  // requests that libmicrohttpd itself refuses (they can end up in the log too)
  const big = await raw(server, [`GET /fhir/metadata HTTP/1.1\r\nHost: a\r\nX-A: ${'a'.repeat(40000)}\r\n\r\n`]);
  assert.ok(big.status === 431 || big.closed);
  const noHost = await raw(server, ['GET /fhir/metadata HTTP/1.1\r\n\r\n']);
  assert.ok(noHost.status === 400 || noHost.closed);
});

test('SIGHUP does not stop the server (a closed terminal, systemctl reload)', async () => {
  process.kill(server.pid, 'SIGHUP');
  let logged = false;
  for (let i = 0; i < 50 && !logged; i++) { await sleep(100); logged = /"serve\.reloaded"/.test(server.stderr()); }
  assert.ok(logged, 'the reload is logged');
  assert.equal((await http(server, 'GET', '/healthz')).status, 200);
  assert.equal(server.proc.exitCode, null);
});

test('SIGTERM: exit code 0 within a few seconds', async () => {
  const r = await server.stop();
  assertCleanExit(r, server);
  assert.ok(r.ms < 5000, `stopped in ${r.ms} ms`);
});

test('vigie status afterwards shows the access records', async () => {
  const r = await vigieOk(['status', '--data', data]);
  const m = /access records\s+(\d+)/.exec(r.stdout);
  assert.ok(m, r.stdout);
  // 1 + 6 x 3 lookups + 1 refused
  assert.ok(Number(m[1]) >= 20, `access records: ${m[1]}`);
  assert.match(r.stdout, /insured\s+[1-9]\d*/);
  assert.match(r.stdout, /professionals\s+13\b/); // 12 and the demo operator
});

const PRIORITY = { error: '3', warn: '4', info: '6', debug: '7' };
/** A stderr log line: "<N>" (its journald priority), then one JSON object; null if not. */
function logLine(l) {
  const m = /^<([0-7])>(\{.*\})$/.exec(l);
  if (!m) return null;
  try { const o = JSON.parse(m[2]); return PRIORITY[o.level] === m[1] ? o : null; } catch { return null; }
}

test('every server log line is its journald priority and a JSON object (libmicrohttpd\'s own messages included)', () => {
  const lines = server.stderr().split('\n').filter((l) => l.length > 0);
  const bad = lines.filter((l) => logLine(l) === null);
  assert.deepEqual(bad, [], 'log lines that are not <priority>JSON');
  for (const l of lines) {
    const { ts } = logLine(l);
    // RFC 3339 with its zone (UTC), to the millisecond, and a real instant
    assert.match(ts, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/, l);
    assert.ok(Number.isFinite(Date.parse(ts)), ts);
  }
});

test('server logs carry no NIR, name, password, secret or token', () => {
  const log = server.stderr();
  const lines = log.split('\n').filter((l) => l.length > 0);
  assert.ok(lines.length >= 20, `debug logging produced ${lines.length} lines`);
  const events = lines.map((l) => {
    const o = logLine(l);
    assert.ok(o, l);
    assert.equal(typeof o.ts, 'string');
    assert.ok(['error', 'warn', 'info', 'debug'].includes(o.level), l);
    assert.equal(typeof o.event, 'string');
    return o.event;
  });
  // control: the log is the one of this session (so "absent" below means something)
  for (const e of ['serve.start', 'login.ok', 'login.failed', 'http.request', 'serve.stopped'])
    assert.ok(events.includes(e), `event ${e} logged`);
  assert.ok(used.nirs.length >= 7 && used.tokens.length === 2);
  const leaks = [];
  for (const [kind, values] of Object.entries(used))
    for (const v of values) if (v && v.length >= 4 && log.includes(v)) leaks.push(`${kind}: ${v}`);
  for (const n of used.nirs) if (log.includes(n.slice(0, 13))) leaks.push(`NIR without key: ${n.slice(0, 13)}`);
  assert.deepEqual(leaks, [], 'personal data or secrets in the log');
});

test('SIGHUP reopens the log file (logrotate, systemctl reload) and the server keeps serving', async () => {
  const dir = path.dirname(data);
  const logFile = path.join(dir, 'vigie.log');
  const s = await startServer(data, ['--log', logFile]);
  try {
    assert.equal((await http(s, 'GET', '/healthz')).status, 200);
    // logrotate moves the file away, then signals
    fs.renameSync(logFile, `${logFile}.1`);
    process.kill(s.pid, 'SIGHUP');
    let fresh = '';
    for (let i = 0; i < 50 && !fresh.includes('serve.reloaded'); i++) {
      await sleep(100);
      fresh = fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8') : '';
    }
    assert.match(fresh, /"event":"serve\.reloaded"/, 'the reopened file gets the next lines');
    assert.equal((await http(s, 'GET', '/healthz')).status, 200, 'still serving after SIGHUP');
    const old = fs.readFileSync(`${logFile}.1`, 'utf8').split('\n').filter((l) => l);
    assert.ok(old.some((l) => JSON.parse(l).event === 'serve.start'), 'earlier lines stay in the moved file');
    for (const l of [...old, ...fresh.split('\n').filter((x) => x)])
      assert.equal(typeof JSON.parse(l).ts, 'string', `a log file holds plain JSON lines: ${l}`);
    assert.equal(fs.statSync(logFile).mode & 0o777, 0o600);
  } finally {
    assertCleanExit(await s.stop(), s);
  }
});

// hostile.test.mjs - what an attacker or a broken client can send: malformed
// bodies, bad identifiers, odd queries, framing attacks on raw sockets, slow
// clients and bursts. Every answered error is a 4xx OperationOutcome
// (application/fhir+json); nothing is ever a 5xx.
import { before } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';

import {
  NIR_SYSTEM, FHIR_JSON, seededDataDir, startServer, readSample, Pros, http, raw, parseRaw,
  assertOutcome, assertValidFhir, assertCleanExit, badKey, withKey, sleep, makeTmp, vigieOk,
  test, cardHeaders,
} from './lib.mjs';
import { validate as ssnValidate } from 'french-ssn';

let data, server, pros, sample, token, nir;

before(async () => {
  data = await seededDataDir();
  // These tests are about FHIR shapes and parsers, and a FHIR client that sends
  // no card proofs: the guard decides and counts but does not act
  // (--guard observe). An account sending this much would be stopped:
  // that is tested in guard.test.mjs.
  // Hundreds of malformed lookups from one account, on purpose: their budget is tested elsewhere.
  server = await startServer(data, ['--guard', 'observe', '--lookup-malformed-burst', '100000']);
  pros = new Pros(data);
  sample = readSample(data);
  nir = sample.find((r) => Number(r.rank) === 0).nir;
  token = await pros.login(server);
});

const q = (s) => encodeURIComponent(s);
const patient = (ident, extra = '') => http(server, 'GET', `/fhir/Patient?identifier=${q(ident)}${extra}`, { token });
const submit = (body, contentType = FHIR_JSON) =>
  http(server, 'POST', '/fhir/CoverageEligibilityRequest/$submit', { token, body, contentType });
const login = (body, contentType = 'application/json') =>
  http(server, 'POST', '/auth/pro/login', { body, contentType });
const cer = (value) => JSON.stringify({
  resourceType: 'CoverageEligibilityRequest', status: 'active', purpose: ['validation'],
  patient: { identifier: { system: NIR_SYSTEM, value } }, created: '2025-01-01', insurer: { display: 'x' },
});

/** A raw HTTP/1.1 request with the usual headers. */
const req = (method, p, { headers = {}, body = '' } = {}) => {
  const h = { host: `127.0.0.1:${server.port}`, ...headers };
  if (body && h['content-length'] === undefined && h['transfer-encoding'] === undefined)
    h['content-length'] = Buffer.byteLength(body);
  return `${method} ${p} HTTP/1.1\r\n${Object.entries(h).map(([k, v]) => `${k}: ${v}\r\n`).join('')}\r\n${body}`;
};

/** Assert a raw response is an OperationOutcome error with this status. */
function assertRawOutcome(res, status) {
  const r = parseRaw(res.text);
  assert.equal(r.status, status, res.status === null
    ? `expected ${status}, got no response at all (connection ${res.closed ? 'closed by the server' : 'left open'} after ${res.ms} ms)`
    : `expected ${status}: ${res.text.slice(0, 400)}`);
  assert.match(r.headers['content-type'] ?? '', /^application\/fhir\+json/);
  const oo = JSON.parse(r.body);
  assert.equal(oo.resourceType, 'OperationOutcome');
  assertValidFhir(oo);
  return { ...r, oo };
}

test('malformed JSON bodies: 400 OperationOutcome', async () => {
  for (const body of ['{', '{"rpps":', '{"rpps" "x"}', "{'rpps':'x'}", '{"a":1,}', '\ufeff{}', 'nul', '{"rpps":"1","rpps":"2","password":"x","totp":"1"}']) {
    assertOutcome(await login(body), 400, 'invalid');
    assertOutcome(await submit(body), 400, 'invalid');
  }
});

test('JSON that is not an object: 400', async () => {
  for (const body of ['[]', '"x"', '1', 'null', 'true', '[{"rpps":"x"}]']) {
    assertOutcome(await login(body), 400, 'invalid');
    assertOutcome(await submit(body), 400, 'invalid');
  }
});

test('unknown or mistyped login members: 400', async () => {
  const base = { rpps: '10000000000', password: 'x', totp: '123456' };
  for (const body of [{ ...base, admin: true }, { ...base, rpps: 10000000000 }, { rpps: 'x', password: 'y' },
    { ...base, totp: ['123456'] }, { ...base, password: null }, {}]) {
    const r = await login(JSON.stringify(body));
    const oo = assertOutcome(r, 400, 'invalid');
    assert.ok(oo.issue[0].diagnostics?.length > 10, 'says what is wrong');
  }
});

test('wrong or missing Content-Type: 415', async () => {
  const good = JSON.stringify({ rpps: '10000000000', password: 'x', totp: '123456' });
  for (const ct of ['text/plain', 'application/x-www-form-urlencoded', 'application/jsonx', 'multipart/form-data; boundary=x', 'application/xml']) {
    assertOutcome(await login(good, ct), 415, 'not-supported');
    assertOutcome(await submit(cer(nir), ct), 415, 'not-supported');
  }
  // no Content-Type at all (a raw request: fetch adds one for string bodies)
  const res = await raw(server, [req('POST', '/auth/pro/login', { body: good })]);
  assertRawOutcome(res, 415);
  // parameters after the media type are fine
  const ok = await submit(cer(nir), 'application/fhir+json; charset=utf-8');
  assert.equal(ok.status, 200, ok.text);
});

test('a body over 64 KiB is never processed, and the server stays up', async () => {
  for (const size of [65 * 1024, 200 * 1024, 2 * 1024 * 1024]) {
    const body = `{"rpps":"${'1'.repeat(size)}","password":"x","totp":"123456"}`;
    const res = await raw(server, [req('POST', '/auth/pro/login', { headers: { 'content-type': 'application/json' }, body })], { timeoutMs: 8000 });
    assert.ok(res.status === 413 || (res.status === null && res.closed), `${size} bytes: ${res.status} ${res.text.slice(0, 200)}`);
  }
  const r = await http(server, 'GET', '/healthz');
  assert.equal(r.status, 200);
});

test('a body over 64 KiB is answered 413 OperationOutcome (server.c replies too-long), then closed', async () => {
  // server.c means to answer 413 "request body is too large"; a bare close
  // leaves a client (or a proxy) with no answer to report
  for (const [p, ct] of [['/auth/pro/login', 'application/json'], ['/fhir/CoverageEligibilityRequest/$submit', FHIR_JSON]]) {
    const body = `{"resourceType":"CoverageEligibilityRequest","pad":"${'x'.repeat(70 * 1024)}"}`;
    const res = await raw(server, [req('POST', p, { headers: { 'content-type': ct, authorization: `Bearer ${token}` }, body })],
      { timeoutMs: 5000, waitClose: true });
    const r = assertRawOutcome(res, 413);
    assert.equal(r.oo.issue[0].code, 'too-long');
    assert.ok(res.closed, 'the connection is closed rather than left reading');
  }
});

test('a body just under 64 KiB is read and parsed normally', async () => {
  const under = await submit(`{"resourceType":"CoverageEligibilityRequest","pad":"${'x'.repeat(60 * 1024)}"}`);
  assertOutcome(under, 400, 'invalid');
});

test('deeply nested JSON: 400, no crash', async () => {
  for (const body of ['['.repeat(30000) + ']'.repeat(30000), '{"a":'.repeat(10000) + '1' + '}'.repeat(10000),
    '['.repeat(60000)]) {
    assertOutcome(await login(body), 400, 'invalid');
    assertOutcome(await submit(body), 400, 'invalid');
  }
  // a valid request carrying a deep (but under 64 KiB) extension chain
  const deep = `${'{"url":"u","extension":['.repeat(2000)}{"url":"u"}${']}'.repeat(2000)}`;
  const body = cer(nir).replace(/^\{/, `{"extension":[${deep}],`);
  assert.ok(body.length < 64 * 1024);
  const r = await submit(body);
  assert.ok([200, 400].includes(r.status), `status ${r.status}: ${r.text.slice(0, 200)}`);
  if (r.status === 400) assertOutcome(r, 400);
});

test('NUL bytes: in a body, in a JSON string, in the query', async () => {
  assertOutcome(await login(Buffer.from('{"rpps":"1\u0000","password":"x","totp":"1"}')), 400, 'invalid');
  assertOutcome(await login(JSON.stringify({ rpps: '10000000000\u0000', password: 'x', totp: '123456' })), 400, 'invalid');
  assertOutcome(await login(JSON.stringify({ rpps: '10000000000', password: 'pass\u0000word', totp: '123456' })), 400, 'invalid');
  assertOutcome(await submit(Buffer.concat([Buffer.from(cer(nir)), Buffer.from([0])])), 400, 'invalid');
  assertOutcome(await submit(cer(`${nir.slice(0, 7)}\u0000${nir.slice(8)}`)), 400, 'invalid');
  const r = await http(server, 'GET', `/fhir/Patient?identifier=${q(`${NIR_SYSTEM}|`)}${nir.slice(0, 7)}%00${nir.slice(8)}`, { token });
  assertOutcome(r, 400, 'invalid');
  const r2 = await http(server, 'GET', `/fhir/Patient?identifier=${q(`${NIR_SYSTEM}|${nir}`)}%00`, { token });
  assert.ok(r2.status === 400 || r2.status === 200, `status ${r2.status}`);
  if (r2.status === 400) assertOutcome(r2, 400);
});

test('invalid NIRs of each kind: 400 with a diagnostics sentence', async () => {
  // a metropolitan NIR, so that positions mean the same thing in every case
  const n = sample.map((r) => r.nir).find((x) => /^\d{15}$/.test(x) && Number(x.slice(5, 7)) < 96) ?? '255081416802538';
  const cases = {
    key: badKey(n),
    'too short': n.slice(0, 14),
    'too long': `${n}0`,
    'thirteen digits': n.slice(0, 13),
    letters: `${n.slice(0, 3)}AB${n.slice(5)}`,
    'all letters': 'ABCDEFGHIJKLMNO',
    'sex 5': withKey(`5${n.slice(1, 13)}`),
    'month 13': withKey(`${n.slice(0, 3)}13${n.slice(5, 13)}`),
    'department 96': withKey(`${n.slice(0, 5)}96${n.slice(7, 13)}`),
    'department 2C': `${n.slice(0, 5)}2C${n.slice(7)}`,
    'order 000': withKey(`${n.slice(0, 10)}000`),
    'key 00': `${n.slice(0, 13)}00`,
    'key 98': `${n.slice(0, 13)}98`,
    spaces: `${n.slice(0, 1)} ${n.slice(1)}`,
    'trailing space': `${n} `,
    unicode: `${n.slice(0, 14)}\u0663`,
    empty: '',
  };
  const diags = {};
  for (const [what, v] of Object.entries(cases)) {
    // french-ssn is laxer on a few (spaces as in the printed form, key 98,
    // ranges it does not check); on the others it must agree
    if (['key', 'too short', 'too long', 'thirteen digits', 'letters', 'all letters', 'key 00', 'unicode', 'empty'].includes(what))
      assert.ok(!ssnValidate(v), `${what}: the oracle agrees ${v} is not a valid NIR`);
    for (const r of [await patient(`${NIR_SYSTEM}|${v}`),
      await http(server, 'GET', `/fhir/Coverage?beneficiary:identifier=${q(`${NIR_SYSTEM}|${v}`)}`, { token }),
      await submit(cer(v))]) {
      const oo = assertOutcome(r, 400, 'invalid');
      const d = oo.issue[0].diagnostics;
      assert.equal(typeof d, 'string', `${what}: diagnostics`);
      assert.match(d, /^\S.{9,}/, `${what}: a sentence, got "${d}"`);
      diags[what] = d;
    }
  }
  assert.match(diags.key, /key/i, 'a key fault says so');
  assert.notEqual(diags.key, diags['too short'], 'the key and length faults are told apart');
  assert.notEqual(diags['too short'], diags.letters, 'the length and character faults are told apart');
  assert.notEqual(diags['month 13'], diags.key, 'a bad month is not reported as a bad key');
});

test('Corsica: 2A/2B NIRs are parsed (not refused as letters)', async () => {
  for (const v of ['253072B07300470', '253072A07300443', '253072a07300443']) {
    const r = await patient(`${NIR_SYSTEM}|${v}`);
    assert.equal(r.status, 200, `${v}: ${r.text}`);
    assert.equal(r.json.resourceType, 'Bundle');
  }
});

test('unknown and repeated query parameters: 400', async () => {
  const id = `identifier=${q(`${NIR_SYSTEM}|${nir}`)}`;
  for (const p of [`/fhir/Patient?${id}&_count=10`, `/fhir/Patient?${id}&name=MARTIN`, `/fhir/Patient?${id}&family=MARTIN`,
    `/fhir/Patient?${id}&birthdate=1980-01-01&birthdate=1980-01-01`,
    `/fhir/Patient?${id}&${id}`, `/fhir/Patient?${id}&identifier=${q(`${NIR_SYSTEM}|255081416802538`)}`,
    `/fhir/Coverage?beneficiary:identifier=${q(`${NIR_SYSTEM}|${nir}`)}&beneficiary=Patient/1`,
    `/fhir/Coverage?${id}`, '/fhir/metadata?mode=full', `/fhir/Patient?${id}&_revinclude=Coverage:beneficiary&_revinclude=Coverage:beneficiary`]) {
    const r = await http(server, 'GET', p, { token });
    const oo = assertOutcome(r, 400);
    assert.ok(['not-supported', 'invalid'].includes(oo.issue[0].code), p);
  }
});

test('unknown identifier systems: 400', async () => {
  for (const sys of ['urn:oid:1.2.250.1.213.1.4.8', 'urn:oid:1.2.250.1.213.1.4.9', 'http://example.org', `${NIR_SYSTEM}x`, 'urn:oid:1.2.250.1.213.1.4.1']) {
    assertOutcome(await patient(`${sys}|${nir}`), 400, 'invalid');
  }
  assertOutcome(await patient(`${NIR_SYSTEM}|${nir}|x`), 400, 'invalid');
  const body = JSON.parse(cer(nir));
  body.patient.identifier.system = 'urn:oid:1.2.250.1.213.1.4.8';
  assertOutcome(await submit(JSON.stringify(body)), 400, 'invalid');
});

test('unknown paths: 404 OperationOutcome', async () => {
  for (const p of ['/', '/fhir', '/fhir/', '/fhir/Patient/123', '/fhir/metadata/', '/admin', '/fhir/Patient/_search',
    '/auth/pro/login/', '/FHIR/metadata', '/index.html', '/.env']) {
    assertOutcome(await http(server, 'GET', p, { token }), 404, 'not-found');
  }
  for (const p of ['/../../etc/passwd', '/fhir/../healthz/..%2f..%2fetc%2fpasswd', '//fhir//metadata', '*']) {
    const res = await raw(server, [req('GET', p)]);
    if (res.status === 404 || res.status === 400) {
      if (parseRaw(res.text).headers['content-type']?.startsWith('application/fhir+json')) assertRawOutcome(res, res.status);
    } else {
      assert.fail(`${p}: expected 404 or 400, got ${res.status ?? 'no answer'}: ${res.text.slice(0, 200)}`);
    }
  }
});

test('wrong methods: 405 with Allow', async () => {
  const cases = [['PUT', '/fhir/Patient', 'GET'], ['DELETE', '/fhir/Coverage', 'GET'],
    ['POST', '/fhir/metadata', 'GET, HEAD'], ['GET', '/auth/pro/login', 'POST'], ['PATCH', '/auth/pro/logout', 'POST'],
    ['GET', '/fhir/CoverageEligibilityRequest/$submit', 'POST'], ['DELETE', '/healthz', 'GET, HEAD'], ['POST', '/metrics', 'GET']];
  for (const [m, p, allow] of cases) {
    const r = await http(server, m, p, { token, body: m === 'GET' ? undefined : '{}', contentType: 'application/json' });
    assertOutcome(r, 405, 'not-supported');
    assert.equal(r.headers.get('allow'), allow, `${m} ${p}`);
  }
  // HEAD would run a lookup and record a disclosure that never happens: refused on lookups
  for (const p of ['/fhir/Patient', '/fhir/Coverage']) {
    const h = await raw(server, [req('HEAD', p, { headers: { connection: 'close' } })], { waitClose: true });
    assert.equal(h.status, 405, `HEAD ${p}`);
    assert.match(h.text, /allow: GET\r\n/i, `HEAD ${p}: Allow`);
  }
  // a method the library does not know
  const res = await raw(server, [req('BREW', '/fhir/metadata')]);
  assert.ok(res.status !== null && res.status >= 400 && res.status < 500, `BREW: ${res.text.slice(0, 200)}`);
});

test('HEAD on a GET endpoint: headers, no body', async () => {
  const res = await raw(server, [req('HEAD', '/fhir/metadata', { headers: { connection: 'close' } })], { waitClose: true });
  const r = parseRaw(res.text);
  assert.equal(r.status, 200);
  assert.equal(res.text.split('\r\n\r\n')[1] ?? '', '', 'no body after the headers');
});

test('headers too large: 431 (or the connection is closed), never 5xx', async () => {
  for (const size of [40 * 1024, 256 * 1024]) {
    const res = await raw(server, [req('GET', '/fhir/metadata', { headers: { 'x-filler': 'a'.repeat(size) } })], { timeoutMs: 8000 });
    assert.ok(res.status === 431 || (res.status === null && res.closed),
      `${size} bytes of header: ${res.status ?? 'no status'} ${res.text.slice(0, 200)}`);
  }
  const many = {};
  for (let i = 0; i < 2000; i++) many[`x-h${i}`] = 'v'.repeat(10);
  const res = await raw(server, [req('GET', '/fhir/metadata', { headers: many })], { timeoutMs: 8000 });
  assert.ok(res.status === 431 || (res.status === null && res.closed), `2000 headers: ${res.text.slice(0, 200)}`);
});

test('Content-Length with Transfer-Encoding: 400 OperationOutcome', async () => {
  const body = '{"rpps":"1"}';
  const chunked = `${body.length.toString(16)}\r\n${body}\r\n0\r\n\r\n`;
  const res = await raw(server, [req('POST', '/auth/pro/login', {
    headers: { 'content-type': 'application/json', 'content-length': chunked.length, 'transfer-encoding': 'chunked' }, body: chunked,
  })], { timeoutMs: 3000 });
  const r = assertRawOutcome(res, 400);
  assert.match(r.oo.issue[0].diagnostics, /Content-Length/);
});

test('Content-Length with Transfer-Encoding: the connection is closed, a smuggled request is not served', async () => {
  // CL.TE: a front proxy using Content-Length forwards all of it as one
  // request; a back end using Transfer-Encoding would see a second one.
  // RFC 9112 section 6.1: the server MUST close the connection after
  // responding to a request with both.
  const smuggled = `GET /healthz HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\n\r\n`;
  const body = `0\r\n\r\n${smuggled}`;
  const res = await raw(server, [req('POST', '/auth/pro/login', {
    headers: { 'content-type': 'application/json', 'content-length': body.length, 'transfer-encoding': 'chunked' }, body,
  })], { timeoutMs: 2000, waitClose: true });
  assertRawOutcome(res, 400);
  const answers = res.text.match(/HTTP\/1\.1 \d{3}/g) ?? [];
  assert.equal(answers.length, 1, `one answer only, got: ${answers.join(', ')}`);
  assert.ok(res.closed, 'the connection is closed after the 400');
});

test('"Transfer-Encoding : chunked" (a space before the colon): 400 OperationOutcome, the chunked body is not served as a request', async () => {
  // A proxy that trims the name frames the body as chunks; libmicrohttpd
  // would keep "Transfer-Encoding " as another header and read the chunks
  // as the next request.
  const smuggled = `GET /healthz HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\n\r\n`;
  const res = await raw(server, [`POST /auth/pro/login HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\n`
    + `Content-Type: application/json\r\nTransfer-Encoding : chunked\r\n\r\n0\r\n\r\n${smuggled}`],
  { timeoutMs: 2000, waitClose: true });
  const r = assertRawOutcome(res, 400);
  assert.match(r.oo.issue[0].diagnostics, /header name/);
  assert.equal((res.text.match(/HTTP\/1\.1 \d{3}/g) ?? []).length, 1, res.text.slice(0, 400));
  assert.ok(res.closed, 'the connection is closed after the 400');
});

test('a header value with a CR or a control byte, a name with a space: 400 OperationOutcome', async () => {
  for (const [line, want] of [['X-A: a\rb', /control character/], ['X-A: a\x01b', /control character/],
    ['Bad Name: y', /header name/], ['X-A\x7f: y', /header name/]]) {
    const res = await raw(server, [`GET /healthz HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\n${line}\r\n\r\n`]);
    const r = assertRawOutcome(res, 400);
    assert.match(r.oo.issue[0].diagnostics, want, JSON.stringify(line));
  }
  // HTAB inside a value is allowed (RFC 9110 section 5.5).
  const ok = await raw(server, [`GET /healthz HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nX-A: a\tb\r\n\r\n`]);
  assert.equal(ok.status, 200, ok.text.slice(0, 300));
});

test('two Host headers: 400 (RFC 9112 section 3.2)', async () => {
  const res = await raw(server, [`GET /fhir/metadata HTTP/1.1\r\nHost: 127.0.0.1\r\nHost: evil.example\r\n\r\n`]);
  assert.equal(res.status, 400, res.text.slice(0, 200));
});

test('no Host header on HTTP/1.1: 400', async () => {
  const res = await raw(server, ['GET /fhir/metadata HTTP/1.1\r\n\r\n']);
  assert.equal(res.status, 400, res.text.slice(0, 200));
});

test('Transfer-Encoding other than chunked, or Content-Length that lies: 4xx, never 5xx', async () => {
  const cases = [
    req('POST', '/auth/pro/login', { headers: { 'content-type': 'application/json', 'transfer-encoding': 'gzip' }, body: 'abc' }),
    req('POST', '/auth/pro/login', { headers: { 'content-type': 'application/json', 'content-length': '-1' }, body: '{}' }),
    req('POST', '/auth/pro/login', { headers: { 'content-type': 'application/json', 'content-length': '1x' }, body: '{}' }),
    req('POST', '/auth/pro/login', { headers: { 'content-type': 'application/json', 'content-length': '99999999999999999999' } }),
    `GET /fhir/metadata HTTP/1.1\r\nHost : a\r\n\r\n`,
    `GET /fhir/metadata HTTP/1.1\r\nHost: a\r\nX-A\r\n\r\n`,
    `GET /fhir/metadata HTTP/1.1\r\nHost: a\r\n X-Folded: b\r\n\r\n`,
    `GET /fhir/metadata\r\n\r\n`,
    `\x16\x03\x01\x00\xa5\x01\x00\x00\xa1\x03\x03`,
  ];
  for (const c of cases) {
    const res = await raw(server, [c], { timeoutMs: 4000, endWrite: true, waitClose: true });
    assert.ok(res.status === null || (res.status >= 400 && res.status < 500),
      `${JSON.stringify(c.slice(0, 80))}: ${res.text.slice(0, 200)}`);
  }
});

test('an unknown HTTP version: 505 (RFC 9110 section 15.6.6) or closed', async () => {
  // the one 5xx that is right: it is the client that speaks another protocol
  const res = await raw(server, ['GET /fhir/metadata HTTP/9.9\r\nHost: a\r\n\r\n'], { timeoutMs: 3000, waitClose: true });
  assert.ok(res.status === 505 || res.status === 400 || (res.status === null && res.closed), res.text.slice(0, 200));
});

test('the server still answers after all that', async () => {
  const r = await patient(`${NIR_SYSTEM}|${nir}`);
  assert.equal(r.status, 200, r.text);
  assert.ok(r.json.total >= 1);
});

test('a burst of 200 parallel garbage requests, then a normal lookup works', async () => {
  const bad = `${NIR_SYSTEM}|${badKey(nir)}`;
  // [kind, request, what an answer may be: 'oo' = a 4xx OperationOutcome; 'raw' = a 4xx or a close]
  const garbage = [
    ['bad JSON', () => http(server, 'POST', '/auth/pro/login', { body: '{"rpps":', contentType: 'application/json' }), 'oo'],
    ['bad NIR', () => http(server, 'GET', `/fhir/Patient?identifier=${q(bad)}`, { token }), 'oo'],
    ['unknown path', () => http(server, 'GET', '/fhir/Nope', { token }), 'oo'],
    ['bad token', () => http(server, 'GET', '/fhir/Patient?identifier=x', { token: 'garbage' }), 'oo'],
    ['wrong method', () => http(server, 'DELETE', '/fhir/Patient', { token }), 'oo'],
    ['not a resource', () => http(server, 'POST', '/fhir/CoverageEligibilityRequest/$submit', { token, body: '[[[[[', contentType: FHIR_JSON }), 'oo'],
    ['wrong type', () => http(server, 'POST', '/auth/pro/login', { body: 'a=b', contentType: 'application/x-www-form-urlencoded' }), 'oo'],
    ['garbage line', () => raw(server, ['GARBAGE\r\n\r\n'], { timeoutMs: 4000, endWrite: true }), 'raw'],
    ['huge header', () => raw(server, [req('GET', '/fhir/metadata', { headers: { 'x-a': 'b'.repeat(50000) } })], { timeoutMs: 4000 }), 'raw'],
    ['huge body', () => raw(server, [req('POST', '/auth/pro/login', { headers: { 'content-type': 'application/json' }, body: 'x'.repeat(70000) })], { timeoutMs: 4000 }), 'raw'],
  ];
  const results = await Promise.all(Array.from({ length: 200 }, async (_, i) => {
    const [kind, send, expect] = garbage[i % garbage.length];
    try { return { kind, expect, r: await send() }; } catch (e) { return { kind, expect, error: e }; }
  }));
  const problems = [];
  for (const { kind, expect, r, error } of results) {
    if (error) { problems.push(`${kind}: ${error.cause?.code ?? error.message}`); continue; }
    if (expect === 'oo') {
      if (!(r.status >= 400 && r.status < 500)) problems.push(`${kind}: status ${r.status}`);
      else assertOutcome(r, r.status);
    } else if (!(r.status === null ? r.closed : r.status >= 400 && r.status < 500)) {
      problems.push(`${kind}: ${r.status ?? (r.timedOut ? 'no answer, left open' : 'closed')}`);
    }
  }
  assert.deepEqual(problems, [], 'every request answered 4xx (or a framing error closed)');
  const ok = await patient(`${NIR_SYSTEM}|${nir}`);
  assert.equal(ok.status, 200, ok.text);
  assert.ok(ok.json.total >= 1);
});

test('query values are decoded as usual, but an escaped control byte is refused, never cut short', async () => {
  const card = cardHeaders(token, nir)['vigie-card-proof'];
  const get = (target) => raw(server, [`GET ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${token}\r\n` +
    `Vigie-Card-Proof: ${card}\r\nConnection: close\r\n\r\n`]);
  const ident = `/fhir/Patient?identifier=${q(`${NIR_SYSTEM}|${nir}`)}`;
  assert.equal((await get(ident)).status, 200, 'control: %3A and %7C decode');
  for (const tail of ['%00', '%00x', '%0a', '%1f', '%7f']) {
    const r = await get(ident + tail);
    assert.equal(r.status, 400, `${tail}: ${r.text}`);
    assert.match(r.text, /OperationOutcome/);
  }
});

test('the main server stops cleanly', async () => {
  assertCleanExit(await server.stop(), server);
});

test('a slow client (half a request line) is cut off by --conn-timeout; others are served meanwhile', async () => {
  const s = await startServer(data, ['--conn-timeout', '2']);
  try {
    const tok = await pros.login(s);
    const slow = raw(s, ['GET /fhir/meta'], { timeoutMs: 10_000 });
    const slow2 = raw(s, ['GET /fhir/metadata HTTP/1.1\r\nHost: x\r\nX-A: '], { timeoutMs: 10_000 });
    // meanwhile, normal requests are answered promptly
    const t0 = Date.now();
    for (let i = 0; i < 5; i++) {
      const r = await http(s, 'GET', `/fhir/Patient?identifier=${q(`${NIR_SYSTEM}|${nir}`)}`, { token: tok });
      assert.equal(r.status, 200);
      await sleep(100);
    }
    assert.ok(Date.now() - t0 < 1900, 'served while the slow clients hang');
    for (const res of [await slow, await slow2]) {
      assert.ok(res.closed, 'the server closed the slow connection');
      assert.ok(!res.timedOut);
      assert.ok(res.ms >= 1500 && res.ms < 6000, `closed after ${res.ms} ms (timeout 2 s)`);
      assert.ok(res.status === null || (res.status >= 400 && res.status < 500), res.text.slice(0, 200));
    }
  } finally {
    assertCleanExit(await s.stop(), s);
  }
});

// Issue 12, item 8: each malformed request makes libmicrohttpd write one or two
// warn lines, so a client wrote the log at its own rate. At most 10 a second
// are written now; the rest are counted, and one line a second tells how many.
test('300 malformed requests: at most 10 library lines a second, the rest told as counts', async () => {
  const d = path.join(await makeTmp(), 'data');
  await vigieOk(['init', '--data', d]);
  const s = await startServer(d);
  const N = 300;
  try {
    for (let i = 0; i < N; i += 30) {
      // HTTP/1.1 without a Host header: refused by libmicrohttpd itself
      const batch = await Promise.all(Array.from({ length: 30 }, () =>
        raw(s, ['GET /healthz HTTP/1.1\r\nUser-Agent: flood\r\n\r\n'], { waitClose: true })));
      for (const r of batch) assert.equal(r.status, 400, r.text.slice(0, 200));
    }
    assert.equal((await http(s, 'GET', '/healthz')).status, 200, 'still serving');
  } finally {
    assertCleanExit(await s.stop(), s); // the last second's count is told at the stop
  }
  const events = s.stderr().split('\n').filter((l) => l.includes('"event":"http.library'))
    .map((l) => JSON.parse(l.slice(l.indexOf('{'))));
  const written = events.filter((e) => e.event === 'http.library');
  const summaries = events.filter((e) => e.event === 'http.library_suppressed');
  const told = summaries.reduce((n, e) => n + e.suppressed, 0);
  // Nothing is lost: every request's message is written or counted.
  assert.ok(written.length + told >= N, `${written.length} written + ${told} counted for ${N} requests`);
  // At most 10 written in any second (counted by the summaries' own seconds,
  // and by the span of the lines' timestamps), one summary per second at most.
  const secs = written.map((e) => Math.floor(Date.parse(e.ts) / 1000));
  const span = Math.max(...secs) - Math.min(...secs) + 1;
  assert.ok(written.length <= 10 * span, `${written.length} library lines over ${span} s`);
  assert.ok(summaries.length >= 1 && summaries.length <= span + 1, `${summaries.length} summaries over ${span} s`);
  assert.equal(new Set(summaries.map((e) => e.second)).size, summaries.length, 'one summary per second');
  assert.ok(summaries.every((e) => Number.isInteger(e.second) && e.suppressed > 0));
});

/**
 * Send head, then trickle the bytes of rest one every `every` ms on a raw socket to s, until the
 * server closes it or all is sent. Resolves { closed, sent, of, text }.
 */
async function trickle(s, head, rest, every) {
  const net = await import('node:net');
  return new Promise((resolve) => {
    const c = net.connect({ host: '127.0.0.1', port: s.port });
    let closed = false, sent = 0, text = '';
    c.on('data', (b) => { text += b.toString(); });
    c.on('error', () => {});
    c.on('close', () => { closed = true; });
    c.on('connect', async () => {
      c.write(head);
      for (; sent < rest.length && !closed; sent++) {
        await sleep(every);
        if (!closed) c.write(rest[sent]);
      }
      await sleep(500);
      c.destroy();
      resolve({ closed, sent, of: rest.length, text });
    });
  });
}

// Issue 12, item 8: the idle timeout alone lets a client that trickles keep a
// connection for as long as it likes. Headers and bodies have absolute
// deadlines (--deadline S): however steady the trickle, the connection is shut.
test('a trickle of headers or of a body is cut at --deadline, well inside the idle timeout', async () => {
  const s = await startServer(data, ['--deadline', '2', '--conn-timeout', '30']);
  try {
    const headers = await trickle(s, 'GET /fhir/metadata HTTP/1.1\r\nHost: x\r\n', 'X-Slow: ' + 'a'.repeat(40) + '\r\n\r\n', 250);
    assert.ok(headers.closed, 'the server shut the trickling connection');
    assert.ok(headers.sent < headers.of, `cut after ${headers.sent} of ${headers.of} bytes (one every 250 ms)`);
    const body = '{"code":"' + 'A'.repeat(40) + '"}';
    const slowBody = await trickle(s, `POST /verify HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`, body, 250);
    assert.ok(slowBody.closed, 'the server shut the connection trickling a body');
    assert.ok(slowBody.sent < slowBody.of, `cut after ${slowBody.sent} of ${slowBody.of} body bytes`);
    // A connection kept alive between prompt requests is not cut: each request has its own deadline.
    const net = await import('node:net');
    const c = net.connect({ host: '127.0.0.1', port: s.port });
    let got = '';
    c.on('data', (b) => { got += b.toString(); });
    await new Promise((r) => c.on('connect', r));
    for (let i = 0; i < 4; i++) {
      c.write('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n');
      await sleep(900);
    }
    c.destroy();
    assert.equal((got.match(/HTTP\/1\.1 200/g) ?? []).length, 4, got.slice(0, 300));
    const m = await http(s, 'GET', '/healthz');
    assert.equal(m.status, 200);
  } finally {
    assertCleanExit(await s.stop(), s);
  }
});

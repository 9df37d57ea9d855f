// mta.test.mjs - the test MTA itself (mta.mjs) against the real smtpd, so that what
// incident.test.mjs reads of a mailbox is what was sent: decoders, delivery, two at once,
// nothing left running. Needs root and opensmtpd (scripts/deps.sh test installs it).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';

import { startMta, mtaAvailable, decodeEncodedWords, decodeQuotedPrintable } from './mta.mjs';

/** A minimal SMTP client: one message, every reply checked; resolves the reply to the data. */
function smtpSend(port, { from, to, data }) {
  return new Promise((resolve, reject) => {
    const sock = net.connect({ host: '127.0.0.1', port });
    let body = data.replace(/\r?\n/g, '\r\n').replace(/^\./gm, '..'); // CRLF, dot-stuffing
    if (body.endsWith('\r\n')) body = body.slice(0, -2); // the terminator adds the last CRLF
    const steps = [[220], ['EHLO selftest.vigie.test', 250], [`MAIL FROM:<${from}>`, 250],
      [`RCPT TO:<${to}>`, 250], ['DATA', 354], [`${body}\r\n.`, 250], ['QUIT', 221]];
    let i = 0, buf = '', accepted = '';
    const timer = setTimeout(() => { sock.destroy(); reject(new Error(`SMTP timeout at step ${i}: ${buf}`)); }, 10_000);
    sock.on('data', (b) => {
      buf += b.toString('utf8');
      const m = /(?:^|\r\n)(\d{3}) [^\r\n]*\r\n$/.exec(buf);
      if (!m) return; // multi-line reply not finished
      const want = steps[i].at(-1);
      if (Number(m[1]) !== want) { clearTimeout(timer); sock.destroy(); return reject(new Error(`SMTP step ${i}: wanted ${want}, got ${buf}`)); }
      if (i === 5) accepted = buf.trim();
      buf = '';
      if (++i === steps.length) { clearTimeout(timer); sock.end(); return resolve(accepted); }
      sock.write(`${steps[i][0]}\r\n`);
    });
    sock.on('error', (e) => { clearTimeout(timer); reject(e); });
  });
}

const b64 = (s) => Buffer.from(s, 'utf8').toString('base64');

// Every process below pid (by /proc ppid links).
function descendants(pid) {
  const parent = new Map();
  for (const d of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${d}/stat`, 'utf8');
      parent.set(Number(d), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch { /* gone */ }
  }
  const out = [];
  const walk = (p) => { for (const [c, pp] of parent) if (pp === p) { out.push(c); walk(c); } };
  walk(pid);
  return out;
}
// Gone, or a zombie (this sandbox's init may not reap orphans).
function gone(pid) {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] === 'Z';
  } catch { return true; }
}

const avail = mtaAvailable();
assert.ok(avail.ok, `the test MTA cannot run here: ${avail.reason}`);

// Unit checks of the decoders.
assert.equal(decodeQuotedPrintable('Ce qui a =C3=A9t=C3=A9 vu=\n, soft  \nx=3D=4').toString('utf8'), 'Ce qui a été vu, soft\nx==4');
assert.equal(decodeEncodedWords('=?UTF-8?Q?R=C3=A9sum=C3=A9_du?=\t =?utf-8?B?IGpvdXI=?= !'), 'Résumé du jour !');
assert.equal(decodeEncodedWords('a =?ISO-8859-1?Q?=E9t=E9?= b'), 'a été b');
// A UTF-8 character split across two encoded-words.
assert.equal(decodeEncodedWords('=?UTF-8?Q?=C3?= =?UTF-8?Q?=A9?='), 'é');
assert.equal(decodeEncodedWords('plain = ? text'), 'plain = ? text');

const t0 = Date.now();
const a = await startMta();
const startMs = Date.now() - t0;
console.log(`startMta: ${startMs} ms (isolated=${a.isolated}, port ${a.port}, pid ${a.pid})`);
assert.equal(a.host, '127.0.0.1');
assert.equal(a.url, `smtp://127.0.0.1:${a.port}`);
assert.equal(fs.readFileSync(`/proc/${a.pid}/comm`, 'utf8').trim(), 'smtpd', 'the PID held is smtpd itself');
assert.equal((fs.statSync(`${a.dir}/smtpd.conf`).mode & 0o777).toString(8), '600');
assert.deepEqual(await a.messages(), []);

const subject1 = 'Ce qui a été vu — alerte';
const reply = await smtpSend(a.port, {
  from: 'vigie@hopital.example', to: 'dpo@anything.example',
  data: [
    'From: Vigie <vigie@hopital.example>',
    'To: =?UTF-8?Q?D=C3=A9l=C3=A9gu=C3=A9?= <dpo@anything.example>',
    `Subject: =?UTF-8?B?${b64(subject1)}?=`,
    'Message-ID: <selftest-1@vigie.test>',
    'Date: Tue, 01 Dec 2026 10:00:00 +0100',
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=UTF-8',
    'Content-Transfer-Encoding: quoted-printable',
    '',
    'Ce qui a =C3=A9t=C3=A9 vu',
    '.une ligne qui commence par un point, et une tr=C3=A8s longue ligne coup=',
    '=C3=A9e en deux',
    '',
  ].join('\n'),
});
assert.match(reply, /^250 /);

await smtpSend(a.port, {
  from: 'other@sender.example', to: 'someone@elsewhere.test',
  data: [
    'From: other@sender.example',
    'To: someone@elsewhere.test',
    'Subject: =?UTF-8?Q?R=C3=A9sum=C3=A9_du?=',
    ' =?UTF-8?Q?_jour?=',
    'Message-ID: <selftest-2@vigie.test>',
    'MIME-Version: 1.0',
    'Content-Type: multipart/mixed; boundary="b=1"',
    '',
    'preamble',
    '--b=1',
    'Content-Type: text/plain; charset=UTF-8',
    'Content-Transfer-Encoding: 8bit',
    '',
    'Pièce jointe.',
    '--b=1',
    'Content-Type: application/pdf',
    "Content-Disposition: attachment; filename*=UTF-8''r%C3%A9sum%C3%A9.pdf",
    'Content-Transfer-Encoding: base64',
    '',
    b64('%PDF-1.4 not really'),
    '--b=1--',
    '',
  ].join('\n'),
});

let got = await a.waitFor(2, 10_000);
assert.equal(got.length, 2);
const m1 = got.find((m) => m.messageId === '<selftest-1@vigie.test>');
const m2 = got.find((m) => m.messageId === '<selftest-2@vigie.test>');
assert.ok(m1 && m2, `both messages delivered: ${got.map((m) => m.messageId)}`);
assert.equal(m1.subject, subject1);
assert.equal(m1.body, 'Ce qui a été vu\n.une ligne qui commence par un point, et une très longue ligne coupée en deux\n');
assert.equal(m1.from, 'Vigie <vigie@hopital.example>');
assert.equal(m1.to, 'Délégué <dpo@anything.example>');
assert.deepEqual(m1.headers.get('delivered-to'), ['dpo@anything.example']);
assert.equal(m1.headers.get('received').length, 1);
assert.ok(!m1.headers.get('received')[0].includes('\n'), 'Received is unfolded');
assert.match(m1.raw, /^Return-Path: <vigie@hopital\.example>/);
assert.match(m1.file, /\/Maildir\/(new|cur)\//);
assert.equal(m2.subject, 'Résumé du jour');
assert.equal(m2.parts.length, 2);
assert.equal(m2.parts[0].text, 'Pièce jointe.');
assert.equal(m2.parts[1].contentType, 'application/pdf');
assert.equal(m2.parts[1].filename, 'résumé.pdf');
assert.equal(m2.parts[1].content.toString(), '%PDF-1.4 not really');
assert.equal(m1.parts.length, 1);
assert.equal(m1.parts[0].text, m1.body);

await assert.rejects(a.waitFor(3, 300), /expected 3 message\(s\) .* within 300 ms, 2 arrived/);

// A second MTA at the same time: its own port, its own Maildir.
let b = null;
if (a.isolated) {
  const t1 = Date.now();
  b = await startMta();
  console.log(`second startMta: ${Date.now() - t1} ms (port ${b.port}, pid ${b.pid})`);
  assert.notEqual(b.port, a.port);
  assert.notEqual(b.dir, a.dir);
  await Promise.all([
    smtpSend(b.port, { from: 'x@y.example', to: 'b@b.example', data: 'Subject: to b\nMessage-ID: <b@t>\n\nb\n' }),
    smtpSend(a.port, { from: 'x@y.example', to: 'a@a.example', data: 'Subject: to a\nMessage-ID: <a@t>\n\na\n' }),
  ]);
  const [gb, ga] = await Promise.all([b.waitFor(1), a.waitFor(3)]);
  assert.deepEqual(gb.map((m) => m.subject), ['to b']);
  assert.equal(gb[0].body, 'b\n');
  assert.ok(ga.some((m) => m.subject === 'to a'));
  await sleep(300);
  assert.equal((await a.messages()).length, 3, 'a got nothing of b\'s');
  assert.equal((await b.messages()).length, 1, 'b got nothing of a\'s');
} else {
  console.log('shared spool (no mount namespace): a second concurrent MTA is refused in this process');
  await assert.rejects(startMta(), /already runs an MTA/);
}

const mtas = [a, b].filter(Boolean);
const pids = mtas.flatMap((m) => [m.pid, ...descendants(m.pid)]);
assert.ok(pids.length >= 2 * mtas.length, `smtpd forks its processes: ${pids}`);
const t2 = Date.now();
const results = await Promise.all(mtas.map((m) => m.stop()));
console.log(`stop: ${Date.now() - t2} ms, exits ${JSON.stringify(results)}`);
assert.equal(await a.stop(), results[0], 'stop() again returns the same result');
for (const pid of pids) assert.ok(gone(pid), `process ${pid} is gone`);
for (const m of mtas) assert.ok(!fs.existsSync(m.dir), `${m.dir} removed`);
for (const m of mtas) {
  await new Promise((resolve, reject) => {
    const s = net.connect({ host: '127.0.0.1', port: m.port });
    s.on('connect', () => { s.destroy(); reject(new Error(`port ${m.port} still accepts`)); });
    s.on('error', () => resolve());
  });
}
console.log(`ok: mta.mjs self-test passed (${pids.length} smtpd processes started and gone)`);

function sleep(ms) { return new Promise((r) => setTimeout(r, ms)); }

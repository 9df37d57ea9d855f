// incident.test.mjs - after a breach (issue 13), end to end against the real server, a real
// MTA (OpenSMTPD, started here) and pdftotext: two stolen pharmacist accounts look people up;
// an operator opens an incident from their scope, over HTTP and the command line; the exact
// affected set, its export and the regulator's draft; e-mails in a real Maildir and PDF
// letters, each with a code that verifies; a campaign killed mid-way and resumed; phishing
// reports; and the bad inputs each endpoint must refuse without changing anything.
import { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {
  test, NIR_SYSTEM, seededDataDir, startServer, readSample, readAccounts, readTsv, Pros, http,
  assertOutcome, totpAtStep, nowStep, sleep, pinClock, serviceNowS, clockOffsetS, vigie, vigieOk,
  makeTmp, BIN,
} from './lib.mjs';
import { startMta } from './mta.mjs';

// Lookups in opening hours, a Tuesday afternoon in Paris, whatever the hour the suite runs.
pinClock('2026-12-01T15:00:00+01:00');

let data, server, pros, sample, operator, mta, outDir;
const OFFSET = () => ['--clock-offset', String(clockOffsetS())];
const FROM = 'securite@assurance-maladie.test';

const q = (nir) => `/fhir/Patient?identifier=${encodeURIComponent(`${NIR_SYSTEM}|${nir}`)}`;

let opStep = -1;
async function operatorToken() {
  let step = Math.max(nowStep(), opStep + 1);
  while (step > nowStep() + 1) { await sleep(250); step = Math.max(nowStep(), opStep + 1); }
  opStep = step;
  const r = await http(server, 'POST', '/auth/pro/login',
    { body: { rpps: operator.rpps, password: operator.password, totp: totpAtStep(operator.totp_secret, step) } });
  assert.equal(r.status, 200, r.text);
  return r.json.access_token;
}

// Who was seen, as the stolen accounts saw it.
const seen = { full: new Map(), minimisedNirs: new Set(), minimisedPersons: 0, outside: new Set() };
let A, B, C, op, accountNir;
const key = (p) => `${p.name?.[0]?.family}|${(p.name?.[0]?.given ?? []).join(' ')}|${p.birthDate}`;

before(async () => {
  data = await seededDataDir({ pros: 12, sample: 600, accounts: 5 });
  server = await startServer(data);
  pros = new Pros(data);
  sample = readSample(data);
  operator = readTsv(path.join(data, 'operators.tsv'))[0];
  const ph = pros.all.filter((p) => p.kind === 'pharmacist' || p.profession === 'pharmacist');
  [A, B, C] = (ph.length >= 3 ? ph : pros.all).slice(0, 3);
  pros.next = pros.all.length; // this file hands out its own
  const tA = await pros.login(server, A);
  const tB = await pros.login(server, B);
  const tC = await pros.login(server, C);
  const nirs = [...new Set(sample.filter((r) => r.rank === '0').map((r) => r.nir))];
  // One insured person with an online account is among those A looks up: their messages.
  accountNir = readAccounts(data)[0].nir;
  const fullA = [accountNir, ...nirs.filter((n) => n !== accountNir).slice(0, 5)];
  const fullB = nirs.filter((n) => n !== accountNir).slice(5, 11);
  const minB = nirs.filter((n) => n !== accountNir).slice(11, 19);
  const outsideC = nirs.filter((n) => n !== accountNir).slice(19, 23);
  for (const [t, list] of [[tA, fullA], [tB, fullB]]) {
    for (const nir of list) {
      const r = await http(server, 'GET', q(nir), { token: t });
      assert.equal(r.status, 200, r.text);
      for (const e of r.json.entry ?? []) seen.full.set(key(e.resource), e.resource);
    }
  }
  // Without the card: verifications (the NIR and the birth date stated; rights, no identity).
  const birth = new Map(sample.filter((r) => r.rank === '0').map((r) => [r.nir, r.birth_date]));
  for (const nir of minB) {
    const r = await http(server, 'GET', `${q(nir)}&birthdate=${birth.get(nir)}`, { token: tB, card: false });
    if (r.status !== 200) break; // a step-up is asked: enough
    assert.equal(r.headers.get('vigie-guard'), 'verify');
    seen.minimisedNirs.add(nir);
    seen.minimisedPersons += r.json.total;
  }
  // (Whether the guard minimised some of them is its business: the set must say which.)
  for (const nir of outsideC) {
    const r = await http(server, 'GET', q(nir), { token: tC });
    assert.equal(r.status, 200, r.text);
    for (const e of r.json.entry ?? []) seen.outside.add(key(e.resource));
  }
  op = await operatorToken();
  mta = await startMta();
  outDir = path.join(await makeTmp(), 'letters');
  fs.mkdirSync(outDir);
});

after(async () => { if (mta) await mta.stop(); });

const day = '2026-12-01';
const scopeAB = () => ({ title: 'Comptes volés, deux pharmacies', rpps: `${A.rpps},${B.rpps}`, from: day, to: '2026-12-02' });
let incident, affectedCount;

test('bad scopes and unknown incidents are refused with a clear error, and change nothing', async () => {
  const before_ = await http(server, 'GET', '/admin/incidents', { token: op });
  assert.equal(before_.status, 200);
  const cases = [
    [{}, 400], [{ rpps: A.rpps, from: day }, 400],
    [{ ...scopeAB(), rpps: '12345678901' }, 400], // Luhn
    [{ ...scopeAB(), from: '2026-12-02', to: day }, 400],
    [{ ...scopeAB(), from: '2031-01-01', to: '2031-01-02' }, 400], // the future
    [{ ...scopeAB(), ip: 'not-an-address' }, 400],
    [{ ...scopeAB(), rpps: `${A.rpps},${A.rpps}` }, 400],
    [{ ...scopeAB(), rpps: operator.rpps }, 400], // an operator's account looks nobody up
  ];
  for (const [body, status] of cases) {
    const r = await http(server, 'POST', '/admin/incidents/open', { token: op, body });
    assertOutcome(r, status);
  }
  assertOutcome(await http(server, 'POST', '/admin/incidents/open', { token: op, body: 'x'.repeat(70_000), contentType: 'application/json' }), 413);
  assertOutcome(await http(server, 'POST', '/admin/incidents/open', { token: op, body: '{"rpps":', contentType: 'application/json' }), 400);
  assertOutcome(await http(server, 'GET', '/admin/incidents/999999', { token: op }), 404);
  assertOutcome(await http(server, 'GET', '/admin/incidents/abc', { token: op }), 404);
  assertOutcome(await http(server, 'GET', '/admin/incidents/1/nothing', { token: op }), 404);
  assertOutcome(await http(server, 'POST', '/admin/incidents/999999/close', { token: op }), 404);
  // Only operators: a pharmacist's token is refused.
  const tA = await pros.login(server, A);
  assertOutcome(await http(server, 'POST', '/admin/incidents/open', { token: tA, body: scopeAB() }), 403);
  assertOutcome(await http(server, 'GET', '/admin/incidents', {}), 401);
  const after_ = await http(server, 'GET', '/admin/incidents', { token: op });
  assert.deepEqual(after_.json, before_.json, 'no incident was created');
});

test('open over HTTP: the exact affected set, by field and decision, journaled', async () => {
  const r = await http(server, 'POST', '/admin/incidents/open', { token: op, body: scopeAB() });
  assert.equal(r.status, 201, r.text);
  incident = r.json.id;
  assert.ok(Number.isInteger(r.json.journal_entry), 'the act has a journal entry');
  const a = r.json.affected;
  // Everyone answered is listed; so is everyone else billed under an answered NIR (a card
  // answers its holder, a verification the person stated), as "uncertain": no one missed.
  const answered = seen.full.size + seen.minimisedPersons;
  assert.ok(seen.minimisedPersons > 0 && seen.full.size > 0);
  assert.ok(a.persons >= answered, JSON.stringify(a));
  assert.ok(a.persons - a.uncertain <= answered, JSON.stringify(a));
  assert.ok(a.by_decision.minimised.persons >= seen.minimisedPersons);
  assert.ok(a.by_decision.full.persons >= seen.full.size);
  assert.equal(a.by_decision.full.persons + a.by_decision.minimised.persons, a.persons, 'A and B saw different NIRs');
  assert.equal(a.by_field.name.persons, a.by_decision.full.persons, 'names only in full answers');
  affectedCount = a.persons;
  assert.equal(a.by_field.identifier.persons, a.persons);
  assert.equal(r.json.scope.length, 2);
  // 72 hours from opening.
  assert.equal(Date.parse(r.json.notify_before) - Date.parse(r.json.opened), 72 * 3600 * 1000);
  // Overlapping the scope again is refused, and adds nothing.
  const o = await http(server, 'POST', `/admin/incidents/${incident}/widen`, { token: op, body: { rpps: A.rpps, from: day, to: '2026-12-02' } });
  assertOutcome(o, 409);
  const title = await http(server, 'POST', `/admin/incidents/${incident}/widen`, { token: op, body: { ...scopeAB(), rpps: C.rpps } });
  assertOutcome(title, 400); // widening takes no title
  const s = await http(server, 'GET', `/admin/incidents/${incident}`, { token: op });
  assert.equal(s.json.affected.persons, a.persons);
});

test('export: the list in JSON and CSV, page by page, journaled before it leaves', async () => {
  const j = await http(server, 'GET', `/admin/incidents/${incident}/export?format=json`, { token: op });
  assert.equal(j.status, 200, j.text);
  assert.match(j.headers.get('vigie-journal-entry') ?? '', /^\d+$/);
  const people = j.json.persons;
  assert.equal(people.length, affectedCount);
  const names = new Set(people.map((p) => `${p.family}|${p.given}|${p.birth_date}`));
  for (const k of seen.full.keys()) assert.ok(names.has(k), `${k} is in the list`);
  // Those not seen in a full answer were verified, or are listed as a precaution.
  assert.ok(people.filter((p) => !seen.full.has(`${p.family}|${p.given}|${p.birth_date}`))
    .every((p) => p.uncertain || p.minimised > 0), 'every other listed person is accounted for');
  for (const k of seen.outside) assert.ok(!names.has(k), 'a person only C looked up is not');
  assert.ok(people.every((p) => p.entries.length >= 1 && p.fields.includes('identifier')));
  assert.ok(!j.text.match(/[12]\d{4}(\d{2}|2A|2B)\d{8}/), 'no NIR in the export');
  // Pages: limit 2, then after.
  let after_ = 0; const paged = [];
  for (;;) {
    const p = await http(server, 'GET', `/admin/incidents/${incident}/export?format=json&limit=2&after=${after_}`, { token: op });
    assert.equal(p.status, 200);
    paged.push(...p.json.persons);
    if (!p.json.next_after) break;
    after_ = p.json.next_after;
  }
  assert.deepEqual(paged.map((p) => p.id), people.map((p) => p.id));
  const c = await http(server, 'GET', `/admin/incidents/${incident}/export?format=csv`, { token: op });
  assert.equal(c.status, 200);
  assert.match(c.headers.get('content-type'), /text\/csv/);
  const lines = c.text.trim().split('\r\n');
  assert.equal(lines.length, people.length + 1);
  assertOutcome(await http(server, 'GET', `/admin/incidents/${incident}/export?format=xml`, { token: op }), 400);
  assertOutcome(await http(server, 'GET', `/admin/incidents/${incident}/export?limit=0`, { token: op }), 400);
  assertOutcome(await http(server, 'GET', `/admin/incidents/${incident}/export?after=-1`, { token: op }), 400);
});

test('the regulator\'s draft: nature, numbers, consequences, measures, contact, 72 hours', async () => {
  const d = await http(server, 'GET', `/admin/incidents/${incident}/draft`, { token: op });
  assert.equal(d.status, 200);
  assert.match(d.headers.get('content-type'), /text\/plain/);
  for (const s of ['article 33', 'Nature de la violation', 'Conséquences probables', 'Mesures prises', 'Contact', '72 heures', A.rpps, B.rpps])
    assert.ok(d.text.includes(s), `the draft says ${s}`);
  assert.ok(d.text.includes(String(affectedCount)), 'the exact count');
});

test('the command line, with the server running: show, widen through the control socket', async () => {
  const show = await vigieOk(['incident', 'show', '--data', data, '--incident', String(incident), ...OFFSET()]);
  assert.match(show.stdout, new RegExp(`affected: ${affectedCount} people`));
  // The list from the command line too: journaled through the running server, into a new file.
  const file = path.join(await makeTmp(), 'affected.json');
  const ex = await vigieOk(['incident', 'export', '--data', data, '--incident', String(incident), '--format', 'json',
    '--out', file, ...OFFSET()]);
  assert.match(ex.stderr, /people written to .* \(journal entry \d+\)/);
  assert.equal(JSON.parse(fs.readFileSync(file, 'utf8')).persons.length, affectedCount);
  assert.equal((fs.statSync(file).mode & 0o777).toString(8), '600', 'the list is private');
  const again_ = await vigie(['incident', 'export', '--data', data, '--incident', String(incident), '--out', file]);
  assert.equal(again_.code, 1, 'an existing file is never overwritten');
  const list = await vigieOk(['incident', 'list', '--data', data]);
  assert.match(list.stdout, new RegExp(`^${incident}\\topen`, 'm'));
  const w = await vigieOk(['incident', 'widen', '--data', data, '--incident', String(incident), '--rpps', C.rpps,
    '--from', day, '--to', '2026-12-02', ...OFFSET()]);
  assert.match(w.stderr, /widened \(journal entry \d+\)/);
  const s = await http(server, 'GET', `/admin/incidents/${incident}`, { token: op });
  assert.equal(s.json.scope.length, 3);
  assert.ok(s.json.affected.persons > affectedCount, 'C\'s people are in now');
  const again = await vigie(['incident', 'widen', '--data', data, '--incident', String(incident), '--rpps', C.rpps,
    '--from', day, '--to', '2026-12-02', ...OFFSET()]);
  assert.equal(again.code, 1);
  assert.match(again.stderr, /already in the scope/);
  const bad = await vigie(['incident', 'show', '--data', data, '--incident', '424242']);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /no incident 424242/);
  const none = await vigie(['incident', 'open', '--data', data, '--rpps', A.rpps, '--from', day]);
  assert.equal(none.code, 1);
  assert.match(none.stderr, /needs --rpps/);
});

let persons;
test('e-mails into a real mailbox: French, no link, a code that verifies; killed mid-way and resumed', async () => {
  const s = await http(server, 'GET', `/admin/incidents/${incident}`, { token: op });
  persons = s.json.affected.persons;
  // A slow campaign, killed by SIGKILL once a few messages are in.
  const args = ['notify', '--data', data, '--incident', String(incident), '--channel', 'email',
    '--smtp', mta.url, '--from-address', FROM, '--rate', '10', ...OFFSET()];
  const child = spawn(BIN, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  const exited = new Promise((r) => child.on('exit', (code, signal) => r({ code, signal })));
  await mta.waitFor(4, 30_000);
  process.kill(child.pid, 'SIGKILL');
  assert.equal((await exited).signal, 'SIGKILL');
  const mid = (await mta.messages()).length;
  assert.ok(mid < persons, `killed before the end (${mid} of ${persons})`);
  const rest = await vigie(args.filter((a, i) => !(a === '--rate' || args[i - 1] === '--rate')));
  assert.equal(rest.code, 0, rest.stderr);
  const msgs = await mta.waitFor(persons, 30_000);
  // Everyone once; a second copy only for those in flight at the kill (one per connection,
  // 4 by default), byte-identical.
  const byId = new Map();
  for (const m of msgs) {
    if (!byId.has(m.messageId)) byId.set(m.messageId, []);
    byId.get(m.messageId).push(m);
  }
  assert.equal(byId.size, persons, 'one Message-ID per person');
  const dups = [...byId.values()].filter((l) => l.length > 1);
  assert.ok(dups.length <= 4, `at most the messages in flight twice (${dups.length})`);
  for (const l of dups) assert.equal(l[0].body, l[1].body, 'a resent message is identical');
  // Each message: headers, French, the code, no link.
  const codes = new Set();
  for (const [, [m]] of byId) {
    assert.equal(m.headers.get('auto-submitted')?.[0], 'auto-generated');
    assert.match(m.headers.get('content-type')?.[0] ?? '', /text\/plain; charset=UTF-8/i);
    assert.match(m.from, /assurance-maladie\.test/);
    assert.match(m.subject, /Consultation de vos données/);
    assert.match(m.body, /Ce qui a été vu : .*votre numéro de sécurité sociale/);
    assert.match(m.body, /Ce qui n'a pas été vu/);
    assert.match(m.body, /Ne donnez jamais un mot de passe/);
    assert.doesNotMatch(m.body, /https?:|www\.|:\/\//i, 'no link');
    const code = /^ {4}([0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4})$/m.exec(m.body)?.[1];
    assert.ok(code, 'the code is on its own line');
    codes.add(code);
  }
  assert.equal(codes.size, persons, 'every person has their own code');
  // A third run sends nothing.
  const again = await vigieOk(args);
  assert.match(again.stderr, new RegExp(`${persons} sent, 0 failed`));
  await sleep(1500);
  assert.equal((await mta.messages()).length, msgs.length, 'nothing more was sent');
  // The codes verify; the answer has date, channel, subject only.
  const code = [...codes][0];
  const v = await http(server, 'POST', '/verify', { body: { code: code.toLowerCase().replaceAll('-', ' ') } });
  assert.equal(v.status, 200, v.text);
  assert.equal(v.json.genuine, true);
  assert.equal(v.json.channel, 'email');
  assert.equal(v.json.date, '2026-12-01');
  assert.match(v.json.subject, /Consultation/);
  assert.deepEqual(Object.keys(v.json).sort(), ['advice', 'channel', 'code', 'date', 'genuine', 'subject']);
  assert.ok(!v.text.includes('Bonjour'), 'no text of the message');
});

test('letters: printer-ready PDF batches, one letter per person, each code verifies', async () => {
  const r = await vigieOk(['notify', '--data', data, '--incident', String(incident), '--channel', 'letter',
    '--out', outDir, '--batch', '4', '--quiet', ...OFFSET()]);
  assert.equal(r.code, 0);
  const files = fs.readdirSync(outDir).filter((f) => f.endsWith('.pdf'));
  assert.equal(files.length, Math.ceil(persons / 4), files.join(' '));
  assert.ok(!fs.readdirSync(outDir).some((f) => f.endsWith('.tmp')));
  let letters = 0; const codes = [];
  for (const f of files) {
    const text = execFileSync('pdftotext', ['-layout', path.join(outDir, f), '-'], { encoding: 'utf8' });
    assert.match(text, /Ce qui a été vu/);
    assert.doesNotMatch(text, /https?:|www\./);
    for (const m of text.matchAll(/([0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4})/g)) codes.push(m[1]);
    letters += (text.match(/^ *Bonjour /gm) ?? []).length;
  }
  assert.equal(letters, persons, 'one letter per person');
  const distinct = [...new Set(codes)];
  assert.equal(distinct.length, persons);
  const v = await http(server, 'POST', '/verify', { body: { code: distinct[0] } });
  assert.equal(v.json.genuine, true);
  assert.equal(v.json.channel, 'letter');
  // Run again: no new file, nobody gets a second letter.
  await vigieOk(['notify', '--data', data, '--incident', String(incident), '--channel', 'letter', '--out', outDir, '--quiet', ...OFFSET()]);
  assert.deepEqual(fs.readdirSync(outDir).filter((f) => f.endsWith('.pdf')).sort(), files.sort());
  const bad = await vigie(['notify', '--data', data, '--incident', String(incident), '--channel', 'letter', '--out', '/nonexistent']);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /output directory/);
  const unknown = await vigie(['notify', '--data', data, '--incident', '9999', '--channel', 'email', '--smtp', mta.url, '--from-address', FROM]);
  assert.equal(unknown.code, 1);
  assert.match(unknown.stderr, /no such incident/);
});

test('the insured person sees the full text of their messages in their account', async () => {
  const acct = readAccounts(data).find((a) => a.nir === accountNir);
  const l = await http(server, 'POST', '/auth/insured/login', { body: { login: acct.email, password: acct.password } });
  assert.equal(l.status, 200, l.text);
  const m = await http(server, 'GET', '/me/messages', { token: l.json.access_token });
  assert.equal(m.status, 200, m.text);
  const channels = new Set(m.json.messages.map((x) => x.channel));
  assert.ok(channels.has('email') && channels.has('letter'), [...channels].join());
  for (const x of m.json.messages) {
    assert.ok(x.text.includes(x.code), 'the text carries its code');
    const v = await http(server, 'POST', '/verify', { body: { code: x.code } });
    assert.equal(v.json.genuine, true);
  }
  assertOutcome(await http(server, 'GET', '/me/messages', {}), 401);
});

test('unknown and malformed codes: the same shape of answer, phishing advice, throttled', async () => {
  const u = await http(server, 'POST', '/verify', { body: { code: 'K7QM-3XPA-9FRT' } });
  assert.equal(u.status, 200);
  assert.equal(u.json.genuine, false);
  assert.deepEqual(Object.keys(u.json).sort(), ['advice', 'channel', 'code', 'date', 'genuine', 'subject']);
  assert.match(u.json.advice, /ne vient probablement pas de nous/);
  for (const body of [{ code: 'K7QM-3XPA' }, { code: 'K7QM-3XPA-9FRU' }, { code: 7 }, {}, { code: 'x', more: 1 }])
    assertOutcome(await http(server, 'POST', '/verify', { body }), 400);
  assertOutcome(await http(server, 'POST', '/verify', { body: 'code=K7QM', contentType: 'text/plain' }), 415);
  // Guessing: 10 unknown codes from one address, then 429.
  let throttled = 0;
  for (let i = 0; i < 14; i++) {
    const r = await http(server, 'POST', '/verify', { body: { code: `ZZZZ-ZZZZ-ZZ${String(i).padStart(2, '0')}` } });
    if (r.status === 429) { throttled++; assert.match(r.headers.get('retry-after') ?? '', /^\d+$/); }
  }
  assert.ok(throttled >= 3, `guessing is throttled (${throttled})`);
});

test('reporting a suspicious message: stored for operators, counted, bad reports refused', async () => {
  const text = 'Assurance Maladie : votre carte Vitale expire, renouvelez-la (2,90 EUR) sur http://ameli-carte.example';
  const r = await http(server, 'POST', '/report-phishing', { body: { channel: 'sms', sender: '+33 6 00 00 00 00', text } });
  assert.equal(r.status, 201, r.text);
  assert.match(r.json.advice, /Merci/);
  for (const body of [{ channel: 'pigeon', text: 'x' }, { channel: 'sms' }, { channel: 'sms', text: 'x'.repeat(8001) }, { channel: 'sms', text: 'x', extra: 'y' }])
    assertOutcome(await http(server, 'POST', '/report-phishing', { body }), 400);
  assertOutcome(await http(server, 'POST', '/report-phishing', { body: { channel: 'sms', text: 'y'.repeat(70_000) } }), 413);
  const list = await http(server, 'GET', '/admin/reports', { token: op });
  assert.equal(list.status, 200, list.text);
  assert.equal(list.json.reports.length, 1, 'only the good report was stored');
  assert.equal(list.json.reports[0].report.text, text);
  assert.equal(list.json.reports[0].channel, 'sms');
  assertOutcome(await http(server, 'GET', '/admin/reports', {}), 401);
  const m = await http(server, 'GET', '/metrics', { token: op });
  assert.equal(m.status, 200, m.text);
  assert.match(m.text, /^vigie_phishing_reports_total 1$/m);
  assert.match(m.text, /^vigie_verify_genuine_total [1-9]\d*$/m);
  assert.match(m.text, /^vigie_verify_throttled_total [1-9]\d*$/m);
  // The report's text is sealed at rest: not in the database in clear.
  const db = fs.readFileSync(path.join(data, 'vigie.db'));
  assert.ok(!db.includes(Buffer.from('renouvelez-la')), 'the report is sealed');
});

test('closing: journaled; a closed incident cannot be widened; the journal verifies', async () => {
  const c = await vigieOk(['incident', 'close', '--data', data, '--incident', String(incident), ...OFFSET()]);
  assert.match(c.stderr, /closed \(journal entry \d+\)/);
  assertOutcome(await http(server, 'POST', `/admin/incidents/${incident}/close`, { token: op }), 409);
  assertOutcome(await http(server, 'POST', `/admin/incidents/${incident}/widen`, { token: op, body: { rpps: C.rpps, from: '2026-11-01', to: '2026-11-02' } }), 409);
  const s = await http(server, 'GET', `/admin/incidents/${incident}`, { token: op });
  assert.equal(s.json.status, 'closed');
  assert.equal(s.json.campaigns.length, 2);
  assert.ok(s.json.campaigns.every((x) => x.done && x.sent === persons));
  await server.stop();
  // Opened over HTTP, widened and closed from the console, exported, notified: in the journal.
  const v = await vigieOk(['journal', 'verify', '--data', data]);
  assert.match(v.stdout + v.stderr, /ok|verified/i);
  // With no server, the command line writes the journal itself.
  const o = await vigieOk(['incident', 'open', '--data', data, '--rpps', A.rpps, '--from', day, '--to', '2026-12-02', ...OFFSET()]);
  assert.match(o.stdout, /^\d+$/m);
  const d = await vigieOk(['incident', 'draft', '--data', data, '--incident', o.stdout.trim(), ...OFFSET()]);
  assert.match(d.stdout, /article 33/);
});

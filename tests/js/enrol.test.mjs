// enrol.test.mjs - `vigie enrol`, the letter that lets an insured person open their own
// account: a PDF (read back by pdftotext) with the one-time code, its expiry, the person's
// name and address and no NIR; a message code that POST /verify confirms; the code kept
// hashed only; a second letter that kills the first code; reset letters for people who have
// an account; the act journaled under the person's pseudonym (directly, and through a
// running server, where the person's own /me/accesses shows it); and the errors.
import { before } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {
  test, seededDataDir, readSample, readAccounts, vigie, vigieOk, makeTmp, startServer, http,
  journalRecords,
} from './lib.mjs';

const CODE_RE = /[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}/g;
const NIR_RE = /[12378]\d{4}(?:\d{2}|2A|2B)\d{8}/;

let data, sample, accounts, single, family, out;

const sqlite = (db, sql) => new Promise((resolve, reject) => {
  execFile('sqlite3', ['-separator', '\t', db, sql], (err, stdout) => (err ? reject(err) : resolve(stdout.trim())));
});
const pdfText = (file) => execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });

// "31 janvier 2027 à 20:43" in Paris, as the letter writes an expiry.
function parisDay(ms) {
  const p = Object.fromEntries(new Intl.DateTimeFormat('fr-FR', {
    timeZone: 'Europe/Paris', day: 'numeric', month: 'long', year: 'numeric', hour: '2-digit',
    minute: '2-digit', hourCycle: 'h23',
  }).formatToParts(new Date(ms)).map((x) => [x.type, x.value]));
  return `${p.day === '1' ? '1er' : p.day} ${p.month} ${p.year} à ${p.hour}:${p.minute}`;
}

// A valid NIR nobody has: another order number, its key recomputed.
function unknownNir(nir) {
  const taken = new Set(sample.map((r) => r.nir));
  for (let order = 999; order > 0; order--) {
    const head = nir.slice(0, 10) + String(order).padStart(3, '0');
    const num = BigInt(head.replace('2A', '19').replace('2B', '18'));
    const cand = head + String(97n - (num % 97n)).padStart(2, '0');
    if (!taken.has(cand)) return cand;
  }
  throw new Error('no free NIR');
}

const enrol = (args) => vigie(['enrol', '--data', data, ...args]);
const codesOf = async (id, purpose) => (await sqlite(path.join(data, 'vigie.db'),
  `SELECT id, channel, created_ms, expires_ms, used_ms FROM code WHERE insured_id = ${id} AND purpose = ${purpose} ORDER BY id`))
  .split('\n').filter(Boolean).map((l) => l.split('\t').map(Number));

before(async () => {
  data = await seededDataDir({ insured: 600, pros: 2, sample: 600, accounts: 2 });
  sample = readSample(data);
  accounts = readAccounts(data);
  const count = new Map();
  for (const r of sample) count.set(r.nir, (count.get(r.nir) ?? 0) + 1);
  const withAccount = new Set(accounts.map((a) => a.nir));
  single = sample.find((r) => r.rank === '0' && count.get(r.nir) === 1 && !withAccount.has(r.nir));
  family = sample.filter((r) => count.get(r.nir) > 1 && !withAccount.has(r.nir) && r.nir === sample.find((x) => count.get(x.nir) > 1 && !withAccount.has(x.nir)).nir);
  assert.ok(single && family.length >= 2, 'the population has a lone insured person and a family');
  out = await makeTmp();
});

let firstCode, firstPdf, personId;
test('an activation letter: the code, its expiry, the name and address, no NIR, no link', async () => {
  const r = await enrol(['--nir', single.nir, '--out', out, '--print-code']);
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout.trim().split('\n');
  assert.equal(lines.length, 2, r.stdout);
  firstPdf = lines[0];
  firstCode = /^code: (\S+)$/.exec(lines[1])?.[1];
  assert.match(firstCode ?? '', /^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
  assert.equal(path.dirname(firstPdf), out);
  assert.match(path.basename(firstPdf), /^enrol-\d{6}-[0-9a-f]{16}\.pdf$/);
  assert.ok(!path.basename(firstPdf).includes(single.nir), 'no NIR in the file name');
  assert.equal((fs.statSync(firstPdf).mode & 0o777).toString(8), '600', 'the letter is private');
  assert.ok(!r.stderr.includes(firstCode), 'the code is not in the log or messages');
  assert.deepEqual(fs.readdirSync(out).filter((f) => f.endsWith('.tmp')), []);
  personId = Number(/^enrol-(\d{6})-/.exec(path.basename(firstPdf))[1]);

  const text = pdfText(firstPdf);
  assert.ok(text.includes(firstCode), 'the activation code is printed');
  assert.ok(text.includes(`${single.given} ${single.family}`), 'addressed to the person');
  assert.match(text, /Votre code pour activer votre compte personnel/);
  assert.match(text, /rubrique « Créer mon compte »/);
  assert.match(text, /votre numéro de sécurité sociale, ce code, et un mot de passe d'au moins 15\s+caractères/);
  assert.match(text, /ne vous demandera jamais ce code, ni par téléphone, ni par courriel,\s+ni par SMS/);
  assert.doesNotMatch(text, NIR_RE, 'no NIR in the letter');
  assert.ok(!text.includes(single.nir));
  assert.ok(!text.includes(single.birth_date), 'no birth date either');
  assert.doesNotMatch(text, /https?:|www\.|:\/\//i, 'no link');
  // The store keeps the code hashed only; the letter's expiry is the code's.
  const codes = await codesOf(personId, 1);
  assert.equal(codes.length, 1);
  const [, channel, created, expires, used] = codes[0];
  assert.equal(channel, 1, 'by letter');
  assert.equal(used, 0);
  assert.equal(expires - created, 60 * 86400 * 1000, '60 days to use a letter');
  assert.ok(text.includes(`jusqu'au ${parisDay(expires)} (heure de Paris)`), `the expiry ${parisDay(expires)} in:\n${text}`);
  const db = fs.readFileSync(path.join(data, 'vigie.db'));
  assert.ok(!db.includes(Buffer.from(firstCode)), 'no code in clear in the database');
  // Two codes on the letter: the activation code, and the message code in its box.
  const all = [...new Set(text.match(CODE_RE))];
  assert.equal(all.length, 2, all.join(' '));
  assert.match(text, /Code du message/);
});

test('a second letter kills the first code; without --print-code no code on the terminal', async () => {
  const r = await enrol(['--nir', single.nir, '--out', out]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout.trim().split('\n').length, 1, 'only the path');
  assert.doesNotMatch(r.stdout + r.stderr, CODE_RE, 'no code printed');
  assert.notEqual(r.stdout.trim(), firstPdf, 'a new file, the first one kept');
  assert.ok(fs.existsSync(firstPdf));
  const codes = await codesOf(personId, 1);
  assert.equal(codes.length, 2);
  assert.equal(codes[0][4], -1, 'the first code is dead');
  assert.equal(codes[1][4], 0, 'the second is live');
  const text = pdfText(r.stdout.trim());
  assert.ok(!text.includes(firstCode));
});

test('errors: bad and unknown NIRs, an account without --reset, dependants, options', async () => {
  const bad = await enrol(['--nir', single.nir.slice(0, 13) + (single.nir.endsWith('01') ? '02' : '01'), '--out', out]);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /--nir: not a valid NIR \(the NIR key does not match\)/);
  const short = await enrol(['--nir', '12345', '--out', out]);
  assert.equal(short.code, 1);
  assert.match(short.stderr, /not a valid NIR/);
  const unknown = await enrol(['--nir', unknownNir(single.nir), '--out', out]);
  assert.equal(unknown.code, 1, unknown.stderr);
  assert.match(unknown.stderr, /no insured person has this NIR/);
  const acct = await enrol(['--nir', accounts[0].nir, '--out', out]);
  assert.equal(acct.code, 1);
  assert.match(acct.stderr, /already has an account; use --reset/);
  const noAcct = await enrol(['--nir', single.nir, '--reset', '--out', out]);
  assert.equal(noAcct.code, 1);
  assert.match(noAcct.stderr, /has no account yet/);
  // Several people under one NIR: say which one.
  const several = await enrol(['--nir', family[0].nir, '--out', out]);
  assert.equal(several.code, 1);
  assert.match(several.stderr, new RegExp(`${family.length} people share this NIR.*--birthdate`));
  const nobody = await enrol(['--nir', family[0].nir, '--birthdate', '1900-01-01', '--out', out]);
  assert.equal(nobody.code, 1);
  assert.match(nobody.stderr, /nobody under this NIR was born on 1900-01-01/);
  const dep = family.find((r) => r.rank !== '0') ?? family[1];
  const one = await enrol(['--nir', dep.nir, '--birthdate', dep.birth_date, '--out', out, '--print-code']);
  assert.equal(one.code, 0, one.stderr);
  assert.ok(pdfText(one.stdout.split('\n')[0]).includes(`${dep.given} ${dep.family}`), 'the dependant chosen');
  // Usage errors: exit 2, nothing issued.
  const before_ = await sqlite(path.join(data, 'vigie.db'), 'SELECT count(*) FROM code');
  for (const args of [[], ['--nir', single.nir], ['--nir', single.nir, '--sample', '2', '--out', out],
    ['--nir', single.nir, '--email', '--out', out], ['--nir', single.nir, '--out', '/nonexistent'],
    ['--nir', single.nir, '--birthdate', '01/02/1990', '--out', out], ['--sample', '0', '--out', out],
    ['--nir', single.nir, '--out', out, '--frobnicate']]) {
    const r = await enrol(args);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
  }
  assert.equal(await sqlite(path.join(data, 'vigie.db'), 'SELECT count(*) FROM code'), before_);
  const help = await vigieOk(['enrol', '--help']);
  assert.match(help.stdout, /usage: vigie enrol/);
  assert.match(help.stdout, /--print-code/);
  assert.match((await vigieOk(['--help'])).stdout, /vigie enrol/);
});

test('journaled under the person\'s pseudonym, purpose "account"; the journal verifies', async () => {
  const rows = (await journalRecords(data)).filter((x) => x.record.route.startsWith('enrol.'))
    .map((x) => [x.record.patient.toUpperCase(), x.record.route, x.record.fields, x.record.decision, JSON.stringify(x.record)]);
  assert.ok(rows.length >= 3, rows.join('\n'));
  const mine = rows.filter((r) => r[1] === 'enrol.letter');
  assert.ok(mine.length >= 3);
  for (const [patient, , fields, decision, record] of mine) {
    assert.match(patient, /^[0-9A-F]{32}$/);
    assert.notEqual(patient, '0'.repeat(32), 'under a person');
    assert.equal(fields, 'letter');
    assert.equal(decision, 'letter');
    const rec = JSON.parse(record);
    assert.equal(rec.purpose, 'account');
    assert.equal(rec.pro, 'console');
    assert.ok(!record.includes(single.nir));
  }
  assert.equal(mine[0][0], mine[1][0], 'both letters of one person under one pseudonym');
  const v = await vigieOk(['journal', 'verify', '--data', data]);
  assert.match(v.stdout + v.stderr, /ok/);
});

test('--sample N: letters for the first N people without an account', async () => {
  const dir = await makeTmp();
  const r = await enrol(['--sample', '3', '--out', dir, '--print-code']);
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout.trim().split('\n');
  assert.equal(lines.length, 6, r.stdout);
  const withAccount = new Set(accounts.map((a) => `${a.given} ${a.family}`));
  for (let i = 0; i < 6; i += 2) {
    const text = pdfText(lines[i]);
    assert.ok(text.includes(/^code: (\S+)$/.exec(lines[i + 1])[1]));
    assert.ok(![...withAccount].some((n) => text.includes(n)), 'nobody who has an account');
  }
  // Those people now have a letter on its way: a second --sample writes to others.
  const again = await enrol(['--sample', '3', '--out', dir]);
  assert.equal(again.code, 0, again.stderr);
  const ids = (s) => s.trim().split('\n').filter((l) => l.endsWith('.pdf')).map((l) => /enrol-(\d+)-/.exec(l)[1]);
  assert.equal(new Set([...ids(r.stdout), ...ids(again.stdout)]).size, 6);
});

test('with a server running: through its control socket, a reset letter the person sees in /me/accesses, a message code that verifies', async () => {
  const server = await startServer(data);
  const acct = accounts[0];
  const r = await enrol(['--nir', acct.nir, '--reset', '--out', out, '--print-code']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /journal entry \d+/);
  const [pdf, codeLine] = r.stdout.trim().split('\n');
  assert.match(path.basename(pdf), /^reset-/);
  const code = /^code: (\S+)$/.exec(codeLine)[1];
  const text = pdfText(pdf);
  assert.ok(text.includes(code));
  assert.match(text, /Votre code pour choisir un nouveau mot de passe/);
  assert.match(text, /«\s+Mot\s+de\s+passe\s+oublié\s+»/);
  assert.ok(text.includes(`${acct.given} ${acct.family}`));
  assert.doesNotMatch(text, NIR_RE);
  // The letter's own code is genuine, and says it is a letter.
  const msgCode = [...new Set(text.match(CODE_RE))].find((c) => c !== code);
  const v = await http(server, 'POST', '/verify', { body: { code: msgCode } });
  assert.equal(v.status, 200, v.text);
  assert.equal(v.json.genuine, true);
  assert.equal(v.json.channel, 'letter');
  assert.match(v.json.subject, /nouveau mot de passe/);
  // The reset code is not a message code.
  assert.equal((await http(server, 'POST', '/verify', { body: { code } })).json.genuine, false);
  // The person sees the act among the accesses to their record, and the letter without its code.
  const l = await http(server, 'POST', '/auth/insured/login', { body: { login: acct.email, password: acct.password } });
  assert.equal(l.status, 200, l.text);
  let seen;
  for (let i = 0; i < 40 && !seen; i++) {
    const me = await http(server, 'GET', '/me/accesses', { token: l.json.access_token });
    assert.equal(me.status, 200, me.text);
    seen = me.json.accesses.find((a) => a.route === 'enrol.reset');
    if (!seen) await new Promise((res) => setTimeout(res, 250));
  }
  assert.ok(seen, 'the reset letter is in /me/accesses');
  assert.equal(seen.professional.rpps, 'console');
  const msgs = await http(server, 'GET', '/me/messages', { token: l.json.access_token });
  const letter = msgs.json.messages.find((m) => m.code === msgCode);
  assert.ok(letter, 'the letter is among the person\'s messages');
  assert.ok(!letter.text.includes(code), 'the stored copy does not keep the one-time code');
  assert.match(letter.text, /\[code retiré de cette copie\]/);
  await server.stop();
});

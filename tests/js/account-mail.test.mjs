// account-mail.test.mjs - the e-mails of an insured person's own account, through a real
// OpenSMTPD (mta.mjs) and the real server: a password-reset code queued by `vigie enrol
// --reset --email` waits while the server has no --smtp, `vigie notify --account-events`
// sends it once to the person's address; a server started with --smtp sends the next ones
// by itself, among them "your record was consulted" when a pharmacist looks the person up.
// Each e-mail: French, plain text, no link, its own message code that POST /verify confirms;
// the person's account shows it without the one-time code.
import { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import {
  test, seededDataDir, startServer, readAccounts, vigie, vigieOk, http, Pros, NIR_SYSTEM, sleep,
} from './lib.mjs';
import { startMta, mtaAvailable } from './mta.mjs';

const FROM = 'securite@assurance-maladie.test';
const avail = mtaAvailable();
const CODE_LINE = /^ {4}([0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4})$/m;

let data, mta, acct;

const sqlite = (db, sql) => new Promise((resolve, reject) => {
  execFile('sqlite3', ['-separator', '\t', db, sql], (err, stdout) => (err ? reject(err) : resolve(stdout.trim())));
});
const events = () => sqlite(path.join(data, 'vigie.db'), 'SELECT kind, mail, attempts, message_id != 0 FROM ievent ORDER BY id');

before(async () => {
  if (!avail.ok) return;
  data = await seededDataDir({ insured: 600, pros: 3, accounts: 2 });
  acct = readAccounts(data)[0];
  mta = await startMta();
});
after(async () => { if (mta) await mta.stop(); });

function assertAccountMail(m) {
  assert.deepEqual(m.headers.get('to'), [`<${acct.email}>`], 'to the person\'s address');
  assert.match(m.from, /assurance-maladie\.test/);
  assert.equal(m.headers.get('auto-submitted')?.[0], 'auto-generated');
  assert.match(m.headers.get('content-type')?.[0] ?? '', /^text\/plain; charset=utf-8/i);
  assert.match(m.messageId, /^<a[0-9a-f]{16}@assurance-maladie\.test>$/);
  assert.ok(m.body.startsWith(`Bonjour ${acct.given} ${acct.family},`), m.body);
  assert.doesNotMatch(m.body, /https?:|www\.|:\/\//i, 'no link');
  assert.doesNotMatch(m.body, new RegExp(acct.nir), 'no NIR');
  assert.match(m.body, /Pour vérifier qu'il vient bien de nous, saisissez ce code sur la page « Vérifier un message »/);
  const code = CODE_LINE.exec(m.body)?.[1];
  assert.ok(code, 'the message code on its own line');
  return code;
}

/** The first message delivered that satisfies pred, waiting up to ms; undefined if none came. */
async function mailWhere(pred, ms) {
  for (const t0 = Date.now(); Date.now() - t0 < ms; await sleep(250)) {
    const m = (await mta.messages()).find(pred);
    if (m) return m;
  }
  return undefined;
}

async function verify(server, code) {
  const v = await http(server, 'POST', '/verify', { body: { code } });
  assert.equal(v.status, 200, v.text);
  return v.json;
}

let resetCode, resetMsgCode;
test('without --smtp a reset code waits; notify --account-events sends it once, with a code that verifies', async (t) => {
  if (!avail.ok) return t.skip(avail.reason);
  const server = await startServer(data);
  const r = await vigieOk(['enrol', '--data', data, '--nir', acct.nir, '--reset', '--email', '--print-code']);
  resetCode = /^code: (\S+)$/m.exec(r.stdout)[1];
  assert.match(r.stderr, /queued for e-mail/);
  await sleep(2500);
  assert.equal((await mta.messages()).length, 0, 'a server without --smtp sends nothing');
  assert.equal(await events(), 'reset_code\t1\t0\t0', 'the event waits, pending');
  // Another sender than a server: the command line, once.
  const bad = await vigie(['notify', '--data', data, '--account-events', '--smtp', mta.url]);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /needs --smtp URL and --from-address/);
  const n = await vigieOk(['notify', '--data', data, '--account-events', '--smtp', mta.url, '--from-address', FROM]);
  assert.match(n.stderr, /account e-mails: 1 sent, 0 failed/);
  const [m] = await mta.waitFor(1, 15_000);
  resetMsgCode = assertAccountMail(m);
  assert.equal(m.subject, 'Votre code pour choisir un nouveau mot de passe');
  assert.ok(m.body.includes(`à usage unique :\n\n  ${resetCode}\n\n`), 'the reset code, on its own line');
  assert.match(m.body, /Il est valable jusqu'au \d\d\/\d\d\/\d{4} à \d\d:\d\d \(heure de Paris\), une seule fois\./);
  assert.match(m.body, /au moins 15 caractères/);
  assert.match(m.body, /Nous ne vous demanderons jamais votre mot de passe ni un code/);
  assert.notEqual(resetMsgCode, resetCode);
  assert.equal(await events(), 'reset_code\t2\t0\t1', 'sent, with its message');
  // The message code is genuine, for an e-mail; the reset code is no message code.
  const v = await verify(server, resetMsgCode);
  assert.equal(v.genuine, true);
  assert.equal(v.channel, 'email');
  assert.equal(v.subject, m.subject);
  assert.equal((await verify(server, resetCode)).genuine, false);
  // Nothing more to send.
  const again = await vigieOk(['notify', '--data', data, '--account-events', '--smtp', mta.url, '--from-address', FROM]);
  assert.match(again.stderr, /0 sent, 0 failed/);
  await sleep(500);
  assert.equal((await mta.messages()).length, 1);
  // The person's account shows the e-mail, without the one-time code.
  const l = await http(server, 'POST', '/auth/insured/login', { body: { login: acct.email, password: acct.password } });
  assert.equal(l.status, 200, l.text);
  const msgs = await http(server, 'GET', '/me/messages', { token: l.json.access_token });
  const mine = msgs.json.messages.find((x) => x.code === resetMsgCode);
  assert.ok(mine, 'the e-mail is among the person\'s messages');
  assert.equal(mine.channel, 'email');
  assert.ok(!mine.text.includes(resetCode));
  assert.match(mine.text, /\[code retiré de cette copie\]/);
  await server.stop();
});

test('a server with --smtp sends them itself: a new reset code, and an access to the record', async (t) => {
  if (!avail.ok) return t.skip(avail.reason);
  // The people asked to be told of every access (the account's page will set it; the store
  // here, before the server starts and loads who wants it).
  await sqlite(path.join(data, 'vigie.db'), 'UPDATE account SET alerts = 1');
  const server = await startServer(data, ['--smtp', mta.url, '--from-address', FROM]);
  const r = await vigieOk(['enrol', '--data', data, '--nir', acct.nir, '--reset', '--email', '--print-code']);
  const code2 = /^code: (\S+)$/m.exec(r.stdout)[1];
  // The first login of the test above, from a client never seen, was a notice waiting too:
  // the server sends it as well, so look for the message that holds the new code.
  const m = await mailWhere((x) => x.body.includes(code2), 15_000);
  assert.ok(m, 'the server sent the new code by itself');
  assertAccountMail(m);
  // The first code died with the second.
  const codes = await sqlite(path.join(data, 'vigie.db'), 'SELECT used_ms FROM code WHERE purpose = 2 ORDER BY id');
  assert.deepEqual(codes.split('\n'), ['-1', '0']);

  // A pharmacist looks the person up (card present): the person is e-mailed.
  const pros = new Pros(data);
  const pro = pros.all.find((p) => p.kind === 'pharmacist') ?? pros.all[0];
  const token = await pros.login(server, pro);
  const q = await http(server, 'GET', `/fhir/Patient?identifier=${encodeURIComponent(`${NIR_SYSTEM}|${acct.nir}`)}`, { token });
  assert.equal(q.status, 200, q.text);
  const seen = await mailWhere((x) => x.subject === 'Votre dossier a été consulté', 20_000);
  assert.ok(seen, `an access e-mail (subjects: ${(await mta.messages()).map((x) => x.subject).join(', ')})`);
  const c = assertAccountMail(seen);
  const where = pro.city ? ` à ${pro.city}` : '';
  assert.ok(new RegExp(`^Le \\d\\d/\\d\\d/\\d{4} à \\d\\d:\\d\\d \\(heure de Paris\\), `).test(seen.body.split('\n')[2]), seen.body);
  assert.ok(seen.body.includes(`${pro.given} ${pro.family}, `), `the professional's name in:\n${seen.body}`);
  assert.ok(seen.body.includes(where), 'and their city');
  assert.match(seen.body, /a consulté votre dossier d'assurance maladie\./);
  assert.match(seen.body, /Ce qui lui a été montré : votre numéro de sécurité sociale, vos nom et prénoms/);
  assert.match(seen.body, /l'entrée n° \d+ du journal des accès/);
  assert.match(seen.body, /« Ce n'était pas moi »/);
  assert.equal((await verify(server, c)).genuine, true);
  const ev = await events();
  assert.match(ev, /^access\t2\t0\t1$/m, ev);
  assert.doesNotMatch(ev, /\t1\t/, 'nothing left pending');
  await server.stop();
});

test('during the spray alarm a new client confirms with a code e-mailed to the account, once', async (t) => {
  if (!avail.ok) return t.skip(avail.reason);
  // --login-spray-max 0: the alarm is always up, as a node under a spread list would be.
  const server = await startServer(data, ['--smtp', mta.url, '--from-address', FROM, '--login-spray-max', '0']);
  try {
    const ilogin = (body, ua) => http(server, 'POST', '/auth/insured/login', { body, headers: { 'user-agent': ua } });
    const ua = 'Firefox/141 (a new laptop)';
    const before = (await mta.messages()).length;
    const first = await ilogin({ login: acct.email, password: acct.password }, ua);
    assert.equal(first.status, 401, first.text);
    assert.match(first.headers.get('www-authenticate'), /insufficient_user_authentication/);
    assert.match(first.json.issue[0].diagnostics, /one-time code was sent/);
    // A wrong password from the same client gets the very same answer, and sends nothing.
    const wrong = await ilogin({ login: acct.email, password: 'not the password at all' }, ua);
    assert.equal(wrong.text, first.text);
    const m = await mailWhere((x) => x.subject === 'Votre code pour vous connecter depuis un nouvel appareil', 15_000);
    assert.ok(m, `the login code e-mail (subjects: ${(await mta.messages()).map((x) => x.subject).join(', ')})`);
    assertAccountMail(m);
    assert.match(m.body, /appareil que vous n'aviez jamais utilisé/);
    assert.match(m.body, /Firefox/, 'it says which client');
    const code = /^ {2}([0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4})$/m.exec(m.body)?.[1];
    assert.ok(code, `the login code on its own line:\n${m.body}`);
    await sleep(1000);
    assert.equal((await mta.messages()).length, before + 1, 'one e-mail: the wrong password sent none');
    // The code with a wrong password opens nothing; with the right one, a session.
    assert.equal((await ilogin({ login: acct.email, password: 'not the password at all', secondFactor: code }, ua)).status, 401);
    const ok = await ilogin({ login: acct.email, password: acct.password, secondFactor: code }, ua);
    assert.equal(ok.status, 200, ok.text);
    // The code is used up, and this client is the person's now: no code asked again.
    const again = await ilogin({ login: acct.email, password: acct.password }, ua);
    assert.equal(again.status, 200, again.text);
    const other = await ilogin({ login: acct.email, password: acct.password, secondFactor: code }, 'curl/8 (a thief who read the code)');
    assert.equal(other.status, 401, other.text);
  } finally {
    await server.stop();
  }
});

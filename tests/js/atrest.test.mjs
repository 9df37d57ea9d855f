// atrest.test.mjs - encryption at rest: the database, its WAL and a backup
// hold no NIR, name, e-mail or IBAN in clear; key and data files are private.
import { before } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

import {
  NIR_SYSTEM, FHIR_JSON, seededDataDir, startServer, readSample, readPros, Pros, http, vigie, vigieOk,
  assertCleanExit, journalRecords, readAccounts, metricsOf, sleep,
  test,
} from './lib.mjs';

let data, server, pros, sample, needles;
const whileRunning = {};

before(async () => {
  data = await seededDataDir();
  server = await startServer(data);
  pros = new Pros(data);
  sample = readSample(data);
  // Professionals' names and cities are public directory data that vigie keeps
  // in clear (pro table); leave out insured names that happen to equal one
  // (as whole fields or inside them: MARTIN is in MARTINEZ, Julie in Juliette).
  const proText = readPros(data).map((p) => `${p.family}\t${p.given}\t${p.city}`).join('\n');
  const proWords = { has: (w) => proText.includes(w) };
  needles = [];
  for (const r of sample) {
    needles.push(['nir', r.nir]);
    needles.push(['nir without its key', r.nir.slice(0, 13)]);
    if (r.email) needles.push(['email', r.email]);
    if (r.iban) needles.push(['iban', r.iban], ['iban without spaces', r.iban.replace(/ /g, '')]);
    if (r.family.length >= 5 && !proWords.has(r.family)) needles.push(['family', r.family]);
    for (const g of r.given.split(' ')) if (g.length >= 5 && !proWords.has(g)) needles.push(['given', g]);
  }
});

/**
 * The needles found in a file, as {kind, v}: GNU grep -F (Aho-Corasick) over
 * the bytes, which finds every needle anywhere, binary or not, in one pass.
 */
async function found(file) {
  const patterns = path.join(path.dirname(data), 'needles.txt');
  const kindOf = new Map(needles.map(([k, v]) => [v, k]));
  fs.writeFileSync(patterns, `${[...kindOf.keys()].join('\n')}\n`);
  const out = await new Promise((resolve, reject) => {
    execFile('grep', ['-aoF', '-f', patterns, file], { env: { ...process.env, LC_ALL: 'C' }, maxBuffer: 256 << 20, encoding: 'buffer' },
      (err, stdout) => (err && err.code !== 1 ? reject(err) : resolve(stdout)));
  });
  const hits = new Set(out.toString('utf8').split('\n').filter(Boolean));
  return [...hits].map((v) => ({ kind: kindOf.get(v) ?? 'part of a needle', v }));
}

test('the sample gives enough to look for', () => {
  const kinds = new Set(needles.map(([k]) => k));
  for (const k of ['nir', 'email', 'iban', 'family']) assert.ok(kinds.has(k), `the sample has ${k} values`);
  assert.ok(needles.filter(([k]) => k === 'family').length >= 20, 'family names of 5 letters or more');
});

test('control: the search finds every value in insured-sample.tsv', async () => {
  const hits = await found(path.join(data, 'insured-sample.tsv'));
  const distinct = new Set(needles.map(([, v]) => v));
  // grep -o reports the longest match at each place: the NIR hides its 13-digit prefix
  const expected = [...distinct].filter((v) => !needles.some(([k, w]) => k === 'nir' && w !== v && w.startsWith(v)));
  const got = new Set(hits.map((h) => h.v));
  for (const v of expected) assert.ok(got.has(v), `${v} found in the clear-text sample`);
  assert.ok(expected.length > 1000, `${expected.length} distinct values searched`);
});

test('lookups write to the database (so the files below hold real traffic)', async () => {
  const token = await pros.login(server);
  for (const r of sample.slice(0, 20)) {
    const id = encodeURIComponent(`${NIR_SYSTEM}|${r.nir}`);
    assert.equal((await http(server, 'GET', `/fhir/Patient?identifier=${id}&_revinclude=Coverage:beneficiary`, { token })).status, 200);
  }
  const r0 = sample[0];
  const s = await http(server, 'POST', '/fhir/CoverageEligibilityRequest/$submit', {
    token, contentType: FHIR_JSON, body: {
      resourceType: 'CoverageEligibilityRequest', status: 'active', purpose: ['validation'], created: '2025-01-01',
      insurer: { display: 'x' }, patient: { reference: '#p' },
      contained: [{ resourceType: 'Patient', id: 'p', identifier: [{ system: NIR_SYSTEM, value: r0.nir }], birthDate: r0.birth_date }],
    },
  });
  assert.equal(s.status, 200, s.text);
  // the files as a thief copying them from the running service would get them
  for (const f of ['vigie.db', 'vigie.db-wal', 'vigie.db-shm', 'access.db', 'access.db-wal'])
    if (fs.existsSync(path.join(data, f))) whileRunning[f] = fs.readFileSync(path.join(data, f));
  assert.ok(whileRunning['vigie.db']?.length > 100_000, 'the database holds the population');
});

test('the server stops cleanly', async () => {
  assertCleanExit(await server.stop(), server);
});

test('no NIR, name, e-mail or IBAN in clear in the database, its WAL, or a backup', async () => {
  const backup = path.join(data, 'backup.db');
  const b = await vigieOk(['backup', '--data', data, '--out', backup]);
  assert.match(b.stdout, /backup written/);
  const files = [];
  for (const [f, buf] of Object.entries(whileRunning)) {
    const copy = path.join(path.dirname(data), `${f}.while-serving`);
    fs.writeFileSync(copy, buf);
    files.push(copy);
  }
  for (const f of ['vigie.db', 'vigie.db-wal', 'access.db', 'access.db-wal', 'backup.db', 'backup.db-access'])
    if (fs.existsSync(path.join(data, f))) files.push(path.join(data, f));
  const bk = fs.readFileSync(path.join(data, 'backup.db'));
  assert.ok(bk.length > 100_000, 'the backup holds the population');
  assert.equal(bk.subarray(0, 16).toString('latin1'), 'SQLite format 3\0', 'the backup is a SQLite database');
  const report = [];
  for (const f of files) {
    const hits = await found(f);
    if (hits.length) report.push(`${path.basename(f)}: ${hits.length} found, e.g. ${hits.slice(0, 5).map((h) => `${h.kind} ${h.v}`).join(', ')}`);
  }
  assert.deepEqual(report, [], 'personal data in clear at rest');
});

test('access.db, its WAL and the backup\'s copy keep the access records sealed: no record, salt, RPPS or address in clear', async () => {
  const recs = await journalRecords(data);
  const looks = recs.filter((x) => x.record.purpose === 'rights-check' && x.record.status === 200);
  assert.ok(looks.length >= 21, `the lookups above are in the journal (${looks.length})`);
  const needles = [Buffer.from('"purpose":'), Buffer.from('rights-check'), Buffer.from(looks[0].ip)];
  for (const rpps of new Set(looks.map((x) => x.record.pro))) needles.push(Buffer.from(rpps));
  for (const x of looks) needles.push(Buffer.from(x.salt, 'base64'), Buffer.from(x.salt));
  const files = { ...Object.fromEntries(Object.entries(whileRunning).filter(([f]) => f.startsWith('access.db'))) };
  for (const f of ['access.db', 'access.db-wal', 'backup.db-access'])
    if (fs.existsSync(path.join(data, f))) files[`${f} (stopped)`] = fs.readFileSync(path.join(data, f));
  assert.ok(files['access.db (stopped)']?.length > 4096, 'the access rows are there to look at');
  // Control: the rows hold the public entries the journal commits to, found by the same search.
  const entryOf = (x) => crypto.createHash('sha256').update(Buffer.concat([
    Buffer.from('vigie-access-v1\n'), Buffer.from(x.salt, 'base64'), Buffer.from(JSON.stringify(x.record))])).digest();
  for (const x of looks.slice(0, 5))
    assert.ok(files['access.db (stopped)'].indexOf(entryOf(x)) >= 0, `entry ${x.index} is in access.db`);
  const report = [];
  for (const [f, buf] of Object.entries(files))
    for (const n of needles) if (buf.indexOf(n) >= 0) report.push(`${f}: ${n.length === 32 ? `salt ${n.toString('base64')}` : n.toString('latin1')}`);
  assert.deepEqual(report.slice(0, 10), [], 'access records in clear at rest');
});

test('a backup refuses to overwrite an existing file', async () => {
  const r = await vigie(['backup', '--data', data, '--out', path.join(data, 'backup.db')]);
  assert.notEqual(r.code, 0);
});

test('file modes: data dir 0700; master.key, pros.tsv, cards.key, database and backup 0600', () => {
  const mode = (p) => fs.statSync(path.join(data, p)).mode & 0o777;
  assert.equal((fs.statSync(data).mode & 0o777).toString(8), '700', 'data directory');
  for (const f of ['master.key', 'pros.tsv', 'vigie.db', 'access.db', 'backup.db', 'backup.db-access'])
    assert.equal(mode(f).toString(8), '600', f);
  // The card master secret lives beside the data directory, never in it.
  assert.equal((fs.statSync(`${data}-cards.key`).mode & 0o777).toString(8), '600', 'the cards key');
  assert.ok(!fs.existsSync(path.join(data, 'cards.key')));
  for (const f of ['vigie.db-wal', 'vigie.db-shm', 'access.db-wal', 'access.db-shm'])
    if (fs.existsSync(path.join(data, f))) assert.equal(mode(f) & 0o077, 0, `${f} is not readable by others`);
  assert.equal(fs.statSync(path.join(data, 'master.key')).size, 32, 'a 32-byte master key');
});

test('an access.db from before the sealing is dropped, vacuumed and refilled from the log: its clear rows are gone', async () => {
  const db = path.join(data, 'access.db');
  const sql = (q) => new Promise((resolve, reject) => {
    execFile('sqlite3', [db, q], (err, stdout) => (err ? reject(err) : resolve(stdout.trim())));
  });
  const n = (await journalRecords(data)).length;
  // The table as it was: the record, salt and address in clear.
  await sql(`DROP TABLE journal; CREATE TABLE journal(idx INTEGER PRIMARY KEY, t_ms INTEGER NOT NULL,
    pro_id INTEGER NOT NULL, rpps TEXT NOT NULL, patient BLOB NOT NULL, ip TEXT NOT NULL, route TEXT NOT NULL,
    status INTEGER NOT NULL, n_results INTEGER NOT NULL, fields TEXT NOT NULL, decision TEXT NOT NULL,
    salt BLOB NOT NULL, record TEXT NOT NULL, pbucket INTEGER NOT NULL);
    INSERT INTO journal VALUES (0, 1, 1, '10000000008', x'00', '198.51.100.77', 'Patient', 200, 1,
    'name', 'allow', x'00', '{"marker":"OLD-CLEAR-RECORD-MARKER"}', 0);`);
  assert.ok(fs.readFileSync(db).includes('OLD-CLEAR-RECORD-MARKER'), 'control: the old row is in the file');
  const s = await startServer(data);
  assertCleanExit(await s.stop(), s);
  for (const f of ['access.db', 'access.db-wal'])
    if (fs.existsSync(path.join(data, f)))
      assert.ok(!fs.readFileSync(path.join(data, f)).includes('OLD-CLEAR-RECORD-MARKER'), `${f}: the clear row is gone`);
  assert.equal(Number(await sql('SELECT count(*) FROM journal')), n, 'every entry of the log is a row again');
  assert.equal(await sql("SELECT count(*) FROM pragma_table_info('journal') WHERE name IN ('record', 'salt', 'ip')"), '0');
});

test('a row altered by one byte in access.db is left out of /me/accesses, counted, and no misuse report names it', async () => {
  // The first demo account is sample[0]: looked up, and asked by $submit, above.
  const acct = readAccounts(data)[0];
  assert.equal(acct.nir, sample[0].nir);
  const db = path.join(data, 'access.db');
  const sql = (q) => new Promise((resolve, reject) => {
    execFile('sqlite3', [db, q], (err, stdout) => (err ? reject(err) : resolve(stdout.trim())));
  });
  const accesses = async (s) => {
    const l = await http(s, 'POST', '/auth/insured/login', { body: { login: acct.nir, password: acct.password } });
    assert.equal(l.status, 200, l.text);
    const r = await http(s, 'GET', '/me/accesses', { token: l.json.access_token });
    assert.equal(r.status, 200, r.text);
    return { token: l.json.access_token, list: r.json.accesses.filter((a) => a.route !== 'me' && !a.route.startsWith('account.')) };
  };
  let s = await startServer(data);
  let before_;
  for (let t = 0; ; t++) { // the rows are written again from the log at start
    before_ = await accesses(s);
    if (before_.list.length >= 2 || t > 100) break;
    await sleep(50);
  }
  assert.ok(before_.list.length >= 2, `two accesses to look at: ${JSON.stringify(before_.list)}`);
  assertCleanExit(await s.stop(), s);
  const [victim, ...kept] = before_.list.map((a) => a.index);
  const hex = await sql(`SELECT hex(sealed) FROM journal WHERE idx = ${victim}`);
  assert.ok(hex.length > 100, 'the row is there, sealed');
  const at = Math.floor(hex.length / 4) * 2; // one byte in the middle of the blob
  const flipped = hex.slice(0, at) + ((parseInt(hex.slice(at, at + 2), 16) ^ 1).toString(16).padStart(2, '0')) + hex.slice(at + 2);
  await sql(`UPDATE journal SET sealed = x'${flipped}' WHERE idx = ${victim}`);
  s = await startServer(data);
  try {
    const after = await accesses(s);
    const shown = after.list.map((a) => a.index);
    assert.ok(!shown.includes(victim), `the altered row ${victim} is not shown: ${shown}`);
    for (const k of kept) assert.ok(shown.includes(k), `the other rows are: ${k} in ${shown}`);
    const report = await http(s, 'POST', '/me/reports', { token: after.token, body: { index: String(victim), text: 'not me' } });
    assert.equal(report.status, 404, report.text);
    const m = /^vigie_access_rows_unreadable_total (\d+)$/m.exec((await metricsOf(s)).text);
    assert.ok(m && Number(m[1]) >= 1, 'the row that did not open is counted');
  } finally {
    assertCleanExit(await s.stop(), s);
  }
});

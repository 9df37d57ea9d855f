// Without a presence proof, a lookup verifies; it does not disclose (issue 11,
// item 1). The professional states who the patient is (the NIR and the birth
// date) and gets, for that one person only, whether they match and the rights
// billing needs: never a name, a gender, a birth date, a physician, AME or ALD,
// nor a dependant they did not state. A NIR alone answers "state the birth
// date"; a date that matches nobody is answered like a NIR of nobody and
// counted like a wrong password. With the card, the holder in full, and a
// dependant only when the request selects them. And the patients watch too
// (item 4): a card-less answer about someone with an account is told to them,
// and their "not me" stops the professional's account for review.
import { before } from 'node:test';
import assert from 'node:assert/strict';
import {
  test, NIR_SYSTEM, FHIR_JSON, seededDataDir, startServer, readSample, Pros, http, assertOutcome,
  assertValidFhir, assertCleanExit, journalRecords, absentNir, readAccounts, sleep, operatorToken,
  pinClock,
} from './lib.mjs';

// The decisions below are the guard's in opening hours (a card-less lookup at night is also
// "off hours": minimised, or stepped up once it adds up): a Tuesday afternoon in Paris, whatever
// the hour this suite runs at.
pinClock('2026-12-01T15:00:00+01:00');

let data, server, pros, sample, byNir;

before(async () => {
  data = await seededDataDir({ pros: 12 });
  server = await startServer(data);
  pros = new Pros(data);
  sample = readSample(data);
  byNir = new Map();
  for (const r of sample) byNir.set(r.nir, [...(byNir.get(r.nir) ?? []), r]);
});

const q = (nir) => encodeURIComponent(`${NIR_SYSTEM}|${nir}`);
const patient = (token, nir, birth, opts = {}) =>
  http(server, 'GET', `/fhir/Patient?identifier=${q(nir)}&_revinclude=Coverage:beneficiary${birth ? `&birthdate=${birth}` : ''}`, { token, card: false, ...opts });
const submit = (token, nir, birth, opts = {}) => http(server, 'POST', '/fhir/CoverageEligibilityRequest/$submit', {
  token, contentType: FHIR_JSON, card: false, ...opts,
  body: {
    resourceType: 'CoverageEligibilityRequest', status: 'active', purpose: ['validation', 'benefits'],
    created: '2026-12-01', insurer: { display: 'Assurance maladie' }, patient: { reference: '#p' },
    contained: [{ resourceType: 'Patient', id: 'p', identifier: [{ system: NIR_SYSTEM, value: nir }], ...(birth ? { birthDate: birth } : {}) }],
  },
});
/** A day that is nobody's under nir (same year and month: what a guesser would try). */
function wrongDay(nir, i = 0) {
  const taken = new Set(byNir.get(nir).map((r) => r.birth_date));
  const ym = byNir.get(nir)[0].birth_date.slice(0, 8);
  const days = Array.from({ length: 28 }, (_, d) => `${ym}${String(d + 1).padStart(2, '0')}`).filter((d) => !taken.has(d));
  return days[i];
}
/** What of row's identity an answer holds (r: a response), besides what was stated in its self link. */
function personal(r, row) {
  const text = JSON.stringify({ ...r.json, link: undefined });
  return [row.family, ...row.given.split(' ').filter(Boolean), row.birth_date]
    .filter((w) => w.length >= 3 && text.includes(w));
}

test('a NIR alone, without the card, answers "state the birth date" and discloses nothing', async () => {
  const token = await pros.login(server);
  const row = sample.find((r) => r.rank === '0');
  for (const r of [await patient(token, row.nir), await submit(token, row.nir),
    await http(server, 'GET', `/fhir/Coverage?beneficiary:identifier=${q(row.nir)}`, { token, card: false })]) {
    const oo = assertOutcome(r, 400, 'required');
    assert.match(oo.issue[0].diagnostics, /birth ?date/i);
    assert.deepEqual(personal(r, row), []);
  }
  // A date that is no day is a 400 too, not a mismatch.
  assertOutcome(await patient(token, row.nir, '2026-02-31'), 400, 'invalid');
  assertOutcome(await submit(token, row.nir, '1990-13-01'), 400, 'invalid');
});

test('NIR and birth date without the card: the match and the billing rights, nothing more', async () => {
  const token = await pros.login(server);
  // Someone with a dependant under their NIR: the dependant must not come with them.
  const row = sample.find((r) => r.rank === '0' && byNir.get(r.nir).length > 1 &&
    byNir.get(r.nir).filter((x) => x.birth_date === r.birth_date).length === 1);
  assert.ok(row, 'the sample has a holder with a dependant');
  const r = await patient(token, row.nir, row.birth_date);
  assert.equal(r.status, 200, r.text);
  assert.equal(r.headers.get('vigie-guard'), 'verify');
  assertValidFhir(r.json);
  const pats = r.json.entry.filter((e) => e.resource.resourceType === 'Patient');
  const covs = r.json.entry.filter((e) => e.resource.resourceType === 'Coverage');
  assert.equal(r.json.total, 1);
  assert.equal(pats.length, 1, 'the stated person only, not the dependants');
  assert.equal(covs.length, 1);
  const p = pats[0].resource, c = covs[0].resource;
  for (const k of ['name', 'gender', 'birthDate', 'address']) assert.equal(p[k], undefined, k);
  assert.ok(p.meta.security.some((s) => s.code === 'REDACTED'));
  assert.equal(c.extension, undefined, 'no attending physician');
  assert.equal(c.relationship, undefined);
  assert.ok(c.class.every((k) => ['base', 'c2s', 'c2s-contrib'].includes(k.value)), JSON.stringify(c.class));
  assert.deepEqual(personal(r, row), []);
  const note = r.json.entry.find((e) => e.search.mode === 'outcome');
  assert.equal(note.resource.resourceType, 'OperationOutcome');
  assert.match(note.resource.issue[0].diagnostics, /carte/);
  // With the card and no selection: the holder in full, still not the dependant.
  const full = await http(server, 'GET', `/fhir/Patient?identifier=${q(row.nir)}`, { token });
  assert.equal(full.status, 200, full.text);
  assert.equal(full.json.total, 1);
  assert.equal(full.json.entry[0].resource.birthDate, row.birth_date);
  assert.equal(full.json.entry[0].resource.name[0].family, row.family);
  // The journal says what was done: a verification, then a full answer.
  const mine = (await journalRecords(data)).map((x) => x.record).filter((x) => x.route === 'Patient' && x.status === 200);
  assert.deepEqual(mine.slice(-2).map((x) => [x.decision, x.fields, x.persons]),
    [['verify', 'identifier,coverage', 1], ['allow', 'identifier,name,gender,birthDate', 1]]);
});

test('AME and ALD never leave without the card; $submit verifies the same way', async () => {
  const token = await pros.login(server);
  // People whose full answer carries AME or ALD (found with their card, as at the counter).
  const found = [];
  for (const row of sample.filter((r) => r.rank === '0').slice(0, 80)) {
    const full = await http(server, 'GET', `/fhir/Coverage?beneficiary:identifier=${q(row.nir)}`, { token });
    assert.equal(full.status, 200, full.text);
    const cls = full.json.entry?.[0]?.resource.class.map((k) => k.value) ?? [];
    if (cls.includes('ald-100') || cls.includes('ame')) found.push(row);
    if (found.length >= 3) break;
  }
  assert.ok(found.length >= 1, 'the sample has someone with AME or ALD');
  // (one account each: card-less lookups of people from all over France soon ask a step-up)
  for (const row of found) {
    const other = await pros.login(server);
    const cov = await http(server, 'GET', `/fhir/Coverage?beneficiary:identifier=${q(row.nir)}&beneficiary.birthdate=${row.birth_date}`, { token: other, card: false });
    assert.equal(cov.status, 200, cov.text);
    assert.equal(cov.json.total, 1);
    assert.doesNotMatch(cov.text, /ald-100|"ame"|ALD\)|Aide médicale/);
    const s = await submit(other, row.nir, row.birth_date);
    assert.equal(s.status, 200, s.text);
    assert.equal(s.headers.get('vigie-guard'), 'verify');
    const items = s.json.insurance[0].item.map((i) => i.category.coding[0].code);
    assert.ok(items.every((k) => ['base', 'c2s', 'c2s-contrib'].includes(k)), items.join());
    assert.match(s.json.disposition, /carte/);
    // with the card, the same person in full
    const fs = await submit(other, row.nir, row.birth_date, { card: true });
    assert.equal(fs.status, 200, fs.text);
    assert.ok(fs.json.insurance[0].item.some((i) => ['ame', 'ald-100'].includes(i.category.coding[0].code)));
  }
});

test('a wrong birth date is answered like a NIR of nobody, and counted like a wrong password', async () => {
  const token = await pros.login(server);
  const row = sample.find((r) => r.rank === '0' && !r.nir.startsWith(sample[0].nir.slice(0, 3)));
  const nobody = absentNir(new Set(byNir.keys()), 11);
  const wrong = await patient(token, row.nir, wrongDay(row.nir, 0));
  const none = await patient(token, nobody, wrongDay(row.nir, 0));
  assert.equal(wrong.status, 200, wrong.text);
  assert.equal(none.status, 200);
  const shape = (r) => JSON.stringify({ ...r.json, link: undefined });
  assert.equal(shape(wrong), shape(none), 'a mismatch looks like nobody');
  assert.equal(wrong.json.total, 0);
  assertOutcome(await submit(token, row.nir, wrongDay(row.nir, 1)), 404, 'not-found');
  // Two wrong dates on one NIR: the third try is refused without the card, even with the right date.
  const third = await patient(token, row.nir, row.birth_date);
  const oo = assertOutcome(third, 403, 'security');
  assert.match(oo.issue[0].diagnostics, /card/);
  assertOutcome(await submit(token, row.nir, row.birth_date), 403, 'security');
  // The card still works, and another NIR is not concerned.
  const card = await http(server, 'GET', `/fhir/Patient?identifier=${q(row.nir)}`, { token });
  assert.equal(card.status, 200, card.text);
  assert.equal(card.json.entry[0].resource.birthDate, row.birth_date);
  const next = sample.find((r) => r.rank === '0' && r.nir !== row.nir);
  assert.equal((await patient(token, next.nir, next.birth_date)).status, 200);
  // A dependant is answered when stated, alone.
  const dep = sample.find((r) => Number(r.rank) > 0 && byNir.get(r.nir).filter((x) => x.birth_date === r.birth_date).length === 1);
  const d = await patient(await pros.login(server), dep.nir, dep.birth_date);
  assert.equal(d.status, 200, d.text);
  assert.equal(d.json.total, 1);
  assert.deepEqual(personal(d, dep), []);
  // The journal: the refusals name the reason for the security team.
  const recs = (await journalRecords(data)).map((x) => x.record).filter((x) => x.status === 403 && x.decision === 'deny');
  assert.ok(recs.length >= 2, JSON.stringify(recs));
});

/** Poll until pred holds of what f resolves (the indexer files accesses a moment after they leave). */
async function eventually(f, pred) {
  let v;
  for (let i = 0; i < 40; i++) {
    v = await f();
    if (pred(v)) return v;
    await sleep(250);
  }
  return v;
}

test('a card-less lookup of someone with an account is told to them; their "not me" stops the account for review', async () => {
  const acc = readAccounts(data)[0];
  const person = sample.find((r) => r.nir === acc.nir && r.family === acc.family) ?? sample.find((r) => r.nir === acc.nir && r.rank === '0');
  const login = await http(server, 'POST', '/auth/insured/login', { body: { login: acc.nir, password: acc.password } });
  assert.equal(login.status, 200, login.text);
  const t = login.json.access_token;
  const mine = (p) => http(server, 'GET', p, { token: t, card: false });
  // With the card (the patient at the counter): filed, not told unasked; a report does not suspend.
  const withCard = pros.fresh();
  const tc = await pros.login(server, withCard);
  assert.equal((await http(server, 'GET', `/fhir/Patient?identifier=${q(acc.nir)}`, { token: tc })).status, 200);
  // Without the card: told, asked or not (the account has not asked for every access).
  const p = pros.fresh();
  const tp = await pros.login(server, p);
  const r = await patient(tp, acc.nir, person.birth_date);
  assert.equal(r.status, 200, r.text);
  const ex = await eventually(() => http(server, 'POST', '/me/export', { token: t, body: {}, card: false }),
    (x) => x.json?.events?.some((e) => e.kind === 'access' && e.detail.rpps === p.rpps));
  const told = ex.json.events.filter((e) => e.kind === 'access' && [p.rpps, withCard.rpps].includes(e.detail.rpps));
  assert.deepEqual(told.map((e) => [e.detail.rpps, e.detail.decision, e.mail]), [[p.rpps, 'verify', 'pending']],
    'one notice, for the card-less lookup only');
  const list = await eventually(() => mine('/me/accesses'), (x) => x.json.accesses.some((a) => a.professional.rpps === withCard.rpps));
  const carded = list.json.accesses.find((a) => a.professional.rpps === withCard.rpps);
  const cardless = list.json.accesses.find((a) => a.professional.rpps === p.rpps);
  assert.equal(cardless.index, told[0].detail.index);
  // "Not me" on the card lookup: a report, and the professional works on.
  const rep1 = await http(server, 'POST', '/me/reports', { token: t, card: false, body: { index: String(carded.index) } });
  assert.equal(rep1.status, 201, rep1.text);
  assert.equal((await http(server, 'GET', `/fhir/Patient?identifier=${q(sample[5].nir)}`, { token: tc })).status, 200);
  // "Not me" on the card-less one: the account is stopped for review, at once.
  const rep2 = await http(server, 'POST', '/me/reports', { token: t, card: false, body: { index: String(cardless.index), text: "Ce n'était pas moi." } });
  assert.equal(rep2.status, 201, rep2.text);
  assertOutcome(await http(server, 'GET', `/fhir/Patient?identifier=${q(sample[5].nir)}`, { token: tp }), 401);
  assertOutcome(await pros.loginResponse(server, p), 401);
  const op = await operatorToken(server);
  const alerts = (await http(server, 'GET', '/admin/alerts', { token: op })).json;
  const mineA = alerts.alerts.filter((a) => a.rpps === p.rpps);
  assert.equal(mineA.length, 1, JSON.stringify(alerts));
  assert.deepEqual(mineA[0].reasons, ['not_me']);
  assert.ok(alerts.suspended.some((x) => x.rpps === p.rpps));
  assert.ok(!alerts.suspended.some((x) => x.rpps === withCard.rpps));
  // The professional is told why (their notices, read after an operator reinstates them).
  const back = await http(server, 'POST', '/admin/reinstate', { token: op, body: { rpps: p.rpps } });
  assert.equal(back.status, 200, back.text);
  const tp2 = await pros.login(server, p);
  const notes = await http(server, 'GET', '/auth/pro/notices', { token: tp2 });
  assert.ok(notes.json.notices.some((n) => n.kind === 'suspended' && /not_me/.test(JSON.stringify(n))), notes.text);
});

test('the server stops cleanly', async () => {
  assertCleanExit(await server.stop(), server);
});

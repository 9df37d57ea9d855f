// hours.test.mjs - opening hours are data (issue "Dependable from the first command"): the guard
// judges "off hours" by each practice's own hours and on-call rota from the store, at the time
// this file sets (03:30 in Paris, the night a seeded pharmacy is on call), whatever the hour
// the suite runs at.
import { before } from 'node:test';
import assert from 'node:assert/strict';

import {
  test, NIR_SYSTEM, seededDataDir, startServer, readSample, Pros, http, vigie, vigieOk,
  pinClock, serviceNowMs,
  journalRecords,
} from './lib.mjs';

/*
 * A card-less lookup (NIR and birth date) and what the guard made of it. The answer is the
 * same verification either way (a client cannot read its budget); the journal says which.
 */
async function decided(token, pro, row) {
  const r = await http(server, 'GET', `${q(row.nir)}&birthdate=${row.birth_date}`, { token, card: false });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.headers.get('vigie-guard'), 'verify');
  const mine = (await journalRecords(data)).filter((x) => x.record.pro === pro.rpps && x.record.route === 'Patient');
  return mine.at(-1).record.decision;
}

let data, server, pros, sample, onCall, offCall, hospital, night;
const DAY = 86_400_000;
const dayOf = (iso) => Math.floor(Date.parse(`${iso}T00:00:00Z`) / DAY);
const isoOf = (day) => new Date(day * DAY).toISOString().slice(0, 10);
const onCallNight = (p, n) => Number(p.on_call_every) > 0 &&
  (((n - dayOf(p.on_call_night)) % Number(p.on_call_every)) + Number(p.on_call_every)) % Number(p.on_call_every) === 0;
const q = (nir) => `/fhir/Patient?identifier=${encodeURIComponent(`${NIR_SYSTEM}|${nir}`)}`;

before(async () => {
  data = await seededDataDir({ pros: 30, sample: 100 });
  pros = new Pros(data);
  sample = readSample(data).filter((r) => r.rank === '0');
  const pharmacies = pros.all.filter((p) => p.kind === 'pharmacist');
  hospital = pros.all.find((p) => p.kind === 'hospital');
  assert.ok(pharmacies.length >= 2 && hospital, 'the seed has pharmacies and a hospital');
  // The first rota night of a pharmacy from 2026-12-01 on, and one that is not on call then.
  const from = dayOf('2026-12-01');
  for (const p of pharmacies) {
    for (let n = from; n < from + 60 && !onCall; n++) {
      const other = pharmacies.find((o) => o !== p && !onCallNight(o, n));
      if (onCallNight(p, n) && other) { onCall = p; offCall = other; night = n; }
    }
    if (onCall) break;
  }
  assert.ok(onCall, 'a pharmacy on call while another is not');
  // 03:30 the next morning, in Paris (winter: UTC+1).
  pinClock(`${isoOf(night + 1)}T03:30:00+01:00`);
  server = await startServer(data);
});

test('pros.tsv and vigie hours give each practice its hours and rota', async () => {
  assert.match(onCall.hours, /^(Mo|Tu|We|Th|Fr|Sa|Su)/);
  assert.equal(hospital.hours, '24/7');
  const r = await vigieOk(['hours', '--data', data, '--rpps', onCall.rpps]);
  assert.ok(r.stdout.includes(onCall.hours), r.stdout);
  assert.match(r.stdout, new RegExp(`on call one night in ${onCall.on_call_every}\\b`));
  const bad = await vigie(['hours', '--data', data, '--rpps', offCall.rpps, '--set', 'Mo-Fr 9h-19h']);
  assert.notEqual(bad.code, 0);
  assert.match(bad.stderr, /HH:MM/);
});

test('at 03:30 a pharmacy not on call is off hours; the one on its rota night and a hospital are not', async () => {
  const now = new Date(serviceNowMs());
  assert.equal(now.toISOString().slice(11, 13), '02', 'the server clock is pinned to 02:xx UTC');
  const look = async (pro, row) => decided(await pros.login(server, pro), pro, row);
  assert.equal(await look(offCall, sample[0]), 'minimise', 'off hours: the guard minimises');
  assert.equal(await look(onCall, sample[1]), 'verify', 'on call: within the budget');
  assert.equal(await look(hospital, sample[2]), 'verify', 'a hospital is always open');
});

test('hours set with vigie hours are what the guard judges by', async () => {
  await vigieOk(['hours', '--data', data, '--rpps', offCall.rpps, '--set', '24/7']);
  const shown = await vigieOk(['hours', '--data', data, '--rpps', offCall.rpps]);
  assert.match(shown.stdout, /24\/7/);
  await server.stop();
  server = await startServer(data);
  const token = await pros.login(server, offCall);
  assert.equal(await decided(token, offCall, sample[3]), 'verify', 'open day and night now');
  // and back to the profession's usual hours
  const usual = await vigieOk(['hours', '--data', data, '--rpps', offCall.rpps, '--usual']);
  assert.match(usual.stdout, /usual hours/);
});

// Refusals are accounted for without filling the journal (issue 11, item 5): an
// account's malformed lookups are journaled one by one within a budget (20 at
// once, then one every 6 s); past it they are answered 429, journaled once per
// throttled burst and counted. Other accounts, and the account's own well-formed
// lookups, are untouched.
import { before } from 'node:test';
import assert from 'node:assert/strict';
import {
  test, NIR_SYSTEM, seededDataDir, startServer, readSample, Pros, http, assertOutcome,
  assertCleanExit, journalRecords, metricsOf,
} from './lib.mjs';

let data, server, pros, sample;

before(async () => {
  data = await seededDataDir({ pros: 4 });
  server = await startServer(data);
  pros = new Pros(data);
  sample = readSample(data).filter((r) => r.rank === '0');
});

const malformed = (token, i) => http(server, 'GET', i % 2 ? '/fhir/Patient' : '/fhir/Patient?identifier=x&_count=9', { token });

test('30 malformed lookups from one account: 20 journaled 400s, then 429s journaled once and counted', async () => {
  const pro = pros.fresh();
  const token = await pros.login(server, pro);
  const statuses = [];
  let retry = null;
  for (let i = 0; i < 30; i++) {
    const r = await malformed(token, i);
    statuses.push(r.status);
    if (r.status === 429) {
      assertOutcome(r, 429, 'throttled');
      retry = Number(r.headers.get('retry-after'));
    } else {
      assertOutcome(r, 400);
    }
  }
  assert.deepEqual(statuses.slice(0, 20), Array(20).fill(400));
  assert.ok(statuses.slice(20).every((s) => s === 429), statuses.join(' '));
  assert.ok(retry >= 1 && retry <= 6, `Retry-After ${retry}`);
  // The account's well-formed lookups go on; another account's malformed one is a 400.
  const ok = await http(server, 'GET', `/fhir/Patient?identifier=${encodeURIComponent(`${NIR_SYSTEM}|${sample[0].nir}`)}`, { token });
  assert.equal(ok.status, 200, ok.text);
  const other = await pros.login(server, pros.fresh());
  assertOutcome(await malformed(other, 1), 400);
  // What the journal holds of it: every refusal accounted for, the burst in one entry.
  const mine = (await journalRecords(data)).filter((x) => x.record.pro === pro.rpps).map((x) => x.record);
  assert.equal(mine.filter((x) => x.decision === 'invalid').length, 20);
  const thr = mine.filter((x) => x.decision === 'throttle');
  assert.equal(thr.length, 1, JSON.stringify(thr));
  assert.equal(thr[0].status, 429);
  assert.equal(thr[0].fields, 'malformed');
  const m = await metricsOf(server);
  assert.match(m.text, /vigie_lookups_malformed_throttled_total 10\b/);
});

test('the server stops cleanly', async () => {
  assertCleanExit(await server.stop(), server);
});

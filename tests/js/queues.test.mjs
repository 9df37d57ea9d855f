// The Argon2id queues (issue 12, item 7): each login kind has its own hash
// workers and its own bounded queue, so a flood of bogus insured logins (each
// one a 64 MiB hash, a decoy's as much as an account's) cannot hold a
// professional's login up. The red team's shape: 300 bogus insured logins
// kept both workers busy for 27 s while a pharmacist waited behind them.
// Asserted by order, not by time: the professional's answer arrives while
// most of the flood is still waiting for its hash.
import { before } from 'node:test';
import assert from 'node:assert/strict';
import { seededDataDir, startServer, Pros, http, assertCleanExit, sleep, test } from './lib.mjs';

let data, server, pros;

before(async () => {
  data = await seededDataDir({ pros: 4 });
  // Every flood request must reach its hash: the address's own failure budget
  // and its spread watch (tested elsewhere) are raised out of the way.
  server = await startServer(data, ['--login-burst', '1000', '--login-accounts-max', '250']);
  pros = new Pros(data);
});

const FLOOD = 200;

test('a flood of bogus insured logins does not stall a professional login', async () => {
  const pro = pros.fresh();
  const { code } = await pros.code(pro); // ready before the flood: nothing to wait for after it
  let answered = 0;
  const flood = Array.from({ length: FLOOD }, (_, i) =>
    http(server, 'POST', '/auth/insured/login', {
      body: { login: `flood-${i}@example.test`, password: `not the password ${i}` },
    }).then((r) => { answered++; return r; }));
  // Two flood answers: the insured workers are hashing and the rest of the
  // flood (sent at once) waits in a queue. On one shared queue, the
  // professional's login would now wait behind all of it.
  while (answered < 2) await sleep(5);
  const r = await http(server, 'POST', '/auth/pro/login',
    { body: { rpps: pro.rpps, password: pro.password, totp: code } });
  const answeredBefore = answered;
  assert.equal(r.status, 200, `professional login during the flood: ${r.text}`);
  assert.ok(answeredBefore < FLOOD / 2,
    `the professional login was answered after ${answeredBefore} of the ${FLOOD} flood logins`);
  const all = await Promise.all(flood);
  // Every flood login was a real failure (its hash done), none a 5xx.
  assert.deepEqual([...new Set(all.map((x) => x.status))], [401]);
});

test('the server stops cleanly after the flood', async () => {
  assertCleanExit(await server.stop(), server);
});

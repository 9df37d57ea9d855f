// fhir.test.mjs - the FHIR R4 rights lookup, through a real FHIR client
// (fhir-kit-client) and checked against the R4 StructureDefinitions.
import { before } from 'node:test';
import assert from 'node:assert/strict';
import Client from 'fhir-kit-client';
import { validate as ssnValidate } from 'french-ssn';

import {
  NIR_SYSTEM, FHIR_JSON, SEED, seededDataDir, startServer, readSample, Pros, http,
  assertOutcome, assertValidFhir, absentNir, assertCleanExit, cardHeaders,
  test,
} from './lib.mjs';

let server, data, pros, sample, token, client;
const byNir = new Map(); // NIR -> sample rows billed under it

before(async () => {
  data = await seededDataDir({ sample: SEED.insured });
  // These tests are about FHIR shapes and parsers, through a FHIR client that
  // sends the patient's card proof (present(nir)) where a full answer is
  // looked at; the guard decides and counts but does not act
  // (--guard observe). An account sending this much without cards would be
  // stopped: that is tested in guard.test.mjs, and the card-less answers
  // (verification) in verify.test.mjs.
  server = await startServer(data, ['--guard', 'observe']);
  pros = new Pros(data);
  sample = readSample(data);
  for (const row of sample) {
    if (!byNir.has(row.nir)) byNir.set(row.nir, []);
    byNir.get(row.nir).push(row);
  }
  token = await pros.login(server);
  client = new Client({ baseUrl: server.base, customHeaders: { Authorization: `Bearer ${token}` } });
});

const ident = (nir) => `${NIR_SYSTEM}|${nir}`;
/** fhir-kit-client request options: the patient is there (a fresh card proof for nir). */
const present = (nir) => ({ headers: cardHeaders(token, nir) });
const genderOf = (sex) => ({ M: 'male', F: 'female', 1: 'male', 2: 'female', male: 'male', female: 'female' })[sex];

/** Rows of people alone under their NIR in the sample (rank 0, no dependant listed). */
function singles(n) {
  return sample.filter((r) => Number(r.rank) === 0 && byNir.get(r.nir).length === 1).slice(0, n);
}
/** A dependant (rank > 0) whose birth date differs from everyone else's under the same NIR. */
function dependant() {
  const r = sample.find((x) => Number(x.rank) > 0 &&
    byNir.get(x.nir).filter((y) => y.birth_date === x.birth_date).length === 1);
  assert.ok(r, 'the sample has a dependant billed under another person\'s NIR');
  return r;
}

/** Assert a Patient resource is the person of a sample row. */
function assertSamePerson(p, row) {
  assert.equal(p.resourceType, 'Patient');
  assert.ok(p.identifier.some((i) => i.system === NIR_SYSTEM && i.value === row.nir), 'Patient carries the NIR');
  assert.equal(p.name[0].family, row.family);
  assert.deepEqual(p.name[0].given, row.given.split(' ').filter(Boolean));
  assert.equal(p.birthDate, row.birth_date);
  assert.equal(p.gender, genderOf(row.sex));
}

/** Assert a searchset Bundle is well formed; returns its entries. */
function assertSearchset(b, { total } = {}) {
  assertValidFhir(b, 'search Bundle');
  assert.equal(b.resourceType, 'Bundle');
  assert.equal(b.type, 'searchset');
  assert.equal(typeof b.total, 'number');
  if (total !== undefined) assert.equal(b.total, total);
  const entries = b.entry ?? [];
  assert.equal(entries.filter((e) => e.search?.mode === 'match').length, b.total,
    'total counts the match entries');
  for (const e of entries) {
    assertValidFhir(e.resource, `${e.resource?.resourceType} entry`);
    if (e.search.mode === 'outcome') { // what a verification answer left out
      assert.equal(e.resource.resourceType, 'OperationOutcome');
      continue;
    }
    assert.equal(e.fullUrl, `${server.base}/${e.resource.resourceType}/${e.resource.id}`);
    assert.ok(['match', 'include'].includes(e.search.mode));
  }
  return entries;
}

test('metadata is a valid R4 CapabilityStatement (fhir-kit-client)', async () => {
  const cs = await client.capabilityStatement();
  assertValidFhir(cs);
  assert.equal(cs.resourceType, 'CapabilityStatement');
  assert.equal(cs.fhirVersion, '4.0.1');
  assert.equal(cs.kind, 'instance');
  assert.ok(cs.format.includes('json'));
  assert.equal(cs.implementation.url, server.base);
  const rest = cs.rest.find((r) => r.mode === 'server');
  assert.ok(rest, 'a rest entry in server mode');
  const types = rest.resource.map((r) => r.type);
  for (const t of ['Patient', 'Coverage', 'CoverageEligibilityRequest']) assert.ok(types.includes(t), t);
  const patient = rest.resource.find((r) => r.type === 'Patient');
  assert.ok(patient.searchParam.some((p) => p.name === 'identifier' && p.type === 'token'));
  assert.ok(patient.searchParam.some((p) => p.name === 'birthdate' && p.type === 'date'), 'card-less lookups state it');
  assert.ok(patient.searchRevInclude.includes('Coverage:beneficiary'));
});

test('metadata answers application/fhir+json and refuses other formats', async () => {
  const r = await http(server, 'GET', '/fhir/metadata');
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /^application\/fhir\+json/);
  assert.equal(r.headers.get('cache-control'), 'no-store');
  assertOutcome(await http(server, 'GET', '/fhir/metadata?_format=xml'), 406, 'not-supported');
});

test('Patient search by NIR returns the sample people (fhir-kit-client)', async () => {
  const rows = singles(6);
  assert.equal(rows.length, 6, 'the sample has people alone under their NIR');
  for (const row of rows) {
    const b = await client.search({ resourceType: 'Patient', searchParams: { identifier: ident(row.nir) }, options: present(row.nir) });
    const entries = assertSearchset(b);
    assert.ok(b.total >= 1, `${row.nir}: total ${b.total}`);
    assert.ok(entries.every((e) => e.search.mode === 'match' && e.resource.resourceType === 'Patient'));
    assert.ok(entries.every((e) => e.resource.identifier.some((i) => i.value === row.nir)), 'only people under that NIR');
    const me = entries.filter((e) => e.resource.birthDate === row.birth_date && e.resource.name[0].family === row.family);
    assert.equal(me.length, 1, `${row.nir}: the sample person is found once`);
    assertSamePerson(me[0].resource, row);
    assert.match(b.link.find((l) => l.relation === 'self').url, new RegExp(`${row.nir}`));
  }
});

test('the sample NIRs are valid for an independent oracle (french-ssn)', () => {
  // guards the test data itself: the server is then asked about real-shaped numbers
  for (const nir of byNir.keys()) assert.ok(ssnValidate(nir), `${nir} is a valid NIR`);
});

test('_revinclude=Coverage:beneficiary adds the Coverage of each match', async () => {
  for (const row of singles(3).concat([dependant()])) {
    // With the card, its holder; a dependant when the request selects them by birth date.
    const dep = Number(row.rank) > 0;
    const b = await client.search({
      resourceType: 'Patient',
      searchParams: { identifier: ident(row.nir), _revinclude: 'Coverage:beneficiary', ...(dep ? { birthdate: row.birth_date } : {}) },
      options: present(row.nir),
    });
    const entries = assertSearchset(b);
    const patients = entries.filter((e) => e.search.mode === 'match');
    const covs = entries.filter((e) => e.search.mode === 'include');
    assert.ok(patients.length >= 1);
    assert.ok(patients.every((e) => e.resource.resourceType === 'Patient'));
    assert.equal(covs.length, patients.length, 'one Coverage per Patient');
    for (const c of covs) {
      assert.equal(c.resource.resourceType, 'Coverage');
      assert.ok(['active', 'cancelled'].includes(c.resource.status));
      assert.equal(c.resource.subscriberId, row.nir);
      assert.ok(c.resource.payor.length >= 1);
    }
    const pids = new Set(patients.map((e) => `Patient/${e.resource.id}`));
    assert.deepEqual(new Set(covs.map((c) => c.resource.beneficiary.reference)), pids,
      'every Coverage points to one of the matched Patients');
    assert.ok(patients.some((e) => e.resource.birthDate === row.birth_date));
  }
});

test('Coverage?beneficiary:identifier= returns the rights of the people under the NIR', async () => {
  const { row, pid } = await onlyOne();
  const b = await client.search({ resourceType: 'Coverage', searchParams: { 'beneficiary:identifier': ident(row.nir) }, options: present(row.nir) });
  const entries = assertSearchset(b, { total: 1 });
  assert.equal(entries[0].search.mode, 'match');
  assert.equal(entries[0].resource.resourceType, 'Coverage');
  assert.equal(entries[0].resource.beneficiary.reference, `Patient/${pid}`);
  assert.equal(entries[0].resource.subscriberId, row.nir);
  // a dependant's NIR: the person selected by birth date, as for Patient
  const dep = dependant();
  const pb = await client.search({ resourceType: 'Patient', searchParams: { identifier: ident(dep.nir), birthdate: dep.birth_date }, options: present(dep.nir) });
  const cb = await client.search({ resourceType: 'Coverage', searchParams: { 'beneficiary:identifier': ident(dep.nir), 'beneficiary.birthdate': dep.birth_date }, options: present(dep.nir) });
  assertSearchset(cb, { total: pb.total });
  assert.ok(pb.total >= 1);
  assert.deepEqual(new Set(cb.entry.map((e) => e.resource.beneficiary.reference)),
    new Set(pb.entry.map((e) => `Patient/${e.resource.id}`)));
  assert.ok(pb.entry.every((e) => e.resource.birthDate === dep.birth_date), 'only the person selected');
});

test('a valid NIR that is not in the population: 200, total 0', async () => {
  const nir = absentNir(new Set(byNir.keys()), 3);
  assert.ok(ssnValidate(nir), `${nir} is valid for french-ssn`);
  // (no card can be presented for nobody: the professional states a birth date)
  const b = await client.search({ resourceType: 'Patient', searchParams: { identifier: ident(nir), birthdate: '1980-01-01' } });
  assertSearchset(b, { total: 0 });
  assert.equal((b.entry ?? []).length, 0);
  const c = await client.search({ resourceType: 'Coverage', searchParams: { 'beneficiary:identifier': ident(nir), 'beneficiary.birthdate': '1980-01-01' } });
  assertSearchset(c, { total: 0 });
});

test('a search error comes back to the FHIR client as an OperationOutcome', async () => {
  const row = singles(1)[0];
  const wrong = row.nir.slice(0, 13) + String((Number(row.nir.slice(13)) % 97) + 1).padStart(2, '0');
  await assert.rejects(
    client.search({ resourceType: 'Patient', searchParams: { identifier: ident(wrong), birthdate: row.birth_date } }),
    (e) => {
      assert.equal(e.response?.status, 400);
      assert.equal(e.response.data.resourceType, 'OperationOutcome');
      assertValidFhir(e.response.data);
      assert.match(e.response.data.issue[0].diagnostics, /key/i);
      return true;
    });
});

function eligibility(patient, extra = {}) {
  return {
    resourceType: 'CoverageEligibilityRequest',
    id: 'req-1',
    status: 'active',
    purpose: ['validation', 'benefits'],
    patient,
    created: new Date().toISOString().slice(0, 10),
    insurer: { display: 'Assurance maladie' },
    ...extra,
  };
}

/** Assert a valid CoverageEligibilityResponse for the given Patient id. */
function assertEligibility(r, pid) {
  assertValidFhir(r);
  assert.equal(r.resourceType, 'CoverageEligibilityResponse');
  assert.equal(r.status, 'active');
  assert.deepEqual([...r.purpose].sort(), ['benefits', 'validation']);
  assert.equal(r.patient.reference, `Patient/${pid}`);
  assert.equal(r.outcome, 'complete');
  assert.ok(r.insurer, 'insurer');
  assert.ok(r.insurance?.length >= 1);
  assert.equal(r.insurance[0].coverage.reference, `Coverage/cov-${pid}`);
  assert.equal(typeof r.insurance[0].inforce, 'boolean');
  assert.ok(r.insurance[0].item?.length >= 1, 'benefits are listed for purpose benefits');
}

/** A sample row whose NIR matches exactly one person, and that person's Patient id. */
async function onlyOne() {
  for (const row of singles(50)) {
    const b = await client.search({ resourceType: 'Patient', searchParams: { identifier: ident(row.nir) }, options: present(row.nir) });
    if (b.total === 1) return { row, pid: b.entry[0].resource.id };
  }
  assert.fail('no NIR of the sample matches exactly one person');
}

test('POST CoverageEligibilityRequest/$submit returns a valid CoverageEligibilityResponse', async () => {
  const { row, pid } = await onlyOne();
  // with fetch, exactly the contract's media type
  const r = await http(server, 'POST', '/fhir/CoverageEligibilityRequest/$submit', {
    token, contentType: FHIR_JSON, body: eligibility({ identifier: { system: NIR_SYSTEM, value: row.nir } }),
  });
  assert.equal(r.status, 200, r.text);
  assert.match(r.headers.get('content-type'), /^application\/fhir\+json/);
  assertEligibility(r.json, pid);
  assert.equal(r.json.request.identifier.value, 'req-1');
  // and through the FHIR client's operation call
  const viaClient = await client.operation({
    resourceType: 'CoverageEligibilityRequest', name: '$submit',
    input: eligibility({ identifier: { system: NIR_SYSTEM, value: row.nir } }, { id: 'req-2' }),
    options: present(row.nir),
  });
  assertEligibility(viaClient, pid);
  assert.equal(viaClient.request.identifier.value, 'req-2');
  assert.notEqual(viaClient.id, r.json.id, 'each response has its own id');
});

test('$submit for an unknown NIR is 404 not-found', async () => {
  const nir = absentNir(new Set(byNir.keys()), 5);
  const r = await http(server, 'POST', '/fhir/CoverageEligibilityRequest/$submit', {
    token, contentType: FHIR_JSON, card: false,
    body: eligibility({ reference: '#p' }, {
      contained: [{ resourceType: 'Patient', id: 'p', identifier: [{ system: NIR_SYSTEM, value: nir }], birthDate: '1980-01-01' }],
    }),
  });
  assertOutcome(r, 404, 'not-found');
});

test('a dependant sharing a NIR: the card answers its holder; a dependant when selected by birth date', async () => {
  const dep = dependant();
  const holder = await client.search({ resourceType: 'Patient', searchParams: { identifier: ident(dep.nir) }, options: present(dep.nir) });
  const hentries = assertSearchset(holder);
  assert.ok(hentries.length >= 1 && hentries.every((e) => e.resource.birthDate !== dep.birth_date),
    'without a selection, the card holder only, not the dependant');
  const b = await client.search({ resourceType: 'Patient', searchParams: { identifier: ident(dep.nir), birthdate: dep.birth_date }, options: present(dep.nir) });
  const entries = assertSearchset(b, { total: 1 });
  assertSamePerson(entries[0].resource, dep);
  const match = entries[0];

  // $submit with the card and no birthDate: the holder, not a 422
  const mine = await http(server, 'POST', '/fhir/CoverageEligibilityRequest/$submit', {
    token, contentType: FHIR_JSON, body: eligibility({ identifier: { system: NIR_SYSTEM, value: dep.nir } }),
  });
  assert.equal(mine.status, 200, mine.text);
  assertEligibility(mine.json, hentries[0].resource.id);

  const contained = eligibility({ reference: '#pat' }, {
    contained: [{
      resourceType: 'Patient', id: 'pat',
      identifier: [{ system: NIR_SYSTEM, value: dep.nir }],
      birthDate: dep.birth_date,
    }],
  });
  assertValidFhir(contained, 'the request we send');
  const ok = await http(server, 'POST', '/fhir/CoverageEligibilityRequest/$submit', {
    token, contentType: FHIR_JSON, body: contained,
  });
  assert.equal(ok.status, 200, ok.text);
  assertEligibility(ok.json, match.resource.id);

  const noOne = structuredClone(contained);
  noOne.contained[0].birthDate = '1899-01-01';
  assertOutcome(await http(server, 'POST', '/fhir/CoverageEligibilityRequest/$submit', {
    token, contentType: FHIR_JSON, body: noOne,
  }), 404, 'not-found');
});

test('errors are valid OperationOutcomes with the right status', async () => {
  const row = singles(1)[0];
  // no token
  const r401 = await http(server, 'GET', `/fhir/Patient?identifier=${encodeURIComponent(ident(row.nir))}`);
  assertOutcome(r401, 401);
  assert.match(r401.headers.get('www-authenticate') ?? '', /^Bearer/);
  // missing identifier
  assertOutcome(await http(server, 'GET', '/fhir/Patient', { token }), 400, 'required');
  assertOutcome(await http(server, 'GET', '/fhir/Coverage', { token }), 400, 'required');
  // unsupported _revinclude
  assertOutcome(await http(server, 'GET',
    `/fhir/Patient?identifier=${encodeURIComponent(ident(row.nir))}&_revinclude=Claim:patient`, { token }), 400, 'not-supported');
  // wrong system (the real INS-NIR system is refused: synthetic data only)
  const real = await http(server, 'GET',
    `/fhir/Patient?identifier=${encodeURIComponent(`urn:oid:1.2.250.1.213.1.4.8|${row.nir}`)}`, { token });
  assertOutcome(real, 400, 'invalid');
  // unknown endpoint, wrong method
  assertOutcome(await http(server, 'GET', '/fhir/Observation', { token }), 404, 'not-found');
  const r405 = await http(server, 'DELETE', '/fhir/Patient', { token });
  assertOutcome(r405, 405);
  assert.equal(r405.headers.get('allow'), 'GET');
  // $submit with a body that is not a CoverageEligibilityRequest
  assertOutcome(await http(server, 'POST', '/fhir/CoverageEligibilityRequest/$submit', {
    token, contentType: FHIR_JSON, body: { resourceType: 'Patient' },
  }), 400, 'invalid');
  assertOutcome(await http(server, 'POST', '/fhir/CoverageEligibilityRequest/$submit', {
    token, contentType: FHIR_JSON, body: eligibility({ identifier: { system: NIR_SYSTEM, value: row.nir } }, { purpose: ['payment'] }),
  }), 400, 'invalid');
});

test('the server stops cleanly on SIGTERM', async () => {
  assertCleanExit(await server.stop(), server);
});

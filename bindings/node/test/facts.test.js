'use strict';
// Facts through the Node.js SDK: the same answers as the CLI and Python, camelCase results
// with the schema's fields, and the extraction switches.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const memvid = require('..');
const { freshMemory } = require('./helpers');

test('state, history and time', async (t) => {
  const { mem } = await freshMemory(t, { embeddingModel: 'none' });
  await mem.put('Alice works at Acme Corp.', { timestamp: '2023-01-01', uri: 'mv2://a' });
  await mem.put('Alice joined Globex.', { timestamp: '2025-01-01' });
  const now = await mem.facts.state('Alice');
  assert.deepEqual(now.map((f) => [f.slot, f.value]), [['employer', 'Globex']]);
  assert.equal(now[0].validFrom.getUTCFullYear(), 2025);
  assert.equal(now[0].validTo, null);
  assert.deepEqual(Object.keys(now[0]), memvid.resultSchema.FactRecord.map(([f]) => f));
  const then = await mem.facts.state('alice', 'employer', { at: '2024-06-01' });
  assert.deepEqual(then.map((f) => f.value), ['Acme Corp']);
  assert.deepEqual(await mem.facts.state('alice', null, { at: 1600000000000 }), []);
  const history = await mem.facts.list({ entity: 'alice', history: true });
  assert.deepEqual(history.map((f) => f.value), ['Acme Corp', 'Globex']);
  assert.equal(history[0].supersededBy, history[1].id);
  assert.equal(history[0].uri, 'mv2://a');
  await mem.close();
});

test('extraction switches, entities and follow', async (t) => {
  const { mem } = await freshMemory(t, { embeddingModel: 'none', extractFacts: false });
  await mem.put('Dan works at Umbrella.');
  await mem.put('Bob is married to Carol. Carol works at Initech.', { extractFacts: true });
  const kinds = Object.fromEntries((await mem.facts.entities()).map((e) => [e.entity, e.kind]));
  assert.equal(kinds.initech, 'organization');
  assert.equal(kinds.dan, undefined);
  const r = await mem.facts.follow('bob', { hops: 2 });
  assert.deepEqual(r.reached, ['carol', 'initech']);
  assert.deepEqual(r.edges.map((e) => [e.source, e.slot, e.target]), [['bob', 'spouse', 'carol'], ['carol', 'employer', 'initech']]);
  await assert.rejects(mem.facts.follow('bob', { direction: 'sideways' }), memvid.InvalidArgumentError);
  await assert.rejects(mem.facts.list({ colour: 'red' }), TypeError);
  await mem.close();
});

test('enrich with the rules engine and with a model endpoint', async (t) => {
  const http = require('node:http');
  const seen = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => { body += c; });
    req.on('end', () => {
      seen.push(JSON.parse(body));
      const facts = [{ entity: 'Zoë', slot: 'location', value: 'Zürich' }];
      res.setHeader('Content-Type', 'application/json');
      res.end(JSON.stringify({ choices: [{ message: { role: 'assistant', content: JSON.stringify({ facts }) }, finish_reason: 'stop' }] }));
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => server.close());
  const { mem } = await freshMemory(t, { embeddingModel: 'none', extractFacts: false });
  const id = await mem.put('Zoë lives in Zürich. Dan works at Umbrella.');
  const r = await mem.facts.enrich();
  assert.deepEqual([r.engine, r.processed, r.facts], ['rules/1', 1, 2]);
  assert.deepEqual(Object.keys(r), memvid.resultSchema.EnrichReport.map(([f]) => f));
  const [dan] = await mem.facts.state('dan');
  assert.deepEqual([dan.value, dan.frame, dan.recordedIn], ['Umbrella', id, r.enrichmentFrames[0]]);
  assert.equal((await mem.facts.enrich()).already, 1);
  const llm = await mem.facts.enrich({ engine: 'local:tiny', baseUrl: `http://127.0.0.1:${server.address().port}/v1`, workers: 3 });
  assert.deepEqual([llm.engine, llm.processed, llm.facts, llm.duplicates], ['local:tiny/1', 1, 0, 1]);
  assert.equal(seen[0].model, 'tiny');
  await assert.rejects(mem.facts.enrich({ engin: 'rules' }), TypeError);
  await mem.close();
});

test('correct', async (t) => {
  const { mem } = await freshMemory(t, { embeddingModel: 'none' });
  await mem.put('Ben Koenig reports to Chloe Nguyen.', { timestamp: '2026-03-01' });
  const c = await mem.facts.correct('Ben Koenig reports to Dana Reyes since 2025', { topics: ['org'], source: 'HR' });
  assert.equal(c.frame, 1);
  assert.deepEqual(c.facts.map((f) => [f.slot, f.value, f.correction]), [['manager', 'Dana Reyes', true]]);
  assert.deepEqual((await mem.facts.state('Ben Koenig', 'manager')).map((f) => f.value), ['Dana Reyes']);
  await mem.close();
});

test('a matching correction is boosted in find and ask', async (t) => {
  const { mem } = await freshMemory(t, { embeddingModel: 'none' });
  const note = await mem.put('Ben Koenig reports to Chloe Nguyen.');
  const c = await mem.facts.correct('Ben Koenig reports to Dana Reyes since 2025, after the reorganisation of the platform and infrastructure groups moved the whole team under a new director.', { boost: 5 });
  const ids = async (o) => (await mem.find('Ben Koenig reports', { mode: 'lex', ...o })).hits.map((h) => h.id);
  assert.deepEqual(await ids({}), [c.frame, note]);
  assert.deepEqual(await ids({ correctionBoost: false }), [note, c.frame]);
  assert.equal((await mem.ask('Who does Ben Koenig report to?', { mode: 'lex' })).sources[0].id, c.frame);
  await mem.close();
});

test('schema', async (t) => {
  const { mem } = await freshMemory(t, { embeddingModel: 'none' });
  await mem.put("Alice's favorite number is 7. Bob lives in Oslo.");
  const inferred = await mem.facts.inferSchema();
  const byslot = Object.fromEntries(inferred.map((s) => [s.slot, s]));
  assert.equal(byslot.favorite_number.valueType, 'number');
  const done = await mem.facts.registerSchema(inferred);
  assert.deepEqual(done.map((s) => s.slot), ['favorite_number']);
  assert.ok((await mem.facts.schema()).some((s) => s.slot === 'favorite_number' && s.source === 'registered'));
  await mem.close();
});

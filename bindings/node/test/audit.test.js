'use strict';
// audit through the Node.js SDK: provenance per source, corrections marked, Markdown to file.
const { test } = require('node:test');
const assert = require('node:assert/strict');

const { freshMemory } = require('./helpers');

test('audit: sources with provenance, and Markdown', async (t) => {
  const { mem } = await freshMemory(t);
  await mem.put({ text: 'Ben Koenig reports to Chloe Nguyen.', uri: 'mv2://hr/ben', title: 'Org notes', timestamp: '2024-01-01' });
  await mem.facts.correct('Ben Koenig reports to Dana Reyes since 2025');
  const r = await mem.audit('Who does Ben Koenig report to?', { mode: 'lex' });
  assert.equal(r.sources.length, 2);
  const byFrame = Object.fromEntries(r.sources.map((s) => [s.frame, s]));
  assert.equal(byFrame[1].correction, true);
  assert.equal(byFrame[0].uri, 'mv2://hr/ben');
  assert.deepEqual([byFrame[0].byteBegin, byFrame[0].byteEnd], [0, 35]);
  assert.deepEqual(byFrame[0].facts.map((f) => f.value), ['Chloe Nguyen']);
  assert.ok(byFrame[0].timestamp instanceof Date);
  const md = await mem.audit('Who does Ben Koenig report to?', { mode: 'lex', format: 'markdown' });
  assert.match(md, /^# Audit: Who does Ben Koenig report to\?/);
  assert.match(md, /\| correction \| yes \|/);
  await mem.close();
});

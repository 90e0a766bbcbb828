'use strict';
// Time phrases through the Node.js SDK: resolveTime, mem.when and date: phrases in find, with
// the windows the CLI and the Python SDK give (MEMORY.md acceptance cases 14 and 15).
const { test } = require('node:test');
const assert = require('node:assert/strict');

const { memvid, freshMemory } = require('./helpers');

const ANCHOR = '2025-11-21T12:00:00Z';

async function twoFrames(t) {
  const { mem } = await freshMemory(t);
  await mem.put({ text: 'first', timestamp: '2025-11-17T15:00:00Z' });
  await mem.put({ text: 'second', timestamp: '2025-11-19T23:30:00Z' });
  return mem;
}

test('when: last monday in UTC, thursday in Tokyo', async (t) => {
  const mem = await twoFrames(t);
  const r = await mem.when('last monday', { tz: 'UTC', anchor: ANCHOR });
  assert.equal(r.window.startLocal, '2025-11-17T00:00:00Z');
  assert.equal(r.window.endLocal, '2025-11-18T00:00:00Z');
  assert.equal(r.window.granularity, 'day');
  assert.deepEqual(r.frames.map((f) => f.preview), ['first']);
  assert.ok(r.frames[0].timestamp instanceof Date);
  const tokyo = await mem.when('thursday', { tz: 'Asia/Tokyo', anchor: new Date(ANCHOR) });
  assert.deepEqual(tokyo.frames.map((f) => f.preview), ['second']);
  await assert.rejects(mem.when('the twelfth of never'), (e) => e instanceof memvid.InvalidArgumentError);
  await assert.rejects(mem.when('today', { tz: 'Not/AZone' }), /unknown time zone 'Not\/AZone'/);
  await mem.close();
});

test('resolveTime: DST days, open ranges, ambiguity, errors', () => {
  const w = memvid.resolveTime('2025-10-26', { tz: 'Europe/Berlin' });
  assert.equal(w.endMs - w.startMs, 25 * 3600 * 1000);
  const since = memvid.resolveTime('since last monday', { anchor: ANCHOR });
  assert.equal(since.endMs, null);
  assert.equal(since.startLocal, '2025-11-17T00:00:00Z');
  const amb = memvid.resolveTime('03/04/2025');
  assert.equal(amb.ambiguous, true);
  assert.match(amb.note, /month first/);
  assert.throws(() => memvid.resolveTime('in 9999999 days'), (e) => e instanceof memvid.InvalidArgumentError && /outside years/.test(e.message));
  assert.throws(() => memvid.resolveTime('today', { tz: 'Not/AZone' }), (e) => e.code === 'InvalidArgument');
  assert.throws(() => memvid.resolveTime('today', { zone: 'UTC' }), TypeError);  // an unknown option, as everywhere
});

test('find: date: phrases in the zone asked for', async (t) => {
  const mem = await twoFrames(t);
  const lex = { mode: 'lex', timeAnchor: ANCHOR };
  assert.deepEqual((await mem.find('date:"last week" OR date:2025-11-17', lex)).hits.map((h) => h.id), [0]);
  assert.deepEqual((await mem.find('date:wednesday', { ...lex, timeZone: 'UTC' })).hits.map((h) => h.id), [1]);
  assert.deepEqual((await mem.find('date:wednesday', { ...lex, timeZone: 'Asia/Tokyo' })).hits.map((h) => h.id), []);
  await mem.close();
});

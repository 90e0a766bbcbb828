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

test('findTimeMentions, when with mentions, mentions: in find', async (t) => {
  const found = memvid.findTimeMentions('Shipped yesterday; the outage on March 5, 2024. Version 2.4.1.', { written: '2025-06-15' });
  assert.deepEqual(found.map((m) => m.text), ['yesterday', 'March 5, 2024']);
  assert.equal(found[0].firstDay, '2025-06-14');
  assert.equal(found[0].relative, true);
  assert.equal(found[1].lastDay, '2024-03-05');
  assert.throws(() => memvid.findTimeMentions(42), TypeError);
  const { mem } = await freshMemory(t);
  const a = await mem.put({ text: 'The audit of Q1 2024 found two issues.', timestamp: '2025-06-01T00:00:00Z' });
  await mem.put({ text: 'Release notes for version 2024.1.', timestamp: '2024-02-01T00:00:00Z' });
  const r = await mem.when('february 2024', { mentions: true });
  assert.deepEqual(r.frames.map((f) => f.id), [a]);
  assert.equal(r.mentions[0].text, 'Q1 2024');
  assert.equal(r.mentions[0].lastDay, '2024-03-31');
  assert.deepEqual((await mem.when('february 2024', { mentions: true, within: true })).frames, []);
  assert.equal((await mem.when('2024', { mentions: true, within: true })).frames.length, 1);
  await assert.rejects(mem.when('2024', { within: true }), (e) => e instanceof memvid.InvalidArgumentError);
  const hits = (await mem.find('mentions:"march 2024"')).hits;
  assert.deepEqual(hits.map((h) => h.id), [a]);
  const { mem: plain } = await freshMemory(t, { indexTimeMentions: false });
  await plain.put({ text: 'On March 5, 2024 we met.' });
  await assert.rejects(plain.when('march 2024', { mentions: true }), (e) => e instanceof memvid.InvalidArgumentError);
  await mem.close();
  await plain.close();
});
